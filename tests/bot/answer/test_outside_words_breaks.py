"""Trying to break ``outside_words`` (d3b8a6a): ``Memory.outside_rates`` and its use in
``rank_row`` and ``AnswerEngine.candidates``.

Each test says whether it is a guard (held on d9babea) or a break (failed on d9babea).
"""

from __future__ import annotations

import math

import pytest

from bot.answer.features import RANK_FEATURES, rank_row
from bot.answer.memory import LEAN_PRIOR, Example, Memory
from tests.support import features_of, server_with_deadline

OUT = frozenset()
GUILD, ADMIN = 10, 30


def test_empty_memory_gives_zero_rates():
    """Guard: no examples at all: no division by zero, every term leans nowhere (share 0)."""
    assert Memory([]).outside_rates(["budget", "2027"], leave_out="budget 2027") == (0.0, 0.0)
    assert Memory([]).outside_rates([]) == ()


def test_unknown_term_gets_the_overall_share():
    """Guard: a term no example holds (zero counts) gets the share among all examples."""
    memory = Memory([Example("budget plan", OUT), Example("demo day", frozenset({"a"}))])
    assert memory.outside_rates(["zzqxv"]) == (0.5,)


def test_a_question_present_several_times_with_different_labels_is_left_out_whole():
    """Guard: every copy of the question is left out, whatever its label, so neither the
    out-of-scope nor the answered copy speaks for its own words."""
    memory = Memory(
        [
            Example("budget 2027", OUT),
            Example("budget 2027", frozenset({"a"})),
            Example("budget 2027", OUT),
            Example("budget plan", frozenset({"a"})),
        ]
    )
    share = memory.outside_share
    (rate,) = memory.outside_rates(["budget"], leave_out="budget 2027")
    assert math.isclose(rate, (0 + LEAN_PRIOR * share) / (1 + LEAN_PRIOR))
    (rate,) = memory.outside_rates(["2027"], leave_out="budget 2027")
    assert math.isclose(rate, share)


def test_leave_out_is_the_exact_text_as_in_closeness():
    """Guard (documents a limit): ``leave_out`` matches the text exactly, as ``closeness`` does;
    a copy differing in case or spaces still counts. The shipped examples hold no such variants
    of one question with different scope, so this leaks no label in training."""
    memory = Memory([Example("Budget  2027", OUT), Example("demo day", frozenset({"a"}))])
    share = memory.outside_share
    (rate,) = memory.outside_rates(["budget"], leave_out="budget 2027")
    assert math.isclose(rate, (1 + LEAN_PRIOR * share) / (1 + LEAN_PRIOR))


def test_rates_stay_shares_on_the_shipped_memory(engine):
    """Guard: on the shipped examples every rate is in [0, 1] and a term held by none gets the
    overall share."""
    memory = engine.memory
    terms = [*list(memory.term_counts)[:2000], "zzqxvwplk"]
    rates = memory.outside_rates(terms)
    assert all(0.0 <= r <= 1.0 for r in rates)
    assert rates[-1] == memory.outside_share


@pytest.mark.parametrize(
    "text",
    [
        "@everyone",
        "budget",
        "2027",
        "🇹🇼🚀🔥",
        "zqxv wplk blorf",
        "budget 2027 " * 500,  # 6,000 characters
        "what is the AMI budget for 2027 🔥 @everyone",
    ],
)
async def test_hostile_questions_give_well_formed_rows(engine, text):
    """Guard: one word, a mention, emoji, only unknown words, 6,000 characters: no exception,
    and ``outside_words`` is a share for every candidate."""
    await engine.ask(text)
    _, rows = await engine.candidates(text)
    index = RANK_FEATURES.index("outside_words")
    for _, row in rows:
        assert len(row) == len(RANK_FEATURES)
        assert 0.0 <= row[index] <= 1.0


async def test_rank_row_without_outside_rates_still_works(engine):
    """Guard: ``rank_row`` called as before the change gives the same row but for
    ``outside_words`` at 0; rates of the wrong length are refused, not silently cut."""
    question = "AMI demo day budget 2027"
    query, rows = await engine.candidates(question)
    assert rows
    vocab = await engine.vocabulary()
    index = RANK_FEATURES.index("outside_words")
    for cand, _row in rows[:5]:
        item = vocab.profiles.get(cand.item_id)
        plain = rank_row(query, item, kind=cand.kind, category=cand.category)
        assert len(plain) == len(RANK_FEATURES)
        assert plain[index] == 0.0
        with pytest.raises(ValueError, match="zip"):
            rank_row(query, item, kind=cand.kind, category=cand.category, outside_rates=(0.5,) * 99)


async def test_a_servers_item_of_out_of_scope_words_is_answered_by_its_title(seeded):
    """Guard: a server's own deadline titled with the words that lean most to out-of-scope
    examples ("budget", "2027", "taux") is still answered when asked by its title, and by its
    title with a word it lacks."""
    knowledge, _, _ = await server_with_deadline(
        seeded,
        GUILD,
        ADMIN,
        title_en="Budget 2027 rate filing",
        title_fr="Dépôt du budget 2027 taux",
        link="",
    )
    for question, lang in [
        ("Budget 2027 rate filing", "en"),
        ("when is the budget 2027 rate filing deadline?", "en"),
        ("Dépôt du budget 2027 taux", "fr"),
    ]:
        answer = await knowledge.ask(question, lang=lang, guild_id=GUILD)
        assert answer.answered, question
        assert "2027" in answer.text, question
        found = await features_of(knowledge.engine, question, answer.item.id, guild_id=GUILD)
        assert found["outside_words"] < 0.5, question
