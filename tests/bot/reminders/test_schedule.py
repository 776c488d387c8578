"""Schedule computation: offsets, daylight saving, what is too late to post, edits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.errors import UserError
from bot.reminders.parsing import format_offsets, parse_offsets
from bot.reminders.schedule import plan, reminder_time
from store.items import Item, admin_deadline
from store.settings import GuildSettings

PARIS = ZoneInfo("Europe/Paris")


def deadline(due: datetime, *, written: datetime, item_id: str = "admin-1-a") -> Item:
    return admin_deadline(item_id, 1, "t", "t", due, written=written)


def settings(configured: datetime, offsets=(43200, 10080, 1440, 60)) -> GuildSettings:
    return GuildSettings(guild_id=1, channel_id=5, configured_at=configured, offsets=offsets)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("30d 7d 1d 1h", (43200, 10080, 1440, 60)),
        ("1h, 10m", (60, 10)),
        ("7j 1J", (10080, 1440)),
        ("  2h  2h ", (120,)),
    ],
)
def test_offsets_are_read(text, minutes):
    assert parse_offsets(text) == minutes


@pytest.mark.parametrize(
    "text",
    ["", "soon", "1x", "0m", "400d", "1d; DROP TABLE", "-1h", "1h 2h 3h 4h 5h 6h 7h 8h 9h 10h 11h"],
)
def test_bad_offsets_are_refused(text):
    with pytest.raises(UserError):
        parse_offsets(text)


def test_offsets_are_written_back():
    assert format_offsets((60, 43200, 10), "en") == "30d 1h 10m"
    assert format_offsets((1440,), "fr") == "1j"


def test_day_offsets_keep_the_wall_clock_across_daylight_saving():
    # Summer time starts in Paris on 29 March 2026: the deadline is at 12:00 CEST (10:00 UTC).
    item = deadline(
        datetime(2026, 3, 30, 12, 0, tzinfo=PARIS), written=datetime(2026, 1, 1, tzinfo=UTC)
    )
    week_before = reminder_time(item, 7 * 1440)
    assert week_before.astimezone(PARIS).hour == 12
    assert week_before == datetime(2026, 3, 23, 11, 0, tzinfo=UTC)
    assert reminder_time(item, 60) == datetime(2026, 3, 30, 9, 0, tzinfo=UTC)


def test_reminders_already_past_when_the_deadline_is_added_are_not_planned():
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    item = deadline(now + timedelta(hours=2), written=now)
    planned = plan([item], settings(configured=now - timedelta(days=60)))
    assert [p.offset_minutes for p in planned] == [60]
    assert planned[0].due_at == now + timedelta(hours=1)


def test_reminders_past_when_the_channel_was_configured_are_not_planned():
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    item = deadline(now + timedelta(days=3), written=now - timedelta(days=90))
    planned = plan([item], settings(configured=now))
    assert sorted(p.offset_minutes for p in planned) == [60, 1440]


def test_an_edited_deadline_plans_reminders_for_its_new_date():
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    configured = now - timedelta(days=60)
    first = plan(
        [deadline(now + timedelta(days=10), written=now - timedelta(days=30))], settings(configured)
    )
    moved = plan([deadline(now + timedelta(days=20), written=now)], settings(configured))
    assert {p.deadline_at for p in first} != {p.deadline_at for p in moved}
    assert sorted(p.offset_minutes for p in moved) == [60, 1440, 10080]


def test_no_channel_means_no_plan():
    now = datetime(2026, 11, 23, tzinfo=UTC)
    item = deadline(now + timedelta(days=3), written=now)
    assert plan([item], GuildSettings(guild_id=1)) == []
