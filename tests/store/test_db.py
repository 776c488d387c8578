"""The store: migrations, pragmas and transactions on a real SQLite file."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3

import pytest

from store.db import Store, StoreError, explain, migrations


async def test_fresh_store_is_migrated_with_wal_and_foreign_keys(tmp_path):
    async with Store.open(tmp_path / "db.sqlite3") as store:
        assert await store.schema_version() == len(migrations())
        async with store.conn.execute("PRAGMA journal_mode") as cur:
            assert (await cur.fetchone())[0] == "wal"
        async with store.conn.execute("PRAGMA foreign_keys") as cur:
            assert (await cur.fetchone())[0] == 1


async def test_reopening_does_not_migrate_again(tmp_path):
    path = tmp_path / "db.sqlite3"
    async with Store.open(path) as store, store.transaction() as conn:
        await conn.execute(
            "INSERT INTO sources VALUES ('s1', 'd', 'p', '2025-01-01', 'fr', 'a', 'b', "
            "NULL, 'seed')"
        )
    async with Store.open(path) as store:
        async with store.conn.execute("SELECT count(*) FROM sources") as cur:
            assert (await cur.fetchone())[0] == 1


async def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 999")
    with pytest.raises(StoreError, match="newer than this program"):
        async with Store.open(path):
            pass


async def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "db.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError):
        async with Store.open(path):
            pass


async def test_reads_see_only_what_is_committed(tmp_path):
    async with Store.open(tmp_path / "db.sqlite3") as store:
        count = "SELECT count(*) FROM sources"
        async with store.transaction() as conn:
            await conn.execute(
                "INSERT INTO sources VALUES ('s1', 'd', 'p', '2025-01-01', 'fr', 'a', 'b', "
                "NULL, 'seed')"
            )
            assert (await store.reader.execute_fetchall(count))[0][0] == 0
        assert (await store.reader.execute_fetchall(count))[0][0] == 1


async def test_the_reader_cannot_write(tmp_path):
    async with Store.open(tmp_path / "db.sqlite3") as store:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await store.reader.execute("DELETE FROM sources")


async def _insert_then_fail(store):
    async with store.transaction() as conn:
        await conn.execute(
            "INSERT INTO sources VALUES ('s1', 'd', 'p', '2025-01-01', 'fr', 'a', 'b', NULL, "
            "'seed')"
        )
        raise ValueError("stop")


async def test_transaction_rolls_back_on_error(store):
    with pytest.raises(ValueError, match="stop"):
        await _insert_then_fail(store)
    async with store.conn.execute("SELECT count(*) FROM sources") as cur:
        assert (await cur.fetchone())[0] == 0
    # Caches read again: a question asked meanwhile saw the rows that were rolled back.
    assert store.generation == 1


async def test_foreign_keys_are_enforced(store):
    with pytest.raises(sqlite3.IntegrityError):
        async with store.transaction() as conn:
            await conn.execute(
                "INSERT INTO items (id, kind, title_fr, title_en, text_fr, text_en, source_id, "
                "origin, created_at, updated_at) VALUES ('x', 'fact', 'a', 'b', 'c', 'd', "
                "'missing', 'seed', '', '')"
            )


def test_sqlite_errors_are_explained_for_the_operator():
    path = "/srv/bot/db.sqlite3"
    readonly = explain(path, sqlite3.OperationalError("attempt to write a readonly database"))
    assert "read-only" in readonly
    cannot_open = explain(path, sqlite3.OperationalError("unable to open database file"))
    assert "folder exists and is writable" in cannot_open
    locked = explain(path, sqlite3.OperationalError("database is locked"))
    assert "another process" in locked
    assert "not a usable SQLite database" in explain(
        path, sqlite3.DatabaseError("file is not a database")
    )


async def test_a_transaction_called_off_while_waiting_for_the_lock_leaves_no_lock_behind(tmp_path):
    """A scheduler stops renewing a lease (its task cancelled) while the renewal's BEGIN waits
    for another process's write. The BEGIN goes on in the connection's thread and succeeds once
    the other write ends: the database stayed locked for good, and every other process's write
    failed with "database is locked" (a flaky scheduler test showed it)."""
    path = tmp_path / "bot.sqlite3"
    async with Store.open(path) as first, Store.open(path) as second:
        await second.conn.execute("PRAGMA busy_timeout = 300")
        holding = second.transaction()
        await holding.__aenter__()  # the other process writes
        waiting = asyncio.create_task(_write_in(first))
        await asyncio.sleep(0.2)  # first's BEGIN IMMEDIATE waits for the lock
        waiting.cancel()
        await asyncio.sleep(0)
        await holding.__aexit__(None, None, None)  # first's thread gets the lock it waited for
        with contextlib.suppress(asyncio.CancelledError):
            await waiting
        await asyncio.sleep(0.3)
        async with second.transaction() as conn:  # and must not keep it
            await conn.execute("PRAGMA user_version")
        async with first.transaction() as conn:  # nor be left inside a transaction
            await conn.execute("PRAGMA user_version")


async def _write_in(store: Store) -> None:
    async with store.transaction():
        pass
