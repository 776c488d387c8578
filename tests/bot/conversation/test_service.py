"""Questions in channels, from plain text: what the bot replies, to whom, in which language, in
which context, and what it keeps of it. A real seeded store; no Discord."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from bot.conversation.limits import RateLimits
from bot.conversation.reading import Heard, Via
from bot.conversation.service import MAX_QA_CHANNELS, Conversations, Kind, Reply
from bot.errors import UserError
from bot.knowledge import Knowledge
from tests.support import TODAY, Clock

BOT = 42
GUILD = 1
CHANNEL = 10
QA = 11


def stamp(moment: datetime, style: str) -> str:
    return f"{moment:%Y-%m-%d}"


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def conversations(store, clock, limits: RateLimits | None = None) -> Conversations:
    made = Conversations(store, Knowledge(store, clock=lambda: TODAY), clock=clock, limits=limits)
    await made.load()
    await made.enable_qa(GUILD, QA, user_id=7)
    return made


@pytest.fixture
async def talk(seeded, clock) -> Conversations:
    """Rate limits too wide to matter: the tests of what is said ask many times at once."""
    wide = RateLimits(lambda: clock().timestamp(), user=(10**6, 1.0), channel=(10**6, 1.0))
    return await conversations(seeded, clock, wide)


@pytest.fixture
async def strict(seeded, clock) -> Conversations:
    """The bot's own rate limits."""
    return await conversations(seeded, clock)


_ids = iter(range(1000, 10**6))


def heard(text: str, **changes) -> Heard:
    fields = {
        "message_id": next(_ids),
        "author_id": 7,
        "channel_id": CHANNEL,
        "guild_id": GUILD,
        "text": text,
        "guild_lang": "en",
    }
    fields.update(changes)
    return Heard(**fields)


def said(reply: Reply | None) -> str:
    """Everything a reply shows, as text."""
    assert reply is not None
    if reply.card is None:
        return reply.text
    card = reply.card
    return "\n".join([card.title, card.description, *(f.value for f in card.fields), card.footer])


async def ask(talk: Conversations, text: str, **changes) -> tuple[Heard, Reply | None]:
    message = heard(text, **changes)
    return message, await talk.respond(message, bot_id=BOT, stamp=stamp)


async def posted(talk: Conversations, text: str, **changes) -> tuple[int, Reply]:
    """Ask, and record the reply as posted: the id of the bot's message."""
    message, reply = await ask(talk, text, **changes)
    assert reply is not None, text
    answer_id = next(_ids)
    await talk.remember(message, reply, answer_id)
    return answer_id, reply


# mentions and direct messages ------------------------------------------------------------------


async def test_a_mention_gets_the_answer_in_the_language_of_the_question(talk):
    _, reply = await ask(
        talk, f"<@{BOT}> when does the France–Taiwan call close?", mentions_bot=True
    )
    assert (reply.kind, reply.lang, reply.via) == (Kind.ANSWER, "en", Via.MENTION)
    assert "15 May 2025" in said(reply)
    assert reply.card.links  # the did-you-mean buttons
    _, reply = await ask(talk, f"<@{BOT}> quand ferme l'AMI ?", mentions_bot=True)
    assert reply.lang == "fr" and "15 mai 2025" in said(reply)


async def test_a_mention_without_a_question_gets_two_lines_of_help(talk):
    for text in (f"<@{BOT}>", f"<@{BOT}>   ", f"<@{BOT}> 🚀🔥", f"<@{BOT}> bonjour !"):
        _, reply = await ask(talk, text, mentions_bot=True, guild_lang="fr")
        assert reply.kind is Kind.HELP, text
        assert reply.lang == "fr" and "/aide" in reply.text and len(reply.text.splitlines()) == 2
    _, reply = await ask(talk, f"<@{BOT}> hello", mentions_bot=True, guild_lang="fr")
    assert reply.lang == "en" and "/help" in reply.text  # "hello" says English


async def test_an_unknown_question_addressed_to_the_bot_gets_i_dont_know(talk):
    _, reply = await ask(talk, f"<@{BOT}> what's the weather in Paris tomorrow?", mentions_bot=True)
    assert reply.kind is Kind.UNKNOWN and "I don't know" in said(reply)
    _, reply = await ask(talk, "quel temps fera-t-il demain ?", guild_id=None, guild_lang=None)
    assert reply.kind is Kind.UNKNOWN and "Je ne sais pas" in said(reply)


async def test_the_servers_language_when_the_question_does_not_tell(talk):
    _, reply = await ask(talk, f"<@{BOT}> AMI ?", mentions_bot=True, guild_lang="fr")
    assert reply.lang == "fr"
    _, reply = await ask(talk, "AMI ?", guild_id=None, guild_lang=None)
    assert reply.lang == "en"  # a direct message has no server: English


async def test_in_a_direct_message_every_message_is_a_question(talk):
    _, reply = await ask(talk, "who led the US–Taiwan talks?", guild_id=None, guild_lang=None)
    assert (reply.kind, reply.via) == (Kind.ANSWER, Via.DM) and "Helberg" in said(reply)
    _, reply = await ask(talk, "salut", guild_id=None, guild_lang=None)
    assert reply.kind is Kind.HELP


async def test_bad_input_gets_a_polite_line_and_nothing_breaks(talk):
    _, reply = await ask(talk, f"<@{BOT}> " + "x" * 6000, mentions_bot=True)
    assert reply.kind is Kind.NOTE and "too long" in reply.text
    for text in (
        "@everyone <@&1> deadline AMI",
        "'; DROP TABLE items; --",
        'NEAR(a b) * "AMI" OR deadline^2',
    ):
        _, reply = await ask(talk, f"<@{BOT}> {text}", mentions_bot=True)
        assert reply.kind in (Kind.ANSWER, Kind.UNKNOWN), text
    _, reply = await ask(talk, f"<@{BOT}> quand ferme l'AMI ?", mentions_bot=True)
    assert "15 May 2025" in said(reply) or "15 mai 2025" in said(reply)


async def test_messages_from_bots_and_messages_not_addressed_are_ignored(talk):
    assert (await ask(talk, f"<@{BOT}> deadline AMI?", mentions_bot=True, from_bot=True))[1] is None
    assert (await ask(talk, "quand ferme l'AMI ?"))[1] is None  # not a Q&A channel


# follow-ups ------------------------------------------------------------------------------------


async def test_a_reply_is_answered_in_the_context_of_the_answer_it_replies_to(talk):
    eppd, reply = await posted(talk, f"<@{BOT}> what is the EPPD?", mentions_bot=True)
    assert reply.context.partnership_id == "us-tw-eppd"
    _, led = await ask(talk, "who led it?", reply_to=eppd, reply_to_bot=True)
    assert led.via is Via.REPLY and "Helberg" in said(led)
    _, when = await ask(
        talk, "et la première réunion, c'était quand ?", reply_to=eppd, reply_to_bot=True
    )
    assert when.lang == "fr" and when.kind is Kind.ANSWER
    assert when.context.partnership_id == "us-tw-eppd"

    ami, _ = await posted(talk, f"<@{BOT}> c'est quoi l'AMI ?", mentions_bot=True)
    _, who = await ask(talk, "qui l'a annoncé ?", reply_to=ami, reply_to_bot=True)
    assert who.context.item_id.startswith("fr-tw-ami")


async def test_a_follow_up_that_names_something_else_is_about_that(talk):
    eppd, _ = await posted(talk, f"<@{BOT}> what is the EPPD?", mentions_bot=True)
    _, reply = await ask(
        talk, "when does the France–Taiwan call close?", reply_to=eppd, reply_to_bot=True
    )
    assert "15 May 2025" in said(reply)


async def test_the_context_survives_a_restart(seeded, talk, clock):
    eppd, _ = await posted(talk, f"<@{BOT}> what is the EPPD?", mentions_bot=True)
    restarted = Conversations(seeded, Knowledge(seeded, clock=lambda: TODAY), clock=clock)
    await restarted.load()
    _, reply = await ask(restarted, "who led it?", reply_to=eppd, reply_to_bot=True)
    assert "Helberg" in said(reply)
    assert restarted.is_qa(QA)


async def test_a_reply_that_is_thanks_or_not_a_question_is_left_alone(talk):
    eppd, _ = await posted(talk, f"<@{BOT}> what is the EPPD?", mentions_bot=True)
    for text in ("thanks!", "merci beaucoup 🙏", "", "ok", "nice, I will read more later"):
        assert (await ask(talk, text, reply_to=eppd, reply_to_bot=True))[1] is None, text
    _, reply = await ask(talk, "what's the weather tomorrow?", reply_to=eppd, reply_to_bot=True)
    assert reply.kind is Kind.UNKNOWN  # a question, even out of scope, is answered
    assert reply.context.partnership_id == "us-tw-eppd"  # and keeps the context it had


async def test_a_reply_to_a_bot_message_that_was_no_answer_has_no_context(talk):
    _, reply = await ask(talk, "who led the talks?", reply_to=999, reply_to_bot=True)
    assert reply.kind is Kind.ANSWER and "Helberg" in said(reply)


async def test_a_bare_mention_replying_to_someones_question_answers_that_question(talk):
    _, reply = await ask(
        talk, f"<@{BOT}>", mentions_bot=True, reply_to=5, replied_text="quand ferme l'AMI ?"
    )
    assert reply.kind is Kind.ANSWER and "15 mai 2025" in said(reply)


# Q&A channels ----------------------------------------------------------------------------------


async def test_a_qa_channel_answers_only_the_questions_the_engine_is_sure_of(talk):
    _, reply = await ask(talk, "quand ferme l'AMI ?", channel_id=QA)
    assert (reply.kind, reply.via) == (Kind.ANSWER, Via.QA)
    for text in (
        "merci !",
        "hello everyone",
        "how are you?",
        "ça va ?",
        "what's the weather in Paris tomorrow?",
        "the AMI closed in May",
        "x" * 6000 + "?",
        "🚀🔥💥",
        "",
    ):
        assert (await ask(talk, text, channel_id=QA))[1] is None, text


async def test_a_thread_of_a_qa_channel_is_one_too(talk):
    _, reply = await ask(talk, "who led the US–Taiwan talks?", channel_id=77, parent_id=QA)
    assert reply is not None and "Helberg" in said(reply)


async def test_qa_channels_are_turned_on_and_off_audited_and_bounded(talk, seeded):
    assert not await talk.enable_qa(GUILD, QA, user_id=8)  # already on: nothing changes
    assert await talk.disable_qa(GUILD, QA, user_id=8)
    assert not await talk.disable_qa(GUILD, QA, user_id=8)
    assert not talk.is_qa(QA)
    for channel in range(MAX_QA_CHANNELS):
        assert await talk.enable_qa(GUILD, 500 + channel, user_id=8)
    with pytest.raises(UserError) as refused:
        await talk.enable_qa(GUILD, 999, user_id=8)
    assert refused.value.key == "qa.too_many"
    audit = await seeded.conn.execute_fetchall("SELECT action FROM audit_log ORDER BY id")
    assert [row["action"] for row in audit][:3] == ["qa.on", "qa.off", "qa.on"]
    await talk.channel_gone(500)
    assert not talk.is_qa(500)
    await talk.forget_guild(GUILD)
    assert not talk.is_qa(501) and await talk.qa_channels(GUILD) == []


async def test_qa_channels_deleted_while_the_bot_was_away_are_forgotten(talk):
    await talk.enable_qa(GUILD, 500, user_id=8)
    await talk.enable_qa(2, 600, user_id=8)  # another server's is left alone
    assert await talk.channels_left(GUILD, {500, 12, 13}) == [QA]
    assert not talk.is_qa(QA) and talk.is_qa(500) and talk.is_qa(600)
    assert [c.channel_id for c in await talk.qa_channels(GUILD)] == [500]
    assert await talk.channels_left(GUILD, {500}) == []


# rate limits -----------------------------------------------------------------------------------


async def test_a_burst_of_mentions_gets_three_answers_and_one_note(strict):
    replies = [
        (await ask(strict, f"<@{BOT}> deadline AMI?", mentions_bot=True))[1] for _ in range(6)
    ]
    kinds = [reply.kind if reply else None for reply in replies]
    assert kinds == [Kind.ANSWER] * 3 + [Kind.NOTE, None, None]
    assert "few seconds" in replies[3].text


async def test_a_burst_in_a_qa_channel_is_dropped_silently(strict, clock):
    replies = [(await ask(strict, "deadline AMI?", channel_id=QA))[1] for _ in range(6)]
    assert [r is not None for r in replies] == [True] * 3 + [False] * 3
    assert (await ask(strict, "deadline AMI?", channel_id=QA, author_id=8))[1] is not None
    clock.advance(seconds=5)
    assert (await ask(strict, "deadline AMI?", channel_id=QA))[1] is not None


async def test_edits_again_and_again_are_followed_and_count_against_their_author(strict):
    message, reply = await ask(strict, f"<@{BOT}> deadline AMI?", mentions_bot=True)
    await strict.remember(message, reply, 700)
    changes = []
    for text in ("who led the talks?", "what is pax silica?", "what is the EPPD?"):
        edited = heard(f"<@{BOT}> {text}", message_id=message.message_id, mentions_bot=True)
        changes.append(len(await strict.revise(edited, bot_id=BOT, stamp=stamp)))
    assert changes == [1, 1, 1]  # an answered question is never lost to the rate limit
    _, note = await ask(strict, f"<@{BOT}> what is the EPPD?", mentions_bot=True)
    assert note is not None and note.kind is Kind.NOTE  # but the edits used the author's answers


# edits and deletions ---------------------------------------------------------------------------


async def test_an_edit_within_ten_minutes_changes_the_reply(talk, clock):
    message, reply = await ask(talk, f"<@{BOT}> who led the talks?", mentions_bot=True)
    await talk.remember(message, reply, 500)
    changed = heard(
        f"<@{BOT}> quand ferme l'AMI ?", message_id=message.message_id, mentions_bot=True
    )
    [revision] = await talk.revise(changed, bot_id=BOT, stamp=stamp)
    assert revision.link.answer_id == 500 and "15 mai 2025" in said(revision.reply)
    await talk.revised(revision)
    assert await talk.revise(changed, bot_id=BOT, stamp=stamp) == []  # the same text again
    clock.advance(minutes=11)
    later = heard(f"<@{BOT}> who led the talks?", message_id=message.message_id, mentions_bot=True)
    assert await talk.revise(later, bot_id=BOT, stamp=stamp) == []


async def test_an_edit_that_is_no_longer_a_question_for_the_bot_deletes_the_reply(talk):
    message, reply = await ask(talk, "quand ferme l'AMI ?", channel_id=QA)
    await talk.remember(message, reply, 501)
    thanks = heard("merci !", message_id=message.message_id, channel_id=QA)
    [revision] = await talk.revise(thanks, bot_id=BOT, stamp=stamp)
    assert revision.reply is None
    await talk.revised(revision)
    assert await talk.deleted(message.message_id) == []

    message, reply = await ask(talk, f"<@{BOT}> deadline AMI?", mentions_bot=True)
    await talk.remember(message, reply, 502)
    unmentioned = heard("deadline AMI?", message_id=message.message_id)
    assert [r.reply for r in await talk.revise(unmentioned, bot_id=BOT, stamp=stamp)] == [None]
    unread = heard("", message_id=message.message_id, readable=False)
    assert [r.reply for r in await talk.revise(unread, bot_id=BOT, stamp=stamp)] == [None]


async def test_an_unreadable_edit_of_a_reply_changes_nothing(talk):
    eppd, _ = await posted(talk, f"<@{BOT}> what is the EPPD?", mentions_bot=True)
    message, reply = await ask(talk, "who led it?", reply_to=eppd, reply_to_bot=True)
    await talk.remember(message, reply, 503)
    unread = heard("", message_id=message.message_id, reply_to=eppd, readable=False)
    assert await talk.revise(unread, bot_id=BOT, stamp=stamp) == []


async def test_deleting_a_question_gives_its_replies_and_an_answer_deleted_is_forgotten(talk):
    message, reply = await ask(talk, f"<@{BOT}> deadline AMI?", mentions_bot=True)
    await talk.remember(message, reply, 600)
    assert [link.answer_id for link in await talk.deleted(message.message_id)] == [600]
    assert await talk.deleted(600) == []  # a moderator deleted the bot's reply: forgotten
    _, follow = await ask(talk, "who announced it?", reply_to=600, reply_to_bot=True)
    assert follow.context is None or follow.context.item_id != "fr-tw-ami-deadline"


async def test_create_edit_and_delete_of_one_message_take_turns(talk):
    order = []

    async def handle(name: str, pause: float) -> None:
        async with talk.one_at_a_time(1):
            order.append(f"{name} in")
            await asyncio.sleep(pause)
            order.append(f"{name} out")

    await asyncio.gather(handle("create", 0.02), handle("edit", 0))
    assert order == ["create in", "create out", "edit in", "edit out"]
    assert talk._locks == {}


# the message command ---------------------------------------------------------------------------


async def test_ask_silicon_bridge_answers_any_message_of_someone_else(talk):
    target = heard("combien Taïwan investit aux États-Unis ?", author_id=9, guild_lang="en")
    reply = await talk.ask_message(target, own=False, invoker_id=7, user_lang="en", stamp=stamp)
    assert (reply.kind, reply.lang, reply.via) == (Kind.ANSWER, "fr", Via.MENU)
    for text, own, key in (
        ("deadline AMI?", True, "menu.own_answer"),
        ("🚀", False, "menu.no_text"),
        ("x" * 6000, False, "error.too_long"),
    ):
        with pytest.raises(UserError) as refused:
            await talk.ask_message(heard(text), own=own, invoker_id=7, user_lang="en", stamp=stamp)
        assert refused.value.key == key


# channels that refuse replies ------------------------------------------------------------------


async def test_a_channel_that_refuses_is_left_alone_and_warned_about_once(talk, clock):
    assert talk.cannot_send(CHANNEL) is True
    assert talk.muted(CHANNEL)
    assert talk.cannot_send(CHANNEL) is False  # still refused: no second warning
    clock.advance(minutes=11)
    assert not talk.muted(CHANNEL)  # tried again, once, after a while
    talk.sent(CHANNEL)
    assert talk.cannot_send(CHANNEL) is True
