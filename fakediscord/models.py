"""The static world the fake serves: users, roles, channels, members, guilds and files.

Every model has a ``to_payload`` method that returns the JSON object Discord would send for
it. Ids default to fresh snowflakes, so ``FakeGuild(name="Test")`` is enough for most tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .snowflake import iso_timestamp, new_snowflake


class Perm:
    """Permission bits used by the fake (a subset of Discord's)."""

    ADD_REACTIONS = 1 << 6
    ADMINISTRATOR = 1 << 3
    MANAGE_GUILD = 1 << 5
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    CONNECT = 1 << 20
    SPEAK = 1 << 21
    USE_APPLICATION_COMMANDS = 1 << 31
    MANAGE_EVENTS = 1 << 33
    CREATE_PUBLIC_THREADS = 1 << 35
    SEND_MESSAGES_IN_THREADS = 1 << 38
    CREATE_EVENTS = 1 << 44

    ALL = (1 << 52) - 1
    EVERYONE_DEFAULT = (
        VIEW_CHANNEL
        | SEND_MESSAGES
        | EMBED_LINKS
        | ATTACH_FILES
        | READ_MESSAGE_HISTORY
        | ADD_REACTIONS
        | USE_EXTERNAL_EMOJIS
        | USE_APPLICATION_COMMANDS
        | CONNECT
        | SPEAK
        | CREATE_PUBLIC_THREADS
        | SEND_MESSAGES_IN_THREADS
    )
    BOT_DEFAULT = EVERYONE_DEFAULT | MANAGE_MESSAGES | MANAGE_EVENTS | CREATE_EVENTS
    DM_DEFAULT = (
        VIEW_CHANNEL
        | SEND_MESSAGES
        | EMBED_LINKS
        | ATTACH_FILES
        | READ_MESSAGE_HISTORY
        | ADD_REACTIONS
        | USE_EXTERNAL_EMOJIS
        | USE_APPLICATION_COMMANDS
    )


class ChannelType:
    """Discord channel type numbers."""

    TEXT = 0
    DM = 1
    VOICE = 2
    CATEGORY = 4
    NEWS = 5
    PUBLIC_THREAD = 11
    PRIVATE_THREAD = 12
    STAGE = 13

    THREADS = (PUBLIC_THREAD, PRIVATE_THREAD)


@dataclass
class FakeUser:
    """A Discord user (a person, or the bot itself when ``bot=True``)."""

    username: str = "tester"
    id: int = field(default_factory=new_snowflake)
    global_name: str | None = None
    bot: bool = False
    avatar: str | None = None

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": self.avatar,
            "public_flags": 0,
            "flags": 0,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
            "primary_guild": None,
        }
        if self.bot:
            payload["bot"] = True
        return payload


@dataclass
class FakeRole:
    """A guild role; ``permissions`` is an int bit field."""

    name: str
    id: int = field(default_factory=new_snowflake)
    permissions: int = 0
    position: int = 1
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    managed: bool = False
    tags: dict[str, Any] | None = None

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": self.color,
            "colors": {
                "primary_color": self.color,
                "secondary_color": None,
                "tertiary_color": None,
            },
            "hoist": self.hoist,
            "managed": self.managed,
            "mentionable": self.mentionable,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }
        if self.tags is not None:
            payload["tags"] = self.tags
        return payload


@dataclass
class FakeChannel:
    """A guild channel (text by default; see :class:`ChannelType`).

    A thread is a channel of a thread type whose ``parent_id`` is its text channel; the guild
    sends it in GUILD_CREATE's ``threads``.
    """

    name: str = "general"
    id: int = field(default_factory=new_snowflake)
    type: int = ChannelType.TEXT
    position: int = 0
    topic: str | None = None
    parent_id: int | None = None
    owner_id: int | None = None  # a thread's creator
    nsfw: bool = False
    permission_overwrites: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_thread(self) -> bool:
        return self.type in ChannelType.THREADS

    def to_payload(self, guild_id: int) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": self.permission_overwrites,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "nsfw": self.nsfw,
            "flags": 0,
        }
        if self.type in (ChannelType.TEXT, ChannelType.NEWS):
            payload.update(
                topic=self.topic,
                last_message_id=None,
                rate_limit_per_user=0,
                default_thread_rate_limit_per_user=0,
            )
        elif self.type in ChannelType.THREADS:
            payload.update(
                owner_id=str(self.owner_id or 0),
                last_message_id=None,
                rate_limit_per_user=0,
                message_count=0,
                member_count=1,
                thread_metadata={
                    "archived": False,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": iso_timestamp(),
                    "locked": False,
                },
            )
            del payload["permission_overwrites"], payload["position"]
        elif self.type in (ChannelType.VOICE, ChannelType.STAGE):
            payload.update(
                bitrate=64000,
                user_limit=0,
                rtc_region=None,
                video_quality_mode=1,
                rate_limit_per_user=0,
                last_message_id=None,
            )
        return payload


@dataclass
class FakeMember:
    """A user's membership of a guild (role ids, nick, join date)."""

    user: FakeUser
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso_timestamp)

    @property
    def id(self) -> int:
        return self.user.id

    def to_payload(
        self, *, with_user: bool = True, permissions: int | None = None
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "roles": [str(role) for role in self.roles],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            payload["user"] = self.user.to_payload()
        if permissions is not None:
            payload["permissions"] = str(permissions)
        return payload


@dataclass
class FakeAttachment:
    """A file a user attaches to an interaction option or a message."""

    filename: str = "file.txt"
    data: bytes = b""
    content_type: str = "text/plain"
    id: int = field(default_factory=new_snowflake)
    description: str | None = None


@dataclass
class FakeGuild:
    """A guild with its channels, roles and members.

    An ``@everyone`` role (id = guild id) is added when missing, and a ``general`` text
    channel exists unless ``channels`` is given. The fake adds the bot's member (with a
    managed role carrying ``bot_permissions``) and the default test user when it starts.
    """

    name: str = "Fake Guild"
    id: int = field(default_factory=new_snowflake)
    channels: list[FakeChannel] = field(default_factory=lambda: [FakeChannel()])
    roles: list[FakeRole] = field(default_factory=list)
    members: list[FakeMember] = field(default_factory=list)
    owner_id: int | None = None
    preferred_locale: str = "en-US"
    features: list[str] = field(default_factory=list)
    everyone_permissions: int = Perm.EVERYONE_DEFAULT
    bot_permissions: int = Perm.BOT_DEFAULT

    def __post_init__(self) -> None:
        if not any(role.id == self.id for role in self.roles):
            everyone = FakeRole(
                name="@everyone", id=self.id, permissions=self.everyone_permissions, position=0
            )
            self.roles.insert(0, everyone)

    def channel(self, key: int | str) -> FakeChannel | None:
        """Find a channel by id or name."""
        return next((c for c in self.channels if key in (c.id, c.name)), None)

    def role(self, key: int | str) -> FakeRole | None:
        """Find a role by id or name."""
        return next((r for r in self.roles if key in (r.id, r.name)), None)

    def member(self, user_id: int) -> FakeMember | None:
        return next((m for m in self.members if m.user.id == user_id), None)

    @property
    def first_text_channel(self) -> FakeChannel | None:
        return next((c for c in self.channels if c.type == ChannelType.TEXT), None)

    def permissions_for(self, role_ids: list[int]) -> int:
        """Guild-level permissions of someone holding ``role_ids`` (plus @everyone)."""
        value = 0
        for role in self.roles:
            if role.id == self.id or role.id in role_ids:
                value |= role.permissions
        return Perm.ALL if value & Perm.ADMINISTRATOR else value

    def member_permissions(self, member: FakeMember) -> int:
        if self.owner_id == member.user.id:
            return Perm.ALL
        return self.permissions_for(member.roles)

    def to_rest_payload(self) -> dict[str, Any]:
        """The guild object returned by ``GET /guilds/{id}``."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id or 0),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "system_channel_id": str(self.first_text_channel.id)
            if self.first_text_channel
            else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "preferred_locale": self.preferred_locale,
            "features": list(self.features),
            "roles": [role.to_payload() for role in self.roles],
            "emojis": [],
            "stickers": [],
            "max_members": 500000,
            "max_video_channel_users": 25,
            "widget_enabled": False,
            "application_id": None,
        }

    def to_gateway_payload(self) -> dict[str, Any]:
        """The full guild object sent in GUILD_CREATE (channels, members, counts)."""
        payload = self.to_rest_payload()
        payload.update(
            unavailable=False,
            large=False,
            lazy=True,
            joined_at=iso_timestamp(),
            member_count=len(self.members),
            channels=[c.to_payload(self.id) for c in self.channels if not c.is_thread],
            members=[member.to_payload() for member in self.members],
            threads=[c.to_payload(self.id) for c in self.channels if c.is_thread],
            presences=[],
            voice_states=[],
            stage_instances=[],
            guild_scheduled_events=[],
            soundboard_sounds=[],
        )
        return payload
