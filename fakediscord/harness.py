"""Glue between discord.py and the fake: redirect the library, run a bot until it is ready.

discord.py takes its REST base from the class attribute ``discord.http.Route.BASE`` (read
when each ``Route`` is built, and also used by interaction webhooks), but a plain
``Client`` never asks ``GET /gateway/bot`` where the gateway is: it connects to
``DiscordWebSocket.DEFAULT_GATEWAY`` (``wss://gateway.discord.gg/``), then to the READY's
``resume_gateway_url`` when resuming. Both class attributes must therefore point at the fake.
"""

# Waits take an explicit ``timeout`` so that a broken test fails fast with a clear message.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from .server import FakeDiscord


@contextlib.contextmanager
def redirect_discord_py(fake: FakeDiscord) -> Iterator[None]:
    """Point ``Route.BASE`` and the default gateway at ``fake``; restore them afterwards."""
    old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = fake.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        yield
    finally:
        Route.BASE = old_base
        DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


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
