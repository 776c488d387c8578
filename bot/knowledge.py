"""The knowledge a server sees: questions, partnerships, deadlines, figures and sources.

One object the Discord cogs, the console and the command line all use; no Discord here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.answer.engine import Answer, AnswerEngine, index_for
from bot.answer.normalize import fold, index_version
from bot.answer.structure import flow_problem
from bot.errors import NotFound, UserError
from store import items as items_sql
from store import seed, times
from store import sources as sources_sql
from store.db import Store
from store.items import Item
from store.sources import Source

log = logging.getLogger(__name__)

RECENT_PAST = timedelta(days=2 * 365)  # past deadlines older than this are not listed
MAX_CHOICES = 25
NAME_MATCH = 88  # rapidfuzz score from which typed text names an item


def seed_problems(item: Item) -> list[tuple[str, str]]:
    """What the answer engine finds wrong in a seed item, beyond the seed files' own checks."""
    problem = flow_problem(item.flow) if item.flow else None
    return [("flow", problem)] if problem else []


async def ensure_seeds(store: Store, directory: Path) -> seed.LoadReport | None:
    """Load the seed files when the store has none, older ones, or an older index."""
    version = index_version()
    current = f"{seed.fingerprint(directory)}:{version}"
    if current == await seed.loaded_fingerprint(store):
        return None
    report = await load_seeds(store, directory)
    log.info("loaded %d seed items (%d removed)", report.loaded, report.removed)
    return report


async def load_seeds(store: Store, directory: Path) -> seed.LoadReport:
    """Load the seed files now, whatever was loaded before."""
    return await seed.load(
        store, directory, index_for, version=index_version(), check=seed_problems
    )


@dataclass(frozen=True)
class Choice:
    """One autocomplete suggestion: what the user sees and what the command receives."""

    name: str
    value: str


@dataclass(frozen=True)
class PartnershipView:
    partnership: Item
    deadlines: list[Item]
    figures: list[Item]
    facts: list[Item]
    source: Source | None


@dataclass(frozen=True)
class DeadlineList:
    upcoming: list[Item]
    past: list[Item]


# (id, folded names, English title, guild) per item; each folded name to the items it names.
TitleTables = tuple[list[tuple[str, str, str, int | None]], dict[str, list[tuple[str, int | None]]]]


class Knowledge:
    def __init__(self, store: Store, clock: Callable[[], datetime] | None = None) -> None:
        self.store = store
        self.clock = clock or times.utc_now
        self.engine = AnswerEngine(store, clock=self.clock)
        self._titles: dict[str | None, tuple[int, TitleTables]] = {}  # by kind, with generation

    # questions -----------------------------------------------------------------------------

    async def ask(self, question: str, *, lang: str | None, guild_id: int | None) -> Answer:
        """The answer to a question; a question that is exactly an item's name or title (as
        /ask's autocomplete sends it) is answered with that item."""
        named = await self.named(question, kind=None, guild_id=guild_id)
        return await self.engine.ask(question, lang=lang, guild_id=guild_id, named=named)

    async def named(self, text: str, *, kind: str | None, guild_id: int | None) -> Item | None:
        """The one item of a kind (None: any) this server sees whose title or alias is ``text``,
        accents and case aside."""
        wanted = fold(text)
        if not wanted:
            return None
        _, names = await self._title_tables(kind)
        found = {
            item_id
            for item_id, owner in names.get(wanted, ())
            if items_sql.visible(owner, guild_id)
        }
        return await self.item(found.pop(), guild_id=guild_id) if len(found) == 1 else None

    # lookups -------------------------------------------------------------------------------

    async def item(self, item_id: str, *, guild_id: int | None) -> Item | None:
        """An item by id, if this server may see it."""
        item = await items_sql.get(self.store.reader, item_id)
        if item is None or not item.visible_to(guild_id):
            return None
        return item

    async def source(self, source_id: str | None) -> Source | None:
        return await self.engine.source(source_id)

    async def sources(self) -> list[Source]:
        return await sources_sql.list_all(self.store.reader)

    async def find_source(self, text: str, *, lang: str) -> Source:
        """The source document ``text`` names: its id, else the closest title or publisher."""
        found = await self.source(text.strip())
        if found is None:
            matches = await self.suggest(text, kind="source", guild_id=None, lang=lang, limit=1)
            found = await self.source(matches[0].value) if matches else None
        if found is None:
            sources = await self.sources()
            raise NotFound("source", text[:100], [s.id for s in sources[:3]])
        return found

    async def find(self, text: str, *, kind: str, guild_id: int | None) -> Item | None:
        """The item of a kind named by an autocomplete value (an id) or by free text."""
        text = text.strip()
        if not text:
            return None
        item = await self.item(text, guild_id=guild_id)
        if item is not None and item.kind == kind:
            return item
        item = await self.named(text, kind=kind, guild_id=guild_id)
        if item is not None:
            return item
        ranked = await self.engine.rank(text, guild_id=guild_id, kind=kind, limit=1)
        if ranked and self.engine.confident(ranked[0]):
            return await self.item(ranked[0].item_id, guild_id=guild_id)
        table = {
            row[0]: row[1]
            for row in (await self._title_tables(kind))[0]
            if items_sql.visible(row[3], guild_id)
        }
        best = process.extractOne(fold(text), table, scorer=fuzz.WRatio, score_cutoff=NAME_MATCH)
        return await self.item(best[2], guild_id=guild_id) if best else None

    async def lookup(self, text: str, *, kind: str, guild_id: int | None, lang: str) -> Item:
        """The item of a kind that ``text`` names; NotFound with what was probably meant."""
        item = await self.find(text, kind=kind, guild_id=guild_id)
        if item is not None:
            return item
        near = await self.suggest(text, kind=kind, guild_id=guild_id, lang=lang, limit=3)
        near = near or await self.suggest("", kind=kind, guild_id=guild_id, lang=lang, limit=3)
        raise NotFound(kind, text[:100], [choice.name for choice in near])

    async def upcoming_deadline(self, text: str, *, guild_id: int | None, lang: str) -> Item:
        """The deadline ``text`` names, if it is still to come (an event needs a future date)."""
        item = await self.lookup(text, kind="deadline", guild_id=guild_id, lang=lang)
        if item.deadline.due <= self.clock():
            raise UserError("event.past")
        return item

    async def partnership(self, item: Item, *, guild_id: int | None) -> PartnershipView:
        linked_ids = await items_sql.list_ids(
            self.store.reader, guild_id=guild_id, partnership_id=item.id
        )
        linked = await items_sql.get_many(self.store.reader, linked_ids)
        ordered = [linked[i] for i in linked_ids if i in linked]
        deadlines = sorted(
            (i for i in ordered if i.kind == "deadline"), key=lambda i: i.deadline.due
        )
        return PartnershipView(
            partnership=item,
            deadlines=deadlines,
            figures=[i for i in ordered if i.kind == "figure"],
            facts=[i for i in ordered if i.kind == "fact"],
            source=await self.source(item.source_id),
        )

    async def deadlines(self, *, guild_id: int | None) -> DeadlineList:
        """Upcoming deadlines soonest first, then past ones of the last two years, latest first."""
        now = self.clock()
        dues = await items_sql.deadline_ids_by_due(self.store.reader, guild_id=guild_id)
        upcoming_ids = [i for i, due in dues if due > now]
        past_ids = [i for i, due in reversed(dues) if now - RECENT_PAST <= due <= now]
        found = await items_sql.get_many(self.store.reader, upcoming_ids + past_ids)
        return DeadlineList(
            upcoming=[found[i] for i in upcoming_ids if i in found],
            past=[found[i] for i in past_ids if i in found],
        )

    async def items_from_source(self, source_id: str, *, guild_id: int | None) -> list[Item]:
        ids = await items_sql.list_ids(self.store.reader, guild_id=guild_id, source_id=source_id)
        found = await items_sql.get_many(self.store.reader, ids)
        return [found[i] for i in ids if i in found]

    async def counts(self, *, guild_id: int | None) -> dict[str, int]:
        return await items_sql.counts_by_kind(self.store.reader, guild_id=guild_id)

    # autocomplete --------------------------------------------------------------------------

    async def _title_tables(self, kind: str | None) -> TitleTables:
        """(id, folded names, English title, guild) of every item of a kind, and each folded
        name with the items it names; cached until the store changes.

        Stamped, as the engine's vocabulary is, with the generation read before the rows: a
        read that a commit overtook (it began before, on the reader, and ends after) is kept
        under the old generation, so the next call reads again."""
        cached = self._titles.get(kind)
        if cached is not None and cached[0] == self.store.generation:
            return cached[1]
        generation = self.store.generation
        rows = await items_sql.names(self.store.reader, kind=kind)
        table = [(row.id, fold(" ".join(row.names)), row.title_en, row.guild_id) for row in rows]
        named: dict[str, list[tuple[str, int | None]]] = {}
        for row in rows:
            for name in {fold(name) for name in row.names}:
                named.setdefault(name, []).append((row.id, row.guild_id))
        self._titles[kind] = (generation, (table, named))
        return table, named

    async def suggest(
        self,
        text: str,
        *,
        kind: str | None,
        guild_id: int | None,
        lang: str,
        limit: int = MAX_CHOICES,
        own: bool = False,
    ) -> list[Choice]:
        """Autocomplete choices: the most useful items for an empty input, else fuzzy matches.

        ``own``: only the items this server's admins added (what they may edit or remove).
        """
        text = text.strip()[:100]

        def shown(owner: int | None) -> bool:
            return owner == guild_id if own else items_sql.visible(owner, guild_id)

        if kind == "source":
            return self._source_choices(await self.sources(), text, lang, limit)
        if not text:
            ids = await self._default_ids(kind, guild_id)
        else:
            ranked = [
                s.item_id
                for s in await self.engine.rank(
                    text, guild_id=guild_id, kind=kind, limit=limit * 4 if own else limit
                )
            ]
            table = [row for row in (await self._title_tables(kind))[0] if shown(row[3])]
            fuzzy = process.extract(
                fold(text),
                {row[0]: row[1] for row in table},
                scorer=fuzz.partial_ratio,
                limit=limit,
                score_cutoff=60,
            )
            ids = list(dict.fromkeys(ranked + [key for _, _, key in fuzzy]))
        found = await items_sql.get_many(self.store.reader, ids if own else ids[:limit])
        chosen = [found[i] for i in ids if i in found and shown(found[i].guild_id)]
        return [_choice(item.title(lang), item.id) for item in chosen[:limit]]

    async def _default_ids(self, kind: str | None, guild_id: int | None) -> list[str]:
        if kind == "deadline":
            listing = await self.deadlines(guild_id=guild_id)
            return [i.id for i in listing.upcoming + listing.past]
        if kind is None:
            ids = await items_sql.list_ids(self.store.reader, kind="partnership", guild_id=guild_id)
            listing = await self.deadlines(guild_id=guild_id)
            return ids + [i.id for i in listing.upcoming]
        return await items_sql.list_ids(self.store.reader, kind=kind, guild_id=guild_id)

    @staticmethod
    def _source_choices(sources: list[Source], text: str, lang: str, limit: int) -> list[Choice]:
        if text:
            folded = fold(text)
            scored = [
                (
                    max(
                        fuzz.partial_ratio(
                            folded, fold(f"{s.title_en} {s.title_fr} {s.publisher}")
                        ),
                        100 if folded in s.id else 0,
                    ),
                    s,
                )
                for s in sources
            ]
            sources = [s for score, s in sorted(scored, key=lambda p: -p[0]) if score >= 50]
        return [_choice(f"{s.publisher} — {s.title(lang)}", s.id) for s in sources[:limit]]


def _choice(name: str, value: str) -> Choice:
    """Discord allows 1 to 100 characters for both."""
    name = name if len(name) <= 100 else name[:99] + "…"
    return Choice(name=name, value=value[:100])
