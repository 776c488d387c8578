"""The fake's gateway: READY and the guild cache, user messages and intents, RESUME and
re-IDENTIFY, zlib-stream, a wrong token."""

from __future__ import annotations

import asyncio

import discord
import pytest
from discord.ext import commands

from fakediscord import FakeDiscord, running_bot
from tests.fakediscord.sample_bot import (
    CATEGORY_ID,
    CHANNEL_ID,
    GUILD_ID,
    MOD_ROLE_ID,
    VOICE_ID,
    make_bot,
    make_guild,
    talking_to,
)


async def test_bot_reaches_ready_with_guild_cache(fake: FakeDiscord, bot: commands.Bot):
    assert bot.ready_events == 1
    assert bot.user.id == fake.bot.id
    assert bot.application_id == fake.application_id
    guild = bot.get_guild(GUILD_ID)
    assert guild is not None
    assert guild.name == "Silicon Test"
    assert guild.me is not None
    channel = bot.get_channel(CHANNEL_ID)
    assert isinstance(channel, discord.TextChannel)
    assert (channel.name, channel.topic, channel.category_id) == ("general", "chat", CATEGORY_ID)
    assert isinstance(bot.get_channel(VOICE_ID), discord.VoiceChannel)
    assert guild.get_role(MOD_ROLE_ID).permissions.manage_guild
    assert channel.permissions_for(guild.me).send_messages

    identify = fake.identify_payloads[0]
    assert identify["token"] == fake.token
    assert identify["intents"] == discord.Intents.default().value
    query = fake.gateway.connect_queries[0]
    assert query == {"v": "10", "encoding": "json", "compress": "zlib-stream"}


async def test_user_messages_follow_intents(fake: FakeDiscord, bot: commands.Bot):
    await fake.send_user_message(CHANNEL_ID, "hello there")
    await fake.send_user_message(CHANNEL_ID, f"<@{fake.bot.id}> hi bot")

    async with asyncio.timeout(2):
        seen = [await bot.seen_messages.get(), await bot.seen_messages.get()]
    assert seen == [(fake.user.id, ""), (fake.user.id, f"<@{fake.bot.id}> hi bot")]


async def test_resume_and_reidentify(fake: FakeDiscord, bot: commands.Bot):
    await fake.reconnect(resume=True)
    assert fake.gateway.resume_count == 1
    assert (await fake.slash("ping"))["data"]["content"] == "pong (en-US)"

    await fake.reconnect(resume=False)
    assert len(fake.identify_payloads) == 2
    assert (await fake.slash("ping"))["data"]["content"] == "pong (en-US)"


async def test_zlib_stream_gateway():
    async with FakeDiscord(guilds=[make_guild()], compress=True, timeout=3.0) as fake:
        with talking_to(fake):
            async with running_bot(make_bot(), fake) as client:
                assert client.get_guild(GUILD_ID) is not None
                resp = await fake.slash("ping")
                assert resp["data"]["content"] == "pong (en-US)"


async def test_wrong_token_is_rejected(fake: FakeDiscord):
    client = make_bot()
    with pytest.raises(discord.LoginFailure):
        await client.start("wrong-token")
    await client.close()
