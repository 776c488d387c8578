"""The audit log: who changed what, and when, in each server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite


@dataclass(frozen=True)
class Entry:
    guild_id: int | None
    user_id: int | None
    at: datetime
    action: str
    item_id: str | None
    details: str


async def record(conn: aiosqlite.Connection, entry: Entry) -> None:
    await conn.execute(
        "INSERT INTO audit_log (guild_id, user_id, at, action, item_id, details) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            entry.guild_id,
            entry.user_id,
            entry.at.isoformat(),
            entry.action,
            entry.item_id,
            entry.details,
        ),
    )


async def recent(conn: aiosqlite.Connection, guild_id: int, limit: int = 20) -> list[Entry]:
    rows = await conn.execute_fetchall(
        "SELECT * FROM audit_log WHERE guild_id = ? ORDER BY id DESC LIMIT ?", (guild_id, limit)
    )
    return [
        Entry(
            row["guild_id"],
            row["user_id"],
            datetime.fromisoformat(row["at"]),
            row["action"],
            row["item_id"],
            row["details"],
        )
        for row in rows
    ]
