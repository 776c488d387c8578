"""The fake's user messages: intents and content, mentions and replies, edits and deletions,
message commands, threads, and close code 4014 for an intent the application does not have."""

from __future__ import annotations

import asyncio
import contextlib

import discord
import pytest

from fakediscord import (
    ApplicationFlag,
    ChannelType,
    FakeChannel,
    FakeDiscord,
    FakeRole,
    FakeUser,
    Perm,
    running_bot,
)
from tests.fakediscord.sample_bot import CHANNEL_ID, GUILD_ID, make_bot, make_guild, talking_to

THREAD_ID = 1_100_000_000_000_000_009
CONTENT = discord.Intents.default()
CONTENT.message_content = True


def dispatched(fake: FakeDiscord, event: str) -> list[dict]:
    """The ``d`` of every ``event`` the fake sent the bot, oldest first."""
    return [
        payload["d"]
        for session in fake.gateway.sessions.values()
        for payload in session.sent
        if payload["t"] == event
    ]


@contextlib.asynccontextmanager
async def serving(intents: discord.Intents | None = None, guild=None, **options):
    """A fake of its own and the sample bot with these intents, ready."""
    async with FakeDiscord(guilds=[guild or make_guild()], timeout=3.0, **options) as fake:
        with talking_to(fake):
            async with running_bot(make_bot(intents), fake) as bot:
                yield fake, bot


async def next_event(bot) -> tuple:
    async with asyncio.timeout(2):
        return await bot.seen_events.get()


async def test_without_message_content_only_mentions_and_dms_carry_their_text(fake, bot):
    plain = await fake.send_user_message(CHANNEL_ID, "is the AMI open?")
    assert await next_event(bot) == ("create", int(plain["id"]), "")
    mention = await fake.send_user_message(CHANNEL_ID, f"<@{fake.bot.id}> is the AMI open?")
    assert await next_event(bot) == ("create", int(mention["id"]), mention["content"])
    dm = await fake.send_user_message(fake.dm_channel_for(fake.user), "hello in private")
    assert await next_event(bot) == ("create", int(dm["id"]), "hello in private")
    assert plain["content"] == "is the AMI open?"  # what the user wrote is kept whole
    assert dispatched(fake, "MESSAGE_CREATE")[0]["mentions"] == []
    assert [u["id"] for u in dispatched(fake, "MESSAGE_CREATE")[1]["mentions"]] == [
        str(fake.bot.id)
    ]


async def test_a_reply_that_pings_the_bot_mentions_it_and_carries_its_text(fake, bot):
    answer = fake.create_message(CHANNEL_ID, {"content": "the bot's answer"}, [])
    pinged = await fake.send_user_message(CHANNEL_ID, "who led it?", reply_to=answer)
    silent = await fake.send_user_message(CHANNEL_ID, "and when?", reply_to=answer, ping=False)
    seen = [await next_event(bot), await next_event(bot)]
    assert seen == [("create", int(pinged["id"]), "who led it?"), ("create", int(silent["id"]), "")]
    first, second = dispatched(fake, "MESSAGE_CREATE")
    assert first["type"] == 19
    assert first["message_reference"]["message_id"] == answer["id"]
    assert first["referenced_message"]["content"] == "the bot's answer"  # the bot's own: readable
    assert [u["id"] for u in first["mentions"]] == [str(fake.bot.id)]
    assert second["mentions"] == []
    assert second["referenced_message"]["content"] == "the bot's answer"


async def test_a_reply_to_another_user_hides_that_message_without_the_intent(fake, bot):
    other = FakeUser(username="other")
    question = await fake.send_user_message(CHANNEL_ID, "quand ferme l'AMI ?", author=other)
    await fake.send_user_message(CHANNEL_ID, f"<@{fake.bot.id}>", reply_to=question)
    reply = dispatched(fake, "MESSAGE_CREATE")[-1]
    assert reply["content"] == f"<@{fake.bot.id}>"
    assert reply["referenced_message"]["content"] == ""
    assert {u["id"] for u in reply["mentions"]} == {str(fake.bot.id), str(other.id)}


async def test_mentions_of_users_roles_and_everyone(fake, bot):
    guild = fake.find_guild(GUILD_ID)
    role = guild.roles[-1]
    await fake.send_user_message(CHANNEL_ID, f"@everyone <@&{role.id}> <@{fake.owner.id}> hi")
    sent = dispatched(fake, "MESSAGE_CREATE")[-1]
    assert sent["mention_everyone"] is False  # a plain member may not ping everyone
    assert sent["mention_roles"] == [str(role.id)]
    assert [u["id"] for u in sent["mentions"]] == [str(fake.owner.id)]
    await fake.send_user_message(CHANNEL_ID, "@everyone look", author=fake.owner)
    assert dispatched(fake, "MESSAGE_CREATE")[-1]["mention_everyone"] is True


async def test_edits_and_deletions_follow_the_same_rules(fake, bot):
    message = await fake.send_user_message(CHANNEL_ID, "first text")
    await next_event(bot)
    await fake.edit_user_message(message, f"<@{fake.bot.id}> now a question?")
    assert await next_event(bot) == (
        "edit",
        int(message["id"]),
        f"<@{fake.bot.id}> now a question?",
    )
    await fake.edit_user_message(message, "mention taken out")
    assert await next_event(bot) == ("edit", int(message["id"]), "")
    update = dispatched(fake, "MESSAGE_UPDATE")[-1]
    assert update["edited_timestamp"] and update["author"]["id"] == str(fake.user.id)
    await fake.delete_user_message(message)
    assert await next_event(bot) == ("delete", int(message["id"]), None)
    assert dispatched(fake, "MESSAGE_DELETE")[-1] == {
        "id": message["id"],
        "channel_id": str(CHANNEL_ID),
        "guild_id": str(GUILD_ID),
    }
    assert fake.live_message(int(message["id"])) is None
    several = [await fake.send_user_message(CHANNEL_ID, f"spam {i}") for i in range(3)]
    for _ in several:
        await next_event(bot)
    await fake.delete_user_messages(several)
    deleted = sorted([(await next_event(bot))[1] for _ in several])
    assert deleted == sorted(int(m["id"]) for m in several)


async def test_a_reply_edited_keeps_its_ping():
    async with serving(CONTENT) as (fake, bot):
        answer = fake.create_message(CHANNEL_ID, {"content": "answer"}, [])
        reply = await fake.send_user_message(CHANNEL_ID, "who?", reply_to=answer)
        await fake.edit_user_message(reply, "who led it?")
        update = dispatched(fake, "MESSAGE_UPDATE")[-1]
        assert [u["id"] for u in update["mentions"]] == [str(fake.bot.id)]
        assert update["content"] == "who led it?"
        assert (await next_event(bot))[0] == "create"


async def test_with_message_content_every_text_is_delivered():
    async with serving(CONTENT) as (fake, bot):
        assert fake.session_intents & discord.Intents(message_content=True).value
        message = await fake.send_user_message(CHANNEL_ID, "plain text")
        assert await next_event(bot) == ("create", int(message["id"]), "plain text")


async def test_without_the_messages_intents_nothing_is_sent():
    intents = discord.Intents.default()
    intents.guild_messages = False
    async with serving(intents) as (fake, bot):
        message = await fake.send_user_message(CHANNEL_ID, f"<@{fake.bot.id}> hello")
        await fake.edit_user_message(message, "edited")
        await fake.delete_user_message(message)
        dm = await fake.send_user_message(fake.dm_channel_for(fake.user), "in private")
        assert await next_event(bot) == ("create", int(dm["id"]), "in private")
        assert dispatched(fake, "MESSAGE_UPDATE") == dispatched(fake, "MESSAGE_DELETE") == []


async def test_a_message_command_carries_the_message_whatever_the_intents(fake, bot):
    message = await fake.send_user_message(CHANNEL_ID, "a secret without intent")
    response = await fake.message_command("Quote it", message, locale="fr")
    assert response["data"]["content"] == f"{fake.user.id} said 'a secret without intent'"
    data = fake.last_interaction.payload["data"]
    assert (data["type"], data["target_id"]) == (3, message["id"])
    assert fake.last_interaction.payload["locale"] == "fr"


async def test_a_reply_to_a_message_that_is_gone_is_refused(fake, bot):
    message = await fake.send_user_message(CHANNEL_ID, "soon deleted")
    await fake.delete_user_message(message)
    channel = bot.get_channel(CHANNEL_ID)
    gone = channel.get_partial_message(int(message["id"]))
    with pytest.raises(discord.HTTPException) as refused:
        await channel.send("late answer", reference=gone)
    assert refused.value.status == 400
    sent = await channel.send("late answer", reference=gone.to_reference(fail_if_not_exists=False))
    assert sent.content == "late answer"


async def test_a_privileged_intent_the_application_lacks_closes_with_4014():
    flags = ApplicationFlag.GATEWAY_GUILD_MEMBERS_LIMITED  # no message content
    async with FakeDiscord(guilds=[make_guild()], application_flags=flags, timeout=3.0) as fake:
        with talking_to(fake):
            client = make_bot(CONTENT)
            with pytest.raises(discord.PrivilegedIntentsRequired):
                await client.start(fake.token)
            await client.close()
            assert fake.gateway.refused_count == 1
            assert fake.gateway.ready_count == 0
            async with running_bot(make_bot(), fake):
                assert fake.gateway.ready_count == 1


async def test_messages_in_a_thread():
    guild = make_guild()
    guild.channels.append(
        FakeChannel(
            "help-thread", id=THREAD_ID, type=ChannelType.PUBLIC_THREAD, parent_id=CHANNEL_ID
        )
    )
    guild.roles.append(FakeRole("everyone can", permissions=Perm.SEND_MESSAGES_IN_THREADS))
    async with serving(guild=guild) as (fake, bot):
        thread = bot.get_channel(THREAD_ID)
        assert isinstance(thread, discord.Thread) and thread.parent_id == CHANNEL_ID
        message = await fake.send_user_message(THREAD_ID, f"<@{fake.bot.id}> in a thread")
        assert await next_event(bot) == ("create", int(message["id"]), message["content"])
        assert THREAD_ID not in {c.id for c in bot.get_guild(GUILD_ID).channels}
