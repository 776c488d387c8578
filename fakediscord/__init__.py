"""A fake Discord: REST API + gateway on 127.0.0.1 for a real discord.py client (see README.md).

Typical use, with a bot whose settings point it at ``fake.api_base``::

    async with FakeDiscord(guilds=[FakeGuild(name="Test")]) as fake:
        async with running_bot(bot, fake):
            resp = await fake.slash("ask", {"question": "hello"}, locale="fr")
            assert resp["data"]["content"] == "..."
"""

from .harness import running_bot
from .httpio import Injection, RecordedRequest, UploadedFile
from .interactions import CallbackType, InteractionRecord, InteractionType, OptionType
from .messages import ApplicationFlag, Intent
from .models import (
    ChannelType,
    FakeAttachment,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    Perm,
)
from .server import DEFAULT_TOKEN, FakeDiscord

__all__ = [
    "DEFAULT_TOKEN",
    "ApplicationFlag",
    "CallbackType",
    "ChannelType",
    "FakeAttachment",
    "FakeChannel",
    "FakeDiscord",
    "FakeGuild",
    "FakeMember",
    "FakeRole",
    "FakeUser",
    "Injection",
    "Intent",
    "InteractionRecord",
    "InteractionType",
    "OptionType",
    "Perm",
    "RecordedRequest",
    "UploadedFile",
    "running_bot",
]
