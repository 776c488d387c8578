"""The answer engine: find the item a question is about, and say it in the asker's language.

Candidates come from SQLite FTS5 (bm25); they are reranked with how much of the question they
cover (each word weighted by its rarity, and by whether the item has it in its names, keywords or
text only; a word the index does not know weighs against every candidate), with rapidfuzz
similarity between their names and the whole question, and with the question word ("when", "why",
"how", "who", "how much"). A question whose best candidate covers too little of it, or only in its
text, gets "I don't know", never a confident unrelated fact.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from wordfreq import zipf_frequency

from bot.answer import compose
from bot.answer.normalize import (
    Normalized,
    canonical,
    detect_language,
    fold,
    index_text,
    normalize,
    phrase,
)
from bot.answer.vocabulary import INTENT_WORDS, ITEM_INTENTS, OUT_OF_SCOPE_WORDS, WORDS
from store import items as items_sql
from store import search as search_sql
from store import sources as sources_sql
from store import times
from store.db import Store
from store.items import IndexText, Item
from store.sources import Source

CANDIDATES = 30
ALTERNATIVES = 3
MIN_COVERAGE = 0.55  # share of the question's weight the best item must cover
MIN_SCORE = 0.55  # and its overall score
MIN_NAMED = 0.2  # and this share in its names or keywords: its text alone is not enough
ALTERNATIVE_SCORE = 0.3  # weakest score still offered as "did you mean"
COMMON_SHARE = 0.4  # words in more than this share of items do not select candidates
SELECT_BUDGET = 1500  # items the selecting words may match in all, rarest words first
KEYWORD_SHARE = 0.85  # a word found in an item's keywords counts for this much of a name
BODY_SHARE = 0.6  # a word found only in an item's text counts for this much of a name
COVERAGE_PART = 0.6  # the score: coverage, similarity of names, and bm25 rank
SIMILARITY_PART = 0.2
INTENT_BONUS = 0.1  # "how much" prefers figures, "who" people, "why" items that say why
TYPO_MIN_LENGTH = 5  # shorter words are never corrected
COMMON_ZIPF = 3.0  # a word this common in French or English (wordfreq's scale) is no typo
UNKNOWN_WEIGHT = 0.5  # a word unknown to the index weighs this share of the most a word can
OUT_OF_SCOPE_WEIGHT = 1.5  # and a common word known to lie outside the knowledge, this much
# Endings of inflected words whose stem the index may hold ("pushing" → "push").
INFLECTIONS = ("ing", "ed", "es", "s", "aient", "ait", "ent", "er", "ez", "ees", "ee", "e")


@functools.lru_cache(maxsize=65536)
def common_word(word: str) -> bool:
    """Whether ``word`` is a word people commonly write in French or English."""
    return max(zipf_frequency(word, "en"), zipf_frequency(word, "fr")) >= COMMON_ZIPF


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
    if item.kind in ("deadline", "figure"):
        keywords.append(item.kind)
    # Question words are stop words: an item whose names or keywords answer "why", "how" or
    # "when" is marked with that word, so that the question word can prefer it.
    cues = {word for text in (*item.aliases, *item.keywords) for word in phrase(fold(text))}
    marks = [intent for intent in ITEM_INTENTS if INTENT_WORDS[intent] & cues]
    return IndexText(
        names=" | ".join(index_text(n) for n in names),
        keywords=" ".join([index_text(k) for k in keywords] + marks),
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
    named: float = 1.0  # share of the question's weight found in the item's names or keywords


class _Vocabulary:
    """Document frequencies and the word list for typo correction, rebuilt when data changes."""

    def __init__(self, total: int, frequencies: dict[str, int]) -> None:
        self.total = max(total, 1)
        self.frequencies = frequencies
        self.sorted_terms = sorted(frequencies)
        known = set(frequencies) | {w for w in WORDS if len(w) >= TYPO_MIN_LENGTH}
        self.pools: dict[tuple[str, int], list[str]] = {}
        for term in known:
            if term.isalpha():
                self.pools.setdefault((term[0], len(term)), []).append(term)
        self.max_weight = math.log(self.total + 1) + 1.0

    def weight(self, token: str) -> float:
        """Rarity of a token (inverse document frequency); unknown tokens weigh most."""
        df = self.frequency(token)
        if df:
            return math.log((self.total + 1) / (df + 0.5)) + 0.1
        if token in OUT_OF_SCOPE_WORDS:
            return OUT_OF_SCOPE_WEIGHT * self.max_weight
        return UNKNOWN_WEIGHT * self.max_weight

    def frequency(self, token: str) -> int:
        """Items holding the token, or a word it begins; a common outside word never begins one."""
        df = self.frequencies.get(token)
        if df is not None:
            return df
        if token in OUT_OF_SCOPE_WORDS:
            return 0
        return self.prefix_frequency(token)

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
        return self.frequency(token) > 0

    def correct(self, token: str) -> str:
        """The known stem of an inflected word, the closest known word to a misspelt one, or itself.

        A typo keeps its first letter; a short word may only miss or gain one letter, a longer one
        may have one wrong letter, and only long words two. Common words outside the knowledge
        ("president", "weather") are real words, never typos.
        """
        size = len(token)
        if (
            size < TYPO_MIN_LENGTH
            or not token.isalpha()
            or token in OUT_OF_SCOPE_WORDS
            or self.known(token)
        ):
            return token
        for suffix in INFLECTIONS:
            stem = token[: -len(suffix)]
            if token.endswith(suffix) and len(stem) >= 4:
                for base in (stem, stem + "e"):
                    if base in self.frequencies or base in WORDS:
                        return canonical(base)
        if common_word(token):  # "lunch" is a word, not a misspelt "launch"
            return token
        if size <= 5:
            limit, costs = 1, (1, 1, 2)
        elif size <= 8:
            limit, costs = 1, (1, 1, 1)
        else:
            limit, costs = 2, (1, 1, 1)
        pool: list[str] = []
        for length in range(size - limit, size + limit + 1):
            pool += self.pools.get((token[0], length), ())
        found = process.extract(
            token,
            pool,
            scorer=Levenshtein.distance,
            scorer_kwargs={"weights": costs},
            score_cutoff=limit,
            limit=8,
        )
        if not found:
            return token
        nearest = min(distance for _, distance, _ in found)
        best = max(
            (term for term, distance, _ in found if distance == nearest),
            key=lambda term: (self.frequencies.get(term, 0), term),
        )
        return canonical(best)


class AnswerEngine:
    """Answers questions from the store. No Discord here: the cogs and the CLI both call it."""

    def __init__(self, store: Store, clock: Callable[[], datetime] | None = None) -> None:
        self.store = store
        self.clock = clock or times.utc_now
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
        weights = {t: vocab.weight(t) for t in tokens}
        total_weight = sum(weights.values())
        terms, ranked = select_terms(tokens, vocab)
        if not terms:
            return []
        # A word of the index is matched as it is; a partial word ("deadl") as a prefix.
        match = " OR ".join(
            f'"{t}"' if t in vocab.frequencies or len(t) < 4 else f'"{t}"*' for t in terms
        )
        found = await search_sql.candidates(
            self.store.conn, match, limit=CANDIDATES, guild_id=guild_id, ranked=ranked
        )
        if kind is not None:
            found = [c for c in found if c.kind == kind]
        if not found:
            return []
        best_rank = min(c.bm25 for c in found) or -1.0
        question = " ".join(tokens)
        # First what is cheap: coverage, bm25 rank, question type. Name similarity, the costly
        # part, is then worked out best bound first, until no candidate left can still enter.
        partial = []
        for cand in found:
            named = f" {cand.names} "
            keywords = f" {cand.keywords} "
            body = f" {cand.body} "
            covered = titled = 0.0
            for token, weight in weights.items():
                if _covers(token, named):
                    covered += weight
                    titled += weight
                elif _covers(token, keywords):
                    covered += KEYWORD_SHARE * weight
                    titled += weight
                elif _covers(token, body):
                    covered += BODY_SHARE * weight
            coverage = covered / total_weight
            relevance = cand.bm25 / best_rank if best_rank < 0 else 0.0
            score = COVERAGE_PART * coverage + (1.0 - COVERAGE_PART - SIMILARITY_PART) * relevance
            score += INTENT_BONUS * _intent_fit(query, cand.kind, cand.category, keywords)
            partial.append((score, cand, coverage, titled / total_weight))
        partial.sort(key=lambda entry: entry[0], reverse=True)
        scored: list[tuple[float, Scored]] = []
        for score, cand, coverage, named_share in partial:
            if len(scored) >= limit and score + SIMILARITY_PART < scored[limit - 1][0]:
                break
            score += SIMILARITY_PART * _name_similarity(question, cand.names.split(" | "))
            entry = Scored(cand.item_id, cand.kind, min(score, 1.0), coverage, named_share)
            scored.append((score, entry))
            scored.sort(key=lambda pair: pair[0], reverse=True)
        return [s for _, s in scored[:limit]]

    @staticmethod
    def confident(scored: Scored) -> bool:
        """Whether a ranked item is a sure enough answer to give."""
        return (
            scored.coverage >= MIN_COVERAGE
            and scored.named >= MIN_NAMED
            and scored.score >= MIN_SCORE
        )

    async def ask(
        self, question: str, *, lang: str | None = None, guild_id: int | None = None
    ) -> Answer:
        """The best answer to a question, or a polite "I don't know" with suggestions."""
        lang = lang if lang in ("fr", "en") else detect_language(question)
        ranked = await self.rank(question, guild_id=guild_id, limit=1 + ALTERNATIVES)
        best = ranked[0] if ranked else None
        confident = best is not None and self.confident(best)
        shown = ranked if confident else [s for s in ranked if s.score >= ALTERNATIVE_SCORE]
        items = await items_sql.get_many(self.store.conn, [s.item_id for s in shown], terms=False)
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


def select_terms(tokens: list[str], vocab: _Vocabulary) -> tuple[list[str], bool]:
    """The words that pick candidates, the rarer first, within a budget of matching items; and
    whether ranking them by bm25 stays within that budget.

    Every word still counts when candidates are scored; only the search is bounded, so that a
    question made of words found everywhere costs the same on 100 items as on 100,000.
    """
    known = [t for t in tokens if vocab.known(t)]
    selective = [t for t in known if vocab.frequencies.get(t, 0) <= COMMON_SHARE * vocab.total]
    ranked = sorted(
        selective or known, key=lambda t: vocab.frequencies.get(t) or vocab.prefix_frequency(t)
    )
    chosen, spent = [], 0
    for term in ranked:
        df = vocab.frequencies.get(term) or vocab.prefix_frequency(term)
        if chosen and spent + df > SELECT_BUDGET:
            break
        chosen.append(term)
        spent += df
    return chosen, spent <= SELECT_BUDGET


def _covers(token: str, text: str) -> bool:
    """Whether a space-padded text holds the token as a word, or as the start of one if long."""
    return f" {token} " in text or (len(token) >= 4 and f" {token}" in text)


def _name_similarity(question: str, names: list[str]) -> float:
    """How closely one of an item's names matches the whole question, in [0, 1]."""
    best = 0.0
    for name in names:
        if name:
            best = max(
                best, fuzz.token_set_ratio(question, name) + fuzz.token_sort_ratio(question, name)
            )
    return best / 200


def _intent_fit(query: Normalized, kind: str, category: str | None, keywords: str) -> int:
    """1 when an item is the kind of answer asked for, -1 when it answers another question word.

    An item marked as answering "when" is a poor answer to "why", and the other way round.
    """
    asked = {intent for intent in ITEM_INTENTS if intent in query.intents}
    marked = {intent for intent in ITEM_INTENTS if f" {intent} " in keywords}
    if asked & marked:
        return 1
    if "deadline" in query.intents and kind == "deadline":
        return 1
    if "figure" in query.intents and kind == "figure":
        return 1
    if "people" in query.intents and category == "people":
        return 1
    return -1 if asked and marked else 0
