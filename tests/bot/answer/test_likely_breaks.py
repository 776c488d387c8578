"""Ways naive Bayes over the examples (cabea34: ``Memory.likelihoods``, the pairs of neighbouring
terms, the three ``likely`` features, and the backtracking Newton steps of ``fit_rank``) breaks,
found by trying odd memories, masks, files and questions on it.

Each strict xfail says what happens now, with figures; the other tests are guards: attacks that
held. ``naive_bayes`` below counts the examples by hand, as the docstrings describe the model: the
code is checked against it. Every engine question is asked once, by the module's ``asked``.
"""

from __future__ import annotations

import asyncio
import math
import random
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import pytest

from bot.answer import memory, model
from bot.answer.features import RANK_FEATURES
from bot.answer.normalize import index_version, normalize
from tests import questions as sets
from tests.questions import seeded_engine, train
from tests.support import (
    ZORBLAX,
    assert_probabilities,
    entries_of,
    features_of,
    jsonl,
    seen,
    server_with_deadline,
)

LIKELY = RANK_FEATURES.index("likely")
GUILD, ADMIN = 10, 30
DEAL, DONE = "us-tw-trade-deal", "us-tw-trade-deal-concluded"
US_IN_TAIWAN, TAIWAN_IN_US = "us-in-taiwan", "taiwan-in-us"


def broken(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


def terms_of(text: str) -> list[str]:
    return [t.forms[0] for t in normalize(text).terms]


def words_of(text: str) -> list[str]:
    """What the engine gives naive Bayes for a question: its terms and their pairs."""
    forms = terms_of(text)
    return [*forms, *memory.pairs_of(forms)]


def example(words: str, items: Iterable[str] = ()) -> tuple[memory.Example, memory.Reading]:
    """An example whose reading is its words as they stand (no analysis): exact counts."""
    forms = words.split()
    reading = memory.Reading(frozenset(forms), pairs=memory.pairs_of(forms))
    return memory.Example(words, frozenset(items)), reading


def naive_bayes(
    examples: Sequence[memory.Example],
    readings: Sequence[memory.Reading],
    words: Iterable[str],
    counted: Sequence[bool] | None = None,
) -> tuple[dict[str, float], float]:
    """Naive Bayes counted by hand over the examples ``counted`` (all by default), as if the
    others were not there: each item's examples one bag of words (their terms, and their pairs
    found in PAIR_MIN of the counted examples or more), the out-of-scope ones another; a word in
    no counted example tells nothing, and each word weighs by its rarity among all the examples.
    Each item's probability, and the out-of-scope one."""
    kept = [
        (e, r)
        for n, (e, r) in enumerate(zip(examples, readings, strict=True))
        if counted is None or counted[n]
    ]
    held = Counter(p for _, r in kept for p in r.pairs)
    bag = {t for _, r in kept for t in r.terms} | {
        p for p, n in held.items() if n >= memory.PAIR_MIN
    }
    # Each word's weight: the square root of its idf over the mean idf, both over every
    # example (those set apart too) and every word they count.
    everywhere = Counter(t for r in readings for t in r.terms)
    paired = Counter(p for r in readings for p in r.pairs)
    everywhere.update({p: n for p, n in paired.items() if n >= memory.PAIR_MIN})
    idf = {w: math.log((len(readings) + 1) / (n + 1)) for w, n in everywhere.items()}
    mean = sum(idf.values()) / len(idf) if idf else 0.0
    weight = {w: math.sqrt(v / mean) if mean > 0 else 1.0 for w, v in idf.items()}
    asked = sorted(set(words) & bag)
    scores: dict[str | None, float] = {}
    for item in [*sorted({i for e, _ in kept for i in e.items}), None]:
        mine = [r for e, r in kept if (item in e.items if item else not e.items)]
        if not mine:
            continue
        size = sum(len(r.terms) + len(r.pairs & bag) for r in mine)
        score = math.log(len(mine) / len(kept))
        for word in asked:
            count = sum(word in r.terms or word in r.pairs for r in mine)
            score += weight[word] * math.log(count + memory.SMOOTHING)
            score -= weight[word] * math.log(size + memory.SMOOTHING * len(bag))
        scores[item] = score
    if not scores:
        return {}, 0.0
    top = max(scores.values())
    total = sum(math.exp(s - top) for s in scores.values())
    chance = {item: math.exp(s - top) / total for item, s in scores.items()}
    return {i: p for i, p in chance.items() if i is not None}, chance.get(None, 0.0)


VOCAB = ("us", "firm", "taiwan", "chip", "ami", "close", "date", "invest", "paris", "weather")


def random_memory(rng: random.Random, size: int) -> tuple[list, list]:
    """``size`` examples of one to five words each, a fifth of them out of scope, some answering
    two items; the first answers one at least."""
    examples, readings = [], []
    for n in range(size):
        count = rng.choice((1, 1, 2)) if n == 0 else rng.choice((0, 1, 1, 1, 2))
        words = rng.choices(VOCAB, k=rng.randint(1, 5))
        found, reading = example(" ".join(words), rng.sample("abcd", count))
        examples.append(memory.Example(f"{found.text} #{n}", found.items))
        readings.append(reading)
    return examples, readings


def assert_like(
    likely: dict[str, float], outside: float, expected: tuple[dict[str, float], float]
) -> None:
    """Each item's probability, and the out-of-scope one, as counted by hand (float32 counts:
    five decimals)."""
    wanted, wanted_outside = expected
    for item in set(likely) | set(wanted):
        assert likely.get(item, 0.0) == pytest.approx(wanted.get(item, 0.0), abs=1e-5), item
    assert outside == pytest.approx(wanted_outside, abs=1e-5)


# Memory.likelihoods: odd memories -------------------------------------------------------------


def test_a_memory_of_out_of_scope_examples_only_says_nothing_answers():
    """``likelihoods`` returns early when no example answers an item, with the out-of-scope
    probability at 0 (as for an empty memory): the one bag left is the out-of-scope one, and the
    question can only be of its kind."""
    found = memory.Memory([memory.Example("what is the weather in Paris", frozenset())])
    likely, behind, outside = found.likelihoods(words_of("weather in Paris"))
    assert (likely, behind) == ({}, {})
    assert outside == pytest.approx(1.0)
    close = found.closeness(dict.fromkeys(terms_of("weather in Paris"), 1.0), lambda t: 1.0)
    assert close.outside_likely == pytest.approx(1.0)


def test_examples_without_a_term_give_the_items_shares_without_a_warning():
    found = memory.Memory(
        [memory.Example("😀🎉", frozenset({"ami"})), memory.Example("", frozenset())]
    )
    assert found.words == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        likely, behind, outside = found.likelihoods(words_of("when does the AMI close"))
    assert likely == {"ami": pytest.approx(0.5)}
    assert behind == {"ami": 1.0}
    assert outside == pytest.approx(0.5)


async def test_a_question_in_no_examples_words_is_scored_in_training_too():
    """Without a mask, a question sharing no word with the examples gets the items' shares of
    the examples; with one (a question learnt from, its batch set apart), the counts taken aside
    are concatenated from one array per known word, and there is none. The engine asks for
    them whenever it learns from a question whose words (as read, typos corrected) no example
    holds."""
    examples = [
        memory.Example("zorblax quux", frozenset({"fr-tw-ami-deadline"})),
        memory.Example("what is the weather in Paris", frozenset()),
    ]
    known = memory.Memory(examples, groups=["b1", "b2"])
    apart = np.zeros(2, dtype=bool)
    apart[known.left_out("AMI deadline", "b1")] = True
    likely, _, outside = known.likelihoods(words_of("AMI deadline"), apart=apart)
    assert likely == {"fr-tw-ami-deadline": 0.0}
    assert outside == pytest.approx(1.0)
    async with seeded_engine(scorer=model.neutral(), examples=known) as engine:
        _, rows = await engine.candidates("AMI deadline", leave_out="x", leave_group="b1")
    assert rows


def test_odd_memories_give_probabilities():
    """Guard: one item, an example answering six items, the same text in many groups, stop
    words, @everyone, SQL, 6,000 characters: finite probabilities in [0, 1] adding up to one,
    and no warning."""
    long = "how much do US firms invest in Taiwan " * 160
    cases = {
        "one item": [memory.Example("AMI deadline", frozenset({"deadline"}))],
        "six items": [
            memory.Example("AMI deadline", frozenset("abcdef")),
            memory.Example("weather in Paris", frozenset()),
        ],
        "many groups": [memory.Example("AMI deadline", frozenset({"deadline"}))] * 5,
        "odd texts": [
            memory.Example("the of and", frozenset({"stop"})),
            memory.Example("@everyone @here", frozenset({"mention"})),
            memory.Example("'; DROP TABLE items; --", frozenset()),
            memory.Example(long, frozenset({"long"})),
            memory.Example("C++ AI+chips a+b", frozenset({"plus"})),
        ],
    }
    questions = ["AMI deadline", "the the the", "DROP TABLE items", long, "zorblax", "", "a+b"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, examples in cases.items():
            found = memory.Memory(examples, groups=[f"g{n}" for n in range(len(examples))])
            for question in questions:
                assert_probabilities(found.likelihoods(words_of(question)))
                assert_probabilities(found.likelihoods([*words_of(question)] * 3))
                apart = np.zeros(len(examples), dtype=bool)
                apart[-1] = True
                if len(examples) > 1 and set(words_of(question)) & set(found.words):
                    assert_probabilities(found.likelihoods(words_of(question), apart=apart))
            every = np.ones(len(examples), dtype=bool)
            assert found.likelihoods(found.words[:1], apart=every) == ({}, {}, 0.0), name
    six = memory.Memory(cases["six items"]).likelihoods(words_of("AMI deadline"))
    assert six[0] == dict.fromkeys("abcdef", pytest.approx(six[0]["a"]))


# Memory.likelihoods against naive Bayes counted by hand ----------------------------------------


def test_likelihoods_are_naive_bayes_counted_by_hand():
    """Guard: on 300 random small memories and questions (repeated words, pairs, words no
    example holds), the probabilities are those counted by hand, to float32's five decimals."""
    rng = random.Random(20261205)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(300):
            examples, readings = random_memory(rng, rng.randint(1, 12))
            found = memory.Memory(examples, readings)
            forms = rng.choices((*VOCAB, "zorblax"), k=rng.randint(0, 6))
            words = [*forms, *memory.pairs_of(forms)]
            likely, behind, outside = found.likelihoods(words)
            assert_like(likely, outside, naive_bayes(examples, readings, words))
            assert_probabilities((likely, behind, outside))


def test_examples_set_apart_are_not_counted_when_they_bring_no_word():
    """Guard: with random examples set apart that hold no word (term or counted pair) the
    others lack, the probabilities are those counted by hand without them (the branch that
    takes their counts aside)."""
    rng = random.Random(7)
    compared = 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(1000):
            examples, readings = random_memory(rng, rng.randint(2, 12))
            found = memory.Memory(examples, readings)
            apart = np.array([rng.random() < 0.3 for _ in examples], dtype=bool)
            if not apart.any() or apart.all():
                continue
            kept = np.flatnonzero(~apart)
            without = memory.Memory([examples[n] for n in kept], [readings[n] for n in kept])
            forms = rng.choices(VOCAB, k=rng.randint(1, 5))
            words = [*forms, *memory.pairs_of(forms)]
            if set(without.words) != set(found.words) or not set(words) & set(found.words):
                continue
            likely, behind, outside = found.likelihoods(words, apart=apart)
            assert_like(likely, outside, naive_bayes(examples, readings, words, ~apart))
            assert_probabilities((likely, behind, outside))
            compared += 1
    assert compared > 100


@broken(
    "a pair is counted when PAIR_MIN examples hold it, the question's own copy among them: set "
    "apart, its copy still makes 'us+firm' a word, and the one other example holding it makes "
    "us-in-taiwan 0.61 (taiwan-in-us 0.37); counted without the copy (as a new question meets "
    "the examples) taiwan-in-us is the likeliest at 0.87 (us-in-taiwan 0.11). On the shipped "
    "examples with their batches, of the first 80 questions of train-a, train-ae and train-bb, "
    "73 count such a pair, 7 move by more than 0.1 (up to 0.88), 3 change their likeliest item"
)
def test_training_counts_no_pair_only_the_questions_own_examples_make_frequent():
    """In training a question must not meet its own examples (``apart``); but which pairs count
    as words, and how many words the bag holds, are decided with them: a pair of the question
    found in one other example only counts in training and never when the bot is asked."""
    rows = [
        example("us firm taiwan", {US_IN_TAIWAN}),  # the question's own copy
        example("us firm chip", {US_IN_TAIWAN}),  # the one other example with us+firm
        example("firm us taiwan", {TAIWAN_IN_US}),
        example("firm us chip", {TAIWAN_IN_US}),
        example("weather paris"),
    ]
    examples, readings = (list(column) for column in zip(*rows, strict=True))
    found = memory.Memory(examples, readings, groups=["mine", *["other"] * 4])
    apart = np.zeros(len(examples), dtype=bool)
    apart[found.left_out(examples[0].text, "mine")] = True
    words = ["us", "firm", "taiwan", "us+firm", "firm+taiwan"]
    likely, _, outside = found.likelihoods(words, apart=apart)
    assert_like(likely, outside, naive_bayes(examples, readings, words, ~apart))
    assert max(likely, key=likely.__getitem__) == TAIWAN_IN_US


@broken(
    "forget={concluded}: the closeness drops the examples answering it (of(deal) 0, vote 0) but "
    "naive Bayes still counts them under the deal they also answer: 'signed when' makes the deal "
    "0.62 likely and out of scope 0.38; without those examples 0.08 and 0.92. On the shipped "
    "examples, with us-tw-trade-deal-concluded forgotten (its 377 examples all answer "
    "us-tw-trade-deal too), 'when was the US Taiwan tariff deal concluded' makes us-tw-trade-deal "
    "1.000 likely; without them out of scope is 1.000"
)
def test_a_forgotten_item_lends_its_examples_to_no_other_item():
    """``forget`` (in training, the items a question meets as a server's new ones) gives the
    items no examples: the similarities meet none of those examples, for any item. Naive Bayes
    only drops the item's own column, so its examples' words still speak for the items they also
    answer, and the question about the "new" item finds its own examples in its parent item."""
    examples = [
        memory.Example("when was the tariff deal signed", frozenset({DEAL, DONE})),
        memory.Example("tariff deal signed on which date", frozenset({DEAL, DONE})),
        memory.Example("what does the tariff deal cover", frozenset({DEAL})),
        memory.Example("when was the treaty of Paris signed", frozenset()),
        memory.Example("when was the Eiffel tower built", frozenset()),
    ]
    found = memory.Memory(examples)
    question = "signed when"
    asked = dict.fromkeys(terms_of(question), 1.0)
    pairs = memory.pairs_of(terms_of(question))
    close = found.closeness(asked, lambda t: 1.0, forget=frozenset({DONE}), pairs=pairs)
    assert (close.of(DEAL), close.vote(DEAL)) == (0.0, 0.0)
    without = memory.Memory([e for e in examples if DONE not in e.items])
    likely, _, outside = without.likelihoods(words_of(question))
    assert close.likelihood(DEAL)[0] == pytest.approx(likely[DEAL], abs=1e-5)
    assert close.outside_likely == pytest.approx(outside, abs=1e-5)


def test_forget_and_odd_masks_that_mean_something_hold():
    """Guard: forgetting an unknown item changes nothing; forgetting every item leaves the
    out-of-scope examples sure; a forgotten item is never likely, the others and out of scope
    add up to one; all but one example set apart leaves that one's item sure; repeated words
    count once."""
    rows = [
        example("ami close date", {"deadline"}),
        example("ami close", {"deadline"}),
        example("us firm invest taiwan", {"invest"}),
        example("us invest taiwan", {"invest"}),
        example("weather paris"),
    ]
    examples, readings = (list(column) for column in zip(*rows, strict=True))
    found = memory.Memory(examples, readings)
    words = ["ami", "close", "ami+close"]
    plain = found.likelihoods(words)
    assert found.likelihoods(words, forget=frozenset({"nobody"})) == plain
    assert found.likelihoods(words * 3) == plain
    assert found.likelihoods(words, forget=frozenset({"deadline", "invest"})) == ({}, {}, 1.0)
    likely, behind, outside = found.likelihoods(words, forget=frozenset({"deadline"}))
    assert set(likely) == set(behind) == {"invest"}
    assert likely["invest"] + outside == pytest.approx(1.0)
    one = np.array([True, True, False, True, True])
    assert found.likelihoods(["us"], apart=one)[0] == {
        "deadline": 0.0,
        "invest": pytest.approx(1.0),
    }


def test_an_apart_mask_that_is_not_one_bool_per_example_is_refused():
    examples = [
        memory.Example("when does the AMI call close", frozenset({"deadline"})),
        memory.Example("AMI closing date", frozenset({"deadline"})),
        memory.Example("how much do US firms invest in Taiwan", frozenset({"invest"})),
        memory.Example("US investment in Taiwan amount", frozenset({"invest"})),
        memory.Example("what is the weather in Paris", frozenset()),
    ]
    found = memory.Memory(examples)
    words = terms_of("US Taiwan")
    mask = np.array([False, False, True, False, False])
    right = found.likelihoods(words, apart=mask)
    try:
        as_ints = found.likelihoods(words, apart=mask.astype(int))
    except (TypeError, ValueError):
        pass
    else:
        assert as_ints == right
    with pytest.raises(ValueError, match=r"apart|mask|example"):
        found.likelihoods(words, apart=np.array([*mask, False, True]))


# examples.jsonl --------------------------------------------------------------------------------

PAIRED = [
    memory.Example("how much do US firms invest in Taiwan", frozenset({US_IN_TAIWAN})),
    memory.Example("US firms invest in Taiwan chips", frozenset({US_IN_TAIWAN})),
    memory.Example("how much do Taiwan firms invest in the US", frozenset({TAIWAN_IN_US})),
    memory.Example('Taiwan firms invest in "US" chips \\ ok', frozenset({TAIWAN_IN_US})),
    memory.Example("what is the weather in Paris", frozenset()),
]


def test_an_examples_file_written_before_the_pairs_is_read_again():
    """A file without pairs cannot say whether its examples have none (one-word questions are
    written without the line) or were written before pairs existed: the analysis stamp tells
    (NORMALISER_VERSION 14 reads pairs). A file stamped with the analysis before them
    (a16f457d73789a39, cabea34's parent) is read again, pairs and all."""
    found = memory.Memory(PAIRED)
    header, *entries = entries_of(memory.as_jsonl(found))
    assert any("pairs" in entry for entry in entries)
    for entry in entries:
        entry.pop("pairs", None)
    old = jsonl([{**header, "analysis": "a16f457d73789a39"}, *entries])
    assert index_version() != "a16f457d73789a39"
    examples, readings = memory.parse(old)
    assert readings == [None] * len(examples)
    again = memory.Memory(examples, readings)
    words = words_of("do US firms invest in Taiwan")
    assert again.likelihoods(words)[0][US_IN_TAIWAN] == pytest.approx(
        found.likelihoods(words)[0][US_IN_TAIWAN]
    )


def pairs_file(**pairs: object) -> str:
    """A file of this analysis holding one example, "x y", with these pairs (none: no key)."""
    header = {"about": "edited by hand", "analysis": index_version()}
    return jsonl([header, {"q": "x y", "items": ["a"], "terms": "x y", **pairs}])


def test_a_bad_pairs_field_is_named_in_the_error():
    with pytest.raises(memory.ExamplesFileError, match=r"examples\.jsonl.*line 2") as raised:
        memory.parse(pairs_file(pairs=["x+y"]))
    said, _, _ = str(raised.value).partition("{")  # before the entry, which holds every key
    assert "pairs" in said


def test_the_examples_file_keeps_the_pairs():
    """Guard: written and read again, the examples count the same words, pairs included (quotes
    and backslashes in a question too), and the file holds only the pairs that count; a pairs
    field empty, spaced out or missing reads as the words it holds; one that is not a string is
    refused; another analysis's file is read again, pairs and all."""
    found = memory.Memory(PAIRED)
    text = memory.as_jsonl(found)
    examples, readings = memory.parse(text)
    assert examples == found.examples
    again = memory.Memory(examples, readings)
    assert again.readings == found.readings
    counted = [dict(zip(m.words, m.word_counts.tolist(), strict=True)) for m in (again, found)]
    assert counted[0] == counted[1]
    assert np.array_equal(again.sizes, found.sizes)
    paired = [p for p in found.words if "+" in p]
    assert paired
    assert {p for r in readings for p in r.pairs} == set(paired)
    assert all(r.pairs <= set(paired) for r in readings)
    for field, pairs in [
        ({"pairs": ""}, frozenset()),
        ({"pairs": "  x+y \t y+x "}, frozenset({"x+y", "y+x"})),
        ({}, frozenset()),
    ]:
        (reading,) = memory.parse(pairs_file(**field))[1]
        assert reading.pairs == pairs, field
    for wrong in [3, ["x+y"], True, None, {"x": "y"}]:
        with pytest.raises(memory.ExamplesFileError, match=r"examples\.jsonl.*line 2"):
            memory.parse(pairs_file(pairs=wrong))
    header, *entries = entries_of(text)
    assert header["analysis"] == index_version()
    stale = jsonl([{**header, "analysis": "another"}, *entries])
    assert memory.parse(stale)[1] == [None] * len(PAIRED)
    assert set(memory.Memory(*memory.parse(stale)).words) == set(found.words)


def test_no_term_is_ever_taken_for_a_pair():
    """Guard: a pair is "a+b"; no analysed term holds "+" ("C++", "AI+chips", "a+b"), nor any
    term of the shipped examples, so a typed "us+firm" is never the pair us+firm."""
    assert not [t for t in terms_of("C++ AI+chips us+firm a+b 5+5 Taïwan+France") if "+" in t]
    shipped = memory.load()
    assert not [t for r in shipped.readings for t in r.terms if "+" in t]
    assert all("+" in p for held in shipped.pairs_held() for p in held)


# fit_rank on degenerate groups ----------------------------------------------------------------


def group(rows: list[list[float]], right: list[int]) -> train.Example:
    return train.Example(None, np.array(rows, dtype=float), np.array(right, dtype=bool), None)


def gradient(groups: list[train.Example], w: np.ndarray) -> np.ndarray:
    x, right, starts, owner = train._stacked(groups)
    p, q = train._softmax(x @ w, right, starts, owner)
    return train.RANK_L2 * w + x.T @ (p - q)


DEGENERATE = {
    "one candidate": [group([[1.0, 0.5]], [1])] * 3,
    "every candidate right": [group([[1.0, 0.0], [0.0, 1.0]], [1, 1])] * 3,
    "a feature that separates": [
        group([[1.0, 0.0], [0.0, 0.0]], [1, 0]),
        group([[1.0, 1.0], [0.0, 1.0]], [1, 0]),
    ],
    "a feature that nearly decides": [group([[1.0, 0.0], [0.0, 0.1]], [1, 0])] * 20
    + [group([[0.0, 0.0], [1.0, 0.1]], [1, 0])],
    "huge values": [
        group([[1e6, 0.0], [0.0, 0.0]], [1, 0]),
        group([[0.0, 1.0], [1e6, 1.0]], [0, 1]),
        group([[5e5, 1.0], [2e5, 0.0]], [0, 1]),
    ],
    "a constant feature": [
        group([[1.0, 3.0], [0.0, 3.0]], [1, 0]),
        group([[0.0, 3.0], [1.0, 3.0]], [1, 0]),
        group([[0.2, 3.0], [0.9, 3.0]], [1, 0]),
    ],
}


@pytest.mark.parametrize("name", DEGENERATE)
def test_fit_rank_on_degenerate_groups_reaches_finite_weights(name):
    """Guard: no warning, finite weights, the penalised loss's gradient nought there, and a
    loss no higher than with no weights."""
    groups = DEGENERATE[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        w = train.fit_rank(groups)
        x, right, starts, owner = train._stacked(groups)
        loss = train._rank_loss(x @ w, right, starts, owner) + 0.5 * train.RANK_L2 * w @ w
        start = train._rank_loss(x @ np.zeros_like(w), right, starts, owner)
    assert np.isfinite(w).all()
    assert np.abs(gradient(groups, w)).max() < 1e-5
    assert loss <= start + 1e-12


def test_fit_rank_refuses_a_question_with_no_right_candidate():
    groups = [group([[1.0, 0.0], [0.0, 1.0]], [0, 0]), group([[1.0, 0.0], [0.0, 1.0]], [1, 0])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match=r"right|candidate"):
            train.fit_rank(groups)


# The engine ------------------------------------------------------------------------------------

PLAIN = {
    "when does the France–Taiwan call close?": "fr-tw-ami-deadline",
    "how much do US firms invest in Taiwan": "us-tw-us-firms-invest-15bn",
    "how much do Taiwanese companies invest in America?": "us-tw-trade-deal-investment-250bn",
    "who's in charge of the AMI on the French govt side": "fr-tw-ami-minister",
    "what is the weather in Paris": None,
}
VARIANTS = {
    "twice in one message": lambda q: f"{q} {q}",
    "words in another order": lambda q: " ".join(reversed(q.split())),
    "@everyone first": lambda q: f"@everyone {q}",
    "emoji after": lambda q: f"{q} 😀😀😀",
}


async def _ask_all() -> dict:
    async with seeded_engine() as engine:
        found = {}
        for question in PLAIN:
            for name, variant in {"as written": lambda q: q, **VARIANTS}.items():
                text = variant(question)
                found[name, question] = (await engine.ask(text), await engine.ask(text))
        rows = {}
        for question in PLAIN:
            _, rows[question] = await engine.candidates(question)
        return {"answers": found, "rows": rows}


@pytest.fixture(scope="module")
def asked():
    return asyncio.run(_ask_all())


@pytest.mark.parametrize("variant", ["as written", *VARIANTS])
def test_questions_the_pairs_could_mislead_are_answered_alike(asked, variant):
    """Guard: the same question twice in one message (a pair across the two), its words in
    reverse order, @everyone or emoji around it: the same item, or the same refusal; and the
    same answer when asked twice."""
    for question, item in PLAIN.items():
        first, second = asked["answers"][variant, question]
        assert seen(first)[1:] == seen(second)[1:], question
        assert (first.item.id if first.answered else None) == item, seen(first)


def test_the_likely_features_are_probabilities_for_every_candidate(asked):
    """Guard: likely and likely_behind in [0, 1], outside_likely alike for all candidates, the
    likely values of a question's candidates adding up to one at most with outside_likely."""
    for question, rows in asked["rows"].items():
        outside = {row[LIKELY + 2] for _, row in rows}
        assert len(outside) == 1, question
        for _, row in rows:
            assert all(0.0 <= v <= 1.0 for v in row[LIKELY : LIKELY + 3]), question
        assert sum(row[LIKELY] for _, row in rows) + outside.pop() <= 1.0 + 1e-9


async def test_a_servers_own_item_is_never_likely_and_still_answered(seeded):
    """Guard: an admin's new deadline has no examples: likely and likely_behind are 0 for it,
    and its members' questions are answered with it all the same."""
    knowledge, _, item = await server_with_deadline(seeded, GUILD, ADMIN, **ZORBLAX)
    for question in ["when is the Zorblax summit registration deadline?", "sommet Zorblax"]:
        answer = await knowledge.ask(question, lang="en", guild_id=GUILD)
        assert answer.answered and answer.item.id == item.id, seen(answer)
        found = await features_of(knowledge.engine, question, item.id, guild_id=GUILD)
        assert (found["likely"], found["likely_behind"], found["remembered"]) == (0, 0, 0)


def test_items_forgotten_in_training_are_never_likely():
    """Guard: ``train.examples(..., forget=...)`` gives the right items of a question learnt
    as new ones likely and likely_behind 0, though their examples are in the memory."""
    written = [
        ("when does the France-Taiwan call close?", "fr-tw-ami-deadline", "b1"),
        ("closing date of the AMI call", "fr-tw-ami-deadline", "b2"),
        ("how much do US firms invest in Taiwan", "us-tw-us-firms-invest-15bn", "b1"),
        ("US firms investment in Taiwan, how much", "us-tw-us-firms-invest-15bn", "b2"),
    ]
    questions = [
        sets.Question(text, "en", "dev", frozenset({item}), batch=batch)
        for text, item, batch in written
    ]
    known = train.remembered(questions)
    found = asyncio.run(train.examples(questions[::2], known, forget=lambda q: q.expect))
    for learnt in found:
        assert learnt.right.any(), learnt.question.text
        for row in learnt.rows[learnt.right]:
            assert (row[LIKELY], row[LIKELY + 1]) == (0.0, 0.0), learnt.question.text
