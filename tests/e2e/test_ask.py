"""/ask through the fake Discord: what a user in a server, or in a direct message, would see."""

from __future__ import annotations

import asyncio
import logging

from fakediscord import running_bot
from store import answer_links
from store.db import Store
from tests.e2e.support import (
    CHANNEL,
    GUILD,
    ask,
    assert_no_mentions,
    embed_text,
    is_ephemeral,
    make_bot,
)


async def test_ask_in_english(bot, fake):
    response = await ask(fake, "when does the France–Taiwan call close?")
    text = embed_text(response)
    assert "15 May 2025" in text
    assert "passed" in text
    assert "Innovationsfr" in text
    assert "<t:1747346399:F>" in text  # 15 May 2025, 23:59:59 in Paris
    assert not is_ephemeral(response)
    assert_no_mentions(response)


async def test_ask_in_french_with_did_you_mean_buttons_that_answer(bot, fake):
    response = await ask(fake, "combien Taïwan investit aux États-Unis ?", locale="fr")
    assert "250 milliards de dollars" in embed_text(response)
    buttons = [c for row in response["data"]["components"] for c in row["components"]]
    assert buttons and all(b["custom_id"].startswith("show:") for b in buttons)
    clicked = await fake.click(buttons[0]["custom_id"], message=response["message"], locale="fr")
    assert is_ephemeral(clicked)
    assert "Source" in embed_text(clicked)


async def test_out_of_scope_question_says_i_dont_know(bot, fake):
    response = await ask(fake, "what's the weather in Paris tomorrow?")
    assert "I don't know" in embed_text(response)
    response = await ask(fake, "quel temps fera-t-il demain à Lyon ?", locale="fr")
    assert "Je ne sais pas" in embed_text(response)


async def test_bad_input_gets_a_polite_message_and_pings_nobody(bot, fake):
    for question, expected in [
        ("x" * 6000, "too long"),
        ("   ", "type something"),
    ]:
        response = await ask(fake, question)
        assert is_ephemeral(response)
        assert expected in response["data"]["content"]
        assert_no_mentions(response)
    for question in [
        "@everyone <@&1> deadline",
        "'; DROP TABLE items; --",
        "🚀🔥💥",
        "NEAR(a b) *",
    ]:
        response = await ask(fake, question)
        assert response["data"]["embeds"], question
        assert_no_mentions(response)
    assert "15 May 2025" in embed_text(await ask(fake, "deadline AMI"))


async def test_ask_autocomplete(bot, fake):
    body = await fake.autocomplete("ask", {"question": "dead"}, guild_id=GUILD, locale="en-US")
    choices = body["data"]["choices"]
    assert 1 <= len(choices) <= 25
    assert any("deadline" in c["name"].lower() for c in choices)
    assert all(len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)
    empty = await fake.autocomplete("partnership", {"name": ""}, guild_id=GUILD, locale="fr")
    assert {c["value"] for c in empty["data"]["choices"]} >= {"fr-tw-ami", "us-tw-eppd"}
    long = await fake.autocomplete("figure", {"query": "z" * 6000}, guild_id=GUILD)
    assert long["data"]["choices"] == [] or len(long["data"]["choices"]) <= 25


async def test_a_direct_message_works(bot, fake):
    response = await fake.slash("ask", {"question": "who led the US–Taiwan talks?"}, dm=True)
    assert "Helberg" in embed_text(response)


async def test_unexpected_error_leaks_nothing(bot, fake, monkeypatch):
    async def broken(*args, **kwargs):
        raise RuntimeError("SELECT secret FROM /srv/token.txt")

    monkeypatch.setattr(bot.knowledge, "ask", broken)
    response = await ask(fake, "deadline", locale="fr")
    assert is_ephemeral(response)
    assert "Désolé" in response["data"]["content"]
    assert "SELECT" not in response["data"]["content"]
    assert "/srv" not in response["data"]["content"]


async def test_an_answer_sent_as_the_bot_stops_is_still_remembered(fake, tmp_path, clock, caplog):
    """The bot is told to stop while /ask is keeping its answer: it finishes before the store
    closes, so replies to that answer stay follow-ups after the restart, and nothing fails."""
    database = tmp_path / "bot.sqlite3"
    bot = make_bot(fake, database, clock)
    async with running_bot(bot, fake):
        keep = bot.conversations.remember

        async def slow_remember(*args, **kwargs):
            await asyncio.sleep(0.3)  # a slow disk, just as the bot is stopped
            await keep(*args, **kwargs)

        bot.conversations.remember = slow_remember
        response = await fake.slash(
            "ask", {"question": "c'est quoi l'AMI ?"}, guild_id=GUILD, channel_id=CHANNEL, settle=0
        )
    async with Store.open(database) as store:
        link = await answer_links.by_answer(store.conn, int(response["message"]["id"]))
    assert link is not None
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
