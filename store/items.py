"""Items of knowledge: partnerships, deadlines, figures and facts, with their details and terms.

An item is one row of ``items`` plus one row of the table of its kind. Rows carry their origin
(``seed`` or ``admin``) so that a seed reload replaces seed rows and never touches admin rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import aiosqlite

from store import times
from store.db import Reads

KINDS = ("partnership", "deadline", "figure", "fact")
# The table that holds each kind's one row of details.
DETAIL_TABLES = {
    "partnerships": "partnership",
    "deadlines": "deadline",
    "figures": "figure",
    "facts": "fact",
}
UNITS = ("%", "USD", "EUR", "count", "years")
QUALIFIERS = ("exact", "more_than", "at_least", "about", "up_to")
CATEGORIES = ("people", "agreement", "discussion", "context")


@dataclass(frozen=True)
class PartnershipDetails:
    announced: date | None
    parties_fr: tuple[str, ...]
    parties_en: tuple[str, ...]
    programme_fr: str = ""
    programme_en: str = ""
    themes_fr: tuple[str, ...] = ()
    themes_en: tuple[str, ...] = ()
    conditions_fr: tuple[str, ...] = ()
    conditions_en: tuple[str, ...] = ()

    def parties(self, lang: str) -> tuple[str, ...]:
        return self.parties_fr if lang == "fr" else self.parties_en

    def programme(self, lang: str) -> str:
        return self.programme_fr if lang == "fr" else self.programme_en

    def themes(self, lang: str) -> tuple[str, ...]:
        return self.themes_fr if lang == "fr" else self.themes_en

    def conditions(self, lang: str) -> tuple[str, ...]:
        return self.conditions_fr if lang == "fr" else self.conditions_en


@dataclass(frozen=True)
class DeadlineDetails:
    due: datetime  # aware, UTC
    timezone: str
    date_only: bool


@dataclass(frozen=True)
class FigureDetails:
    value: float
    unit: str
    qualifier: str
    measures_fr: str
    measures_en: str
    as_of: date | None = None
    value_max: float | None = None
    unit_fr: str = ""
    unit_en: str = ""

    def measures(self, lang: str) -> str:
        return self.measures_fr if lang == "fr" else self.measures_en

    def unit_label(self, lang: str) -> str:
        return self.unit_fr if lang == "fr" else self.unit_en


@dataclass(frozen=True)
class Item:
    id: str
    kind: str
    title_fr: str
    title_en: str
    text_fr: str
    text_en: str
    source_id: str | None = None
    paragraph: int | None = None
    quote: str | None = None
    link: str | None = None
    partnership_id: str | None = None
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    origin: str = "seed"
    guild_id: int | None = None
    partnership: PartnershipDetails | None = None
    deadline: DeadlineDetails | None = None
    figure: FigureDetails | None = None
    category: str | None = None
    # The ways users ask for a seed item (from its seed file only; not stored in the database).
    questions_fr: tuple[str, ...] = field(default=(), compare=False)
    questions_en: tuple[str, ...] = field(default=(), compare=False)
    # Where a flow the item states (an investment, exports) comes from and goes to, as written in
    # its seed file ("Taïwan", "États-Unis"); from the seed file only, like the ways of asking.
    flow: tuple[str, str] | None = field(default=None, compare=False)
    created_at: datetime | None = field(default=None, compare=False)
    updated_at: datetime | None = field(default=None, compare=False)

    def visible_to(self, guild_id: int | None) -> bool:
        return visible(self.guild_id, guild_id)

    def title(self, lang: str) -> str:
        return self.title_fr if lang == "fr" else self.title_en

    def text(self, lang: str) -> str:
        return self.text_fr if lang == "fr" else self.text_en


@dataclass(frozen=True)
class IndexText:
    """What the full-text index holds for one item: already normalised by the answer engine."""

    names: str
    keywords: str
    body: str
    questions: str = ""  # the questions the item answers, " | " between them


def admin_deadline(
    item_id: str,
    guild_id: int,
    title_fr: str,
    title_en: str,
    due: datetime,
    *,
    timezone: str = "Europe/Paris",
    date_only: bool = False,
    link: str | None = None,
    partnership_id: str | None = None,
    written: datetime | None = None,
) -> Item:
    """A deadline a server's admins added: its titles are its text, and it belongs to them."""
    return Item(
        id=item_id,
        kind="deadline",
        title_fr=title_fr,
        title_en=title_en,
        text_fr=f"{title_fr.rstrip('.')}.",
        text_en=f"{title_en.rstrip('.')}.",
        link=link,
        partnership_id=partnership_id,
        origin="admin",
        guild_id=guild_id,
        updated_at=written,
        deadline=DeadlineDetails(due=due.astimezone(UTC), timezone=timezone, date_only=date_only),
    )


def visible(owner: int | None, guild_id: int | None) -> bool:
    """What a server sees: the shared items (no owner) and its own."""
    return owner is None or owner == guild_id


# The same rule in SQL, for queries on ``items`` with a ``:guild`` parameter.
VISIBLE = "(items.guild_id IS NULL OR items.guild_id = :guild)"


def _now() -> str:
    return times.utc_now().isoformat(timespec="seconds")


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


async def upsert(
    conn: aiosqlite.Connection,
    item: Item,
    index: IndexText,
    *,
    now: datetime | None = None,
    touch: bool = False,
) -> None:
    """Insert or replace one item, its details, its terms and its index row.

    ``touch`` marks the item as written now even if only its details (a deadline's date) changed.
    """
    await upsert_many(conn, [(item, index)], now=now, touch=touch)


async def upsert_many(
    conn: aiosqlite.Connection,
    entries: list[tuple[Item, IndexText]],
    *,
    now: datetime | None = None,
    touch: bool = False,
) -> None:
    """Insert or replace items with their details, terms and index rows, a statement per table.

    ``created_at`` is kept, and ``updated_at`` only moves when the item's content changed, its
    details included (a deadline's date): reminders already past for a new date are not posted.
    """
    now = now.astimezone(UTC).isoformat(timespec="seconds") if now else _now()
    items = [item for item, _ in entries]
    ids = [(item.id,) for item in items]
    before = await get_many(conn, [item.id for item in items])
    # Items compare without their timestamps.
    changed = {item.id for item in items if item.id in before and before[item.id] != item}
    await conn.executemany(
        """
        INSERT INTO items (id, kind, title_fr, title_en, text_fr, text_en, source_id, paragraph,
                           quote, link, partnership_id, origin, guild_id, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET
            kind = excluded.kind, title_fr = excluded.title_fr, title_en = excluded.title_en,
            text_fr = excluded.text_fr, text_en = excluded.text_en,
            source_id = excluded.source_id, paragraph = excluded.paragraph,
            quote = excluded.quote, link = excluded.link,
            partnership_id = excluded.partnership_id, origin = excluded.origin,
            guild_id = excluded.guild_id,
            updated_at = CASE WHEN
                (items.kind, items.title_fr, items.title_en, items.text_fr, items.text_en,
                 items.source_id, items.paragraph, items.quote, items.link, items.partnership_id)
                IS (excluded.kind, excluded.title_fr, excluded.title_en, excluded.text_fr,
                    excluded.text_en, excluded.source_id, excluded.paragraph, excluded.quote,
                    excluded.link, excluded.partnership_id)
                AND NOT ? THEN items.updated_at ELSE excluded.updated_at END
        """,
        [
            (
                i.id,
                i.kind,
                i.title_fr,
                i.title_en,
                i.text_fr,
                i.text_en,
                i.source_id,
                i.paragraph,
                i.quote,
                i.link,
                i.partnership_id,
                i.origin,
                i.guild_id,
                now,
                now,
                int(touch or i.id in changed),
            )
            for i in items
        ],
    )
    # Lists are written anew; a kind's one row of details is updated in place, so that a reader
    # never finds an item without its details (a deadline without its date).
    for delete in (
        "DELETE FROM item_terms WHERE item_id = ?",
        "DELETE FROM partnership_points WHERE item_id = ?",
        # The index row shares the item's rowid: found without scanning the index.
        "DELETE FROM search_index WHERE rowid = (SELECT rowid FROM items WHERE id = ?)",
    ):
        await conn.executemany(delete, ids)
    for table, kind in DETAIL_TABLES.items():
        await conn.executemany(
            f"DELETE FROM {table} WHERE item_id = ?",  # noqa: S608 (a table name of ours)
            [(i.id,) for i in items if i.kind != kind],
        )
    await conn.executemany(
        "INSERT INTO item_terms (item_id, role, position, term) VALUES (?, ?, ?, ?)",
        [
            (item.id, role, n, term)
            for item in items
            for role, terms in (("alias", item.aliases), ("keyword", item.keywords))
            for n, term in enumerate(terms)
        ],
    )
    partnerships = [i for i in items if i.partnership is not None]
    await conn.executemany(
        "INSERT INTO partnerships (item_id, announced, programme_fr, programme_en) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (item_id) DO UPDATE SET announced = excluded.announced, "
        "programme_fr = excluded.programme_fr, programme_en = excluded.programme_en",
        [
            (
                i.id,
                _iso(i.partnership.announced),
                i.partnership.programme_fr,
                i.partnership.programme_en,
            )
            for i in partnerships
        ],
    )
    await conn.executemany(
        "INSERT INTO partnership_points (item_id, role, position, text_fr, text_en) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            (i.id, role, n, fr, en)
            for i in partnerships
            for role, frs, ens in (
                ("party", i.partnership.parties_fr, i.partnership.parties_en),
                ("theme", i.partnership.themes_fr, i.partnership.themes_en),
                ("condition", i.partnership.conditions_fr, i.partnership.conditions_en),
            )
            for n, (fr, en) in enumerate(zip(frs, ens, strict=True))
        ],
    )
    await conn.executemany(
        "INSERT INTO deadlines (item_id, due_utc, timezone, date_only) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (item_id) DO UPDATE SET due_utc = excluded.due_utc, "
        "timezone = excluded.timezone, date_only = excluded.date_only",
        [
            (
                i.id,
                i.deadline.due.astimezone(UTC).isoformat(),
                i.deadline.timezone,
                int(i.deadline.date_only),
            )
            for i in items
            if i.deadline is not None
        ],
    )
    await conn.executemany(
        "INSERT INTO figures (item_id, value, value_max, unit, unit_fr, unit_en, qualifier, "
        "measures_fr, measures_en, as_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (item_id) DO UPDATE SET value = excluded.value, "
        "value_max = excluded.value_max, unit = excluded.unit, unit_fr = excluded.unit_fr, "
        "unit_en = excluded.unit_en, qualifier = excluded.qualifier, "
        "measures_fr = excluded.measures_fr, measures_en = excluded.measures_en, "
        "as_of = excluded.as_of",
        [
            (
                i.id,
                f.value,
                f.value_max,
                f.unit,
                f.unit_fr,
                f.unit_en,
                f.qualifier,
                f.measures_fr,
                f.measures_en,
                _iso(f.as_of),
            )
            for i in items
            if (f := i.figure) is not None
        ],
    )
    await conn.executemany(
        "INSERT INTO facts (item_id, category) VALUES (?, ?) "
        "ON CONFLICT (item_id) DO UPDATE SET category = excluded.category",
        [(i.id, i.category) for i in items if i.category is not None],
    )
    await conn.executemany(
        "INSERT INTO search_index (rowid, item_id, names, keywords, body, questions) "
        "VALUES ((SELECT rowid FROM items WHERE id = ?), ?, ?, ?, ?, ?)",
        [
            (item.id, item.id, index.names, index.keywords, index.body, index.questions)
            for item, index in entries
        ],
    )


async def delete(conn: aiosqlite.Connection, item_ids: Iterable[str]) -> None:
    ids = [(i,) for i in item_ids]
    await conn.executemany(
        "DELETE FROM search_index WHERE rowid = (SELECT rowid FROM items WHERE id = ?)", ids
    )
    await conn.executemany("DELETE FROM items WHERE id = ?", ids)


async def ids_by_origin(conn: aiosqlite.Connection, origin: str) -> set[str]:
    rows = await conn.execute_fetchall("SELECT id FROM items WHERE origin = ?", (origin,))
    return {row["id"] for row in rows}


_ITEMS_WITH_DETAILS = """
    SELECT items.*,
           partnerships.item_id AS p_id, partnerships.announced AS p_announced,
           partnerships.programme_fr AS p_programme_fr,
           partnerships.programme_en AS p_programme_en,
           deadlines.due_utc AS d_due, deadlines.timezone AS d_timezone,
           deadlines.date_only AS d_date_only,
           figures.value AS f_value, figures.value_max AS f_value_max, figures.unit AS f_unit,
           figures.unit_fr AS f_unit_fr, figures.unit_en AS f_unit_en,
           figures.qualifier AS f_qualifier, figures.measures_fr AS f_measures_fr,
           figures.measures_en AS f_measures_en, figures.as_of AS f_as_of,
           facts.category AS category
    FROM items
    LEFT JOIN partnerships ON partnerships.item_id = items.id
    LEFT JOIN deadlines ON deadlines.item_id = items.id
    LEFT JOIN figures ON figures.item_id = items.id
    LEFT JOIN facts ON facts.item_id = items.id
    WHERE items.id IN (SELECT value FROM json_each(?))
"""


async def get_many(conn: Reads, item_ids: list[str], *, terms: bool = True) -> dict[str, Item]:
    """Items by id, with their details; unknown ids are left out. Three queries at most.

    ``terms=False`` leaves aliases and keywords out, for callers that only show the item.
    """
    if not item_ids:
        return {}
    ids = (json.dumps(item_ids),)
    rows = await conn.execute_fetchall(_ITEMS_WITH_DETAILS, ids)
    if not rows:
        return {}
    found_terms: dict[str, dict[str, list[str]]] = {}
    for row in (
        []
        if not terms
        else await conn.execute_fetchall(
            "SELECT item_id, role, term FROM item_terms "
            "WHERE item_id IN (SELECT value FROM json_each(?)) ORDER BY item_id, role, position",
            ids,
        )
    ):
        found_terms.setdefault(row["item_id"], {"alias": [], "keyword": []})[row["role"]].append(
            row["term"]
        )
    points: dict[tuple[str, str], list[aiosqlite.Row]] = {}
    if any(row["p_id"] for row in rows):
        for row in await conn.execute_fetchall(
            "SELECT * FROM partnership_points WHERE item_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY item_id, role, position",
            ids,
        ):
            points.setdefault((row["item_id"], row["role"]), []).append(row)
    return {row["id"]: _item(row, found_terms.get(row["id"], {}), points) for row in rows}


def _item(
    row: aiosqlite.Row,
    terms: dict[str, list[str]],
    points: dict[tuple[str, str], list[aiosqlite.Row]],
) -> Item:
    item_id = row["id"]

    def pair(role: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        found = points.get((item_id, role), [])
        return tuple(r["text_fr"] for r in found), tuple(r["text_en"] for r in found)

    partnership = deadline = figure = None
    if row["p_id"] is not None:
        parties, themes, conditions = pair("party"), pair("theme"), pair("condition")
        partnership = PartnershipDetails(
            announced=_date(row["p_announced"]),
            parties_fr=parties[0],
            parties_en=parties[1],
            programme_fr=row["p_programme_fr"],
            programme_en=row["p_programme_en"],
            themes_fr=themes[0],
            themes_en=themes[1],
            conditions_fr=conditions[0],
            conditions_en=conditions[1],
        )
    if row["d_due"] is not None:
        deadline = DeadlineDetails(
            due=datetime.fromisoformat(row["d_due"]),
            timezone=row["d_timezone"],
            date_only=bool(row["d_date_only"]),
        )
    if row["f_value"] is not None:
        figure = FigureDetails(
            value=row["f_value"],
            value_max=row["f_value_max"],
            unit=row["f_unit"],
            unit_fr=row["f_unit_fr"],
            unit_en=row["f_unit_en"],
            qualifier=row["f_qualifier"],
            measures_fr=row["f_measures_fr"],
            measures_en=row["f_measures_en"],
            as_of=_date(row["f_as_of"]),
        )
    return Item(
        id=item_id,
        kind=row["kind"],
        title_fr=row["title_fr"],
        title_en=row["title_en"],
        text_fr=row["text_fr"],
        text_en=row["text_en"],
        source_id=row["source_id"],
        paragraph=row["paragraph"],
        quote=row["quote"],
        link=row["link"],
        partnership_id=row["partnership_id"],
        aliases=tuple(terms.get("alias", ())),
        keywords=tuple(terms.get("keyword", ())),
        origin=row["origin"],
        guild_id=row["guild_id"],
        partnership=partnership,
        deadline=deadline,
        figure=figure,
        category=row["category"],
        created_at=datetime.fromisoformat(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
    )


async def get(conn: aiosqlite.Connection, item_id: str) -> Item | None:
    return (await get_many(conn, [item_id])).get(item_id)


async def list_ids(
    conn: aiosqlite.Connection,
    *,
    kind: str | None = None,
    guild_id: int | None = None,
    partnership_id: str | None = None,
    source_id: str | None = None,
) -> list[str]:
    """Ids of the items a server sees, filtered (None: any), ordered by kind then title."""
    sql = f"""
        SELECT id FROM items
        WHERE {VISIBLE}
          AND (:kind IS NULL OR kind = :kind)
          AND (:partnership IS NULL OR partnership_id = :partnership)
          AND (:source IS NULL OR source_id = :source)
        ORDER BY kind, title_en, id
    """  # noqa: S608 (constant fragments only)
    params = {"guild": guild_id, "kind": kind, "partnership": partnership_id, "source": source_id}
    return [row["id"] for row in await conn.execute_fetchall(sql, params)]


async def deadline_ids_by_due(
    conn: aiosqlite.Connection, *, guild_id: int | None = None
) -> list[tuple[str, datetime]]:
    """(id, due) of the deadlines a server sees, soonest first."""
    sql = f"""
        SELECT items.id AS id, deadlines.due_utc AS due
        FROM deadlines JOIN items ON items.id = deadlines.item_id
        WHERE {VISIBLE}
        ORDER BY deadlines.due_utc
    """  # noqa: S608 (constant fragments only)
    rows = await conn.execute_fetchall(sql, {"guild": guild_id})
    return [(row["id"], datetime.fromisoformat(row["due"])) for row in rows]


async def counts_by_kind(
    conn: aiosqlite.Connection, *, guild_id: int | None = None
) -> dict[str, int]:
    sql = f"SELECT kind, count(*) AS n FROM items WHERE {VISIBLE} GROUP BY kind"  # noqa: S608
    rows = await conn.execute_fetchall(sql, {"guild": guild_id})
    counts = {row["kind"]: row["n"] for row in rows}
    return {kind: counts.get(kind, 0) for kind in KINDS}


@dataclass(frozen=True)
class Names:
    id: str
    title_en: str
    guild_id: int | None
    names: tuple[str, ...]  # both titles and the aliases


async def names(conn: aiosqlite.Connection, *, kind: str | None = None) -> list[Names]:
    """Titles and aliases of every item of a kind (None: any), for fuzzy autocomplete."""
    rows = await conn.execute_fetchall(
        """
        SELECT items.id, items.title_fr, items.title_en, items.guild_id,
               group_concat(item_terms.term, char(31)) AS aliases
        FROM items
        LEFT JOIN item_terms ON item_terms.item_id = items.id AND item_terms.role = 'alias'
        WHERE ? IS NULL OR items.kind = ?
        GROUP BY items.id
        ORDER BY items.id
        """,
        (kind, kind),
    )
    return [
        Names(
            id=row["id"],
            title_en=row["title_en"],
            guild_id=row["guild_id"],
            names=(row["title_fr"], row["title_en"], *(row["aliases"] or "").split("\x1f")),
        )
        for row in rows
    ]
