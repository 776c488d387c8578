"""Trying to break b3352af: in training, the examples a question may not meet (its copies and
its batch) are found with ``Memory.apart`` (a mask) and ``_among`` (a search of the few set apart
in each word's sorted examples) rather than by a look at every example holding each word.

Every test here is a guard: it held on b3352af. The old code (b3352af^) and the new one were
also compared bit for bit, outside the suite: ``left_out``, ``closeness``, ``likelihoods`` and
``outside_rates`` on 18,000 random memories (empty ones, no groups, groups "" or missing, copies
of a text in other groups, words that are pairs, examples of no item or of twelve), on the
training memory of the dev questions and on the shipped one, for 4,465 dev questions: the same.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from bot.answer import memory
from bot.answer.normalize import index_version
from tests.support import jsonl

VOCAB = ("us", "firm", "taiwan", "chip", "ami", "close", "a", "b", "a+b")
ITEMS = tuple(f"item-{n}" for n in range(8))
GROUPS = ("", "g1", "g2", "g3")


def random_memory(rng: random.Random, size: int) -> memory.Memory:
    """``size`` examples of zero to five words each (their pairs too; "a+b" also as a term), of
    no item up to six, their texts often copied and their groups often "", "g1"–"g3"."""
    examples, readings, groups = [], [], []
    for _ in range(size):
        forms = rng.choices(VOCAB, k=rng.randint(0, 5))
        items = frozenset(rng.sample(ITEMS, rng.choice((0, 0, 1, 1, 2, 6))))
        examples.append(memory.Example(f"text {rng.randrange(size // 2 + 1)}", items))
        readings.append(memory.Reading(frozenset(forms), pairs=memory.pairs_of(forms)))
        groups.append(rng.choice(GROUPS))
    return memory.Memory(examples, readings, groups=groups)


def test_guard_apart_and_left_out_are_the_copies_and_the_group_whatever_the_group():
    """Operator: in training a question meets neither its copies (in any batch) nor its own
    batch. A group "" or None or unknown takes only the copies; a text nobody wrote, only its
    group; no groups at all, or no examples, hold too. The mask and the numbers say the same."""
    texts = ["x", "y", "x", "z", "x", "w"]
    groups = ["g1", "g1", "g2", "", "g3", "g3"]
    grouped = memory.Memory(
        [memory.Example(t, frozenset()) for t in texts],
        [memory.Reading(frozenset({"t"})) for _ in texts],
        groups=groups,
    )
    loose = memory.Memory(grouped.examples, grouped.readings)
    cases = [
        (grouped, "x", "g1", [0, 1, 2, 4]),
        (grouped, "x", "g2", [0, 2, 4]),
        (grouped, "z", "", [3]),
        (grouped, "z", None, [3]),
        (grouped, "y", "missing", [1]),
        (grouped, "nobody wrote this", "g3", [4, 5]),
        (grouped, "", "", []),
        (loose, "x", "g1", [0, 2, 4]),
        (memory.Memory([], [], groups=[]), "x", "g1", []),
    ]
    for found, text, group, wanted in cases:
        mask = found.apart(text, group)
        assert mask.dtype == bool and mask.shape == (len(found.examples),), (text, group)
        numbers = found.left_out(text, group)
        assert numbers.dtype == np.intp, (text, group)
        assert numbers.tolist() == np.flatnonzero(mask).tolist() == wanted, (text, group)


def test_guard_each_words_examples_are_sorted_and_unique_even_from_a_hand_edited_file():
    """Operator: the search of the few set apart needs each word's examples in order, each once.
    A file edited by hand that repeats a term or a pair on a line, copies a line, or gives a
    pair "a+b" as a term still gives them so, and the search finds what a full look finds."""
    header = {"analysis": index_version(), "examples": 4}
    line = {"q": "us firm", "items": ["i1"], "terms": "us us firm", "pairs": "us+firm us+firm"}
    entries = [
        header,
        line,
        {"q": "a+b us", "items": [], "terms": "a+b us", "pairs": "a+b+us"},
        line,
        {"q": "a b", "items": ["i1", "i2"], "terms": "a b", "pairs": "a+b a+b"},
    ]
    found = memory.Memory(*memory.parse(jsonl(entries)))
    assert "us+firm" in found.words  # a pair counted: in two examples
    for word in found.words:
        holding = found._bag[word]
        assert holding.dtype == np.intp and (np.diff(holding) > 0).all(), word
        for text in ("us firm", "a+b us", "a b"):
            few = found.left_out(text)
            assert memory._among(holding, few).tolist() == holding[np.isin(holding, few)].tolist()


def test_guard_the_search_of_the_few_counts_in_training_as_a_full_look_does(monkeypatch):
    """Operator: the features a question is trained on (its closeness to each item's examples,
    how likely each item is, how its words lean out of scope) are, bit for bit, those a look at
    every example holding each word gives, on random memories with copies, groups, pairs and
    examples of many items."""
    rng = random.Random(3)
    cases = []
    for _ in range(60):
        found = random_memory(rng, rng.choice((1, 2, 5, 20, 40)))
        for _ in range(3):
            forms = rng.choices((*VOCAB, "nowhere"), k=rng.randint(1, 4))
            text = f"text {rng.randrange(len(found.examples))}"
            cases.append((found, forms, text, rng.choice((None, "", "g1", "g2", "missing"))))

    def features() -> list:
        found_now = []
        for found, forms, text, group in cases:
            left = {"leave_out": text, "leave_group": group}
            pairs = memory.pairs_of(forms)
            near = found.closeness(dict.fromkeys(forms, 1.0), lambda t: 1.0, pairs=pairs, **left)
            rates = found.outside_rates(forms, **left)
            found_now.append(
                (near.similarity.tolist(), near.votes, near.likely, near.outside_likely, rates)
            )
        return found_now

    searched = features()
    monkeypatch.setattr(memory, "_among", lambda many, few: many[np.isin(many, few)])
    assert features() == searched


def by_hand(found: memory.Memory, words: list[str], apart: np.ndarray) -> dict:
    """Naive Bayes as its docstring says, over the examples not set apart: each item's examples
    one bag of words (their terms and counted pairs), the out-of-scope ones another; a word
    none of them holds tells nothing; each word weighs as among all the examples. Each item's
    probability, None for out of scope."""
    bags = [r.terms | p for r, p in zip(found.readings, found.pairs_held(), strict=True)]
    kept = [n for n in range(len(found.examples)) if not apart[n]]
    asked = [w for w in sorted(set(words)) if w in found.word_row]
    asked = [w for w in asked if any(w in bags[n] for n in kept)]
    scores = {}
    for item in [*found.classes, None]:
        mine = [
            n
            for n in kept
            if (item in found.examples[n].items if item else not found.examples[n].items)
        ]
        if not mine:
            continue
        size = sum(len(bags[n]) for n in mine)
        score = math.log(len(mine))
        for word in asked:
            weight = float(found.word_weights[found.word_row[word]])
            count = sum(word in bags[n] for n in mine)
            score += weight * math.log(count + memory.SMOOTHING)
            score -= weight * math.log(size + memory.SMOOTHING * len(found.words))
        scores[item] = score
    top = max(scores.values())
    total = sum(math.exp(s - top) for s in scores.values())
    return {item: math.exp(s - top) / total for item, s in scores.items()}


def test_guard_examples_of_many_items_set_apart_leave_each_of_their_items_counts():
    """Operator: a question whose batch holds examples answering several items is trained as if
    none of those examples were there, for every item each answers (and for out of scope), not
    only for the first: as naive Bayes counted by hand over the examples left; and its words
    lean out of scope as the examples left that hold them, counted one by one, say."""
    rng = random.Random(11)
    for _ in range(80):
        found = random_memory(rng, rng.choice((3, 10, 30)))
        text = rng.choice(found.examples).text  # its copies at least are set apart
        group = rng.choice(("g1", "g2", "g3"))
        apart = found.apart(text, group)
        if apart.all():
            continue
        words = rng.choices(VOCAB, k=rng.randint(1, 4))
        words += sorted(memory.pairs_of(words))
        likely, _, outside = found.likelihoods(words, apart=apart)
        near = found.closeness(
            dict.fromkeys(words, 1.0), lambda t: 1.0, leave_out=text, leave_group=group
        )
        assert (near.likely, near.outside_likely) == (likely, outside)
        wanted = by_hand(found, words, apart)
        for item in found.classes:
            assert likely[item] == pytest.approx(wanted.get(item, 0.0), abs=1e-9), item
        assert outside == pytest.approx(wanted.get(None, 0.0), abs=1e-9)
        share, prior = found.outside_share, memory.LEAN_PRIOR
        rates = found.outside_rates(words, leave_out=text, leave_group=group)
        for word, rate in zip(words, rates, strict=True):
            kept = [n for n, r in enumerate(found.readings) if word in r.terms and not apart[n]]
            silent = sum(not found.examples[n].items for n in kept)
            assert rate == pytest.approx((silent + prior * share) / (len(kept) + prior)), word
