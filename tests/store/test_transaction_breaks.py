"""Store.transaction() called off at each of its awaits: during BEGIN, in the body, during
COMMIT and during ROLLBACK, once or twice, on one store or two on the same file.

The connection's thread is held by a ``Plug`` (a SQL function waiting on a threading.Event):
statements queued meanwhile wait behind it in order, so a cancel lands at a known await without
any sleep whose length matters.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading

import pytest

from store.db import Store


class Plug:
    """Holds a store's connection thread until released."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.gate = threading.Event()
        self.task: asyncio.Task | None = None

    async def __aenter__(self) -> Plug:
        await self.store.conn.create_function("hold", 0, lambda: self.gate.wait(10))
        self.task = asyncio.create_task(self.store.conn.execute("SELECT hold()"))
        await asyncio.sleep(0)  # the SELECT is queued: what comes next waits behind it
        return self

    async def release(self) -> None:
        self.gate.set()
        await self.task

    async def __aexit__(self, *exc) -> None:
        self.gate.set()
        with contextlib.suppress(Exception):
            await self.task


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def write(store: Store, value: str, *, bump: bool = True) -> None:
    async with store.transaction(bump=bump) as conn:
        await conn.execute("INSERT INTO t (v) VALUES (?)", (value,))


async def rows(store: Store) -> list[str]:
    return [row[0] for row in await store.reader.execute_fetchall("SELECT v FROM t ORDER BY v")]


@contextlib.asynccontextmanager
async def two_stores(tmp_path):
    """Two stores on one file, as two processes have, with the table the tests write to."""
    path = tmp_path / "bot.sqlite3"
    async with Store.open(path) as first, Store.open(path) as second:
        async with first.transaction() as conn:
            await conn.execute("CREATE TABLE t (v TEXT)")
        yield first, second


async def inside_for_ever(store: Store, value: str) -> asyncio.Task:
    """A task inside a transaction that has written ``value`` and then waits for ever."""
    inside = asyncio.Event()

    async def body() -> None:
        async with store.transaction() as conn:
            await conn.execute("INSERT INTO t (v) VALUES (?)", (value,))
            inside.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(body())
    await inside.wait()
    return task


async def call_off_twice(task: asyncio.Task) -> None:
    """Cancel a task held in its body by a plugged connection: once, and again while its
    ROLLBACK waits behind the plug."""
    task.cancel()
    await settle()  # its ROLLBACK waits behind the plug
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


@pytest.fixture
async def db(tmp_path):
    async with Store.open(tmp_path / "bot.sqlite3") as store:
        async with store.transaction() as conn:
            await conn.execute("CREATE TABLE t (v TEXT)")
        yield store


# guards: behaviours that held -------------------------------------------------------------


async def test_guard_a_begin_called_off_while_queued_is_rolled_back(db: Store):
    generation = db.generation
    async with Plug(db) as plug:
        task = asyncio.create_task(write(db, "lost"))
        await settle()  # its BEGIN waits behind the plug
        task.cancel()
        await settle()  # its ROLLBACK is queued behind the BEGIN
        await plug.release()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert not db.conn.in_transaction
    assert db.generation == generation
    await write(db, "next")
    assert await rows(db) == ["next"]


async def test_guard_a_begin_that_succeeded_before_the_cancel_arrived_is_rolled_back(db: Store):
    async with Plug(db) as plug:
        task = asyncio.create_task(write(db, "lost"))
        await settle()
        plug.gate.set()
        while not db.conn.in_transaction:  # the loop is held: the BEGIN's result is not yet seen
            threading.Event().wait(0.001)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert not db.conn.in_transaction
    await write(db, "next")
    assert await rows(db) == ["next"]


async def test_guard_cancelled_twice_the_rollback_still_runs_before_the_next_transaction(
    db: Store,
):
    async with Plug(db) as plug:
        first = asyncio.create_task(write(db, "lost"))
        await settle()
        first.cancel()
        await settle()  # in the except: its ROLLBACK is queued
        first.cancel()  # and called off too: the write lock is released before it ran
        with pytest.raises(asyncio.CancelledError):
            await first
        second = asyncio.create_task(write(db, "kept"))
        await settle()  # its BEGIN is queued behind the first one's ROLLBACK
        await plug.release()
        await second
    assert not db.conn.in_transaction
    assert await rows(db) == ["kept"]


async def test_guard_a_body_called_off_twice_leaves_nothing_behind(db: Store):
    task = await inside_for_ever(db, "lost")
    async with Plug(db) as plug:
        await call_off_twice(task)
        after = asyncio.create_task(write(db, "kept"))
        await settle()
        await plug.release()
        await after
    assert not db.conn.in_transaction
    assert await rows(db) == ["kept"]


async def test_guard_a_begin_that_timed_out_on_another_writer_leaves_the_store_usable(tmp_path):
    async with two_stores(tmp_path) as (first, second):
        await first.conn.execute("PRAGMA busy_timeout = 50")
        generation = first.generation
        async with second.transaction():  # the other process writes, longer than the timeout
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                await write(first, "lost")  # the BEGIN's error, not the ROLLBACK's
        assert first.generation == generation
        assert not first.conn.in_transaction
        await write(first, "kept")
        await write(second, "too")
        assert await rows(second) == ["kept", "too"]


async def test_guard_a_begin_called_off_while_another_store_writes_leaves_no_lock(tmp_path):
    async with two_stores(tmp_path) as (first, second):
        await second.conn.execute("PRAGMA busy_timeout = 200")
        holding = second.transaction()
        await holding.__aenter__()  # the other process writes
        async with Plug(first) as plug:
            task = asyncio.create_task(write(first, "lost"))
            await settle()
            task.cancel()
            await settle()  # BEGIN then ROLLBACK queued: the BEGIN waits for `second`
            await plug.release()
            await holding.__aexit__(None, None, None)  # first's BEGIN gets the lock
            with pytest.raises(asyncio.CancelledError):
                await task  # returns once its ROLLBACK ran
            await first.conn.execute("SELECT 1")  # queued behind first's BEGIN: it has run
        await write(second, "kept")  # within 200 ms: nothing holds the lock
        assert not first.conn.in_transaction
        assert await rows(second) == ["kept"]


# breaks, mended ----------------------------------------------------------------------------


async def test_a_write_committed_while_its_task_was_called_off_moves_the_generation_on(db: Store):
    """Cancelled during COMMIT, the COMMIT still runs in aiosqlite's thread and the row is
    committed, but the generation stayed where it was: caches stamped with it (the title tables,
    the engine's vocabulary) kept the old data until the next write."""
    proceed = asyncio.Event()
    inside = asyncio.Event()

    async def body() -> None:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO t (v) VALUES ('committed')")
            inside.set()
            await proceed.wait()

    task = asyncio.create_task(body())
    await inside.wait()
    generation = db.generation
    async with Plug(db) as plug:
        proceed.set()
        await settle()  # the body ended: its COMMIT waits behind the plug
        task.cancel()
        await plug.release()
        with pytest.raises(asyncio.CancelledError):
            await task  # raised at once: its COMMIT may not have run yet
    await db.conn.execute("SELECT 1")  # queued behind the COMMIT, so done after it
    assert await rows(db) == ["committed"]
    assert db.generation == generation + 1


async def test_a_rollback_called_off_still_moves_the_generation_on():
    """On an in-memory store (reads share the connection), a body called off, then called off
    again while its ROLLBACK waited, left the generation where it was: what a read had cached of
    the rolled-back rows was kept, against the docstring's promise."""
    async with Store.open(":memory:") as store:
        async with store.transaction() as conn:
            await conn.execute("CREATE TABLE t (v TEXT)")
        task = await inside_for_ever(store, "seen, then gone")
        generation = store.generation
        async with Plug(store) as plug:
            await call_off_twice(task)
            await plug.release()
        assert await rows(store) == []
        assert store.generation == generation + 1


async def test_a_begin_called_off_while_the_store_closes_stays_called_off(tmp_path):
    """A BEGIN called off while the store closes: the ROLLBACK queued behind it ran after the
    close and raised sqlite3.ProgrammingError in place of the CancelledError. The scheduler's
    renewal loop, which catches Exception, would have swallowed the cancel and kept going."""
    async with Store.open(tmp_path / "bot.sqlite3") as store:
        async with store.transaction() as conn:
            await conn.execute("CREATE TABLE t (v TEXT)")
        async with Plug(store) as plug:
            task = asyncio.create_task(write(store, "lost"))
            await settle()  # BEGIN queued
            closing = asyncio.create_task(store.conn.close())
            await settle()  # close queued behind it
            task.cancel()
            await settle()  # ROLLBACK queued behind the close
            await plug.release()
            await closing
            outcome = (await asyncio.gather(task, return_exceptions=True))[0]
        assert isinstance(outcome, asyncio.CancelledError), repr(outcome)
