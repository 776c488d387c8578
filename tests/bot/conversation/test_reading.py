"""Reading a message from its plain text: addressed to the bot or not, a question or not, in
which language."""

from __future__ import annotations

import pytest

from bot.conversation.reading import (
    Heard,
    Via,
    clean,
    is_blank,
    is_chitchat,
    mentions,
    question_language,
    reads_as_question,
    via,
)

BOT = 42


def heard(text: str = "", **changes) -> Heard:
    fields = {"message_id": 1, "author_id": 7, "channel_id": 10, "guild_id": 1, "text": text}
    fields.update(changes)
    return Heard(**fields)


@pytest.mark.parametrize(
    "text",
    [
        "quand ferme l'AMI ?",
        "who led the US–Taiwan talks?",
        "combien Taïwan investit aux États-Unis",
        "Qui a dirigé les discussions",
        "est-ce que l'AMI est encore ouvert",
        "c'est quoi Pax Silica",
        "When does the call close",
        "is the AMI still open",
        "y a-t-il une date limite",
        "Où déposer le dossier",
        "how much will Taiwan invest",
        "deadline AMI？",
    ],
)
def test_questions_read_as_questions(text):
    assert reads_as_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "merci !",
        "thanks a lot",
        "bonjour à tous",
        "the AMI closed in May",
        "l'AMI a fermé en mai",
        "lol",
        "🚀🔥💥",
        "",
        "   ",
        "<@42>",
    ],
)
def test_statements_and_chitchat_do_not(text):
    assert not reads_as_question(text)


def test_chitchat_is_thanks_greetings_and_assent_only():
    for text in ("merci !", "Thanks a lot 🙏", "ok cool", "bonjour", "Salut tout le monde"):
        assert is_chitchat(text), text
    for text in ("merci, et la date limite ?", "hello, who led the talks?", "", "🚀"):
        assert not is_chitchat(text), text


def test_blank_is_nothing_to_read():
    for text in ("", "   ", "🚀🔥💥", "<@42>", "@everyone", "<@&5> <#6> !!!", "<:party:123>"):
        assert is_blank(text), text
    assert not is_blank("AMI")


def test_clean_takes_out_the_bots_mention_only():
    assert clean(f"<@{BOT}>   quand ferme\n l'AMI ?", BOT) == "quand ferme l'AMI ?"
    assert clean(f"<@!{BOT}> hello <@7> @everyone", BOT) == "hello <@7> @everyone"
    assert clean(f"<@{BOT}>", BOT) == ""


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("quand ferme l'AMI ?", "fr"),
        ("et c'était quand ?", "fr"),
        ("combien Taïwan investit aux États-Unis ?", "fr"),
        ("who led it?", "en"),
        ("when does the call close?", "en"),
        ("AMI ?", None),
        ("EPPD", None),
        ("🚀", None),
    ],
)
def test_the_language_of_a_question_or_none_when_nothing_tells(text, lang):
    assert question_language(text) == lang


def test_how_a_message_is_addressed():
    assert via(heard("hi", from_bot=True, mentions_bot=True), qa=True) is None
    assert via(heard("hi", guild_id=None), qa=False) is Via.DM
    assert via(heard("hi", guild_id=None, reply_to=5, reply_to_bot=True), qa=False) is Via.REPLY
    assert via(heard("hi", reply_to=5, reply_to_bot=True, mentions_bot=True), qa=True) is Via.REPLY
    assert via(heard("hi", mentions_bot=True), qa=True) is Via.MENTION
    assert via(heard("hi"), qa=True) is Via.QA
    assert via(heard("hi"), qa=False) is None
    assert via(heard("hi", reply_to=5), qa=False) is None  # a reply to someone else


def test_a_mention_in_code_or_escaped_is_no_mention():
    assert mentions("<@42> quand ferme l'AMI ?", 42)
    assert mentions("hey <@!42>, `code` and a question", 42)
    assert not mentions("<@43> hello", 42)
    assert not mentions("tapez `<@42> votre question` ici", 42)
    assert not mentions("To ask it:\n```\n<@42> when does the AMI close?\n```", 42)
    assert not mentions("``<@42>``", 42)
    assert not mentions("écrivez \\<@42> puis la question", 42)
