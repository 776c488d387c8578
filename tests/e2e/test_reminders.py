"""Reminders end to end through the fake Discord: admin commands, posts, failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fakediscord import Perm
from store import reminders as reminders_sql
from store import settings as settings_sql
from tests.e2e.support import (
    CHANNEL,
    GUILD,
    LOBBY,
    ROLE,
    add_deadline,
    admin,
    embed_text,
    is_ephemeral,
    sent_bodies,
)
from tests.support import eventually

POSTS = rf"/channels/{CHANNEL}/messages$"


async def paused_for(bot, reason: str):
    """Until the scheduler has paused the server's reminders for ``reason``."""

    async def paused():
        settings = await settings_sql.get(bot.store.reader, GUILD)  # committed, as commands read
        return settings is not None and settings.paused_reason == reason

    await eventually(paused, f"reminders paused ({reason})")


async def test_every_admin_command_refuses_a_member_without_manage_server(bot, fake):
    member = Perm.SEND_MESSAGES | Perm.VIEW_CHANNEL
    for name, options in [
        ("reminders channel", {"channel": CHANNEL}),
        ("reminders offsets", {"offsets": "1d"}),
        ("reminders role", {}),
        ("reminders off", {}),
        ("reminders status", {}),
        ("reminders timezone", {"timezone": "Asia/Taipei"}),
        ("deadline add", {}),
        ("deadline edit", {"name": "x"}),
        ("deadline remove", {"name": "x"}),
        ("deadline event", {"name": "x"}),
    ]:
        response = await fake.slash(name, options, guild_id=GUILD, permissions=member, locale="fr")
        assert is_ephemeral(response), name
        assert "Gérer le serveur" in response["data"]["content"], name
    assert fake.channel_messages(CHANNEL) == []


async def test_a_reminder_is_posted_at_the_right_time_with_the_right_content(
    bot, fake, clock, passes
):
    done = await admin(fake, "reminders channel", {"channel": CHANNEL})
    assert "<#" in done["data"]["content"] and is_ephemeral(done)
    added = await add_deadline(fake, "2026-11-23 16:00")  # 15:00 UTC, two hours from now
    assert "Consortium paperwork" in added["data"]["content"]
    status = await admin(fake, "reminders status")
    assert "<t:1795442400:F>" in embed_text(status)  # only the 1-hour reminder, at 14:00 UTC
    clock.advance(hours=1, minutes=59, seconds=59)
    assert await passes.wake() == 0  # a second early: the scheduler looked and sent nothing
    await fake.quiet()
    assert fake.channel_messages(CHANNEL) == []
    clock.advance(seconds=1)
    bot.scheduler.wake()
    message = await fake.wait_for_message(CHANNEL)
    text = embed_text({"data": message})
    assert "Rappel : Consortium paperwork (FR)" in text  # the server's language
    assert "<t:1795446000:R>" in text
    assert "AMI France–Taïwan" in text
    [body] = sent_bodies(fake)
    assert body["allowed_mentions"] == {"parse": []}
    rows = await reminders_sql.of_guild(bot.store.conn, GUILD)
    assert [r.offset_minutes for r in rows if r.nonce == body["nonce"]] == [60]  # its own nonce
    assert body["enforce_nonce"] is True
    button = message["components"][0]["components"][0]
    assert button["custom_id"].startswith("show:admin-")
    clicked = await fake.click(button["custom_id"], message=message, locale="fr")
    assert "Consortium paperwork (FR)" in embed_text(clicked)
    assert await passes.wake() == 0  # nothing left to send
    await fake.quiet()
    assert len(fake.channel_messages(CHANNEL)) == 1  # once only


async def test_the_opt_in_role_is_the_only_mention(bot, fake, clock):
    await admin(fake, "reminders channel", {"channel": CHANNEL})
    await admin(fake, "reminders role", {"role": ROLE})
    await add_deadline(fake, "2026-11-23 15:00")
    clock.advance(hours=1)
    bot.scheduler.wake()
    message = await fake.wait_for_message(CHANNEL)
    assert message["content"] == f"<@&{ROLE}>"
    [body] = sent_bodies(fake)
    assert body["allowed_mentions"]["parse"] == []
    assert [int(r) for r in body["allowed_mentions"]["roles"]] == [ROLE]


async def test_a_deleted_channel_pauses_reminders_and_status_says_so(bot, fake, clock, passes):
    await admin(fake, "reminders channel", {"channel": CHANNEL})
    await add_deadline(fake, "2026-11-23 15:00")
    await fake.delete_channel(CHANNEL)
    clock.advance(hours=1)
    bot.scheduler.wake()
    await paused_for(bot, "channel_missing")
    status = await admin(fake, "reminders status", locale="fr", channel_id=LOBBY)
    assert "En pause" in embed_text(status)
    assert "n'existe plus" in embed_text(status)
    attempts = len(fake.requests_to("POST", POSTS))
    checks = len(fake.requests_to("GET", rf"/channels/{CHANNEL}$"))
    clock.advance(minutes=10)
    assert await passes.wake() == 0  # paused: nothing is claimed
    await fake.quiet()
    assert len(fake.requests_to("POST", POSTS)) == attempts  # never posted into the void
    assert len(fake.requests_to("GET", rf"/channels/{CHANNEL}$")) == checks + 1  # looked again
    assert (await bot.reminders.settings(GUILD)).paused_reason == "channel_missing"


async def test_lost_permission_pauses_and_a_rate_limit_is_retried(bot, fake, clock):
    await admin(fake, "reminders channel", {"channel": CHANNEL})
    await add_deadline(fake, "2026-11-23 15:00")
    fake.inject("POST", POSTS, 429, times=1, retry_after=0.05)
    clock.advance(hours=1)
    bot.scheduler.wake()
    await fake.wait_for_message(CHANNEL)  # discord.py waited and tried again
    await add_deadline(fake, "2026-11-23 15:30", title="Second")
    fake.inject("POST", POSTS, 403, times=100)
    clock.advance(minutes=30)
    bot.scheduler.wake()
    await paused_for(bot, "no_permission")
    status = await admin(fake, "reminders status")
    assert "permission" in embed_text(status)


async def test_the_bot_keeps_the_test_clock_which_starts_at_noon(bot, clock):
    noon = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # "two hours from now" above counts from it
    assert bot.clock() == bot.scheduler.clock() == bot.reminders.clock() == noon
    one_pm = clock.advance(hours=1)
    assert one_pm == noon + timedelta(hours=1)
    assert bot.clock() == bot.scheduler.clock() == bot.reminders.clock() == one_pm
