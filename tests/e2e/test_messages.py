"""Questions asked in a channel, through the fake Discord: a mention, a reply to an answer, a
direct message, in French and English, with bad input and good manners."""

from __future__ import annotations

import logging

from fakediscord import ChannelType, FakeChannel, FakeDiscord, FakeUser, running_bot
from tests.e2e.support import (
    CHANNEL,
    GUILD,
    assert_pings_nobody,
    make_bot,
    make_guild,
    mention,
    replies_to,
    reply_text,
    reply_to,
    say,
)

THREAD = 1_200_000_000_000_000_009


def buttons(reply: dict) -> list[dict]:
    return [c for row in reply.get("components", []) for c in row["components"]]


async def test_a_mention_in_english_gets_a_reply_with_the_answer_source_and_buttons(bot, fake):
    question = await say(fake, f"{mention(fake)} when does the France–Taiwan call close?")
    reply = await reply_to(fake, question)
    text = reply_text(reply)
    assert "15 May 2025" in text and "Innovationsfr" in text and "Source" in text
    assert buttons(reply) and all(b["custom_id"].startswith("show:") for b in buttons(reply))
    assert reply["message_reference"]["message_id"] == question["id"]
    assert_pings_nobody(fake, reply)
    clicked = await fake.click(buttons(reply)[0]["custom_id"], message=reply)
    assert "Source" in reply_text(clicked["data"])


async def test_a_mention_in_french_is_answered_in_french(bot, fake):
    question = await say(fake, f"{mention(fake)} combien Taïwan investit aux États-Unis ?")
    text = reply_text(await reply_to(fake, question))
    assert "250 milliards de dollars" in text and "Source" in text


async def test_a_mention_of_the_bots_role_is_a_mention_of_the_bot(bot, fake):
    role = bot.get_guild(GUILD).self_role
    question = await say(fake, f"<@&{role.id}> quand ferme l'AMI ?")
    assert "15 mai 2025" in reply_text(await reply_to(fake, question))


async def test_a_forwarded_answer_is_no_reply(bot, fake):
    answer = await reply_to(fake, await say(fake, f"{mention(fake)} what is the EPPD?"))
    base = await say(fake, "who led it?")  # not addressed to the bot: ignored
    forward = dict(
        base,
        id=str(int(base["id"]) + 1),
        message_reference={"type": 1, "message_id": answer["id"], "channel_id": str(CHANNEL)},
        referenced_message=answer,
    )
    await fake.dispatch("MESSAGE_CREATE", forward)
    await fake.quiet()
    assert replies_to(fake, forward) == []


async def test_a_bare_mention_gets_two_lines_of_help(bot, fake):
    for text, expected in ((mention(fake), "/aide"), (f"{mention(fake)}   ", "/aide")):
        question = await say(fake, text)
        reply = await reply_to(fake, question)
        assert expected in reply["content"] and len(reply["content"].splitlines()) == 2
        assert not reply["embeds"]
    hello = await say(fake, f"{mention(fake)} hello!")
    assert "/help" in (await reply_to(fake, hello))["content"]  # "hello" says English


async def test_an_unknown_question_addressed_to_the_bot_gets_i_dont_know(bot, fake):
    question = await say(fake, f"{mention(fake)} what's the weather in Paris tomorrow?")
    assert "I don't know" in reply_text(await reply_to(fake, question))
    question = await say(fake, f"{mention(fake)} quel temps fera-t-il demain à Lyon ?")
    assert "Je ne sais pas" in reply_text(await reply_to(fake, question))


async def test_the_servers_language_when_the_question_does_not_tell(bot, fake):
    question = await say(fake, f"{mention(fake)} EPPD")
    reply = await reply_to(fake, question)
    assert "novembre 2020" in reply_text(reply)  # the server prefers French


async def test_a_reply_to_an_answer_is_a_follow_up_pinged_or_not(bot, fake):
    eppd = await reply_to(fake, await say(fake, f"{mention(fake)} what is the EPPD?"))
    who = await say(fake, "who led it?", reply_to=eppd, ping=False)
    answer = await reply_to(fake, who)
    assert "Helberg" in reply_text(answer)
    assert_pings_nobody(fake, answer)
    when = await say(fake, "et c'était quand ?", reply_to=answer)  # a reply to the follow-up
    text = reply_text(await reply_to(fake, when))
    assert "2026" in text or "2020" in text
    assert "Date" in text or "janvier" in text or "novembre" in text


async def test_a_follow_up_keeps_its_context_after_a_restart(fake, tmp_path, clock):
    database = tmp_path / "bot.sqlite3"
    async with running_bot(make_bot(fake, database, clock), fake):
        ami = await reply_to(fake, await say(fake, f"{mention(fake)} c'est quoi l'AMI ?"))
    async with running_bot(make_bot(fake, database, clock), fake):
        follow = await say(fake, "et qui l'a annoncé ?", reply_to=ami, ping=False)
        text = reply_text(await reply_to(fake, follow))
        assert "7 mars 2025" in text


async def test_thanks_under_an_answer_gets_nothing(bot, fake):
    answer = await reply_to(fake, await say(fake, f"{mention(fake)} deadline AMI"))
    thanks = await say(fake, "merci beaucoup !", reply_to=answer, ping=False)
    await fake.quiet()
    assert replies_to(fake, thanks) == []


async def test_every_direct_message_is_a_question(bot, fake):
    channel = fake.dm_channel_for(fake.user)
    question = await say(fake, "who led the US–Taiwan talks?", channel=channel)
    assert "Helberg" in reply_text(await reply_to(fake, question))
    hello = await say(fake, "hi", channel=channel)
    assert "/help" in (await reply_to(fake, hello))["content"]


async def test_a_mention_in_a_thread_is_answered_there(tmp_path, clock):
    guild = make_guild()
    guild.channels.append(
        FakeChannel("questions", id=THREAD, type=ChannelType.PUBLIC_THREAD, parent_id=CHANNEL)
    )
    async with FakeDiscord(guilds=[guild], timeout=5.0) as fake:
        async with running_bot(make_bot(fake, tmp_path / "bot.sqlite3", clock), fake):
            question = await say(fake, f"{mention(fake)} quand ferme l'AMI ?", channel=THREAD)
            assert "15 mai 2025" in reply_text(await reply_to(fake, question))


async def test_bad_input_gets_a_polite_line_and_pings_nobody(bot, fake, clock):
    long = await say(fake, f"{mention(fake)} " + "x" * 6000)
    reply = await reply_to(fake, long)
    assert "trop long" in reply["content"] or "too long" in reply["content"]
    assert_pings_nobody(fake, reply)
    emoji = await say(fake, f"{mention(fake)} 🚀🔥💥")
    assert "/aide" in (await reply_to(fake, emoji))["content"]
    for text in (
        "@everyone <@&1> deadline AMI ?",
        "'; DROP TABLE items; --",
        'NEAR(a b) * "AMI" OR deadline^2 ?',
    ):
        clock.advance(seconds=10)  # one person asking: the rate limit must not be what answers
        question = await say(fake, f"{mention(fake)} {text}")
        reply = await reply_to(fake, question)
        assert reply["embeds"], text
        assert_pings_nobody(fake, reply)
    clock.advance(seconds=10)
    question = await say(fake, f"{mention(fake)} deadline AMI")  # and the bot still answers
    assert "15 May 2025" in reply_text(await reply_to(fake, question))


async def test_messages_of_bots_webhooks_and_itself_are_ignored(bot, fake):
    other_bot = FakeUser(username="helper", bot=True)
    from_bot = await say(fake, f"{mention(fake)} quand ferme l'AMI ?", author=other_bot)
    webhook = dict(await say(fake, "placeholder"))
    webhook.update(
        id=str(int(webhook["id"]) + 1),
        content=f"{mention(fake)} quand ferme l'AMI ?",
        webhook_id="77",
        mentions=[fake.bot.to_payload()],
    )
    await fake.dispatch("MESSAGE_CREATE", webhook)
    own = dict(from_bot, id=str(int(from_bot["id"]) + 2), author=fake.bot.to_payload())
    await fake.dispatch("MESSAGE_CREATE", own)
    await fake.quiet()
    assert fake.channel_messages(CHANNEL) == []


async def test_a_burst_of_mentions_gets_three_answers_and_one_note(bot, fake):
    questions = [await say(fake, f"{mention(fake)} deadline AMI ?") for _ in range(6)]
    await reply_to(fake, questions[0])  # on a loaded machine the first answer may take a while
    await fake.quiet()
    replies = [replies_to(fake, q) for q in questions]
    assert [len(r) for r in replies] == [1, 1, 1, 1, 0, 0]
    assert [bool(r[0]["embeds"]) for r in replies[:4]] == [True, True, True, False]
    assert "few seconds" in replies[3][0]["content"]


async def test_another_member_is_answered_in_a_busy_channel_after_a_quiet_moment(bot, fake, clock):
    members = [FakeUser(username=f"member{i}") for i in range(6)]
    first = [await say(fake, f"{mention(fake)} deadline AMI ?", author=m) for m in members]
    await reply_to(fake, first[0])
    await fake.quiet()
    assert sum(len(replies_to(fake, q)) for q in first) == 5 + 1  # five answers, one note
    clock.advance(seconds=3)
    late = await say(fake, f"{mention(fake)} who led the US–Taiwan talks?", author=FakeUser())
    assert "Helberg" in reply_text(await reply_to(fake, late))


async def test_a_channel_where_the_bot_may_not_post_gets_one_warning_and_no_retry(
    bot, fake, caplog
):
    caplog.set_level(logging.WARNING, logger="cogs.messages")
    fake.inject("POST", rf"/channels/{CHANNEL}/messages$", 403, times=10)
    for _ in range(3):
        await say(fake, f"{mention(fake)} deadline AMI ?", author=FakeUser())
        await fake.quiet()
    posts = fake.requests_to("POST", rf"/channels/{CHANNEL}/messages$")
    assert len(posts) == 1  # refused once: the channel is left alone for a while
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and str(CHANNEL) in warnings[0].getMessage()
    assert bot.is_ready()
    dm = await say(fake, "deadline AMI ?", channel=fake.dm_channel_for(fake.user))
    assert "15 May 2025" in reply_text(await reply_to(fake, dm))  # elsewhere, all is well


async def test_missing_permissions_are_seen_before_trying(fake, tmp_path, clock, caplog):
    caplog.set_level(logging.WARNING, logger="cogs.messages")
    guild = fake.find_guild(GUILD)
    guild.channel(CHANNEL).permission_overwrites = [
        {"id": str(guild.id), "type": 0, "allow": "0", "deny": str(1 << 11)}  # no Send Messages
    ]
    async with running_bot(make_bot(fake, tmp_path / "bot.sqlite3", clock), fake):
        for _ in range(2):
            await say(fake, f"{mention(fake)} deadline AMI ?", author=FakeUser())
        await fake.quiet()
    assert fake.requests_to("POST", rf"/channels/{CHANNEL}/messages$") == []
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "send_messages" in warnings[0].getMessage()
