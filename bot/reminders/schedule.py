"""What to remind, and when: offsets before each deadline, computed without Discord.

Offsets in whole days fall at the same wall-clock time as the deadline in its own time zone (a
daylight-saving change between them does not move the reminder); offsets in hours and minutes
are exact durations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.errors import UserError
from store.items import Item
from store.reminders import Planned
from store.settings import GuildSettings

DAY = 24 * 60
UNITS = {"d": DAY, "j": DAY, "h": 60, "m": 1}
OFFSET = re.compile(r"(\d{1,4})\s*([djhm])")
MAX_OFFSETS = 10
MAX_OFFSET = 365 * DAY


def parse_offsets(text: str) -> tuple[int, ...]:
    """'30d 7d 1d 1h' → minutes, largest first. Raises UserError on anything else."""
    cleaned = text.strip().lower()
    found = OFFSET.findall(cleaned)
    leftover = OFFSET.sub("", cleaned).replace(",", " ").strip()
    if not found or leftover:
        raise UserError("reminders.bad_offsets", text=text[:100])
    minutes = {int(n) * UNITS[unit] for n, unit in found}
    if 0 in minutes or max(minutes) > MAX_OFFSET:
        raise UserError("reminders.offset_range")
    if len(minutes) > MAX_OFFSETS:
        raise UserError("reminders.too_many_offsets", limit=MAX_OFFSETS)
    return tuple(sorted(minutes, reverse=True))


def format_offset(minutes: int, lang: str) -> str:
    for unit, size in (("d", DAY), ("h", 60), ("m", 1)):
        if minutes % size == 0:
            label = "j" if unit == "d" and lang == "fr" else unit
            return f"{minutes // size}{label}"
    return f"{minutes}m"  # pragma: no cover - every whole number of minutes is caught above


def format_offsets(offsets: Iterable[int], lang: str) -> str:
    return " ".join(format_offset(m, lang) for m in sorted(offsets, reverse=True))


def reminder_time(deadline: Item, offset_minutes: int) -> datetime:
    """When the reminder ``offset_minutes`` before a deadline falls, in UTC."""
    details = deadline.deadline
    if offset_minutes % DAY == 0:
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
