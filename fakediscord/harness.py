"""Glue between discord.py and the fake: run a client until it is ready, close it cleanly.

Pointing discord.py at the fake is not done here: the bot does it itself when its settings carry
an API base (``bot.discord_api.pointed_at``, restored when the bot closes), and a plain
``discord.Client`` in a test uses the same ``pointed_at(fake.api_base)`` with
``use_gateway(fake.gateway_url)``: a plain client never asks ``GET /gateway/bot`` where the
gateway is.
"""

# Waits take an explicit ``timeout`` so that a broken test fails fast with a clear message.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import discord

from .server import FakeDiscord


@contextlib.asynccontextmanager
async def running_bot(
    client: discord.Client, fake: FakeDiscord, *, timeout: float | None = None
) -> AsyncIterator[discord.Client]:
    """Start ``client`` against ``fake``, wait for ``on_ready``, close it cleanly on exit.

    A start-up failure (bad token, crash in ``setup_hook``...) is re-raised at once. The
    client's ``guild_ready_timeout`` (2 s by default) delays ``on_ready``: tests build
    clients with a small one.
    """
    timeout = timeout or fake.timeout
    task = asyncio.create_task(client.start(fake.token), name="fakediscord-bot")
    try:
        async with asyncio.timeout(timeout):
            while not client.is_ready():
                if task.done():
                    task.result()
                    raise AssertionError("fakediscord: the bot stopped before it was ready")
                await asyncio.sleep(0.01)
    except TimeoutError:
        await _stop(client, task)
        raise AssertionError(f"fakediscord: the bot was not ready after {timeout:g}s") from None
    except BaseException:
        await _stop(client, task)
        raise
    try:
        yield client
    finally:
        await _stop(client, task)


async def _stop(client: discord.Client, task: asyncio.Task[None]) -> None:
    await client.close()
    try:
        await asyncio.wait_for(task, timeout=5)
    except (TimeoutError, asyncio.CancelledError):
        task.cancel()
    except Exception:
        pass
