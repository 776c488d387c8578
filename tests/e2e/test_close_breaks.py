"""Stopping the bot while it waits to reconnect to Discord. discord.py looks whether it was
closed only after each wait before a new try (up to 17 min), so connect() runs discord.py's
connect in a task that close() cancels.

The first test is that wait. The next two failed on the first version of the fix: discord.py
itself calls close() from inside that task when Discord closes the gateway for good (4004 token
refused, 4010-4013), so close() cancelled the very task it ran in, and connect() took that
cancellation for "close() ended the wait": the fatal error was swallowed. The last two guard
what held when tried: a cancelled caller still gets CancelledError, and SIGTERM during the wait
ends the process at once, quietly.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import discord
import pytest

from fakediscord import FakeDiscord, FakeGuild
from fakediscord.gateway import Op
from tests.e2e.support import make_bot, start_bot_process


def _env(tmp_path: Path, fake: FakeDiscord) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "DEV_GUILD_ID")}
    env.update(
        DATABASE_PATH=str(tmp_path / "bot.sqlite3"),
        DISCORD_TOKEN=fake.token,
        DISCORD_API_BASE=fake.api_base,
    )
    return env


async def _wait_ready(bot, running: asyncio.Task) -> None:
    async with asyncio.timeout(10):
        while not bot.is_ready():
            assert not running.done(), running
            await asyncio.sleep(0.01)


async def _reconnect_wait(caplog, running: asyncio.Task) -> None:
    give_up = time.monotonic() + 10
    while not any("Attempting a reconnect" in r.getMessage() for r in caplog.records):
        assert time.monotonic() < give_up, "the bot never started waiting to reconnect"
        assert not running.done(), running
        await asyncio.sleep(0.02)


async def test_stopping_while_discord_is_unreachable_does_not_wait_out_the_reconnect(
    fake, tmp_path, clock, caplog, monkeypatch
):
    """A bot that has lost Discord waits before each new try, up to 1,024 s. discord.py checks
    whether it was closed only after that wait, so SIGTERM (close()) during it stopped nothing:
    systemd or Docker gave up after their own timeout and killed the bot."""
    monkeypatch.setattr(discord.backoff.ExponentialBackoff, "delay", lambda self: 600.0)
    bot = make_bot(fake, tmp_path / "bot.sqlite3", clock)
    running = asyncio.create_task(bot.start(fake.token))
    try:
        await _wait_ready(bot, running)
        await fake.close()  # Discord is unreachable from now on
        await _reconnect_wait(caplog, running)
        await asyncio.wait_for(bot.close(), timeout=10)
        await asyncio.wait_for(running, timeout=2)
    finally:
        if not running.done():
            running.cancel()
            await bot.close()


async def test_a_token_refused_on_the_gateway_is_not_swallowed(fake, tmp_path, clock):
    """The token is reset in the Developer Portal while the bot runs (Discord does it itself to
    a token it finds published): the next IDENTIFY is closed with 4004. discord.py closes the
    bot and raises ConnectionClosed out of connect(); but it calls close() inside the task
    connect() now waits on, close() cancels that task, and connect() returns as if stopped on
    purpose. The operator gets no error and the process exits 0 (next test). The same happens
    with 4010-4013 and, with reconnect=False, with any lost connection."""
    bot = make_bot(fake, tmp_path / "bot.sqlite3", clock)
    running = asyncio.create_task(bot.start(fake.token))
    try:
        await fake.wait_ready()
        await _wait_ready(bot, running)
        fake.token = "reset-in-the-developer-portal"
        await fake.gateway.send_op(Op.INVALID_SESSION, False)  # a fresh IDENTIFY: 4004
        with pytest.raises(discord.ConnectionClosed) as raised:
            await asyncio.wait_for(running, timeout=10)
        assert raised.value.code == 4004
    finally:
        if not running.done():
            running.cancel()
        await bot.close()


@pytest.mark.slow
async def test_a_token_reset_while_running_does_not_exit_0_in_silence(tmp_path: Path):
    """As a process: the token is reset while the bot runs. The bot stops, logs nothing after
    'session has been invalidated' and exits with status 0, so systemd's or Docker's
    restart-on-failure leaves it down and nobody is told why. It should exit 1 with 'WebSocket
    closed with 4004' in the log, as it did before close() cancelled connect()'s task."""
    log_file = tmp_path / "bot.log"
    async with FakeDiscord(guilds=[FakeGuild(name="Ops", id=42)]) as fake:
        with log_file.open("wb") as log_out:
            process = await start_bot_process(_env(tmp_path, fake), log_out)
            try:
                await fake.wait_ready(timeout=30)
                fake.token = "reset-in-the-developer-portal"
                await fake.gateway.send_op(Op.INVALID_SESSION, False)
                await asyncio.wait_for(process.wait(), timeout=20)  # 5 s before an IDENTIFY
            finally:
                if process.returncode is None:
                    process.kill()
                    await process.wait()
    log = log_file.read_text(encoding="utf-8", errors="replace")
    assert process.returncode != 0, log
    assert "4004" in log, log


async def test_a_caller_cancelled_as_close_ends_the_wait_is_still_cancelled(
    fake, tmp_path, clock, caplog, monkeypatch
):
    """Guard (held when tried): the task running the bot is cancelled (a supervisor's timeout,
    asyncio.run shutting down) just as close() ends the reconnect wait, when the bot already
    counts as closed. connect() must not take that for close() ending the wait: swallowing the
    CancelledError would leave the caller running on, as if never cancelled."""
    monkeypatch.setattr(discord.backoff.ExponentialBackoff, "delay", lambda self: 600.0)
    bot = make_bot(fake, tmp_path / "bot.sqlite3", clock)
    running = asyncio.create_task(bot.start(fake.token))
    try:
        await _wait_ready(bot, running)
        await fake.close()  # Discord is unreachable from now on
        await _reconnect_wait(caplog, running)
        http_close = bot.http.close

        async def close_and_cancel_the_caller() -> None:
            await http_close()
            assert bot.is_closed()
            running.cancel()

        monkeypatch.setattr(bot.http, "close", close_and_cancel_the_caller)
        await asyncio.wait_for(bot.close(), timeout=10)
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(running, timeout=2)
    finally:
        if not running.done():
            running.cancel()
        await bot.close()


@pytest.mark.slow
async def test_sigterm_while_waiting_to_reconnect_stops_the_process_at_once(tmp_path: Path):
    """Guard (held when tried, SIGTERM and SIGINT alike): Discord goes away and the bot waits
    600 s before a new try (a sitecustomize forces the wait it reaches after a long outage);
    SIGTERM then ends the process at once (3 s allowed), with status 0 and nothing more in the
    log (discord.py's own 'Attempting a reconnect' traceback comes before). Once, the process
    sat out the whole wait."""
    log_file = tmp_path / "bot.log"
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        "import discord.backoff\ndiscord.backoff.ExponentialBackoff.delay = lambda self: 600.0\n",
        encoding="utf-8",
    )
    fake = FakeDiscord(guilds=[FakeGuild(name="Ops", id=42)])
    await fake.start()
    try:
        with log_file.open("wb") as log_out:
            env = _env(tmp_path, fake)
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
            process = await start_bot_process(env, log_out)
            try:
                await fake.wait_ready(timeout=30)
                await fake.close()  # Discord is unreachable from now on
                give_up = time.monotonic() + 10
                while "Attempting a reconnect" not in log_file.read_text(errors="replace"):
                    assert time.monotonic() < give_up, "the bot never waited to reconnect"
                    await asyncio.sleep(0.02)
                before = len(log_file.read_text(errors="replace"))
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), timeout=3)
            finally:
                if process.returncode is None:
                    process.kill()
                    await process.wait()
    finally:
        await fake.close()
    log = log_file.read_text(encoding="utf-8", errors="replace")
    assert process.returncode == 0, log
    assert "Traceback" not in log[before:], log[before:]
