"""The bot starts against an API base, syncs to the development server, and leaves
discord.py pointed at Discord when it closes."""

from __future__ import annotations

import re

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from fakediscord import running_bot
from tests.e2e.support import GUILD, make_bot
from tests.support import SEEDS, Clock

NAME_RULE = re.compile(r"^[-_\w]{1,32}$")
MENU_NAME_RULE = re.compile(r"^[-_\w '’]{1,32}$")  # a command on a message: capitals and spaces
MESSAGE_COMMAND = 3


async def test_the_bot_starts_through_the_api_base_and_syncs_to_the_dev_server(bot, fake):
    assert bot.is_ready()
    assert fake.api_base == Route.BASE
    commands = fake.command_payloads[GUILD]
    names = {c["name"] for c in commands}
    assert {"ask", "partnership", "deadline", "figure", "source", "help", "about"} <= names
    menus = [c for c in commands if c.get("type") == MESSAGE_COMMAND]
    assert [c["name"] for c in menus] == ["Ask Silicon Bridge"]
    for menu in menus:
        assert not menu.get("description") and not menu.get("options")
        for name in [menu["name"], *(menu.get("name_localizations") or {}).values()]:
            assert MENU_NAME_RULE.match(name), name
    for command in (c for c in commands if c not in menus):
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
    async with running_bot(make_bot(fake, tmp_path / "bot.sqlite3", Clock()), fake):
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
