"""The store's quick reads (``store.quick``): a few rows read on the event loop's own thread,
which go to the reader's thread only when a lock is in the way, in memory, or once closed."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from store import items as items_sql
from store.db import QuickReader, Store

FIGURE = "us-tw-trade-deal-investment-250bn"


def finished_at_once(coro):
    """What a coroutine returns when it never waits: it ends at its first step."""
    with pytest.raises(StopIteration) as ended:
        coro.send(None)
    return ended.value.value


class LockedOnce:
    """A connection that finds the database locked the first time it is asked (as a reader in WAL
    mode does while another process recovers the file after a crash), then reads as before."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.refused = 0

    def execute(self, sql, parameters=()):
        if not self.refused:
            self.refused += 1
            error = sqlite3.OperationalError("database is locked")
            error.sqlite_errorcode = sqlite3.SQLITE_BUSY
            raise error
        return self.conn.execute(sql, parameters)


async def test_a_quick_read_is_done_before_its_first_await(seeded):
    """An answer's item is read without a hand-over to another thread: the read is over by the
    time the coroutine first runs."""
    found = finished_at_once(items_sql.get_many(seeded.quick, [FIGURE], terms=False))
    assert found[FIGURE].figure.value == 250_000_000_000


async def test_a_quick_read_sees_what_was_committed_just_before(seeded):
    """An admin's change is in the next question's search at once."""
    async with seeded.transaction() as conn:
        await conn.execute("UPDATE items SET title_en = 'Renamed' WHERE id = ?", (FIGURE,))
    found = await items_sql.get_many(seeded.quick, [FIGURE], terms=False)
    assert found[FIGURE].title_en == "Renamed"


async def test_a_locked_database_sends_the_read_to_the_readers_thread(seeded, caplog):
    """A read that finds the file locked waits in the reader's thread (the loop goes on), and
    the operator's log says why; the rows are the same."""
    expected = await items_sql.get_many(seeded.reader, [FIGURE], terms=False)
    locked = LockedOnce(seeded.quick.conn)
    quick = QuickReader(seeded.reader, locked)
    with caplog.at_level(logging.INFO, logger="store.db"):
        found = await items_sql.get_many(quick, [FIGURE], terms=False)
    assert found == expected
    assert locked.refused == 1
    assert "waits for a lock" in caplog.text


async def test_a_mistake_in_a_query_is_raised_not_sent_elsewhere(seeded):
    """Only a lock sends a read to the reader's thread: an error of the query itself is raised
    as it is, once."""
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        await seeded.quick.execute_fetchall("SELECT * FROM no_such_table")


async def test_in_memory_every_read_goes_to_the_reader():
    """An in-memory database has one connection: quick reads go through it, and see what it
    holds."""
    async with Store.open(":memory:") as store:
        assert store.quick.conn is None
        rows = await store.quick.execute_fetchall("SELECT count(*) FROM items")
        assert rows[0][0] == 0


async def test_closed_the_quick_reader_reads_through_the_reader_until_that_closes(tmp_path):
    """As the store closes, the quick reader closes first: a question still under way reads
    through the reader; and nothing stays open once the store is closed."""
    async with Store.open(tmp_path / "s.sqlite3") as store:
        connection = store.quick.conn
        store.quick.close()
        rows = await store.quick.execute_fetchall("SELECT count(*) FROM items")
        assert rows[0][0] == 0
        store.quick.close()  # twice: nothing more to do
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        connection.execute("SELECT 1")
    with pytest.raises(ValueError, match="closed"):
        await store.quick.execute_fetchall("SELECT 1")


async def test_the_store_closes_its_quick_connection(tmp_path):
    async with Store.open(tmp_path / "s.sqlite3") as store:
        connection = store.quick.conn
        assert connection.execute("PRAGMA query_only").fetchone()[0] == 1
    assert store.quick.conn is None
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        connection.execute("SELECT 1")
