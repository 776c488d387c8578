"""Breaks of the search on the loop's thread (``store.quick``) beside the comparison with the
examples in a process-wide thread of their own (``_examples_thread``)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from bot.answer import memory
from bot.answer.engine import AnswerEngine, select_terms
from bot.answer.examples_thread import examples_thread
from store.db import QuickReader, Store
from tests.support import TODAY

QUESTION = "when does the France-Taiwan call close?"
ANSWER = "fr-tw-ami-deadline"
OTHER_SERVER = 424242  # a server whose admins added many items of their own
OWN_ITEMS = 20_000


async def longest_hold(work) -> tuple[object, float]:
    """What ``work`` returns, and the longest time the loop went without running another
    coroutine while it ran (a heartbeat, another member's question, a reminder)."""
    beats: list[float] = []

    async def heartbeat() -> None:
        while True:
            beats.append(time.perf_counter())
            await asyncio.sleep(0)

    beating = asyncio.create_task(heartbeat())
    await asyncio.sleep(0)
    try:
        found = await work
        await asyncio.sleep(0)
        await asyncio.sleep(0)
    finally:
        beating.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beating
    return found, max(b - a for a, b in itertools.pairwise(beats))


async def test_another_servers_own_items_hold_up_the_loop_while_a_member_is_answered(seeded):
    """Break. A server's admins add many items of their own (here 20,000, imported by another
    process) that hold the words of a shared fact. A member of any other server asks about that
    fact: its words are rare in what the member's server sees, so ``select_terms`` ranks every
    match by bm25 (its budget counts only the items the server sees), and SQLite ranks all of
    the other server's matches before the visibility filter drops them. Before, that search ran
    in the reader's thread while the loop went on; now it runs on the loop's own thread: every
    other member's question, the reminders and Discord's heartbeat wait ~45 ms per question at
    20,000 such items, ~200 ms at 100,000, however few rows the search returns."""
    engine = AnswerEngine(seeded, clock=lambda: TODAY)
    vocab = await engine.vocabulary()
    selected, ranked = select_terms(vocab.query(QUESTION), vocab)
    assert ranked  # rare words: every match is ranked
    words = " ".join(selected)
    with contextlib.closing(sqlite3.connect(seeded.path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        other.executemany(
            "INSERT INTO items (id, kind, title_fr, title_en, text_fr, text_en, origin, "
            "guild_id, created_at, updated_at) VALUES (?, 'fact', 't', 't', 'x', 'x', 'admin', "
            "?, '2026-01-01', '2026-01-01')",
            ((f"own-{n}", OTHER_SERVER) for n in range(OWN_ITEMS)),
        )
        other.execute(
            "INSERT INTO search_index (rowid, item_id, names, keywords, body, questions) "
            "SELECT rowid, id, '', '', ?, '' FROM items WHERE guild_id = ?",
            (words, OTHER_SERVER),
        )
        other.execute("COMMIT")
    seeded.generation += 1  # as changed_elsewhere() finds after another process's commit
    assert (await engine.ask(QUESTION)).item.id == ANSWER  # the statistics read again

    answer, held = await longest_hold(engine.ask(QUESTION))
    assert answer.item.id == ANSWER
    assert held < 0.020, f"the loop was held {held * 1000:.0f} ms by one member's question"


def _ended(pid: int, *, within: float) -> int | None:
    """The wait status of a child of this process; None, the child killed, when it is still
    running after ``within`` seconds."""
    deadline = time.monotonic() + within
    while (ended := os.waitpid(pid, os.WNOHANG)) == (0, 0) and time.monotonic() < deadline:
        time.sleep(0.02)
    if ended == (0, 0):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return None
    return ended[1]


def _answer_in_a_fresh_loop(path: Path, found: list[str]) -> None:
    async def answer() -> None:
        async with Store.open(path) as store:
            engine = AnswerEngine(store, clock=lambda: TODAY)
            found.append((await engine.ask(QUESTION)).item.id)

    asyncio.run(answer())


async def test_a_process_forked_after_an_answer_answers_too(engine, tmp_path):
    """Break. The examples' thread is one per process, made once and kept
    (``functools.cache``); a process forked from one that has answered a question
    (``multiprocessing``'s default on Linux, to answer a question set in workers, say) inherits
    the executor but not its thread: its first question waits forever in ``.result()``, its
    event loop frozen with it. Before, the comparison ran on the loop: the child answered."""
    assert (await engine.ask(QUESTION)).item.id == ANSWER  # the examples' thread now runs
    copy = tmp_path / "copy.sqlite3"  # the child's own file: no connection crosses the fork
    with (
        contextlib.closing(sqlite3.connect(engine.store.path)) as source,
        contextlib.closing(sqlite3.connect(copy)) as target,
    ):
        source.backup(target)
    pid = os.fork()
    if pid == 0:  # the child: answers in a thread of its own, gives up after 1 s
        code = 2
        try:
            found: list[str] = []
            answering = threading.Thread(
                target=_answer_in_a_fresh_loop, args=(copy, found), daemon=True
            )
            answering.start()
            answering.join(1.0)
            code = 0 if found == [ANSWER] else 3 if answering.is_alive() else 4
        finally:
            os._exit(code)
    status = _ended(pid, within=5.0)
    if status is None:
        pytest.fail("the forked process hung")
    code = os.waitstatus_to_exitcode(status)
    assert code != 3, "the forked process's question never came back from the examples' thread"
    assert code == 0, f"the forked process failed ({code})"


@pytest.mark.parametrize("path", ["quick", "reader"])
async def test_a_question_called_off_at_any_step_leaves_no_comparison_running(
    seeded, monkeypatch, path
):
    """Guard. A question called off at any step (a member deletes the message, a timeout)
    ends with its comparison over: none runs on beside the next question, whose answer is a
    fresh engine's. Fails if the search's failure path stops waiting for the comparison
    (``comparing.cancel()``, which cannot stop one already running, or no wait at all)."""
    expected = (await AnswerEngine(seeded, clock=lambda: TODAY).ask(QUESTION)).as_dict()
    if path == "reader":
        seeded.quick = QuickReader(seeded.reader, None)  # every await interleaves
    engine = AnswerEngine(seeded, clock=lambda: TODAY)
    await engine.ask("who led the US-Taiwan talks?")  # warm: vocabulary and examples
    real = memory.Memory.closeness
    running = []

    def slow(self, *args, **kwargs):
        running.append(1)
        try:
            time.sleep(0.01)
            return real(self, *args, **kwargs)
        finally:
            running.pop()

    monkeypatch.setattr(memory.Memory, "closeness", slow)
    for steps in range(8):
        asked = asyncio.create_task(engine.ask(QUESTION))
        for _ in range(steps):
            await asyncio.sleep(0)
        asked.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asked
        assert not running, f"a comparison runs on after its question, called off at {steps}"
        # Each called off counts as over: the next question's comparison is not taken to be
        # queued behind phantoms (and awaited, the slower way) for ever after.
        assert examples_thread().waiting == 0, steps
    assert (await engine.ask(QUESTION)).as_dict() == expected


def _retitled_and_checkpointed(path: str) -> tuple[int, int]:
    """The answer retitled and committed by another connection, which then checkpoints the WAL
    file and truncates it: whether a reader held that up, and the WAL file's size after."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None, timeout=0.2)) as other:
        other.execute("UPDATE items SET title_en = 'Call closed' WHERE id = ?", (ANSWER,))
        busy, _, _ = other.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return busy, Path(f"{path}-wal").stat().st_size


async def test_a_quick_read_keeps_no_snapshot_between_questions(seeded):
    """Guard. The quick connection reads in autocommit, each read its own snapshot ended with
    it: another process's commit is in the next question, and its checkpoint (``seed load``,
    a backup) can truncate the WAL file. Fails if the quick connection reads inside a
    transaction it never ends (a BEGIN to read ``get_many``'s queries in one snapshot, Python
    3.12's ``autocommit=False``): the WAL then grows without end and questions read an old
    snapshot."""
    engine = AnswerEngine(seeded, clock=lambda: TODAY)
    assert (await engine.ask(QUESTION)).item.id == ANSWER
    busy, wal = _retitled_and_checkpointed(seeded.path)  # another process: seed load
    assert busy == 0, "a connection of the bot holds a read transaction open"
    assert wal == 0
    seeded.generation += 1  # as changed_elsewhere() finds
    assert (await engine.ask(QUESTION)).as_dict()["matches"][0]["title"] == "Call closed"
