"""Shared fixtures: a real SQLite store in a temporary directory, seeded or empty."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest

from bot.answer.engine import AnswerEngine
from bot.knowledge import load_seeds
from store.db import Store
from tests.support import SEEDS, TODAY, Clock


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A private copy of the seed files that a test may break."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
async def store(tmp_path: Path):
    async with Store.open(tmp_path / "test.sqlite3") as opened:
        yield opened


@pytest.fixture
async def seeded(store: Store) -> Store:
    await load_seeds(store, SEEDS)
    return store


@pytest.fixture
async def engine(seeded: Store) -> AnswerEngine:
    return AnswerEngine(seeded, clock=lambda: TODAY)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@contextlib.asynccontextmanager
async def fake_discord(guild):
    """A fake Discord with one guild (the bot under test points discord.py at it itself, through
    its API base, and back when it closes)."""
    from fakediscord import FakeDiscord

    async with FakeDiscord(guilds=[guild], timeout=5.0) as server:
        yield server


@contextlib.asynccontextmanager
async def bot_on(fake, database: Path, clock, dev_guild_id: int):
    """The real bot, started through its start-up path against the fake, ready."""
    from bot.client import SiliconBridge
    from bot.config import Settings
    from fakediscord import running_bot

    class QuickBot(SiliconBridge):
        async def before_identify_hook(self, shard_id, *, initial=False) -> None:
            """No pause before a repeated IDENTIFY: the fake does not rate-limit."""

    settings = Settings(
        token=fake.token,
        database=database,
        seeds_dir=SEEDS,
        api_base=fake.api_base,
        dev_guild_id=dev_guild_id,
    )
    client = QuickBot(settings, clock=clock, guild_ready_timeout=0.05)
    async with running_bot(client, fake):
        yield client
