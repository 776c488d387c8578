"""Questions people asked, with the items that answered them (or none: out of scope).

The ranking and refusal models compare a new question with these examples: how close it comes to
a question that one candidate answered, and to one that nothing in the knowledge answers; and
how likely each item is given the question's words, each item's examples taken as one bag of
words (naive Bayes). The examples are the dev questions, written to ``examples.jsonl`` by
``python -m tests.questions.train`` with the coefficients they were trained with, and with what
the analysis reads in each (its terms, the flow it asks about): reading the questions again took
four seconds of every start when they were 19,000. One JSON object per line: the file is written
by a script, never by hand, and ``json`` reads its 23,613 examples in a fifth of a second (each
key checked to be given once) where ``tomllib`` took a second and a half of every start.
"""

from __future__ import annotations

import itertools
import json
import math
import sys
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np

from bot.answer.model import REMEDY
from bot.answer.normalize import index_version, lexicon, normalize
from bot.answer.recent import Recent
from bot.answer.structure import Direction, direction

NEAREST = 7  # examples that vote for the items a question is about
LEAN_PRIOR = 5.0  # examples' worth of the share among all examples a word's own share starts from
NAME_LISTS = 8  # lists of names kept with the examples holding each (parties, partnerships)
SMOOTHING = 0.1  # examples' worth each word is given in every item's count, for naive Bayes
LIKELY_FLOOR = -20.0  # how far below the likeliest an item's log-likelihood counts
PAIR_MIN = 2  # examples a pair of neighbouring terms is found in, for naive Bayes to count it


@dataclass(frozen=True)
class Example:
    text: str
    items: frozenset[str]  # empty: out of scope


NOBODY: frozenset[str] = frozenset()  # the parties of a flow an example does not ask about


@dataclass(frozen=True, slots=True)
class Reading:
    """What the analysis reads in an example: its terms, the flow it asks about (none when it
    asks both ways: it then runs against no question's flow), and its pairs of neighbouring
    terms (``pairs_of``). A Memory keeps the pairs in its counts, not in its readings: theirs
    say None, "not kept", and a Memory given such a reading reads its example again."""

    terms: frozenset[str]
    origin: frozenset[str] = NOBODY
    target: frozenset[str] = NOBODY
    pairs: frozenset[str] | None = NOBODY


def read(text: str) -> Reading:
    flow = direction(text)
    if flow.either_way:
        flow = Direction()
    forms = [t.forms[0] for t in normalize(text).terms]
    return Reading(frozenset(forms), flow.origin, flow.target, pairs_of(forms))


def pairs_of(forms: Sequence[str]) -> frozenset[str]:
    """Each term with the next, as one word for naive Bayes: "us+firm" is not "firm+us", and
    "real+amount" says more than its two words apart."""
    return frozenset(f"{a}+{b}" for a, b in itertools.pairwise(forms))


def _among(found: np.ndarray, few: np.ndarray) -> np.ndarray:
    """The indices of ``few`` that ``found`` holds, in order (both sorted and unique): a search
    of each of the few in the many, rather than a look at each of the many."""
    if not len(found):
        return few[:0]
    at = np.minimum(np.searchsorted(found, few), len(found) - 1)
    return few[found[at] == few]


def _places(held: Sequence[Iterable[str]]) -> tuple[list[str], list[tuple[np.ndarray, np.ndarray]]]:
    """The words the examples hold, and for each place in an example's sorted terms (first,
    second…), the examples with a term there and that term's number among the words."""
    words: dict[str, int] = {}
    places: list[tuple[list[int], list[int]]] = []
    for n, terms in enumerate(held):
        for place, term in enumerate(sorted(terms)):
            if place == len(places):
                places.append(([], []))
            places[place][0].append(n)
            places[place][1].append(words.setdefault(term, len(words)))
    return list(words), [
        (np.array(examples, dtype=np.int32), np.array(found, dtype=np.int32))
        for examples, found in places
    ]


@dataclass(frozen=True)
class Closeness:
    """How close a question comes to the examples: per item, and to the out-of-scope ones."""

    similarity: np.ndarray  # per example; 0 for those sharing no term, or left out
    by_item: dict[str, np.ndarray]  # the examples each item answered
    outside: float
    votes: dict[str, float]  # each item's nearest examples' similarity, summed, over NEAREST
    outside_votes: float  # the same for the out-of-scope examples
    forgotten: frozenset[str] = frozenset()  # items met as if they had no examples
    likely: dict[str, float] = field(default_factory=dict)  # the examples' words: P(item)
    behind: dict[str, float] = field(default_factory=dict)  # its log-likelihood's gap to the best
    outside_likely: float = 0.0  # P(nothing answers it)

    def remembered(self, item_id: str) -> bool:
        """Whether anyone has asked about the item among the examples (a server's own items:
        never)."""
        return item_id in self.by_item and item_id not in self.forgotten

    def of(self, item_id: str) -> float:
        """The closest example the item answered."""
        answered = self.by_item.get(item_id)
        if answered is None or not len(self.similarity):
            return 0.0
        return float(self.similarity[answered].max())

    def vote(self, item_id: str) -> float:
        return self.votes.get(item_id, 0.0)

    def likelihood(self, item_id: str) -> tuple[float, float]:
        """How likely the item is, from the words of the examples it answered (naive Bayes),
        and how near its log-likelihood comes to the likeliest's, in [0, 1]: (0, 0) for an
        item without examples."""
        if item_id not in self.likely:
            return 0.0, 0.0
        return self.likely[item_id], self.behind[item_id]


class Memory:
    """The examples, analysed once, with an index from terms to the examples that hold them.

    Postings are arrays, so that a word found in thousands of examples costs one vector sum.
    """

    def __init__(
        self,
        examples: Iterable[Example],
        readings: Sequence[Reading | None] | None = None,
        groups: Sequence[str] | None = None,
    ) -> None:
        """``readings``: what the analysis reads in each example, where already known (None: an
        example to read). ``groups``: who wrote each example (in training: its batch of
        questions), so that a question left out takes its group with it."""
        self.examples = list(examples)
        known = list(readings) if readings is not None else [None] * len(self.examples)
        if len(known) != len(self.examples):
            raise ValueError(f"{len(known)} readings for {len(self.examples)} examples")
        self.readings = [
            reading if reading is not None and reading.pairs is not None else read(example.text)
            for example, reading in zip(self.examples, known, strict=True)
        ]
        self.terms = [reading.terms for reading in self.readings]
        postings: dict[str, list[int]] = {}
        by_item: dict[str, list[int]] = {}
        by_text: dict[str, list[int]] = {}
        origins: dict[str, list[int]] = {}  # a party → the examples whose flow starts there
        targets: dict[str, list[int]] = {}
        for n, (example, reading) in enumerate(zip(self.examples, self.readings, strict=True)):
            for party in reading.origin:
                origins.setdefault(party, []).append(n)
            for party in reading.target:
                targets.setdefault(party, []).append(n)
            for term in reading.terms:
                postings.setdefault(term, []).append(n)
            for item in example.items:
                by_item.setdefault(item, []).append(n)
            by_text.setdefault(example.text, []).append(n)
        self.postings = {term: np.array(found, dtype=np.intp) for term, found in postings.items()}
        self._words, self._places = _places(self.terms)
        self.by_item = {item: np.array(found, dtype=np.intp) for item, found in by_item.items()}
        self.by_text = {text: np.array(found, dtype=np.intp) for text, found in by_text.items()}
        if isinstance(groups, str):
            raise TypeError("groups: one per example, not one string")
        found_groups = list(groups) if groups is not None else []
        if groups is not None and len(found_groups) != len(self.examples):
            raise ValueError(f"{len(found_groups)} groups for {len(self.examples)} examples")
        by_group: dict[str, list[int]] = {}
        for n, group in enumerate(found_groups):
            if group:
                by_group.setdefault(group, []).append(n)
        self.by_group = {g: np.array(found, dtype=np.intp) for g, found in by_group.items()}
        self.origins = {party: np.array(found, dtype=np.intp) for party, found in origins.items()}
        self.targets = {party: np.array(found, dtype=np.intp) for party, found in targets.items()}
        # A list of names (the parties, the partnerships) → which examples hold each
        self._naming: Recent[frozenset[str], tuple[list[str], np.ndarray]] = Recent(NAME_LISTS)
        self.outside = np.array(
            [n for n, example in enumerate(self.examples) if not example.items], dtype=np.intp
        )
        # Per term: how many examples hold it, and how many of those nothing answers.
        self.term_counts = {
            term: (len(found), sum(1 for n in found if not self.examples[n].items))
            for term, found in postings.items()
        }
        self.unanswered = np.zeros(len(self.examples), dtype=bool)  # self.outside, as a mask
        self.unanswered[self.outside] = True
        self.outside_share = len(self.outside) / max(len(self.examples), 1)
        self._count_words()
        # Counted, the pairs live in the bag only: a set of them per example took a fifth of
        # the memory's size. ``pairs_held`` gives them back, those that count.
        self.readings = [Reading(r.terms, r.origin, r.target, None) for r in self.readings]
        # Each weighting's totals per example, kept while the weighting (a server's vocabulary)
        # lives.
        self._totals: weakref.WeakKeyDictionary[object, np.ndarray] = weakref.WeakKeyDictionary()

    def totals(self, weight: Callable[[str], float]) -> np.ndarray:
        """Each example's total weight: the sum of its terms' weights, added in the terms' sorted
        order (a float sum depends on its order, and ties among examples on the sum), a vector
        sum per place in that order rather than a Python sum per example (23,000 examples: 4 ms
        rather than 55, in the examples' thread while the loop's search waits for the GIL)."""
        weights = np.array([weight(word) for word in self._words], dtype=np.float64)
        totals = np.zeros(len(self.examples), dtype=np.float64)
        for examples, words in self._places:
            totals[examples] += weights[words]
        return totals

    def closeness(
        self,
        asked: dict[str, float],
        weight: Callable[[str], float],
        *,
        key: object = None,
        leave_out: str | None = None,
        leave_group: str | None = None,
        forget: frozenset[str] = frozenset(),
        flow: Direction | None = None,
        partnerships: frozenset[str] = frozenset(),
        named: frozenset[str] = frozenset(),
        pairs: Iterable[str] = (),
    ) -> Closeness:
        """Weighted Jaccard similarity of the question's terms (``asked``: term → weight) with
        each example's, the best per item and the best out of scope.

        ``weight`` gives a term's weight in the examples; ``key`` names it (the same key, the
        same weights), so that each example's total is worked out once while the key lives.
        ``leave_out`` is the text of a question that must not meet itself, nor the examples of
        ``leave_group``, its batch (when the models are trained: see ``left_out``). ``forget``:
        items met as if nobody had asked about them yet, as a server's own items are (in
        training). ``flow``: the question's direction; an example asking about the other way
        round ("US companies in Taiwan" for "Taiwan in the US") is not close to it (a question
        asking both ways is read one way at a time; an example asking both ways is against no
        flow). Nor is one about other parties ("Taiwan in Germany" for "Taiwan in the US"), or
        about another partnership named in one word ("the EPPD" for "the AMI"; ``partnerships``:
        every such name, ``named``: those the question says). Parties and partnerships are told
        apart: an example naming the EPPD's parties ("the US–Taiwan talks") is about the EPPD
        all the same. Beside the similarities, how likely each item is given the question's words
        and ``pairs`` of neighbouring words (``likelihoods``).
        """
        # The question's own examples and its batch's, in training only
        apart = self.apart(leave_out, leave_group) if leave_out is not None else None
        likely = self.likelihoods([*asked, *pairs], apart=apart, forget=forget)
        totals = self._totals.get(key) if key is not None else None
        if totals is None:
            totals = self.totals(weight)
            if key is not None:
                self._totals[key] = totals
        shared = np.zeros(len(self.examples), dtype=np.float64)
        met = np.zeros(len(self.examples), dtype=bool)
        sharing = False
        for term, mine in asked.items():
            found = self.postings.get(term)
            if found is not None:
                shared[found] += min(mine, weight(term))
                met[found] = True
                sharing = True
        if not sharing:  # no example holds a word of the question: none is close to it
            return Closeness(shared, self.by_item, 0.0, {}, 0.0, forget, *likely)
        if apart is not None:
            met &= ~apart
        for item in forget:
            if item in self.by_item:
                met[self.by_item[item]] = False
        if flow:
            met &= ~self._against(flow)
        parties = lexicon().parties
        met &= ~self._other_names(parties & asked.keys(), parties)
        met &= ~self._other_names(named, partnerships)
        union = sum(asked.values()) + totals - shared
        similarity = np.divide(shared, union, out=np.zeros_like(shared), where=met & (union > 0))
        outside = float(similarity[self.outside].max()) if len(self.outside) else 0.0
        # The nearest examples, ties going to the later one, as a stable reading order.
        reached = np.flatnonzero(met)
        if len(reached) > NEAREST:
            cut = np.partition(similarity[reached], -NEAREST)[-NEAREST]
            reached = reached[similarity[reached] >= cut]
        nearest = sorted(((float(similarity[n]), int(n)) for n in reached), reverse=True)
        nearest = nearest[:NEAREST]
        # Each of the nearest examples votes with its closeness, not its share of theirs: a
        # question far from every example (a server's new item, named in words no example
        # holds) gets weak votes, however alike its few neighbours are.
        votes: dict[str, float] = {}
        outside_votes = 0.0
        for s, n in nearest:
            example = self.examples[n]
            if not example.items:
                outside_votes += s / NEAREST
            for item in example.items:
                votes[item] = votes.get(item, 0.0) + s / NEAREST
        return Closeness(similarity, self.by_item, outside, votes, outside_votes, forget, *likely)

    def likelihoods(
        self,
        terms: Iterable[str],
        *,
        apart: np.ndarray | None = None,
        forget: frozenset[str] = frozenset(),
    ) -> tuple[dict[str, float], dict[str, float], float]:
        """Naive Bayes over the examples' words: per item, the probability that the question is
        one of its examples' kind, and how near its log-likelihood comes to the likeliest's (in
        [0, 1], 0 at LIKELY_FLOOR or below); and the probability that nothing answers it.

        Each item's examples count as one bag of words (their terms and the pairs of them found
        in PAIR_MIN examples or more), the out-of-scope examples as another; a word in no example
        tells nothing, a word in few examples more than one in many (``word_weights``).
        ``apart``: a mask of the examples not counted (in training, the question's own and its
        batch's); ``forget``: items given no examples."""
        if not self.examples:
            return {}, {}, 0.0
        if apart is not None and (apart.dtype != bool or apart.shape != (len(self.examples),)):
            raise ValueError(f"apart: one bool per example ({len(self.examples)}), not {apart!r}")
        rows = [self.word_row[term] for term in sorted(set(terms)) if term in self.word_row]
        examples, words = self.class_examples, self.class_words
        counts = self.word_counts[rows]
        weights = self.word_weights[rows]
        if apart is not None and apart.any():
            # The counts without the examples set apart, for the question's words only.
            width = len(self.classes) + 2  # the last: a place where no class is
            # Looked up from the few examples set apart, not from the many holding each word.
            gone = np.flatnonzero(apart)
            classes = self._classes_of[gone]
            sizes = np.broadcast_to(self.sizes[gone][:, None], classes.shape)
            examples = examples - np.bincount(classes.ravel(), minlength=width)[:-1]
            words = words - np.bincount(classes.ravel(), sizes.ravel(), minlength=width)[:-1]
            cells = [
                self._classes_of[_among(self._bag[self.words[row]], gone)].ravel() + n * width
                for n, row in enumerate(rows)
            ]
            away = np.bincount(
                np.concatenate([np.zeros(0, np.intp), *cells]), minlength=len(rows) * width
            )
            counts = counts - away.reshape(len(rows), width)[:, :-1]
            held = counts.sum(axis=1) > 0
            counts, weights = counts[held], weights[held]
        fit = weights @ np.log(counts + SMOOTHING)
        fit -= weights.sum() * np.log(words + SMOOTHING * max(len(self.words), 1))
        with np.errstate(divide="ignore"):  # an item with no example left: never likely
            fit = fit + np.log(examples / max(examples.sum(), 1.0))
        for item in forget:
            if item in self.column:
                fit[self.column[item]] = -np.inf
        if not np.isfinite(fit).any():
            return {}, {}, 0.0
        fit -= fit.max()
        chance = np.exp(fit)
        chance /= chance.sum()
        near = np.maximum(fit, LIKELY_FLOOR) / -LIKELY_FLOOR + 1.0
        likely = dict(zip(self.classes, chance[:-1].tolist(), strict=True))
        behind = dict(zip(self.classes, near[:-1].tolist(), strict=True))
        for item in forget:
            likely.pop(item, None)
            behind.pop(item, None)
        return likely, behind, float(chance[-1])

    def _count_words(self) -> None:
        """For naive Bayes: per item, and for the out-of-scope examples (the last column), how
        many of its examples hold each word, how many words they hold, and how many examples it
        has."""
        self.classes = sorted(self.by_item)
        self.column = {item: n for n, item in enumerate(self.classes)}
        out_of_scope, nowhere = len(self.classes), len(self.classes) + 1
        classes_of = [
            sorted(self.column[item] for item in example.items) or [out_of_scope]
            for example in self.examples
        ]
        # Each example's classes, a row each, filled up with ``nowhere``; and as (example, class).
        most = max((len(found) for found in classes_of), default=1)
        self._classes_of = np.full((len(self.examples), most), nowhere, dtype=np.intp)
        for n, found in enumerate(classes_of):
            self._classes_of[n, : len(found)] = found
        self._member_example, self._member_class = np.nonzero(self._classes_of != nowhere)
        self._member_class = self._classes_of[self._member_example, self._member_class]
        paired: dict[str, list[int]] = {}
        for n, reading in enumerate(self.readings):
            for pair in sorted(reading.pairs):  # their order the same in every process
                paired.setdefault(pair, []).append(n)
        self._bag = dict(self.postings)  # word → the examples holding it
        # A pair that is also a term (a file edited by hand: a pair is "a+b", no term holds
        # "+") is not counted: the term's count stands.
        counted = {
            pair: np.array(found, dtype=np.intp)
            for pair, found in paired.items()
            if len(found) >= PAIR_MIN and pair not in self.postings
        }
        self._bag |= counted
        self.words = list(self._bag)
        # Each example's words in the bag: its terms and its pairs counted
        sizes = [len(r.terms) + sum(p in counted for p in r.pairs) for r in self.readings]
        self.sizes = np.array(sizes, dtype=np.float64)
        self.word_row = {word: n for n, word in enumerate(self.words)}
        # A word held by few examples says more of a question than one half of them hold: each
        # word's log-likelihood counts as the square root of its idf, over the mean of these.
        held = np.array([len(self._bag[w]) for w in self.words], dtype=np.float64)
        idf = np.log((len(self.examples) + 1) / (held + 1))
        mean = math.fsum(idf) / len(idf) if len(idf) else 0.0  # exact: in any words' order
        self.word_weights = np.sqrt(idf / mean) if mean > 0 else np.ones_like(idf)
        width = nowhere + 1
        rows = np.repeat(np.arange(len(self.words)), [len(self._bag[w]) for w in self.words])
        holders = np.concatenate([self._bag[w] for w in self.words] or [np.zeros(0, np.intp)])
        cells = (self._classes_of[holders] + (rows * width)[:, None]).ravel()
        counts = np.bincount(cells, minlength=len(self.words) * width)
        self.word_counts = counts.reshape(len(self.words), width)[:, :-1].astype(np.float32)
        self.class_examples = np.bincount(self._member_class, minlength=width)[:-1].astype(float)
        member_sizes = self.sizes[self._member_example]
        self.class_words = np.bincount(self._member_class, member_sizes, minlength=width)[:-1]

    def pairs_held(self) -> list[frozenset[str]]:
        """Each example's pairs that naive Bayes counts (those found in PAIR_MIN examples or
        more): a memory of examples holding these counts the same words as this one."""
        held: list[list[str]] = [[] for _ in self.examples]
        for word, found in self._bag.items():
            if word not in self.postings:  # a pair, not a term
                for n in found:
                    held[n].append(word)
        return [frozenset(words) if words else NOBODY for words in held]

    def outside_rates(
        self, terms: Sequence[str], *, leave_out: str | None = None, leave_group: str | None = None
    ) -> tuple[float, ...]:
        """For each term, the share of the examples holding it that nothing answers, drawn
        towards the share among all examples (LEAN_PRIOR examples' worth: a word of one example
        says little); the question itself and its group (``leave_out``, in training) not
        counted."""
        own = np.flatnonzero(self.apart(leave_out, leave_group)) if leave_out is not None else None
        rates = []
        for term in terms:
            held, outside = self.term_counts.get(term, (0, 0))
            if held and own is not None:
                holding = _among(self.postings[term], own)
                held -= len(holding)
                outside -= int(self.unanswered[holding].sum())
            rates.append((outside + LEAN_PRIOR * self.outside_share) / (held + LEAN_PRIOR))
        return tuple(rates)

    def apart(self, text: str, group: str | None = None) -> np.ndarray:
        """The examples a question may not meet when the models learn from it, as a mask (one
        bool per example): its copies, and the examples of its group (its batch: a writer's
        questions are often alike, the same fact asked five ways, and a member's question meets
        none written beside it). No group, or an empty one: only the copies."""
        mask = np.zeros(len(self.examples), dtype=bool)
        mask[self.by_text.get(text, np.zeros(0, dtype=np.intp))] = True
        if group and group in self.by_group:
            mask[self.by_group[group]] = True
        return mask

    def left_out(self, text: str, group: str | None = None) -> np.ndarray:
        """The same examples by their numbers, in order."""
        return np.flatnonzero(self.apart(text, group))

    def _other_names(self, named: Iterable[str], names: frozenset[str]) -> np.ndarray:
        """Which examples name one of ``names`` the question does not, and lack one it names
        (``named``)."""
        named = set(named) & names
        if not named:  # no example lacks a name the question says: none is told apart
            return np.zeros(len(self.examples), dtype=bool)
        order, holding = self._named_by(names)
        says = np.array([name in named for name in order], dtype=bool)
        others = holding[~says].any(axis=0)
        lacking = ~holding[says].all(axis=0)
        return others & lacking

    def _named_by(self, names: frozenset[str]) -> tuple[list[str], np.ndarray]:
        """The names in a fixed order, and which examples hold each (a row per name); kept: the
        same lists of names are asked about again and again."""
        found = self._naming.get(names)
        if found is None:
            order = sorted(names)
            holding = np.zeros((len(order), len(self.examples)), dtype=bool)
            for row, name in enumerate(order):
                if name in self.postings:
                    holding[row, self.postings[name]] = True
            found = self._naming[names] = (order, holding)
        return found

    def _against(self, flow: Direction) -> np.ndarray:
        """Which examples ask about a flow running the other way (``direction_fit`` gives -1):
        from where this one goes without going there too, or to where it comes from without
        coming from there too."""

        def having(index: dict[str, np.ndarray], parties: frozenset[str]) -> np.ndarray:
            found = np.zeros(len(self.examples), dtype=bool)
            for party in parties:
                if party in index:
                    found[index[party]] = True
            return found

        backwards = having(self.origins, flow.target) & ~having(self.targets, flow.target)
        return backwards | (having(self.targets, flow.origin) & ~having(self.origins, flow.origin))


class ExamplesFileError(ValueError):
    """examples.jsonl cannot be used: the message names the file and why."""


FILE = "examples.jsonl"


def parse(text: str, name: str = FILE) -> tuple[list[Example], list[Reading | None]]:
    """The examples a file holds, and what the analysis read in each where the file says so
    (None where it does not, and for all of them when the file was written by another analysis:
    another lexicon, stop words, stemmer or normaliser version); ExamplesFileError, naming the
    file and the line, when it is not valid.

    Each line is a JSON object, each key given once: first a header naming the analysis and
    how many examples follow (``{"analysis": …, "examples": …}``), then one example per line
    (``{"q": …, "items": […], "terms": …}``). The count tells a file cut short (a full disk, an
    install stopped half-way) from a whole one: the lines it still holds are each valid. Lines
    are split on newlines only: a text may hold any other line separator."""
    current, expected = False, None
    found: list[Example] = []
    readings: list[Reading | None] = []
    first = True  # the header may only be the first line that is not blank
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        opening, first = first, False
        try:
            entry = json.loads(line, object_pairs_hook=_once)
            if not isinstance(entry, dict):
                raise TypeError(f"each line is an object, not {_shown(entry)}")
            if "q" not in entry and entry.keys() & {"analysis", "about"}:  # the header
                if not opening:
                    raise TypeError(f"only the first line may be the header: {_shown(entry)}")
                current = entry.get("analysis") == index_version()
                expected = entry.get("examples")
                if expected is not None and (type(expected) is not int or expected < 0):
                    raise TypeError(f"the number of examples is not one: {_shown(expected)}")
                continue
            question, items = entry["q"], entry["items"]
            if not isinstance(question, str) or not isinstance(items, list):
                raise TypeError(f"an example needs a text and a list of items: {_shown(entry)}")
            if not all(isinstance(item, str) for item in items):
                raise TypeError(f"item ids are strings: {_shown(items)}")
            reading = _reading(entry) if "terms" in entry else None  # checked in any case
        except json.JSONDecodeError as error:
            raise ExamplesFileError(
                f"{name} cannot be read (line {number}: {error.msg} at column {error.colno}): "
                f"{REMEDY}"
            ) from error
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
            raise ExamplesFileError(
                f"{name} cannot be read (line {number}: {_shown(error)}): {REMEDY}"
            ) from error
        found.append(Example(question, frozenset(items)))
        readings.append(reading if current else None)
    if expected is not None and expected != len(found):
        raise ExamplesFileError(
            f"{name} holds {len(found)} examples where its header says {expected}: it was cut "
            f"short: {REMEDY}"
        )
    return found, readings


def _shown(value: object, limit: int = 200) -> str:
    """A value as an error quotes it: a hostile line may be a megabyte long."""
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _once(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object whose keys are each given once (json keeps the last of a key given twice,
    silently: a reading hand-edited twice would be taken half)."""
    found = dict(pairs)
    if len(found) != len(pairs):
        keys = [key for key, _ in pairs]
        raise TypeError(f"a key given twice: {sorted({k for k in keys if keys.count(k) > 1})}")
    return found


def _reading(entry: dict) -> Reading:
    """An example's reading as the file gives it: words in strings, each word kept once in the
    process (as the analysis keeps each stem once)."""
    words = [entry["terms"], entry.get("from", ""), entry.get("to", ""), entry.get("pairs", "")]
    if not all(isinstance(w, str) for w in words):
        raise TypeError(f"terms, from, to and pairs are words in a string: {entry!r}")
    return Reading(*(frozenset(map(sys.intern, w.split())) if w else NOBODY for w in words))


HEADER = (
    "Written by python -m tests.questions.train from the dev questions: do not edit by hand. "
    "Each question with the items that answer it (none when it is out of scope), and what the "
    "analysis reads in it: its terms, and where the flow it asks about comes from and goes to, "
    "as the analysis named here reads them (another reads them again)."
)


def as_jsonl(known: Memory) -> str:
    """The examples as ``parse`` reads them, a line each, their words sorted: the same memory
    gives the same file, byte for byte."""
    header = {"about": HEADER, "analysis": index_version(), "examples": len(known.examples)}
    lines = [_line(header)]
    rows = zip(known.examples, known.readings, known.pairs_held(), strict=True)
    for example, reading, pairs in rows:
        entry = {"q": example.text, "items": sorted(example.items)}
        entry["terms"] = " ".join(sorted(reading.terms))
        for key, words in (("from", reading.origin), ("to", reading.target), ("pairs", pairs)):
            if words:
                entry[key] = " ".join(sorted(words))
        lines.append(_line(entry))
    return "\n".join(lines) + "\n"


def _line(entry: dict) -> str:
    # Letters as they are (French stays readable); a newline inside a text is escaped by json.
    return json.dumps(entry, ensure_ascii=False)


@cache
def load() -> Memory:
    """The examples shipped with the package; ExamplesFileError, naming the file where it is,
    when it is missing, empty or not valid (the models were fitted beside these examples: without
    them they would answer otherwise, silently)."""
    path = resources.files("bot.answer").joinpath(FILE)
    if not path.is_file():
        raise ExamplesFileError(f"{path} is missing: {REMEDY}")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ExamplesFileError(
            f"{path} cannot be read (line {line}: not UTF-8): {REMEDY}"
        ) from None
    examples, readings = parse(text, name=str(path))
    if not examples:
        raise ExamplesFileError(f"{path} holds no examples: {REMEDY}")
    return Memory(examples, readings)
