"""Questions in channels, attacked through the fake Discord: each test shows one way the bot
misbehaves (it fails until the bot is fixed)."""

from __future__ import annotations

import asyncio

from fakediscord import FakeUser
from tests.e2e.support import (
    CHANNEL,
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
