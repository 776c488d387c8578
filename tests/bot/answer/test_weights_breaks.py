"""Attacks on weighing each word by its rarity in naive Bayes (``Memory.word_weights``: the square
root of its idf over the mean idf), on the examples file holding only the pairs that count
(``Memory.pairs_held``, readings without pairs) and on ``likelihoods`` building its dicts with
``dict(zip(...))``.

Attacked: odd memories (a word every example holds, every word in every example, one example,
none, only out-of-scope ones, duplicate texts, a word of one example), random memories with
random masks set apart and items forgotten against naive Bayes weighed by hand; the round trip
as_jsonl → parse → Memory on random memories and odd texts, a file written before (every pair),
hand-edited pairs; what a Memory keeps; the engine end to end (twice, two engines, a server's own
item, odd inputs); loading in two threads and in two processes.

Each strict xfail says what happens now, with figures; the other tests are guards: attacks that
held.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import random
import subprocess
import sys
import types
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answer import memory
from bot.answer.memory import Example, Memory, Reading
from bot.answer.normalize import index_version, normalize
from tests.questions import seeded_engine
from tests.support import (
    PROJECT,
    ZORBLAX,
    assert_probabilities,
    features_of,
    jsonl,
    loaded_at_once,
    seen,
    server_with_deadline,
)

GUILD, ADMIN = 10, 30


def terms_of(text: str) -> list[str]:
    return [t.forms[0] for t in normalize(text).terms]


def words_of(text: str) -> list[str]:
    """What the engine gives naive Bayes for a question: its terms and their pairs."""
    forms = terms_of(text)
    return [*forms, *memory.pairs_of(forms)]


def example(words: str, items: Iterable[str] = (), text: str | None = None):
    """An example whose reading is its words as they stand (no analysis): exact counts."""
    forms = words.split()
    reading = Reading(frozenset(forms), pairs=memory.pairs_of(forms))
    return Example(words if text is None else text, frozenset(items)), reading


def memory_of(rows: Sequence[tuple[Example, Reading]]) -> tuple[list, list]:
    return [e for e, _ in rows], [r for _, r in rows]


def weighed_by_hand(
    examples: Sequence[Example],
    readings: Sequence[Reading],
    words: Iterable[str],
    apart: Sequence[bool] | None = None,
    forget: frozenset[str] = frozenset(),
) -> tuple[dict[str, float], dict[str, float], float]:
    """Naive Bayes weighed and counted by hand, as ``likelihoods`` says it counts: the bag of
    words (terms, pairs held by PAIR_MIN examples) and each word's weight (the square root of its
    idf over the mean, 1 when the mean is 0) over every example; the counts, the items' shares
    and their bags' sizes over the examples not set apart; a word no counted example holds tells
    nothing; a forgotten item is never likely. Each item's probability and nearness to the
    likeliest, and the out-of-scope probability."""
    if not examples:
        return {}, {}, 0.0
    counted = [not (apart is not None and apart[n]) for n in range(len(examples))]
    paired = Counter(p for r in readings for p in r.pairs)
    bag = {t for r in readings for t in r.terms} | {
        p for p, n in paired.items() if n >= memory.PAIR_MIN
    }
    holders = {w: sum(w in r.terms or w in r.pairs for r in readings) for w in bag}
    idf = {w: math.log((len(examples) + 1) / (n + 1)) for w, n in holders.items()}
    mean = math.fsum(idf.values()) / len(idf) if idf else 0.0
    weight = {w: math.sqrt(v / mean) if mean > 0 else 1.0 for w, v in idf.items()}
    sizes = [len(r.terms) + len(r.pairs & bag) for r in readings]

    def holds(n: int, word: str) -> bool:
        return word in readings[n].terms or word in readings[n].pairs

    asked = [
        w
        for w in sorted(set(words) & bag)
        if any(counted[n] and holds(n, w) for n in range(len(examples)))
    ]
    items = sorted({i for e in examples for i in e.items})
    scores: dict[str | None, float] = {}
    for item in [*items, None]:
        mine = [
            n
            for n, e in enumerate(examples)
            if counted[n] and (item in e.items if item else not e.items)
        ]
        if not mine or item in forget:
            scores[item] = -math.inf
            continue
        score = math.log(len(mine))
        size = sum(sizes[n] for n in mine)
        for word in asked:
            count = sum(holds(n, word) for n in mine)
            score += weight[word] * math.log(count + memory.SMOOTHING)
            score -= weight[word] * math.log(size + memory.SMOOTHING * len(bag))
        scores[item] = score
    top = max(scores.values())
    if top == -math.inf:
        return {}, {}, 0.0
    total = math.fsum(math.exp(s - top) for s in scores.values())
    chance = {i: math.exp(s - top) / total for i, s in scores.items()}
    near = {
        i: max(s - top, memory.LIKELY_FLOOR) / -memory.LIKELY_FLOOR + 1 for i, s in scores.items()
    }
    kept = [i for i in items if i not in forget]
    return {i: chance[i] for i in kept}, {i: near[i] for i in kept}, chance[None]


def assert_like(found: tuple, expected: tuple) -> None:
    """The probabilities and nearness counted by hand (float32 counts: five decimals)."""
    (likely, behind, outside), (wanted, wanted_behind, wanted_outside) = found, expected
    assert set(likely) == set(wanted) == set(behind) == set(wanted_behind)
    for item in wanted:
        assert likely[item] == pytest.approx(wanted[item], abs=1e-5), item
        assert behind[item] == pytest.approx(wanted_behind[item], abs=1e-5), item
    assert outside == pytest.approx(wanted_outside, abs=1e-5)


def assert_same(found: tuple, expected: tuple, rel: float = 1e-12) -> None:
    """The same probabilities and nearness, but for float sums in another order."""
    for got, wanted in zip(found, expected, strict=True):
        assert got == pytest.approx(wanted, rel=rel, abs=1e-300)


def counts_of(known: Memory) -> tuple[dict, list, dict]:
    """What naive Bayes counts in a memory, whatever the words' order: each word's counts per
    column, each example's size, each word's weight."""
    counts = dict(zip(known.words, known.word_counts.tolist(), strict=True))
    weights = dict(zip(known.words, known.word_weights.tolist(), strict=True))
    return counts, known.sizes.tolist(), weights


VOCAB = ("us", "firm", "taiwan", "chip", "ami", "close", "date", "invest", "paris", "weather")


def random_memory(rng: random.Random, size: int) -> tuple[list, list]:
    """``size`` examples of none to five words from a vocabulary of one to ten words (so that
    some words are in every example, or every word is), a fifth out of scope, some answering two
    items, some the same text."""
    vocab = VOCAB[: rng.choice((1, 2, 3, 10, 10))]
    rows = []
    for n in range(size):
        words = " ".join(rng.choices(vocab, k=rng.choice((0, 1, 2, 3, 5))))
        items = rng.sample("abcd", rng.choice((0, 1, 1, 1, 2)))
        rows.append(example(words, items, words if rng.random() < 0.2 else f"{words} #{n}"))
    return memory_of(rows)


# The weights -----------------------------------------------------------------------------------


def test_the_weights_follow_each_words_rarity():
    """Guard: a word every example holds weighs nothing, a word of one example the most, every
    word 1 when each is in every example (the mean idf is 0) or there is one example; the
    weights' squares average to 1."""
    examples, readings = memory_of(
        [
            example("ami close date", {"deadline"}),
            example("ami close", {"deadline"}),
            example("ami invest taiwan", {"invest"}),
            example("ami weather paris"),
        ]
    )
    found = Memory(examples, readings)
    weights = counts_of(found)[2]
    assert weights["ami"] == 0.0
    assert max(weights.values()) == weights["date"] == weights["paris"]
    assert weights["close"] < weights["date"]
    assert float(np.mean(found.word_weights**2)) == pytest.approx(1.0)
    same = Memory(*memory_of([example("ami close", {"a"}), example("close ami")]))
    assert set(counts_of(same)[2].values()) == {1.0}
    one = Memory(*memory_of([example("ami close date", {"a"})]))
    assert set(counts_of(one)[2].values()) == {1.0}
    assert Memory([]).likelihoods(["ami"]) == ({}, {}, 0.0)


ODD = {
    "every word in every example": [example("ami close", {"a"}), example("close ami", {"b"})],
    "a word in every example": [
        example("ami close", {"a"}),
        example("ami date", {"b"}),
        example("ami paris"),
    ],
    "one example": [example("ami close", {"a"})],
    "only out of scope": [example("weather paris"), example("paris")],
    "duplicate texts": [example("ami close", {"a"})] * 3 + [example("weather", {"b"})] * 2,
    "a word of one example": [
        example("ami close", {"a"}),
        example("ami close zorblax", {"b"}),
        example("ami close"),
    ],
    "no term": [example("", {"a"}), example("")],
}


@pytest.mark.parametrize("name", ODD)
def test_odd_memories_give_weighted_naive_bayes(name):
    """Guard: on each odd memory, for every question of its words (and none, and a word no
    example holds), with every mask setting one example apart and every item forgotten in turn:
    the probabilities weighed by hand, finite, in [0, 1], adding up to one, without a warning."""
    examples, readings = memory_of(ODD[name])
    found = Memory(examples, readings)
    items = sorted({i for e in examples for i in e.items})
    questions = [[], ["zorblax"], *([w] for w in found.words), list(found.words)]
    masks = [None, *(np.arange(len(examples)) == n for n in range(len(examples)))]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for words in questions:
            for apart in masks:
                for forget in [frozenset(), *(frozenset({i}) for i in items)]:
                    got = found.likelihoods(words, apart=apart, forget=forget)
                    assert_like(got, weighed_by_hand(examples, readings, words, apart, forget))
                    assert_probabilities(got)


def test_a_word_every_example_holds_changes_nothing():
    """Guard: a word of every example weighs nothing, so a question with it is as likely as
    without it, set apart or not."""
    examples, readings = memory_of(
        [
            example("the ami close", {"deadline"}),
            example("the ami date", {"deadline"}),
            example("the us invest taiwan", {"invest"}),
            example("the weather paris"),
        ]
    )
    found = Memory(examples, readings)
    apart = np.array([True, False, False, False])
    for mask in (None, apart):
        with_it = found.likelihoods(["the", "ami", "invest"], apart=mask)
        without = found.likelihoods(["ami", "invest"], apart=mask)
        assert with_it[0] == pytest.approx(without[0], rel=1e-12)
        assert with_it[2] == pytest.approx(without[2], rel=1e-12)


def test_likelihoods_with_masks_and_forgotten_items_are_weighed_naive_bayes():
    """Guard: on 400 random small memories (words in every example, every word in every
    example, duplicate texts, examples of no term), random questions, random masks set apart
    and random items forgotten: the probabilities and nearness weighed and counted by hand."""
    rng = random.Random(20261206)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(400):
            examples, readings = random_memory(rng, rng.randint(1, 10))
            found = Memory(examples, readings)
            forms = rng.choices((*VOCAB, "zorblax"), k=rng.randint(0, 6))
            words = [*forms, *memory.pairs_of(forms)]
            apart = None
            if rng.random() < 0.7:
                apart = np.array([rng.random() < 0.3 for _ in examples], dtype=bool)
            forget = frozenset(rng.sample("abcde", rng.choice((0, 0, 1, 2))))
            got = found.likelihoods(words, apart=apart, forget=forget)
            assert_like(got, weighed_by_hand(examples, readings, words, apart, forget))
            assert_probabilities(got)


# The examples file -----------------------------------------------------------------------------

WORD_LISTS = st.lists(st.sampled_from(VOCAB[:6]), max_size=6)
ODD_CHARACTERS = st.text(
    st.sampled_from(['"', "\\", "\n", "\t", "\x00", "\u2028", "😀", "é", "a", " ", "'", "+"]),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(WORD_LISTS, st.sets(st.sampled_from("abc"), max_size=2), ODD_CHARACTERS),
        min_size=1,
        max_size=12,
    ),
    WORD_LISTS,
)
def test_a_memory_read_back_from_its_file_counts_the_same_words(rows, asked):
    """Guard: any memory (pairs in one example only, in all, none; texts with quotes,
    backslashes, control characters, emoji), written and read back, holds the same examples and
    counts the same words, sizes and weights, and gives the same probabilities (to the last
    digits: see the next test)."""
    built = [
        example(" ".join(words), items, f"{text}{n}") for n, (words, items, text) in enumerate(rows)
    ]
    examples, readings = memory_of(built)
    known = Memory(examples, readings)
    parsed, stored = memory.parse(memory.as_jsonl(known))
    assert parsed == examples
    again = Memory(parsed, stored)
    assert again.readings == known.readings
    assert counts_of(again)[:2] == counts_of(known)[:2]
    weights = counts_of(known)[2]
    assert counts_of(again)[2] == pytest.approx(weights, rel=1e-12)
    words = [*asked, *memory.pairs_of(asked)]
    assert_same(again.likelihoods(words), known.likelihoods(words))


_HASH_ORDER = """
import hashlib, json, math, random, sys
from importlib import resources
import numpy as np
from bot.answer import memory
from bot.answer.normalize import normalize

E, R = memory.Example, memory.Reading
# One example holding seven words that other examples hold 1, 4, 7, ... times.
examples = [E("first", frozenset({"a"}))]
readings = [R(frozenset(f"w{i}" for i in range(7)))]
for i in range(7):
    for j in range(3 * i + 1):
        examples.append(E(f"e{i}-{j}", frozenset({"b"} if j % 2 else ())))
        readings.append(R(frozenset({f"w{i}", f"x{j % 5}"})))
known = memory.Memory(examples, readings)
weights = sorted(zip(known.words, known.word_weights.tolist()))
likely = known.likelihoods([f"w{i}" for i in range(7)])
# The shipped examples' first 2,000, as the bot loads them (all of them: 5 s more).
path = resources.files("bot.answer").joinpath(memory.FILE)
header, *lines = path.read_text(encoding="utf-8").split("\\n")
header = json.dumps({**json.loads(header), "examples": 2000}, ensure_ascii=False)
first = "\\n".join([header, *lines[:2000]]) + "\\n"  # the header, then an example a line
shipped = memory.Memory(*memory.parse(first))
asked = {}
for question in ["quand ferme l'AMI ?", "how much do US firms invest in Taiwan"]:
    forms = [t.forms[0] for t in normalize(question).terms]
    asked[question] = shipped.likelihoods([*forms, *memory.pairs_of(forms)])
held = np.array([len(shipped._bag[w]) for w in shipped.words], dtype=np.float64)
mean_idf = math.fsum(np.log((len(shipped.examples) + 1) / (held + 1)).tolist()) / len(held)
ordered = sorted(zip(shipped.words, shipped.word_weights.tolist()))
digest = hashlib.sha256(repr(ordered).encode()).hexdigest()[:16]
# Random memories, each written to its file and read back (in the first process only).
rng = random.Random(5)
vocab = [f"w{i}" for i in range(40)]
moved = []
for n in range(150 if sys.argv[1:] == ["round trip"] else 0):
    built, reads = [], []
    for m in range(rng.randint(1, 15)):
        forms = rng.choices(vocab, k=rng.randint(1, 8))
        items = frozenset(rng.sample("abc", rng.choice((0, 1, 1, 2))))
        built.append(E(f"{' '.join(forms)} #{m}", items))
        reads.append(R(frozenset(forms), pairs=memory.pairs_of(forms)))
    first = memory.Memory(built, reads)
    again = memory.Memory(*memory.parse(memory.as_jsonl(first)))
    forms = rng.choices(vocab, k=5)
    words = [*forms, *memory.pairs_of(forms)]
    if first.likelihoods(words) != again.likelihoods(words):
        moved.append([first.likelihoods(words)[2], again.likelihoods(words)[2]])
print(json.dumps({
    "weights": weights,
    "likely": likely,
    "shipped": [mean_idf, digest],
    "asked": asked,
    "moved": moved,
}))
"""
HASH_SEEDS = (0, 27)


@pytest.fixture(scope="module")
def processes() -> dict[int, dict]:
    """What ``_HASH_ORDER`` finds in fresh processes, one per PYTHONHASHSEED, run side by
    side."""
    running = {
        seed: subprocess.Popen(
            [sys.executable, "-c", _HASH_ORDER, *(["round trip"] if seed == HASH_SEEDS[0] else [])],
            cwd=PROJECT,
            env={**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONPATH": str(PROJECT)},
            stdout=subprocess.PIPE,
            text=True,
        )
        for seed in HASH_SEEDS
    }
    found = {}
    for seed, process in running.items():
        out, _ = process.communicate(timeout=300)
        assert process.returncode == 0, seed
        found[seed] = json.loads(out)
    return found


def test_a_memory_read_back_from_its_file_gives_exactly_the_same_probabilities(processes):
    """The change says a memory read back from its file counts exactly the same words: its
    likelihoods must be the same floats, not nearly (the models were trained on the one, answer
    with the other)."""
    assert processes[0]["moved"] == []


def test_two_processes_weigh_the_words_alike(processes):
    """The words come in another order in each process (the terms in their sets' order, which
    string hashing decides); the weights, and the probabilities, must be the same floats in
    every process all the same."""
    first, second = (processes[seed] for seed in HASH_SEEDS)
    for key in ("weights", "likely", "shipped", "asked"):
        assert first[key] == second[key], key


def all_pairs_file(examples: Sequence[Example], readings: Sequence[Reading]) -> str:
    """An examples file as written before the pairs were taken from the counts: every pair of
    every example, even those of one example only."""
    entries: list[dict] = [{"about": "every pair", "analysis": index_version()}]
    for e, r in zip(examples, readings, strict=True):
        entry = {"q": e.text, "items": sorted(e.items), "terms": " ".join(sorted(r.terms))}
        if r.pairs:
            entry["pairs"] = " ".join(sorted(r.pairs))
        entries.append(entry)
    return jsonl(entries)


ODD_TEXTS = [
    "how much do US firms invest in Taiwan",
    "US firms invest in Taiwan chips",
    'Taiwan firms invest in "US" chips \\ ok',
    "tab\there\nnewline\r\x00\x7f\u2028 end of the AMI call",
    "🇫🇷🇹🇼 emoji 🤖 AMI call ? 👍🏽",
    ("how much do US firms invest in Taiwan " * 160)[:6000],
    "'; DROP TABLE items; --",
    "",
    "when does the AMI call close",
]


def test_odd_texts_and_a_file_of_every_pair_count_the_same_words():
    """Guard: odd texts (quotes, backslashes, control characters, emoji, 6,000 characters, SQL,
    none), read by the analysis, written and read back; and the same examples in a file written
    before (every pair, those of one example too): the same counts, sizes and weights, and the
    same probabilities."""
    examples = [
        Example(t, frozenset({f"i{n % 3}"} if n % 4 else ())) for n, t in enumerate(ODD_TEXTS)
    ]
    known = Memory(examples)
    full = [memory.read(t) for t in ODD_TEXTS]
    assert any(r.pairs - set(known.words) for r in full)  # pairs of one example
    for text in [memory.as_jsonl(known), all_pairs_file(examples, full)]:
        parsed, readings = memory.parse(text)
        assert parsed == examples
        again = Memory(parsed, readings)
        assert counts_of(again)[:2] == counts_of(known)[:2]
        assert counts_of(again)[2] == pytest.approx(counts_of(known)[2], rel=1e-12)
        for question in ODD_TEXTS:
            words = words_of(question)
            assert_same(again.likelihoods(words), known.likelihoods(words), rel=1e-9)


def hand_edited(entries: list[tuple[str, list[str], str, str | None]]) -> str:
    """An examples file of this analysis: (text, items, terms, pairs or None: no pairs key)."""
    written: list[dict] = [{"about": "edited by hand", "analysis": index_version()}]
    for text, items, terms, pairs in entries:
        written.append({"q": text, "items": items, "terms": terms})
        if pairs is not None:
            written[-1]["pairs"] = pairs
    return jsonl(written)


def test_hand_edited_pairs_that_mean_something_are_counted_once():
    """Guard: a pair written twice in one example counts once; a pair of terms the example does
    not hold counts as any pair; both are written back and read again alike."""
    twice = hand_edited(
        [("a", ["i"], "x y", "x+y x+y"), ("b", ["i"], "x y", "x+y"), ("c", [], "z", None)]
    )
    once = twice.replace("x+y x+y", "x+y")
    assert counts_of(Memory(*memory.parse(twice)))[:2] == counts_of(Memory(*memory.parse(once)))[:2]
    foreign = hand_edited(
        [("a", ["i"], "x", "q+r"), ("b", ["i"], "y", "q+r"), ("c", [], "z", None)]
    )
    known = Memory(*memory.parse(foreign))
    assert counts_of(known)[0]["q+r"] == [2.0, 0.0]
    again = Memory(*memory.parse(memory.as_jsonl(known)))
    assert counts_of(again) == counts_of(known)
    question = ["x", "q+r", "z"]
    assert_same(again.likelihoods(question), known.likelihoods(question))


def test_a_pair_that_is_a_term_is_refused_or_not_counted():
    """A file is not valid when a pair is a term ("a+b" is a pair, no term holds "+"): refused
    by name, or its pair not counted, so that the memory counts what its terms say and reads
    back alike."""
    text = hand_edited([("a", ["i"], "x y", "x"), ("b", ["i"], "y", "x"), ("c", [], "z x", None)])
    try:
        parsed, readings = memory.parse(text)
    except memory.ExamplesFileError:
        return
    known = Memory(parsed, readings)
    plain = Memory(parsed, [Reading(r.terms, r.origin, r.target) for r in readings])
    assert counts_of(known)[:2] == counts_of(plain)[:2]
    again = Memory(*memory.parse(memory.as_jsonl(known)))
    question = ["x", "y", "z"]
    assert_same(again.likelihoods(question), known.likelihoods(question))


# What a memory keeps ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> Memory:
    return memory.load()


def test_a_memory_keeps_no_pairs_per_example(shipped):
    """Guard: the shipped memory (loaded from its file) and one reading its examples' texts
    keep no pairs in ``readings`` (they live in the counts), while counting pairs."""
    assert all(r.pairs is None for r in shipped.readings)
    assert sum("+" in w for w in shipped.words) > 1000
    read_now = Memory([Example(t, frozenset({"a"})) for t in ODD_TEXTS[:3]])
    assert all(r.pairs is None for r in read_now.readings)
    assert [w for w in read_now.words if "+" in w]


def test_two_threads_loading_the_examples_count_the_same_words(tmp_path, monkeypatch):
    """Guard: two threads load an examples file at once (the bot's warm() and a first
    question): the same words, counts, sizes and weights, as one loading it alone."""
    examples, readings = random_memory(random.Random(11), 1500)
    folder = tmp_path / "data"
    folder.mkdir()
    text = memory.as_jsonl(Memory(examples, readings))
    (folder / memory.FILE).write_text(text, encoding="utf-8")
    monkeypatch.setattr(memory, "resources", types.SimpleNamespace(files=lambda package: folder))
    loaded = loaded_at_once()
    alone = Memory(*memory.parse(text))
    assert counts_of(loaded[0]) == counts_of(loaded[1]) == counts_of(alone)
    assert loaded[0].words == loaded[1].words == alone.words


PAIRED = [
    Example("how much do US firms invest in Taiwan", frozenset({"us-in-taiwan"})),
    Example("US firms invest in Taiwan chips", frozenset({"us-in-taiwan"})),
    Example("how much do Taiwan firms invest in the US", frozenset({"taiwan-in-us"})),
    Example("Taiwan firms invest in the US chips", frozenset({"taiwan-in-us"})),
    Example("what is the weather in Paris", frozenset()),
]


def test_a_memory_rebuilt_from_a_memorys_readings_counts_its_pairs():
    """What a Memory gives back (its examples, its readings) builds the same memory again, or
    is refused: never one that silently lost the pairs that tell the two flows apart."""
    groups = ["g1", "g1", "g2", "g2", "g3"]
    known = Memory(PAIRED, groups=groups)
    assert [w for w in known.words if "+" in w]
    try:
        again = Memory(known.examples, known.readings, groups=groups)
    except (TypeError, ValueError):
        return
    assert counts_of(again)[:2] == counts_of(known)[:2]
    words = words_of("US firms invest in Taiwan")
    assert_same(again.likelihoods(words), known.likelihoods(words))


# The engine ------------------------------------------------------------------------------------

QUESTIONS = [
    "when does the France–Taiwan call close?",
    "how much do US firms invest in Taiwan",
    "quand ferme l'AMI ?",
    "what is the weather in Paris",
    "",
    "   ",
    "😀🎉🤖",
    "@everyone",
    "@everyone when does the AMI close?",
    "'; DROP TABLE items; --",
    "SELECT * FROM items WHERE 1=1 OR ''=''",
    ("how much do US firms invest in Taiwan " * 160)[:6000],
    "the the the of of and",
    "AMI AMI AMI AMI AMI",
]


async def _ask_all() -> dict:
    """Each question asked twice of one engine and once of another, with ``pairs_held`` made
    to fail: answering must not need it."""

    def no_pairs_held(self):
        raise AssertionError("pairs_held called while answering")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Memory, "pairs_held", no_pairs_held)
        async with seeded_engine() as first, seeded_engine() as second:
            found = {}
            for question in QUESTIONS:
                found[question] = [
                    await first.ask(question),
                    await first.ask(question),
                    await second.ask(question),
                ]
            return found


@pytest.fixture(scope="module")
def asked() -> dict:
    return asyncio.run(_ask_all())


@pytest.mark.parametrize("question", QUESTIONS, ids=range(len(QUESTIONS)))
def test_the_engine_answers_alike_twice_and_in_two_engines(asked, question):
    """Guard: every question (odd ones too: empty, emoji, @everyone, SQL, 6,000 characters)
    gets an answer or a refusal with some text, the same twice and from another engine, and
    without ``pairs_held``."""
    answers = asked[question]
    assert all(a.text for a in answers), question
    assert seen(answers[0]) == seen(answers[1]) == seen(answers[2])


def test_the_engine_answers_the_plain_questions(asked):
    """Guard: the weights leave the plain questions with their items."""
    expected = {
        "when does the France–Taiwan call close?": "fr-tw-ami-deadline",
        "how much do US firms invest in Taiwan": "us-tw-us-firms-invest-15bn",
        "quand ferme l'AMI ?": "fr-tw-ami-deadline",
        "what is the weather in Paris": None,
    }
    for question, item in expected.items():
        answer = asked[question][0]
        assert (answer.item.id if answer.answered else None) == item, seen(answer)


async def test_a_servers_own_item_is_still_answered(seeded):
    """Guard: an admin's new deadline, in no example (no weight, no count), is answered, with
    likely 0."""
    knowledge, _, item = await server_with_deadline(seeded, GUILD, ADMIN, **ZORBLAX)
    answer = await knowledge.ask(
        "when is the Zorblax summit registration deadline?", lang="en", guild_id=GUILD
    )
    assert answer.answered and answer.item.id == item.id, seen(answer)
    found = await features_of(
        knowledge.engine,
        "when is the Zorblax summit registration deadline?",
        item.id,
        guild_id=GUILD,
    )
    assert (found["likely"], found["likely_behind"]) == (0, 0)
