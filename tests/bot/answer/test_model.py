"""The refusal model's trees and the examples' closeness, on small hand-made cases."""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pytest

from bot.answer import memory, model
from bot.answer.features import RANK_FEATURES, REFUSE_FEATURES
from bot.answer.normalize import normalize
from bot.answer.structure import direction
from tests import questions as sets
from tests.questions import train

WIDTH = len(REFUSE_FEATURES)
ELSEWHERE = REFUSE_FEATURES.index("elsewhere")


def one_split(feature: int, cut: float, low: float, high: float) -> model.Model:
    """A model of one tree of depth 1: ``low`` at or below the cut, ``high`` above it."""
    trees = model.Trees(
        features=np.array([[feature]], dtype=np.intp),
        cuts=np.array([[cut]]),
        values=np.array([[low, high]]),
    )
    return model.Model(rank_weights=(0.0,) * 20, refuse_trees=trees, refuse_bias=0.0, threshold=0.5)


def test_a_tree_sends_a_row_left_or_right_of_its_cut():
    found = one_split(0, 0.5, -2.0, 3.0)
    row = [0.0] * WIDTH
    assert found.confidence(row) == pytest.approx(1 / (1 + math.exp(2.0)))
    row[0] = 0.9
    assert found.confidence(row) == pytest.approx(1 / (1 + math.exp(-3.0)))


def test_the_model_file_says_what_the_model_is():
    shipped = model.load()
    again = model.parse(shipped.as_toml())
    assert again.refuse_trees == shipped.refuse_trees
    assert again.rank_trees == shipped.rank_trees
    assert again.rank_weights == pytest.approx(shipped.rank_weights)
    assert (again.threshold, again.refuse_bias) == pytest.approx(
        (shipped.threshold, shipped.refuse_bias)
    )


def test_confidence_stays_a_probability_whatever_the_row():
    shipped = model.load()
    rng = np.random.default_rng(7)
    for _ in range(200):
        row = list(rng.normal(scale=1e6, size=WIDTH))
        assert 0.0 <= shipped.confidence(row) <= 1.0


def test_several_candidates_scored_at_once_score_as_each_alone():
    shipped = model.load()
    rng = np.random.default_rng(11)
    rows = [list(rng.normal(size=WIDTH)) for _ in range(4)]
    assert shipped.confidences(rows) == pytest.approx([shipped.confidence(r) for r in rows])
    assert shipped.confidences([]) == []
    assert shipped.confidences(np.array(rows)) == pytest.approx(shipped.confidences(rows))
    with pytest.raises(ValueError, match="refusal features"):
        shipped.confidences([[0.0] * (WIDTH - 1)])


def with_first_tree(change, of: str = "refuse") -> str:
    """The shipped model file with the first tree's lines of one model changed."""
    head, mark, trees = model.load().as_toml().partition(f"[[{of}.tree]]")
    return head + mark + change(trees)


def first_number_of(field: str, replacement: str):
    """A change to a tree's lines: the first number of ``field`` replaced."""
    return lambda trees: re.sub(rf"({field} = \[)[^,\]]+", rf"\g<1>{replacement}", trees, count=1)


@pytest.mark.parametrize(
    ("broken", "said"),
    [
        (with_first_tree(lambda t: t.replace("cuts = [", "cuts = [0.5, ", 1)), "shapes"),
        (with_first_tree(lambda t: t.replace("values = [", "values = [1.0, ", 1)), "shapes"),
        (with_first_tree(first_number_of("values", "nan")), "not a number"),
        (with_first_tree(first_number_of("cuts", "nan")), "not a number"),
        (with_first_tree(first_number_of("features", "-1")), "feature it does not have"),
        (with_first_tree(first_number_of("features", "2.5")), "feature it does not have"),
        (model.load().as_toml().replace("[[refuse.tree]]", "[[refuse.nothing]]"), "tree"),
    ],
)
def test_a_broken_tree_is_reported_by_name(broken, said):
    with pytest.raises(model.ModelFileError, match=r"model\.toml.*" + said):
        model.parse(broken)


@pytest.mark.parametrize(("of", "width"), [("refuse", WIDTH), ("rank", len(RANK_FEATURES))])
def test_a_tree_splitting_on_a_feature_it_does_not_have_is_refused(of, width):
    def out_of_range(trees: str) -> str:
        first, mark, rest = trees.partition("features = [")
        return first + mark + str(width) + rest[rest.index(",") :]

    with pytest.raises(model.ModelFileError, match="feature it does not have"):
        model.parse(with_first_tree(out_of_range, of))


def test_a_model_file_without_ranking_trees_asks_for_training_again():
    text = model.load().as_toml().replace("[[rank.tree]]", "[[rank.nothing]]")
    with pytest.raises(model.ModelFileError, match="train"):
        model.parse(text)


def test_ranking_trees_learn_what_a_weighted_sum_cannot():
    """Questions of two candidates: the right one is the one whose first two features agree
    (both high or both low). No weighting of the features tells it; trees do."""
    rng = np.random.default_rng(5)
    groups = []
    for _ in range(1500):
        rows = rng.uniform(size=(2, len(RANK_FEATURES)))
        rows[:, RANK_FEATURES.index("elsewhere")] = 0.0
        agree = (rows[:, 0] > 0.5) == (rows[:, 1] > 0.5)
        if agree.sum() != 1:
            continue
        groups.append(train.Example(None, rows, agree, None))
    weights = train.fit_rank(groups)
    trees = train.fit_rank_trees(groups, weights)
    summed = dataclasses.replace(model.neutral(), rank_weights=tuple(weights))
    both = dataclasses.replace(summed, rank_trees=trees)

    def right_first(ranking: model.Model) -> float:
        return np.mean([g.right[int(np.argmax(ranking.logits(g.rows)))] for g in groups])

    assert right_first(summed) < 0.65
    assert right_first(both) > 0.9
    rows = groups[0].rows
    assert both.logits(rows) == pytest.approx([both.logit(list(r)) for r in rows])
    assert both.logits([]) == []


def test_boosted_trees_learn_what_one_feature_alone_does_not_tell():
    """The right answers are those where two features agree; neither alone tells."""
    rng = np.random.default_rng(3)
    x = rng.uniform(size=(2000, WIDTH))
    y = ((x[:, 0] > 0.5) == (x[:, 1] > 0.5)).astype(float)
    trees, bias = train.fit_trees(x, y)
    guessed = (bias + trees.scores(x)) > 0
    assert (guessed == (y > 0)).mean() > 0.9
    one = model.Model((0.0,) * 20, trees, bias, 0.5)
    row = x[:1].copy()
    row[0, ELSEWHERE] = 0.0  # of the partnership a question names, if it names one
    assert one.confidence(list(row[0])) == pytest.approx(
        1 / (1 + math.exp(-(bias + trees.scores(row)[0])))
    )


def test_a_node_summed_as_its_parent_less_its_sibling_sums_as_its_own_rows():
    """Growing a tree, the larger of two siblings is its parent less the smaller: the same sums
    (to the last digits) as its rows give, for siblings of any sizes, one of them empty too."""
    rng = np.random.default_rng(5)
    x = rng.uniform(size=(500, 6))
    data = train.Binned.of(x)
    g, h = rng.normal(size=500), rng.uniform(0.1, 1.0, size=500)
    at = rng.choice(8, size=500, p=[0.05, 0.3, 0.2, 0.2, 0.25, 0.0, 0.0, 0.0])  # 6 and 7 empty
    parents = train._sums(data, g, h, at // 2, 4, None)
    derived = train._sums(data, g, h, at, 8, parents)
    direct = train._sums(data, g, h, at, 8, None)
    assert derived == pytest.approx(direct, abs=1e-9)
    assert derived[2].sum() == 500 * x.shape[1]  # every row counted once per feature


def test_a_candidate_of_another_partnership_than_the_one_named_is_never_sure():
    """ "what are the EPPD's priority themes?" is not answered with the AMI's, however sure the
    trees are of them: such a candidate comes after the others, and scores 0."""
    x = np.random.default_rng(3).uniform(size=(2000, WIDTH))
    trees, bias = train.fit_trees(x, (x[:, 0] > 0.5).astype(float))
    sure = model.Model((1.0,) * len(RANK_FEATURES), trees, bias, 0.5)
    row = [1.0] + [0.0] * (WIDTH - 1)
    assert sure.confidence(row) > 0.9
    row[ELSEWHERE] = 1.0
    assert sure.confidence(row) == 0.0
    mine, other = [0.0] * len(RANK_FEATURES), [0.0] * len(RANK_FEATURES)
    other[RANK_FEATURES.index("elsewhere")] = 1.0
    ranked = sorted([(9.0, other), (1.0, mine)], key=lambda e: model.rank_key(*e))
    assert ranked[0][1] is mine


def test_refusing_more_out_of_scope_questions_costs_answerable_ones():
    """The trade-off --folds reports: the threshold that refuses a share of the out-of-scope
    questions, and what it leaves answered of the others (answered only when the best is right)."""
    outside = [
        train.Outcome(False, False, p) for p in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
    ]
    inside = [train.Outcome(True, True, p) for p in (0.35, 0.65, 0.85, 0.92, 0.99)]
    inside.append(train.Outcome(True, False, 0.99))  # sure, but of a wrong item
    curve = dict(train.trade_off(outside + inside, (0.5, 0.9, 1.0)))
    assert curve == {0.5: 4 / 6, 0.9: 2 / 6, 1.0: 1 / 6}


def closeness(examples: list[memory.Example], question: str) -> memory.Closeness:
    found = memory.Memory(examples)
    asked = {t.forms[0]: 1.0 for t in normalize(question).terms}
    return found.closeness(asked, lambda term: 1.0, flow=direction(question))


def test_an_example_about_the_other_flow_is_not_close():
    examples = [memory.Example("how much do US companies invest in Taiwan", frozenset({"a"}))]
    assert closeness(examples, "how much do Taiwanese companies invest in the US").of("a") == 0
    assert closeness(examples, "how much do US firms invest in Taiwan").of("a") > 0.5


def test_a_flow_asked_both_ways_is_read_as_its_first_way_among_the_examples():
    """ "…, or the other way round?" is near the examples of its first way, not of the reverse.
    With the examples of either way near it, the out-of-scope ones of the way nobody states
    outvoted the way the knowledge states: "Does the US lower tariffs on Taiwanese goods or the
    other way round?" fell from 0.88 (without the phrase) to 0.03. An example asking both ways
    is near questions of either way."""
    both = "how much do Taiwanese companies invest in the US, or the other way round"
    first_way = [memory.Example("how much do Taiwanese firms invest in the US", frozenset({"a"}))]
    reverse = [memory.Example("how much do US companies invest in Taiwan", frozenset({"a"}))]
    assert closeness(first_way, both).of("a") > 0.5
    assert closeness(reverse, both).of("a") == 0
    both_ways = [memory.Example(both, frozenset({"a"}))]
    assert closeness(both_ways, "how much do US companies invest in Taiwan").of("a") > 0.5
    assert closeness(both_ways, "how much do Taiwanese companies invest in the US").of("a") > 0.5


def test_an_example_about_other_parties_is_not_close():
    examples = [memory.Example("How much does Taiwan invest in Germany?", frozenset())]
    assert closeness(examples, "How much does Taiwan invest in the US?").outside == 0
    # Naming fewer parties than the example is no contradiction.
    assert closeness(examples, "How much does Taiwan invest?").outside > 0.5


def test_an_example_about_another_partnership_is_not_close():
    """ "who leads the AMI" met the dev examples of who leads the EPPD first, and was answered
    with the EPPD's leaders: the two partnerships' one-word names are not parties."""
    examples = [memory.Example("who leads the EPPD talks", frozenset({"eppd-leaders"}))]
    found = memory.Memory(examples)
    asked = {t.forms[0]: 1.0 for t in normalize("who leads the AMI talks").terms}
    assert found.closeness(asked, lambda term: 1.0).of("eppd-leaders") > 0.5
    names = frozenset({"zcall", "eppd"})
    apart = found.closeness(asked, lambda term: 1.0, partnerships=names, named=frozenset({"zcall"}))
    assert apart.of("eppd-leaders") == 0


def test_examples_told_apart_by_name_keep_a_few_lists_of_names():
    """Which examples hold each name is kept per list of names (the parties, the partnerships):
    a process whose lists change keeps the last few, and still tells the examples apart."""
    examples = [memory.Example("who leads the EPPD talks", frozenset({"eppd-leaders"}))]
    found = memory.Memory(examples)
    asked = {t.forms[0]: 1.0 for t in normalize("who leads the AMI talks").terms}
    for n in range(3 * memory.NAME_LISTS):
        names = frozenset({"zcall", "eppd", f"other{n}"})
        apart = found.closeness(
            asked, lambda term: 1.0, partnerships=names, named=frozenset({"zcall"})
        )
        assert apart.of("eppd-leaders") == 0
    assert len(found._naming) == memory.NAME_LISTS


def test_words_lean_to_questions_nothing_answers_by_the_examples_not_counting_the_question():
    """A word found mostly in out-of-scope examples ("university") leans to them, one found in
    answered ones does not; a word no example holds leans as all examples do. In training the
    question itself is among the examples: it must not count, or its own label would leak."""
    examples = [
        memory.Example("what university did Helberg attend", frozenset()),
        memory.Example("which university trained Kung", frozenset()),
        memory.Example("who leads the EPPD talks", frozenset({"eppd-leaders"})),
        memory.Example("who led the EPPD sixth round", frozenset({"eppd-leaders"})),
    ]
    found = memory.Memory(examples)
    university, eppd, unknown = (
        normalize(word).terms[0].forms[0] for word in ("university", "EPPD", "zorblax")
    )
    words = (university, eppd, unknown)
    lean = dict(zip(words, found.outside_rates(words), strict=True))
    assert lean[university] > found.outside_share > lean[eppd]
    assert lean[unknown] == pytest.approx(found.outside_share)
    asked = "what university did Helberg attend"
    alone = found.outside_rates([university], leave_out=asked)[0]
    # Counted as if the question were not among the examples: one out-of-scope example left.
    assert alone < lean[university]
    prior = memory.LEAN_PRIOR
    assert alone == pytest.approx((1 + prior * found.outside_share) / (1 + prior))


def test_a_question_left_out_in_training_takes_its_batch_with_it():
    """One writer asks one thing several ways; a member's question meets none of those. A
    question left out (in training) meets no example of its group, in closeness and in the lean
    of its words; another group's example still counts. Without groups, only its copies are
    left out."""
    examples = [
        memory.Example("what university did Helberg attend", frozenset()),
        memory.Example("which university did Helberg go to", frozenset()),
        memory.Example("Helberg university degree", frozenset({"eppd-leaders"})),
    ]
    asked_text = examples[0].text
    asked = {t.forms[0]: 1.0 for t in normalize(asked_text).terms}
    university = normalize("university").terms[0].forms[0]
    grouped = memory.Memory(examples, groups=["b1", "b1", "b2"])
    near = grouped.closeness(asked, lambda term: 1.0, leave_out=asked_text, leave_group="b1")
    assert near.outside == 0.0 and near.of("eppd-leaders") > 0.0
    prior, share = memory.LEAN_PRIOR, grouped.outside_share
    (lean,) = grouped.outside_rates([university], leave_out=asked_text, leave_group="b1")
    assert lean == pytest.approx((0 + prior * share) / (1 + prior))
    alone = memory.Memory(examples)
    assert alone.closeness(asked, lambda term: 1.0, leave_out=asked_text).outside > 0.4
    (lean,) = alone.outside_rates([university], leave_out=asked_text, leave_group="b1")
    assert lean == pytest.approx((1 + prior * share) / (2 + prior))
    assert list(grouped.left_out("a question nobody asked")) == []


def test_the_examples_set_apart_are_found_among_a_words_examples_as_a_full_look_finds_them():
    """In training, the examples a question may not meet are looked up among those holding each
    of its words by a search of the few in the many: it finds what looking at each finds, at
    either end, in the middle, and in none."""
    rng = np.random.default_rng(7)
    for _ in range(300):
        many = np.unique(rng.integers(0, 60, size=rng.integers(0, 40)))
        few = np.unique(rng.integers(0, 60, size=rng.integers(0, 10)))
        mask = np.zeros(60, dtype=bool)
        mask[few] = True
        assert memory._among(many, few).tolist() == many[mask[many]].tolist()


def test_held_out_folds_and_calibration_folds_take_whole_batches():
    """A held-out question meets no question of its batch among those the models learnt from,
    in the figures of ``--folds`` and in the folds that set the threshold."""
    questions = [
        sets.Question(f"q{n}", "en", "dev", frozenset(), batch=f"train-{n % 7}") for n in range(70)
    ]
    fold_of = train.folds_of(questions, 5)
    by_batch: dict[str, set[int]] = {}
    for question, fold in zip(questions, fold_of, strict=True):
        by_batch.setdefault(question.batch, set()).add(fold)
    assert all(len(folds) == 1 for folds in by_batch.values())
    assert set(fold_of) == set(range(5))
    assert {q.batch for q in sets.dev()} >= {"dev", "train-a", "train-bh"}


def test_an_example_naming_a_partnerships_parties_stays_close_to_its_one_word_name():
    """ "who led the US-Taiwan talks?" is about the EPPD: the parties it names are not another
    partnership, and "who led the EPPD talks" is still close to it."""
    examples = [memory.Example("who led the US-Taiwan talks?", frozenset({"eppd-leaders"}))]
    found = memory.Memory(examples)
    asked = {t.forms[0]: 1.0 for t in normalize("who led the EPPD talks").terms}
    names = frozenset({"zcall", "eppd"})
    near = found.closeness(asked, lambda term: 1.0, partnerships=names, named=frozenset({"eppd"}))
    assert near.of("eppd-leaders") > 0.3


def test_the_nearest_examples_vote_with_how_close_they_are():
    """Votes were each neighbour's share of the neighbours' closeness, so a question far from
    every example (a server's new Zorblax summit, named in words no example holds) still gave
    the AMI deadline a full vote from its one weak neighbour, and lost the Zorblax deadline
    to it."""
    examples = [memory.Example("when does the AMI call close", frozenset({"ami"}))]
    near = closeness(examples, "when does the AMI call close")
    far = closeness(examples, "when does the Zorblax summit registration close")
    assert near.vote("ami") == pytest.approx(near.of("ami") / memory.NEAREST)
    assert 0 < far.vote("ami") < near.vote("ami")


def terms_of(text: str) -> list[str]:
    return [t.forms[0] for t in normalize(text).terms]


LIKELY_EXAMPLES = [
    memory.Example("when does the AMI call close", frozenset({"deadline"})),
    memory.Example("AMI closing date", frozenset({"deadline"})),
    memory.Example("how much do US firms invest in Taiwan", frozenset({"invest"})),
    memory.Example("US investment in Taiwan amount", frozenset({"invest"})),
    memory.Example("what is the weather in Paris", frozenset()),
]


def test_the_words_of_an_items_examples_make_it_likely():
    """Naive Bayes over the examples: a question in the words of one item's examples makes that
    item the likeliest, the others far behind; the probabilities, out of scope included, add
    up to one."""
    found = memory.Memory(LIKELY_EXAMPLES)
    likely, behind, outside = found.likelihoods(terms_of("when does the AMI close"))
    assert likely["deadline"] > 0.9 > 0.05 > likely["invest"]
    assert behind["deadline"] == 1.0 > behind["invest"] >= 0.0
    assert sum(likely.values()) + outside == pytest.approx(1.0)
    asked = dict.fromkeys(terms_of("Paris weather"), 1.0)
    close = found.closeness(asked, lambda term: 1.0)
    assert close.outside_likely > 0.5 > close.likelihood("deadline")[0]
    assert close.likelihood("an item nobody asked about") == (0.0, 0.0)


def test_a_question_in_no_examples_words_gets_the_items_shares_of_the_examples():
    found = memory.Memory(LIKELY_EXAMPLES)
    likely, behind, outside = found.likelihoods(terms_of("zorblax quux"))
    assert likely == {"deadline": pytest.approx(0.4), "invest": pytest.approx(0.4)}
    assert behind == {"deadline": 1.0, "invest": 1.0}
    assert outside == pytest.approx(0.2)
    assert memory.Memory([]).likelihoods(terms_of("AMI")) == ({}, {}, 0.0)


def test_likelihoods_in_training_count_no_example_left_out(monkeypatch):
    """A question learnt from (its batch left out) is scored as if those examples were not
    counted (the words counted aside: pairs of words are not counted here, so that the examples
    left out bring no new one); each word still weighs by its rarity among all the examples,
    those left out too (``word_weights``). An item forgotten (as a server's new item) is never
    likely."""
    monkeypatch.setattr(memory, "PAIR_MIN", 100)
    extra = memory.Example("AMI call close date", frozenset({"deadline"}))  # no new word
    grouped = memory.Memory([*LIKELY_EXAMPLES, extra], groups=["a"] * 5 + ["b"])
    left = np.zeros(6, dtype=bool)
    left[grouped.left_out(extra.text, "b")] = True
    asked = terms_of("when is the AMI closing")
    # The memory without the examples left out, its words weighed as among all six examples.
    fewer = memory.Memory(LIKELY_EXAMPLES)
    assert fewer.words == grouped.words
    assert not np.allclose(fewer.word_weights, grouped.word_weights)
    monkeypatch.setattr(fewer, "word_weights", grouped.word_weights)
    without = fewer.likelihoods(asked)
    for mine, theirs in zip(grouped.likelihoods(asked, apart=left), without, strict=True):
        assert mine == pytest.approx(theirs)
    assert grouped.likelihoods(asked)[0] != pytest.approx(without[0])
    likely, behind, outside = grouped.likelihoods(asked, forget=frozenset({"deadline"}))
    assert "deadline" not in likely and "deadline" not in behind
    assert likely["invest"] + outside == pytest.approx(1.0)
    close = grouped.closeness(dict.fromkeys(asked, 1.0), lambda t: 1.0, forget={"deadline"})
    assert close.likelihood("deadline") == (0.0, 0.0)


def test_the_order_of_words_tells_items_apart():
    """Pairs of neighbouring words count: the same words in another order ("Taiwan firms in
    the US", "US firms in Taiwan") make another item likely."""
    examples = [
        memory.Example("US firms invest in Taiwan chips", frozenset({"us-in-taiwan"})),
        memory.Example("how much do US firms invest in Taiwan", frozenset({"us-in-taiwan"})),
        memory.Example("Taiwan firms invest in US chips", frozenset({"taiwan-in-us"})),
        memory.Example("how much do Taiwan firms invest in US", frozenset({"taiwan-in-us"})),
    ]
    found = memory.Memory(examples)

    def likely(question: str) -> dict[str, float]:
        terms = terms_of(question)
        return found.likelihoods([*terms, *memory.pairs_of(terms)])[0]

    assert likely("do US firms invest in Taiwan")["us-in-taiwan"] > 0.8
    assert likely("do Taiwan firms invest in US")["taiwan-in-us"] > 0.8


def test_each_examples_total_weight_is_the_sum_of_its_terms_in_their_sorted_order():
    """The examples' totals, a vector sum per place, are bit for bit the sums of each example's
    terms' weights added in their sorted order, as the models were trained with: the shipped
    examples, weights with many digits, and examples of no term or of one."""
    shipped = memory.load()
    rng = np.random.default_rng(11)
    weights = {}

    def weight(term: str) -> float:
        return weights.setdefault(term, float(rng.random() * 10 + rng.random() * 1e-9))

    expected = [sum(weight(t) for t in sorted(r.terms)) for r in shipped.readings]
    assert shipped.totals(weight).tolist() == expected
    few = memory.Memory(
        [
            memory.Example("?", frozenset()),
            memory.Example("AMI", frozenset({"a"})),
            memory.Example("AMI EPPD", frozenset()),
        ]
    )
    assert [len(r.terms) for r in few.readings] == [0, 1, 2]
    assert few.totals(lambda term: 0.25 if term == "eppd" else 1.5).tolist() == [0.0, 1.5, 1.75]
