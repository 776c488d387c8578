"""A fake Discord: REST API + gateway on 127.0.0.1 for a real discord.py client (see README.md).

Typical use::

    async with FakeDiscord(guilds=[FakeGuild(name="Test")]) as fake:
        with redirect_discord_py(fake):
            async with running_bot(bot, fake):
                resp = await fake.slash("ask", {"question": "hello"}, locale="fr")
                assert resp["data"]["content"] == "..."
"""

from .harness import redirect_discord_py, running_bot
from .httpio import Injection, RecordedRequest, UploadedFile
from .interactions import CallbackType, InteractionRecord, InteractionType, OptionType
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
    "InteractionRecord",
    "InteractionType",
    "OptionType",
    "Perm",
    "RecordedRequest",
    "UploadedFile",
    "redirect_discord_py",
    "running_bot",
]
