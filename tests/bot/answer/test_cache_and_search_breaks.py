"""Trying to break the bounded caches (Recent: item profiles, servers' statistics), the search run
beside the comparison with the examples, the two-question warm-up and the batched
refusal model: many servers asking at once, the store changing and questions called off while
they run, a database closed under a search, hostile questions, odd rows.

Tests marked "guard" passed when written: each pins a risky path that was checked and held.
Tests marked "break" failed on the code they were written against; each says what a member or an
operator sees.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import math
from datetime import timedelta

import aiosqlite
import numpy as np
import pytest

from bot.answer import engine as engine_module
from bot.answer import model
from bot.answer.engine import AnswerEngine, index_for
from bot.answer.features import REFUSE_FEATURES
from bot.answer.recent import Recent
from bot.knowledge import Knowledge
from bot.reminders.service import ReminderService
from store import items as items_sql
from store.items import admin_deadline
from tests.support import (
    TODAY,
    ZORBLAX,
    Clock,
    deadline_form,
    other_tasks,
    servers_with_a_meeting_each,
    settled,
)

GUILD, ADMIN = 10, 30
FIRST_SERVER = 3_000
QUESTIONS = [
    "when does the France-Taiwan call close?",
    "combien Taïwan investit aux États-Unis ?",
    "who led the US-Taiwan talks?",
    "pourquoi la France s'intéresse à Taïwan ?",
    "when is the club meeting?",
    "quels sont les axes de l'AMI",
    "what about nesii zide deronene?",
]


# Recent ----------------------------------------------------------------------------------------


def test_recent_keeps_falsy_values_and_sizes_zero_and_one():
    """Guard. Recent.get says None for a missing key; a kept value that is falsy (0, "", an empty
    set) is still found and made the most recent, so it is not the next one forgotten. Size 0
    keeps nothing (every question rebuilds), size 1 the last one."""
    kept: Recent[str, object] = Recent(2)
    kept["zero"], kept["empty"] = 0, frozenset()
    assert kept.get("zero") == 0  # now the most recent
    kept["new"] = ""
    assert "empty" not in kept and kept.get("zero") == 0 and kept.get("new") == ""
    nothing: Recent[str, int] = Recent(0)
    nothing["a"] = 1
    assert len(nothing) == 0 and nothing.get("a") is None
    one: Recent[str, int] = Recent(1)
    one["a"], one["b"] = 1, 2
    assert len(one) == 1 and one.get("b") == 2 and one.get("a") is None


# Many servers at once ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profiles", "servers_kept"), [(engine_module.MAX_PROFILES, 1_000), (0, 0), (1, 1)]
)
async def test_servers_asking_at_once_are_told_what_they_are_told_one_by_one(
    seeded, monkeypatch, profiles, servers_kept
):
    """Guard. Questions from servers with deadlines of their own and from none, all at once on
    one engine (asyncio.gather), get the very answers (item, percentage, "did you mean") that
    one question at a time on a fresh engine gets, however few item profiles or servers'
    statistics are kept."""
    servers = await servers_with_a_meeting_each(seeded, FIRST_SERVER, 6)
    asked = [(q, g) for q in QUESTIONS for g in (None, *servers[:3])]
    one_by_one = AnswerEngine(seeded, clock=lambda: TODAY)
    expected = [(await one_by_one.ask(q, guild_id=g)).as_dict() for q, g in asked]
    monkeypatch.setattr(engine_module, "MAX_PROFILES", profiles)
    monkeypatch.setattr(engine_module, "MAX_SERVER_VOCABULARIES", servers_kept)
    engine = AnswerEngine(seeded, clock=lambda: TODAY)
    for _ in range(2):  # cold caches, then warm ones
        found = await asyncio.gather(*(engine.ask(q, guild_id=g) for q, g in asked))
        assert [a.as_dict() for a in found] == expected


async def test_questions_in_flight_while_deadlines_come_and_go_all_get_an_answer(seeded):
    """Guard. Questions asked all at once while server deadlines are added and removed (the
    store's generation bumping under them) all get an answer, none an error, and those the
    changes do not concern are answered as before."""
    engine = AnswerEngine(seeded, clock=lambda: TODAY)
    expected = {q: (await engine.ask(q)).as_dict() for q in QUESTIONS}
    churning = True

    async def churn():
        n = 0
        while churning:
            guild = FIRST_SERVER + n % 3
            item = admin_deadline(
                f"admin-{guild}-{n}", guild, f"Réunion {n}", f"Meeting {n}", TODAY + timedelta(1)
            )
            async with seeded.transaction() as conn:
                await items_sql.upsert_many(conn, [(item, index_for(item))])
            await asyncio.sleep(0)
            if n % 2:
                async with seeded.transaction() as conn:
                    await items_sql.delete(conn, [item.id])
            n += 1

    churning_task = asyncio.create_task(churn())
    asked = [(q, g) for q in QUESTIONS * 3 for g in (None, FIRST_SERVER, FIRST_SERVER + 7)]
    found = await asyncio.gather(*(engine.ask(q, guild_id=g) for q, g in asked))
    churning = False
    await churning_task
    for (question, _), answer in zip(asked, found, strict=True):
        if question != "when is the club meeting?":
            assert answer.as_dict()["matches"] == expected[question]["matches"], question


# Calling questions off -----------------------------------------------------------------------


async def test_a_server_question_called_off_at_any_point_of_a_rebuild_leaves_nothing(seeded):
    """Guard. The store changes, then a server's question is called off at each point of its
    way (while the statistics are read again, at the hand-over to the search, during the search,
    while its items are read): nothing is left running, and the server's next question is
    answered as on a fresh engine."""
    servers = await servers_with_a_meeting_each(seeded, FIRST_SERVER, 2)
    engine = AnswerEngine(seeded, clock=lambda: TODAY)
    await engine.warm()
    before = other_tasks()
    for steps in range(16):
        seeded.generation += 1  # as after a write: the next question reads the statistics again
        asking = asyncio.create_task(engine.ask("when is the club meeting?", guild_id=servers[0]))
        for _ in range(steps):
            await asyncio.sleep(0)
        asking.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asking
        assert await settled(before) == before, steps
    fresh = AnswerEngine(seeded, clock=lambda: TODAY)
    for question in QUESTIONS:
        mine = await engine.ask(question, guild_id=servers[0])
        assert mine.as_dict() == (await fresh.ask(question, guild_id=servers[0])).as_dict()


async def test_a_question_on_a_closed_database_fails_quietly_even_when_called_off(seeded):
    """Guard. The bot stops: its database is closed while questions still come, some called off
    as it goes. Each fails (or is called off) at once, none hangs, nothing is left running, and
    the search that failed beside a question called off logs no "Task exception was never
    retrieved" in the operator's log."""
    engine = AnswerEngine(seeded, clock=lambda: TODAY)
    await engine.warm()
    reported: list[dict] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _, context: reported.append(context))
    before = other_tasks()
    seeded.quick.close()  # as the store closes: this one first, then the others
    await seeded.reader.close()
    await seeded.conn.close()
    try:
        for steps in range(4):
            asking = asyncio.create_task(engine.ask("combien Taïwan investit aux États-Unis ?"))
            for _ in range(steps):
                await asyncio.sleep(0)
            asking.cancel()
            with contextlib.suppress(asyncio.CancelledError, ValueError):
                await asyncio.wait_for(asking, 5)
            del asking
            assert await settled(before) == before
        with pytest.raises(ValueError, match="closed"):
            await asyncio.wait_for(engine.ask("when does the AMI close?"), 5)
        gc.collect()
        await asyncio.sleep(0)
        assert reported == []
    finally:
        loop.set_exception_handler(None)
        seeded.conn = await aiosqlite.connect(seeded.path, isolation_level=None)
        seeded.reader = await aiosqlite.connect(seeded.path, isolation_level=None)


# Hostile questions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "",
        "   ",
        "?" * 50,
        "x" * 6_000,
        "when does the AMI close? " * 240,
        "🇹🇼🇫🇷💥" * 400,
        "'; DROP TABLE items; --",
        '" OR 1=1 --',
        "NEAR(ami taiwan) AND NOT deadline*",
        'ami* OR "taiwan" ^ {names}: eppd',
        "\x00\x01\x02",
        "nan inf 1e309 -0",
    ],
)
async def test_hostile_questions_get_an_answer_or_a_polite_refusal(engine, question):
    """Guard. Empty, 6,000-character, emoji, SQL and FTS5-syntax questions reach the search (or
    stop before it) without an error: the asker gets an answer or "I don't know"."""
    answer = await engine.ask(question)
    assert answer.text
    assert 0.0 <= answer.confidence <= 1.0


# The refusal model -----------------------------------------------------------------------------


def test_candidates_scored_together_score_as_each_alone_even_with_odd_rows():
    """Guard. The shown candidates are scored in one pass: with rows holding NaN, infinities or
    huge values, each gets exactly (not approximately) the probability it gets alone, always a
    probability; no row gives no score."""
    shipped = model.load()
    width = len(REFUSE_FEATURES)
    rng = np.random.default_rng(5)
    rows = [list(rng.normal(scale=5.0, size=width)) for _ in range(6)]
    rows += [[math.nan] * width, [math.inf] * width, [-math.inf] * width, [1e308] * width]
    together = shipped.confidences(rows)
    assert together == [shipped.confidences([row])[0] for row in rows]
    assert all(0.0 <= p <= 1.0 for p in together)
    assert shipped.confidences([]) == []


# The store changing under a question -------------------------------------------------------------


async def _edit_that_fails_while_a_question_is_answered(seeded, question: str):
    """An admin's deadline (24 December 2026), an edit of it to 1 March 2027 that fails after
    writing, and the question asked while the edit's transaction is open: the engine, the item
    and what the store holds in the end."""
    clock = Clock()
    knowledge = Knowledge(seeded, clock=clock)
    service = ReminderService(seeded, knowledge, clock=clock)
    item = await service.add_deadline(GUILD, ADMIN, deadline_form("2026-12-24 18:00", **ZORBLAX))
    await knowledge.engine.ask("when does the AMI close?", lang="en", guild_id=GUILD)
    written, go_on = asyncio.Event(), asyncio.Event()

    async def failing_plan(conn, current, item_ids=None):
        written.set()
        await go_on.wait()
        raise RuntimeError("the reminder plan could not be written")

    service._replan = failing_plan  # type: ignore[method-assign]
    editing = asyncio.create_task(
        service.edit_deadline(GUILD, ADMIN, item.id, deadline_form("2027-03-01 18:00", **ZORBLAX))
    )
    await written.wait()
    during = await knowledge.engine.ask(question, lang="en", guild_id=GUILD)
    go_on.set()
    with pytest.raises(RuntimeError):
        await editing
    stored = await items_sql.get(seeded.conn, item.id)
    return knowledge.engine, item, stored, during


async def test_an_edit_that_failed_is_not_told_to_members(seeded):
    """Break. An admin moves the server's "Zorblax summit registration" from 24 December 2026 to
    1 March 2027; the edit fails after writing (here the reminder plan; a task called off or a
    full disk do the same) and is rolled back: the store still says 24 December. A member who
    asked while the edit was being written was told 1 March (every query runs on the writer's
    connection, inside its open transaction), and so is every member after: the engine kept the
    item it read then (AnswerEngine._items), and a rolled-back write leaves store.generation
    alone, so nothing is read again until some other write. The bot goes on giving a date that
    was never saved. Fix: Store.transaction bumps the generation on ROLLBACK too."""
    question = "when is the zorblax summit registration?"
    engine, item, stored, _ = await _edit_that_fails_while_a_question_is_answered(seeded, question)
    assert stored.deadline.due.year == 2026  # the edit was rolled back
    answer = await engine.ask(question, lang="en", guild_id=GUILD)
    assert answer.answered and answer.item.id == item.id
    assert answer.item.deadline.due == stored.deadline.due
    assert "24 December 2026" in answer.text


async def test_a_question_asked_during_an_edit_is_told_what_is_saved(seeded):
    """A member asks while an admin's edit is being written: the answer is the date saved
    before the edit (questions read on a connection of their own, which sees only committed
    rows), not the date of an edit that may yet fail, and here does."""
    question = "when is the zorblax summit registration?"
    *_, during = await _edit_that_fails_while_a_question_is_answered(seeded, question)
    assert during.answered
    assert "24 December 2026" in during.text
    assert "2027" not in during.text


async def test_after_an_edit_that_failed_questions_are_scored_on_what_the_store_holds(seeded):
    """Break. The same rolled-back edit: the item's profile (its index fields, parsed once and
    kept in the bounded Recent cache) was built from the uncommitted index row ("2027", "1"
    among its keywords), so the item's features ("named": 0.79 against 0.53) differ from those
    a fresh engine computes from the store; whether the engine answers on the data or on the
    phantom row depends on whether the profile has since been pushed out of the cache
    (MAX_PROFILES). Same fix: a rollback bumps store.generation."""
    question = "is the zorblax summit registration on 1 march 2027?"
    engine, _, _, _ = await _edit_that_fails_while_a_question_is_answered(seeded, question)
    fresh = AnswerEngine(seeded, clock=lambda: TODAY)
    _, kept = await engine.candidates(question, guild_id=GUILD)
    _, read = await fresh.candidates(question, guild_id=GUILD)
    assert {c.item_id: row for c, row in kept} == {c.item_id: row for c, row in read}
