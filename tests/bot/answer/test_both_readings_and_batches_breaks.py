"""Trying to break two changes: 35b212f (a question asked both ways, "…, or the other way
round?", is read each way and the reading whose best candidate is surer is kept) and d3b68b8 (in
training, a question left out of the examples takes its batch with it; held-out folds and
calibration folds take whole batches).

Tests named "guard" held when written: each pins a path that was attacked and did not break.
Strict xfails fail today and say what a member or an operator sees. The other tests were
breaks of d3b68b8, mended since: a question asked both ways is read its first way unless only
the second is stated end to end, each way read strictly; a question left out takes its copies
and its own batch; the copies of a text fall in one fold. Figures were measured on d3b68b8.
The questions asked of the seeded engine are asked once, by the module's ``answers``. Nothing
here reads the frozen test set: the batches of training come from dev.toml and train/ directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import subprocess
import sys
import tomllib
import zlib
from datetime import timedelta

import numpy as np
import pytest

from bot.answer import memory
from bot.answer.engine import CANDIDATES, AnswerEngine, index_for
from bot.conversation import followup
from bot.knowledge import Knowledge
from store import items as items_sql
from store import search as search_sql
from store.items import admin_deadline
from tests import questions as sets
from tests.questions import seeded_engine, train
from tests.support import PROJECT, TODAY, WAIT, Clock, other_tasks, seen, settled

TSMC = "fr-tw-ami-taiwan-investment"  # Taiwanese investment in France and Europe
FIFTEEN = "us-tw-us-firms-invest-15bn"  # US firms invest USD 15 bn in Taiwan
PLEDGE = "us-tw-trade-deal-investment-250bn"  # Taiwan pledges USD 250 bn in the US
FRANCE_BOTH_WAYS = "Does France invest in Taiwan or the other way round?"

# Both ways: each way asked alone is refused, and nothing states a flow between these parties.
US_CHINA = [
    "Does the US invest in China or vice versa?",
    "Do American firms invest in China or the reverse?",
    "Les États-Unis investissent-ils en Chine ou l'inverse ?",
]
US_CHINA_ONE_WAY = [
    "Does the US invest in China?",
    "Does China invest in the US?",
    "Do American firms invest in China?",
    "Les États-Unis investissent-ils en Chine ?",
    "La Chine investit-elle aux États-Unis ?",
]
NOBODY_CONNECTS = [
    "Does Japan invest in the US or the other way round?",
    "Does Korea invest in the US or vice versa?",
    "Does Germany invest in Taiwan or the other way round?",
    "Does Taiwan invest in Japan or the reverse?",
    "Does France invest in the US or the other way round?",
    "Does the Netherlands sell lithography machines to Taiwan or the other way round?",
    "Does Taiwan export chips to China or the other way round?",
]
# The same question with its parties swapped: the same two readings.
SWAPPED = [
    ("Does France invest in Taiwan or the other way round?", TSMC),
    ("Does Taiwan invest in France or the other way round?", TSMC),
    ("Does the US invest in Taiwan or the other way round?", FIFTEEN),
    ("Does Taiwan invest in the US or the other way round?", PLEDGE),
    ("Does Japan invest in the US or the other way round?", None),
    ("Does the US invest in Japan or the other way round?", None),
]
HOSTILE = [  # each is FRANCE_BOTH_WAYS, answered with TSMC (0.81 to 0.92)
    "<@123456789012345678> <@&42> <#99> " + FRANCE_BOTH_WAYS + " <:taiwan:123456>",
    "🇫🇷🇹🇼 " + FRANCE_BOTH_WAYS + " 🤔🤔🤔",
    "**" + FRANCE_BOTH_WAYS + "**",
    "```" + FRANCE_BOTH_WAYS + "```",
    "> " + FRANCE_BOTH_WAYS,
    "||" + FRANCE_BOTH_WAYS + "||",
    FRANCE_BOTH_WAYS.replace("other way", "other\u00a0way"),
    FRANCE_BOTH_WAYS.upper(),
    FRANCE_BOTH_WAYS + " ou l'inverse ?",
    "Does France invest in Taiwan (or the other way round (or the other way round))?",
    "Does France invest in Taiwan or vice versa or the reverse or the opposite or conversely?",
    "La France investit-elle à Taïwan or the other way round?",
    "Does France invest in Taiwan ou l'inverse ?",
    "La France investit-elle à Taïwan, ou est-ce l'inverse ?",
    (FRANCE_BOTH_WAYS + " ") * 115,  # 6,095 characters
    FRANCE_BOTH_WAYS + " " + "x" * 5_950,
]
PHRASE_ONLY = [
    "or the other way round?",
    "or the other way round? " * 250,  # 6,000 characters
    "ou l'inverse ? or vice versa? et inversement",
    "@everyone or the other way round? @here",
]
# The phrase followed by a comma or by more words
NOT_AT_THE_END = [
    "Does France invest in Taiwan or the other way round, or both?",
    "Does France invest in Taiwan or the other way round, please?",
    "Does France invest in Taiwan or the other way round lol",
    "Does France invest in Taiwan, or vice versa, I forget",
]
ZERO_WIDTH = FRANCE_BOTH_WAYS.replace(" ", "\u200b ")
BOTH_STATED = "Does the US invest in Taiwan or the other way round?"
WITH_KIND = [
    FRANCE_BOTH_WAYS,
    "How much does Taiwan invest in the US, or the other way round?",
    "How many billion dollars does the US put into Taiwan or the reverse?",
    "Combien les États-Unis investissent-ils à Taïwan ou l'inverse ?",
    "Taïwan investit-il aux États-Unis ou le contraire ?",
    "When must French firms apply to invest in Taiwan, or the other way round?",
    "Does the US invest in China or vice versa?",
]
QUESTIONS = [
    FRANCE_BOTH_WAYS,
    *US_CHINA,
    *US_CHINA_ONE_WAY,
    *NOBODY_CONNECTS,
    *(q for q, _ in SWAPPED),
    *HOSTILE,
    *PHRASE_ONLY,
    *NOT_AT_THE_END,
    ZERO_WIDTH,
    BOTH_STATED,
]


def broken(reason: str, **options) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason, **options)


async def _ask_all() -> dict:
    async with seeded_engine() as engine:
        found = {q: await engine.ask(q) for q in dict.fromkeys(QUESTIONS)}
        for question in WITH_KIND:
            everything = await engine.rank(question, limit=CANDIDATES)
            kinds = {
                kind: await engine.rank(question, kind=kind, limit=5)
                for kind in ("figure", "partnership", "deadline")
            }
            found[question, "rank"] = (everything, kinds, await engine.ask(question))
        found["threshold"] = engine.model.threshold
        return found


@pytest.fixture(scope="module")
def answers():
    return asyncio.run(_ask_all())


# Read each way (35b212f) ---------------------------------------------------------------------


def test_guard_the_us_and_china_asked_one_way_are_refused(answers):
    """Guard, and the ground of the next test: the US investing in China, and China in the US,
    asked one way, are refused (at most 0.27): the knowledge states neither. "Does the US invest
    in China?" was answered with US firms' USD 15 bn in Taiwan (0.57) after the naive Bayes
    refit; refused again since the weighted one (0.53, threshold 0.584)."""
    for question in US_CHINA_ONE_WAY:
        answer = answers[question]
        assert not answer.answered, seen(answer)


def test_a_flow_nobody_states_either_way_is_not_answered_by_its_second_reading(answers):
    """Were answered: "Does the US invest in China or vice versa?" got "US firms invest USD 15 bn
    in Taiwan" (72 %), "Do American firms invest in China or the reverse?" (86 %), and "Les
    États-Unis investissent-ils en Chine ou l'inverse ?" (67 %), though each way asked alone is
    refused (0.27, 0.10; 0.02 in French). Before 35b212f they were refused (their first reading).
    The second reading is China into the US, still marked either_way: direction_fit gives 0, not
    -1, to the item's US→Taiwan flow, which runs against it. Scoring each reading as one way
    (either_way off in direction_fit) refuses all three (0.27, 0.41, 0.09) and keeps every
    answer of test_both_ways_breaks.py but one (its 4,138-character noisy question, 0.77 →
    0.60). Now each way is read strictly, the second only when a candidate states it end to end
    and none states the first. The first was answered again after the naive Bayes refit (0.57),
    as asked one way; refused since the weighted one (0.53, threshold 0.584)."""
    for question in US_CHINA:
        answer = answers[question]
        assert not answer.answered, seen(answer)


def test_guard_both_ways_between_parties_nobody_connects_are_refused(answers):
    """Guard: Japan, Korea, Germany, the Netherlands, China and France with the US or Taiwan,
    asked both ways: refused either way read (at most 0.13)."""
    for question in NOBODY_CONNECTS:
        answer = answers[question]
        assert not answer.answered, seen(answer)


@broken(
    "'Does France invest in Taiwan or the other way round?' gets TSMC at 0.68 and 'Does Taiwan "
    "invest in France or the other way round?' at 0.70 since the weighted naive Bayes refit "
    "(threshold 0.584): 0.02 apart, 0.01 allowed; both 0.55 before; the two other pairs still "
    "hold"
)
def test_guard_a_question_asked_both_ways_does_not_depend_on_which_party_comes_first(answers):
    """Guard: "Does A invest in B or the other way round?" and "Does B invest in A …" are the
    same two readings: the same answer at the same confidence, or both refused, unless both ways
    are stated: then each is answered its first way (the US in Taiwan, Taiwan in the US)."""
    for first, second in zip(SWAPPED[::2], SWAPPED[1::2], strict=True):
        one, other = answers[first[0]], answers[second[0]]
        assert one.answered == (first[1] is not None), seen(one)
        assert (one.item.id if one.answered else None) == first[1], seen(one)
        assert (other.item.id if other.answered else None) == second[1], seen(other)
        if first[1] is not None and first[1] == second[1]:
            assert one.confidence == pytest.approx(other.confidence, abs=0.01), (
                seen(one),
                seen(other),
            )


def test_guard_both_ways_stated_answers_one_way_and_offers_the_other(answers):
    """Guard: "Does the US invest in Taiwan or the other way round?" gets the USD 15 bn of US
    firms in Taiwan (0.99), and the reading kept still offers Taiwan's USD 250 bn pledge in the
    US (0.69) among its alternatives: the way not kept is not lost."""
    answer = answers[BOTH_STATED]
    assert answer.answered and answer.item.id == FIFTEEN, seen(answer)
    assert PLEDGE in [m.item_id for m in answer.matches], seen(answer)


@broken(
    "refused, TSMC offered (threshold 0.584): since the naive Bayes refit 'Does France invest in "
    "Taiwan or vice versa or the reverse or the opposite or conversely?' at 0.36, 'La France "
    "investit-elle à Taïwan or the other way round?' at 0.06, 'La France investit-elle à Taïwan, "
    "ou est-ce l'inverse ?' at 0.18 (TSMC before: 0.89, 0.88, 0.88), and now the question padded "
    "with 5,950 'x' at 0.54; the 12 others still get TSMC (0.68)"
)
def test_guard_hostile_text_around_a_both_ways_question_keeps_its_answer(answers):
    """Guard: mentions, emoji, Markdown, a spoiler, a no-break space, capitals, the phrase in
    both languages at once, nested in brackets, five phrases in a row, 6,000 characters (the
    question repeated, or padded after the phrase): each gets TSMC in Europe as the plain
    question does (0.71 to 0.92)."""
    for question in HOSTILE:
        answer = answers[question]
        assert answer.answered and answer.item.id == TSMC, seen(answer)[1:]


def test_guard_the_phrase_alone_is_refused(answers):
    """Guard: "or the other way round?" alone, 250 times, in three forms at once, or between
    @everyone and @here: no party, no flow, nothing to read twice; refused without an error."""
    for question in PHRASE_ONLY:
        answer = answers[question]
        assert not answer.answered and answer.text, seen(answer)[1:]


@broken(
    "'Does France invest in Taiwan, or vice versa, I forget' is refused at 0.21 (threshold "
    "0.584), TSMC offered, since the naive Bayes refit; answered with TSMC at 0.90 before; the "
    "three others still get TSMC (0.65 to 0.68)"
)
def test_a_both_ways_phrase_followed_by_more_words_is_read_each_way(answers):
    """Were refused: "Does France invest in Taiwan or the other way round, or both?" (25 %), "…,
    or the other way round, please?" (43 %), "… or the other way round lol" (43 %); and "Does
    France invest in Taiwan, or vice versa, I forget" got "US firms invest USD 15 bn in Taiwan"
    (69 %): the phrase was read only at a clause's end, the comma left out of it for "or the
    opposite, lower?". "The other way round" and "vice versa" name no word's opposite, and now
    count wherever they stand."""
    for question in NOT_AT_THE_END:
        answer = answers[question]
        assert answer.answered and answer.item.id == TSMC, seen(answer)


def test_zero_width_spaces_do_not_hide_the_phrase(answers):
    """Were refused: FRANCE_BOTH_WAYS with a zero-width space before each space (pasted from a
    web page) was read one way (43 %, the USD 15 bn offered), the phrase's pattern wanting
    spaces between its words. Characters that show nothing are now dropped before reading."""
    answer = answers[ZERO_WIDTH]
    assert answer.answered and answer.item.id == TSMC, seen(answer)


def test_guard_rank_keeps_the_reading_ask_keeps_with_and_without_a_kind(answers):
    """Guard: for questions asked both ways, /ask's autocomplete (rank without a kind) puts
    first what /ask answers, at the same confidence; /figure's, /partnership's and the deadline
    commands' (rank with a kind) score each item as in the reading kept, or, looked up apart
    when none of that kind is among the candidates, below the threshold."""
    threshold = answers["threshold"]
    for question in WITH_KIND:
        everything, kinds, answer = answers[question, "rank"]
        assert everything[0].score == pytest.approx(answer.confidence), question
        if answer.answered:
            assert everything[0].item_id == answer.item.id, question
        scores = {s.item_id: s.score for s in everything}
        for kind, ranked in kinds.items():
            for s in ranked:
                assert s.kind == kind, (question, kind)
                kept = s.item_id in scores and s.score == pytest.approx(scores[s.item_id])
                assert kept or s.score < threshold, (question, kind, s)


async def test_guard_a_question_asked_both_ways_searches_once(seeded, monkeypatch):
    """Guard: a question asked one way searches once; asked both ways with a flow, once too (the
    second reading is scored on the same candidates); the phrase alone, never."""
    engine = AnswerEngine(seeded, clock=lambda: TODAY)
    searched: list[str] = []
    real = search_sql.candidates

    async def counted(conn, match, **options):
        searched.append(match)
        return await real(conn, match, **options)

    monkeypatch.setattr(search_sql, "candidates", counted)
    for question, searches in [
        ("Does Taiwan invest in France?", 1),
        (FRANCE_BOTH_WAYS, 1),
        ("or the other way round?", 0),
        ("France, or the other way round?", 1),
    ]:
        searched.clear()
        await engine.ask(question)
        assert len(searched) == searches, question


async def test_guard_a_servers_own_item_found_both_ways_stays_its_own(seeded):
    """Guard: a server's admin added "Japanese companies investing in Taiwan"; its members asking
    "Does Taiwan invest in Japan or the other way round?" get it (0.91); another server's
    members, and a direct message, are neither answered with it nor offered it, either way read,
    with or without a kind."""
    own = admin_deadline(
        "admin-77-japan",
        77,
        "Dossier des entreprises japonaises investissant à Taïwan",
        "Japanese companies investing in Taiwan: file the application",
        TODAY + timedelta(days=20),
    )
    async with seeded.transaction() as conn:
        await items_sql.upsert_many(conn, [(own, index_for(own))])
    engine = AnswerEngine(seeded, clock=lambda: TODAY)
    question = "Does Taiwan invest in Japan or the other way round?"
    mine = await engine.ask(question, guild_id=77)
    assert mine.answered and mine.item.id == own.id, seen(mine)
    for guild in (78, None):
        theirs = await engine.ask(question, guild_id=guild)
        assert own.id not in [m.item_id for m in theirs.matches], seen(theirs)
        for kind in (None, "deadline"):
            ranked = await engine.rank(question, guild_id=guild, kind=kind, limit=CANDIDATES)
            assert own.id not in [s.item_id for s in ranked], (guild, kind)


async def test_guard_a_question_asked_both_ways_called_off_in_its_search_leaves_nothing(
    seeded, monkeypatch
):
    """Guard: a question asked both ways is called off while its search runs (a search that
    never ends): the question ends as called off, nothing is left running, and the next question
    is answered as on a fresh engine."""
    engine = AnswerEngine(seeded, clock=lambda: TODAY)
    await engine.warm()
    real = search_sql.candidates
    started: list[str] = []
    second = asyncio.Event()

    async def stuck_second(conn, match, **options):
        started.append(match)
        if len(started) == 1:
            second.set()
            await asyncio.Event().wait()
        return await real(conn, match, **options)

    monkeypatch.setattr(search_sql, "candidates", stuck_second)
    before = other_tasks()
    asking = asyncio.create_task(engine.ask(FRANCE_BOTH_WAYS))
    async with asyncio.timeout(WAIT):
        await second.wait()
    asking.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await asking
    assert asking.cancelled()
    assert await settled(before) == before
    monkeypatch.setattr(search_sql, "candidates", real)
    fresh = AnswerEngine(seeded, clock=lambda: TODAY)
    again = await engine.ask(FRANCE_BOTH_WAYS)
    assert again.as_dict() == (await fresh.ask(FRANCE_BOTH_WAYS)).as_dict()
    assert again.answered and again.item.id == TSMC, seen(again)


async def test_a_both_ways_follow_up_without_a_question_mark_is_read_each_way(seeded):
    """Was answered wrong: after an answer about the EPPD, a member replies "and does France
    invest in Taiwan, or vice versa" (no question mark). The bot asks it as "… or vice versa
    EPPD": the phrase, followed by a word, was not read, and the framed question answered "US
    firms invest USD 15 bn in Taiwan" (69 %), over the question alone (TSMC in Europe, 90 %)."""
    knowledge = Knowledge(seeded, clock=Clock())
    context = followup.Context("us-tw-eppd", "us-tw-eppd", "en")
    question = "and does France invest in Taiwan, or vice versa"
    answer = await followup.ask(knowledge, question, context=context, lang="en", guild_id=None)
    assert answer.answered and answer.item.id == TSMC, seen(answer)


# Batches in training (d3b68b8) ---------------------------------------------------------------


def written() -> list[sets.Question]:
    """dev.toml and the batches of train/, each question with its batch as ``sets.dev`` gives it
    (without the items its facts map to: folds and groups need only the batches)."""
    here = PROJECT / "tests" / "questions"

    def load(path):
        return tomllib.loads(path.read_text(encoding="utf-8"))["question"]

    found = [
        sets.Question(q["q"], q["lang"], "dev", frozenset(q["expect"]), batch="dev")
        for q in load(here / "dev.toml")
    ]
    for path in sorted((here / "train").glob("*.toml")):
        found += [
            sets.Question(q["q"], q["lang"], q["kind"], frozenset(q["facts"]), batch=path.stem)
            for q in load(path)
        ]
    return found


@pytest.fixture(scope="module")
def questions() -> list[sets.Question]:
    return written()


def unread(texts: list[str]) -> list[memory.Reading]:
    """Readings given outright (no terms), so that 19,000 examples cost nothing to build."""
    return [memory.Reading(frozenset())] * len(texts)


def small(groups: list[str] | None = None) -> memory.Memory:
    """Six examples with readings given: two out of scope; "x" asked in two groups."""
    texts = ["x", "a", "x", "b", "c", "d"]
    items = [frozenset(), frozenset({"i1"}), frozenset(), frozenset({"i2"}), frozenset({"i1"})]
    items.append(frozenset({"i3"}))
    terms = [{"t", "u"}, {"t"}, {"t", "u"}, {"u", "v"}, {"v"}, {"t", "v"}]
    return memory.Memory(
        [memory.Example(text, found) for text, found in zip(texts, items, strict=True)],
        [memory.Reading(frozenset(t)) for t in terms],
        groups=groups,
    )


def test_every_copy_of_a_question_falls_in_one_fold(questions):
    """Operator: the threshold is meant to come from probabilities of trees that never saw the
    question, and the --folds figures from models that never saw it. A text written in several
    batches ("lol ok merci", "minéraux critiques ?" in nine) is one row per batch, each with the
    same features (its examples left out by text); folds_of puts the batches, so the copies, in
    different folds. 168 out-of-scope texts (455 rows) set the threshold from trees that learnt
    their own row, as "refused": the threshold refuses fewer new out-of-scope questions than it
    promises, the flaw d3b68b8 set out to fix. Now a text goes with the first batch holding it."""
    folds: dict[str, set[int]] = {}
    for question, fold in zip(questions, train.folds_of(questions, 5), strict=True):
        folds.setdefault(question.text, set()).add(fold)
    split = sorted(text for text, found in folds.items() if len(found) > 1)
    assert split == [], f"{len(split)} texts in several folds, e.g. {split[:3]}"


def test_a_question_left_out_takes_its_own_batch_not_every_batch_that_repeats_it(questions):
    """Operator: in training a question meets no example of its batch, "as a member's question
    meets none written beside it". A text several writers wrote takes every one of their
    batches: "lol ok merci" meets 31 % fewer examples than its own batch explains, and 1,954
    questions learn beside a memory no member's question ever meets. Now its copies and its
    own batch are left out."""
    texts = [q.text for q in questions]
    known = memory.Memory(
        (memory.Example(t, frozenset()) for t in texts),
        unread(texts),
        groups=[q.batch for q in questions],
    )
    size = {g: len(found) for g, found in known.by_group.items()}
    worst = []
    for question in questions:
        allowed = len(known.by_text[question.text]) + size[question.batch]
        if len(known.left_out(question.text, question.batch)) > allowed:
            worst.append(question.text)
    assert worst == [], f"{len(worst)} texts, e.g. {worst[:3]}"


def test_questions_of_one_batch_can_still_be_calibrated():
    """Operator: fitting on questions of one batch (dev.toml alone, or questions built without a
    batch: the default "" makes them one) puts every row in fold 0; the trees for fold 0 are
    fitted on no row and `fit` stops on "attempt to get argmax of an empty sequence" (before
    d3b68b8 rows were split by position). Now, with fewer batches than folds, they are again."""
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(60, 4)), (rng.random(60) > 0.5).astype(float)
    one = [sets.Question(f"q{n}", "en", "dev", frozenset(), batch="dev") for n in range(60)]
    held = train.held_probabilities(x, y, np.array(train.folds_of(one, train.CALIBRATION_FOLDS)))
    assert np.isfinite(held).all()


def test_questions_without_a_batch_are_not_all_one_writer():
    """Operator: questions built without a batch (the field's default, "") are one group: in
    training each leaves every other out, meets no example at all, and the models learn that
    examples say nothing. Now a question of no batch leaves out itself only."""
    loose = [sets.Question(f"question {n}", "en", "dev", frozenset()) for n in range(40)]
    known = train.remembered(loose)
    assert len(known.left_out("question 7", "")) == 1


def test_guard_groups_of_the_wrong_length_are_refused():
    """Guard: one group too many or too few, or none for six examples: ValueError at once."""
    for groups in (["g"] * 7, ["g"] * 5, []):
        with pytest.raises(ValueError, match="groups for 6 examples"):
            small(groups)
    assert memory.Memory([], [], groups=[]).left_out("x").size == 0


def test_guard_left_out_is_itself_its_copies_and_its_group():
    """Guard: "x" of g1 (a copy in g2) leaves out both copies and g1; "c" (g3) itself and its
    group's other; a text nobody wrote, only its group; groups given as a generator, the same."""
    groups = ["g1", "g1", "g2", "g2", "g3", "g3"]
    grouped = small(groups)
    assert sorted(grouped.left_out("x", "g1")) == [0, 1, 2]
    assert sorted(grouped.left_out("c", "g3")) == [4, 5]
    assert grouped.left_out("nobody wrote this").size == 0
    assert sorted(small(None).left_out("x", "g1")) == [0, 2]
    generated = memory.Memory(grouped.examples, grouped.readings, groups=(g for g in groups))
    assert sorted(generated.left_out("x", "g1")) == [0, 1, 2]


def test_guard_the_lean_of_words_counts_what_is_left_out_as_a_count_by_hand_does():
    """Guard: outside_rates with groups equals counting, example by example, those neither left
    out nor silent on the word, for every text and for none."""
    groups = ["g1", "g1", "g2", "g2", "g3", "g3"]
    grouped = small(groups)
    share, prior = grouped.outside_share, memory.LEAN_PRIOR
    for leave_out, group in ((None, None), ("x", "g1"), ("a", "g1"), ("c", "g3"), ("d", "g3")):
        out = set(grouped.left_out(leave_out, group).tolist()) if leave_out else set()
        for term in ("t", "u", "v", "w"):
            kept = [
                n
                for n, reading in enumerate(grouped.readings)
                if term in reading.terms and n not in out
            ]
            silent = sum(1 for n in kept if not grouped.examples[n].items)
            (rate,) = grouped.outside_rates([term], leave_out=leave_out, leave_group=group)
            assert rate == pytest.approx((silent + prior * share) / (len(kept) + prior))


def test_guard_closeness_meets_nothing_of_a_group_left_out_and_everything_else():
    """Guard: a question left out meets none of its group (similarity 0 there) and every other
    example as if nothing were left out; a text nobody wrote leaves everything as it was."""
    grouped = small(["g1", "g1", "g2", "g2", "g3", "g3"])
    asked = {"t": 1.0, "v": 1.0}
    whole = grouped.closeness(asked, lambda term: 1.0)
    without = grouped.closeness(asked, lambda term: 1.0, leave_out="c", leave_group="g3")
    assert without.similarity[[4, 5]].tolist() == [0.0, 0.0]
    assert without.similarity[:4].tolist() == whole.similarity[:4].tolist()
    unknown = grouped.closeness(asked, lambda term: 1.0, leave_out="nobody wrote this")
    assert unknown.similarity.tolist() == whole.similarity.tolist()
    assert (unknown.outside, unknown.votes) == (whole.outside, whole.votes)


def test_guard_one_group_holding_every_example_leaves_a_question_nothing_quietly():
    """Guard: every example in one group (a huge batch): a question of it meets none, its
    closeness is 0 everywhere with no vote, and its words lean as all examples do; no NaN."""
    everything = small(["all"] * 6)
    near = everything.closeness(
        {"t": 1.0, "u": 1.0}, lambda term: 1.0, leave_out="a", leave_group="all"
    )
    assert not near.similarity.any() and near.outside == 0.0 and near.votes == {}
    rates = everything.outside_rates(["t", "u", "v"], leave_out="a", leave_group="all")
    assert rates == pytest.approx([everything.outside_share] * 3)


def test_guard_nothing_the_bot_runs_depends_on_groups(monkeypatch):
    """Guard: the shipped examples carry no groups, examples.jsonl is written the same with or
    without them, and the bot answers without ever asking what a question leaves out."""
    shipped = memory.load()
    assert shipped.by_group == {}
    grouped = small(["g1", "g1", "g2", "g2", "g3", "g3"])
    assert memory.as_jsonl(grouped) == memory.as_jsonl(small(None))

    def never(self, text, group=None):
        raise AssertionError(f"what {text!r} leaves out, asked at run time")

    monkeypatch.setattr(memory.Memory, "apart", never)  # left_out asks it too
    monkeypatch.setattr(memory.Memory, "left_out", never)

    async def ask() -> list:
        async with seeded_engine() as engine:
            return [await engine.ask(q) for q in (FRANCE_BOTH_WAYS, "when does the AMI close?")]

    both_ways, one_way = asyncio.run(ask())
    assert both_ways.answered and one_way.answered


def test_guard_folds_are_whole_batches_whatever_the_order(questions):
    """Guard: every batch in one fold, but for the questions an earlier batch also holds (they
    go with it); the same fold for each question when the questions come in another order; a
    question learnt again with half its items forgotten (train.NEW_EVERY) is in its own fold."""
    fold_of = train.folds_of(questions, 5)
    first: dict[str, str] = {}
    for question in questions:
        first[question.text] = min(first.get(question.text, question.batch), question.batch)
    by_batch: dict[str, set[int]] = {}
    for question, fold in zip(questions, fold_of, strict=True):
        if first[question.text] == question.batch:
            by_batch.setdefault(question.batch, set()).add(fold)
    assert all(len(found) == 1 for found in by_batch.values())
    shuffled = questions[:]
    random.Random(5).shuffle(shuffled)
    again = dict(zip(map(id, shuffled), train.folds_of(shuffled, 5), strict=True))
    assert [again[id(q)] for q in questions] == fold_of
    doubled = questions + questions[:: train.NEW_EVERY]
    folds = train.folds_of(doubled, train.CALIBRATION_FOLDS)
    assert folds[len(questions) :] == folds[: len(questions) : train.NEW_EVERY]


def test_guard_folds_are_the_same_whatever_the_hash_seed(questions):
    """Guard: the folds do not depend on the order of a set of strings: two processes with other
    PYTHONHASHSEEDs give the folds this one gives."""
    here = zlib.crc32(bytes(train.folds_of(questions, 5)))
    script = (
        "import zlib; from tests.bot.answer.test_both_readings_and_batches_breaks import written;"
        "from tests.questions import train;"
        "print(zlib.crc32(bytes(train.folds_of(written(), 5))))"
    )
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script],
            cwd=PROJECT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert int(done.stdout.strip()) == here, done.stderr
