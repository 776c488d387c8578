"""bot.discord_api: the one place that points discord.py at another API, and puts it back."""

from __future__ import annotations

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.discord_api import pointed_at, use_gateway
from fakediscord import FakeDiscord


async def test_pointing_discord_py_at_the_fake_is_undone_on_leaving():
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    async with FakeDiscord() as fake:
        with pointed_at(fake.api_base):
            use_gateway(fake.gateway_url)
            assert fake.api_base == Route.BASE
            assert fake.api_base.startswith("http://127.0.0.1:")
            assert str(DiscordWebSocket.DEFAULT_GATEWAY) == fake.gateway_url
        assert (base, gateway) == (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)


def test_both_endpoints_are_put_back_when_the_block_fails():
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY

    def log_in_and_fail() -> None:
        with pointed_at("http://127.0.0.1:9/api/v10"):
            use_gateway("ws://127.0.0.1:9/gateway")
            raise RuntimeError("login failed")

    with pytest.raises(RuntimeError, match="login failed"):
        log_in_and_fail()
    assert (base, gateway) == (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
