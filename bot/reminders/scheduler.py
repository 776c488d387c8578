"""The reminder scheduler: persistent in SQLite, one sleeper until the next due reminder.

The guarantee, exactly:

* A reminder is claimed in the database (one atomic UPDATE) before it is sent, and marked sent
  with the message id after. Two processes on one database never claim the same reminder.
* Every claim has a token, and every write after it (renew, mark sent, release, finish) is
  fenced by that token: a process whose claim was taken over changes nothing.
* A send is bounded well under the lease (``SEND_TIMEOUT``; discord.py raises rather than wait
  out a long rate limit), and the lease is renewed while the send is under way.
* Every send carries the reminder's own nonce with ``enforce_nonce``: Discord returns the first
  message instead of creating a second one when the same nonce comes again within its dedupe
  window (a few minutes).
* Once a post succeeded it is never posted again: the message id is written with retries, and
  kept in memory to be written at the next pass if the database still refuses it.
* A post that may have reached Discord (a time-out, a network error, a 5xx, a process that died
  mid-send) is tried again, with the same nonce, only while its first attempt is younger than
  ``NONCE_WINDOW``: it then appears exactly once. Past that it is logged as uncertain and not
  sent again: at most once rather than twice. A claim whose holder died before trying to post
  is simply sent.
* A reminder that fell due while the bot was down is posted once, marked late, if its deadline
  has not passed; otherwise it is skipped and logged.
* A deleted channel (404) or a lost permission (403) pauses the server's reminders until an admin
  sets a channel again; rate limits (429) and server errors (5xx) are retried with backoff.
* Sends are independent: each channel has at most one send under way, and the loop never waits
  for a send before claiming what falls due elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
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

# Seconds: long sleeps are taken in bounded steps, so that a wall clock that jumped (a host that
# was suspended, a time sync) is noticed within minutes.
MAX_SLEEP = 300.0
LEASE = 60.0  # seconds a claim is held before another process may take it over
SEND_TIMEOUT = 30.0  # seconds one post may take, well under the lease
NONCE_WINDOW = 240.0  # seconds within which a repeated nonce is sure to be dropped
LATE_AFTER = 60.0  # seconds after due from which a post says it is late
BATCH = 100  # reminders claimed in one pass (one per channel)
MAX_ATTEMPTS = 8
BACKOFF = (15, 60, 300, 900, 1800, 3600)
MARK_RETRIES = (0.2, 0.5, 1.0, 2.0, 4.0)  # seconds between tries to record a post
CHECK_BACKOFF = (60, 300, 900, 3600, 6 * 3600)  # seconds between checks of a paused channel


class PostError(Exception):
    """A reminder could not be posted."""


class ChannelGone(PostError):
    """The channel no longer exists (404): pause the server."""


class NoAccess(PostError):
    """The bot may not post there (403): pause the server."""


class Transient(PostError):
    """Rate limit, server error or network trouble: try again later.

    ``maybe_posted``: Discord may have created the message (a 5xx, a lost connection) — unlike a
    429, which says that nothing was posted.
    """

    def __init__(
        self, message: str, retry_after: float | None = None, *, maybe_posted: bool = False
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.maybe_posted = maybe_posted


class Poster(Protocol):
    async def post(
        self, reminder: Reminder, item: Item, settings: GuildSettings, *, late: bool
    ) -> int:
        """Post the reminder; return the message id. Raises a PostError."""

    async def check(self, settings: GuildSettings) -> None:
        """Raise ChannelGone or NoAccess unless the server's channel can take reminders now."""

    async def tell_admins(self, settings: GuildSettings) -> bool:
        """Tell the server's admins that its reminders are paused, and where to see why;
        whether they could be told."""


def _pid_namespace() -> str:
    """Which process ids this process sees: containers on one host can share a host name."""
    try:
        return str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        return "-"


def worker_name() -> str:
    return f"{socket.gethostname()}:{_pid_namespace()}:{os.getpid()}"


def _holder_is_gone(claimed_by: str | None) -> bool:
    """Whether the process that made a claim is known to be dead: same machine, same process
    namespace, and no process with its id."""
    if not claimed_by:
        return True
    place, _, pid = claimed_by.rpartition(":")
    if place != f"{socket.gethostname()}:{_pid_namespace()}" or not pid.isdigit():
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
    """Posts due reminders through a ``Poster``; one loop, woken by every change.

    Its writes (claims, records, pauses) touch reminders and server settings, never an item:
    they leave the store's generation alone, so answers keep their caches (``bump=False``).
    """

    def __init__(
        self,
        store: Store,
        poster: Poster,
        *,
        clock: Callable[[], datetime] | None = None,
        worker: str | None = None,
        send_timeout: float = SEND_TIMEOUT,
        lease: float = LEASE,
    ) -> None:
        self.store = store
        self.poster = poster
        self.clock = clock or times.utc_now
        self.worker = worker or worker_name()
        self.send_timeout = send_timeout
        self.lease = lease
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._stopping = False
        self._sending: dict[int, asyncio.Task] = {}  # channel id -> the send under way there
        self._in_flight: set[int] = set()  # reminder ids this process is sending now
        self._checking: dict[int, asyncio.Task] = {}  # guild id -> a paused channel's check
        self._unrecorded: dict[int, tuple[int, bool]] = {}  # reminder id -> (message id, late)
        self._recording: set[int] = set()  # reminders whose post is being written right now

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
        tasks = [
            t
            for t in (self._task, *self._sending.values(), *self._checking.values())
            if t is not None
        ]
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=grace)
            for task in late:
                task.cancel()
            for task in late:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self._task = None

    # the loop ------------------------------------------------------------------------------

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()  # before looking: a wake-up during the pass is kept
            try:
                await self.dispatch()
                delay = await self.seconds_to_next()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("reminder scheduler pass failed; trying again in a minute")
                delay = 60.0
            if delay > 0 and not self._stopping:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=delay)

    async def seconds_to_next(self) -> float:
        """Seconds until something is due, at most MAX_SLEEP."""
        wake_at = await reminders_sql.next_wake(self.store.reader, frozenset(self._sending))
        if wake_at is None:
            return MAX_SLEEP
        return max(0.0, min(MAX_SLEEP, (wake_at - self.clock()).total_seconds()))

    async def run_once(self) -> int:
        """Post everything due now and wait for the sends; return how many were handled."""
        handled = 0
        while True:
            started = await self.dispatch()
            handled += started.handled
            if not started.tasks:
                return handled
            await asyncio.gather(*started.tasks)

    async def dispatch(self) -> Dispatched:
        """Claim what is due (one reminder per idle channel) and start posting it.

        Returns at once: a slow channel never holds up the others.
        """
        now = self.clock()
        await self._record_posted()
        checks = await self._start_checks(now)
        async with self.store.transaction(bump=False) as conn:
            stale = await reminders_sql.expired_claims(
                conn,
                now,
                self.worker,
                lease_seconds=self.lease,
                gone=_holder_is_gone,
                keep=frozenset(self._in_flight),
            )
            claimed = await reminders_sql.claim_due(
                conn,
                now,
                self.worker,
                BATCH,
                lease_seconds=self.lease,
                busy_channels=frozenset(self._sending),
            )
        work = [r for r in stale if await self._take_over(r, now)] + claimed
        tasks = []
        for reminder in work:
            channel = reminder.channel_id or 0
            previous = self._sending.get(channel)
            task = asyncio.create_task(self._send_after(previous, reminder))
            self._sending[channel] = task
            task.add_done_callback(lambda done, c=channel: self._sent(c, done))
            tasks.append(task)
        return Dispatched(tasks + checks, len(claimed) + len(stale))

    def _sent(self, channel: int, task: asyncio.Task) -> None:
        if self._sending.get(channel) is task:
            del self._sending[channel]
        self.wake()  # the channel is free: what waited for it can go

    async def _send_after(self, previous: asyncio.Task | None, reminder: Reminder) -> None:
        if previous is not None:  # a taken-over claim on a channel already busy here
            await asyncio.wait([previous])
        await self._handle(reminder)

    async def _take_over(self, reminder: Reminder, now: datetime) -> bool:
        """Whether a claim taken over from a stopped sender should be sent again."""
        if reminder.id in self._unrecorded:
            return True  # posted by this process: _handle only records it
        first = reminder.first_attempt_at  # the stopped sender's attempt counts as one
        if first is None:
            log.info("reminder %d: its sender stopped before posting; sending it", reminder.id)
            return True
        age = (now - first).total_seconds()
        if age <= NONCE_WINDOW:
            log.info(
                "reminder %d: its sender stopped mid-send; sending again with the same nonce",
                reminder.id,
            )
            return True
        log.warning(
            "reminder %d: a post was tried %.0f s ago by a sender that stopped; not sent "
            "again, it may or may not have been posted",
            reminder.id,
            age,
        )
        await self._finish(reminder, "failed", "uncertain: the sender stopped mid-send")
        return False

    # one reminder --------------------------------------------------------------------------

    async def _handle(self, reminder: Reminder) -> None:
        """Send one claimed reminder and record the outcome; never raises."""
        self._in_flight.add(reminder.id)
        try:
            await self._send(reminder)
        except Exception:
            log.exception("reminder %d: unexpected error", reminder.id)
            with contextlib.suppress(Exception):
                await self._retry(reminder, "unexpected error", maybe_posted=True, unexpected=True)
        finally:
            self._in_flight.discard(reminder.id)

    async def _send(self, reminder: Reminder) -> None:
        if reminder.id in self._unrecorded:
            message_id, late = self._unrecorded[reminder.id]
            await self._record(reminder, message_id, late)
            return
        now = self.clock()
        # Read inside the lock: another coroutine's unfinished write is never seen.
        async with self.store.transaction(bump=False) as tx:
            item = await items_sql.get(tx, reminder.item_id)
            settings = await settings_sql.get(tx, reminder.guild_id)
            skip = _skip_reason(reminder, item, settings, now)
            first = reminder.first_attempt_at
            uncertain = first is not None and (now - first).total_seconds() > NONCE_WINDOW
            go = False
            if skip is not None:
                await reminders_sql.finish(tx, reminder, "skipped", skip)
            elif settings is None or not settings.active:
                await reminders_sql.release(tx, reminder, None, "reminders off or paused")
            elif uncertain:  # Discord forgot the nonce of a post that may exist
                await reminders_sql.finish(
                    tx, reminder, "failed", "uncertain: an earlier attempt may have posted it"
                )
            else:
                go = await reminders_sql.attempting(tx, reminder, now)
        if skip is not None:
            log.info("reminder %d skipped: %s", reminder.id, skip)
        elif uncertain:
            log.warning(
                "reminder %d: an attempt %.0f s ago may have posted it; not sent again",
                reminder.id,
                (now - first).total_seconds(),
            )
        if not go:
            return  # skipped, paused, uncertain, or its claim was taken over
        reminder = dataclasses.replace(reminder, attempt_started_at=now)
        late = (now - reminder.due_at).total_seconds() > LATE_AFTER
        try:
            async with self._leased(reminder):
                message_id = await asyncio.wait_for(
                    self.poster.post(reminder, item, settings, late=late), self.send_timeout
                )
        except (ChannelGone, NoAccess) as exc:
            reason = _pause_reason(exc)
            log.warning("server %d: reminders paused (%s): %s", reminder.guild_id, reason, exc)
            now = self.clock()
            wait = CHECK_BACKOFF[min(settings.pause_checks, len(CHECK_BACKOFF) - 1)]
            async with self.store.transaction(bump=False) as tx:
                await settings_sql.pause(
                    tx,
                    reminder.guild_id,
                    reason,
                    now,
                    now + timedelta(seconds=wait),
                    channel_id=reminder.channel_id or settings.channel_id,
                )
                await reminders_sql.release(tx, reminder, None, f"paused: {reason}")
            await self._tell_admins(reminder.guild_id)
            return
        except Transient as exc:
            await self._retry(reminder, str(exc), exc.retry_after, maybe_posted=exc.maybe_posted)
            return
        except TimeoutError:
            await self._retry(
                reminder, f"no answer within {self.send_timeout:.0f} s", maybe_posted=True
            )
            return
        await self._record(reminder, message_id, late)
        log.info(
            "reminder %d posted in channel %s (message %d)%s",
            reminder.id,
            settings.channel_id,
            message_id,
            ", late" if late else "",
        )

    async def _record(self, reminder: Reminder, message_id: int, late: bool) -> None:
        """Write that the post happened; retry the write, never the post."""
        self._unrecorded[reminder.id] = (message_id, late)
        self._recording.add(reminder.id)
        try:
            await self._write_posted(reminder, message_id, late)
        finally:
            self._recording.discard(reminder.id)

    async def _write_posted(self, reminder: Reminder, message_id: int, late: bool) -> None:
        for pause in (*MARK_RETRIES, None):
            try:
                async with self.store.transaction(bump=False) as tx:
                    await settings_sql.posted(tx, reminder.guild_id)
                    if not await reminders_sql.mark_sent(
                        tx, reminder, message_id, self.clock(), late
                    ):
                        log.warning(
                            "reminder %d: posted as message %d, but its claim was taken over",
                            reminder.id,
                            message_id,
                        )
                self._unrecorded.pop(reminder.id, None)
                return
            except Exception:
                if pause is None:
                    log.exception(
                        "reminder %d: posted as message %d; recording it failed, will try "
                        "again at the next pass",
                        reminder.id,
                        message_id,
                    )
                    return
                await asyncio.sleep(pause)

    async def _record_posted(self) -> None:
        """Try again to record posts whose write failed (their claims may have moved on), but
        not one whose write is still waiting for the database: written twice, the second write
        would find the claim gone and say it was taken over."""
        for reminder_id, (message_id, late) in list(self._unrecorded.items()):
            if reminder_id in self._recording:
                continue
            found = await reminders_sql.get(self.store.reader, reminder_id)
            if found is None or found.state != "claimed":
                self._unrecorded.pop(reminder_id, None)
                continue
            if found.claimed_by == self.worker:
                await self._record(found, message_id, late)

    @contextlib.asynccontextmanager
    async def _leased(self, reminder: Reminder):
        """Keep the claim's lease fresh while a send is under way."""

        async def renew() -> None:
            while True:
                await asyncio.sleep(self.lease / 3)
                try:
                    async with self.store.transaction(bump=False) as tx:
                        kept = await reminders_sql.renew(tx, reminder, self.clock(), self.lease)
                except Exception:
                    log.warning("reminder %d: could not renew its lease", reminder.id)
                    continue
                if not kept:
                    log.warning("reminder %d: its claim was taken over mid-send", reminder.id)
                    return

        renewing = asyncio.create_task(renew())
        try:
            yield
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing

    # paused servers -----------------------------------------------------------------------

    async def _start_checks(self, now: datetime) -> list[asyncio.Task]:
        """Start looking again at paused servers' channels that are due, each on its own:
        a check that hangs holds up nothing else."""
        async with self.store.transaction(bump=False) as tx:
            due = await settings_sql.checks_due(tx, now)
        started = []
        for settings in due:
            if settings.guild_id in self._checking:
                continue
            task = asyncio.create_task(self._check(settings, now))
            self._checking[settings.guild_id] = task
            task.add_done_callback(lambda _, g=settings.guild_id: self._checked(g))
            started.append(task)
        return started

    def _checked(self, guild_id: int) -> None:
        self._checking.pop(guild_id, None)
        self.wake()

    async def _check(self, settings: GuildSettings, now: datetime) -> None:
        """Resume a paused server whose channel works; else look again later, with backoff.

        Every verdict is about the channel that was checked: if an admin chose another one
        meanwhile, it changes nothing.
        """
        channel = settings.channel_id
        try:
            await asyncio.wait_for(self.poster.check(settings), self.send_timeout)
        except (ChannelGone, NoAccess) as exc:
            wait = CHECK_BACKOFF[min(settings.pause_checks + 1, len(CHECK_BACKOFF) - 1)]
            async with self.store.transaction(bump=False) as tx:
                await settings_sql.still_paused(
                    tx,
                    settings.guild_id,
                    _pause_reason(exc),
                    now + timedelta(seconds=wait),
                    now,
                    channel_id=channel,
                )
            if not settings.admins_told:
                await self._tell_admins(settings.guild_id)
            return
        except Exception as exc:  # Discord unreachable: not a verdict on the channel
            log.info("server %d: channel check failed (%s); later", settings.guild_id, exc)
            async with self.store.transaction(bump=False) as tx:
                await settings_sql.still_paused(
                    tx,
                    settings.guild_id,
                    settings.paused_reason or "no_permission",
                    now + timedelta(seconds=CHECK_BACKOFF[0]),
                    now,
                    channel_id=channel,
                )
            return
        log.info("server %d: its reminder channel works again; reminders resume", settings.guild_id)
        async with self.store.transaction(bump=False) as tx:
            await settings_sql.resume(tx, settings.guild_id, now, channel_id=channel)

    async def _tell_admins(self, guild_id: int) -> None:
        """Tell a paused server's admins once; a failure is logged and tried at the next check."""
        settings = await settings_sql.get(self.store.reader, guild_id)
        if settings is None or settings.admins_told or settings.paused_reason is None:
            return
        try:
            told = await asyncio.wait_for(self.poster.tell_admins(settings), self.send_timeout)
        except Exception:
            log.warning("server %d: could not tell its admins about the pause", guild_id)
            return
        if told:
            async with self.store.transaction(bump=False) as tx:
                await settings_sql.admins_told(tx, guild_id)

    async def _finish(self, reminder: Reminder, state: str, note: str) -> None:
        async with self.store.transaction(bump=False) as tx:
            await reminders_sql.finish(tx, reminder, state, note)

    async def _retry(
        self,
        reminder: Reminder,
        note: str,
        retry_after: float | None = None,
        *,
        maybe_posted: bool = False,
        unexpected: bool = False,
    ) -> None:
        """Try again later. An answer that nothing was posted (a 429, a 5xx said so) is retried
        for as long as the deadline allows; a post that may exist, only within the nonce window;
        an unexpected error, at most MAX_ATTEMPTS times."""
        now = self.clock()
        if unexpected and reminder.attempts >= MAX_ATTEMPTS:
            log.error(
                "reminder %d failed %d times; giving up: %s", reminder.id, reminder.attempts, note
            )
            await self._finish(reminder, "failed", note)
            return
        backoff = BACKOFF[min(reminder.attempts - 1, len(BACKOFF) - 1)]
        delay = max(backoff, retry_after or 0)
        maybe = [reminder.first_attempt_at]
        if maybe_posted:
            maybe.append(reminder.attempt_started_at or now)
        since = min((m for m in maybe if m is not None), default=None)
        if since is not None:
            first = since
            if (now + timedelta(seconds=delay) - first).total_seconds() > NONCE_WINDOW:
                log.warning(
                    "reminder %d: %s; it may have been posted, and a retry would come after "
                    "Discord forgets its nonce: not sent again",
                    reminder.id,
                    note,
                )
                await self._finish(reminder, "failed", f"uncertain: {note}")
                return
        log.warning("reminder %d: %s; retrying in %d s", reminder.id, note, delay)
        async with self.store.transaction(bump=False) as tx:
            await reminders_sql.release(
                tx, reminder, now + timedelta(seconds=delay), note, maybe_posted=maybe_posted
            )


@dataclass(frozen=True)
class Dispatched:
    tasks: list[asyncio.Task]
    handled: int


def _pause_reason(error: PostError) -> str:
    return "channel_missing" if isinstance(error, ChannelGone) else "no_permission"


def _skip_reason(
    reminder: Reminder, item: Item | None, settings: GuildSettings | None, now: datetime
) -> str | None:
    if item is None or item.deadline is None:
        return "the deadline was removed"
    if settings is not None and reminder.offset_minutes not in {int(o) for o in settings.offsets}:
        return "its offset was removed"
    if item.deadline.due != reminder.deadline_at:
        return "the deadline moved; planned again for it"
    if item.deadline.due <= now:
        return "the deadline passed before it was posted"
    return None


def _log_end(task: asyncio.Task) -> None:
    if task.cancelled():
        return
    if task.exception() is not None:
        log.error("the reminder scheduler stopped", exc_info=task.exception())
