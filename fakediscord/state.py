"""What the fake Discord knows (guilds, users, commands) and what the bot did (messages,
interaction answers, REST calls). The REST handlers and the test API both work on this state.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from typing import Any

from .httpio import Injection, RecordedRequest, UploadedFile
from .interactions import CallbackType, InteractionRecord, InteractionType
from .models import FakeChannel, FakeGuild, FakeMember, FakeRole, FakeUser
from .payloads import (
    EPHEMERAL,
    LOADING,
    apply_edit,
    attachment_payload,
    bot_user_payload,
    command_object,
    dm_channel_payload,
    message_payload,
)
from .snowflake import new_snowflake
from .waiting import Signal

#: Message types of interaction responses.
CHAT_INPUT_COMMAND_MESSAGE = 20
DEFAULT_MESSAGE = 0


class DiscordState:
    """The fake's data. Every mutation fires :attr:`signal` so waiters can re-check."""

    def __init__(
        self,
        *,
        guilds: Iterable[FakeGuild],
        bot: FakeUser,
        user: FakeUser,
        owner: FakeUser,
        token: str,
        application_flags: int,
        nonce_window: float,
    ) -> None:
        self.token = token
        self.bot = bot
        self.user = user
        self.owner = owner
        self.application_id = bot.id
        self.application_flags = application_flags
        self.nonce_window = nonce_window
        self.base_url = ""
        self.signal = Signal()

        self.guilds: dict[int, FakeGuild] = {}
        self.users: dict[int, FakeUser] = {u.id: u for u in (bot, user, owner)}
        for guild in guilds:
            self.add_guild(guild)
        self.dm_channels: dict[int, FakeUser] = {}

        self.messages: dict[int, dict[str, Any]] = {}
        self.deleted_message_ids: set[int] = set()
        self._channel_posts: dict[int, list[int]] = {}
        self._nonces: dict[tuple[int, str], tuple[float, int]] = {}
        self.files: dict[int, tuple[str | None, bytes]] = {}

        self.command_payloads: dict[int | None, list[dict[str, Any]]] = {}
        self._commands: dict[int | None, list[dict[str, Any]]] = {}
        self.scheduled_events: dict[int, list[dict[str, Any]]] = {}

        self.interactions: dict[int, InteractionRecord] = {}
        self._interactions_by_token: dict[str, InteractionRecord] = {}

        self.requests: list[RecordedRequest] = []
        #: HTTP requests being answered now, and when (``time.monotonic()``) the last one came
        #: or was answered: what :meth:`FakeDiscord.quiet` looks at.
        self.http_in_flight = 0
        self.http_activity_at = float("-inf")
        self.unhandled: list[RecordedRequest] = []
        self.injections: list[Injection] = []
        self.delays: list[tuple[str, str, float]] = []  # (method, path regex, seconds)

    @property
    def gateway_url(self) -> str:
        """The gateway websocket URL (also returned by ``GET /gateway/bot``)."""
        return self.base_url.replace("http://", "ws://", 1) + "/gateway"

    # -- world -----------------------------------------------------------------------------

    def add_guild(self, guild: FakeGuild) -> None:
        """Register ``guild`` and give it the bot's member (with a managed role) and the user."""
        if guild.member(self.bot.id) is None:
            bot_role = FakeRole(
                name=self.bot.username,
                permissions=guild.bot_permissions,
                managed=True,
                tags={"bot_id": str(self.bot.id)},
            )
            guild.roles.append(bot_role)
            guild.members.append(FakeMember(self.bot, roles=[bot_role.id]))
        if guild.member(self.user.id) is None:
            guild.members.append(FakeMember(self.user))
        if guild.owner_id is None:
            guild.owner_id = self.owner.id
            if guild.member(self.owner.id) is None:
                guild.members.append(FakeMember(self.owner))
        for member in guild.members:
            self.users.setdefault(member.user.id, member.user)
        self.guilds[guild.id] = guild

    def guild_of_channel(self, channel_id: int) -> FakeGuild | None:
        return next((g for g in self.guilds.values() if g.channel(channel_id)), None)

    def channel_payload(self, channel_id: int) -> dict[str, Any] | None:
        """The channel object for a guild or DM channel id, or None if unknown."""
        guild = self.guild_of_channel(channel_id)
        if guild is not None:
            channel = guild.channel(channel_id)
            assert channel is not None
            return channel.to_payload(guild.id)
        recipient = self.dm_channels.get(channel_id)
        if recipient is not None:
            return dm_channel_payload(channel_id, recipient)
        return None

    def dm_channel_for(self, user: FakeUser) -> int:
        """The id of the DM channel between the bot and ``user`` (created on first use)."""
        for channel_id, recipient in self.dm_channels.items():
            if recipient.id == user.id:
                return channel_id
        channel_id = new_snowflake()
        self.dm_channels[channel_id] = user
        self.users.setdefault(user.id, user)
        return channel_id

    def bot_member_permissions(self, guild: FakeGuild) -> int:
        member = guild.member(self.bot.id)
        return guild.member_permissions(member) if member else guild.bot_permissions

    # -- lookups for tests (AssertionError when unknown) -----------------------------

    def find_guild(self, guild: int | FakeGuild | None) -> FakeGuild:
        """A configured guild by id (default: the first one)."""
        if guild is None:
            if not self.guilds:
                raise AssertionError("fakediscord: no guild configured")
            return next(iter(self.guilds.values()))
        found = self.guilds.get(int(getattr(guild, "id", guild)))
        if found is None:
            raise AssertionError(f"fakediscord: unknown guild {guild!r}")
        return found

    def find_user(self, user: FakeUser | FakeMember | int | None) -> FakeUser:
        """A user by object or id (default: the test user); new FakeUsers are registered."""
        if user is None:
            return self.user
        if isinstance(user, FakeMember):
            return user.user
        if isinstance(user, FakeUser):
            self.users.setdefault(user.id, user)
            return user
        found = self.users.get(int(user))
        if found is None:
            raise AssertionError(f"fakediscord: unknown user id {user!r}")
        return found

    def find_channel(
        self, guild: FakeGuild | None, channel: int | str | FakeChannel
    ) -> FakeChannel:
        """A channel by object, id or name, in ``guild`` or any guild."""
        key = channel.id if isinstance(channel, FakeChannel) else channel
        guilds = [guild] if guild is not None else list(self.guilds.values())
        for candidate in guilds:
            found = candidate.channel(key)
            if found is not None:
                return found
        raise AssertionError(f"fakediscord: unknown channel {channel!r}")

    def find_role(self, guild: FakeGuild | None, role: int | str | FakeRole) -> FakeRole:
        """A role by object, id or name, in ``guild`` or any guild."""
        key = role.id if isinstance(role, FakeRole) else role
        for candidate in [guild] if guild is not None else list(self.guilds.values()):
            found = candidate.role(key)
            if found is not None:
                return found
        raise AssertionError(f"fakediscord: unknown role {role!r}")

    # -- messages --------------------------------------------------------------------------

    def attachments_from(
        self, body: dict[str, Any], files: list[UploadedFile], channel_id: int
    ) -> list[dict[str, Any]]:
        """Attachment objects for the uploaded ``files[n]`` parts of a message body."""
        described = {str(a.get("id")): a for a in body.get("attachments") or []}
        result = []
        for index, upload in enumerate(files):
            meta = described.get(str(index), {})
            result.append(
                self.store_file(
                    channel_id,
                    filename=meta.get("filename") or upload.filename,
                    data=upload.data,
                    content_type=upload.content_type,
                    description=meta.get("description"),
                )
            )
        return result

    def store_file(
        self,
        channel_id: int,
        *,
        filename: str,
        data: bytes,
        content_type: str | None,
        description: str | None = None,
        attachment_id: int | None = None,
    ) -> dict[str, Any]:
        """Keep a file's bytes (served under ``/attachments/...``) and return its attachment."""
        attachment_id = attachment_id or new_snowflake()
        self.files[attachment_id] = (content_type, data)
        url = f"{self.base_url}/attachments/{channel_id}/{attachment_id}/{filename}"
        return attachment_payload(
            attachment_id=attachment_id,
            filename=filename,
            data=data,
            content_type=content_type,
            url=url,
            description=description,
        )

    def create_message(
        self,
        channel_id: int,
        body: dict[str, Any],
        files: list[UploadedFile],
        *,
        message_type: int = DEFAULT_MESSAGE,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        guild = self.guild_of_channel(channel_id)
        message = message_payload(
            body,
            message_id=new_snowflake(),
            channel_id=channel_id,
            author=self.bot.to_payload(),
            guild_id=guild.id if guild else None,
            attachments=self.attachments_from(body, files, channel_id),
            message_type=message_type,
            extra=extra,
        )
        self.messages[int(message["id"])] = message
        return message

    def post_channel_message(
        self, channel_id: int, body: dict[str, Any], files: list[UploadedFile]
    ) -> dict[str, Any]:
        """``POST /channels/{id}/messages``, honouring ``nonce`` + ``enforce_nonce``."""
        nonce = body.get("nonce")
        key = (channel_id, str(nonce))
        enforce = nonce is not None and bool(body.get("enforce_nonce"))
        now = time.monotonic()
        if enforce and key in self._nonces:
            created, message_id = self._nonces[key]
            if now - created < self.nonce_window and message_id in self.messages:
                return self.messages[message_id]
        message = self.create_message(channel_id, body, files)
        message_id = int(message["id"])
        if enforce:
            self._nonces[key] = (now, message_id)
        self._channel_posts.setdefault(channel_id, []).append(message_id)
        return message

    def edit_message(
        self, message: dict[str, Any], body: dict[str, Any], files: list[UploadedFile]
    ) -> dict[str, Any]:
        apply_edit(message, body, self.attachments_from(body, files, int(message["channel_id"])))
        return message

    def delete_message(self, message_id: int) -> None:
        self.deleted_message_ids.add(message_id)

    def live_message(self, message_id: int | None) -> dict[str, Any] | None:
        if message_id is None or message_id in self.deleted_message_ids:
            return None
        return self.messages.get(message_id)

    def posted_messages(self, channel_id: int) -> list[dict[str, Any]]:
        return [
            self.messages[i]
            for i in self._channel_posts.get(channel_id, [])
            if i not in self.deleted_message_ids
        ]

    def channel_history(self, channel_id: int) -> list[dict[str, Any]]:
        """Every live, non-ephemeral message in the channel, oldest first."""
        return [
            m
            for i, m in self.messages.items()
            if int(m["channel_id"]) == channel_id
            and i not in self.deleted_message_ids
            and not m.get("flags", 0) & EPHEMERAL
        ]

    # -- application commands --------------------------------------------------------------

    def put_commands(self, guild_id: int | None, bodies: list[dict[str, Any]]) -> list[dict]:
        """Bulk overwrite; a command keeps its id when its name and type are unchanged."""
        self.command_payloads[guild_id] = bodies
        previous = {
            (c["name"], c.get("type", 1)): c["id"] for c in self._commands.get(guild_id, [])
        }
        commands = [
            command_object(
                body,
                command_id=int(previous.get((body["name"], body.get("type", 1)), new_snowflake())),
                application_id=self.application_id,
                guild_id=guild_id,
            )
            for body in bodies
        ]
        self._commands[guild_id] = commands
        return commands

    def upsert_command(self, guild_id: int | None, body: dict[str, Any]) -> dict[str, Any]:
        """Create one command, or replace the one with the same name and type."""
        key = (body["name"], body.get("type", 1))
        current = self._commands.get(guild_id, [])
        existing = next((c for c in current if (c["name"], c.get("type", 1)) == key), None)
        command = command_object(
            body,
            command_id=int(existing["id"]) if existing else new_snowflake(),
            application_id=self.application_id,
            guild_id=guild_id,
        )
        self._commands[guild_id] = [*(c for c in current if c is not existing), command]
        return command

    def registered_commands(self, guild_id: int | None = None) -> list[dict[str, Any]]:
        """Commands as Discord stores them (with ids) for the guild, or global ones."""
        return list(self._commands.get(guild_id, []))

    def find_command(
        self, name: str, guild_id: int | None, command_type: int = 1
    ) -> tuple[dict[str, Any] | None, int | None]:
        """The registered command named ``name`` visible in ``guild_id`` and its scope."""
        scopes: list[int | None] = [guild_id, None] if guild_id is not None else [None]
        for scope in scopes:
            for command in self._commands.get(scope, []):
                if command["name"] == name and command.get("type", 1) == command_type:
                    return command, scope
        return None, None

    # -- interactions ----------------------------------------------------------------------

    def add_interaction(self, record: InteractionRecord) -> None:
        self.interactions[record.id] = record
        self._interactions_by_token[record.token] = record

    def interaction_by_token(self, token: str) -> InteractionRecord | None:
        return self._interactions_by_token.get(token)

    def _interaction_message_extra(self, record: InteractionRecord) -> dict[str, Any]:
        payload = record.payload
        invoker = (payload.get("member") or {}).get("user") or payload.get("user")
        return {
            "webhook_id": str(self.application_id),
            "application_id": str(self.application_id),
            "interaction_metadata": {
                "id": str(record.id),
                "type": record.type,
                "user": invoker,
                "authorizing_integration_owners": payload.get("authorizing_integration_owners", {}),
            },
        }

    def _new_response_message(
        self, record: InteractionRecord, body: dict[str, Any], files: list[UploadedFile]
    ) -> dict[str, Any]:
        message_type = (
            CHAT_INPUT_COMMAND_MESSAGE
            if record.type == InteractionType.APPLICATION_COMMAND
            else DEFAULT_MESSAGE
        )
        return self.create_message(
            record.channel_id,
            body,
            files,
            message_type=message_type,
            extra=self._interaction_message_extra(record),
        )

    def apply_callback(
        self, record: InteractionRecord, callback: dict[str, Any], files: list[UploadedFile]
    ) -> dict[str, Any] | None:
        """Record the interaction callback; return the message it created or updated."""
        record.callback = callback
        record.files.extend(files)
        kind = callback.get("type")
        data = callback.get("data") or {}
        message: dict[str, Any] | None = None
        if kind == CallbackType.CHANNEL_MESSAGE:
            message = self._new_response_message(record, data, files)
        elif kind == CallbackType.DEFERRED_CHANNEL_MESSAGE:
            flags = (int(data.get("flags") or 0) & EPHEMERAL) | LOADING
            message = self._new_response_message(record, {"flags": flags}, [])
        elif kind in (CallbackType.DEFERRED_UPDATE_MESSAGE, CallbackType.UPDATE_MESSAGE):
            message = self.live_message(record.component_message_id)
            if message is not None and kind == CallbackType.UPDATE_MESSAGE:
                self.edit_message(message, data, files)
        if message is not None:
            record.original_message_id = int(message["id"])
        self.signal.fire()
        return message

    def create_followup(
        self, record: InteractionRecord, body: dict[str, Any], files: list[UploadedFile]
    ) -> dict[str, Any]:
        """A follow-up; the first one after a thinking deferral replaces the loading message."""
        original = self.live_message(record.original_message_id)
        if record.awaiting_first_followup and original is not None:
            message = self.edit_message(original, body, files)
            message["edited_timestamp"] = None
        else:
            message = self._new_response_message(record, body, files)
        record.followups.append(body)
        record.followup_message_ids.append(int(message["id"]))
        record.files.extend(files)
        self.signal.fire()
        return message

    def edit_original(
        self, record: InteractionRecord, body: dict[str, Any], files: list[UploadedFile]
    ) -> dict[str, Any] | None:
        original = self.live_message(record.original_message_id)
        if original is None:
            return None
        record.original_edits.append(body)
        record.files.extend(files)
        self.edit_message(original, body, files)
        self.signal.fire()
        return original

    # -- REST bookkeeping ------------------------------------------------------------------

    def http_started(self) -> None:
        self.http_in_flight += 1
        self.http_activity_at = time.monotonic()
        self.signal.fire()

    def http_finished(self) -> None:
        self.http_in_flight -= 1
        self.http_activity_at = time.monotonic()
        self.signal.fire()

    def take_injection(self, method: str, path: str) -> Injection | None:
        return next((i for i in self.injections if i.matches(method, path)), None)

    def bot_user_payload(self) -> dict[str, Any]:
        return bot_user_payload(self.bot)

    def delay_for(self, method: str, path: str) -> float:
        """Seconds to hold the answer to a call that has already taken effect."""
        return next(
            (
                seconds
                for m, pattern, seconds in self.delays
                if m in ("*", method.upper()) and re.search(pattern, path)
            ),
            0.0,
        )
