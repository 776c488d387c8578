"""Questions in channels, attacked from plain text: each test shows one way the domain
misbehaves (it fails until the domain is fixed). A real seeded store; no Discord."""

from __future__ import annotations

from tests.bot.conversation.test_service import BOT, ask, clock, posted, said, talk  # noqa: F401

DM = 20


async def test_a_reply_to_an_answer_in_a_direct_message_keeps_its_context(talk):  # noqa: F811
    eppd, reply = await posted(talk, "what is the EPPD?", channel_id=DM, guild_id=None)
    assert reply.context is not None and reply.context.partnership_id == "us-tw-eppd"
    _, when = await ask(
        talk,
        "and when did it start?",
        channel_id=DM,
        guild_id=None,
        reply_to=eppd,
        reply_to_bot=True,
    )
    assert when is not None and "2020" in said(when)
    assert when.context is not None and when.context.partnership_id == "us-tw-eppd"
