"""End to end through the local fake Discord: what a user in a server would see."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from fakediscord import FakeChannel, FakeGuild, FakeUser, Perm
from tests.conftest import bot_on, fake_discord
from tests.support import SEEDS, TODAY

GUILD = 1_200_000_000_000_000_001
CHANNEL = 1_200_000_000_000_000_002
EPHEMERAL = 1 << 6
NAME_RULE = re.compile(r"^[-_\w]{1,32}$")


@pytest.fixture
async def fake():
    guild = FakeGuild(
        name="Silicon Test",
        id=GUILD,
        channels=[FakeChannel("general", id=CHANNEL)],
        preferred_locale="fr",
    )
    async with fake_discord(guild) as server:
        yield server


@pytest.fixture
async def bot(fake, tmp_path):
    async with bot_on(fake, tmp_path / "bot.sqlite3", lambda: TODAY, GUILD) as client:
        yield client


def embed_text(response: dict) -> str:
    """Everything a user reads in the response's embeds."""
    parts = []
    for embed in response["data"].get("embeds", []):
        parts += [embed.get("title", ""), embed.get("description", "")]
        for field in embed.get("fields", []):
            parts += [field["name"], field["value"]]
        parts.append(embed.get("footer", {}).get("text", ""))
    return "\n".join(parts)


def is_ephemeral(response: dict) -> bool:
    return bool(response["data"].get("flags", 0) & EPHEMERAL)


def assert_no_mentions(response: dict) -> None:
    assert response["data"].get("allowed_mentions") == {"parse": []}


async def ask(fake, question, locale="en-US", **kwargs):
    return await fake.slash(
        "ask", {"question": question}, guild_id=GUILD, channel_id=CHANNEL, locale=locale, **kwargs
    )


async def test_the_bot_starts_through_the_api_base_and_syncs_to_the_dev_server(bot, fake):
    assert bot.is_ready()
    assert fake.api_base == Route.BASE
    commands = fake.command_payloads[GUILD]
    names = {c["name"] for c in commands}
    assert {"ask", "partnership", "deadline", "figure", "source", "help", "about"} <= names
    for command in commands:
        for payload in [command, *command.get("options", [])]:
            assert NAME_RULE.match(payload["name"]) and payload["name"] == payload["name"].lower()
            assert 1 <= len(payload["description"]) <= 100
            for name in (payload.get("name_localizations") or {}).values():
                assert NAME_RULE.match(name), name
            for text in (payload.get("description_localizations") or {}).values():
                assert len(text) <= 100
    ask_command = next(c for c in commands if c["name"] == "ask")
    assert ask_command["name_localizations"]["fr"] == "question"


async def test_discord_py_points_at_discord_again_once_the_bot_closed(fake, tmp_path):
    assert yarl.URL(Route.BASE).host == "discord.com"  # no earlier test left it pointed away
    discord_endpoints = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    async with bot_on(fake, tmp_path / "bot.sqlite3", lambda: TODAY, GUILD):
        assert fake.api_base == Route.BASE
        assert str(DiscordWebSocket.DEFAULT_GATEWAY) == fake.gateway_url
    assert discord_endpoints == (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    assert DiscordWebSocket.DEFAULT_GATEWAY.host == "gateway.discord.gg"


async def test_discord_py_points_at_discord_again_when_the_bot_could_not_log_in(fake, tmp_path):
    from bot.client import SiliconBridge
    from bot.config import Settings

    discord_endpoints = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    settings = Settings(
        token="wrong-token",
        database=tmp_path / "bot.sqlite3",
        seeds_dir=SEEDS,
        api_base=fake.api_base,
    )
    async with SiliconBridge(settings) as client:  # as python -m bot run does
        with pytest.raises(discord.LoginFailure):
            await client.start(settings.token)
    assert discord_endpoints == (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)


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


async def test_partnership_card_in_both_languages(bot, fake):
    response = await fake.slash("partnership", {"name": "fr-tw-ami"}, guild_id=GUILD)
    text = embed_text(response)
    assert "Parties" in text and "France" in text
    assert "France 2030" in text
    assert "at least one French" in text or "French and one Taiwanese" in text
    assert "<t:" in text and ":R>" in text
    french = await fake.slash("partnership", {"name": "eppd"}, guild_id=GUILD, locale="fr")
    assert "Thèmes" in embed_text(french)
    assert "Jacob Helberg" in embed_text(french)
    missing = await fake.slash("partnership", {"name": "Mars–Venus space pact"}, guild_id=GUILD)
    assert is_ephemeral(missing)
    assert "no partnership" in missing["data"]["content"]


async def test_deadline_list_and_show(bot, fake):
    response = await fake.slash("deadline list", guild_id=GUILD, locale="fr")
    text = embed_text(response)
    assert "Aucune échéance à venir" in text
    assert re.search(r"<t:\d+:F> — passée <t:\d+:R>", text)
    shown = await fake.slash("deadline show", {"name": "fr-tw-ami-deadline"}, guild_id=GUILD)
    assert "This deadline passed 1 year and 6 months ago." in embed_text(shown)


async def test_figure_and_source(bot, fake):
    figure = await fake.slash("figure", {"query": "credit guarantee"}, guild_id=GUILD)
    assert "USD 250 billion" in embed_text(figure)
    assert "28 January 2026" in embed_text(figure)
    source = await fake.slash("source", {"id": "src-us-tw-eppd"}, guild_id=GUILD, locale="fr")
    text = embed_text(source)
    assert "Éditeur" in text and "Faits" in text
    unknown = await fake.slash("source", {"id": "no-such-source-42"}, guild_id=GUILD)
    assert is_ephemeral(unknown)


async def test_help_and_about_are_ephemeral(bot, fake):
    help_ = await fake.slash("help", guild_id=GUILD, locale="fr")
    assert is_ephemeral(help_) and "/question" in embed_text(help_)
    about = await fake.slash("about", guild_id=GUILD)
    assert is_ephemeral(about)
    assert "Facts: 55" in embed_text(about)


async def test_a_direct_message_works(bot, fake):
    response = await fake.slash("ask", {"question": "who led the US–Taiwan talks?"}, dm=True)
    assert "Helberg" in embed_text(response)


async def test_sync_is_refused_to_a_non_owner(bot, fake):
    response = await fake.slash("sync", guild_id=GUILD, permissions=Perm.ALL)
    assert is_ephemeral(response)
    assert "owner" in response["data"]["content"]


async def test_unexpected_error_leaks_nothing(bot, fake, monkeypatch):
    async def broken(*args, **kwargs):
        raise RuntimeError("SELECT secret FROM /srv/token.txt")

    monkeypatch.setattr(bot.knowledge, "ask", broken)
    response = await ask(fake, "deadline", locale="fr")
    assert is_ephemeral(response)
    assert "Désolé" in response["data"]["content"]
    assert "SELECT" not in response["data"]["content"]
    assert "/srv" not in response["data"]["content"]


def test_fixed_clock_is_after_the_seed_deadline():
    assert datetime(2025, 5, 15, tzinfo=UTC) < TODAY


@pytest.mark.parametrize(
    ("command", "options", "english", "french"),
    [
        ("ask", {"question": "pax silica"}, "Source", "Source"),
        ("partnership", {"name": "fr-tw-ami"}, "Themes", "Thèmes"),
        ("deadline list", {}, "Recently passed", "Récemment passées"),
        ("deadline show", {"name": "fr-tw-ami-deadline"}, "Status", "Statut"),
        ("figure", {"query": "450 million"}, "What it measures", "Ce qu'il mesure"),
        ("source", {"id": "src-fr-tw-ami"}, "Publisher", "Éditeur"),
        ("help", {}, "Commands", "Commandes"),
        ("about", {}, "What I know", "Ce que je sais"),
    ],
)
async def test_every_command_answers_in_both_languages(
    bot, fake, command, options, english, french
):
    for locale, expected in (("en-GB", english), ("fr", french)):
        response = await fake.slash(command, options, guild_id=GUILD, locale=locale)
        assert expected in embed_text(response), (command, locale)
        assert_no_mentions(response)


async def test_a_long_deadline_list_pages_for_its_owner_only(bot, fake):
    from bot.reminders.service import DeadlineForm

    for day in range(1, 15):
        await bot.reminders.add_deadline(
            GUILD,
            1,
            DeadlineForm(
                f"Échéance {day}", f"Deadline {day}", f"2026-12-{day:02d} 12:00", "Europe/Paris"
            ),
        )
    first = await fake.slash("deadline list", guild_id=GUILD, channel_id=CHANNEL)
    assert "Page 1/3" in embed_text(first)
    assert "Deadline 1" in embed_text(first) and "Deadline 9" not in embed_text(first)
    buttons = {b["custom_id"]: b for row in first["data"]["components"] for b in row["components"]}
    assert buttons["pages:previous"]["disabled"] is True
    stranger = await fake.click(
        "pages:next", message=first["message"], user=FakeUser("someone-else")
    )
    assert is_ephemeral(stranger) and "belong" in stranger["data"]["content"]
    second = await fake.click("pages:next", message=first["message"])
    assert "Page 2/3" in embed_text(second)
    assert "Deadline 7" in embed_text(second)
