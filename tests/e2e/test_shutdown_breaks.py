"""Ways stopping the bot breaks, each found by trying: what comes in while it waits for the
commands under way, a form submitted as it stops, and SIGTERM before it has connected.

Every test here failed on the code it was written against; each says what a user or an operator
saw. The fixes: close() waits for what starts during its wait too (STOP_WAIT in all); the
deadline form and the Details buttons register as under way; a signal during start-up ends the
process quietly.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from pathlib import Path

import pytest

from fakediscord import FakeDiscord, FakeGuild, running_bot
from store import answer_links
from store import items as items_sql
from store.db import Store
from tests.e2e.support import CHANNEL, GUILD, admin, make_bot, start_bot_process


def errors(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_command_that_comes_while_the_bot_waits_to_stop_is_not_cut_off(
    fake, tmp_path, clock, caplog
):
    """close() waits up to STOP_WAIT for the commands under way *before* it disconnects, so the
    bot still takes new commands meanwhile; but it waits only for those it listed when it began.
    A /ask that comes during that wait is answered, then the store closes under it: its answer
    link is lost (a reply to that answer is no follow-up after the restart) and 'ask failed …
    no active connection' is logged, the very failure the wait was added for."""
    database = tmp_path / "bot.sqlite3"
    bot = make_bot(fake, database, clock)
    async with running_bot(bot, fake):
        keep = bot.conversations.remember

        async def slow_remember(*args, **kwargs):
            await asyncio.sleep(0.4)  # a slow disk, as in test_ask.py
            await keep(*args, **kwargs)

        bot.conversations.remember = slow_remember
        first = await fake.slash(
            "ask", {"question": "c'est quoi l'AMI ?"}, guild_id=GUILD, channel_id=CHANNEL, settle=0
        )
        closing = asyncio.create_task(bot.close())
        await asyncio.sleep(0.1)  # close() is waiting for the first /ask
        try:
            second = await fake.slash(
                "ask",
                {"question": "what is the EPPD?"},
                guild_id=GUILD,
                channel_id=CHANNEL,
                settle=0,
                timeout=1.5,
            )
        except AssertionError:
            second = None  # the bot took no new command while stopping: fine
        await closing
    async with Store.open(database) as store:
        answered = [first] + ([second] if second is not None else [])
        links = [
            await answer_links.by_answer(store.conn, int(r["message"]["id"])) for r in answered
        ]
    assert all(link is not None for link in links), links
    assert not errors(caplog)


async def test_a_deadline_form_submitted_as_the_bot_stops_is_saved(fake, tmp_path, clock, caplog):
    """Only app commands register with finish_before_closing() (the tree's interaction_check)
    and the messages cog's listeners; a modal submission is dispatched by discord.py's view
    store in a task of its own, which close() does not wait for. An admin who submits the
    deadline form as the bot stops (a deploy, a restart) loses the deadline: http and the store
    are closed under the form ('no active connection', then 'Session is closed'), nothing is
    saved, and the admin never gets an answer (Discord: "This interaction failed")."""
    database = tmp_path / "bot.sqlite3"
    bot = make_bot(fake, database, clock)
    async with running_bot(bot, fake):
        opened = await admin(fake, "deadline add")
        service = bot.reminders
        add = service.add_deadline
        reached = asyncio.Event()

        async def slow_add(*args, **kwargs):
            reached.set()
            await asyncio.sleep(0.3)  # the partnership looked up, a slow disk
            return await add(*args, **kwargs)

        service.add_deadline = slow_add
        submitting = asyncio.create_task(
            fake.submit_modal(
                opened["data"]["custom_id"],
                {
                    "deadline-form:title_fr": "Dossier consortium",
                    "deadline-form:title_en": "Consortium paperwork",
                    "deadline-form:when": "2026-12-15 17:00",
                    "deadline-form:timezone": "Europe/Paris",
                    "deadline-form:link": "fr-tw-ami",
                },
                timeout=1.5,
            )
        )
        await asyncio.wait_for(reached.wait(), 3)
        await bot.close()
    (response,) = await asyncio.gather(submitting, return_exceptions=True)
    async with Store.open(database) as store:
        ids = await items_sql.list_ids(store.conn, kind="deadline", guild_id=GUILD)
        saved = await items_sql.get_many(store.conn, ids)
    assert [i.title_en for i in saved.values() if i.guild_id == GUILD] == ["Consortium paperwork"]
    assert isinstance(response, dict), response  # the admin was told
    assert not errors(caplog)


@pytest.mark.slow
async def test_sigterm_while_logging_in_exits_quietly(tmp_path: Path):
    """SIGTERM before the bot has connected (systemd or Docker stopping it during a slow
    start): the signal handler's close() closes discord.py's HTTP session (and the store) under
    login() / setup_hook(), which then raise out of _run: the process prints a traceback
    ('ClientConnectionError: Connector is closed.') and exits with status 1, so the service is
    marked failed. The same with the signal during the development server's command sync or the
    gateway lookup. (It did before _run split start() into login() and connect() too.)"""
    log_file = tmp_path / "bot.log"
    async with FakeDiscord(guilds=[FakeGuild(name="Ops", id=42)]) as fake:
        fake.slow("GET", r"/users/@me$", 3.0)  # Discord slow to answer the login
        env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "DEV_GUILD_ID")}
        env.update(
            DATABASE_PATH=str(tmp_path / "bot.sqlite3"),
            DISCORD_TOKEN=fake.token,
            DISCORD_API_BASE=fake.api_base,
        )
        with log_file.open("wb") as log_out:
            process = await start_bot_process(env, log_out)
            try:
                give_up = time.monotonic() + 20
                while not fake.requests_to("GET", r"/users/@me$"):
                    assert time.monotonic() < give_up, "the bot never tried to log in"
                    await asyncio.sleep(0.02)
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), timeout=10)
            finally:
                if process.returncode is None:
                    process.kill()
                    await process.wait()
    log = log_file.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log, log
    assert process.returncode == 0, log
