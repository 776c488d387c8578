"""Seed files: read and validate ``seeds/*.toml``, load them into the store in one transaction.

Validation collects every problem (file, item, field, what is wrong) before anything is written;
loading is idempotent, replaces only rows whose origin is ``seed``, and leaves the store as it was
when anything fails.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from store import items as items_sql
from store import sources as sources_sql
from store.db import Store
from store.items import (
    CATEGORIES,
    QUALIFIERS,
    UNITS,
    DeadlineDetails,
    FigureDetails,
    IndexText,
    Item,
    PartnershipDetails,
)
from store.sources import Source

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{2,63}$")
ADMIN_ID_PREFIX = "admin-"
MAX_TITLE = 100
MAX_QUOTE_WORDS = 20
END_OF_DAY = time(23, 59, 59)

COMMON_REQUIRED = ("id", "title_fr", "title_en", "text_fr", "text_en", "paragraph")
COMMON_OPTIONAL = ("aliases", "keywords", "quote", "partnership")
KIND_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # kind: (required, optional)
    "partnership": (
        (
            "parties_fr",
            "parties_en",
            "announced",
            "programme_fr",
            "programme_en",
            "themes_fr",
            "themes_en",
        ),
        ("conditions_fr", "conditions_en"),
    ),
    "deadline": (("due", "timezone"), ()),
    "figure": (
        ("value", "unit", "qualifier", "measures_fr", "measures_en", "as_of"),
        ("value_max", "unit_fr", "unit_en"),
    ),
    "fact": (("category",), ()),
}
SOURCE_REQUIRED = ("id", "document", "publisher", "published", "language", "title_fr", "title_en")
SOURCE_OPTIONAL = ("url",)


@dataclass
class SeedProblem:
    file: str
    item: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.item:
            where.append(f"item {self.item!r}")
        if self.field:
            where.append(f"field {self.field!r}")
        return f"{', '.join(where)}: {self.message}"


class SeedError(Exception):
    """The seed files are not valid; ``problems`` lists every one found."""

    def __init__(self, problems: list[SeedProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class SeedSet:
    sources: list[Source] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    fingerprint: str = ""
    files: dict[str, str] = field(default_factory=dict)  # id -> the file that defines it


@dataclass(frozen=True)
class LoadReport:
    loaded: int
    removed: int
    fingerprint: str


def seed_files(directory: Path) -> list[Path]:
    return sorted(p for p in Path(directory).glob("*.toml") if p.is_file())


def fingerprint(directory: Path) -> str:
    """A digest of every seed file's name and bytes: it changes whenever a seed file does."""
    digest = hashlib.sha256()
    if not Path(directory).is_dir():
        return ""
    for path in seed_files(directory):
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


class _FileReader:
    """Checks one parsed TOML file, recording problems instead of stopping at the first."""

    def __init__(self, name: str, problems: list[SeedProblem]) -> None:
        self.name = name
        self.problems = problems

    def problem(self, item: str | None, field_name: str | None, message: str) -> None:
        self.problems.append(SeedProblem(self.name, item, field_name, message))

    def check_keys(self, table: dict, item: str | None, required, optional) -> bool:
        ok = True
        for key in required:
            if key not in table:
                self.problem(item, key, "is missing")
                ok = False
        for key in table:
            if key not in required and key not in optional:
                self.problem(item, key, "is not a known field (a typo?)")
                ok = False
        return ok

    def text(
        self,
        table: dict,
        item: str | None,
        key: str,
        *,
        limit: int | None = None,
        required: bool = True,
    ) -> str:
        value = table.get(key, "" if not required else None)
        if not isinstance(value, str) or (required and not value.strip()):
            if key in table or required:
                self.problem(item, key, "must be a non-empty string")
            return ""
        if limit is not None and len(value) > limit:
            self.problem(item, key, f"is {len(value)} characters long; at most {limit}")
        return value.strip()

    def texts(self, table: dict, item: str | None, key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(item, key, "must be a list of non-empty strings")
            return ()
        return tuple(v.strip() for v in value)

    def day(self, table: dict, item: str | None, key: str) -> date | None:
        value = table.get(key)
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        self.problem(item, key, "must be a TOML date such as 2025-03-07")
        return None

    def number(self, table: dict, item: str | None, key: str) -> float | None:
        value = table.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            self.problem(item, key, "must be a number, zero or more")
            return None
        return float(value)

    def choice(self, table: dict, item: str | None, key: str, allowed) -> str:
        value = table.get(key)
        if value not in allowed:
            self.problem(item, key, f"must be one of {', '.join(allowed)}; got {value!r}")
            return allowed[0]
        return value

    def source(self, table) -> Source | None:
        if not isinstance(table, dict):
            self.problem(None, "source", "a [source] table is required")
            return None
        if not self.check_keys(table, "source", SOURCE_REQUIRED, SOURCE_OPTIONAL):
            return None
        source_id = self.text(table, "source", "id")
        if source_id and not ID_PATTERN.match(source_id):
            self.problem("source", "id", f"{source_id!r} is not a valid id")
        published = self.day(table, "source", "published")
        language = self.choice(table, "source", "language", ("fr", "en"))
        return Source(
            id=source_id,
            document=self.text(table, "source", "document"),
            publisher=self.text(table, "source", "publisher"),
            published=published or date.min,
            language=language,
            title_fr=self.text(table, "source", "title_fr", limit=256),
            title_en=self.text(table, "source", "title_en", limit=256),
            url=table.get("url"),
        )

    def item(self, kind: str, table, source_id: str) -> Item | None:
        if not isinstance(table, dict):
            self.problem(None, kind, "must be an array of tables ([[" + kind + "]])")
            return None
        raw_id = table.get("id")
        label = raw_id if isinstance(raw_id, str) and raw_id else f"{kind} without id"
        required, optional = KIND_FIELDS[kind]
        if not self.check_keys(
            table, label, COMMON_REQUIRED + required, COMMON_OPTIONAL + optional
        ):
            return None
        item_id = self.text(table, label, "id")
        if not ID_PATTERN.match(item_id):
            self.problem(label, "id", "must be lowercase letters, digits and '-', 3 to 64 long")
        elif item_id.startswith(ADMIN_ID_PREFIX):
            self.problem(label, "id", f"ids starting with {ADMIN_ID_PREFIX!r} are kept for admins")
        paragraph = table.get("paragraph")
        if isinstance(paragraph, bool) or not isinstance(paragraph, int) or paragraph < 1:
            self.problem(label, "paragraph", "must be a paragraph number, 1 or more")
        quote = table.get("quote")
        if quote is not None:
            if not isinstance(quote, str) or not quote.strip():
                self.problem(label, "quote", "must be a non-empty string")
                quote = None
            elif len(quote.split()) > MAX_QUOTE_WORDS:
                self.problem(label, "quote", f"has more than {MAX_QUOTE_WORDS} words")
        partnership = table.get("partnership")
        if partnership is not None and not isinstance(partnership, str):
            self.problem(label, "partnership", "must be the id of a partnership")
            partnership = None
        common = dict(
            id=item_id,
            kind=kind,
            title_fr=self.text(table, label, "title_fr", limit=MAX_TITLE),
            title_en=self.text(table, label, "title_en", limit=MAX_TITLE),
            text_fr=self.text(table, label, "text_fr"),
            text_en=self.text(table, label, "text_en"),
            source_id=source_id,
            paragraph=paragraph if isinstance(paragraph, int) else None,
            quote=quote,
            partnership_id=partnership,
            aliases=self.texts(table, label, "aliases"),
            keywords=self.texts(table, label, "keywords"),
            origin="seed",
        )
        details = getattr(self, f"_{kind}")(table, label)
        return Item(**common, **details)

    def _partnership(self, table: dict, label: str) -> dict:
        pairs = {}
        for name in ("parties", "themes", "conditions"):
            fr = self.texts(table, label, f"{name}_fr")
            en = self.texts(table, label, f"{name}_en")
            if len(fr) != len(en):
                self.problem(
                    label, f"{name}_en", f"has {len(en)} entries but {name}_fr has {len(fr)}"
                )
            pairs[name] = (fr, en)
        if not pairs["parties"][0]:
            self.problem(label, "parties_fr", "needs at least one party")
        return {
            "partnership": PartnershipDetails(
                announced=self.day(table, label, "announced"),
                parties_fr=pairs["parties"][0],
                parties_en=pairs["parties"][1],
                programme_fr=self.text(table, label, "programme_fr"),
                programme_en=self.text(table, label, "programme_en"),
                themes_fr=pairs["themes"][0],
                themes_en=pairs["themes"][1],
                conditions_fr=pairs["conditions"][0],
                conditions_en=pairs["conditions"][1],
            )
        }

    def _deadline(self, table: dict, label: str) -> dict:
        zone_name = table.get("timezone")
        try:
            zone = ZoneInfo(zone_name) if isinstance(zone_name, str) and zone_name else None
        except (ZoneInfoNotFoundError, ValueError):
            zone = None
        if zone is None:
            self.problem(label, "timezone", f"{zone_name!r} is not a known time zone")
            zone = UTC
        due = table.get("due")
        if isinstance(due, datetime):
            local = due if due.tzinfo else due.replace(tzinfo=zone)
            date_only = False
        elif isinstance(due, date):
            local = datetime.combine(due, END_OF_DAY, tzinfo=zone)
            date_only = True
        else:
            self.problem(label, "due", "must be a TOML date or date-time")
            local, date_only = datetime.min.replace(tzinfo=UTC), True
        return {
            "deadline": DeadlineDetails(
                due=local.astimezone(UTC), timezone=str(zone_name), date_only=date_only
            )
        }

    def _figure(self, table: dict, label: str) -> dict:
        value = self.number(table, label, "value")
        value_max = self.number(table, label, "value_max") if "value_max" in table else None
        if value is not None and value_max is not None and value_max < value:
            self.problem(label, "value_max", "is smaller than value")
        unit = self.choice(table, label, "unit", UNITS)
        unit_fr = self.text(table, label, "unit_fr", required=unit == "count")
        unit_en = self.text(table, label, "unit_en", required=unit == "count")
        return {
            "figure": FigureDetails(
                value=value or 0.0,
                value_max=value_max,
                unit=unit,
                unit_fr=unit_fr,
                unit_en=unit_en,
                qualifier=self.choice(table, label, "qualifier", QUALIFIERS),
                measures_fr=self.text(table, label, "measures_fr"),
                measures_en=self.text(table, label, "measures_en"),
                as_of=self.day(table, label, "as_of"),
            )
        }

    def _fact(self, table: dict, label: str) -> dict:
        return {"category": self.choice(table, label, "category", CATEGORIES)}


def read(directory: Path) -> SeedSet:
    """Read and validate every seed file; raise SeedError listing all problems."""
    directory = Path(directory)
    problems: list[SeedProblem] = []
    result = SeedSet(fingerprint=fingerprint(directory) if directory.is_dir() else "")
    files = seed_files(directory) if directory.is_dir() else []
    if not files:
        raise SeedError([SeedProblem(str(directory), None, None, "no seed files (*.toml) found")])
    for path in files:
        reader = _FileReader(path.name, problems)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            reader.problem(None, None, f"is not valid TOML: {exc}")
            continue
        for key in data:
            if key not in ("source", *KIND_FIELDS):
                reader.problem(None, key, "is not a known table")
        source = reader.source(data.get("source"))
        if source is None:
            continue
        result.sources.append(source)
        result.files.setdefault(source.id, path.name)
        for kind in KIND_FIELDS:
            tables = data.get(kind, [])
            if not isinstance(tables, list):
                reader.problem(None, kind, f"must be written [[{kind}]]")
                continue
            for table in tables:
                item = reader.item(kind, table, source.id)
                if item is not None:
                    result.items.append(item)
                    result.files.setdefault(item.id, path.name)
    _check_across_files(result, problems)
    if problems:
        raise SeedError(problems)
    return result


def _check_across_files(seeds: SeedSet, problems: list[SeedProblem]) -> None:
    seen: set[str] = set()
    for source in seeds.sources:
        if source.id in seen:
            problems.append(
                SeedProblem(
                    seeds.files[source.id], source.id, "id", "source id used in more than one file"
                )
            )
        seen.add(source.id)
    kinds: dict[str, str] = {}
    for item in seeds.items:
        if item.id in kinds or item.id in seen:
            problems.append(
                SeedProblem(seeds.files[item.id], item.id, "id", "id used more than once")
            )
        kinds[item.id] = item.kind
    for item in seeds.items:
        if item.partnership_id is not None and kinds.get(item.partnership_id) != "partnership":
            problems.append(
                SeedProblem(
                    seeds.files[item.id],
                    item.id,
                    "partnership",
                    f"{item.partnership_id!r} is not the id of a partnership",
                )
            )


async def load(
    store: Store, directory: Path, index: Callable[[Item], IndexText], *, version: str = ""
) -> LoadReport:
    """Validate then load the seeds in one transaction; admin rows keep their content.

    ``version`` names the way ``index`` normalises text: it is part of the recorded
    fingerprint, and every item, admin ones included, is indexed again with ``index``.
    """
    seeds = read(directory)
    if version:
        seeds.fingerprint = f"{seeds.fingerprint}:{version}"
    async with store.transaction() as conn:
        admin_ids = await items_sql.ids_by_origin(conn, "admin")
        clashes = sorted(admin_ids & {item.id for item in seeds.items})
        if clashes:
            raise SeedError(
                [SeedProblem("seeds", i, "id", "already used by an admin item") for i in clashes]
            )
        before = await items_sql.ids_by_origin(conn, "seed")
        for source in seeds.sources:
            await sources_sql.upsert(conn, source)
        # Partnerships first: other items refer to them.
        ordered = sorted(seeds.items, key=lambda item: item.kind != "partnership")
        await items_sql.upsert_many(conn, [(item, index(item)) for item in ordered])
        # Admin rows keep their content but are indexed again with the current normaliser.
        kept = await items_sql.get_many(conn, sorted(admin_ids))
        await items_sql.upsert_many(conn, [(item, index(item)) for item in kept.values()])
        gone = before - {item.id for item in seeds.items}
        await items_sql.delete(conn, gone)
        await sources_sql.delete_unused_seed_sources(conn, {s.id for s in seeds.sources})
        # A load of unchanged seeds leaves every row as it was, this log included.
        await conn.execute(
            "INSERT INTO seed_loads (fingerprint, items, loaded_at) SELECT ?, ?, ? "
            "WHERE ? IS NOT (SELECT fingerprint FROM seed_loads ORDER BY id DESC LIMIT 1)",
            (
                seeds.fingerprint,
                len(seeds.items),
                datetime.now(UTC).isoformat(timespec="seconds"),
                seeds.fingerprint,
            ),
        )
    return LoadReport(loaded=len(seeds.items), removed=len(gone), fingerprint=seeds.fingerprint)


async def loaded_fingerprint(store: Store) -> str | None:
    """The fingerprint of the last seed load, or None when seeds were never loaded."""
    async with store.conn.execute(
        "SELECT fingerprint FROM seed_loads ORDER BY id DESC LIMIT 1"
    ) as cur:
        row = await cur.fetchone()
    return row[0] if row else None
