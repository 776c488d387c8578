"""The channels where the bot answers every question it is sure of (opt-in, per server)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite


@dataclass(frozen=True)
class QaChannel:
    channel_id: int
    guild_id: int
    enabled_by: int | None
    enabled_at: datetime


def _row(row: aiosqlite.Row) -> QaChannel:
    return QaChannel(
        channel_id=row["channel_id"],
        guild_id=row["guild_id"],
        enabled_by=row["enabled_by"],
        enabled_at=datetime.fromisoformat(row["enabled_at"]),
    )


async def enable(conn: aiosqlite.Connection, channel: QaChannel) -> bool:
    """Turn a channel on; False when it already was (nothing changes then)."""
    cursor = await conn.execute(
        "INSERT INTO qa_channels (channel_id, guild_id, enabled_by, enabled_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (channel_id) DO NOTHING",
        (channel.channel_id, channel.guild_id, channel.enabled_by, channel.enabled_at.isoformat()),
    )
    return cursor.rowcount > 0


async def disable(conn: aiosqlite.Connection, guild_id: int, channel_id: int) -> bool:
    """Turn a channel off; False when it was not on."""
    cursor = await conn.execute(
        "DELETE FROM qa_channels WHERE guild_id = ? AND channel_id = ?", (guild_id, channel_id)
    )
    return cursor.rowcount > 0


async def for_guild(conn: aiosqlite.Connection, guild_id: int) -> list[QaChannel]:
    rows = await conn.execute_fetchall(
        "SELECT * FROM qa_channels WHERE guild_id = ? ORDER BY enabled_at, channel_id", (guild_id,)
    )
    return [_row(row) for row in rows]


async def all_ids(conn: aiosqlite.Connection) -> set[int]:
    rows = await conn.execute_fetchall("SELECT channel_id FROM qa_channels")
    return {row["channel_id"] for row in rows}


async def forget_channel(conn: aiosqlite.Connection, channel_id: int) -> bool:
    cursor = await conn.execute("DELETE FROM qa_channels WHERE channel_id = ?", (channel_id,))
    return cursor.rowcount > 0


async def forget_guild(conn: aiosqlite.Connection, guild_id: int) -> None:
    await conn.execute("DELETE FROM qa_channels WHERE guild_id = ?", (guild_id,))
