"""The reminder scheduler: persistent in SQLite, one sleeper until the next due reminder.

The guarantee, exactly:

* A reminder is claimed in the database (one atomic UPDATE) before it is sent, and marked sent
  with the message id after. Two processes on one database never claim the same reminder.
* Every send carries the reminder's own nonce with ``enforce_nonce``: Discord returns the first
  message instead of creating a second one when the same nonce comes again within its dedupe
  window (a few minutes).
* If the process dies between claim and mark, the claim is taken over — at once when its holder
  was a process of this machine that is gone, else when its lease runs out — and the reminder is
  sent again with the same nonce if the first attempt is younger than ``NONCE_WINDOW``: it then
  appears exactly once. A claim older than that is not sent again and is logged as uncertain:
  at most once rather than twice.
* A reminder that fell due while the bot was down is posted once, marked late, if its deadline
  has not passed; otherwise it is skipped and logged.
* A deleted channel (404) or a lost permission (403) pauses the server's reminders until an admin
  sets a channel again; rate limits (429) and server errors (5xx) are retried with backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from store import items as items_sql
from store import reminders as reminders_sql
from store import settings as settings_sql
from store import times
from store.db import Store
from store.items import Item
from store.reminders import Reminder
from store.settings import GuildSettings

log = logging.getLogger(__name__)

MAX_SLEEP = 3600.0  # seconds: long sleeps are taken in bounded steps
LEASE = 60.0  # seconds a claim is held before another process may take it over
NONCE_WINDOW = 240.0  # seconds within which a repeated nonce is sure to be dropped
LATE_AFTER = 60.0  # seconds after due from which a post says it is late
BATCH = 100
CONCURRENCY = 20  # channels posted to at the same time
MAX_ATTEMPTS = 8
BACKOFF = (15, 60, 300, 900, 1800, 3600)


class PostError(Exception):
    """A reminder could not be posted."""


class ChannelGone(PostError):
    """The channel no longer exists (404): pause the server."""


class NoAccess(PostError):
    """The bot may not post there (403): pause the server."""


class Transient(PostError):
    """Rate limit or server error: try again later."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Poster(Protocol):
    async def post(
        self, reminder: Reminder, item: Item, settings: GuildSettings, *, late: bool
    ) -> int:
        """Post the reminder; return the message id. Raises a PostError."""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _holder_is_gone(claimed_by: str | None) -> bool:
    """Whether the process that made a claim is known to be dead (same machine, no such pid)."""
    if not claimed_by:
        return True
    host, _, pid = claimed_by.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class ReminderScheduler:
    """Posts due reminders through a ``Poster``; one loop, woken by every change."""

    def __init__(
        self,
        store: Store,
        poster: Poster,
        *,
        clock: Callable[[], datetime] | None = None,
        worker: str | None = None,
    ) -> None:
        self.store = store
        self.poster = poster
        self.clock = clock or times.utc_now
        self.worker = worker or worker_name()
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._stopping = False

    # control -------------------------------------------------------------------------------

    def wake(self) -> None:
        """Something changed: look again at what is due next."""
        self._wake.set()

    def start(self) -> asyncio.Task:
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="reminder-scheduler")
        self._task.add_done_callback(_log_end)
        return self._task

    async def stop(self, grace: float = 10.0) -> None:
        """Let the sends under way finish (up to ``grace`` seconds), then stop."""
        self._stopping = True
        self.wake()
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), timeout=grace)
            except TimeoutError:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
            self._task = None

    # the loop ------------------------------------------------------------------------------

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()  # before looking: a wake-up during the pass is kept
            try:
                if await self.run_once():
                    continue
                delay = await self.seconds_to_next()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("reminder scheduler pass failed; trying again in a minute")
                delay = 60.0
            if delay > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=delay)

    async def seconds_to_next(self) -> float:
        """Seconds until something is due, at most MAX_SLEEP."""
        wake_at = await reminders_sql.next_wake(self.store.conn, LEASE)
        if wake_at is None:
            return MAX_SLEEP
        return max(0.0, min(MAX_SLEEP, (wake_at - self.clock()).total_seconds()))

    async def run_once(self) -> int:
        """Post everything due now; return how many reminders were handled."""
        now = self.clock()
        async with self.store.transaction() as conn:
            stale = await reminders_sql.expired_claims(
                conn, now, LEASE, self.worker, gone=_holder_is_gone
            )
            claimed = await reminders_sql.claim_due(conn, now, self.worker, BATCH)
        resend = []
        for reminder in stale:
            age = (now - reminder.claimed_at).total_seconds() if reminder.claimed_at else 1e9
            if age <= NONCE_WINDOW:
                log.info(
                    "reminder %d: its sender stopped mid-send; sending again with the same nonce",
                    reminder.id,
                )
                resend.append(reminder)
            else:
                log.warning(
                    "reminder %d: claimed %.0f s ago by a process that stopped; not "
                    "sent again, it may or may not have been posted",
                    reminder.id,
                    age,
                )
                async with self.store.transaction() as conn:
                    await reminders_sql.finish(
                        conn, reminder.id, "failed", "uncertain: the sender stopped mid-send"
                    )
        work = resend + claimed
        if not work:
            return len(stale)
        by_channel: dict[int | None, list[Reminder]] = {}
        for reminder in work:
            by_channel.setdefault(reminder.channel_id, []).append(reminder)
        limit = asyncio.Semaphore(CONCURRENCY)

        async def post_all(batch: list[Reminder]) -> None:
            async with limit:
                for reminder in batch:
                    await self._handle(reminder)

        await asyncio.gather(*(post_all(batch) for batch in by_channel.values()))
        return len(work) + len(stale) - len(resend)

    async def _handle(self, reminder: Reminder) -> None:
        """Send one claimed reminder and record the outcome; never raises."""
        try:
            await self._send(reminder)
        except Exception:
            log.exception("reminder %d: unexpected error", reminder.id)
            await self._retry(reminder, "unexpected error")

    async def _send(self, reminder: Reminder) -> None:
        conn = self.store.conn
        now = self.clock()
        item = await items_sql.get(conn, reminder.item_id)
        settings = await settings_sql.get(conn, reminder.guild_id)
        if item is None or item.deadline is None:
            await self._finish(reminder, "skipped", "the deadline was removed")
            return
        if item.deadline.due != reminder.deadline_at:
            await self._finish(reminder, "skipped", "the deadline moved; planned again for it")
            return
        if item.deadline.due <= now:
            log.info(
                "reminder %d skipped: its deadline %s passed before it could be posted",
                reminder.id,
                item.id,
            )
            await self._finish(reminder, "skipped", "the deadline passed before it was posted")
            return
        if settings is None or not settings.active:
            async with self.store.transaction() as tx:
                await reminders_sql.release(tx, reminder.id, None, "reminders off or paused")
            return
        late = (now - reminder.due_at).total_seconds() > LATE_AFTER
        try:
            message_id = await self.poster.post(reminder, item, settings, late=late)
        except (ChannelGone, NoAccess) as exc:
            reason = "channel_missing" if isinstance(exc, ChannelGone) else "no_permission"
            log.warning("server %d: reminders paused (%s): %s", reminder.guild_id, reason, exc)
            async with self.store.transaction() as tx:
                await settings_sql.pause(tx, reminder.guild_id, reason, self.clock())
                await reminders_sql.release(tx, reminder.id, None, f"paused: {reason}")
            return
        except Transient as exc:
            await self._retry(reminder, str(exc), exc.retry_after)
            return
        async with self.store.transaction() as tx:
            await reminders_sql.mark_sent(tx, reminder.id, message_id, self.clock(), late)
        log.info(
            "reminder %d posted in channel %s (message %d)%s",
            reminder.id,
            settings.channel_id,
            message_id,
            ", late" if late else "",
        )

    async def _finish(self, reminder: Reminder, state: str, note: str) -> None:
        async with self.store.transaction() as tx:
            await reminders_sql.finish(tx, reminder.id, state, note)

    async def _retry(self, reminder: Reminder, note: str, retry_after: float | None = None) -> None:
        if reminder.attempts >= MAX_ATTEMPTS:
            log.error(
                "reminder %d failed %d times; giving up: %s", reminder.id, reminder.attempts, note
            )
            await self._finish(reminder, "failed", note)
            return
        backoff = BACKOFF[min(reminder.attempts - 1, len(BACKOFF) - 1)]
        delay = max(backoff, retry_after or 0)
        log.warning("reminder %d: %s; retrying in %d s", reminder.id, note, delay)
        async with self.store.transaction() as tx:
            await reminders_sql.release(
                tx, reminder.id, self.clock() + timedelta(seconds=delay), note
            )


def _log_end(task: asyncio.Task) -> None:
    if task.cancelled():
        return
    if task.exception() is not None:
        log.error("the reminder scheduler stopped", exc_info=task.exception())
