"""Re-planning reminders: one deadline written beside 10,000 others, and a start-up of 100 servers.

Each figure is printed beside the same operation on a small store, run in this same process, so
the ratio says how the work grows with the number of deadlines whatever the machine's load.
"""

from __future__ import annotations

import contextlib
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.answers import SEEDS, percentile
from bot.answer.engine import index_for
from bot.knowledge import Knowledge, load_seeds
from bot.reminders.service import DeadlineForm, ReminderService
from store import items as items_sql
from store.db import Store
from store.items import Item, admin_deadline

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
GUILD = 1


def _deadlines(guild: int, count: int, tag: str) -> list[Item]:
    return [
        admin_deadline(
            f"admin-{guild}-{tag}{n}",
            guild,
            f"Échéance {n}",
            f"Deadline {n}",
            NOW + timedelta(days=40 + n % 300, minutes=n % 1440),
        )
        for n in range(count)
    ]


async def _store_with(
    stack: contextlib.AsyncExitStack, path: Path, servers: int, per_server: int
) -> tuple[Store, ReminderService]:
    store = await stack.enter_async_context(Store.open(path))
    await load_seeds(store, SEEDS)
    service = ReminderService(store, Knowledge(store, clock=lambda: NOW), clock=lambda: NOW)
    for guild in range(1, servers + 1):
        await service.set_channel(guild, 0, 10_000 + guild, guild_locale=None, user_locale="en")
    made = [i for g in range(1, servers + 1) for i in _deadlines(g, per_server, "bench")]
    for start in range(0, len(made), 5000):
        async with store.transaction() as conn:
            chunk = made[start : start + 5000]
            await items_sql.upsert_many(conn, [(i, index_for(i)) for i in chunk], now=NOW)
    return store, service


async def _one_deadline(service: ReminderService, rounds: int) -> dict[str, list[float]]:
    """Milliseconds to add, edit and remove one deadline, ``rounds`` times each."""
    timings: dict[str, list[float]] = {"add": [], "edit": [], "remove": []}
    for n in range(rounds):
        form = DeadlineForm(f"Dépôt {n}", f"Filing {n}", f"2027-0{1 + n % 9}-15 17:00", "UTC")
        start = time.perf_counter()
        item = await service.add_deadline(GUILD, 0, form)
        timings["add"].append((time.perf_counter() - start) * 1000)
        moved = DeadlineForm(form.title_fr, form.title_en, "2027-10-01 09:00", "UTC")
        start = time.perf_counter()
        await service.edit_deadline(GUILD, 0, item.id, moved)
        timings["edit"].append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        await service.remove_deadline(GUILD, 0, item.id)
        timings["remove"].append((time.perf_counter() - start) * 1000)
    return timings


async def run(
    deadlines: int = 10_000, servers: int = 100, emit: Callable[[str], None] = print
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with contextlib.AsyncExitStack() as stack:
            _, small_service = await _store_with(stack, Path(tmp) / "small.sqlite3", 1, 10)
            big, big_service = await _store_with(stack, Path(tmp) / "big.sqlite3", 1, deadlines)
            await big_service.replan_all()
            await small_service.replan_all()
            rows = await big.conn.execute_fetchall("SELECT count(*) FROM reminders")
            base = await _one_deadline(small_service, 20)
            ours = await _one_deadline(big_service, 20)
        emit(
            f"re-plan one deadline (ms) in a server with {deadlines:,} deadlines "
            f"({rows[0][0]:,} reminders), beside one with 10"
        )
        for action in ("add", "edit", "remove"):
            p50, p99 = statistics.median(ours[action]), percentile(ours[action], 99)
            b50 = statistics.median(base[action])
            emit(
                f"  {action:<7} p50 {p50:6.1f}   max {p99:6.1f}   "
                f"(10 deadlines: p50 {b50:5.1f}; ratio {p50 / b50:4.1f}x)"
            )
        async with contextlib.AsyncExitStack() as stack:
            each = deadlines // servers
            _, one_service = await _store_with(stack, Path(tmp) / "one.sqlite3", 1, each)
            _, many_service = await _store_with(stack, Path(tmp) / "many.sqlite3", servers, each)
            start = time.perf_counter()
            await one_service.replan_all()
            single = time.perf_counter() - start
            start = time.perf_counter()
            await many_service.replan_all()
            everyone = time.perf_counter() - start
        emit(
            f"start-up re-plan of {servers} servers ({deadlines // servers} deadlines each): "
            f"{everyone:.2f} s (one server: {single * 1000:.0f} ms; {everyone / single:.0f}x)"
        )
