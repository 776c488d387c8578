"""The scheduler with 10,000 deadlines across 100 channels: lateness, idle CPU, memory.

Posting is a stub that records when each reminder went out, so what is measured is the scheduler
and its database work. The baseline is how late a plain ``asyncio.sleep`` wakes up in this same
process and moment.
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.answers import SEEDS, percentile
from bot.answer.engine import index_for
from bot.knowledge import Knowledge, load_seeds
from bot.reminders.scheduler import ReminderScheduler
from bot.reminders.service import ReminderService
from store import items as items_sql
from store.db import Store
from store.items import admin_deadline

CHANNELS = 100


class StubPoster:
    """Posts nothing; notes how long after it was due each reminder came, counted from the
    scheduler's start for one already due then (the store's setup may outlast its lead)."""

    def __init__(self) -> None:
        self.lateness: list[float] = []
        self.started = datetime.now(UTC)
        self.due_at_start = 0

    async def post(self, reminder, item, settings, *, late):
        if reminder.due_at < self.started:
            self.due_at_start += 1
        since = max(reminder.due_at, self.started)
        self.lateness.append((datetime.now(UTC) - since).total_seconds())
        return len(self.lateness)


async def _sleep_overshoot(samples: int = 200) -> list[float]:
    overshoot = []
    for _ in range(samples):
        start = time.perf_counter()
        await asyncio.sleep(0.005)
        overshoot.append(time.perf_counter() - start - 0.005)
    return overshoot


async def run(
    deadlines: int = 10_000,
    due_now: int = 1_000,
    window: float = 20.0,
    emit: Callable[[str], None] = print,
) -> None:
    """``deadlines`` deadlines with 4 reminders each; ``due_now`` of the reminders fall due
    within the next ``window`` seconds, the rest weeks ahead."""
    start = datetime.now(UTC) + timedelta(seconds=5)
    with tempfile.TemporaryDirectory() as tmp:
        async with Store.open(Path(tmp) / "bench.sqlite3") as store:
            await load_seeds(store, SEEDS)
            setup_clock = start - timedelta(minutes=5)
            service = ReminderService(store, Knowledge(store), clock=lambda: setup_clock)
            for channel in range(CHANNELS):
                await service.set_channel(
                    channel + 1, 0, 10_000 + channel, guild_locale=None, user_locale="en-US"
                )
            made = []
            for n in range(deadlines):
                soon = n < due_now
                due = (
                    start + timedelta(hours=1, seconds=window * n / due_now)
                    if soon
                    else start + timedelta(days=40 + n % 300, minutes=n % 1440)
                )
                guild = n % CHANNELS + 1
                made.append(
                    admin_deadline(
                        f"admin-{guild}-bench{n}", guild, f"Échéance {n}", f"Deadline {n}", due
                    )
                )
            async with store.transaction() as conn:
                await items_sql.upsert_many(
                    conn, [(i, index_for(i)) for i in made], now=setup_clock
                )
            await service.replan_all()
            rows = await store.conn.execute_fetchall(
                "SELECT count(*) FROM reminders WHERE state = 'pending'"
            )
            planned = rows[0][0]

            poster = StubPoster()
            scheduler = ReminderScheduler(store, poster)
            baseline = await _sleep_overshoot()
            poster.started = datetime.now(UTC)
            scheduler.start()
            give_up = start + timedelta(seconds=window + 60)
            while len(poster.lateness) < due_now and datetime.now(UTC) < give_up:  # noqa: ASYNC110
                await asyncio.sleep(0.5)
            # Idle: everything left is weeks away.
            cpu_before, wall_before = time.process_time(), time.perf_counter()
            await asyncio.sleep(5)
            idle_cpu = time.process_time() - cpu_before
            idle_wall = time.perf_counter() - wall_before
            await scheduler.stop()
    late = poster.lateness
    base50 = statistics.median(baseline)
    emit(
        f"reminders: {deadlines:,} deadlines in {CHANNELS} channels, {planned:,} planned, "
        f"{len(late):,} of {due_now:,} due in a {window:.0f} s window posted "
        f"({poster.due_at_start:,} already due when the scheduler started)"
    )
    emit(
        f"lateness after due, or after the start (ms): p50 {statistics.median(late) * 1000:.1f}, "
        f"p99 {percentile(late, 99) * 1000:.1f}, max {max(late) * 1000:.1f}; "
        f"baseline asyncio.sleep overshoot p50 {base50 * 1000:.2f}"
    )
    emit(
        f"idle: {idle_cpu * 1000:.1f} ms CPU over {idle_wall:.1f} s "
        f"({idle_cpu / idle_wall:.2%} of a core)"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    emit(f"peak memory: {rss:.0f} MiB resident")
