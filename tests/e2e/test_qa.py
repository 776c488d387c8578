"""Q&A channels through the fake Discord: opt-in by an admin, answers only when sure, silence
otherwise, and what happens when Discord refuses the message content intent."""

from __future__ import annotations

import logging

import pytest

from fakediscord import ApplicationFlag, FakeDiscord, FakeUser, Perm, running_bot
from tests.e2e.support import (
    CHANNEL,
    GUILD,
    LOBBY,
    admin,
    embed_text,
    is_ephemeral,
    make_bot,
    make_guild,
    mention,
    replies_to,
    reply_text,
    reply_to,
    say,
)

QA = LOBBY


@pytest.fixture
async def qa(bot, fake):
    """The lobby is a Q&A channel."""
    response = await admin(fake, "qa channel", {"channel": QA})
    assert "Q&A is on" in response["data"]["content"]
    return QA


async def test_an_admin_turns_a_channel_on_sees_it_and_turns_it_off(bot, fake):
    on = await admin(fake, "qa channel", {"channel": QA}, locale="fr")
    assert is_ephemeral(on) and f"<#{QA}>" in on["data"]["content"]
    assert "activ" in on["data"]["content"] and "⚠" not in on["data"]["content"]
    status = await admin(fake, "qa status")
    assert is_ephemeral(status)
    assert f"<#{QA}>" in embed_text(status) and "Q&A channels work" in embed_text(status)
    off = await admin(fake, "qa off", {"channel": QA})
    assert "Q&A is off" in off["data"]["content"]
    again = await admin(fake, "qa off", {"channel": QA})
    assert "nothing changed" in again["data"]["content"]
    assert "None" in embed_text(await admin(fake, "qa status"))
    question = await say(fake, "quand ferme l'AMI ?", channel=QA)
    await fake.quiet()
    assert replies_to(fake, question) == []


async def test_a_member_without_manage_server_changes_nothing(bot, fake):
    refused = await fake.slash(
        "qa channel", {"channel": QA}, guild_id=GUILD, permissions=Perm.SEND_MESSAGES
    )
    assert is_ephemeral(refused) and "Manage Server" in refused["data"]["content"]
    assert not bot.conversations.is_qa(QA)
    in_dm = await fake.slash("qa status", dm=True)
    assert is_ephemeral(in_dm)


async def test_a_channel_the_bot_cannot_answer_in_is_refused(bot, fake):
    fake.find_guild(GUILD).channel(QA).permission_overwrites = [
        {"id": str(GUILD), "type": 0, "allow": "0", "deny": str(Perm.SEND_MESSAGES)}
    ]
    await fake.dispatch("CHANNEL_UPDATE", fake.channel_payload(QA))
    refused = await admin(fake, "qa channel", {"channel": QA})
    assert "I cannot answer" in refused["data"]["content"]
    assert not bot.conversations.is_qa(QA)


async def test_a_qa_channel_answers_questions_in_french_and_english_as_replies(bot, fake, qa):
    fr = await say(fake, "quand ferme l'AMI ?", channel=qa)
    reply = await reply_to(fake, fr)
    assert "15 mai 2025" in reply_text(reply)
    assert reply["message_reference"]["message_id"] == fr["id"]
    en = await say(fake, "who led the US–Taiwan talks?", channel=qa, author=FakeUser())
    assert "Helberg" in reply_text(await reply_to(fake, en))


async def test_chitchat_and_what_the_bot_is_not_sure_of_get_silence(bot, fake, qa):
    said = [
        await say(fake, text, channel=qa, author=FakeUser())
        for text in (
            "merci !",
            "hello everyone",
            "how are you?",
            "ça va ?",
            "what's the weather in Paris tomorrow?",
            "the AMI closed in May",
            "x" * 6000 + " ?",
            "🚀🔥💥",
            "@everyone <@&1> ?",
            "'; DROP TABLE items; --",
            "NEAR(a b) * ?",
        )
    ]
    await fake.quiet()
    assert [replies_to(fake, m) for m in said] == [[]] * len(said)
    question = await say(fake, "combien Taïwan investit aux États-Unis ?", channel=qa)
    assert "250 milliards" in reply_text(await reply_to(fake, question))


async def test_a_burst_in_a_qa_channel_is_answered_three_times_and_dropped_silently(
    bot, fake, qa, clock
):
    burst = [await say(fake, "deadline AMI ?", channel=qa) for _ in range(6)]
    await fake.quiet()
    assert [len(replies_to(fake, m)) for m in burst] == [1, 1, 1, 0, 0, 0]
    assert all(replies_to(fake, m)[0]["embeds"] for m in burst[:3])
    other = await say(fake, "who led the US–Taiwan talks?", channel=qa, author=FakeUser())
    assert "Helberg" in reply_text(await reply_to(fake, other))  # another member is answered


async def test_without_the_message_content_intent(tmp_path, clock, caplog):
    """Discord refuses the intent: the bot connects without it, says so once, and keeps
    answering mentions and pinging replies; /qa tells the admins what to do."""
    caplog.set_level(logging.WARNING, logger="bot.client")
    flags = ApplicationFlag.GATEWAY_GUILD_MEMBERS_LIMITED
    async with FakeDiscord(guilds=[make_guild()], application_flags=flags, timeout=5.0) as fake:
        async with running_bot(make_bot(fake, tmp_path / "bot.sqlite3", clock), fake) as bot:
            assert fake.gateway.refused_count == 1 and fake.gateway.ready_count == 1
            assert not bot.intents.message_content
            lines = [r.getMessage() for r in caplog.records if r.name == "bot.client"]
            assert len(lines) == 1
            assert "4014" in lines[0] and "Developer Portal" in lines[0]
            assert "Message Content Intent" in lines[0]

            on = await admin(fake, "qa channel", {"channel": QA})
            assert "Q&A is on" in on["data"]["content"]
            assert "Message Content Intent" in on["data"]["content"]
            status = await admin(fake, "qa status", locale="fr")
            assert "Message Content Intent" in embed_text(status) and "redémarrez" in embed_text(
                status
            )

            unread = await say(fake, "quand ferme l'AMI ?", channel=QA)
            asked = await say(fake, f"{mention(fake)} quand ferme l'AMI ?")
            answer = await reply_to(fake, asked)
            assert "15 mai 2025" in reply_text(answer)
            pinged = await say(fake, "et qui l'a annoncé ?", reply_to=answer)
            assert "7 mars 2025" in reply_text(await reply_to(fake, pinged))
            silent = await say(fake, "et qui l'a annoncé ?", reply_to=answer, ping=False)
            await fake.quiet()
            assert replies_to(fake, unread) == [] and replies_to(fake, silent) == []
            assert replies_to(fake, asked) == [answer]
    assert [r.getMessage() for r in caplog.records if r.name == "bot.client"] == lines


async def test_the_bot_still_answers_in_the_general_channel_when_the_lobby_is_qa(bot, fake, qa):
    question = await say(fake, "quand ferme l'AMI ?", channel=CHANNEL)
    mentioned = await say(fake, f"{mention(fake)} quand ferme l'AMI ?", channel=CHANNEL)
    assert "15 mai 2025" in reply_text(await reply_to(fake, mentioned))
    await fake.quiet()
    assert replies_to(fake, question) == []
