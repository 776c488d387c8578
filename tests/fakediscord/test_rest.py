"""The fake's REST API: enforced nonces, injected 429 and 403, lookups, unknown routes."""

from __future__ import annotations

import datetime

import discord
import pytest
from discord.ext import commands
from discord.http import Route

from fakediscord import FakeDiscord
from tests.fakediscord.sample_bot import CATEGORY_ID, CHANNEL_ID, CHANNEL_PATH, GUILD_ID, VOICE_ID


async def test_enforced_nonce_yields_one_message(fake: FakeDiscord, bot: commands.Bot):
    channel = bot.get_channel(CHANNEL_ID)

    first = await channel.send("reminder", nonce=4242)
    second = await channel.send("reminder", nonce=4242)
    other = await channel.send("reminder", nonce=4343)

    assert first.id == second.id
    assert other.id != first.id
    assert [m["nonce"] for m in fake.channel_messages(CHANNEL_ID)] == ["4242", "4343"]
    assert all(r.body["enforce_nonce"] for r in fake.requests_to("POST", CHANNEL_PATH))


async def test_injected_429_is_retried(fake: FakeDiscord, bot: commands.Bot):
    injection = fake.inject("POST", CHANNEL_PATH, 429, retry_after=0.05)

    message = await bot.get_channel(CHANNEL_ID).send("after rate limit")

    assert message.content == "after rate limit"
    assert injection.hits == 1
    assert [r.status for r in fake.requests_to("POST", CHANNEL_PATH)] == [429, 200]
    assert len(fake.channel_messages(CHANNEL_ID)) == 1


async def test_injected_429_on_interaction_webhook_is_retried(fake: FakeDiscord, bot: commands.Bot):
    injection = fake.inject("PATCH", r"/messages/@original$", 429, retry_after=0.05)

    resp = await fake.slash("slow", {"via": "edit"})

    assert resp["data"]["content"] == "done"
    assert injection.hits == 1


async def test_injected_403_raises_forbidden(fake: FakeDiscord, bot: commands.Bot):
    fake.inject("POST", CHANNEL_PATH, 403)
    with pytest.raises(discord.Forbidden) as raised:
        await bot.get_channel(CHANNEL_ID).send("nope")
    assert raised.value.code == 50013

    fake.inject("POST", CHANNEL_PATH, 403)
    resp = await fake.slash("announce")
    assert resp["data"]["content"] == "cannot post (50013)"
    assert fake.channel_messages(CHANNEL_ID) == []

    await bot.get_channel(CHANNEL_ID).send("allowed again")
    posted = await fake.wait_for_message(CHANNEL_ID, lambda m: m["content"] == "allowed again")
    assert posted["author"]["id"] == str(fake.bot.id)


async def test_rest_lookups(fake: FakeDiscord, bot: commands.Bot):
    channel = await bot.fetch_channel(CHANNEL_ID)
    assert channel.name == "general"
    guild = await bot.fetch_guild(GUILD_ID)
    assert guild.name == "Silicon Test"
    member = await guild.fetch_member(fake.user.id)
    assert member.id == fake.user.id
    assert {c.id for c in await guild.fetch_channels()} == {CATEGORY_ID, CHANNEL_ID, VOICE_ID}

    start = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    event = await bot.get_guild(GUILD_ID).create_scheduled_event(
        name="Deadline",
        start_time=start,
        end_time=start + datetime.timedelta(hours=1),
        entity_type=discord.EntityType.external,
        location="Online",
        privacy_level=discord.PrivacyLevel.guild_only,
    )
    assert event.name == "Deadline"
    assert fake.scheduled_events[GUILD_ID][0]["entity_metadata"] == {"location": "Online"}

    with pytest.raises(discord.NotFound):
        await bot.fetch_channel(1234)


async def test_unknown_route_is_a_discord_404(fake: FakeDiscord, bot: commands.Bot):
    with pytest.raises(discord.NotFound) as raised:
        await bot.http.request(Route("GET", "/no/such/route"))

    assert raised.value.code == 0
    assert raised.value.text == "404: Not Found"
    assert [r.path for r in fake.unhandled] == ["/no/such/route"]
