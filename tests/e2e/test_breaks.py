"""Attacks on the reminder guarantee through the fake Discord that it does not withstand.

Each test fails on the code as it is; see tests/bot/reminders/test_breaks.py for the others.
"""

from __future__ import annotations

from store import reminders as reminders_sql
from tests.e2e.support import ADMIN, CHANNEL, GUILD, add_deadline, admin, embed_text


async def own_deadline_id(fake, title: str) -> str:
    choices = await fake.autocomplete(
        "deadline remove", {"name": ""}, guild_id=GUILD, permissions=ADMIN
    )
    [found] = [c["value"] for c in choices["data"]["choices"] if c["name"] == title]
    return found


async def test_a_deadline_added_again_after_a_removal_gets_its_reminder_posted(
    bot, fake, clock, passes
):
    """An admin's deadline had the wrong time: its 10-minute reminder was just posted, so the
    admin removes it and adds the right one. The removal deletes the sent reminder's row (the
    rows cascade with the deadline), the new reminder gets the same rowid, hence the same nonce
    ``reminder-<id>``, and Discord (here the fake, which keeps nonces 5 minutes) returns the old
    message: the right deadline's reminder never appears, yet it is recorded as sent."""
    await admin(fake, "reminders channel", {"channel": CHANNEL})
    await admin(fake, "reminders offsets", {"offsets": "10m"})
    await add_deadline(fake, "2026-11-23 13:30", title="Wrong time")  # 12:30 UTC
    clock.advance(minutes=20)
    bot.scheduler.wake()
    await fake.wait_for_message(CHANNEL)
    clock.advance(minutes=1)
    removed = await admin(
        fake, "deadline remove", {"name": await own_deadline_id(fake, "Wrong time")}
    )
    assert "removed" in removed["data"]["content"]
    await add_deadline(fake, "2026-11-23 13:33", title="Right time")  # reminder at 12:23 UTC
    clock.advance(minutes=2)
    assert await passes.wake() == 1
    await fake.quiet()
    [row] = await reminders_sql.of_guild(bot.store.conn, GUILD)
    assert row.state == "sent"
    texts = [embed_text({"data": m}) for m in fake.channel_messages(CHANNEL)]
    assert len(texts) == 2 and "Right time" in texts[1], (
        f"one message only, {row.nonce} reused: the reminder of 'Right time' never appeared"
    )
