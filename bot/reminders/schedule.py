"""What to remind, and when: offsets before each deadline, computed without Discord.

Offsets in whole days fall at the same wall-clock time as the deadline in its own time zone (a
daylight-saving change between them does not move the reminder); offsets in hours and minutes
are exact durations.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.reminders import parsing
from store.items import Item
from store.reminders import Planned
from store.settings import GuildSettings

DAY = parsing.DAY


def reminder_time(deadline: Item, offset_minutes: int) -> datetime:
    """When the reminder ``offset_minutes`` before a deadline falls, in UTC (an ``Offset``
    says whether it counts calendar days; a plain number of whole days does)."""
    details = deadline.deadline
    if getattr(offset_minutes, "by_day", offset_minutes % DAY == 0):
        zone = ZoneInfo(details.timezone)
        local = details.due.astimezone(zone).replace(tzinfo=None)
        earlier = local - timedelta(days=offset_minutes // DAY)
        return earlier.replace(tzinfo=zone).astimezone(details.due.tzinfo)
    return details.due - timedelta(minutes=offset_minutes)


def plan(deadlines: Iterable[Item], settings: GuildSettings) -> list[Planned]:
    """The reminders a server should get.

    A reminder is planned only if it falls after both the moment the channel was configured and
    the moment the deadline was last written: what was already past then is never posted.
    """
    if settings.channel_id is None or settings.configured_at is None:
        return []
    planned = []
    for item in deadlines:
        if item.deadline is None:
            continue
        written = item.updated_at or item.created_at or settings.configured_at
        floor = max(settings.configured_at, written)
        for offset in settings.offsets:
            due_at = reminder_time(item, offset)
            if floor < due_at < item.deadline.due:
                planned.append(Planned(item.id, offset, due_at, item.deadline.due))
    return planned
