"""Seed files: read and validate ``seeds/*.toml``, load them into the store in one transaction.

The layout of a file is declared once, as the models below. Validation collects every problem
(file, item, field, what is wrong) before anything is written; loading is idempotent, replaces
only rows whose origin is ``seed``, and leaves the store as it was when anything fails.
"""

from __future__ import annotations

import hashlib
import math
import re
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, ClassVar, NoReturn

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from store import items as items_sql
from store import sources as sources_sql
from store.db import Store
from store.items import (
    CATEGORIES,
    KINDS,
    QUALIFIERS,
    UNITS,
    DeadlineDetails,
    FigureDetails,
    IndexText,
    Item,
    PartnershipDetails,
)
from store.sources import Source
from store.times import MAX_TITLE, to_utc, utc_now, zone

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{2,63}$")
ADMIN_ID_PREFIX = "admin-"
MAX_QUOTE_WORDS = 20


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


# --- The schema of one seed file ----------------------------------------------------------------
# Each field type checks one value and says in one line what is wrong with it, so the models read
# as the layout in seeds/README.md and their errors as the problems `seed check` lists.


def _fail(message: str) -> NoReturn:
    raise PydanticCustomError("seed", "{message}", {"message": message})


def _is_text(v: Any) -> bool:
    return isinstance(v, str) and bool(v.strip())


def _text(v: Any) -> str:
    return v.strip() if _is_text(v) else _fail("must be a non-empty string")


def _blank_or_text(v: Any) -> str:
    return v.strip() if isinstance(v, str) else _fail("must be a non-empty string")


def _texts(v: Any) -> tuple[str, ...]:
    if not isinstance(v, list) or not all(map(_is_text, v)):
        _fail("must be a list of non-empty strings")
    return tuple(s.strip() for s in v)


def _flow(v: Any) -> tuple[str, str] | None:
    if v is None:
        return None
    ends = _texts(v)
    if len(ends) != 2:
        _fail("must be two strings: where the flow comes from, where it goes")
    return ends[0], ends[1]


def _day(v: Any) -> date:
    ok = isinstance(v, date) and not isinstance(v, datetime)
    return v if ok else _fail("must be a TOML date such as 2025-03-07")


def _number(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or v < 0:
        _fail("must be a number, zero or more")
    if v != v:  # nan (math.isnan fails on integers too large for a float)
        _fail("must be a number, zero or more; got nan")
    if v == math.inf:  # what TOML reads for inf, and for a float too large such as 1e400
        _fail("is too large (TOML reads it as inf); must be below 1.8e308")
    if v > sys.float_info.max:  # an integer no float can hold
        _fail("is too large; must be below 1.8e308")
    return float(v)


def _at_most(limit: int) -> AfterValidator:
    def check(v: str) -> str:
        return v if len(v) <= limit else _fail(f"is {len(v)} characters long; at most {limit}")

    return AfterValidator(check)


def _one_of(*allowed: str) -> PlainValidator:
    def check(v: Any) -> str:
        return v if v in allowed else _fail(f"must be one of {', '.join(allowed)}; got {v!r}")

    return PlainValidator(check)


def _source_id(v: str) -> str:
    return v if ID_PATTERN.match(v) else _fail(f"{v!r} is not a valid id")


def _item_id(v: str) -> str:
    if not ID_PATTERN.match(v):
        _fail("must be lowercase letters, digits and '-', 3 to 64 long")
    if v.startswith(ADMIN_ID_PREFIX):
        _fail(f"ids starting with {ADMIN_ID_PREFIX!r} are kept for admins")
    return v


def _paragraph(v: Any) -> int:
    ok = isinstance(v, int) and not isinstance(v, bool) and v >= 1
    return v if ok else _fail("must be a paragraph number, 1 or more")


def _quote(v: Any) -> str:
    if not _is_text(v):
        _fail("must be a non-empty string")
    if len(v.split()) > MAX_QUOTE_WORDS:
        _fail(f"has more than {MAX_QUOTE_WORDS} words")
    return v


def _partnership_id(v: Any) -> str:
    return v if isinstance(v, str) else _fail("must be the id of a partnership")


def _timezone(v: Any) -> str:
    where = zone(v)
    return where.key if where else _fail(f"{v!r} is not a known time zone")


def _moment(v: Any) -> date:  # a datetime is a date too
    return v if isinstance(v, date) else _fail("must be a TOML date or date-time")


Text = Annotated[str, PlainValidator(_text)]
Texts = Annotated[tuple[str, ...], PlainValidator(_texts)]
Day = Annotated[date, PlainValidator(_day)]
Number = Annotated[float, PlainValidator(_number)]
Title = Annotated[Text, _at_most(MAX_TITLE)]


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def _to(self, result: type, **given: Any) -> Any:
        """The dataclass ``result`` from ``given`` and this table's fields of the same names."""
        names = {f.name for f in fields(result)} & set(type(self).model_fields) - set(given)
        return result(**{name: getattr(self, name) for name in names}, **given)


class SourceTable(_Table):
    id: Annotated[Text, AfterValidator(_source_id)]
    document: Text
    publisher: Text
    published: Day
    language: Annotated[str, _one_of("fr", "en")]
    title_fr: Annotated[Text, _at_most(256)]
    title_en: Annotated[Text, _at_most(256)]
    url: Text | None = None


class _ItemTable(_Table):
    """The fields every item has; a subclass per kind adds its own and builds its details."""

    kind: ClassVar[str]

    id: Annotated[Text, AfterValidator(_item_id)]
    title_fr: Title
    title_en: Title
    text_fr: Text
    text_en: Text
    aliases: Texts = ()
    keywords: Texts = ()
    questions_fr: Texts = ()
    questions_en: Texts = ()
    flow: Annotated[tuple[str, str] | None, PlainValidator(_flow)] = None
    paragraph: Annotated[int, PlainValidator(_paragraph)]
    quote: Annotated[str | None, PlainValidator(_quote)] = None
    partnership_id: Annotated[str | None, PlainValidator(_partnership_id)] = Field(
        None, alias="partnership"
    )

    @model_validator(mode="before")
    @classmethod
    def _a_table(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            _fail(f"must be an array of tables ([[{cls.kind}]])")
        return data

    def item(self, source_id: str) -> Item:
        return self._to(Item, kind=self.kind, source_id=source_id, origin="seed", **self.details())

    def details(self) -> dict:
        """The fields of Item that only this kind has."""
        return {}


class PartnershipTable(_ItemTable):
    kind = "partnership"

    parties_fr: Texts
    parties_en: Texts
    announced: Day
    programme_fr: Text
    programme_en: Text
    themes_fr: Texts
    themes_en: Texts
    conditions_fr: Texts = ()
    conditions_en: Texts = Field([], validate_default=True)  # as many as conditions_fr

    @field_validator("parties_fr")
    @classmethod
    def _a_party(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return v if v else _fail("needs at least one party")

    @field_validator("parties_en", "themes_en", "conditions_en")
    @classmethod
    def _as_many_as_in_french(cls, v: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        name = info.field_name.removesuffix("_en")
        french = info.data.get(f"{name}_fr")
        if french is not None and len(french) != len(v):
            _fail(f"has {len(v)} entries but {name}_fr has {len(french)}")
        return v

    def details(self) -> dict:
        return {"partnership": self._to(PartnershipDetails)}


class DeadlineTable(_ItemTable):
    kind = "deadline"

    timezone: Annotated[str, PlainValidator(_timezone)]
    due: Annotated[date, PlainValidator(_moment)]  # read in timezone: a date ends that day

    @field_validator("due")
    @classmethod
    def _within_range(cls, v: date, info: ValidationInfo) -> date:
        where = zone(info.data.get("timezone")) or zone("UTC")
        try:
            to_utc(v, where)
        except ValueError as exc:
            _fail(f"{exc}; got {v.isoformat()} in {where}")
        return v

    def details(self) -> dict:
        due, date_only = to_utc(self.due, zone(self.timezone))
        return {"deadline": DeadlineDetails(due=due, timezone=self.timezone, date_only=date_only)}


class FigureTable(_ItemTable):
    kind = "figure"

    value: Number
    value_max: Number | None = None
    unit: Annotated[str, _one_of(*UNITS)]
    unit_fr: Annotated[str, PlainValidator(_blank_or_text)] = Field("", validate_default=True)
    unit_en: Annotated[str, PlainValidator(_blank_or_text)] = Field("", validate_default=True)
    qualifier: Annotated[str, _one_of(*QUALIFIERS)]
    measures_fr: Text
    measures_en: Text
    as_of: Day

    @field_validator("value_max")
    @classmethod
    def _not_below_value(cls, v: float | None, info: ValidationInfo) -> float | None:
        if v is not None and v < info.data.get("value", v):
            _fail("is smaller than value")
        return v

    @field_validator("unit_fr", "unit_en")
    @classmethod
    def _named_when_counted(cls, v: str, info: ValidationInfo) -> str:
        return v if v or info.data.get("unit") != "count" else _fail("must be a non-empty string")

    def details(self) -> dict:
        return {"figure": self._to(FigureDetails)}


class FactTable(_ItemTable):
    kind = "fact"

    category: Annotated[str, _one_of(*CATEGORIES)]


class SeedFile(_Table):
    """One seeds/*.toml file: its [source], then its items, kind by kind."""

    source: SourceTable = Field(None, validate_default=True)
    partnership: list[PartnershipTable] = []
    deadline: list[DeadlineTable] = []
    figure: list[FigureTable] = []
    fact: list[FactTable] = []

    @field_validator("source", mode="before")
    @classmethod
    def _a_source_table(cls, v: Any) -> Any:
        return v if isinstance(v, dict) else _fail("a [source] table is required")

    @field_validator(*KINDS, mode="before")
    @classmethod
    def _an_array(cls, v: Any, info: ValidationInfo) -> Any:
        return v if isinstance(v, list) else _fail(f"must be written [[{info.field_name}]]")

    def items(self) -> list[Item]:
        tables = [*self.partnership, *self.deadline, *self.figure, *self.fact]
        return [table.item(self.source.id) for table in tables]


# --- Reading ------------------------------------------------------------------------------------


# What the layers above know of an item that this one cannot (the parties a flow names): each
# problem as (field, message).
ItemCheck = Callable[[Item], list[tuple[str, str]]]


def read(directory: Path, check: ItemCheck | None = None) -> SeedSet:
    """Read and validate every seed file, each valid item also with ``check``; raise SeedError
    listing all problems."""
    directory = Path(directory)
    problems: list[SeedProblem] = []
    result = SeedSet(fingerprint=fingerprint(directory) if directory.is_dir() else "")
    files = seed_files(directory) if directory.is_dir() else []
    if not files:
        raise SeedError([SeedProblem(str(directory), None, None, "no seed files (*.toml) found")])
    parsed: list[tuple[str, dict]] = []
    for path in files:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            parsed.append((path.name, data))
            seed_file = SeedFile.model_validate(data)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            problems.append(SeedProblem(path.name, None, None, f"is not valid TOML: {exc}"))
            continue
        except ValidationError as exc:
            problems.extend(_problems(path.name, data, exc))
            if check:  # the items that are valid on their own are checked all the same
                problems.extend(_checked(path.name, _valid_items(data), check))
            continue
        source, items = seed_file.source._to(Source), seed_file.items()
        if check:
            problems.extend(_checked(path.name, items, check))
        result.sources.append(source)
        result.items.extend(items)
        for found in (source, *items):
            result.files.setdefault(found.id, path.name)
    problems.extend(_check_across_files(parsed))
    if problems:
        raise SeedError(problems)
    return result


MIN_QUESTIONS = 5  # ways of asking per item and language that seed check expects


def few_ways_of_asking(seeds: SeedSet) -> list[str]:
    """Ids of the items with fewer than MIN_QUESTIONS ways of asking in French or English."""
    return [
        item.id
        for item in seeds.items
        if min(len(item.questions_fr), len(item.questions_en)) < MIN_QUESTIONS
    ]


def _problems(name: str, data: dict, exc: ValidationError) -> list[SeedProblem]:
    """Each error as file, item (its id as written, or "source"), field and what is wrong."""
    problems = []
    for error in exc.errors():
        loc, kind = error["loc"], error["type"]
        message = {"missing": "is missing", "extra_forbidden": "is not a known field (a typo?)"}
        message = message.get(kind, error["msg"])
        if len(loc) == 1:  # a table of the file
            item, where = None, loc[0]
            message = "is not a known table" if kind == "extra_forbidden" else message
        elif loc[0] == "source":
            item, where = "source", loc[1]
        elif len(loc) == 2:  # an entry of [[kind]] that is not a table
            item, where = None, loc[0]
        else:
            raw_id = data[loc[0]][loc[1]].get("id")
            item = raw_id if isinstance(raw_id, str) and raw_id else f"{loc[0]} without id"
            where = loc[2]
        problems.append(SeedProblem(name, item, str(where), message))
    return problems


def _check_across_files(parsed: list[tuple[str, dict]]) -> list[SeedProblem]:
    """Ids used twice, and references to partnerships: over every table that has an id, valid
    or not, so that one broken partnership does not make the items that name it look broken."""
    problems = []
    sources: set[str] = set()
    for name, data in parsed:
        source_id = _written_id(data.get("source"))
        if source_id in sources:
            problems.append(
                SeedProblem(name, source_id, "id", "source id used in more than one file")
            )
        if source_id:
            sources.add(source_id)
    tables = [
        (name, kind, table)
        for name, data in parsed
        for kind in KINDS
        if isinstance(data.get(kind), list)
        for table in data[kind]
        if isinstance(table, dict)
    ]
    kinds: dict[str, str] = {}
    for name, kind, table in tables:
        if not (item_id := _written_id(table)):
            continue
        if item_id in kinds or item_id in sources:
            problems.append(SeedProblem(name, item_id, "id", "id used more than once"))
        kinds[item_id] = kind
    for name, _, table in tables:
        target = table.get("partnership")
        if isinstance(target, str) and kinds.get(target) != "partnership":
            message = f"{target!r} is not the id of a partnership"
            problems.append(SeedProblem(name, _written_id(table), "partnership", message))
    return problems


def _checked(name: str, items: list[Item], check: ItemCheck) -> list[SeedProblem]:
    return [SeedProblem(name, item.id, f, m) for item in items for f, m in check(item)]


def _valid_items(data: dict) -> list[Item]:
    """The items of a file that failed validation that are valid on their own."""
    tables = {"partnership": PartnershipTable, "deadline": DeadlineTable}
    tables |= {"figure": FigureTable, "fact": FactTable}
    source_id = _written_id(data.get("source"))
    found = []
    for kind, table_type in tables.items():
        written = data.get(kind)
        for table in written if isinstance(written, list) else ():
            try:
                found.append(table_type.model_validate(table).item(source_id))
            except ValidationError:
                continue
    return found


def _written_id(table: Any) -> str:
    """The id a table gives itself as it will be stored; "" when it has none."""
    value = table.get("id") if isinstance(table, dict) else None
    return value.strip() if isinstance(value, str) else ""


async def load(
    store: Store,
    directory: Path,
    index: Callable[[Item], IndexText],
    *,
    version: str = "",
    check: ItemCheck | None = None,
) -> LoadReport:
    """Validate (each item also with ``check``) then load the seeds in one transaction; admin
    rows keep their content.

    ``version`` names the way ``index`` normalises text: it is part of the recorded
    fingerprint, and every item, admin ones included, is indexed again with ``index``.
    """
    seeds = read(directory, check)
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
                utc_now().isoformat(timespec="seconds"),
                seeds.fingerprint,
            ),
        )
    return LoadReport(loaded=len(seeds.items), removed=len(gone), fingerprint=seeds.fingerprint)


async def loaded_fingerprint(store: Store) -> str | None:
    """The fingerprint of the last seed load, or None when seeds were never loaded."""
    rows = await store.reader.execute_fetchall(
        "SELECT fingerprint FROM seed_loads ORDER BY id DESC LIMIT 1"
    )
    return rows[0][0] if rows else None
