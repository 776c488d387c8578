"""Fixtures of the fake's own tests: the fake with discord.py pointed at it, and a ready bot."""

from __future__ import annotations

import asyncio

import pytest

from fakediscord import FakeDiscord, running_bot
from tests.fakediscord.sample_bot import make_bot, make_guild, talking_to


@pytest.fixture
async def fake():
    async with FakeDiscord(guilds=[make_guild()], timeout=3.0) as server:
        with talking_to(server):
            yield server
    leftovers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    assert leftovers == [], f"tasks still running after the bot and the fake closed: {leftovers}"


@pytest.fixture
async def bot(fake: FakeDiscord):
    client = make_bot()
    async with running_bot(client, fake):
        yield client
