"""Trying to break the second connection the store reads through (``store.reader``): an admin's
change read back at once, caches filled from the reader while a commit lands, reads called off
mid-query, another process writing the same file, and a reader that cannot be opened.

Tests marked "Guard." passed when written: each pins a risky path that was checked and held.
Tests marked "Break." failed on the code they were written against; each says what a member, an
admin or an operator sees.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time

import aiosqlite
import pytest

from bot.knowledge import Knowledge
from bot.reminders.service import ReminderService
from store import db as db_module
from store import items as items_sql
from store.db import Store, StoreError
from tests.support import ZORBLAX, Clock, deadline_form

GUILD, ADMIN, CHANNEL = 10, 30, 555


def _services(store: Store) -> tuple[Knowledge, ReminderService]:
    clock = Clock()
    knowledge = Knowledge(store, clock=clock)
    return knowledge, ReminderService(store, knowledge, clock=clock)


async def _call_off_mid_query(coro) -> None:
    """Start a read, call it off while its query is on the reader's thread, and give that thread
    the moment it needs to finish the query nobody waits for any more."""
    task = asyncio.create_task(coro)
    await asyncio.sleep(0)  # the task has handed its first query to the reader's thread
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.2)


# Reads called off --------------------------------------------------------------------------------


async def test_a_read_called_off_mid_query_leaves_the_next_read_on_an_old_snapshot(seeded):
    """Break. A read on the reader is called off while its query runs (a question or a listing
    cancelled: a send timed out or cut short at shutdown while it read the item's source, a
    caller's time-out). aiosqlite still runs ``conn.execute`` in the reader's thread; the sqlite3
    cursor it returns, one row stepped, is dropped by nobody: the worker thread keeps it (its last
    ``result``) until the next call has run. Its statement keeps the reader's read transaction
    open, so that next read sees the database as it was before, whatever was committed since.

    Here the admin adds a deadline right after: it is saved, but ``add_deadline`` reads it back
    through the pinned snapshot and returns None; the form's reply (``item.title(...)``) fails
    and the admin is told something went wrong, for a deadline that was in fact added (and is
    added again if they retry). Meanwhile the WAL cannot be checkpointed past that snapshot.

    Fix: never leave a cursor open on the reader: its helpers read with ``execute_fetchall``
    (the statement ends in the thread), or ``Store`` gives reads a helper that runs the query and
    its fetch as one call in the thread (and resets it in a ``finally``)."""
    knowledge, service = _services(seeded)
    await _call_off_mid_query(knowledge.deadlines(guild_id=GUILD))
    added = await service.add_deadline(GUILD, ADMIN, deadline_form("2026-12-24 18:00", **ZORBLAX))
    assert added is not None
    assert added.title_en == ZORBLAX["title_en"]


# Caches filled across a commit -------------------------------------------------------------------


async def test_a_title_table_read_before_a_commit_is_not_kept_after_it(seeded, monkeypatch):
    """Break. Knowledge._title_table stamps the generation when it clears the tables, not when
    it reads them. An admin's /deadline autocomplete reads the deadlines' titles on the reader
    just before another admin's new deadline is committed (its snapshot has no new deadline);
    the commit moves the generation on; a member's question comes at once and clears the tables
    (stamping the new generation); then the autocomplete's read returns and is stored as if it
    were current. Before this change every read ran on the writer's connection behind the
    transaction's own statements, so a read that began before the COMMIT saw its rows; now a
    read that starts before the COMMIT and ends after it is the normal case.

    What the admins see, until the next write of any kind: typing "zorbl" in /deadline edit or
    remove does not offer the deadline just added, and "/deadline show sommet zorbl" answers
    that no such deadline exists (a fresh table finds both). Exact titles asked with /ask are
    not recognised either (``named``). Fix: keep the generation read before the query, and store
    the table only if ``self.store.generation`` is still that one (else read again or keep it
    for this call only)."""
    knowledge, service = _services(seeded)
    await service.add_deadline(GUILD, ADMIN, deadline_form("2026-12-20 18:00"))
    await knowledge.ask("when does the AMI close?", lang="en", guild_id=GUILD)
    real_names = items_sql.names
    read, go_on = asyncio.Event(), asyncio.Event()

    async def names_read_before_the_commit(conn, *, kind=None):
        rows = await real_names(conn, kind=kind)  # the snapshot is taken here
        if kind == "deadline" and not go_on.is_set():
            read.set()
            await go_on.wait()  # the query's result comes back after the commit
        return rows

    monkeypatch.setattr(items_sql, "names", names_read_before_the_commit)
    typing = asyncio.create_task(
        knowledge.suggest("fil", kind="deadline", guild_id=GUILD, lang="en", own=True)
    )
    await read.wait()
    new = await service.add_deadline(GUILD, ADMIN, deadline_form("2026-12-24 18:00", **ZORBLAX))
    await knowledge.ask("when does the AMI close?", lang="en", guild_id=GUILD)
    go_on.set()
    await typing
    monkeypatch.setattr(items_sql, "names", real_names)

    def typed(knowing: Knowledge):
        return knowing.suggest("zorbl", kind="deadline", guild_id=GUILD, lang="en", own=True)

    fresh = Knowledge(seeded, clock=Clock())
    assert new.id in [c.value for c in await typed(fresh)]
    assert new.id in [c.value for c in await typed(knowledge)]
    found = await knowledge.find("sommet zorbl", kind="deadline", guild_id=GUILD)
    assert found is not None and found.id == new.id


# Read-after-write --------------------------------------------------------------------------------


async def test_an_admins_change_is_read_back_at_once_everywhere(seeded):
    """Guard. An admin adds, edits, then removes a deadline: the form's reply, /deadlines list,
    the autocomplete, the next question and /reminders status (the reminder plan) each show the
    change at once: the transaction is awaited to its COMMIT before anything reads it back, and
    a reader statement begun after the COMMIT sees it (WAL)."""
    knowledge, service = _services(seeded)
    await knowledge.ask("when does the AMI close?", lang="en", guild_id=GUILD)  # warm caches
    await service.set_channel(GUILD, ADMIN, CHANNEL, guild_locale=None, user_locale="en")
    question = "when is the zorblax summit registration?"

    added = await service.add_deadline(GUILD, ADMIN, deadline_form("2026-12-24 18:00", **ZORBLAX))
    assert added is not None and added.deadline.due.year == 2026
    listed = await knowledge.deadlines(guild_id=GUILD)
    assert added.id in [i.id for i in listed.upcoming]
    offered = await knowledge.suggest("zorblax", kind="deadline", guild_id=GUILD, lang="en")
    assert added.id in [c.value for c in offered]
    answer = await knowledge.ask(question, lang="en", guild_id=GUILD)
    assert answer.answered and "24 December 2026" in answer.text
    status = await service.status(GUILD, limit=50)
    assert added.id in {item.id for _, item in status.upcoming}

    edited = await service.edit_deadline(
        GUILD, ADMIN, added.id, deadline_form("2027-03-01 18:00", **ZORBLAX)
    )
    assert edited.deadline.due.year == 2027
    answer = await knowledge.ask(question, lang="en", guild_id=GUILD)
    assert answer.answered and "1 March 2027" in answer.text
    status = await service.status(GUILD, limit=50)
    dues = [r.due_at for r, item in status.upcoming if item.id == added.id]
    assert dues and all(due.year == 2027 for due in dues)  # the plan moved with the date

    await service.remove_deadline(GUILD, ADMIN, added.id)
    listed = await knowledge.deadlines(guild_id=GUILD)
    assert added.id not in [i.id for i in listed.upcoming + listed.past]
    offered = await knowledge.suggest("zorblax", kind="deadline", guild_id=GUILD, lang="en")
    assert added.id not in [c.value for c in offered]
    status = await service.status(GUILD, limit=50)
    assert added.id not in {item.id for _, item in status.upcoming}


# Another process on the same file ----------------------------------------------------------------


async def test_another_processs_commit_reaches_the_reader_and_refreshes_the_caches(seeded):
    """Guard. A second Store on the same file (another process: a second bot while one is being
    replaced, or ``seed load``) adds a deadline: this store's reader sees the row at once,
    ``changed_elsewhere`` (data_version on the writer) notices it, and the answers, built again
    on the next question, give its date."""
    knowledge, _ = _services(seeded)
    question = "when is the zorblax summit registration?"
    before = await knowledge.ask(question, lang="en", guild_id=GUILD)
    assert not (before.answered and "Zorblax" in before.text)
    await seeded.changed_elsewhere()  # the baseline, as the bot takes it at start-up
    async with Store.open(seeded.path) as other:
        _, elsewhere = _services(other)
        added = await elsewhere.add_deadline(
            GUILD, ADMIN, deadline_form("2026-12-24 18:00", **ZORBLAX)
        )
    assert (await items_sql.get(seeded.reader, added.id)) is not None
    assert await seeded.changed_elsewhere()
    answer = await knowledge.ask(question, lang="en", guild_id=GUILD)
    assert answer.answered and answer.item.id == added.id
    assert "24 December 2026" in answer.text


async def test_questions_are_not_held_up_by_another_process_writing(seeded):
    """Guard. Another process holds a long write transaction (a seed load), with rows not yet
    committed: a member's question and /deadlines list go on at once (no five-second wait for
    the busy timeout, no "database is locked") and do not see the uncommitted rows."""
    knowledge, _ = _services(seeded)
    before = await knowledge.counts(guild_id=None)
    holding, release = threading.Event(), threading.Event()

    def seed_load_elsewhere() -> None:
        conn = sqlite3.connect(seeded.path, isolation_level=None, timeout=5)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM items WHERE origin = 'seed' AND kind = 'fact'")
            holding.set()
            release.wait(10)
            conn.execute("ROLLBACK")
        finally:
            conn.close()

    writer = threading.Thread(target=seed_load_elsewhere)
    writer.start()
    try:
        assert await asyncio.to_thread(holding.wait, 5)
        started = time.monotonic()
        answer = await knowledge.ask("when does the AMI close?", lang="en", guild_id=GUILD)
        counted = await knowledge.counts(guild_id=None)
        await knowledge.deadlines(guild_id=GUILD)
        assert time.monotonic() - started < 2.0
        assert answer.answered
        assert counted == before
    finally:
        release.set()
        await asyncio.to_thread(writer.join, 10)


# Opening -----------------------------------------------------------------------------------------


async def test_a_reader_that_cannot_be_opened_closes_the_writer_and_says_why(tmp_path, monkeypatch):
    """Guard. Store.open gets half way: the writer is open and migrated, the reader's connection
    fails (too many open files, say). The operator gets a StoreError naming the database (not a
    raw traceback), and the writer is closed: its thread does not keep the process alive."""
    real_connect = aiosqlite.connect
    opened: list[aiosqlite.Connection] = []

    def connect(path, **kwargs):
        if opened:
            raise sqlite3.OperationalError("unable to open database file")
        conn = real_connect(path, **kwargs)
        opened.append(conn)
        return conn

    monkeypatch.setattr(db_module.aiosqlite, "connect", connect)
    path = tmp_path / "db.sqlite3"
    with pytest.raises(StoreError, match="cannot open the database"):
        async with Store.open(path):
            pass
    (writer,) = opened
    assert writer._connection is None
    await asyncio.to_thread(writer._thread.join, 5)
    assert not writer._thread.is_alive()
