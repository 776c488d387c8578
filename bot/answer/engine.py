"""The answer engine: find the item a question is about, and say it in the asker's language.

Candidates come from SQLite FTS5 (bm25) over analysed text (``normalize``: lexicon concepts, stop
words, Snowball stems) in four fields: names, keywords, text, and the questions each item answers.
bm25 only picks them: SQLite computes it over every server's items, so it is no feature.
Each candidate is described by a few numbers (``features``: how much of the question each field
and the closest way of asking cover, name similarity, whether it is the kind of answer asked
for, the direction of a flow, what the question pins down that it contradicts, how much the
words it lacks lean to questions nothing answers) and scored by a
conditional logit trained on the dev questions (``python -m tests.questions.train``,
coefficients in ``model.toml``). A second small model turns the best score, its margin over the
next and what weighs against any answer into the probability that the answer is right; below the
threshold that keeps out-of-scope questions refused, the answer is "I don't know", with
suggestions.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import dataclasses
import math
import re
from collections import ChainMap, Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.answer import compose, memory, model
from bot.answer.examples_thread import examples_thread
from bot.answer.features import (
    Profile,
    Query,
    profile,
    rank_row,
    refuse_row,
)
from bot.answer.normalize import (
    MAX_QUESTION_CHARS,
    WORD,
    Term,
    asking,
    common_word,
    common_words,
    detect_language,
    fold,
    index_text,
    intents_of,
    lexicon,
    names_in,
    normalize,
    says_nothing,
    terms,
    visible,
)
from bot.answer.recent import Recent
from bot.answer.structure import (
    Direction,
    acronyms,
    constraints,
    declared,
    direction,
    elsewhere,
    one_word_names,
    states,
)
from store import items as items_sql
from store import search as search_sql
from store import sources as sources_sql
from store import times
from store.db import Store
from store.items import IndexText, Item
from store.sources import Source

CANDIDATES = 20
ALTERNATIVES = 3
ALTERNATIVE_SCORE = 0.05  # least probability still offered as "did you mean"
COMMON_SHARE = 0.4  # words in more than this share of items do not select candidates
SELECT_BUDGET = 500  # items the selecting words may match in all, rarest words first
# Other servers' items a search may pass over on the loop's own thread (SQLite ranks them, or
# steps over them, before it filters them out: about a microsecond each); a search meeting more
# goes to the reader's thread, so that no server's thousands of items hold up the loop.
QUICK_HIDDEN = 2_000
TYPO_MIN_LENGTH = 4  # shorter words are never corrected
MAX_KEPT_ITEMS = 5_000  # items kept to show again (the most recently shown), until it changes
MAX_CORRECTIONS = 20_000  # misspelt words remembered with their correction, per index state
MAX_SERVER_VOCABULARIES = 1_000  # servers with items of their own whose statistics are kept
MAX_PROFILES = 2_000  # items whose parsed fields are kept, the most recently met
UNKNOWN_WEIGHT = 0.5  # a word unknown to the index weighs this share of the most a word can
ITEM_INTENTS = ("why", "how", "when", "people", "figure")  # kinds of question an item answers


def _flow(item: Item) -> Direction:
    """Where a flow the item states comes from and goes to: as its seed declares (a seed item
    declaring none states no flow), or for a server's own item as its titles and text say."""
    if item.flow:
        return declared(item.flow)
    if item.origin == "seed":
        return Direction()
    flows = [direction(text) for text in (item.title_en, item.title_fr, item.text_en, item.text_fr)]
    origin = frozenset().union(*(d.origin for d in flows))
    target = frozenset().union(*(d.target for d in flows))
    return Direction(origin - target, target - origin)


def index_for(item: Item) -> IndexText:
    """The analysed text an item is found by: names in both languages' stems, text and ways of
    asking (``questions_fr`` / ``questions_en``) each in its own language."""
    names = [item.title_fr, item.title_en, *item.aliases]
    french = [item.text_fr]
    english = [item.text_en]
    keywords = [index_text(k) for k in item.keywords]
    if item.figure:
        french.append(item.figure.measures_fr)
        english.append(item.figure.measures_en)
        value = item.figure.value
        keywords.append(str(int(value)) if value == int(value) else str(value))
    if item.deadline:
        due = item.deadline.due
        keywords += [str(due.year), str(due.day)]
    if item.partnership:
        p = item.partnership
        french += [*p.parties_fr, p.programme_fr, *p.themes_fr, *p.conditions_fr]
        english += [*p.parties_en, p.programme_en, *p.themes_en, *p.conditions_en]
        if p.announced:
            keywords.append(str(p.announced.year))
    if item.kind in ("deadline", "figure"):
        # The kind as a mark ("figure") and as its concept: a server's own deadline, named by
        # its title alone, is then found by the word "deadline" as the seeds' are by their names.
        keywords += [item.kind, *index_text(item.kind).split()]
    # Question words are stop words: an item is marked with the kinds of question it answers
    # ("why", "when", "who"…), as its names and keywords say, or two of its ways of asking.
    cues = tuple(w for text in (*item.aliases, *item.keywords) for w in fold(text).split())
    intents = set(
        intents_of(cues, tuple(t.word for t in terms(" ".join(item.keywords)) if t.concept))
    )
    asked = Counter(
        intent
        for question in (*item.questions_fr, *item.questions_en)
        for intent in normalize(question).intents
    )
    intents |= {intent for intent, count in asked.items() if count >= 2}
    keywords += [intent for intent in ITEM_INTENTS if intent in intents]
    keywords += _flow(item).marks()
    questions = [index_text(q, "fr") for q in item.questions_fr] + [
        index_text(q, "en") for q in item.questions_en
    ]
    return IndexText(
        names=" | ".join(index_text(n) for n in names),
        keywords=" ".join(keywords),
        body=" ".join(
            [index_text(t, "fr") for t in french if t] + [index_text(t, "en") for t in english if t]
        ),
        questions=" | ".join(q for q in questions if q),
    )


@dataclass(frozen=True)
class Match:
    item_id: str
    kind: str
    title: str
    score: float


@dataclass(frozen=True)
class Answer:
    question: str
    lang: str
    answered: bool
    text: str
    confidence: float
    item: Item | None = None
    source: Source | None = None
    matches: list[Match] = field(default_factory=list)

    @property
    def alternatives(self) -> list[Match]:
        return self.matches[1:] if self.answered else self.matches

    def as_dict(self) -> dict:
        sources = []
        if self.source is not None:
            sources.append(
                {
                    "id": self.source.id,
                    "publisher": self.source.publisher,
                    "published": self.source.published.isoformat(),
                    "document": self.source.document,
                    "paragraph": self.item.paragraph if self.item else None,
                }
            )
        return {
            "question": self.question,
            "answered": self.answered,
            "lang": self.lang,
            "text": self.text,
            "confidence": round(self.confidence, 3),
            "matches": [
                {"id": m.item_id, "kind": m.kind, "title": m.title, "score": round(m.score, 3)}
                for m in self.matches
            ],
            "sources": sources,
        }


@dataclass(frozen=True)
class Scored:
    item_id: str
    kind: str
    score: float  # the probability that the item answers the question
    title_fr: str
    title_en: str

    def title(self, lang: str) -> str:
        return self.title_fr if lang == "fr" else self.title_en


class _Vocabulary:
    """Document frequencies, rarity weights and the word list for typo correction, rebuilt when
    the data changes."""

    def __init__(
        self,
        total: int,
        frequencies: dict[str, int],
        named: tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]] = ({}, {}),
        acronyms: dict[str, frozenset[str]] | None = None,
    ) -> None:
        self.total = max(total, 1)
        self.frequencies = frequencies
        # Per term, the items of every server's own that hold it (none of which counts above),
        # and of those, this server's: what a search meets that the server does not see.
        self.hidden: dict[str, int] = {}
        self.own: dict[str, int] = {}
        # A partnership, and a source, → its one-word names ("AMI", "EPPD")
        self.named, self.named_by_source = named
        self.partnerships = frozenset().union(*self.named.values())
        self.acronyms = acronyms or {}  # a one-word name → its acronyms as written ("AMI")
        # An acronym's plural as written ("AMIs", "EPPDs") is the acronym; "amis" stays friends.
        written = sorted({w for forms in self.acronyms.values() for w in forms}, reverse=True)
        self.acronym_plurals = (
            re.compile(r"\b(" + "|".join(map(re.escape, written)) + r")s\b") if written else None
        )
        self.max_weight = math.log(self.total + 1) + 1.0
        self.idf = {term: self._idf(df) for term, df in frequencies.items()}
        # Words to correct towards, by length and by each of their first two letters: one edit
        # (a first letter changed, dropped, added, or swapped with the second) keeps one of a
        # word's first two letters among the first two letters of the word meant.
        self.pools: dict[tuple[int, str], set[str]] = {}
        # The lexicon's words too, so that a misspelt "semiconducter" finds its concept.
        self.spellings: dict[str, str] = {}
        for word, token in lexicon().words.items():
            if word.isalpha() and len(word) >= TYPO_MIN_LENGTH and token in frequencies:
                self.spellings[word] = token
        self.concepts = frozenset(self.spellings.values())
        for term in (*frequencies, *self.spellings):
            if term.isalpha() and len(term) >= TYPO_MIN_LENGTH - 1:
                for letter in term[:2]:
                    self.pools.setdefault((len(term), letter), set()).add(term)
        self.corrections: Recent[str, Term] = Recent(MAX_CORRECTIONS)
        # Bounded: at 10,000 items, every profile kept would hold about 150 MiB.
        self.profiles: Recent[str, Profile] = Recent(MAX_PROFILES)
        self.shared = self  # the statistics every server shares (see with_own)
        self.own_pools: dict[tuple[int, str], set[str]] = {}  # a server's own typo targets

    def with_own(self, own: dict[str, int]) -> _Vocabulary:
        """These statistics with a server's own items' words added (their counts, rarity and
        typo targets), the rest shared rather than copied: a server's handful of words costs a
        handful of entries. Rarity stays measured against the shared items' number. Item
        profiles and the examples' weights stay those of the shared statistics: they are built
        once for every server, and hold nothing of any server's own words."""
        merged = {term: self.frequencies.get(term, 0) + df for term, df in own.items()}
        vocab = copy.copy(self)
        vocab.frequencies = ChainMap(merged, self.frequencies)
        vocab.idf = ChainMap({term: self._idf(df) for term, df in merged.items()}, self.idf)
        vocab.own = own
        vocab.own_pools = {}
        for term in merged:
            if term.isalpha() and len(term) >= TYPO_MIN_LENGTH - 1:
                for letter in term[:2]:
                    vocab.own_pools.setdefault((len(term), letter), set()).add(term)
        vocab.corrections = Recent(MAX_CORRECTIONS)
        return vocab

    def _idf(self, df: int) -> float:
        return math.log((self.total + 1) / (df + 0.5)) + 0.1

    def df(self, term: Term) -> int:
        """Items holding one of a term's forms (the most of them)."""
        return max((self.frequencies.get(form, 0) for form in term.forms), default=0)

    def weight(self, term: Term) -> float:
        """Rarity of a term (inverse document frequency); unknown terms weigh half the most."""
        df = self.df(term)
        return self._idf(df) if df else UNKNOWN_WEIGHT * self.max_weight

    def correct(self, term: Term) -> Term:
        """A misspelt word as the closest word of the index, or the term itself.

        Words of four letters or more are corrected against every word of the index (the parts of
        multi-word names included) and of the lexicon, one edit away (an exchange of neighbours
        is one), two for words of eight letters or more; a real word of French or English is
        never corrected.
        """
        word = term.word
        size = len(word)
        if term.concept or size < TYPO_MIN_LENGTH or not word.isalpha() or self.df(term):
            return term
        if common_word(word):
            return term
        limit = 2 if size >= 8 else 1
        fixed = self.corrections.get(word)
        if fixed is None:
            fixed = self.corrections[word] = self._nearest(term, limit)
        return fixed

    def _nearest(self, term: Term, limit: int) -> Term:
        """The closest word to the misspelt one itself; only when none is in reach, to its stems
        ("manerals" is one letter from "minerals" before its stem is anything)."""
        word = term.word
        for candidates in ((word,), tuple(f for f in term.forms if f != word)):
            best: tuple[int, int, str] | None = None
            for candidate in candidates:
                pool: set[str] = set()
                for length in range(len(candidate) - limit, len(candidate) + limit + 1):
                    for letter in candidate[:2]:
                        pool |= self.pools.get((length, letter), set())
                        pool |= self.own_pools.get((length, letter), set())
                for found, distance, _ in process.extract(
                    candidate, pool, scorer=OSA.distance, score_cutoff=limit, limit=None
                ):
                    token = self.spellings.get(found, found)
                    key = (distance, -self.frequencies.get(token, 0), token)
                    if best is None or key < best:
                        best = key
            if best is not None:
                return Term(word, (best[2],), concept=best[2] in self.concepts, corrected=True)
        return term

    def home(self, cand: search_sql.Candidate) -> frozenset[str]:
        """The one-word names of the partnership a candidate belongs to, or of its source."""
        found = self.named.get(cand.partnership_id) if cand.partnership_id else None
        if found is None and cand.source_id:
            found = self.named_by_source.get(cand.source_id)
        return found or frozenset()

    def _partnerships_named(self, terms: tuple[Term, ...], text: str) -> frozenset[str]:
        """The one-word partnership names a question says, as written (a typo corrected to
        "EPPD", such as "EPPO", is not one). A name that is also a word ("ami" is a friend, "call"
        a phone call: the AMI's name is the lexicon's concept of a call) names the partnership
        only when written as its acronym is ("AMI"; not "Ami", "CALL"), in a message that is not
        all in capitals ("MY AMI WANTS TO KNOW")."""
        shouting = not any(ch.islower() for ch in text)
        written = frozenset(WORD.findall(text)) if self.acronyms and not shouting else frozenset()
        return frozenset(
            term.forms[0]
            for term in terms
            if term.forms[0] in self.partnerships
            and not term.corrected
            and (
                self.acronyms.get(term.forms[0], frozenset()) & written
                or not (term.concept or common_word(term.word))
            )
        )

    def query(self, text: str) -> Query:
        text = visible(text)
        if self.acronym_plurals is not None:
            text = self.acronym_plurals.sub(r"\1", text)
        normalized = normalize(text)
        found: dict[str, Term] = {}
        for term in normalized.terms:
            fixed = self.correct(term)
            found.setdefault(fixed.forms[0], fixed)
        chosen = tuple(found.values())
        tokens = tuple(t.forms[0] for t in chosen)
        return Query(
            normalized=normalized,
            terms=chosen,
            weights=tuple(self.weight(t) for t in chosen),
            known=tuple(self.df(t) > 0 for t in chosen),
            idf=self.idf,
            direction=direction(text[:MAX_QUESTION_CHARS]),
            constraints=constraints(
                tokens, self._partnerships_named(chosen, text[:MAX_QUESTION_CHARS])
            ),
            text=" ".join(tokens),
            forms=frozenset(form for term in chosen for form in term.forms),
            names=names_in(text[:MAX_QUESTION_CHARS]),
            focus=asking(text),
        )


class AnswerEngine:
    """Answers questions from the store. No Discord here: the cogs and the CLI both call it."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime] | None = None,
        scorer: model.Model | None = None,
        examples: memory.Memory | None = None,
    ) -> None:
        self.store = store
        self.clock = clock or times.utc_now
        self.model = scorer or model.load()
        self._memory = examples
        self._generation = -1
        self._shared: _Vocabulary | None = None
        self._own: dict[int, dict[str, int]] = {}
        self._servers: Recent[int, _Vocabulary] = Recent(MAX_SERVER_VOCABULARIES)
        self._sources: dict[str, Source] = {}
        self._items: Recent[str, Item] = Recent(MAX_KEPT_ITEMS)

    async def vocabulary(self, guild_id: int | None = None) -> _Vocabulary:
        """The word statistics of what a server sees: the shared items and its own, never
        another server's (its private words would otherwise count as known, and change the
        answers). Read again whenever the store has changed."""
        if self._shared is None or self._generation != self.store.generation:
            generation = self.store.generation
            total, frequencies = await search_sql.vocabulary(self.store.reader)
            own = await search_sql.own_vocabularies(self.store.reader)
            hidden: Counter[str] = Counter()
            for count, terms in own.values():
                total -= count
                hidden.update(terms)
                for term, df in terms.items():
                    left = frequencies.get(term, 0) - df
                    if left > 0:
                        frequencies[term] = left
                    else:
                        frequencies.pop(term, None)
            self._own = {guild: terms for guild, (_, terms) in own.items()}
            names = await search_sql.partnership_names(self.store.reader)
            written = await items_sql.names(self.store.reader, kind="partnership")
            self._shared = _Vocabulary(
                total,
                frequencies,
                one_word_names(names),
                acronyms(n for found in written if found.guild_id is None for n in found.names),
            )
            self._shared.hidden = dict(hidden)
            self._sources = {s.id: s for s in await sources_sql.list_all(self.store.reader)}
            self._servers.clear()
            self._items.clear()
            self._generation = generation
        if guild_id not in self._own:
            return self._shared
        vocab = self._servers.get(guild_id)
        if vocab is None:
            vocab = self._servers[guild_id] = self._shared.with_own(self._own[guild_id])
        return vocab

    async def items(self, item_ids: list[str]) -> dict[str, Item]:
        """Items to show, kept until the store changes: answers often name the same few."""
        found = {i: item for i in item_ids if (item := self._items.get(i)) is not None}
        missing = [i for i in item_ids if i not in found]
        if missing:
            for item_id, item in (
                await items_sql.get_many(self.store.quick, missing, terms=False)
            ).items():
                found[item_id] = self._items[item_id] = item
        return {i: found[i] for i in item_ids if i in found}

    @property
    def memory(self) -> memory.Memory:
        """The examples the models compare questions with (the shipped ones unless given)."""
        if self._memory is None:
            self._memory = memory.load()
        return self._memory

    async def warm(self) -> None:
        """Read and build what the first question would otherwise wait for: the lists of common
        words and the examples (in a thread: the loop goes on meanwhile), then the word
        statistics, the stop-word lists and the profiles of the items most asked about, by
        answering a question in each language."""
        await asyncio.to_thread(common_words)
        if self._memory is None:
            self._memory = await asyncio.to_thread(memory.load)
        await self.ask("When does the AMI close, what did the EPPD say?")
        await self.ask("Quelle est la date limite de l'AMI avec Taïwan ?")

    async def source(self, source_id: str | None) -> Source | None:
        await self.vocabulary()
        return self._sources.get(source_id) if source_id else None

    async def candidates(
        self,
        text: str,
        *,
        guild_id: int | None = None,
        kind: str | None = None,
        leave_out: str | None = None,
        leave_group: str | None = None,
        forget: frozenset[str] = frozenset(),
    ) -> tuple[Query, list[tuple[search_sql.Candidate, list[float]]]]:
        """The question as analysed, and its candidates with their ranking features.

        A question asked both ways ("does France invest in Taiwan, or the other way round?") is
        read its first way, unless no candidate runs that way and one runs the second way: the
        knowledge may state only the second. Each reading is strict (the other way counts
        against), so a flow stated neither way is not answered by either reading.

        ``leave_out``: an example of the memory the question may not meet (itself, in training),
        nor the examples of ``leave_group`` (its batch); ``forget``: items met as if they had just
        been added, with no examples (in training).
        """
        vocab = await self.vocabulary(guild_id)
        query = vocab.query(text)
        both_ways = query.direction.either_way
        if both_ways:
            query = dataclasses.replace(query, direction=query.direction.one_way())
        if says_nothing(query.normalized.terms):
            return query, []
        selected, ranked = select_terms(query, vocab)
        if not selected:
            return query, []
        match = " OR ".join(f'"{form}"' for form in selected)
        # The question is compared with the examples in a thread of their own while SQLite
        # searches here, the GIL let go; a hand-over of the search to a thread would cost more.
        left = {"leave_out": leave_out, "leave_group": leave_group, "forget": forget}
        comparing = self._closeness(query, vocab, **left)
        beside = examples_thread()
        try:
            found = await search_sql.candidates(
                self.store.quick if quickly(selected, ranked, kind, vocab) else self.store.reader,
                match,
                limit=CANDIDATES,
                guild_id=guild_id,
                kind=kind,
                ranked=ranked,
            )
        except BaseException:
            beside.settle(comparing)  # nothing of this question outlives it
            raise
        close = await beside.result(comparing)
        if not found:
            return query, []
        rates = self.memory.outside_rates(
            [term.forms[0] for term in query.terms], leave_out=leave_out, leave_group=leave_group
        )
        profiled = [(cand, _profile_of(cand, vocab)) for cand in found]
        rows = self._rows(query, profiled, close, rates, forget)
        if both_ways and not _states_any(query, profiled):
            other = dataclasses.replace(query, direction=query.direction.reversed())
            if _states_any(other, profiled):
                close = await beside.result(self._closeness(other, vocab, **left))
                return other, self._rows(other, profiled, close, rates, forget)
        return query, rows

    def _rows(
        self,
        query: Query,
        found: list[tuple[search_sql.Candidate, Profile]],
        close: memory.Closeness,
        rates: tuple[float, ...],
        forget: frozenset[str],
    ) -> list[tuple[search_sql.Candidate, list[float]]]:
        """Each candidate with its ranking features."""
        rows = []
        for cand, item in found:
            # What was asked of an item of another partnership than the one a question names
            # ("who led the talks?" of the EPPD, for "who leads the AMI") says nothing of it.
            away = elsewhere(query.constraints, item.own, item.home)
            if away or cand.item_id in forget:
                item = item.unasked()
            row = rank_row(
                query,
                item,
                kind=cand.kind,
                category=cand.category,
                example=0.0 if away else close.of(cand.item_id),
                example_outside=close.outside,
                example_vote=0.0 if away else close.vote(cand.item_id),
                outside_vote=close.outside_votes,
                remembered=not away and close.remembered(cand.item_id),
                outside_rates=rates,
                likely=(0.0, 0.0) if away else close.likelihood(cand.item_id),
                outside_likely=close.outside_likely,
            )
            rows.append((cand, row))
        return rows

    def _closeness(
        self,
        query: Query,
        vocab: _Vocabulary,
        *,
        leave_out: str | None,
        leave_group: str | None,
        forget: frozenset[str],
    ) -> concurrent.futures.Future[memory.Closeness]:
        """How close the question comes to the examples of each item, and to those of none:
        worked out in the examples' own thread (``examples_thread``)."""
        unknown = UNKNOWN_WEIGHT * vocab.max_weight
        asked: dict[str, float] = {}
        for term, weight in zip(query.terms, query.weights, strict=True):
            asked[term.forms[0]] = max(weight, asked.get(term.forms[0], 0.0))
        shared = vocab.shared  # the examples are weighed alike for every server
        return examples_thread().submit(
            self.memory.closeness,
            asked,
            lambda token: shared.idf.get(token, unknown),
            key=shared,
            leave_out=leave_out,
            leave_group=leave_group,
            forget=forget,
            flow=query.direction,
            partnerships=vocab.partnerships,
            named=query.constraints.partnerships,
            pairs=memory.pairs_of([term.forms[0] for term in query.terms]),
        )

    async def rank(
        self, text: str, *, guild_id: int | None = None, kind: str | None = None, limit: int = 10
    ) -> list[Scored]:
        """Items a text is about, best first, each with the probability that it answers it.

        With ``kind``, only items of that kind, scored among all candidates (the probability is
        calibrated on them). When none of that kind is among them, the best of that kind are
        looked up apart: they come as suggestions, never as a sure answer.
        """
        query, ranked = await self._ranked(text, guild_id=guild_id, kind=None)
        if kind is None:
            return self._scored(query, ranked, ranked[:limit])
        shown = [entry for entry in ranked if entry[1].kind == kind][:limit]
        if shown:
            return self._scored(query, ranked, shown)
        query, apart = await self._ranked(text, guild_id=guild_id, kind=kind)
        return [
            dataclasses.replace(s, score=self.unsure(s.score))
            for s in self._scored(query, apart, apart[:limit])
        ]

    async def _ranked(
        self, text: str, *, guild_id: int | None, kind: str | None
    ) -> tuple[Query, list[tuple[float, search_sql.Candidate, list[float]]]]:
        """Candidates with their log-odds, best first."""
        query, rows = await self.candidates(text, guild_id=guild_id, kind=kind)
        logits = self.model.logits([row for _, row in rows])
        ranked = [(logit, cand, row) for logit, (cand, row) in zip(logits, rows, strict=True)]
        ranked.sort(key=lambda entry: model.rank_key(entry[0], entry[2]))
        return query, ranked

    def _scored(
        self,
        query: Query,
        ranked: list[tuple[float, search_sql.Candidate, list[float]]],
        shown: list[tuple[float, search_sql.Candidate, list[float]]],
    ) -> list[Scored]:
        """The probability that each shown candidate answers the question: from its log-odds,
        its margin over the best other candidate, and its features."""
        if not ranked:
            return []
        top = ranked[0][0]
        runner_up = ranked[1][0] if len(ranked) > 1 else None
        rows = []
        for logit, _, row in shown:
            other = runner_up if logit == top else top
            margin = logit - other if other is not None else float("inf")
            rows.append(refuse_row(query, row, logit, margin))
        return [
            Scored(cand.item_id, cand.kind, confidence, cand.title_fr, cand.title_en)
            for (_, cand, _), confidence in zip(shown, self.model.confidences(rows), strict=True)
        ]

    def confident(self, scored: Scored) -> bool:
        """Whether a ranked item is a sure enough answer to give."""
        return scored.score >= self.model.threshold

    def unsure(self, score: float) -> float:
        """A probability kept just below the threshold: offered, never given as the answer."""
        return min(score, math.nextafter(self.model.threshold, 0.0))

    async def ask(
        self,
        question: str,
        *,
        lang: str | None = None,
        guild_id: int | None = None,
        named: Item | None = None,
    ) -> Answer:
        """The best answer to a question, or a polite "I don't know" with suggestions.

        ``named``: the item the question names outright (its title or an alias), answered
        whatever the models would say.
        """
        lang = lang if lang in ("fr", "en") else detect_language(question)
        generation = self.store.generation
        query, found = await self._ranked(question, guild_id=guild_id, kind=None)
        ranked = self._scored(query, found, found[: 1 + ALTERNATIVES])
        if named is not None:
            others = [s for s in ranked if s.item_id != named.id]
            sure = Scored(named.id, named.kind, 1.0, named.title_fr, named.title_en)
            ranked = [sure, *others][: 1 + ALTERNATIVES]
        best = ranked[0] if ranked else None
        confident = best is not None and self.confident(best)
        if confident:  # and beside it, all but those of a partnership not named (0: model.py)
            shown = [s for s in ranked if s.score > 0.0]
        else:
            shown = [s for s in ranked if s.score >= ALTERNATIVE_SCORE]
        # The titles offered come with the search, and only the answer is read in full; unless
        # the store changed while the question was asked: then every item offered is read
        # again, and one gone since is neither answered nor offered.
        if self.store.generation != generation:
            self._items.clear()
            held = await self.items([s.item_id for s in shown])
            shown = [s for s in shown if s.item_id in held]
        else:
            held = await self.items([best.item_id]) if confident else {}
        matches = [
            Match(s.item_id, s.kind, (held.get(s.item_id) or s).title(lang), s.score) for s in shown
        ]
        item = held.get(best.item_id) if confident else None
        if item is None:
            confidence = best.score if best else 0.0
            if confident:  # the answer was deleted since it was found
                matches = [m for m in matches if m.item_id != best.item_id]
                # A refusal is never sure: the best of what is left, below the threshold.
                confidence = self.unsure(max((m.score for m in matches), default=0.0))
            suggestions = [m.title for m in matches[:ALTERNATIVES]]
            return Answer(
                question=question,
                lang=lang,
                answered=False,
                text=compose.unknown_text(lang, suggestions),
                confidence=confidence,
                matches=matches[:ALTERNATIVES],
            )
        source = await self.source(item.source_id)
        return Answer(
            question=question,
            lang=lang,
            answered=True,
            text=compose.answer_text(
                item, source, lang, self.clock(), asked=query.normalized.intents
            ),
            confidence=best.score,
            item=item,
            source=source,
            matches=matches[: 1 + ALTERNATIVES],
        )


def _profile_of(cand: search_sql.Candidate, vocab: _Vocabulary) -> Profile:
    """What the features read of a candidate, built once while the vocabulary lives."""
    item = vocab.profiles.get(cand.item_id)
    if item is None:
        item = vocab.profiles[cand.item_id] = profile(cand, vocab.shared.idf, vocab.home(cand))
    return item


def _states_any(query: Query, found: list[tuple[search_sql.Candidate, Profile]]) -> bool:
    """Whether a candidate states the flow the question reads, end to end."""
    return any(states(query.direction, item.direction) for _, item in found)


def quickly(selected: list[str], ranked: bool, kind: str | None, vocab: _Vocabulary) -> bool:
    """Whether a search is short enough for the loop's own thread (``store.quick``): it meets
    few items the server does not see (QUICK_HIDDEN), and it stops soon: ranked (within
    SELECT_BUDGET), or the first matches taken whatever their kind."""
    hidden = sum(vocab.hidden.get(form, 0) - vocab.own.get(form, 0) for form in selected)
    return hidden <= QUICK_HIDDEN and (ranked or kind is None)


def select_terms(query: Query, vocab: _Vocabulary) -> tuple[list[str], bool]:
    """The index forms that pick candidates, the rarer first, within a budget of matching items;
    and whether ranking them by bm25 stays within that budget.

    Every term still counts when candidates are scored; only the search is bounded, so that a
    question made of words found everywhere costs the same on 100 items as on 100,000.
    """
    forms = {
        form: vocab.frequencies[form]
        for term in query.terms
        for form in term.forms
        if form in vocab.frequencies
    }
    selective = {f: df for f, df in forms.items() if df <= COMMON_SHARE * vocab.total}
    pool = selective or forms
    chosen, spent = [], 0
    for form in sorted(pool, key=lambda f: (pool[f], f)):
        if chosen and spent + pool[form] > SELECT_BUDGET:
            break
        chosen.append(form)
        spent += pool[form]
    return chosen, spent <= SELECT_BUDGET
