"""What admins type about time: offsets (``30d 7d 1d 1h``), dates (``2026-12-15 17:00``), zones.

Each parser returns plain values or raises a ``UserError`` naming what could not be read.
Conversions to UTC follow ``store.times``, as the seed files do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.errors import UserError
from store import times
from store.settings import Offset

DAY = 24 * 60  # minutes (the same as store.settings.DAY)
UNITS = {"d": DAY, "j": DAY, "h": 60, "m": 1}
OFFSET = re.compile(r"(\d{1,4})\s*([djhm])")
MAX_OFFSETS = 10
MAX_OFFSET = 365 * DAY
WHEN_FORMATS = (
    re.compile(
        r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[ T](?P<H>\d{1,2})[:h](?P<M>\d{2}))?$"
    ),
    re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?: (?P<H>\d{1,2})[:h](?P<M>\d{2}))?$"),
)


def parse_offsets(text: str) -> tuple[Offset, ...]:
    """'30d 7d 1d 1h' → offsets, largest first; days count on the calendar, hours and minutes
    are exact durations ('24h' is not '1d'). Raises UserError on anything else."""
    cleaned = text.strip().lower()
    found = OFFSET.findall(cleaned)
    leftover = OFFSET.sub("", cleaned).replace(",", " ").strip()
    if not found or leftover:
        raise UserError("reminders.bad_offsets", text=text[:100])
    offsets: dict[int, Offset] = {}
    for number, unit in found:
        minutes = int(number) * UNITS[unit]
        if minutes not in offsets or unit in "dj":  # '1d' wins over '24h' given with it
            offsets[minutes] = Offset(minutes, by_day=unit in "dj")
    if 0 in offsets or max(offsets) > MAX_OFFSET:
        raise UserError("reminders.offset_range")
    if len(offsets) > MAX_OFFSETS:
        raise UserError("reminders.too_many_offsets", limit=MAX_OFFSETS)
    return tuple(sorted(offsets.values(), reverse=True))


def format_offset(offset: int, lang: str) -> str:
    by_day = getattr(offset, "by_day", offset % DAY == 0)
    for unit, size in (("d", DAY), ("h", 60), ("m", 1)):
        if offset % size == 0 and (unit != "d" or by_day):
            label = "j" if unit == "d" and lang == "fr" else unit
            return f"{offset // size}{label}"
    return f"{offset}m"  # pragma: no cover - every whole number of minutes is caught above


def format_offsets(offsets: Iterable[int], lang: str) -> str:
    return " ".join(format_offset(m, lang) for m in sorted(offsets, reverse=True))


def parse_zone(name: str) -> ZoneInfo:
    """The time zone an admin named; UserError when there is none by that name."""
    found = times.zone(name)
    if found is None:
        raise UserError("deadline.bad_timezone", timezone=name.strip()[:60])
    return found


def parse_when(text: str, zone_name: str) -> tuple[datetime, bool]:
    """(the moment in UTC, whether only a date was given). A date alone ends that day."""
    where = parse_zone(zone_name)
    for pattern in WHEN_FORMATS:
        match = pattern.match(text.strip())
        if match is None:
            continue
        try:
            day = date(int(match["y"]), int(match["m"]), int(match["d"]))
            if match["H"] is None:
                return times.to_utc(day, where)
            moment = datetime.combine(day, time(int(match["H"]), int(match["M"])))
            return times.to_utc(moment, where)
        except (ValueError, OverflowError):
            raise UserError("deadline.bad_date", when=text.strip()[:40]) from None
    raise UserError("deadline.bad_date", when=text.strip()[:40])
