"""What the ranking model sees of a candidate: numbers that say how well it fits a question.

Every feature is computed the same way at training time (``tests/questions/train.py``) and when a
question is asked. The names in ``RANK_FEATURES`` and ``REFUSE_FEATURES`` are the columns of the
coefficients in ``model.toml``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache

from rapidfuzz import fuzz, process
from wordfreq import zipf_frequency

from bot.answer.normalize import WORDLIST, Normalized, Term, common_word, common_words
from bot.answer.structure import (
    Constraints,
    Direction,
    contradictions,
    direction_fit,
    elsewhere,
    ordinals_in,
)
from store.search import Candidate

SEPARATOR = " | "  # between the names, and between the questions, of one index field
MARKS = frozenset({"when", "why", "how", "people", "figure"})  # kinds of question an item answers

# One row per candidate, in this order.
RANK_FEATURES = (
    "named",  # share of the question's weight found in the item's names or keywords
    "text",  # share found only in its text
    "asked",  # share found in the one way of asking (item question) closest to it
    "asked_back",  # share of that way of asking found in the question
    "missing",  # share the index knows but this item lacks
    "similarity",  # fuzzy similarity of the question to the item's closest name
    "fits_kind",  # 1 when the item is the kind of answer asked for (date, figure, people, why)
    "misfits_kind",  # 1 when the question asks for a kind the item is not
    "direction",  # 1 the flow runs the way asked, -1 the other way, 0 unknown
    "contradicts",  # ordinals, years, numbers, parties asked for that the item does not hold
    "contradicts_checked",  # the same in a question that checks a belief ("…, non ?")
    "elsewhere",  # 1 when the question names another partnership in one word ("the EPPD")
    "uncovered",  # share of the question's terms (each counting once) found in no field
    "uncovered_specific",  # the most specific of those (rare in the language: names, jargon)
    "names_it",  # the largest share of one of the item's names that the question holds
    "focus",  # share of the asking sentences' weight the item holds (all of it in one sentence)
    "example",  # closeness to a question this item answered (memory.py)
    "example_outside",  # closeness to a question nothing answers: the same for every candidate
    "example_vote",  # the nearest examples' closeness that speaks for this item (over NEAREST)
    "outside_vote",  # the same for the out-of-scope examples: alike for every candidate
    "remembered",  # 1 when the item has examples at all (a server's own items have none)
    "outside_words",  # the most any word the item lacks leans to questions nothing answers
    "likely",  # the item's probability from its examples' words (naive Bayes, memory.py)
    "likely_behind",  # how near its log-likelihood comes to the likeliest's, in [0, 1]
    "outside_likely",  # the same probability for the out-of-scope examples: alike for all
)
# The refusal model's inputs: the ranking's log-odds for the best candidate, its margin over the
# second, the best candidate's features, and what weighs against any answer.
REFUSE_FEATURES = (
    "logit",
    "margin",
    *RANK_FEATURES,
    "unknown",  # share of the question's weight the index does not know at all
    "unknown_common",  # the same for common words of the language (not typos, not names)
    "unknown_name",  # the same for words written as names ("the Zorblax summit", "ASML")
    "checks",  # 1 when the question checks a belief ("isn't it…?", "c'est ça ?")
    "terms",  # log of the number of content terms
)
MAX_MARGIN = 6.0  # a margin counts up to this: one candidate alone is not infinitely sure


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    common = common_words().get(word)
    if common is not None:
        return common
    return max(zipf_frequency(word, "en", WORDLIST), zipf_frequency(word, "fr", WORDLIST))


def specificity(term: Term) -> float:
    """How much a term narrows a question, in [0, 1]: rare words of the language (names, jargon,
    numbers) most, everyday words least; a concept of the lexicon in between."""
    if term.concept:
        return 0.5
    if term.word.isdigit():
        return 1.0
    return max(0.0, min(1.0, (7.0 - _zipf(term.word)) / 6.0))


@dataclass(frozen=True)
class Profile:
    """One item's index fields as sets of terms, parsed once per index generation."""

    names: frozenset[str]
    keywords: frozenset[str]
    named: frozenset[str]  # its names and keywords together
    body: frozenset[str]
    questions: tuple[frozenset[str], ...]
    name_texts: tuple[str, ...]
    name_words: tuple[frozenset[str], ...]
    own: frozenset[str]  # what the item itself says (its ways of asking left out)
    ordinals: frozenset[str]  # the ordinals it holds ("the sixth round")
    asking: dict[str, tuple[int, ...]]  # a word → the ways of asking that hold it
    asking_weight: tuple[float, ...]  # each way of asking's weight (the sum of its words' rarity)
    direction: Direction
    marks: frozenset[str]  # what the item answers: when, why, how (from its keywords)
    home: frozenset[str] = frozenset()  # its partnership's or source's one-word names

    def unasked(self) -> Profile:
        """The item without its ways of asking, as a server's own items come (in training)."""
        return replace(self, questions=(), asking={}, asking_weight=())


def profile(
    candidate: Candidate, idf: dict[str, float], named: frozenset[str] = frozenset()
) -> Profile:
    """An item's fields as sets of terms; ``idf`` weighs the words of its ways of asking;
    ``named``: its partnership's (or source's) one-word names, which it holds among its keywords
    as if it said them (a server's deadline of the EPPD is about the EPPD, though its title does
    not say so)."""
    names = tuple(n for n in candidate.names.split(SEPARATOR) if n)
    keywords = frozenset(candidate.keywords.split()) | named
    questions = tuple(frozenset(q.split()) for q in candidate.questions.split(SEPARATOR) if q)
    asking: dict[str, list[int]] = {}
    for n, question in enumerate(questions):
        for word in question:
            asking.setdefault(word, []).append(n)
    name_words = tuple(frozenset(n.split()) for n in names)
    body = frozenset(candidate.body.split())
    names_held = frozenset().union(*name_words)
    own = names_held | keywords | body
    return Profile(
        names=names_held,
        keywords=keywords,
        named=names_held | keywords,
        body=body,
        name_words=name_words,
        own=own,
        ordinals=ordinals_in(candidate.names, candidate.keywords, candidate.body),
        questions=questions,
        name_texts=names,
        asking={word: tuple(found) for word, found in asking.items()},
        asking_weight=tuple(sum(idf.get(w, 0.5) for w in sorted(q)) or 1.0 for q in questions),
        direction=Direction.from_marks(keywords),
        marks=keywords & MARKS,
        home=named,
    )


@dataclass(frozen=True)
class Query:
    """A question as the features see it: its terms, their weights, and what it asks for."""

    normalized: Normalized
    terms: tuple[Term, ...]  # after typo correction, one per distinct term
    weights: tuple[float, ...]
    known: tuple[bool, ...]  # whether the index holds the term at all
    idf: dict[str, float]  # weight of each index term the question may meet
    direction: Direction
    constraints: Constraints
    text: str  # the terms' first forms, for fuzzy similarity
    forms: frozenset[str]  # every form of every term
    names: frozenset[str] = frozenset()  # words written as names (normalize.names_in)
    focus: frozenset[str] = frozenset()  # words of the sentences that ask (normalize.asking)

    @cached_property
    def total(self) -> float:
        return sum(self.weights) or 1.0

    @cached_property
    def term_forms(self) -> tuple[frozenset[str], ...]:
        """Each term's forms as a set, looked up in every candidate's fields."""
        return tuple(frozenset(term.forms) for term in self.terms)

    @cached_property
    def specificities(self) -> tuple[float, ...]:
        """Each term's specificity, worked out once for all candidates."""
        return tuple(specificity(term) for term in self.terms)

    @cached_property
    def asking_terms(self) -> tuple[bool, ...]:
        """Whether each term is in a sentence that asks (all of them when none is told apart)."""
        return tuple(not self.focus or term.word in self.focus for term in self.terms)

    def unknown(self) -> tuple[float, float, float]:
        """Shares of the weight unknown to the index: all such terms, common words only, and
        words written as names only."""
        unknown = common = named = 0.0
        for term, weight, known in zip(self.terms, self.weights, self.known, strict=True):
            if not known:
                unknown += weight
                if not term.concept and term.word.isalpha() and common_word(term.word):
                    common += weight
                if term.word in self.names:
                    named += weight
        return unknown / self.total, common / self.total, named / self.total


def rank_row(
    query: Query,
    item: Profile,
    *,
    kind: str,
    category: str | None,
    example: float = 0.0,
    example_outside: float = 0.0,
    example_vote: float = 0.0,
    outside_vote: float = 0.0,
    remembered: bool = False,
    outside_rates: tuple[float, ...] = (),
    likely: tuple[float, float] = (0.0, 0.0),
    outside_likely: float = 0.0,
) -> list[float]:
    """The RANK_FEATURES of one candidate."""
    total = query.total
    named = text = missing = 0.0
    uncovered = 0
    specific = focus = focus_total = outside_words = 0.0
    # The question's forms the item holds, per field: each term then looks in a few words only.
    in_names = query.forms & item.named
    in_body = query.forms & item.body
    in_asking = query.forms & item.asking.keys()
    rates = outside_rates or (0.0,) * len(query.terms)
    for forms, weight, known, asking, narrows, leans in zip(
        query.term_forms,
        query.weights,
        query.known,
        query.asking_terms,
        query.specificities,
        rates,
        strict=True,
    ):
        focus_total += weight if asking else 0.0
        if in_names and not forms.isdisjoint(in_names):
            named += weight
        elif in_body and not forms.isdisjoint(in_body):
            text += weight
        elif not (in_asking and not forms.isdisjoint(in_asking)):
            uncovered += 1
            specific = max(specific, narrows)
            outside_words = max(outside_words, leans)
            if known:
                missing += weight
            continue
        focus += weight if asking else 0.0
    asked, asked_back = _closest_question(query, item)
    contradicts = float(min(contradictions(query.constraints, item.own, item.ordinals), 2))
    fits, misfits = _kind_fit(query.normalized.intents, kind, category, item.marks)
    return [
        named / total,
        text / total,
        asked,
        asked_back,
        missing / total,
        _similarity(query.text, item.name_texts),
        fits,
        misfits,
        float(direction_fit(query.direction, item.direction)),
        contradicts,
        contradicts if "check" in query.normalized.intents else 0.0,
        float(elsewhere(query.constraints, item.own, item.home)),
        uncovered / max(len(query.terms), 1),
        specific,
        _names_it(query, item),
        focus / focus_total if focus_total else 0.0,
        example,
        example_outside,
        example_vote,
        outside_vote,
        float(remembered),
        outside_words,
        *likely,
        outside_likely,
    ]


def refuse_row(query: Query, rank: list[float], logit: float, margin: float) -> list[float]:
    """The REFUSE_FEATURES of the best candidate."""
    unknown, common, named = query.unknown()
    return [
        logit,
        max(-MAX_MARGIN, min(margin, MAX_MARGIN)),
        *rank,
        unknown,
        common,
        named,
        1.0 if "check" in query.normalized.intents else 0.0,
        math.log1p(len(query.terms)),
    ]


def _closest_question(query: Query, item: Profile) -> tuple[float, float]:
    """How much of the question the closest way of asking covers, and how much of that way of
    asking the question covers (both weighted by rarity)."""
    shared = query.forms & item.asking.keys()  # the only forms that add anything below
    if not item.questions or not shared:
        return 0.0, 0.0
    covered: dict[int, float] = {}  # the ways of asking the question meets, and their sums
    found: dict[int, float] = {}
    for term, weight in zip(query.terms, query.weights, strict=True):
        hit: set[int] = set()
        for form in term.forms:
            if form in shared:
                hit.update(item.asking[form])
        for n in hit:
            covered[n] = covered.get(n, 0.0) + weight
    for form in sorted(shared):  # in a fixed order: a float sum depends on it
        for n in item.asking[form]:
            found[n] = found.get(n, 0.0) + query.idf.get(form, 0.5)
    total = query.total
    # A way of asking the question does not meet scores nothing: the best is among the others.
    best = max(found, key=lambda n: (covered.get(n, 0.0), found[n] / item.asking_weight[n], -n))
    return covered.get(best, 0.0) / total, found[best] / item.asking_weight[best]


def _names_it(query: Query, item: Profile) -> float:
    """How fully the question names the item: the best share of one name's terms it holds."""
    asked = query.forms & item.names
    if not asked:
        return 0.0
    return max((len(words & asked) / len(words) for words in item.name_words if words), default=0.0)


def _similarity(text: str, names: tuple[str, ...]) -> float:
    """How closely one of an item's names matches the whole question, in [0, 1]."""
    best = process.extractOne(text, names, scorer=fuzz.token_set_ratio) if text else None
    return best[1] / 100 if best else 0.0


def _kind_fit(
    intents: frozenset[str], kind: str, category: str | None, marks: frozenset[str]
) -> tuple[float, float]:
    """(fits, misfits): the question asks for what the item is, or for something else."""
    wants = set()
    if "when" in intents or "deadline" in intents:
        wants.add("deadline")
    if "figure" in intents:
        wants.add("figure")
    if "people" in intents:
        wants.add("people")
    if "why" in intents:
        wants.add("why")
    has = {kind}
    if category == "people":
        has.add("people")
    has |= {"deadline" if mark == "when" else mark for mark in marks}
    if not wants:
        return 0.0, 0.0
    return (1.0, 0.0) if wants & has else (0.0, 1.0)
