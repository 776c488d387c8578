"""Waiting on the fake: every wait ends, with a message that says what it waited for, and
``quiet`` waits until the bot has stopped calling the REST API."""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest
from discord.ext import commands

from fakediscord import FakeDiscord
from tests.fakediscord.sample_bot import CHANNEL_ID, CHANNEL_PATH


async def test_waits_fail_fast_with_a_clear_message(fake: FakeDiscord, bot: commands.Bot):
    with pytest.raises(AssertionError, match=r"answer /nope"):
        await fake.slash("nope", timeout=0.2)
    with pytest.raises(AssertionError, match="no message from the bot"):
        await fake.click("missing")


@contextlib.asynccontextmanager
async def posting(bot: commands.Bot, count: int | None, every: float):
    """The bot posts ``count`` messages (None: until stopped), one every ``every`` seconds."""

    async def post() -> None:
        channel = bot.get_channel(CHANNEL_ID)
        n = 0
        while count is None or n < count:
            n += 1
            await channel.send(f"message {n}")
            await asyncio.sleep(every)

    task = asyncio.create_task(post())
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_quiet_lasts_at_least_its_period_even_when_nothing_happens(fake, bot):
    start = time.monotonic()
    await fake.quiet(for_=0.2)
    assert time.monotonic() - start >= 0.2
    with pytest.raises(ValueError, match="timeout"):
        await fake.quiet(for_=1, timeout=0.5)


async def test_quiet_waits_until_a_burst_of_requests_is_over(fake, bot):
    async with posting(bot, count=10, every=0.05) as task:  # longer than the quiet period
        await fake.quiet(for_=0.3)
        assert task.done()
        assert [m["content"] for m in fake.channel_messages(CHANNEL_ID)] == [
            f"message {n}" for n in range(1, 11)
        ]


async def test_a_request_answered_late_keeps_the_fake_busy(fake, bot):
    fake.slow("POST", CHANNEL_PATH, 0.5)
    send = asyncio.create_task(bot.get_channel(CHANNEL_ID).send("late"))
    await fake.wait_for_message(CHANNEL_ID)  # created at once, answered 0.5 s later
    start = time.monotonic()
    await fake.quiet(for_=0.1)
    assert time.monotonic() - start >= 0.4
    assert send.done() and send.result().content == "late"


async def test_quiet_fails_when_the_bot_never_stops(fake, bot):
    async with posting(bot, count=None, every=0.05):
        with pytest.raises(AssertionError, match=r"not quiet for 0.2s within 0.6s.*POST /channels"):
            await fake.quiet(for_=0.2, timeout=0.6)
