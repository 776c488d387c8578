"""Planned reminders and their life: pending → claimed → sent (or skipped, failed).

A reminder is claimed in the database before it is sent and marked with the message id after.
Claims are atomic (one UPDATE inside BEGIN IMMEDIATE), so two processes on one database never
both claim the same reminder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiosqlite


@dataclass(frozen=True)
class Planned:
    """A reminder the schedule wants: for a deadline, an offset before it."""

    item_id: str
    offset_minutes: int
    due_at: datetime
    deadline_at: datetime


@dataclass(frozen=True)
class Reminder:
    id: int
    guild_id: int
    item_id: str
    offset_minutes: int
    due_at: datetime
    deadline_at: datetime
    state: str
    attempts: int
    claimed_by: str | None = None
    claimed_at: datetime | None = None
    retry_at: datetime | None = None
    channel_id: int | None = None
    message_id: int | None = None
    sent_at: datetime | None = None
    late: bool = False
    note: str | None = None

    @property
    def nonce(self) -> str:
        """The same for every attempt at this reminder: Discord drops a repeat of it."""
        return f"reminder-{self.id}"


def iso(moment: datetime) -> str:
    """UTC, fixed width, so that text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _reminder(row: aiosqlite.Row) -> Reminder:
    return Reminder(
        id=row["id"],
        guild_id=row["guild_id"],
        item_id=row["item_id"],
        offset_minutes=row["offset_minutes"],
        due_at=datetime.fromisoformat(row["due_at"]),
        deadline_at=datetime.fromisoformat(row["deadline_at"]),
        state=row["state"],
        attempts=row["attempts"],
        claimed_by=row["claimed_by"],
        claimed_at=_time(row["claimed_at"]),
        retry_at=_time(row["retry_at"]),
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        sent_at=_time(row["sent_at"]),
        late=bool(row["late"]),
        note=row["note"],
    )


async def replace_plan(conn: aiosqlite.Connection, guild_id: int, plan: list[Planned]) -> int:
    """Make a server's pending reminders exactly ``plan``; sent and past rows are kept.

    Returns how many pending reminders the server has afterwards.
    """
    await conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS wanted "
        "(item_id TEXT, offset_minutes INTEGER, due_at TEXT, deadline_at TEXT)"
    )
    await conn.execute("DELETE FROM temp.wanted")
    await conn.executemany(
        "INSERT INTO temp.wanted VALUES (?, ?, ?, ?)",
        [(p.item_id, p.offset_minutes, iso(p.due_at), iso(p.deadline_at)) for p in plan],
    )
    await conn.execute(
        """
        DELETE FROM reminders
        WHERE guild_id = ? AND state = 'pending'
          AND NOT EXISTS (SELECT 1 FROM temp.wanted w
                          WHERE w.item_id = reminders.item_id
                            AND w.offset_minutes = reminders.offset_minutes
                            AND w.deadline_at = reminders.deadline_at)
        """,
        (guild_id,),
    )
    await conn.execute(
        """
        INSERT OR IGNORE INTO reminders (guild_id, item_id, offset_minutes, due_at, deadline_at)
        SELECT ?, item_id, offset_minutes, due_at, deadline_at FROM temp.wanted
        """,
        (guild_id,),
    )
    await conn.execute("DELETE FROM temp.wanted")
    rows = await conn.execute_fetchall(
        "SELECT count(*) FROM reminders WHERE guild_id = ? AND state = 'pending'", (guild_id,)
    )
    return rows[0][0]


async def next_wake(conn: aiosqlite.Connection, lease_seconds: float) -> datetime | None:
    """When the scheduler next has something to do: a pending reminder falls due or can be
    retried, or a claim's lease runs out."""
    rows = await conn.execute_fetchall(
        """
        SELECT min(moment) FROM (
            SELECT max(r.due_at, coalesce(r.retry_at, r.due_at)) AS moment
            FROM reminders r JOIN guild_settings g ON g.guild_id = r.guild_id
            WHERE r.state = 'pending' AND g.channel_id IS NOT NULL AND g.paused_reason IS NULL
            UNION ALL
            SELECT strftime('%Y-%m-%dT%H:%M:%f000+00:00', claimed_at, ?)
            FROM reminders WHERE state = 'claimed'
        )
        """,
        (f"+{lease_seconds} seconds",),
    )
    return _time(rows[0][0])


async def claim_due(
    conn: aiosqlite.Connection, now: datetime, worker: str, limit: int
) -> list[Reminder]:
    """Claim up to ``limit`` reminders that are due, oldest first. Call inside a transaction."""
    stamp = iso(now)
    rows = await conn.execute_fetchall(
        """
        UPDATE reminders SET state = 'claimed', claimed_by = ?, claimed_at = ?,
                             attempts = attempts + 1,
                             channel_id = (SELECT channel_id FROM guild_settings g
                                           WHERE g.guild_id = reminders.guild_id)
        WHERE id IN (
            SELECT r.id FROM reminders r JOIN guild_settings g ON g.guild_id = r.guild_id
            WHERE r.state = 'pending' AND r.due_at <= ?
              AND (r.retry_at IS NULL OR r.retry_at <= ?)
              AND g.channel_id IS NOT NULL AND g.paused_reason IS NULL
            ORDER BY r.due_at LIMIT ?)
        RETURNING *
        """,
        (worker, stamp, stamp, stamp, limit),
    )
    return sorted((_reminder(row) for row in rows), key=lambda r: r.due_at)


async def expired_claims(
    conn: aiosqlite.Connection,
    now: datetime,
    lease_seconds: float,
    worker: str,
    *,
    gone: Callable[[str | None], bool] = lambda holder: False,
) -> list[Reminder]:
    """Claims whose holder is gone or whose lease ran out, taken over by ``worker``.

    Returned as they were, so that the caller sees when the first attempt was made. Call inside
    a transaction.
    """
    cutoff = iso(now - timedelta(seconds=lease_seconds))
    rows = await conn.execute_fetchall("SELECT * FROM reminders WHERE state = 'claimed'")
    taken = [
        _reminder(row)
        for row in rows
        if row["claimed_at"] <= cutoff or (row["claimed_by"] != worker and gone(row["claimed_by"]))
    ]
    await conn.executemany(
        "UPDATE reminders SET claimed_by = ? WHERE id = ? AND state = 'claimed'",
        [(worker, r.id) for r in taken],
    )
    return taken


async def mark_sent(
    conn: aiosqlite.Connection, reminder_id: int, message_id: int, now: datetime, late: bool
) -> None:
    await conn.execute(
        "UPDATE reminders SET state = 'sent', message_id = ?, sent_at = ?, late = ?, "
        "retry_at = NULL WHERE id = ?",
        (message_id, iso(now), int(late), reminder_id),
    )


async def release(
    conn: aiosqlite.Connection, reminder_id: int, retry_at: datetime | None, note: str
) -> None:
    """Back to pending, to be tried again at ``retry_at`` (or when the server is unpaused)."""
    await conn.execute(
        "UPDATE reminders SET state = 'pending', claimed_by = NULL, claimed_at = NULL, "
        "retry_at = ?, note = ? WHERE id = ?",
        (iso(retry_at) if retry_at else None, note, reminder_id),
    )


async def finish(conn: aiosqlite.Connection, reminder_id: int, state: str, note: str) -> None:
    """Close a reminder that will not be posted: 'skipped' or 'failed', with why."""
    await conn.execute(
        "UPDATE reminders SET state = ?, note = ?, claimed_by = NULL WHERE id = ?",
        (state, note, reminder_id),
    )


async def upcoming(conn: aiosqlite.Connection, guild_id: int, limit: int = 5) -> list[Reminder]:
    rows = await conn.execute_fetchall(
        "SELECT * FROM reminders WHERE guild_id = ? AND state IN ('pending', 'claimed') "
        "ORDER BY due_at LIMIT ?",
        (guild_id, limit),
    )
    return [_reminder(row) for row in rows]


async def of_guild(conn: aiosqlite.Connection, guild_id: int) -> list[Reminder]:
    rows = await conn.execute_fetchall(
        "SELECT * FROM reminders WHERE guild_id = ? ORDER BY due_at, id", (guild_id,)
    )
    return [_reminder(row) for row in rows]


async def get(conn: aiosqlite.Connection, reminder_id: int) -> Reminder | None:
    rows = await conn.execute_fetchall("SELECT * FROM reminders WHERE id = ?", (reminder_id,))
    return _reminder(rows[0]) if rows else None
