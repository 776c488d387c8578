"""The SQLite store: its connections, their pragmas, migrations and transactions."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import threading
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

MIGRATIONS_PACKAGE = "store.migrations"


class StoreError(Exception):
    """A problem with the database file itself (unreadable, newer schema, …)."""


def explain(path: str, error: Exception) -> str:
    """What a SQLite error means for the person running the bot, in one line."""
    text = str(error)
    if "readonly" in text or "read-only" in text:
        return (
            f"the database {path!r} is read-only (the file or its folder): the bot needs to "
            "write there"
        )
    if "locked" in text or "busy" in text:
        return f"the database {path!r} is busy in another process: try again when it is done"
    if "unable to open" in text:
        return f"cannot open the database {path!r}: check that its folder exists and is writable"
    if "not a database" in text or "malformed" in text:
        return f"{path!r} is not a usable SQLite database ({text})"
    return f"database {path!r}: {text}"


def statements(script: str) -> list[str]:
    """The SQL statements of a script, one by one (trigger bodies kept whole)."""
    found, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                found.append(current.strip())
            current = ""
    if any(line.strip() and not line.strip().startswith("--") for line in current.splitlines()):
        found.append(current.strip())  # unfinished: executing it reports the error
    return found


def migrations() -> list[tuple[int, str, str]]:
    """The schema migrations shipped with the code, as (version, name, sql), in order."""
    found = []
    for entry in resources.files(MIGRATIONS_PACKAGE).iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [version for version, _, _ in found]
    if versions != list(range(1, len(found) + 1)):
        raise StoreError(f"migrations are not numbered 1..n: {versions}")
    return found


def busy(error: sqlite3.OperationalError) -> bool:
    """Whether SQLite refused because another connection holds a lock (busy or locked)."""
    primary = getattr(error, "sqlite_errorcode", 0) & 0xFF  # an extended code's primary one
    return primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class QuickReader:
    """Reads of a few rows (a search's candidates, an answer's item) done on the event loop's own
    thread, with a plain sqlite3 connection of their own.

    Handing such a read to ``reader``'s thread and waking the loop again costs more than the read
    itself; and while SQLite works here, it lets go of the GIL, so that other threads run (the
    answer engine compares the question with its examples meanwhile). Never for long reads (the
    whole index, every server's settings): those would hold up every other coroutine.

    Its busy timeout is nil: should another process hold a lock that a reader in WAL mode has to
    wait for, the read goes to ``reader``, which waits in its own thread while the loop goes on.
    In memory there is no second connection: every read goes to ``reader``. So does a read from
    another thread than the one that opened the store (a job run in a worker thread's own loop):
    the connection is this thread's.
    """

    def __init__(self, fallback: aiosqlite.Connection, conn: sqlite3.Connection | None) -> None:
        self.fallback = fallback
        self.conn = conn
        self.thread = threading.get_ident()

    @classmethod
    def open(cls, path: str, fallback: aiosqlite.Connection) -> QuickReader:
        conn = None
        try:
            # Used from this thread only (``thread``); closed from whichever closes the store.
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout = 0")
            conn.execute("PRAGMA query_only = ON")
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            raise StoreError(explain(path, exc)) from exc
        return cls(fallback, conn)

    async def execute_fetchall(self, sql: str, parameters: Any = ()) -> list[sqlite3.Row]:
        """As ``aiosqlite.Connection.execute_fetchall``, done before the first await."""
        if self.conn is not None and threading.get_ident() == self.thread:
            try:
                return self.conn.execute(sql, parameters).fetchall()
            except sqlite3.OperationalError as exc:
                if not busy(exc):
                    raise
                log.info("a quick read waits for a lock in the reader's thread: %s", exc)
        return list(await self.fallback.execute_fetchall(sql, parameters))

    def close(self) -> None:
        """Closed, it sends every read to ``reader`` (which says so once it is closed too)."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# What a function that only reads a few rows may be given: either connection reads alike.
Reads = aiosqlite.Connection | QuickReader


class Store:
    """Owns the connections. Use ``async with Store.open(path) as store``.

    Every write goes through :meth:`transaction` on ``conn``; ``generation`` counts writes
    (committed or rolled back) so that caches built on the data (the search vocabulary) know when
    to refresh. Reads outside a transaction go through ``reader``, a connection of its own: in
    WAL mode it sees only committed rows, so a member's question asked while an admin's edit is
    under way never reads that edit before it is committed, nor after it is rolled back. (An
    in-memory database cannot be shared between connections: there ``reader`` is ``conn``.)
    ``quick`` reads a few rows without leaving the loop's thread (see :class:`QuickReader`).
    """

    def __init__(
        self, conn: aiosqlite.Connection, path: str, reader: aiosqlite.Connection | None = None
    ) -> None:
        self.conn = conn
        self.reader = reader or conn
        self.quick = QuickReader(self.reader, None)
        self.path = path
        self.generation = 0
        self._write_lock = asyncio.Lock()
        self._data_version: int | None = None

    @classmethod
    @contextlib.asynccontextmanager
    async def open(cls, path: str | Path) -> AsyncIterator[Store]:
        path = str(path)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = await aiosqlite.connect(path, isolation_level=None)
        except Exception as exc:  # sqlite3.OperationalError and OSError alike
            raise StoreError(explain(path, exc)) from exc
        async with contextlib.AsyncExitStack() as stack:
            stack.push_async_callback(conn.close)
            conn.row_factory = aiosqlite.Row
            store = cls(conn, path)
            await store._configure()
            await store._migrate()
            if path != ":memory:":
                store.reader = await stack.enter_async_context(cls._reading(path))
                store.quick = QuickReader.open(path, store.reader)
                stack.callback(store.quick.close)
            yield store

    @staticmethod
    @contextlib.asynccontextmanager
    async def _reading(path: str) -> AsyncIterator[aiosqlite.Connection]:
        """A second connection to the file, for reads only, opened once the schema is there."""
        try:
            reader = await aiosqlite.connect(path, isolation_level=None)
        except Exception as exc:
            raise StoreError(explain(path, exc)) from exc
        try:
            reader.row_factory = aiosqlite.Row
            await reader.execute("PRAGMA busy_timeout = 5000")
            await reader.execute("PRAGMA query_only = ON")
            yield reader
        finally:
            await reader.close()

    async def _configure(self) -> None:
        try:
            await self.conn.execute("PRAGMA busy_timeout = 5000")
            await self._journal_in_wal()
            await self.conn.execute("PRAGMA foreign_keys = ON")
            await self.conn.execute("PRAGMA synchronous = NORMAL")
        except Exception as exc:
            raise StoreError(explain(self.path, exc)) from exc

    async def _journal_in_wal(self) -> None:
        """Switch to WAL. SQLite answers "locked" at once, without its busy timeout, while
        another process creates the same fresh file: wait a little and ask again."""
        for pause in (0.05, 0.1, 0.2, 0.4, 0.8, 1.6, None):
            try:
                await self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if pause is None or "locked" not in str(exc):
                    raise
                await asyncio.sleep(pause)

    async def schema_version(self) -> int:
        ((version,),) = await self.conn.execute_fetchall("PRAGMA user_version")
        return int(version)

    async def _migrate(self) -> None:
        """Apply the missing migrations in one transaction.

        The version is read after BEGIN IMMEDIATE: of two processes opening a fresh database, the
        second waits for the first, then finds the schema up to date.
        """
        known = migrations()
        try:
            await self.conn.execute("BEGIN IMMEDIATE")
        except Exception as exc:
            raise StoreError(explain(self.path, exc)) from exc
        try:
            current = await self.schema_version()
            if current > len(known):
                raise StoreError(
                    f"the database {self.path!r} has schema version {current}, newer than this "
                    f"program ({len(known)}); upgrade the program"
                )
            for version, name, sql in known[current:]:
                log.info("applying migration %s", name)
                try:
                    for statement in statements(sql):
                        await self.conn.execute(statement)
                except Exception as exc:
                    raise StoreError(f"migration {name} failed: {exc}") from exc
                await self.conn.execute(f"PRAGMA user_version = {int(version)}")
        except BaseException:
            await self.conn.execute("ROLLBACK")
            raise
        await self.conn.execute("COMMIT")

    async def changed_elsewhere(self) -> bool:
        """Whether another connection (another process: ``seed load``) committed since the last
        call. Caches built on the data then refresh, as after a write of this store's own."""
        ((version,),) = await self.conn.execute_fetchall("PRAGMA data_version")
        changed = self._data_version is not None and version != self._data_version
        self._data_version = version
        if changed:
            self.generation += 1
        return changed

    @contextlib.asynccontextmanager
    async def transaction(self, *, bump: bool = True) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception.

        Writers queue on a lock, so two coroutines never share one transaction. Not re-entrant.
        ``bump=False`` for writes that change nothing the caches are built on (items, sources,
        their index): the links between questions and answers written for every reply in a
        channel would otherwise make the next question rebuild the search vocabulary.

        The generation moves on after a ROLLBACK too: on an in-memory database, where questions
        read on this same connection, one asked while the transaction was open read its rows,
        and what the caches kept of them is gone.
        """
        async with self._write_lock:
            try:
                await self.conn.execute("BEGIN IMMEDIATE")
            except BaseException:
                # Called off while waiting for another process's write, the BEGIN goes on in
                # the connection's thread and may yet succeed: a ROLLBACK queued behind it ends
                # what it begins. (Failed, the BEGIN began nothing, and neither does this; on a
                # store closing meanwhile, neither can: the first error is the one raised.)
                with contextlib.suppress(Exception):
                    await self.conn.execute("ROLLBACK")
                raise
            # A COMMIT or ROLLBACK called off still runs in the connection's thread: the
            # generation moves on whether or not its caller waits to see it done.
            try:
                yield self.conn
            except BaseException:
                try:
                    await self.conn.execute("ROLLBACK")
                finally:
                    if bump:
                        self.generation += 1
                raise
            try:
                await self.conn.execute("COMMIT")
            finally:
                if bump:
                    self.generation += 1
