"""Planned reminders and their life: pending → claimed → sent (or skipped, failed).

A reminder is claimed in the database before it is sent and marked with the message id after.
Claims are atomic (one UPDATE inside BEGIN IMMEDIATE), so two processes on one database never
both claim the same reminder. Each claim has its own token: every later write about it (renew,
mark sent, release, finish) changes the row only while that claim still holds it, and says
whether it did.
"""

from __future__ import annotations

import secrets
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
    claim_token: str | None = None
    lease_until: datetime | None = None
    attempt_started_at: datetime | None = None  # the post under way, if any
    first_attempt_at: datetime | None = None  # the first post that may have reached Discord
    nonce: str = ""  # the same for every attempt at this reminder: Discord drops a repeat

    @property
    def maybe_posted_since(self) -> datetime | None:
        """Since when a post of this reminder may exist: an attempt that may have reached
        Discord, or one whose sender stopped before it knew."""
        moments = [m for m in (self.first_attempt_at, self.attempt_started_at) if m]
        return min(moments) if moments else None


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
        claim_token=row["claim_token"],
        lease_until=_time(row["lease_until"]),
        attempt_started_at=_time(row["attempt_started_at"]),
        first_attempt_at=_time(row["first_attempt_at"]),
        nonce=row["nonce"] or f"reminder-{row['id']}",
    )


async def replace_plan(
    conn: aiosqlite.Connection,
    guild_id: int,
    plan: list[Planned],
    *,
    only: list[str] | None = None,
) -> None:
    """Make a server's pending reminders exactly ``plan``; sent and past rows are kept.

    ``only``: the plan covers just these deadlines, and the server's other reminders stay as
    they are. Both temporary tables are indexed, so the work grows with the size of the plan.
    """
    await conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS wanted (item_id TEXT, offset_minutes INTEGER, "
        "due_at TEXT, deadline_at TEXT, PRIMARY KEY (item_id, offset_minutes, deadline_at))"
    )
    await conn.execute("CREATE TEMP TABLE IF NOT EXISTS replanned (item_id TEXT PRIMARY KEY)")
    await conn.execute("DELETE FROM temp.wanted")
    await conn.execute("DELETE FROM temp.replanned")
    await conn.executemany(
        "INSERT OR IGNORE INTO temp.wanted VALUES (?, ?, ?, ?)",
        [(p.item_id, p.offset_minutes, iso(p.due_at), iso(p.deadline_at)) for p in plan],
    )
    if only is None:
        stale = "guild_id = :guild AND state = 'pending'"
    else:
        await conn.executemany(
            "INSERT OR IGNORE INTO temp.replanned VALUES (?)", [(i,) for i in only]
        )
        stale = (
            "guild_id = :guild AND state = 'pending' "
            "AND item_id IN (SELECT item_id FROM temp.replanned)"
        )
    await conn.execute(
        f"""
        DELETE FROM reminders
        WHERE {stale}
          AND NOT EXISTS (SELECT 1 FROM temp.wanted w
                          WHERE w.item_id = reminders.item_id
                            AND w.offset_minutes = reminders.offset_minutes
                            AND w.deadline_at = reminders.deadline_at
                            AND w.due_at = reminders.due_at)
        """,  # noqa: S608 (constant fragments only)
        {"guild": guild_id},
    )
    await conn.execute(
        """
        INSERT OR IGNORE INTO reminders (guild_id, item_id, offset_minutes, due_at, deadline_at,
                                         nonce)
        SELECT ?, item_id, offset_minutes, due_at, deadline_at,
               'rem-' || lower(hex(randomblob(8)))
        FROM temp.wanted
        """,
        (guild_id,),
    )
    await conn.execute("DELETE FROM temp.wanted")
    await conn.execute("DELETE FROM temp.replanned")


async def next_wake(
    conn: aiosqlite.Connection, busy_channels: frozenset[int] = frozenset()
) -> datetime | None:
    """When the scheduler next has something to do: a pending reminder falls due or can be
    retried, a claim's lease runs out, or a paused server's channel is to be checked.

    Channels in ``busy_channels`` are left out: the end of their send wakes the scheduler.
    """
    busy = ",".join(str(int(channel)) for channel in busy_channels)
    rows = await conn.execute_fetchall(
        """
        SELECT min(moment) FROM (
            SELECT (SELECT r.due_at
                    FROM reminders r JOIN guild_settings g ON g.guild_id = r.guild_id
                    WHERE r.state = 'pending' AND r.retry_at IS NULL
                      AND g.channel_id IS NOT NULL AND g.paused_reason IS NULL
                      AND instr(',' || :busy || ',', ',' || g.channel_id || ',') = 0
                    ORDER BY r.due_at LIMIT 1) AS moment
            UNION ALL
            SELECT max(r.due_at, r.retry_at)
            FROM reminders r INDEXED BY reminders_retry
            JOIN guild_settings g ON g.guild_id = r.guild_id
            WHERE r.state = 'pending' AND r.retry_at IS NOT NULL
              AND g.channel_id IS NOT NULL AND g.paused_reason IS NULL
              AND instr(',' || :busy || ',', ',' || g.channel_id || ',') = 0
            UNION ALL
            SELECT lease_until FROM reminders WHERE state = 'claimed'
              AND instr(',' || :busy || ',', ',' || coalesce(channel_id, 0) || ',') = 0
            UNION ALL
            SELECT next_check_at FROM guild_settings
            WHERE paused_reason IS NOT NULL AND channel_id IS NOT NULL
        )
        """,
        {"busy": busy},
    )
    return _time(rows[0][0])


async def claim_due(
    conn: aiosqlite.Connection,
    now: datetime,
    worker: str,
    limit: int,
    *,
    lease_seconds: float,
    busy_channels: frozenset[int] = frozenset(),
) -> list[Reminder]:
    """Claim up to ``limit`` due reminders, oldest first, each with a token of its own.

    A channel gets one send at a time: at most one reminder per channel is claimed, none for a
    channel in ``busy_channels`` or with a claim already under way (another process's). Call
    inside a transaction.
    """
    stamp = iso(now)
    busy = ",".join(str(int(channel)) for channel in busy_channels)
    rows = await conn.execute_fetchall(
        """
        UPDATE reminders SET state = 'claimed', claimed_by = ?, claimed_at = ?,
                             claim_token = lower(hex(randomblob(8))), lease_until = ?,
                             attempts = attempts + 1,
                             channel_id = (SELECT channel_id FROM guild_settings g
                                           WHERE g.guild_id = reminders.guild_id)
        WHERE id IN (
            SELECT r.id FROM reminders r JOIN guild_settings g ON g.guild_id = r.guild_id
            WHERE r.state = 'pending' AND r.due_at <= ?
              AND (r.retry_at IS NULL OR r.retry_at <= ?)
              AND g.channel_id IS NOT NULL AND g.paused_reason IS NULL
              AND instr(',' || ? || ',', ',' || g.channel_id || ',') = 0
              AND NOT EXISTS (SELECT 1 FROM reminders c JOIN guild_settings cg
                              ON cg.guild_id = c.guild_id
                              WHERE c.state = 'claimed' AND cg.channel_id = g.channel_id)
              AND r.id = (SELECT r2.id FROM reminders r2 JOIN guild_settings g2
                          ON g2.guild_id = r2.guild_id
                          WHERE g2.channel_id = g.channel_id AND r2.state = 'pending'
                            AND r2.due_at <= ? AND (r2.retry_at IS NULL OR r2.retry_at <= ?)
                          ORDER BY r2.due_at, r2.id LIMIT 1)
            ORDER BY r.due_at LIMIT ?)
        RETURNING *
        """,
        (
            worker,
            stamp,
            iso(now + timedelta(seconds=lease_seconds)),
            stamp,
            stamp,
            busy,
            stamp,
            stamp,
            limit,
        ),
    )
    return sorted((_reminder(row) for row in rows), key=lambda r: r.due_at)


async def expired_claims(
    conn: aiosqlite.Connection,
    now: datetime,
    worker: str,
    *,
    lease_seconds: float,
    gone: Callable[[str | None], bool] = lambda holder: False,
    keep: frozenset[int] = frozenset(),
) -> list[Reminder]:
    """Claims whose lease ran out or whose holder is gone, taken over by ``worker``.

    Each gets a new token, so the old holder's late writes change nothing, and the attempt the
    old holder had under way counts as one that may have posted. ``keep``: ids this worker is
    sending right now, never taken over. Call inside a transaction.
    """
    rows = await conn.execute_fetchall("SELECT * FROM reminders WHERE state = 'claimed'")
    stale = [
        row["id"]
        for row in rows
        if row["id"] not in keep
        and (
            row["lease_until"] is None
            or row["lease_until"] <= iso(now)
            or (row["claimed_by"] != worker and gone(row["claimed_by"]))
        )
    ]
    taken = []
    until = iso(now + timedelta(seconds=lease_seconds))
    for reminder_id in stale:
        found = await conn.execute_fetchall(
            "UPDATE reminders SET claimed_by = ?, claim_token = ?, lease_until = ?, "
            "claimed_at = ?, first_attempt_at = coalesce(first_attempt_at, attempt_started_at), "
            "attempt_started_at = NULL WHERE id = ? AND state = 'claimed' RETURNING *",
            (worker, secrets.token_hex(8), until, iso(now), reminder_id),
        )
        taken += [_reminder(row) for row in found]
    return taken


async def _fenced(conn: aiosqlite.Connection, reminder: Reminder, sets: str, values: tuple) -> bool:
    """Apply ``sets`` to a reminder only while this claim still holds it."""
    cur = await conn.execute(
        f"UPDATE reminders SET {sets} WHERE id = ? AND state = 'claimed' AND claim_token = ?",  # noqa: S608
        (*values, reminder.id, reminder.claim_token),
    )
    return cur.rowcount == 1


async def renew(
    conn: aiosqlite.Connection, reminder: Reminder, now: datetime, lease_seconds: float
) -> bool:
    """Push the claim's lease further while a send is under way."""
    until = iso(now + timedelta(seconds=lease_seconds))
    return await _fenced(conn, reminder, "lease_until = ?", (until,))


async def attempting(conn: aiosqlite.Connection, reminder: Reminder, now: datetime) -> bool:
    """Record that a post which may reach Discord starts now; False when the claim is lost."""
    return await _fenced(conn, reminder, "attempt_started_at = ?", (iso(now),))


async def mark_sent(
    conn: aiosqlite.Connection, reminder: Reminder, message_id: int, now: datetime, late: bool
) -> bool:
    return await _fenced(
        conn,
        reminder,
        "state = 'sent', message_id = ?, sent_at = ?, late = ?, retry_at = NULL, "
        "claimed_by = NULL, claim_token = NULL, lease_until = NULL",
        (message_id, iso(now), int(late)),
    )


async def release(
    conn: aiosqlite.Connection,
    reminder: Reminder,
    retry_at: datetime | None,
    note: str,
    *,
    maybe_posted: bool = False,
) -> bool:
    """Back to pending, to be tried again at ``retry_at`` (or when the server is unpaused).

    When the attempt under way may have posted, it becomes the first such attempt (unless an
    earlier one was); an answer that nothing was posted speaks for that attempt only.
    """
    return await _fenced(
        conn,
        reminder,
        "state = 'pending', claimed_by = NULL, claimed_at = NULL, claim_token = NULL, "
        "lease_until = NULL, retry_at = ?, note = ?, "
        "first_attempt_at = CASE WHEN ? THEN coalesce(first_attempt_at, attempt_started_at) "
        "ELSE first_attempt_at END, attempt_started_at = NULL",
        (iso(retry_at) if retry_at else None, note, int(maybe_posted)),
    )


async def finish(conn: aiosqlite.Connection, reminder: Reminder, state: str, note: str) -> bool:
    """Close a reminder that will not be posted: 'skipped' or 'failed', with why."""
    return await _fenced(
        conn,
        reminder,
        "state = ?, note = ?, claimed_by = NULL, claim_token = NULL, lease_until = NULL",
        (state, note),
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
