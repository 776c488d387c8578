"""The "Ask Silicon Bridge" message command through the fake Discord: any message answered
publicly, quoting who asked; in French and English; without the message content intent too."""

from __future__ import annotations

from fakediscord import ApplicationFlag, FakeDiscord, FakeUser, running_bot
from tests.e2e.support import (
    CHANNEL,
    GUILD,
    assert_no_mentions,
    embed_text,
    is_ephemeral,
    make_bot,
    make_guild,
    say,
)

MENU = "Ask Silicon Bridge"


async def test_the_menu_answers_someone_elses_message_publicly_quoting_them(bot, fake):
    asker = FakeUser(username="asker")
    message = await say(fake, "quand ferme l'AMI ?  @everyone", author=asker)
    response = await fake.message_command(MENU, message, locale="en-US")
    assert not is_ephemeral(response)
    content = response["data"]["content"]
    assert f"<@{asker.id}>" in content and "> quand ferme l'AMI ? @everyone" in content
    assert "a demandé" in content  # the language of the question
    assert "15 mai 2025" in embed_text(response) and "Source" in embed_text(response)
    assert_no_mentions(response)
    buttons = [c for row in response["data"]["components"] for c in row["components"]]
    assert buttons and all(b["custom_id"].startswith("show:") for b in buttons)


async def test_the_menu_in_english_and_a_follow_up_to_its_answer(bot, fake):
    message = await say(fake, "who led the US–Taiwan talks?", author=FakeUser())
    response = await fake.message_command(MENU, message, locale="fr")
    assert "asked" in response["data"]["content"] and "Helberg" in embed_text(response)
    follow = await say(fake, "and when was that?", reply_to=response["message"])
    reply = await fake.wait_for_message(
        CHANNEL, lambda m: (m.get("message_reference") or {}).get("message_id") == follow["id"]
    )
    assert "2026" in embed_text({"data": reply})


async def test_what_the_menu_cannot_answer_is_told_to_the_invoker_only(bot, fake):
    own = fake.post_channel_message(CHANNEL, {"content": "an answer of the bot"}, [])
    for target, expected in (
        (own, "one of my own messages"),
        (await say(fake, "🚀🔥💥"), "no text"),
        (await say(fake, "x" * 6000), "too long"),
    ):
        response = await fake.message_command(MENU, target)
        assert is_ephemeral(response) and expected in response["data"]["content"]
    assert fake.channel_messages(CHANNEL) == [own]


async def test_the_menu_is_named_in_french_and_rate_limited(bot, fake):
    [menu] = [c for c in fake.command_payloads[GUILD] if c.get("type") == 3]
    assert menu["name_localizations"]["fr"] == "Demander à Silicon Bridge"
    message = await say(fake, "deadline AMI ?")
    answers = [await fake.message_command(MENU, message) for _ in range(4)]
    assert [is_ephemeral(a) for a in answers] == [False, False, False, True]
    assert "few seconds" in answers[3]["data"]["content"]


async def test_the_menu_works_without_the_message_content_intent(tmp_path, clock):
    flags = ApplicationFlag.GATEWAY_GUILD_MEMBERS_LIMITED
    async with FakeDiscord(guilds=[make_guild()], application_flags=flags, timeout=5.0) as fake:
        async with running_bot(make_bot(fake, tmp_path / "bot.sqlite3", clock), fake) as bot:
            assert not bot.intents.message_content
            message = await say(fake, "combien Taïwan investit aux États-Unis ?")
            response = await fake.message_command(MENU, message)
            assert "250 milliards" in embed_text(response)


async def test_the_menus_answer_goes_when_the_message_is_deleted(bot, fake):
    message = await say(fake, "quand ferme l'AMI ?", author=FakeUser())
    response = await fake.message_command(MENU, message)
    await fake.quiet()
    await fake.delete_user_message(message)
    await fake.quiet()
    assert fake.live_message(int(response["message"]["id"])) is None


async def test_the_menus_answer_follows_an_edit_of_the_message(bot, fake):
    asker = FakeUser(username="asker")
    message = await say(fake, "who led the US–Taiwan talks?", author=asker)
    response = await fake.message_command(MENU, message)
    await fake.quiet()
    await fake.edit_user_message(message, "quand ferme l'AMI ?")
    await fake.quiet()
    edited = fake.live_message(int(response["message"]["id"]))
    assert "> quand ferme l'AMI ?" in edited["content"] and f"<@{asker.id}>" in edited["content"]
    assert "15 mai 2025" in embed_text({"data": edited})
