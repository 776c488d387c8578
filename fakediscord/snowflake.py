"""Snowflake ids shaped like Discord's.

A snowflake is ``(milliseconds since the Discord epoch) << 22`` plus a low counter, so ids
sort by creation time and ``discord.utils.snowflake_time`` gives a sensible date.
"""

from __future__ import annotations

import datetime
import itertools
import time

DISCORD_EPOCH_MS = 1_420_070_400_000

_counter = itertools.count()


def new_snowflake() -> int:
    """Return a fresh, process-wide unique snowflake."""
    elapsed_ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return (elapsed_ms << 22) | (next(_counter) & 0x3FFFFF)


def snowflake_time(snowflake: int) -> datetime.datetime:
    """Return the creation time encoded in ``snowflake`` (UTC)."""
    ms = (snowflake >> 22) + DISCORD_EPOCH_MS
    return datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.UTC)


def iso_timestamp(moment: datetime.datetime | None = None) -> str:
    """Format ``moment`` (default: now) the way Discord formats timestamps."""
    moment = moment or datetime.datetime.now(tz=datetime.UTC)
    return moment.isoformat(timespec="microseconds")
