"""A question edited or deleted, through the fake Discord: the bot's reply follows it, within ten
minutes for an edit, and nothing else in the channel is touched."""

from __future__ import annotations

from fakediscord import FakeUser
from tests.e2e.support import (
    CHANNEL,
    LOBBY,
    admin,
    mention,
    replies_to,
    reply_text,
    reply_to,
    say,
)


def bot_calls(fake, method: str) -> list:
    return fake.requests_to(method, rf"/channels/{CHANNEL}/messages/\d+$")


async def test_an_edited_question_gets_its_reply_edited(bot, fake):
    question = await say(fake, f"{mention(fake)} who led the US–Taiwan talks?")
    reply = await reply_to(fake, question)
    assert "Helberg" in reply_text(reply)
    await fake.edit_user_message(question, f"{mention(fake)} quand ferme l'AMI ?")
    await fake.quiet()
    [edited] = replies_to(fake, question)
    assert edited["id"] == reply["id"] and "15 mai 2025" in reply_text(edited)
    [patch] = bot_calls(fake, "PATCH")
    assert patch.body["allowed_mentions"] == {"parse": []}


async def test_an_edit_that_changes_nothing_changes_nothing(bot, fake):
    question = await say(fake, f"{mention(fake)} deadline AMI")
    await reply_to(fake, question)
    await fake.edit_user_message(question, f"{mention(fake)} deadline AMI")  # a link preview
    await fake.quiet()
    assert bot_calls(fake, "PATCH") == bot_calls(fake, "DELETE") == []


async def test_an_edit_that_is_no_longer_a_question_for_the_bot_deletes_the_reply(bot, fake):
    await admin(fake, "qa channel", {"channel": LOBBY})
    question = await say(fake, "quand ferme l'AMI ?", channel=LOBBY)
    await reply_to(fake, question)
    await fake.edit_user_message(question, "merci, j'ai trouvé")
    await fake.quiet()
    assert replies_to(fake, question) == []
    mentioned = await say(fake, f"{mention(fake)} deadline AMI", author=FakeUser())
    await reply_to(fake, mentioned)
    await fake.edit_user_message(mentioned, "deadline AMI")  # the mention taken out
    await fake.quiet()
    assert replies_to(fake, mentioned) == []


async def test_a_help_reply_becomes_an_answer_when_the_question_is_added(bot, fake):
    question = await say(fake, mention(fake))
    assert "/aide" in (await reply_to(fake, question))["content"]
    await fake.edit_user_message(question, f"{mention(fake)} quand ferme l'AMI ?")
    await fake.quiet()
    [reply] = replies_to(fake, question)
    assert reply["content"] == "" and "15 mai 2025" in reply_text(reply)


async def test_an_edit_after_ten_minutes_leaves_the_reply(bot, fake, clock):
    question = await say(fake, f"{mention(fake)} who led the US–Taiwan talks?")
    await reply_to(fake, question)
    clock.advance(minutes=11)
    await fake.edit_user_message(question, f"{mention(fake)} quand ferme l'AMI ?")
    await fake.quiet()
    [reply] = replies_to(fake, question)
    assert "Helberg" in reply_text(reply)


async def test_a_deleted_question_takes_its_reply_and_nothing_else(bot, fake):
    other = await say(fake, "a message of someone else", author=FakeUser())
    kept = await reply_to(fake, await say(fake, f"{mention(fake)} what is the EPPD?"))
    question = await say(fake, f"{mention(fake)} quand ferme l'AMI ?", author=FakeUser())
    reply = await reply_to(fake, question)
    await fake.delete_user_message(question)
    await fake.quiet()
    assert [call.path for call in bot_calls(fake, "DELETE")] == [
        f"/channels/{CHANNEL}/messages/{reply['id']}"
    ]
    assert fake.live_message(int(other["id"])) is not None
    assert fake.live_message(int(kept["id"])) is not None


async def test_a_bulk_deletion_takes_the_replies_too(bot, fake):
    questions = [
        await say(fake, f"{mention(fake)} deadline AMI ?", author=FakeUser()) for _ in range(2)
    ]
    replies = [await reply_to(fake, q) for q in questions]
    await fake.delete_user_messages(questions)
    await fake.quiet()
    assert all(fake.live_message(int(r["id"])) is None for r in replies)


async def test_a_question_deleted_before_the_answer_is_posted_gets_no_answer(bot, fake):
    question = await say(fake, f"{mention(fake)} quand ferme l'AMI ?")
    await fake.delete_user_message(question)
    await fake.quiet()
    assert fake.channel_messages(CHANNEL) == []


async def test_a_reply_deleted_by_a_moderator_is_forgotten(bot, fake):
    question = await say(fake, f"{mention(fake)} quand ferme l'AMI ?")
    reply = await reply_to(fake, question)
    await fake.quiet()  # the bot has recorded its reply
    fake.delete_message(int(reply["id"]))
    await fake.dispatch(
        "MESSAGE_DELETE",
        {"id": reply["id"], "channel_id": reply["channel_id"], "guild_id": reply["guild_id"]},
    )
    await fake.quiet()
    await fake.edit_user_message(question, f"{mention(fake)} who led the US–Taiwan talks?")
    await fake.quiet()
    assert bot_calls(fake, "PATCH") == []  # nothing left to edit
