"""Attacks on the reminder guarantee (README, "Reminders") that it does not withstand.

Each test describes one weakness and fails on the code as it is. They use a real store, a clock
moved by hand and a poster that behaves like Discord with ``enforce_nonce``: a message is created
unless one with the same nonce was created less than ``NONCE_WINDOW`` seconds before, in which
case that first message is returned.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.knowledge import Knowledge, load_seeds
from bot.reminders.parsing import format_offsets, parse_offsets
from bot.reminders.schedule import plan
from bot.reminders.scheduler import (
    NONCE_WINDOW,
    ChannelGone,
    NoAccess,
    ReminderScheduler,
    Transient,
)
from bot.reminders.service import DeadlineForm, ReminderService
from store import reminders as reminders_sql
from store import settings as settings_sql
from store.db import Store
from store.items import admin_deadline
from store.settings import GuildSettings
from tests.support import TODAY

GUILD, CHANNEL, ADMIN = 10, 20, 30
OTHER_GUILD, OTHER_CHANNEL = 11, 21
NEW_CHANNEL = 22


class PostedThenFailed(Exception):
    """Tells the poster to create the message, then answer with ``error`` (a 5xx after the
    message was made, a connection lost before the answer came)."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


class DiscordLike:
    """A poster that keeps the messages it created, with Discord's nonce rule.

    ``failures``: what the next posts do instead of succeeding (an exception to raise, or a
    PostedThenFailed). ``seconds_per_post``: how far the clock moves during each post (a slow
    channel). ``before_post``: a coroutine run at the start of each post (an admin acting while
    the send is under way). ``check_failures`` / ``check_gate``: what channel checks do.
    """

    def __init__(self, clock, *, seconds_per_post: float = 0.0) -> None:
        self.clock = clock
        self.seconds_per_post = seconds_per_post
        self.messages: list[dict] = []
        self.failures: list[Exception] = []
        self.before_post = None
        self.check_failures: list[Exception] = []
        self.check_gate: asyncio.Event | None = None
        self.check_started = asyncio.Event()
        self.first_message = asyncio.Event()
        self._nonces: dict[tuple[int, str], tuple[datetime, dict]] = {}

    async def post(self, reminder, item, settings, *, late):
        if self.before_post is not None:
            await self.before_post(reminder)
        await asyncio.sleep(0)
        if self.failures:
            failure = self.failures.pop(0)
            if isinstance(failure, PostedThenFailed):
                self._create(reminder)
                raise failure.error
            raise failure
        message = self._create(reminder)
        if self.seconds_per_post:
            self.clock.advance(seconds=self.seconds_per_post)
        return message["id"]

    def _create(self, reminder) -> dict:
        now = self.clock()
        key = (reminder.channel_id, reminder.nonce)
        if key in self._nonces:
            created, message = self._nonces[key]
            if (now - created).total_seconds() < NONCE_WINDOW:
                return message  # Discord drops the repeat
        message = {
            "id": 7000 + len(self.messages),
            "channel": reminder.channel_id,
            "nonce": reminder.nonce,
            "item": reminder.item_id,
            "at": now,
        }
        self.messages.append(message)
        self._nonces[key] = (now, message)
        self.first_message.set()
        return message

    async def check(self, settings):
        self.check_started.set()
        if self.check_gate is not None:
            await self.check_gate.wait()
        if self.check_failures:
            raise self.check_failures.pop(0)

    async def tell_admins(self, settings):
        return True

    def nonces(self) -> list[str]:
        return [m["nonce"] for m in self.messages]


def form(when: datetime, title: str = "Closing", zone: str = "UTC") -> DeadlineForm:
    return DeadlineForm(title, title, f"{when:%Y-%m-%d %H:%M}", zone)


async def service_on(store: Store, clock, offsets: str = "1h") -> ReminderService:
    service = ReminderService(store, Knowledge(store, clock=clock), clock=clock)
    for guild, channel in ((GUILD, CHANNEL), (OTHER_GUILD, OTHER_CHANNEL)):
        await service.set_channel(guild, ADMIN, channel, guild_locale=None, user_locale="en-US")
        await service.set_offsets(guild, ADMIN, offsets)
    return service


async def rows(store: Store, guild: int = GUILD):
    return await reminders_sql.of_guild(store.conn, guild)


# --- retries ----------------------------------------------------------------------------------


@pytest.mark.parametrize("history", ["eight rate limits", "a flapping channel, then one 429"])
async def test_a_rate_limited_reminder_is_retried_for_as_long_as_it_takes(
    seeded: Store, clock, history
):
    """README: "A 429 says nothing was posted: it is retried with backoff, as long as it takes."
    Every claim counts as an attempt, whatever ended it (a 429; a 403 that paused the server,
    as happens again and again when the check, which reads the bot's cache, finds a channel fine
    that Discord still refuses), and once ``attempts`` reaches MAX_ATTEMPTS (8) the next 429
    marks the reminder failed: it is never posted, though its deadline is a week away."""
    service = await service_on(seeded, clock, offsets="7d")
    item = await service.add_deadline(GUILD, ADMIN, form(clock() + timedelta(days=10)))
    clock.now = item.deadline.due - timedelta(days=7)
    poster = DiscordLike(clock)
    scheduler = ReminderScheduler(seeded, poster, clock=clock, worker="a:1")
    if history == "eight rate limits":
        # Longer than discord.py waits itself (30 s), so each one reaches the scheduler.
        poster.failures = [Transient("rate limited for 60 s", retry_after=60)] * 8
    else:
        # Seven times the post is refused (403) and the server paused; each time the check
        # finds the channel fine and reminders resume. Then one long rate limit.
        poster.failures = [NoAccess("403")] * 7 + [Transient("rate limited for 60 s", 60)]
        for _ in range(7):
            await scheduler.run_once()
            assert (await service.settings(GUILD)).paused_reason == "no_permission"
            clock.advance(hours=6, seconds=1)
    for _ in range(12):
        await scheduler.run_once()
        clock.advance(hours=1)
    [row] = await rows(seeded)
    assert row.state == "sent", f"{row.state}: {row.note}"
    assert len(poster.messages) == 1


async def test_a_maybe_posted_reminder_is_not_sent_again_after_the_nonce_window(
    seeded: Store, clock
):
    """README: a post that may have reached Discord (a 5xx) "is tried again, with the same
    nonce, only while its first attempt is less than 4 minutes old". The window is looked at
    when the retry is planned (15 s later), never when it is sent: if the retry is sent later
    than planned (the bot was restarted, the clock stepped, the loop was busy), it goes out
    after Discord forgot the nonce and the reminder appears twice."""
    service = await service_on(seeded, clock)
    item = await service.add_deadline(GUILD, ADMIN, form(clock() + timedelta(hours=3)))
    clock.now = item.deadline.due - timedelta(minutes=59)
    poster = DiscordLike(clock)
    poster.failures = [PostedThenFailed(Transient("HTTP 503", maybe_posted=True))]
    await ReminderScheduler(seeded, poster, clock=clock, worker="a:1").run_once()
    assert len(poster.messages) == 1  # it was posted; the bot heard a 503
    clock.advance(minutes=5)  # the bot was down for five minutes (a deploy)
    await ReminderScheduler(seeded, poster, clock=clock, worker="a:2").run_once()
    assert poster.nonces() == [poster.messages[0]["nonce"]], "posted twice"


@pytest.mark.parametrize("answer", ["429", "403"])
async def test_a_later_nothing_was_posted_answer_keeps_an_earlier_maybe_posted_attempt(
    seeded: Store, clock, answer
):
    """A 503 may have posted the reminder; the retry then gets a 429 (or a 403 that pauses the
    server). Release on that answer clears ``first_attempt_at`` ("Discord said nothing was
    posted"), though it only speaks for the second attempt: the next try counts as a first one,
    goes out after the nonce window, and the reminder appears twice."""
    service = await service_on(seeded, clock)
    item = await service.add_deadline(GUILD, ADMIN, form(clock() + timedelta(hours=3)))
    clock.now = item.deadline.due - timedelta(minutes=59)
    poster = DiscordLike(clock)
    scheduler = ReminderScheduler(seeded, poster, clock=clock, worker="a:1")
    poster.failures = [PostedThenFailed(Transient("HTTP 503", maybe_posted=True))]
    await scheduler.run_once()
    assert len(poster.messages) == 1
    clock.advance(seconds=15)  # the planned retry, on time
    if answer == "429":
        poster.failures = [Transient("rate limited for 300 s", retry_after=300)]
        await scheduler.run_once()
        [row] = await rows(seeded)
        assert row.first_attempt_at is not None, "the 503 attempt, maybe posted, is forgotten"
        clock.advance(seconds=300)  # the retry the 429 asked for, on time
        await scheduler.run_once()
    else:
        poster.failures = [NoAccess("403")]
        poster.check_failures = [NoAccess("403")]
        await scheduler.run_once()  # paused, looked at again in 1 minute
        [row] = await rows(seeded)
        assert row.first_attempt_at is not None, "the 503 attempt, maybe posted, is forgotten"
        clock.advance(seconds=60)
        await scheduler.run_once()  # still refused: again in 5 minutes
        clock.advance(seconds=300)
        await scheduler.run_once()  # the channel works: reminders resume
    assert [r.state for r in await rows(seeded)] in (["sent"], ["failed"])
    assert len(poster.messages) == 1, f"posted {len(poster.messages)} times"


# --- claims and leases ------------------------------------------------------------------------


async def test_a_holder_whose_claim_was_taken_over_before_it_posted_does_not_post(
    seeded: Store, clock
):
    """Two processes on one database. The first claims a reminder and is frozen before it
    posts (a stopped VM, a suspended laptop); its lease runs out, the second takes the claim over
    and posts. When the first wakes up, ``attempting`` tells it the claim is no longer its own,
    but the answer is ignored and it posts anyway, long after Discord forgot the nonce."""
    service = await service_on(seeded, clock)
    item = await service.add_deadline(GUILD, ADMIN, form(clock() + timedelta(hours=3)))
    clock.now = item.deadline.due - timedelta(minutes=59)
    discord = DiscordLike(clock)
    async with Store.open(seeded.path) as other:
        first = ReminderScheduler(seeded, discord, clock=clock, worker="first:1")
        second = ReminderScheduler(other, discord, clock=clock, worker="second:2")
        started = await first.dispatch()  # claimed; its send has not started yet
        assert started.handled == 1
        async with seeded._write_lock:  # the first process is frozen from here on
            clock.advance(seconds=61)  # its lease runs out
            assert await second.run_once() == 1  # taken over and posted
            assert len(discord.messages) == 1
            clock.advance(minutes=10)
        await asyncio.gather(*started.tasks)  # the first process wakes up
    assert [r.state for r in await rows(seeded)] == ["sent"]
    assert len(discord.messages) == 1, f"posted {len(discord.messages)} times"


async def test_reminders_queued_behind_slow_sends_in_one_channel_are_posted_once(
    seeded: Store, clock
):
    """Twenty reminders fall due together in one server whose channel is slow (20 s a post,
    e.g. rate limits discord.py waits out). Claiming them all at once, with a 60 s lease each,
    and renewing only the one being sent let a later pass take the queued claims over and
    queue each a second time: each was posted twice, minutes apart. A channel's reminders are
    now claimed one at a time, each when its turn comes."""
    service = await service_on(seeded, clock)
    for n in range(20):
        await service.add_deadline(
            GUILD, ADMIN, form(clock() + timedelta(hours=3), title=f"Closing {n}")
        )
    clock.advance(hours=2)  # the twenty 1-hour reminders are due
    discord = DiscordLike(clock, seconds_per_post=20)
    scheduler = ReminderScheduler(seeded, discord, clock=clock, worker="a:1")
    first = await scheduler.dispatch()
    assert first.handled == 1  # one send at a time in a channel; the others wait unclaimed
    sending = list(first.tasks)
    while sending:  # a pass during every send, as the loop makes one after each wake-up
        during = await scheduler.dispatch()
        await asyncio.wait(sending)
        after = await scheduler.dispatch()
        sending = during.tasks + after.tasks
    assert {r.state for r in await rows(seeded)} == {"sent"}
    doubled = sorted({n for n in discord.nonces() if discord.nonces().count(n) > 1})
    assert len(discord.messages) == 20, f"{len(doubled)} reminders posted twice: {doubled}"


# --- paused servers ---------------------------------------------------------------------------


async def test_a_hanging_channel_check_does_not_hold_up_other_servers(seeded: Store, clock):
    """README: "the loop never waits for a send before claiming what falls due elsewhere: a
    channel stuck on rate limits does not make other servers late". The checks of paused
    servers' channels run one after another inside the pass, before anything is claimed, each
    bounded only by the send time-out (30 s): three stuck checks hold every other server's
    reminders for 3 time-outs (here 1 s each; 20 paused servers: 10 minutes)."""
    service = await service_on(seeded, clock)
    item = await service.add_deadline(OTHER_GUILD, ADMIN, form(clock() + timedelta(hours=3)))
    for guild in (GUILD, 12, 13):
        await service.set_channel(guild, ADMIN, guild + 100, guild_locale=None, user_locale="fr")
        async with seeded.transaction() as conn:  # refused earlier; due for a look now
            await settings_sql.pause(conn, guild, "no_permission", clock(), clock())
    clock.now = item.deadline.due - timedelta(minutes=59)
    discord = DiscordLike(clock)
    discord.check_gate = asyncio.Event()  # the checks hang (GET /channels/… stuck)
    scheduler = ReminderScheduler(seeded, discord, clock=clock, worker="a:1", send_timeout=1.0)
    running = asyncio.create_task(scheduler.run_once())
    try:
        async with asyncio.timeout(0.5):
            await discord.first_message.wait()
    except TimeoutError:
        pass
    finally:
        running.cancel()
    assert [m["channel"] for m in discord.messages] == [OTHER_CHANNEL], (
        "another server's due reminder waited for the paused servers' channel checks"
    )


@pytest.mark.parametrize("in_flight", ["channel check", "send"])
async def test_a_verdict_on_the_old_channel_does_not_pause_the_new_one(
    seeded: Store, clock, in_flight
):
    """An admin moves reminders to a new channel while the bot is still looking at (or posting
    in) the old one, which is gone. The answer about the old channel is written over the
    admin's change: the server is paused again though its new channel works (after a long
    outage, for the next 6 hours) and the admins are told the channel is missing."""
    service = await service_on(seeded, clock)
    item = await service.add_deadline(GUILD, ADMIN, form(clock() + timedelta(hours=3)))
    discord = DiscordLike(clock)
    scheduler = ReminderScheduler(seeded, discord, clock=clock, worker="a:1")

    async def admin_moves_reminders(*_):
        await service.set_channel(GUILD, ADMIN, NEW_CHANNEL, guild_locale=None, user_locale="fr")

    if in_flight == "channel check":
        async with seeded.transaction() as conn:  # paused for days: checks every 6 hours
            await settings_sql.pause(conn, GUILD, "channel_missing", clock(), clock())
            await conn.execute("UPDATE guild_settings SET pause_checks = 4, admins_told = 1")
        discord.check_gate = asyncio.Event()
        discord.check_failures = [ChannelGone("404: the old channel")]
        passing = asyncio.create_task(scheduler.run_once())
        await discord.check_started.wait()
        await admin_moves_reminders()
        discord.check_gate.set()
        await passing
    else:
        clock.now = item.deadline.due - timedelta(minutes=59)
        discord.before_post = admin_moves_reminders
        discord.failures = [ChannelGone("404: the old channel")]
        await scheduler.run_once()
    settings = await service.settings(GUILD)
    assert settings.channel_id == NEW_CHANNEL
    assert settings.paused_reason is None, (
        f"paused ({settings.paused_reason}) until {settings.next_check_at}"
    )


# --- plans ------------------------------------------------------------------------------------


async def test_a_seed_deadline_moved_by_a_seed_update_does_not_post_reminders_already_past(
    store: Store, seeds_copy, clock
):
    """README: "A reminder is planned only if it falls after ... the deadline was last
    written". A seed update that only moves a deadline's date leaves ``updated_at`` as it was
    (only the items row is compared), so the start-up re-plan plans the 30-day and 7-day
    reminders of the new date, already past, and posts them at once, marked late."""
    await load_seeds(store, seeds_copy)
    async with store.transaction() as conn:  # the seeds were loaded in the spring
        await conn.execute(
            "UPDATE items SET created_at = '2026-04-01T00:00:00+00:00', "
            "updated_at = '2026-04-01T00:00:00+00:00' WHERE origin = 'seed'"
        )
    clock.now = TODAY - timedelta(days=60)
    service = ReminderService(store, Knowledge(store, clock=clock), clock=clock)
    await service.set_channel(GUILD, ADMIN, CHANNEL, guild_locale=None, user_locale="en-US")
    clock.now = TODAY
    # The call is extended: the seed file now closes it the day after tomorrow.
    path = seeds_copy / "fr-tw-ami.toml"
    text = path.read_text(encoding="utf-8")
    assert "due = 2025-05-15" in text
    path.write_text(text.replace("due = 2025-05-15", "due = 2026-11-25"), encoding="utf-8")
    await load_seeds(store, seeds_copy)
    await service.replan_all()  # as at the next start
    discord = DiscordLike(clock)
    await ReminderScheduler(store, discord, clock=clock, worker="a:1").run_once()
    posted = [r.offset_minutes for r in await rows(store) if r.state == "sent"]
    assert posted == [], f"posted at once, late: reminders {posted} minutes before"


async def test_a_reminder_for_an_offset_removed_during_its_send_is_not_posted_later(
    seeded: Store, clock
):
    """An admin drops the 1-hour offset while a 1-hour reminder is being sent; the send is
    rate-limited. The re-plan kept the claimed row (only pending rows are re-planned), the
    release made it pending again, and the retry posts a reminder the server no longer wants."""
    service = await service_on(seeded, clock, offsets="1d 1h")
    item = await service.add_deadline(GUILD, ADMIN, form(clock() + timedelta(hours=3)))
    clock.now = item.deadline.due - timedelta(minutes=59)
    discord = DiscordLike(clock)

    async def admin_drops_the_hour(reminder):
        discord.before_post = None
        await service.set_offsets(GUILD, ADMIN, "1d")

    discord.before_post = admin_drops_the_hour
    discord.failures = [Transient("rate limited for 60 s", retry_after=60)]
    scheduler = ReminderScheduler(seeded, discord, clock=clock, worker="a:1")
    await scheduler.run_once()
    assert (await service.settings(GUILD)).offsets == (1440,)
    clock.advance(minutes=2)
    await scheduler.run_once()
    assert discord.messages == [], "a 1-hour reminder was posted after 1h was removed"


async def test_changing_a_deadlines_time_zone_replans_its_day_offset_reminders(
    seeded: Store, clock
):
    """README: "Offsets in whole days keep the deadline's wall-clock time in its own time
    zone". An edit that changes the zone but not the UTC moment keeps the old pending rows
    (the plan matches rows on item, offset and deadline, not on when they fall), so the 7-day
    reminder stays at the old zone's wall-clock time, an hour off across a DST change."""
    service = await service_on(seeded, clock, offsets="7d")
    item = await service.add_deadline(
        GUILD, ADMIN, DeadlineForm("Closing", "Closing", "2027-04-01 14:00", "Europe/Paris")
    )
    assert item.deadline.due == datetime(2027, 4, 1, 12, 0, tzinfo=UTC)
    [before] = await rows(seeded)
    assert before.due_at == datetime(2027, 3, 25, 13, 0, tzinfo=UTC)  # 14:00 in Paris (CET)
    moved = await service.edit_deadline(
        GUILD, ADMIN, item.id, DeadlineForm("Closing", "Closing", "2027-04-01 20:00", "Asia/Taipei")
    )
    assert moved.deadline.due == item.deadline.due
    assert moved.deadline.timezone == "Asia/Taipei"
    [after] = [r for r in await rows(seeded) if r.state == "pending"]
    assert after.due_at == datetime(2027, 3, 25, 12, 0, tzinfo=UTC), (
        f"the 7-day reminder falls at {after.due_at:%H:%M} UTC, 21:00 in Taipei, not 20:00"
    )


def test_hour_offsets_that_make_whole_days_are_still_exact_durations():
    """README: "Offsets in whole days keep the deadline's wall-clock time ...; hour and minute
    offsets are exact durations." An offset is stored as minutes only, so "24h" and "48h" become
    1440 and 2880 and are then taken for days: across the change to summer time they fall 23
    and 47 hours before the deadline (and /reminders shows them back as "1d 2d")."""
    offsets = parse_offsets("48h 24h")
    due = datetime(2027, 3, 28, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))  # summer time since 02:00
    item = admin_deadline("admin-1-a", 1, "t", "t", due, written=TODAY)
    settings = GuildSettings(guild_id=1, channel_id=5, configured_at=TODAY, offsets=offsets)
    planned = {p.offset_minutes: p.due_at for p in plan([item], settings)}
    hours_before = {
        minutes: (item.deadline.due - at).total_seconds() / 3600 for minutes, at in planned.items()
    }
    assert hours_before == {2880: 48.0, 1440: 24.0}
    assert format_offsets(offsets, "en") == "48h 24h"


# --- nonces -----------------------------------------------------------------------------------


async def test_a_new_reminder_never_reuses_the_nonce_of_one_just_posted(seeded: Store, clock):
    """The nonce is ``reminder-<row id>``, and reminder ids are SQLite rowids without
    AUTOINCREMENT: when the row of a posted reminder is deleted (its deadline removed, which
    cascades) and it had the largest id, the next reminder gets the same id, so the same nonce.
    An admin removes a deadline whose 10-minute reminder was just posted and adds the right one:
    its reminder, posted three minutes later, is dropped by Discord as a repeat."""
    service = ReminderService(seeded, Knowledge(seeded, clock=clock), clock=clock)
    await service.set_channel(GUILD, ADMIN, CHANNEL, guild_locale=None, user_locale="en-US")
    await service.set_offsets(GUILD, ADMIN, "10m")
    wrong = await service.add_deadline(GUILD, ADMIN, form(clock() + timedelta(minutes=30)))
    discord = DiscordLike(clock)
    scheduler = ReminderScheduler(seeded, discord, clock=clock, worker="a:1")
    clock.advance(minutes=20)
    await scheduler.run_once()
    assert len(discord.messages) == 1
    clock.advance(minutes=1)
    await service.remove_deadline(GUILD, ADMIN, wrong.id)
    right = await service.add_deadline(
        GUILD, ADMIN, form(clock() + timedelta(minutes=12), title="Closing, the right time")
    )
    clock.advance(minutes=2)
    await scheduler.run_once()
    [sent] = [r for r in await rows(seeded) if r.item_id == right.id]
    assert sent.state == "sent"
    assert [m["item"] for m in discord.messages] == [wrong.id, right.id], (
        f"{sent.nonce} was used before: Discord returned the old message {sent.message_id}"
    )
