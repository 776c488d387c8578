"""Fixtures of the end-to-end tests: the fake Discord and the real bot started against it."""

from __future__ import annotations

import pytest

from bot.answer import memory, model, normalize
from fakediscord import FakeDiscord, running_bot
from tests.e2e.support import make_bot, make_guild
from tests.support import SchedulerPasses


@pytest.fixture(autouse=True)
def answer_data_read():
    """The word lists, shipped examples and model read before any bot starts (cached: once per
    process). Read cold by the bot's warm-up, they take 3 to 5 s of the fake's 5 s limit."""
    normalize.common_words()
    memory.load()
    model.load()


@pytest.fixture
async def fake():
    async with FakeDiscord(guilds=[make_guild()], timeout=5.0) as server:
        yield server


@pytest.fixture
async def bot(fake, tmp_path, clock):
    """The real bot, started through its start-up path against the fake, ready."""
    async with running_bot(make_bot(fake, tmp_path / "bot.sqlite3", clock), fake) as client:
        yield client


@pytest.fixture
def passes(bot) -> SchedulerPasses:
    """The running bot's scheduler passes: ``await passes.wake()`` instead of a sleep."""
    return SchedulerPasses(bot.scheduler)
