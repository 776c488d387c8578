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

KINDS = ("partnership", "deadline", "figure", "fact")
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
    created_at: datetime | None = field(default=None, compare=False)
    updated_at: datetime | None = field(default=None, compare=False)

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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


async def upsert(conn: aiosqlite.Connection, item: Item, index: IndexText) -> None:
    """Insert or replace one item, its details, its terms and its index row."""
    now = _now()
    await conn.execute(
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
                THEN items.updated_at ELSE excluded.updated_at END
        """,
        (
            item.id,
            item.kind,
            item.title_fr,
            item.title_en,
            item.text_fr,
            item.text_en,
            item.source_id,
            item.paragraph,
            item.quote,
            item.link,
            item.partnership_id,
            item.origin,
            item.guild_id,
            now,
            now,
        ),
    )
    for table in (
        "item_terms",
        "partnerships",
        "partnership_points",
        "deadlines",
        "figures",
        "facts",
    ):
        await conn.execute(f"DELETE FROM {table} WHERE item_id = ?", (item.id,))  # noqa: S608
    await conn.executemany(
        "INSERT INTO item_terms (item_id, role, position, term) VALUES (?, ?, ?, ?)",
        [(item.id, "alias", i, t) for i, t in enumerate(item.aliases)]
        + [(item.id, "keyword", i, t) for i, t in enumerate(item.keywords)],
    )
    if item.partnership is not None:
        p = item.partnership
        await conn.execute(
            "INSERT INTO partnerships (item_id, announced, programme_fr, programme_en) "
            "VALUES (?, ?, ?, ?)",
            (
                item.id,
                p.announced.isoformat() if p.announced else None,
                p.programme_fr,
                p.programme_en,
            ),
        )
        points = []
        for role, fr, en in (
            ("party", p.parties_fr, p.parties_en),
            ("theme", p.themes_fr, p.themes_en),
            ("condition", p.conditions_fr, p.conditions_en),
        ):
            points += [
                (item.id, role, i, a, b) for i, (a, b) in enumerate(zip(fr, en, strict=True))
            ]
        await conn.executemany(
            "INSERT INTO partnership_points (item_id, role, position, text_fr, text_en) "
            "VALUES (?, ?, ?, ?, ?)",
            points,
        )
    if item.deadline is not None:
        d = item.deadline
        await conn.execute(
            "INSERT INTO deadlines (item_id, due_utc, timezone, date_only) VALUES (?, ?, ?, ?)",
            (item.id, d.due.astimezone(UTC).isoformat(), d.timezone, int(d.date_only)),
        )
    if item.figure is not None:
        f = item.figure
        await conn.execute(
            "INSERT INTO figures (item_id, value, value_max, unit, unit_fr, unit_en, qualifier, "
            "measures_fr, measures_en, as_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                item.id,
                f.value,
                f.value_max,
                f.unit,
                f.unit_fr,
                f.unit_en,
                f.qualifier,
                f.measures_fr,
                f.measures_en,
                f.as_of.isoformat() if f.as_of else None,
            ),
        )
    if item.category is not None:
        await conn.execute(
            "INSERT INTO facts (item_id, category) VALUES (?, ?)", (item.id, item.category)
        )
    await conn.execute("DELETE FROM search_index WHERE item_id = ?", (item.id,))
    await conn.execute(
        "INSERT INTO search_index (item_id, names, keywords, body) VALUES (?, ?, ?, ?)",
        (item.id, index.names, index.keywords, index.body),
    )


async def delete(conn: aiosqlite.Connection, item_ids: Iterable[str]) -> None:
    ids = [(i,) for i in item_ids]
    await conn.executemany("DELETE FROM search_index WHERE item_id = ?", ids)
    await conn.executemany("DELETE FROM items WHERE id = ?", ids)


async def ids_by_origin(conn: aiosqlite.Connection, origin: str) -> set[str]:
    async with conn.execute("SELECT id FROM items WHERE origin = ?", (origin,)) as cur:
        return {row["id"] for row in await cur.fetchall()}


async def get_many(conn: aiosqlite.Connection, item_ids: list[str]) -> dict[str, Item]:
    """Items by id, with their details; unknown ids are left out."""
    if not item_ids:
        return {}
    ids = (json.dumps(item_ids),)
    sql = {
        "items": "SELECT * FROM items WHERE id IN (SELECT value FROM json_each(?))",
        "terms": "SELECT * FROM item_terms WHERE item_id IN (SELECT value FROM json_each(?)) "
        "ORDER BY role, position",
        "partnerships": "SELECT * FROM partnerships "
        "WHERE item_id IN (SELECT value FROM json_each(?))",
        "points": "SELECT * FROM partnership_points "
        "WHERE item_id IN (SELECT value FROM json_each(?)) ORDER BY role, position",
        "deadlines": "SELECT * FROM deadlines WHERE item_id IN (SELECT value FROM json_each(?))",
        "figures": "SELECT * FROM figures WHERE item_id IN (SELECT value FROM json_each(?))",
        "facts": "SELECT * FROM facts WHERE item_id IN (SELECT value FROM json_each(?))",
    }
    rows: dict[str, list[aiosqlite.Row]] = {}
    for name, query in sql.items():
        async with conn.execute(query, ids) as cur:
            rows[name] = list(await cur.fetchall())

    terms: dict[str, dict[str, list[str]]] = {}
    for row in rows["terms"]:
        terms.setdefault(row["item_id"], {"alias": [], "keyword": []})[row["role"]].append(
            row["term"]
        )
    points: dict[tuple[str, str], list[aiosqlite.Row]] = {}
    for row in rows["points"]:
        points.setdefault((row["item_id"], row["role"]), []).append(row)

    def pair(item_id: str, role: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        found = points.get((item_id, role), [])
        return tuple(r["text_fr"] for r in found), tuple(r["text_en"] for r in found)

    partnerships = {}
    for row in rows["partnerships"]:
        parties, themes, conditions = (
            pair(row["item_id"], r) for r in ("party", "theme", "condition")
        )
        partnerships[row["item_id"]] = PartnershipDetails(
            announced=_date(row["announced"]),
            parties_fr=parties[0],
            parties_en=parties[1],
            programme_fr=row["programme_fr"],
            programme_en=row["programme_en"],
            themes_fr=themes[0],
            themes_en=themes[1],
            conditions_fr=conditions[0],
            conditions_en=conditions[1],
        )
    deadlines = {
        row["item_id"]: DeadlineDetails(
            due=datetime.fromisoformat(row["due_utc"]),
            timezone=row["timezone"],
            date_only=bool(row["date_only"]),
        )
        for row in rows["deadlines"]
    }
    figures = {
        row["item_id"]: FigureDetails(
            value=row["value"],
            value_max=row["value_max"],
            unit=row["unit"],
            unit_fr=row["unit_fr"],
            unit_en=row["unit_en"],
            qualifier=row["qualifier"],
            measures_fr=row["measures_fr"],
            measures_en=row["measures_en"],
            as_of=_date(row["as_of"]),
        )
        for row in rows["figures"]
    }
    categories = {row["item_id"]: row["category"] for row in rows["facts"]}

    found = {}
    for row in rows["items"]:
        item_id = row["id"]
        item_terms = terms.get(item_id, {"alias": [], "keyword": []})
        found[item_id] = Item(
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
            aliases=tuple(item_terms["alias"]),
            keywords=tuple(item_terms["keyword"]),
            origin=row["origin"],
            guild_id=row["guild_id"],
            partnership=partnerships.get(item_id),
            deadline=deadlines.get(item_id),
            figure=figures.get(item_id),
            category=categories.get(item_id),
            created_at=datetime.fromisoformat(row["created_at"]),
            updated_at=datetime.fromisoformat(row["updated_at"]),
        )
    return found


async def get(conn: aiosqlite.Connection, item_id: str) -> Item | None:
    return (await get_many(conn, [item_id])).get(item_id)


# In every query below, "guild_id IS NULL OR guild_id = ?" keeps the items a server sees:
# the shared ones and its own.


async def list_ids(
    conn: aiosqlite.Connection,
    *,
    kind: str | None = None,
    guild_id: int | None = None,
    partnership_id: str | None = None,
    source_id: str | None = None,
) -> list[str]:
    """Ids of the items a server sees, filtered (None: any), ordered by kind then title."""
    sql = """
        SELECT id FROM items
        WHERE (guild_id IS NULL OR guild_id = :guild)
          AND (:kind IS NULL OR kind = :kind)
          AND (:partnership IS NULL OR partnership_id = :partnership)
          AND (:source IS NULL OR source_id = :source)
        ORDER BY kind, title_en, id
    """
    params = {"guild": guild_id, "kind": kind, "partnership": partnership_id, "source": source_id}
    async with conn.execute(sql, params) as cur:
        return [row["id"] for row in await cur.fetchall()]


async def deadline_ids_by_due(
    conn: aiosqlite.Connection, *, guild_id: int | None = None
) -> list[tuple[str, datetime]]:
    """(id, due) of the deadlines a server sees, soonest first."""
    sql = """
        SELECT items.id AS id, deadlines.due_utc AS due
        FROM deadlines JOIN items ON items.id = deadlines.item_id
        WHERE items.guild_id IS NULL OR items.guild_id = ?
        ORDER BY deadlines.due_utc
    """
    async with conn.execute(sql, (guild_id,)) as cur:
        return [(row["id"], datetime.fromisoformat(row["due"])) for row in await cur.fetchall()]


async def counts_by_kind(
    conn: aiosqlite.Connection, *, guild_id: int | None = None
) -> dict[str, int]:
    sql = """
        SELECT kind, count(*) AS n FROM items
        WHERE guild_id IS NULL OR guild_id = ? GROUP BY kind
    """
    async with conn.execute(sql, (guild_id,)) as cur:
        counts = {row["kind"]: row["n"] for row in await cur.fetchall()}
    return {kind: counts.get(kind, 0) for kind in KINDS}
