"""The answer engine: find the item a question is about, and say it in the asker's language.

Candidates come from SQLite FTS5 (bm25); they are reranked with how much of the question they
cover (each word weighted by its rarity) and with rapidfuzz similarity to their names. A question
whose best candidate covers too little of it gets "I don't know", never a confident unrelated fact.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from bot.answer import compose
from bot.answer.normalize import Normalized, canonical, detect_language, index_text, normalize
from bot.answer.vocabulary import INTENT_WORDS, WORDS
from store import items as items_sql
from store import search as search_sql
from store import sources as sources_sql
from store.db import Store
from store.items import IndexText, Item
from store.sources import Source

FOCUS_WORDS = frozenset().union(*INTENT_WORDS.values())
CANDIDATES = 50
ALTERNATIVES = 3
MIN_COVERAGE = 0.6  # share of the question's weight the best item must cover
MIN_SCORE = 0.55  # and its overall score
ALTERNATIVE_SCORE = 0.3  # weakest score still offered as "did you mean"
COMMON_SHARE = 0.4  # words in more than this share of items do not select candidates
BODY_SHARE = 0.7  # a word found only in an item's text counts for this much of a name
INTENT_BONUS = 0.1  # "when" prefers deadlines, "how much" figures, "who" people


def index_for(item: Item) -> IndexText:
    """The normalised text an item is found by."""
    names = [item.title_fr, item.title_en, *item.aliases]
    body = [item.text_fr, item.text_en]
    if item.figure:
        body += [item.figure.measures_fr, item.figure.measures_en]
    if item.partnership:
        p = item.partnership
        body += [
            *p.parties_fr,
            *p.parties_en,
            p.programme_fr,
            p.programme_en,
            *p.themes_fr,
            *p.themes_en,
            *p.conditions_fr,
            *p.conditions_en,
        ]
    keywords = list(item.keywords)
    if item.kind == "deadline":
        keywords.append("deadline")
    return IndexText(
        names=" | ".join(index_text(n) for n in names),
        keywords=" ".join(index_text(k) for k in keywords),
        body=" ".join(index_text(b) for b in body),
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
    score: float
    coverage: float


class _Vocabulary:
    """Document frequencies and the word list for typo correction, rebuilt when data changes."""

    def __init__(self, total: int, frequencies: dict[str, int]) -> None:
        self.total = max(total, 1)
        self.frequencies = frequencies
        self.sorted_terms = sorted(frequencies)
        known = set(frequencies) | {w for w in WORDS if len(w) >= 4}
        self.by_length: dict[int, list[str]] = {}
        for term in known:
            self.by_length.setdefault(len(term), []).append(term)
        self.max_weight = math.log(self.total + 1) + 1.0

    def weight(self, token: str) -> float:
        """Rarity of a token (inverse document frequency); unknown tokens weigh most."""
        df = self.frequencies.get(token)
        if df is None:
            df = self.prefix_frequency(token)
        if not df:
            return self.max_weight
        return math.log((self.total + 1) / (df + 0.5)) + 0.1

    def prefix_frequency(self, token: str) -> int:
        if len(token) < 4:
            return 0
        start = bisect.bisect_left(self.sorted_terms, token)
        best = 0
        for term in self.sorted_terms[start : start + 20]:
            if not term.startswith(token):
                break
            best = max(best, self.frequencies[term])
        return best

    def known(self, token: str) -> bool:
        return token in self.frequencies or self.prefix_frequency(token) > 0

    def correct(self, token: str) -> str:
        """The closest known word to a misspelt one, or the token itself."""
        if len(token) < 4 or token.isdigit() or self.known(token):
            return token
        limit = 1 if len(token) <= 6 else 2
        pool = []
        for length in range(len(token) - limit, len(token) + limit + 1):
            pool += self.by_length.get(length, [])
        found = process.extractOne(token, pool, scorer=Levenshtein.distance, score_cutoff=limit)
        if found is None:
            return token
        return canonical(found[0])


class AnswerEngine:
    """Answers questions from the store. No Discord here: the cogs and the CLI both call it."""

    def __init__(self, store: Store, clock: Callable[[], datetime] | None = None) -> None:
        self.store = store
        self.clock = clock or (lambda: datetime.now(UTC))
        self._vocabulary: _Vocabulary | None = None
        self._generation = -1
        self._sources: dict[str, Source] = {}

    async def vocabulary(self) -> _Vocabulary:
        """Word statistics and sources, read again whenever the store has changed."""
        if self._vocabulary is None or self._generation != self.store.generation:
            generation = self.store.generation
            total, frequencies = await search_sql.vocabulary(self.store.conn)
            self._sources = {s.id: s for s in await sources_sql.list_all(self.store.conn)}
            self._vocabulary = _Vocabulary(total, frequencies)
            self._generation = generation
        return self._vocabulary

    async def source(self, source_id: str | None) -> Source | None:
        await self.vocabulary()
        return self._sources.get(source_id) if source_id else None

    async def rank(
        self, text: str, *, guild_id: int | None = None, kind: str | None = None, limit: int = 10
    ) -> list[Scored]:
        """Items a text is about, best first, each with a score in [0, 1]."""
        query = normalize(text)
        return await self._rank(query, guild_id=guild_id, kind=kind, limit=limit)

    async def _rank(
        self, query: Normalized, *, guild_id: int | None, kind: str | None, limit: int
    ) -> list[Scored]:
        vocab = await self.vocabulary()
        tokens = list(dict.fromkeys(vocab.correct(t) for t in query.tokens))
        tokens = [t for t in tokens if t.isalnum()]
        if not tokens:
            return []
        # A word that says what is asked ("led", "deadline", "amount") weighs double.
        weights = {t: vocab.weight(t) * (2.0 if t in FOCUS_WORDS else 1.0) for t in tokens}
        total_weight = sum(weights.values())
        selective = [t for t in tokens if vocab.frequencies.get(t, 0) <= COMMON_SHARE * vocab.total]
        terms = [t for t in (selective or tokens) if vocab.known(t)]
        if not terms:
            return []
        match = " OR ".join(f'"{t}"*' if len(t) >= 4 else f'"{t}"' for t in terms)
        found = await search_sql.candidates(
            self.store.conn, match, limit=CANDIDATES, guild_id=guild_id
        )
        if kind is not None:
            found = [c for c in found if c.kind == kind]
        if not found:
            return []
        best_rank = min(c.bm25 for c in found) or -1.0
        question = " ".join(tokens)
        scored = []
        for cand in found:
            names = cand.names.split(" | ")
            titled = set(cand.names.replace("|", " ").split())
            titled.update(cand.keywords.split())
            body = set(cand.body.split())
            covered = 0.0
            for token, weight in weights.items():
                if _covers(token, titled):
                    covered += weight
                elif _covers(token, body):
                    covered += BODY_SHARE * weight
            coverage = covered / total_weight
            similarity = max(fuzz.token_set_ratio(question, n) for n in names) / 100
            relevance = cand.bm25 / best_rank if best_rank < 0 else 0.0
            score = 0.6 * coverage + 0.2 * similarity + 0.2 * relevance
            if _intent_fits(query, cand.kind, cand.category):
                score += INTENT_BONUS
            scored.append(Scored(cand.item_id, cand.kind, min(score, 1.0), coverage))
        scored.sort(key=lambda s: s.score, reverse=True)
        return scored[:limit]

    @staticmethod
    def confident(scored: Scored) -> bool:
        """Whether a ranked item is a sure enough answer to give."""
        return scored.coverage >= MIN_COVERAGE and scored.score >= MIN_SCORE

    async def ask(
        self, question: str, *, lang: str | None = None, guild_id: int | None = None
    ) -> Answer:
        """The best answer to a question, or a polite "I don't know" with suggestions."""
        lang = lang if lang in ("fr", "en") else detect_language(question)
        ranked = await self.rank(question, guild_id=guild_id, limit=1 + ALTERNATIVES)
        best = ranked[0] if ranked else None
        confident = best is not None and best.coverage >= MIN_COVERAGE and best.score >= MIN_SCORE
        shown = ranked if confident else [s for s in ranked if s.score >= ALTERNATIVE_SCORE]
        items = await items_sql.get_many(self.store.conn, [s.item_id for s in shown])
        matches = [
            Match(s.item_id, s.kind, items[s.item_id].title(lang), s.score)
            for s in shown
            if s.item_id in items
        ]
        if not confident or best.item_id not in items:
            suggestions = [m.title for m in matches[:ALTERNATIVES]]
            return Answer(
                question=question,
                lang=lang,
                answered=False,
                text=compose.unknown_text(lang, suggestions),
                confidence=best.score if best else 0.0,
                matches=matches[:ALTERNATIVES],
            )
        item = items[best.item_id]
        source = await self.source(item.source_id)
        return Answer(
            question=question,
            lang=lang,
            answered=True,
            text=compose.answer_text(item, source, lang, self.clock()),
            confidence=best.score,
            item=item,
            source=source,
            matches=matches[: 1 + ALTERNATIVES],
        )


def _covers(token: str, words: set[str]) -> bool:
    if token in words:
        return True
    if len(token) >= 4:
        return any(w.startswith(token) for w in words)
    return False


def _intent_fits(query: Normalized, kind: str, category: str | None) -> bool:
    if "deadline" in query.intents and kind == "deadline":
        return True
    if "figure" in query.intents and kind == "figure":
        return True
    return "people" in query.intents and category == "people"
