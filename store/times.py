"""Time, one way everywhere: the clock, time-zone names, and local moments stored in UTC.

Every moment the project stores or compares is an aware ``datetime`` in UTC. A deadline given
as a date alone ends at 23:59:59 that day in its own time zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

END_OF_DAY = time(23, 59, 59)
MAX_TITLE = 100  # Discord shows at most 100 characters in a choice, and titles are choices


def utc_now() -> datetime:
    """The default clock; everything that needs the time takes a clock so tests can move it."""
    return datetime.now(UTC)


def zone(name: object) -> ZoneInfo | None:
    """The IANA time zone called ``name``, or None when there is no such zone."""
    if not isinstance(name, str) or not name.strip():
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def to_utc(moment: date | datetime, where: ZoneInfo) -> tuple[datetime, bool]:
    """(the moment in UTC, whether only a date was given): a naive time is read in ``where``,
    and a date alone ends at 23:59:59 that day."""
    if isinstance(moment, datetime):
        local = moment if moment.tzinfo else moment.replace(tzinfo=where)
        return local.astimezone(UTC), False
    return datetime.combine(moment, END_OF_DAY, tzinfo=where).astimezone(UTC), True
