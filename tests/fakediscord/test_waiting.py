"""Waiting on the fake: every wait ends, with a message that says what it waited for."""

from __future__ import annotations

import pytest
from discord.ext import commands

from fakediscord import FakeDiscord


async def test_waits_fail_fast_with_a_clear_message(fake: FakeDiscord, bot: commands.Bot):
    with pytest.raises(AssertionError, match=r"answer /nope"):
        await fake.slash("nope", timeout=0.2)
    with pytest.raises(AssertionError, match="no message from the bot"):
        await fake.click("missing")
