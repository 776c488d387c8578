"""What the end-to-end tests share: the server the fake Discord serves, and how to read replies.

The bot itself is built in ``tests/e2e/conftest.py`` (fixtures ``fake`` and ``bot``) or, where a
test needs to start it by hand, with :func:`make_bot`.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.client import SiliconBridge
from bot.config import Settings
from fakediscord import FakeChannel, FakeDiscord, FakeGuild, FakeRole, Perm
from tests.support import PROJECT, SEEDS

GUILD = 1_200_000_000_000_000_001
CHANNEL = 1_200_000_000_000_000_002
ROLE = 1_200_000_000_000_000_003
LOBBY = 1_200_000_000_000_000_004  # where admins type commands when CHANNEL is gone
EPHEMERAL = 1 << 6
ADMIN = Perm.MANAGE_GUILD | Perm.SEND_MESSAGES | Perm.VIEW_CHANNEL


def make_guild() -> FakeGuild:
    """The one server of the end-to-end tests: French, a channel, a role to mention."""
    return FakeGuild(
        name="Silicon Test",
        id=GUILD,
        channels=[FakeChannel("general", id=CHANNEL), FakeChannel("lobby", id=LOBBY)],
        roles=[FakeRole("watchers", id=ROLE)],
        preferred_locale="fr",
    )


class QuickBot(SiliconBridge):
    async def before_identify_hook(self, shard_id, *, initial=False) -> None:
        """No pause before a repeated IDENTIFY: the fake does not rate-limit."""


def make_bot(fake: FakeDiscord, database: Path, clock) -> SiliconBridge:
    """The real bot, configured as ``python -m bot run`` would be, against the fake."""
    settings = Settings(
        token=fake.token,
        database=database,
        seeds_dir=SEEDS,
        api_base=fake.api_base,
        dev_guild_id=GUILD,
    )
    return QuickBot(settings, clock=clock, guild_ready_timeout=0.05)


def embed_text(response: dict) -> str:
    """Everything a user reads in the response's embeds."""
    parts = []
    for embed in response["data"].get("embeds", []):
        parts += [embed.get("title", ""), embed.get("description", "")]
        for field in embed.get("fields", []):
            parts += [field["name"], field["value"]]
        parts.append(embed.get("footer", {}).get("text", ""))
    return "\n".join(parts)


def is_ephemeral(response: dict) -> bool:
    return bool(response["data"].get("flags", 0) & EPHEMERAL)


def assert_no_mentions(response: dict) -> None:
    assert response["data"].get("allowed_mentions") == {"parse": []}


async def ask(fake, question, locale="en-US", **kwargs):
    return await fake.slash(
        "ask", {"question": question}, guild_id=GUILD, channel_id=CHANNEL, locale=locale, **kwargs
    )


async def admin(fake, name, options=None, **kwargs):
    kwargs.setdefault("locale", "en-US")
    kwargs.setdefault("channel_id", CHANNEL)
    return await fake.slash(
        name,
        options or {},
        guild_id=GUILD,
        permissions=ADMIN,
        guild_locale="fr",
        **kwargs,
    )


async def add_deadline(fake, when: str, title: str = "Consortium paperwork") -> dict:
    opened = await admin(fake, "deadline add")
    assert opened["type"] == 9  # a modal
    return await fake.submit_modal(
        opened["data"]["custom_id"],
        {
            "deadline-form:title_fr": f"{title} (FR)",
            "deadline-form:title_en": title,
            "deadline-form:when": when,
            "deadline-form:timezone": "Europe/Paris",
            "deadline-form:link": "fr-tw-ami",
        },
    )


def sent_bodies(fake) -> list[dict]:
    """What the bot asked Discord to post in the channel (the request bodies)."""
    return [
        r.body
        for r in fake.requests_to("POST", rf"/channels/{CHANNEL}/messages$")
        if r.status == 200
    ]


def mention(fake) -> str:
    """How a user mentions the bot in a message."""
    return f"<@{fake.bot.id}>"


async def say(fake, text: str, *, channel: int = CHANNEL, **kwargs) -> dict:
    """A member writes in a channel (by default the server's ``general``)."""
    return await fake.send_user_message(channel, text, **kwargs)


def replies_to(fake, message: dict) -> list[dict]:
    """The bot's live replies to a message, oldest first."""
    return [
        m
        for m in fake.channel_messages(int(message["channel_id"]))
        if (m.get("message_reference") or {}).get("message_id") == message["id"]
    ]


async def reply_to(fake, message: dict) -> dict:
    """Wait for the bot's reply to a message (a Discord reply to it), and return it once the
    bot is done with it (it records the reply after posting it: a reply to the reply may come
    next)."""
    found = await fake.wait_for_message(
        int(message["channel_id"]),
        lambda m: (m.get("message_reference") or {}).get("message_id") == message["id"],
    )
    await fake.quiet(for_=0.05)
    return found


def reply_text(reply: dict) -> str:
    """Everything a user reads in a reply: its text and its embeds."""
    return "\n".join([reply.get("content") or "", embed_text({"data": reply})])


def assert_pings_nobody(fake, reply: dict) -> None:
    """The reply's POST said: parse no mention, and do not ping the person replied to."""
    body = next(
        r.body
        for r in fake.requests_to("POST", rf"/channels/{reply['channel_id']}/messages$")
        if r.status == 200
        and str((r.body.get("message_reference") or {}).get("message_id"))
        == reply["message_reference"]["message_id"]
    )
    assert body["allowed_mentions"] == {"parse": [], "replied_user": False}


async def start_bot_process(env: dict, log) -> asyncio.subprocess.Process:
    """``python -m bot run`` as an operator starts it, with ``env``, its output into ``log``."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=PROJECT,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=log,
        stderr=log,
    )
