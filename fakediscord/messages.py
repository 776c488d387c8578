"""Messages that users write, and what a gateway session may see of them.

Discord sends MESSAGE_CREATE, MESSAGE_UPDATE and MESSAGE_DELETE only to sessions that asked for
the GUILD_MESSAGES intent (messages in servers) or DIRECT_MESSAGES (direct messages). Without the
privileged MESSAGE_CONTENT intent the content, embeds, attachments, components and poll of a
message are blank, unless the message is a direct message, mentions the bot (a reply that pings
the bot's message mentions it too), or was written by the bot. A session that asks for a
privileged intent its application does not have is closed with 4014.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .models import FakeGuild, FakeMember, Perm

if TYPE_CHECKING:
    from .state import DiscordState


class Intent:
    """Gateway intent bits the fake honours."""

    GUILD_MEMBERS = 1 << 1
    GUILD_PRESENCES = 1 << 8
    GUILD_MESSAGES = 1 << 9
    DIRECT_MESSAGES = 1 << 12
    MESSAGE_CONTENT = 1 << 15


class ApplicationFlag:
    """The application flags that grant a privileged intent (verified, or "limited" under 100
    servers)."""

    GATEWAY_PRESENCE = 1 << 12
    GATEWAY_PRESENCE_LIMITED = 1 << 13
    GATEWAY_GUILD_MEMBERS = 1 << 14
    GATEWAY_GUILD_MEMBERS_LIMITED = 1 << 15
    GATEWAY_MESSAGE_CONTENT = 1 << 18
    GATEWAY_MESSAGE_CONTENT_LIMITED = 1 << 19


#: Each privileged intent, and the application flags of which one must be set to use it.
PRIVILEGED = {
    Intent.GUILD_MEMBERS: (
        ApplicationFlag.GATEWAY_GUILD_MEMBERS | ApplicationFlag.GATEWAY_GUILD_MEMBERS_LIMITED
    ),
    Intent.GUILD_PRESENCES: (
        ApplicationFlag.GATEWAY_PRESENCE | ApplicationFlag.GATEWAY_PRESENCE_LIMITED
    ),
    Intent.MESSAGE_CONTENT: (
        ApplicationFlag.GATEWAY_MESSAGE_CONTENT | ApplicationFlag.GATEWAY_MESSAGE_CONTENT_LIMITED
    ),
}
#: Fields Discord blanks without the message content intent.
CONTENT_FIELDS = {"content": "", "embeds": [], "attachments": [], "components": [], "poll": None}

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")
_EVERYONE = re.compile(r"@(?:everyone|here)\b")


def disallowed_intents(intents: int, application_flags: int) -> int:
    """The privileged intents asked for that the application may not use."""
    return sum(
        intent
        for intent, flags in PRIVILEGED.items()
        if intents & intent and not flags & application_flags
    )


def mentions(
    state: DiscordState, content: str, guild: FakeGuild | None, author_id: int
) -> dict[str, Any]:
    """The mention fields of a message with this content: users (with their member in a
    server), roles, and @everyone / @here when the author may use them."""
    users = []
    for user_id in dict.fromkeys(int(i) for i in _USER_MENTION.findall(content)):
        user = state.users.get(user_id)
        if user is None:
            continue
        payload = user.to_payload()
        member = guild.member(user_id) if guild is not None else None
        if member is not None:
            payload["member"] = member.to_payload(with_user=False)
        users.append(payload)
    roles = []
    if guild is not None:
        roles = [
            str(r) for r in dict.fromkeys(_ROLE_MENTION.findall(content)) if guild.role(int(r))
        ]
    everyone = False
    if guild is not None and _EVERYONE.search(content):
        member = guild.member(author_id) or FakeMember(state.find_user(author_id))
        everyone = bool(guild.member_permissions(member) & Perm.MENTION_EVERYONE)
    return {"mentions": users, "mention_roles": roles, "mention_everyone": everyone}


def mentions_user(message: dict[str, Any], user_id: int) -> bool:
    return any(int(user["id"]) == user_id for user in message.get("mentions") or [])


def as_seen(message: dict[str, Any], *, intents: int, bot_id: int) -> dict[str, Any]:
    """The message as a session with these intents receives it (the message replied to too)."""
    seen = dict(message)
    readable = (
        intents & Intent.MESSAGE_CONTENT
        or "guild_id" not in message
        or mentions_user(message, bot_id)
        or int(message["author"]["id"]) == bot_id
    )
    if not readable:
        seen.update({key: value for key, value in CONTENT_FIELDS.items() if key in seen})
    if seen.get("referenced_message"):
        seen["referenced_message"] = as_seen(
            seen["referenced_message"], intents=intents, bot_id=bot_id
        )
    return seen


def wanted(message: dict[str, Any], intents: int) -> bool:
    """Whether a session with these intents receives the events of this message."""
    needed = Intent.GUILD_MESSAGES if "guild_id" in message else Intent.DIRECT_MESSAGES
    return bool(intents & needed)
