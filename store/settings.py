"""Each server's reminder settings: channel, offsets, optional role, time zone, language, pause."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import aiosqlite

DAY = 24 * 60  # minutes


class Offset(int):
    """How long before a deadline a reminder falls, in minutes.

    ``by_day``: counted in calendar days (``30d`` falls at the deadline's wall-clock time in its
    own zone, whatever daylight saving does between); otherwise an exact duration (``24h``).
    """

    by_day: bool

    def __new__(cls, minutes: int, by_day: bool | None = None) -> Offset:
        offset = super().__new__(cls, minutes)
        offset.by_day = minutes % DAY == 0 if by_day is None else by_day and minutes % DAY == 0
        return offset

    def __repr__(self) -> str:
        return f"Offset({int(self)}, by_day={self.by_day})"


DEFAULT_OFFSETS = (Offset(30 * DAY), Offset(7 * DAY), Offset(DAY), Offset(60))
DEFAULT_TIMEZONE = "Europe/Paris"


@dataclass(frozen=True)
class GuildSettings:
    guild_id: int
    channel_id: int | None = None
    role_id: int | None = None
    timezone: str = DEFAULT_TIMEZONE
    language: str = "en"
    configured_at: datetime | None = None
    paused_reason: str | None = None
    paused_at: datetime | None = None
    offsets: tuple[Offset, ...] = DEFAULT_OFFSETS  # largest first
    pause_checks: int = 0  # checks that found the channel still unusable
    next_check_at: datetime | None = None
    admins_told: bool = False

    @property
    def active(self) -> bool:
        return self.channel_id is not None and self.paused_reason is None

    def but(self, **changes) -> GuildSettings:
        return replace(self, **changes)


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


async def get(conn: aiosqlite.Connection, guild_id: int) -> GuildSettings | None:
    rows = await conn.execute_fetchall(
        "SELECT * FROM guild_settings WHERE guild_id = ?", (guild_id,)
    )
    if not rows:
        return None
    row = rows[0]
    offsets = await conn.execute_fetchall(
        "SELECT minutes, by_day FROM guild_offsets WHERE guild_id = ? ORDER BY minutes DESC",
        (guild_id,),
    )
    return GuildSettings(
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        role_id=row["role_id"],
        timezone=row["timezone"],
        language=row["language"],
        configured_at=_time(row["configured_at"]),
        paused_reason=row["paused_reason"],
        paused_at=_time(row["paused_at"]),
        offsets=tuple(Offset(r["minutes"], bool(r["by_day"])) for r in offsets),
        pause_checks=row["pause_checks"],
        next_check_at=_time(row["next_check_at"]),
        admins_told=bool(row["admins_told"]),
    )


async def save(conn: aiosqlite.Connection, settings: GuildSettings, now: datetime) -> None:
    await conn.execute(
        """
        INSERT INTO guild_settings (guild_id, channel_id, role_id, timezone, language,
                                    configured_at, paused_reason, paused_at, updated_at,
                                    pause_checks, next_check_at, admins_told)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (guild_id) DO UPDATE SET
            channel_id = excluded.channel_id, role_id = excluded.role_id,
            timezone = excluded.timezone, language = excluded.language,
            configured_at = excluded.configured_at, paused_reason = excluded.paused_reason,
            paused_at = excluded.paused_at, updated_at = excluded.updated_at,
            pause_checks = excluded.pause_checks, next_check_at = excluded.next_check_at,
            admins_told = excluded.admins_told
        """,
        (
            settings.guild_id,
            settings.channel_id,
            settings.role_id,
            settings.timezone,
            settings.language,
            settings.configured_at.isoformat() if settings.configured_at else None,
            settings.paused_reason,
            settings.paused_at.isoformat() if settings.paused_at else None,
            now.isoformat(),
            settings.pause_checks,
            settings.next_check_at.isoformat() if settings.next_check_at else None,
            int(settings.admins_told),
        ),
    )
    await conn.execute("DELETE FROM guild_offsets WHERE guild_id = ?", (settings.guild_id,))
    by_minutes = {int(o): getattr(o, "by_day", o % DAY == 0) for o in settings.offsets}
    await conn.executemany(
        "INSERT INTO guild_offsets (guild_id, minutes, by_day) VALUES (?, ?, ?)",
        [(settings.guild_id, m, int(day)) for m, day in sorted(by_minutes.items())],
    )


async def pause(
    conn: aiosqlite.Connection,
    guild_id: int,
    reason: str,
    now: datetime,
    check_at: datetime,
    *,
    channel_id: int | None = None,
) -> None:
    """Stop posting in this server until its channel works again (looked at from ``check_at``).

    The count of checks survives a resume that did not lead to a post, so that a channel which
    looks fine but refuses posts is tried less and less often. Only while ``channel_id`` is
    still the server's channel: a verdict on a channel the admins replaced changes nothing.
    """
    await conn.execute(
        "UPDATE guild_settings SET paused_reason = ?, updated_at = ?, "
        "paused_at = coalesce(paused_at, ?), next_check_at = ? "
        "WHERE guild_id = ? AND (? IS NULL OR channel_id = ?)",
        (
            reason,
            now.isoformat(),
            now.isoformat(),
            check_at.isoformat(),
            guild_id,
            channel_id,
            channel_id,
        ),
    )


async def checks_due(conn: aiosqlite.Connection, now: datetime) -> list[GuildSettings]:
    """Paused servers whose channel is due to be looked at again."""
    rows = await conn.execute_fetchall(
        "SELECT guild_id FROM guild_settings WHERE paused_reason IS NOT NULL "
        "AND channel_id IS NOT NULL AND next_check_at <= ? ORDER BY next_check_at",
        (now.isoformat(),),
    )
    found = [await get(conn, row["guild_id"]) for row in rows]
    return [settings for settings in found if settings is not None]


async def resume(
    conn: aiosqlite.Connection, guild_id: int, now: datetime, *, channel_id: int | None
) -> None:
    """The channel works again: post as before."""
    await conn.execute(
        "UPDATE guild_settings SET paused_reason = NULL, paused_at = NULL, "
        "pause_checks = pause_checks + 1, next_check_at = NULL, updated_at = ? "
        "WHERE guild_id = ? AND channel_id IS ? AND paused_reason IS NOT NULL",
        (now.isoformat(), guild_id, channel_id),
    )


async def still_paused(
    conn: aiosqlite.Connection,
    guild_id: int,
    reason: str,
    check_at: datetime,
    now: datetime,
    *,
    channel_id: int | None,
) -> None:
    await conn.execute(
        "UPDATE guild_settings SET paused_reason = ?, pause_checks = pause_checks + 1, "
        "next_check_at = ?, updated_at = ? "
        "WHERE guild_id = ? AND channel_id IS ? AND paused_reason IS NOT NULL",
        (reason, check_at.isoformat(), now.isoformat(), guild_id, channel_id),
    )


async def posted(conn: aiosqlite.Connection, guild_id: int) -> None:
    """A post went through: the server's channel is well, and a later pause starts afresh."""
    await conn.execute(
        "UPDATE guild_settings SET pause_checks = 0, admins_told = 0 "
        "WHERE guild_id = ? AND (pause_checks > 0 OR admins_told)",
        (guild_id,),
    )


async def admins_told(conn: aiosqlite.Connection, guild_id: int) -> None:
    await conn.execute("UPDATE guild_settings SET admins_told = 1 WHERE guild_id = ?", (guild_id,))


async def forget(conn: aiosqlite.Connection, guild_id: int) -> None:
    """The bot left the server: its settings go, and with them its planned reminders."""
    await conn.execute("DELETE FROM guild_settings WHERE guild_id = ?", (guild_id,))


async def guild_ids(conn: aiosqlite.Connection) -> list[int]:
    rows = await conn.execute_fetchall("SELECT guild_id FROM guild_settings ORDER BY guild_id")
    return [row["guild_id"] for row in rows]


async def active_guild_ids(conn: aiosqlite.Connection) -> list[int]:
    rows = await conn.execute_fetchall(
        "SELECT guild_id FROM guild_settings WHERE channel_id IS NOT NULL ORDER BY guild_id"
    )
    return [row["guild_id"] for row in rows]
