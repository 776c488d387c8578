"""The bot as a process: how it starts without a token, and how it stops on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import pty
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fakediscord import FakeDiscord, FakeGuild
from tests.e2e.support import start_bot_process
from tests.support import PROJECT

pytestmark = pytest.mark.slow


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "DEV_GUILD_ID")}
    env.update(DATABASE_PATH=str(tmp_path / "bot.sqlite3"), **extra)
    return env


def test_without_token_and_without_a_terminal_it_exits_2(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=PROJECT,
        env=_env(tmp_path),
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert "DISCORD_TOKEN is not set" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_without_token_on_a_terminal_it_opens_the_console(tmp_path):
    pid, fd = pty.fork()
    if pid == 0:  # the child: the bot on a terminal
        os.chdir(PROJECT)
        os.execve(sys.executable, [sys.executable, "-m", "bot"], _env(tmp_path))
    output = b""
    try:
        os.write(fd, b"/ask deadline AMI\n/quit\n")
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
    finally:
        _, status = os.waitpid(pid, 0)
    text = output.decode("utf-8", "replace")
    assert "opening the local console" in text
    assert "15 May 2025" in text
    assert os.waitstatus_to_exitcode(status) == 0


def test_console_reads_commands_from_a_pipe(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=PROJECT,
        env=_env(tmp_path),
        input="/question quand ferme l'AMI ?\n/echeance\n/chiffre 450 millions\n/bogus\n",
    )
    assert result.returncode == 0, result.stderr
    assert "15 mai 2025" in result.stdout
    assert "Échéances" in result.stdout
    assert "450 millions de consommateurs" in result.stdout
    assert "Unknown command /bogus" in result.stdout


async def test_sigterm_closes_cleanly_and_the_token_never_reaches_the_log(tmp_path):
    log_file = tmp_path / "bot.log"
    async with FakeDiscord(guilds=[FakeGuild(name="Ops", id=42)]) as fake:
        with log_file.open("wb") as log_out:
            api = {"DISCORD_TOKEN": fake.token, "DISCORD_API_BASE": fake.api_base}
            env = _env(tmp_path, **api, LOG_LEVEL="DEBUG")
            process = await start_bot_process(env, log_out)
            try:
                await fake.wait_ready(timeout=30)
                response = await fake.slash("ask", {"question": "pax silica"}, guild_id=42)
                assert response["data"]["embeds"]
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), timeout=30)
            finally:
                if process.returncode is None:
                    process.kill()
                    await process.wait()
    log = log_file.read_text(encoding="utf-8", errors="replace")
    assert process.returncode == 0, log
    assert fake.token not in log
    with sqlite3.connect(tmp_path / "bot.sqlite3") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
