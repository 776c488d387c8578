"""Breaks, second round, of the examples' thread (``examples_thread``), of the search on the
loop's own thread beside it (``AnswerEngine.candidates``) and of the quick reader
(``store.quick``): questions called off at every step and from many servers at once, on both
routes; comparisons that fail or crawl; two threads with event loops of their own; a store closed
under questions in flight; another process writing and checkpointing; the file replaced or
deleted under the running bot.

Tests marked "guard" passed when written: each pins a risky path that was checked and held.
Tests marked "break" failed on the code they were written against; each says what a member or an
operator sees. Every test gives up within a few seconds: nothing here can hang the suite.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import sqlite3
import sys
import threading
import time

import pytest

from bot.answer import engine as engine_module
from bot.answer import memory
from bot.answer.engine import AnswerEngine
from bot.answer.examples_thread import examples_thread
from bot.knowledge import Knowledge, load_seeds
from bot.reminders.service import ReminderService
from store import items as items_sql
from store.db import QuickReader, Store
from tests.bot.answer.test_quick_search_breaks import longest_hold
from tests.support import SEEDS, TODAY, WAIT, Clock, servers_with_a_meeting_each

QUESTION = "when does the France-Taiwan call close?"
ANSWER = "fr-tw-ami-deadline"
OTHER_QUESTION = "who led the US-Taiwan talks?"
MEMBERS, ADMINS_SERVER, ADMIN = 77, 88, 30
FIRST_SERVER = 7_000  # servers with a club meeting of their own
QUESTIONS = [
    QUESTION,
    OTHER_QUESTION,
    "combien Taïwan investit aux États-Unis ?",
    "does France invest in Taiwan, or the other way round?",  # two readings, two comparisons
    "when is the club meeting?",  # a server's own item, for the servers that have one
    "what is the weather in Paris?",
    "",
    "🇹🇼🇫🇷💥" * 200,
    "when does the AMI close? " * 60,
]


def _slowed(monkeypatch, pause: float) -> list[int]:
    """Every comparison takes ``pause`` seconds more (in the examples' thread, the GIL let go);
    the list holds one entry per comparison running."""
    real = memory.Memory.closeness
    running: list[int] = []

    def slow(self, *args, **kwargs):
        running.append(1)
        try:
            time.sleep(pause)
            return real(self, *args, **kwargs)
        finally:
            running.pop()

    monkeypatch.setattr(memory.Memory, "closeness", slow)
    return running


async def _expected(store: Store, asked: list[tuple[str, int | None]]) -> dict:
    """Each (question, server) answered alone, one after the other, by a fresh engine."""
    alone = AnswerEngine(store, clock=lambda: TODAY)
    return {key: (await alone.ask(key[0], guild_id=key[1])).as_dict() for key in set(asked)}


async def _called_off(coro, rng: random.Random):
    """The question, called off as a member or a timeout does, at a step chosen by ``rng``:
    by ``asyncio.wait_for`` with a tiny timeout, by ``cancel()`` after a few turns of the loop,
    or not at all."""
    how = rng.randrange(3)
    if how == 0:
        return await asyncio.wait_for(coro, rng.choice([0.0, 0.0002, 0.001, 0.004]))
    if how == 1:
        task = asyncio.ensure_future(coro)
        for _ in range(rng.randrange(8)):
            await asyncio.sleep(0)
        task.cancel()
        return await task
    return await coro


# Breaks ------------------------------------------------------------------------------------------


async def test_the_first_question_after_an_admin_change_holds_up_the_loop(seeded):
    """Break. Any change to the store (here an admin of another server sets the reminder
    offsets; a deadline added, a seed load noticed) makes the next question read the word
    statistics again, and its comparison then works out every example's total weight anew
    (``Memory.closeness``: a Python sum over 23,613 examples, ~60 ms, keyed by the new
    statistics). It runs in the examples' thread, yet the loop gets nothing from that: the
    question waits for it there (``result()`` takes the rest of one comparison to be short),
    and its search on the loop, which takes the GIL back at every row, waits up to a switch
    interval (5 ms) per row behind the pure-Python sum. Every other member's question, the
    reminders and Discord's heartbeat wait ~60-100 ms, once after every such change. (Before
    the examples' thread, the same sum ran on the loop: ~60 ms; awaiting the comparison instead
    does not help, the search itself is held up. A member of a third server whose question,
    searched on the loop, arrives while another's comparison does the sum holds the loop
    ~50-60 ms too.) Fixed: the totals are a vector sum per place in the examples' sorted terms
    (``Memory.totals``, ~3 ms); the question now holds the loop ~8-10 ms, the word statistics
    read again included."""
    engine = AnswerEngine(seeded, clock=lambda: TODAY)
    await engine.warm()
    clock = Clock()
    reminders = ReminderService(seeded, Knowledge(seeded, clock=clock), clock=clock)
    async with asyncio.timeout(WAIT):
        _, usual = await longest_hold(engine.ask(QUESTION, guild_id=MEMBERS))
        await reminders.set_offsets(ADMINS_SERVER, ADMIN, "7d 1d")
        answer, held = await longest_hold(engine.ask(QUESTION, guild_id=MEMBERS))
    assert answer.item.id == ANSWER
    assert held < 0.030, (
        f"the loop was held {held * 1000:.0f} ms by the first question after an admin's change "
        f"({usual * 1000:.0f} ms before it)"
    )


async def test_a_store_opened_on_one_thread_answers_on_another(seeded):
    """Break. A store opened in one thread's event loop, its questions asked from another
    thread's loop (a dashboard or a job run with ``asyncio.run`` in a worker thread, a test
    harness): the quick reader's plain sqlite3 connection belongs to the thread that opened it,
    so every question fails with ``sqlite3.ProgrammingError`` ("SQLite objects created in a
    thread can only be used in that same thread"), which is not a lock and so never falls back
    to the reader. Before the quick reader, every read went through aiosqlite's own thread and
    the question was answered (as it still is with ``store.quick`` sent to the reader,
    ``QuickReader(store.reader, None)``). Fixed: a quick read from another thread than the
    store's goes to the reader."""
    expected = (await AnswerEngine(seeded, clock=lambda: TODAY).ask(QUESTION)).as_dict()
    found: list[object] = []

    def elsewhere() -> None:
        async def ask() -> None:
            found.append((await AnswerEngine(seeded, clock=lambda: TODAY).ask(QUESTION)).as_dict())

        try:
            asyncio.run(ask())
        except Exception as exc:  # what the worker's caller would get
            found.append(exc)

    worker = threading.Thread(target=elsewhere, daemon=True)
    worker.start()
    await asyncio.to_thread(worker.join, WAIT)
    assert not worker.is_alive(), "the other thread's question never came back"
    assert examples_thread().waiting == 0
    assert len(found) == 1
    assert not isinstance(found[0], Exception), f"the other thread's question failed: {found[0]!r}"
    assert found[0] == expected


# Guards ------------------------------------------------------------------------------------------


async def test_questions_called_off_at_random_on_both_routes_leave_nothing_behind(
    seeded, monkeypatch
):
    """Guard. Members of several servers (some with items of their own) ask at once, by bursts,
    questions ordinary, two-way, empty, all emoji or far too long; the searches go to the loop's
    thread or to the reader's at random, the comparisons take a few ms, and most questions are
    called off at a random step (``wait_for`` with a tiny timeout, ``cancel()`` after a few turns
    of the loop). After each burst: no comparison runs or waits in the examples' thread
    (``waiting`` back to 0: the next question is not waited for behind phantoms), every
    question that came back has the answer it has asked alone, and none hangs."""
    servers = [None, *await servers_with_a_meeting_each(seeded, FIRST_SERVER, 3)]
    asked = [(q, s) for q in QUESTIONS for s in servers]
    expected = await _expected(seeded, asked)
    assert expected[(QUESTION, None)]["answered"]
    assert expected[("when is the club meeting?", FIRST_SERVER)]["answered"]
    engine = AnswerEngine(seeded, clock=lambda: TODAY)
    await engine.warm()
    rng = random.Random(20260)
    monkeypatch.setattr(engine_module, "quickly", lambda *args: rng.random() < 0.5)
    running = _slowed(monkeypatch, 0.002)
    came_back = 0
    for burst in range(6):
        keys = [rng.choice(asked) for _ in range(24)]
        tasks = [
            asyncio.ensure_future(_called_off(engine.ask(q, guild_id=s), rng)) for q, s in keys
        ]
        _, pending = await asyncio.wait(tasks, timeout=WAIT)
        assert not pending, f"burst {burst}: {len(pending)} questions hang"
        for key, task in zip(keys, tasks, strict=True):
            if task.cancelled() or isinstance(task.exception(), TimeoutError):
                continue
            assert task.exception() is None, (key, task.exception())
            assert task.result().as_dict() == expected[key], key
            came_back += 1
        assert not running, f"burst {burst}: a comparison runs on after its question"
        assert examples_thread().waiting == 0, burst
    assert 10 < came_back < 6 * 24  # some were called off, some came back
    monkeypatch.undo()
    for key in asked:
        assert (await engine.ask(key[0], guild_id=key[1])).as_dict() == expected[key], key


async def test_comparisons_failing_in_a_queue_fail_their_questions_only(seeded, monkeypatch):
    """Guard. Some comparisons fail (examples that cannot be compared: here those of one
    question) while a burst of questions waits in the examples' thread's queue, their searches
    sent to the reader's thread: each question whose comparison failed gets the error (the bot's
    apology), each other one its own answer, and the thread goes on; nothing waits after."""

    class Broken(Exception):
        pass

    expected = await _expected(seeded, [(q, None) for q in QUESTIONS])
    engine = AnswerEngine(seeded, clock=lambda: TODAY)
    await engine.warm()
    seeded.quick = QuickReader(seeded.reader, None)  # every comparison queued, then awaited
    real = memory.Memory.closeness

    def fails_on_the_weather(self, asked, *args, **kwargs):
        time.sleep(0.002)
        if "weath" in asked:  # the stem of "weather"
            raise Broken("these examples cannot be compared")
        return real(self, asked, *args, **kwargs)

    monkeypatch.setattr(memory.Memory, "closeness", fails_on_the_weather)
    keys = QUESTIONS * 3
    async with asyncio.timeout(WAIT):
        found = await asyncio.gather(*(engine.ask(q) for q in keys), return_exceptions=True)
    for question, answer in zip(keys, found, strict=True):
        if "weather" in question:
            assert isinstance(answer, Broken), question
        else:
            assert not isinstance(answer, BaseException), (question, answer)
            assert answer.as_dict() == expected[(question, None)], question
    assert examples_thread().waiting == 0


def _answer_in_a_loop_of_its_own(path, keys, seed: int, found: list) -> None:
    """A thread with its own event loop and store on ``path``: bursts of the questions ``keys``,
    a third called off at random."""

    async def bursts() -> None:
        rng = random.Random(seed)
        async with Store.open(path) as store:
            engine = AnswerEngine(store, clock=lambda: TODAY)
            for _ in range(4):
                tasks = [
                    asyncio.ensure_future(_called_off(engine.ask(q, guild_id=s), rng))
                    for q, s in keys
                ]
                results = await asyncio.gather(*tasks, return_exceptions=True)
                for key, result in zip(keys, results, strict=True):
                    if not isinstance(result, asyncio.CancelledError | TimeoutError):
                        found.append((key, result))

    try:
        asyncio.run(bursts())
    except BaseException as exc:
        found.append((None, exc))


async def test_two_threads_with_loops_of_their_own_share_the_examples_thread(
    seeded, tmp_path, monkeypatch
):
    """Guard. Two event loops in two threads (two bots in one process, a worker answering a
    question set beside the bot), each with its store, ask bursts of questions at once, some
    called off; their comparisons share the one examples' thread. Each gets the answers it gets
    alone; neither hangs; nothing is left waiting in the thread."""
    servers = [None, *await servers_with_a_meeting_each(seeded, FIRST_SERVER, 2)]
    keys = [(q, s) for q in QUESTIONS[:6] for s in servers]
    expected = await _expected(seeded, keys)
    copies = []
    for n in range(2):
        copy = tmp_path / f"copy-{n}.sqlite3"
        with (
            contextlib.closing(sqlite3.connect(seeded.path)) as source,
            contextlib.closing(sqlite3.connect(copy)) as target,
        ):
            source.backup(target)
        copies.append(copy)
    _slowed(monkeypatch, 0.001)
    found: list[list] = [[], []]
    threads = [
        threading.Thread(
            target=_answer_in_a_loop_of_its_own, args=(copies[n], keys, n, found[n]), daemon=True
        )
        for n in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        await asyncio.to_thread(thread.join, 2 * WAIT)
    assert not any(thread.is_alive() for thread in threads), "a thread's questions hang"
    for n in range(2):
        assert found[n], f"thread {n} answered nothing"
        for key, result in found[n]:
            assert not isinstance(result, BaseException), (n, key, result)
            assert result.as_dict() == expected[key], (n, key)
    assert examples_thread().waiting == 0


@pytest.mark.parametrize("route", ["quick", "reader"])
async def test_slow_comparisons_hold_the_loop_for_one_comparison_at_most(
    seeded, monkeypatch, route
):
    """Guard. Comparisons take 30 ms each (a much bigger examples file, a busy machine) and a
    burst of 12 members' questions comes at once. Searched on the loop, each question waits
    there for its own comparison only, never for one queued before it: the loop goes round
    between questions. Searched in the reader's thread, the comparisons queue and every
    question awaits its own: the loop is never held. The answers are those asked one by one."""
    keys = [(q, MEMBERS + n) for n, q in enumerate(QUESTIONS[:3] * 4)]
    expected = await _expected(seeded, keys)
    engine = AnswerEngine(seeded, clock=lambda: TODAY)
    await engine.warm()
    if route == "reader":
        seeded.quick = QuickReader(seeded.reader, None)
    pause = 0.030
    _slowed(monkeypatch, pause)
    async with asyncio.timeout(WAIT):
        found, held = await longest_hold(
            asyncio.gather(*(engine.ask(q, guild_id=s) for q, s in keys))
        )
    for key, answer in zip(keys, found, strict=True):
        assert answer.as_dict() == expected[key], key
    most = 1.6 * pause if route == "quick" else 0.020
    assert held < most, f"the loop was held {held * 1000:.0f} ms ({route})"
    assert examples_thread().waiting == 0


async def test_a_store_closed_under_questions_in_flight_ends_each_of_them(tmp_path, monkeypatch):
    """Guard. The bot stops while a burst of questions is under way, their comparisons queued
    in the examples' thread and their searches in the reader's: the store closes beneath them.
    Each question is answered or fails with the store's "closed" error at once (the bot's
    apology); none hangs, and nothing is left waiting in the examples' thread."""
    async with Store.open(tmp_path / "closing.sqlite3") as store:
        await load_seeds(store, SEEDS)
        engine = AnswerEngine(store, clock=lambda: TODAY)
        await engine.warm()
        running = _slowed(monkeypatch, 0.004)
        store.quick.close()  # every read through the reader's thread: all of them in flight
        tasks = [asyncio.ensure_future(engine.ask(QUESTIONS[n % 3], guild_id=n)) for n in range(24)]
        await asyncio.sleep(0.02)
        in_flight = sum(not task.done() for task in tasks)
    done, pending = await asyncio.wait(tasks, timeout=WAIT)
    assert in_flight, "every question was over before the store closed"
    assert not pending, f"{len(pending)} questions hang once the store is closed"
    failed = [t.exception() for t in done if t.exception() is not None]
    assert all(isinstance(error, ValueError) for error in failed), failed
    assert all(t.result().answered for t in done if t.exception() is None)
    assert not running and examples_thread().waiting == 0


ELSEWHERE = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=2)
until, n = time.monotonic() + float(sys.argv[2]), 0
print("started", flush=True)
while time.monotonic() < until:
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE items SET title_en = 'Not committed' WHERE id = ?", (sys.argv[3],))
    time.sleep(0.002)
    conn.execute("ROLLBACK")
    stamp = f"2026-01-01T00:00:{n % 60:02d}+00:00"
    conn.execute("UPDATE items SET updated_at = ? WHERE id = ?", (stamp, sys.argv[3]))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    n += 1
print(n, flush=True)
"""


async def test_another_process_writing_and_checkpointing_never_holds_a_quick_read(seeded):
    """Guard. Another process (``seed load``, a backup, an operator's ``sqlite3`` shell) holds
    write transactions with uncommitted changes, commits, and checkpoints the WAL file down to
    nothing, again and again, while members ask: the quick reads on the loop's thread never
    wait on its locks (no question holds the loop more than a usual one), none fails with
    "database is locked", and none shows a change that was never committed."""
    engine = AnswerEngine(seeded, clock=lambda: TODAY)
    await engine.warm()
    expected = {q: (await engine.ask(q)).as_dict() for q in QUESTIONS[:3]}
    title = (await items_sql.get_many(seeded.quick, [ANSWER], terms=False))[ANSWER].title_en
    other = await asyncio.create_subprocess_exec(
        sys.executable, "-c", ELSEWHERE, seeded.path, "1.5", ANSWER, stdout=asyncio.subprocess.PIPE
    )
    try:
        async with asyncio.timeout(WAIT):
            assert (await other.stdout.readline()).strip() == b"started"
            worst, asked = 0.0, 0
            while other.returncode is None and asked < 400:
                for question in QUESTIONS[:3]:
                    answer, held = await longest_hold(engine.ask(question))
                    assert answer.as_dict() == expected[question], question
                    item, read = await longest_hold(
                        items_sql.get_many(seeded.quick, [ANSWER], terms=False)
                    )
                    assert item[ANSWER].title_en == title
                    worst = max(worst, held, read)
                    asked += 1
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(other.wait(), 0.001)
            commits = int(await other.stdout.readline())
    finally:
        if other.returncode is None:
            other.kill()
        await other.wait()
    assert commits > 50 and asked > 30
    assert worst < 0.020, f"a question held the loop {worst * 1000:.0f} ms"


@pytest.mark.parametrize("what", ["replaced", "deleted"])
async def test_a_database_file_replaced_or_deleted_under_the_bot_is_read_as_opened(
    seeded, tmp_path, what
):
    """Guard. An operator replaces the database file under the running bot (a backup restored
    with ``mv``, its answer retitled) or deletes it with its WAL files: the quick reader and the
    reader keep the file they opened, so a question is searched and its answer read from one
    file, as before; nothing fails and nothing mixes two files."""
    engine = AnswerEngine(seeded, clock=lambda: TODAY)
    before = (await engine.ask(QUESTION)).as_dict()
    if what == "replaced":
        backup = tmp_path / "backup.sqlite3"
        with (
            contextlib.closing(sqlite3.connect(seeded.path)) as source,
            contextlib.closing(sqlite3.connect(backup, isolation_level=None)) as target,
        ):
            source.backup(target)
            target.execute("UPDATE items SET title_en = 'Restored' WHERE id = ?", (ANSWER,))
            target.execute("PRAGMA journal_mode = DELETE")
        os.replace(backup, seeded.path)
    else:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{seeded.path}{suffix}")
    seeded.generation += 1  # whatever is cached is read again, through both connections
    async with asyncio.timeout(WAIT):
        after = await AnswerEngine(seeded, clock=lambda: TODAY).ask(QUESTION)
        quick = await seeded.quick.execute_fetchall(
            "SELECT title_en FROM items WHERE id = ?", (ANSWER,)
        )
        reader = await seeded.reader.execute_fetchall(
            "SELECT title_en FROM items WHERE id = ?", (ANSWER,)
        )
    assert after.as_dict() == before
    assert [tuple(row) for row in quick] == [tuple(row) for row in reader]
    assert examples_thread().waiting == 0
