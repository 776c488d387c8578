"""Time, one way everywhere: the clock, time-zone names, and local moments stored in UTC.

Every moment the project stores or compares is an aware ``datetime`` in UTC. A deadline given
as a date alone ends at 23:59:59 that day in its own time zone.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

END_OF_DAY = time(23, 59, 59)
MAX_TITLE = 100  # Discord shows at most 100 characters in a choice, and titles are choices
NOT_ZONES = {"localtime", "posixrules", "Factory"}  # files beside the zones, not zones
# The moments a deadline may have, well inside what datetime can hold (years 1 to 9999): its
# date in any time zone, and a reminder up to a year before it, can always be worked out.
EARLIEST = datetime(3, 1, 1, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, 23, 59, 59, tzinfo=UTC)


def utc_now() -> datetime:
    """The default clock; everything that needs the time takes a clock so tests can move it."""
    return datetime.now(UTC)


@functools.cache
def zone_names() -> frozenset[str]:
    """The IANA zone names (not the system's aliases such as ``localtime`` or ``posixrules``)."""
    return frozenset(
        name
        for name in available_timezones()
        if name not in NOT_ZONES and not name.startswith(("posix/", "right/"))
    )


def zone(name: object) -> ZoneInfo | None:
    """The IANA time zone called ``name``, or None when there is no such zone."""
    if not isinstance(name, str) or name.strip() not in zone_names():
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def to_utc(moment: date | datetime, where: ZoneInfo) -> tuple[datetime, bool]:
    """(the moment in UTC, whether only a date was given): a naive time is read in ``where``,
    and a date alone ends at 23:59:59 that day. ValueError when it falls outside
    EARLIEST..LATEST."""
    try:
        if isinstance(moment, datetime):
            local = moment if moment.tzinfo else moment.replace(tzinfo=where)
            found = local.astimezone(UTC), False
        else:
            found = datetime.combine(moment, END_OF_DAY, tzinfo=where).astimezone(UTC), True
    except OverflowError:  # before year 1 or after 9999 once in UTC
        found = None
    if found is None or not EARLIEST <= found[0] <= LATEST:
        raise ValueError(f"must fall between the years {EARLIEST.year} and {LATEST.year} in UTC")
    return found
