"""Questions in channels, attacked through the fake Discord: each test shows one way the bot
misbehaves (it fails until the bot is fixed)."""

from __future__ import annotations

import asyncio

from fakediscord import ApplicationFlag, FakeDiscord, FakeUser, running_bot
from tests.e2e.support import (
    GUILD,
    LOBBY,
    admin,
    ask,
    embed_text,
    make_bot,
    make_guild,
    mention,
    replies_to,
    reply_text,
    reply_to,
    say,
)

MENU = "Ask Silicon Bridge"


async def test_a_message_deleted_while_the_menu_answer_is_posted_takes_the_answer(bot, fake):
    message = await say(fake, "quand ferme l'AMI ?", author=FakeUser())
    fake.slow("POST", r"/interactions/\d+/[^/]+/callback$", 0.5)
    menu = asyncio.create_task(fake.message_command(MENU, message))
    await fake.signal.wait_until(
        lambda: fake.requests_to("POST", r"/callback$"), timeout=3, what="the menu's answer"
    )
    await fake.delete_user_message(message)  # while the answer is on its way
    response = await menu
    await fake.quiet()
    assert fake.live_message(int(response["message"]["id"])) is None


async def test_without_message_content_an_edited_pinging_follow_up_gets_its_reply_edited(
    tmp_path, clock
):
    """Discord delivers the text of a reply that pings the bot, and of its edits: the bot read
    the follow-up, but ignores its edit (the ping is not in the text it looks at)."""
    flags = ApplicationFlag.GATEWAY_GUILD_MEMBERS_LIMITED  # no message content
    async with FakeDiscord(guilds=[make_guild()], application_flags=flags, timeout=5.0) as fake:
        async with running_bot(make_bot(fake, tmp_path / "bot.sqlite3", clock), fake) as bot:
            assert not bot.intents.message_content
            answer = await reply_to(fake, await say(fake, f"{mention(fake)} what is the EPPD?"))
            follow = await say(fake, "who led it?", reply_to=answer)  # pings the bot
            assert "Helberg" in reply_text(await reply_to(fake, follow))
            edited = await fake.edit_user_message(follow, "quand ferme l'AMI ?")
            assert edited["content"] == "quand ferme l'AMI ?"
            await fake.quiet()
            [reply] = replies_to(fake, follow)
            assert "15 mai 2025" in reply_text(reply)


async def test_a_reply_to_a_public_ask_answer_is_asked_in_its_context(bot, fake):
    """/ask answers publicly; a reply to that answer is a follow-up like a reply to a mention's
    answer, but it is asked without what the answer was about."""
    asked = await ask(fake, "what is the EPPD?")
    assert "EPPD" in reply_text(asked["message"])
    follow = await say(fake, "and when did it start?", reply_to=asked["message"], ping=False)
    text = reply_text(await reply_to(fake, follow))
    assert "I don't know" not in text
    assert "2020" in text  # as after "@Silicon Bridge what is the EPPD?"


async def test_a_reply_to_an_answer_in_a_direct_message_is_asked_in_its_context(bot, fake):
    """In a DM every message is a question, so a reply to the bot's answer there is read as a
    plain DM and loses the context a reply in a channel keeps."""
    channel = fake.dm_channel_for(fake.user)
    answer = await reply_to(fake, await say(fake, "what is the EPPD?", channel=channel))
    assert "EPPD" in reply_text(answer)
    follow = await say(fake, "and when did it start?", channel=channel, reply_to=answer, ping=False)
    text = reply_text(await reply_to(fake, follow))
    assert "I don't know" not in text
    assert "2020" in text


async def test_a_mention_only_quoted_in_code_or_escaped_is_no_question(bot, fake):
    """Discord neither renders nor delivers a mention inside code or after a backslash: the
    message explains how to ask the bot, it does not ask it."""
    said = [
        await say(fake, text, author=FakeUser())
        for text in (
            f"Pour lui poser une question, tapez `{mention(fake)} votre question` ici.",
            f"To ask it:\n```\n{mention(fake)} when does the AMI close?\n```",
            f"écrivez \\{mention(fake)} puis la question, ok",
        )
    ]
    await fake.quiet()
    assert [replies_to(fake, m) for m in said] == [[], [], []]


async def test_a_qa_channel_deleted_while_the_bot_was_away_is_not_kept(fake, tmp_path, clock):
    """The channel went while the bot was offline (no CHANNEL_DELETE reached it): /qa status
    still lists it, it still counts towards the limit, and /qa off cannot name it."""
    database = tmp_path / "bot.sqlite3"
    async with running_bot(make_bot(fake, database, clock), fake):
        await admin(fake, "qa channel", {"channel": LOBBY})
    guild = fake.find_guild(GUILD)
    guild.channels = [c for c in guild.channels if c.id != LOBBY]
    async with running_bot(make_bot(fake, database, clock), fake):
        status = await admin(fake, "qa status")
        assert f"<#{LOBBY}>" not in embed_text(status)


async def test_an_edit_just_after_three_questions_is_not_lost_to_the_rate_limit(bot, fake, clock):
    """Three questions, then a typo fixed a second later: the question is already answered, its
    new text is dropped by the per-user limit and the reply keeps answering the old one."""
    questions = []
    for text in ("deadline AMI ?", "what is the EPPD?", "who led the US–Taiwan talks?"):
        questions.append(await say(fake, f"{mention(fake)} {text}"))
    await fake.quiet()
    assert all(replies_to(fake, q)[0]["embeds"] for q in questions)
    clock.advance(seconds=1)
    last = questions[-1]
    await fake.edit_user_message(last, f"{mention(fake)} combien Taïwan investit aux États-Unis ?")
    await fake.quiet()
    [reply] = replies_to(fake, last)
    assert "250 milliards" in reply_text(reply)
