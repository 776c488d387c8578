"""The scheduler on a real store with a recording poster and a clock moved by hand."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from bot.knowledge import Knowledge
from bot.reminders.scheduler import (
    MAX_SLEEP,
    ChannelGone,
    NoAccess,
    ReminderScheduler,
    Transient,
)
from bot.reminders.service import ReminderService
from store import reminders as reminders_sql
from store.db import Store
from tests.support import SchedulerPasses
from tests.support import deadline_form as form

GUILD, CHANNEL, ADMIN = 10, 20, 30


class RecordingPoster:
    """Posts into a list; can be told to fail the next posts."""

    def __init__(self) -> None:
        self.posts: list[tuple[int, str, bool, str]] = []
        self.attempts: list[str] = []  # the nonce of every call, failed ones too
        self.failures: list[Exception] = []

    async def post(self, reminder, item, settings, *, late):
        self.attempts.append(reminder.nonce)
        if self.failures:
            raise self.failures.pop(0)
        self.posts.append((reminder.offset_minutes, item.id, late, reminder.nonce))
        return 1000 + len(self.posts)


@pytest.fixture
async def setup(seeded: Store, clock):
    poster = RecordingPoster()
    scheduler = ReminderScheduler(seeded, poster, clock=clock, worker="test:1")
    service = ReminderService(
        seeded, Knowledge(seeded, clock=clock), clock=clock, wake=scheduler.wake
    )
    await service.set_channel(GUILD, ADMIN, CHANNEL, guild_locale=None, user_locale="fr")
    return service, scheduler, poster


async def test_reminder_posted_when_due_and_not_before(setup, clock):
    service, scheduler, poster = setup
    item = await service.add_deadline(GUILD, ADMIN, form("2026-11-26 13:00"))  # 12:00 UTC
    assert item.partnership_id == "fr-tw-ami"
    clock.now = item.deadline.due - timedelta(days=1, seconds=1)
    assert await scheduler.run_once() == 0
    assert await scheduler.seconds_to_next() == pytest.approx(1, abs=0.01)
    clock.advance(seconds=1)
    assert await scheduler.run_once() == 1
    rows = {r.offset_minutes: r for r in await reminders_sql.of_guild(service.store.conn, GUILD)}
    assert poster.posts == [(1440, item.id, False, rows[1440].nonce)]
    assert (rows[1440].state, rows[1440].message_id) == ("sent", 1001)
    assert await scheduler.run_once() == 0  # never twice
    clock.now = item.deadline.due - timedelta(hours=1)
    await scheduler.run_once()
    assert [p[0] for p in poster.posts] == [1440, 60]
    assert poster.posts[1][3] == rows[60].nonce != poster.posts[0][3]


async def test_catch_up_posts_once_late_and_skips_what_is_too_old(setup, clock):
    service, scheduler, poster = setup
    soon = await service.add_deadline(GUILD, ADMIN, form("2026-11-25 13:00"))
    gone = await service.add_deadline(GUILD, ADMIN, form("2026-11-24 13:30", title_en="Other"))
    # The bot was down from now until after `gone` passed.
    clock.now = gone.deadline.due + timedelta(minutes=5)
    await scheduler.run_once()
    posted = {(offset, item_id, late) for offset, item_id, late, _ in poster.posts}
    assert posted == {(1440, soon.id, True)}
    rows = await reminders_sql.of_guild(seeded_conn(service), GUILD)
    skipped = [r for r in rows if r.item_id == gone.id]
    assert skipped and {r.state for r in skipped} == {"skipped"}


def seeded_conn(service: ReminderService):
    return service.store.conn


async def test_missing_channel_pauses_the_server_until_an_admin_sets_one(setup, clock):
    service, scheduler, poster = setup
    item = await service.add_deadline(GUILD, ADMIN, form("2026-11-24 12:00"))
    clock.now = item.deadline.due - timedelta(minutes=59)
    poster.failures = [ChannelGone("404")]
    await scheduler.run_once()
    status = await service.status(GUILD)
    assert status.settings.paused_reason == "channel_missing"
    assert await scheduler.run_once() == 0  # paused: nothing is retried forever
    await service.set_channel(GUILD, ADMIN, CHANNEL + 1, guild_locale=None, user_locale="fr")
    await scheduler.run_once()
    assert [p[1] for p in poster.posts] == [item.id]


async def test_lost_permission_pauses_too(setup, clock):
    service, scheduler, poster = setup
    item = await service.add_deadline(GUILD, ADMIN, form("2026-11-24 12:00"))
    clock.now = item.deadline.due - timedelta(minutes=30)
    poster.failures = [NoAccess("403")]
    await scheduler.run_once()
    assert (await service.status(GUILD)).settings.paused_reason == "no_permission"


async def test_rate_limits_and_server_errors_are_retried_with_backoff(setup, clock):
    service, scheduler, poster = setup
    item = await service.add_deadline(GUILD, ADMIN, form("2026-11-24 12:00"))
    clock.now = item.deadline.due - timedelta(minutes=59)
    poster.failures = [Transient("429", retry_after=30), Transient("503")]
    await scheduler.run_once()
    assert poster.posts == []
    assert await scheduler.seconds_to_next() == pytest.approx(30, abs=1)
    clock.advance(seconds=30)
    await scheduler.run_once()
    assert poster.posts == []
    clock.advance(seconds=60)
    await scheduler.run_once()
    assert len(poster.posts) == 1
    [sent] = [
        r for r in await reminders_sql.of_guild(service.store.conn, GUILD) if r.state == "sent"
    ]
    assert poster.attempts == [sent.nonce] * 3  # the retries carry the same nonce


async def test_two_schedulers_on_one_database_never_both_send(seeded, clock, tmp_path):
    posters = [RecordingPoster(), RecordingPoster()]
    service = ReminderService(seeded, Knowledge(seeded, clock=clock), clock=clock)
    await service.set_channel(GUILD, ADMIN, CHANNEL, guild_locale=None, user_locale="en-US")
    for hour in range(10, 20):
        await service.add_deadline(GUILD, ADMIN, form(f"2026-11-24 {hour}:00"))
    clock.now = clock.now + timedelta(days=1, hours=2)
    async with Store.open(seeded.path) as other:
        schedulers = [
            ReminderScheduler(seeded, posters[0], clock=clock, worker="a:1"),
            ReminderScheduler(other, posters[1], clock=clock, worker="b:2"),
        ]
        await asyncio.gather(*(s.run_once() for s in schedulers))
    sent = [p[3] for poster in posters for p in poster.posts]
    assert len(sent) == len(set(sent))  # nothing posted twice
    rows = await reminders_sql.of_guild(seeded.conn, GUILD)
    assert len(sent) == sum(r.state == "sent" for r in rows) > 0
    assert not [r for r in rows if r.state in ("pending", "claimed") and r.due_at <= clock()]


async def test_a_claim_left_by_a_dead_process_is_sent_again_with_the_same_nonce(setup, clock):
    service, scheduler, poster = setup
    item = await service.add_deadline(GUILD, ADMIN, form("2026-11-24 12:00"))
    clock.now = item.deadline.due - timedelta(minutes=59)
    async with service.store.transaction() as conn:  # a process claimed it, posted, then died
        [claimed] = await reminders_sql.claim_due(
            conn, clock(), "elsewhere:999999", 10, lease_seconds=60
        )
        await reminders_sql.attempting(conn, claimed, clock())
    clock.advance(seconds=61)  # its lease has run out
    await scheduler.run_once()
    assert [(p[0], p[1], p[3]) for p in poster.posts] == [(60, item.id, claimed.nonce)]


async def test_a_claim_too_old_to_resend_safely_is_logged_not_doubled(setup, clock, caplog):
    service, scheduler, poster = setup
    item = await service.add_deadline(GUILD, ADMIN, form("2026-11-30 12:00"))
    clock.now = item.deadline.due - timedelta(days=1)
    async with service.store.transaction() as conn:  # claimed, tried to post, then died
        [claimed] = await reminders_sql.claim_due(
            conn, clock(), "elsewhere:999999", 10, lease_seconds=60
        )
        await reminders_sql.attempting(conn, claimed, clock())
    clock.advance(minutes=30)
    await scheduler.run_once()
    assert poster.posts == []
    assert "may or may not have been posted" in caplog.text


async def test_a_sleeping_scheduler_wakes_when_an_earlier_deadline_is_added(setup, clock):
    service, scheduler, poster = setup
    passes = SchedulerPasses(scheduler)
    scheduler.start()
    try:
        assert await passes.after(0) == 0  # nothing planned: it sleeps for up to an hour
        assert await scheduler.seconds_to_next() == MAX_SLEEP
        item = await service.add_deadline(GUILD, ADMIN, form("2026-11-23 14:30"))  # 13:30 UTC
        clock.now = item.deadline.due - timedelta(minutes=59)
        assert await passes.wake() == 1
        assert [p[1] for p in poster.posts] == [item.id]
    finally:
        await scheduler.stop()


async def test_one_failing_server_does_not_stop_the_others(seeded, clock):
    class PickyPoster(RecordingPoster):
        async def post(self, reminder, item, settings, *, late):
            if settings.guild_id == GUILD:
                raise RuntimeError("something unexpected in this server")
            return await super().post(reminder, item, settings, late=late)

    poster = PickyPoster()
    scheduler = ReminderScheduler(seeded, poster, clock=clock, worker="test:1")
    service = ReminderService(seeded, Knowledge(seeded, clock=clock), clock=clock)
    for guild in (GUILD, GUILD + 1):
        await service.set_channel(
            guild, ADMIN, CHANNEL + guild, guild_locale=None, user_locale="en-US"
        )
        await service.add_deadline(guild, ADMIN, form("2026-11-24 12:00"))
    clock.now = datetime.fromisoformat("2026-11-24T10:30:00+00:00")
    assert await scheduler.run_once() == 2
    assert [p[1].split("-")[1] for p in poster.posts] == [str(GUILD + 1)]
    rows = await reminders_sql.of_guild(seeded.conn, GUILD)
    assert [(r.state, r.note) for r in rows] == [("pending", "unexpected error")]
    assert rows[0].retry_at > clock()


async def test_moving_only_the_date_does_not_post_reminders_already_past(setup, clock):
    service, scheduler, poster = setup
    item = await service.add_deadline(GUILD, ADMIN, form("2027-03-01 12:00"))
    clock.now = datetime.fromisoformat("2027-02-23T12:00:00+00:00")
    await scheduler.run_once()
    assert [p[0] for p in poster.posts] == [43200, 10080]  # 30 and 7 days before (one late)
    poster.posts.clear()
    moved = await service.edit_deadline(GUILD, ADMIN, item.id, form("2027-02-25 12:00"))
    assert moved.deadline.due < item.deadline.due
    assert await scheduler.run_once() == 0  # the new date's 30d and 7d reminders were already past
    clock.now = moved.deadline.due - timedelta(days=1)
    await scheduler.run_once()
    assert [p[0] for p in poster.posts] == [1440]


async def test_a_reminder_for_a_date_that_moved_under_it_is_skipped(setup, clock):
    service, scheduler, poster = setup
    item = await service.add_deadline(GUILD, ADMIN, form("2026-11-24 12:00"))
    async with service.store.transaction() as conn:  # moved behind the planner's back
        await conn.execute(
            "UPDATE deadlines SET due_utc = ? WHERE item_id = ?",
            ((item.deadline.due + timedelta(days=14)).isoformat(), item.id),
        )
    clock.now = item.deadline.due - timedelta(minutes=59)
    await scheduler.run_once()
    assert poster.posts == []
    rows = await reminders_sql.of_guild(service.store.conn, GUILD)
    assert {(r.state, r.note) for r in rows} == {
        ("skipped", "the deadline moved; planned again for it")
    }


async def test_posting_reminders_leaves_the_answer_engine_warm(setup, clock):
    """A reminder's claim, post and record change no item: the next question does not rebuild
    the word statistics (about half a second at 10,000 items) after each one."""
    service, scheduler, poster = setup
    item = await service.add_deadline(GUILD, ADMIN, form("2026-11-26 13:00"))
    engine = service.knowledge.engine
    await engine.ask("when does the AMI close?", guild_id=GUILD)
    before = await engine.vocabulary(GUILD)
    clock.now = item.deadline.due - timedelta(days=1)
    assert await scheduler.run_once() == 1
    assert poster.posts
    assert await engine.vocabulary(GUILD) is before
