"""Reminders survive SIGKILL: the bot killed at random points around sends, 12 times, then let run.

Every reminder must appear in the channel exactly once: none lost, none doubled.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.engine import index_for
from bot.knowledge import Knowledge, load_seeds
from bot.reminders.service import ReminderService
from fakediscord import FakeChannel, FakeDiscord, FakeGuild
from store import items as items_sql
from store import reminders as reminders_sql
from store.db import Store
from store.items import admin_deadline
from tests.e2e.support import start_bot_process
from tests.support import SEEDS

pytestmark = pytest.mark.slow

GUILD = 1_500_000_000_000_000_001
CHANNEL = 1_500_000_000_000_000_002
REMINDERS = 16
CYCLES = 12
SPACING = 0.8  # seconds between two reminders: kills land among sends


async def prepare(path: Path, start: datetime) -> None:
    """A server with reminders on, 1 hour before each of REMINDERS deadlines a second apart."""
    async with Store.open(path) as store:
        await load_seeds(store, SEEDS)
        service = ReminderService(
            store, Knowledge(store), clock=lambda: start - timedelta(minutes=1)
        )
        await service.set_channel(GUILD, 1, CHANNEL, guild_locale=None, user_locale="en-US")
        await service.set_offsets(GUILD, 1, "1h")
        async with store.transaction() as conn:
            for n in range(REMINDERS):
                item = admin_deadline(
                    f"admin-{GUILD}-crash{n}",
                    GUILD,
                    f"Échéance {n}",
                    f"Deadline {n}",
                    start + timedelta(hours=1, seconds=3 + n * SPACING),
                )
                await items_sql.upsert(
                    conn, item, index_for(item), now=start - timedelta(minutes=1)
                )
        await service.replan_all()


def bot_env(fake: FakeDiscord, database: Path) -> dict[str, str]:
    """The environment of a bot process pointed at the fake and the test database."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEV_GUILD_ID",)}
    env.update(
        DISCORD_TOKEN=fake.token,
        DISCORD_API_BASE=fake.api_base,
        DATABASE_PATH=str(database),
        LOG_LEVEL="INFO",
    )
    return env


async def settled(database: Path, deadline: datetime) -> list:
    """The reminders once none is left to send (or at ``deadline``)."""
    while True:
        async with Store.open(database) as store:
            rows = await reminders_sql.of_guild(store.conn, GUILD)
        done = rows and all(r.state in ("sent", "skipped", "failed") for r in rows)
        if done or datetime.now(UTC) >= deadline:
            return rows
        await asyncio.sleep(0.5)


async def sending(fake: FakeDiscord) -> None:
    """Wait until a new bot process posts (at most 3 s once it has logged in), so that its
    start-up, slow on a busy machine, is no part of the random time before the kill."""
    logins = len(fake.requests_to("GET", r"/users/@me$"))
    posts = len(fake.requests_to("POST", rf"/channels/{CHANNEL}/messages$"))
    await fake.signal.wait_until(
        lambda: len(fake.requests_to("GET", r"/users/@me$")) > logins,
        timeout=60,
        what="the bot process to log in",
    )
    with contextlib.suppress(AssertionError):  # nothing left to post: kill it all the same
        await fake.signal.wait_until(
            lambda: len(fake.requests_to("POST", rf"/channels/{CHANNEL}/messages$")) > posts,
            timeout=3,
            what="the bot process to post",
        )


async def test_no_reminder_lost_or_doubled_across_kills(tmp_path):
    rng = random.Random(1123)
    database = tmp_path / "crash.sqlite3"
    start = datetime.now(UTC)
    await prepare(database, start)
    guild = FakeGuild(name="Crash", id=GUILD, channels=[FakeChannel("alerts", id=CHANNEL)])
    async with FakeDiscord(guilds=[guild], timeout=20.0) as fake:
        # Discord creates each message at once but answers late: a kill then lands between the
        # post and the bot learning its id, the window where a naive bot would post twice.
        fake.slow("POST", rf"/channels/{CHANNEL}/messages$", 0.4)
        env = bot_env(fake, database)
        with (tmp_path / "bot.log").open("ab") as log:
            for _ in range(CYCLES):
                process = await start_bot_process(env, log)
                await sending(fake)
                await asyncio.sleep(rng.uniform(0.0, 1.0))
                process.send_signal(signal.SIGKILL)
                await process.wait()
            process = await start_bot_process(env, log)
            try:
                rows = await settled(database, datetime.now(UTC) + timedelta(seconds=45))
            finally:
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), timeout=20)
        posts = [r.body for r in fake.requests_to("POST", rf"/channels/{CHANNEL}/messages$")]
        messages = fake.channel_messages(CHANNEL)
    assert len(rows) == REMINDERS
    assert {r.state for r in rows} == {"sent"}, [(r.id, r.state, r.note) for r in rows]
    nonces = [m["nonce"] for m in messages]
    assert sorted(nonces) == sorted(r.nonce for r in rows)  # each exactly once
    assert {int(m["id"]) for m in messages} == {r.message_id for r in rows}
    assert len(posts) > REMINDERS  # some were sent again after a kill: the nonce held
    log = (tmp_path / "bot.log").read_text(encoding="utf-8", errors="replace")
    assert "sending again with the same nonce" in log


@pytest.mark.slow
async def test_two_processes_on_one_database_with_kills_and_rate_limits_post_each_once(tmp_path):
    """Two bots share a database; either is killed at random, posts are slow and now and
    then rate-limited. Every reminder still appears exactly once."""
    rng = random.Random(2026)
    database = tmp_path / "two.sqlite3"
    start = datetime.now(UTC)
    await prepare(database, start)
    guild = FakeGuild(name="Two", id=GUILD, channels=[FakeChannel("alerts", id=CHANNEL)])
    posts_path = rf"/channels/{CHANNEL}/messages$"
    async with FakeDiscord(guilds=[guild], timeout=20.0, nonce_window=240.0) as fake:
        fake.slow("POST", posts_path, 0.4)
        env = bot_env(fake, database)
        running: dict[str, asyncio.subprocess.Process] = {}
        with (tmp_path / "bot.log").open("ab") as log:
            try:
                for _ in range(8):
                    for name in ("a", "b"):
                        if name not in running:
                            running[name] = await start_bot_process(env, log)
                    if rng.random() < 0.4:
                        fake.inject(
                            "POST", posts_path, 429, times=rng.randint(1, 3), retry_after=0.3
                        )
                    await asyncio.sleep(rng.uniform(0.3, 1.5))
                    doomed = rng.choice([["a"], ["b"], ["a", "b"]])
                    for name in doomed:
                        running[name].send_signal(signal.SIGKILL)
                        await running.pop(name).wait()
                for name in ("a", "b"):
                    if name not in running:  # the one spared by the last round runs on
                        running[name] = await start_bot_process(env, log)
                rows = await settled(
                    database, start + timedelta(seconds=3 + REMINDERS * SPACING + 45)
                )
            finally:
                for process in running.values():
                    process.send_signal(signal.SIGTERM)
                for process in running.values():
                    await asyncio.wait_for(process.wait(), timeout=20)
        messages = fake.channel_messages(CHANNEL)
    assert len(rows) == REMINDERS
    assert {r.state for r in rows} == {"sent"}, [(r.id, r.state, r.note) for r in rows]
    nonces = [m["nonce"] for m in messages]
    assert sorted(nonces) == sorted(r.nonce for r in rows)  # each exactly once
    assert {int(m["id"]) for m in messages} == {r.message_id for r in rows}
