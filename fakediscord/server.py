"""FakeDiscord: a local Discord (REST + gateway) that a real discord.py client connects to.

Start it with ``async with FakeDiscord(...) as fake``; point discord.py at ``fake.api_base``
and ``fake.gateway_url`` (``bot.discord_api.pointed_at``), then drive the bot as
a user would (``slash``, ``autocomplete``, ``click``, ``submit_modal``) and inspect what it
sent (``command_payloads``, ``channel_messages``, ``requests``).
"""

# Waits take an explicit ``timeout`` so that a broken test fails fast with a clear message.
# ruff: noqa: ASYNC109

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from aiohttp import web

from .context import (
    PermissionsLike,
    UserLike,
    interaction_context,
    option_resolver,
)
from .gateway import Gateway, Op
from .httpio import Injection, RecordedRequest
from .interactions import (
    SELECT_VALUE_TYPES,
    CallbackType,
    InteractionRecord,
    InteractionType,
    build_command_options,
    find_component,
    leaf_schema,
    modal_submit_components,
)
from .messages import as_seen, mentions, mentions_user, wanted
from .models import FakeChannel, FakeGuild, FakeMember, FakeRole, FakeUser
from .payloads import bot_user_payload, message_payload
from .rest import API_PREFIX, RestApi
from .snowflake import iso_timestamp, new_snowflake
from .state import DiscordState

DEFAULT_TOKEN = "fake-bot-token"
#: GATEWAY_GUILD_MEMBERS_LIMITED | GATEWAY_MESSAGE_CONTENT_LIMITED | APPLICATION_COMMAND_BADGE
DEFAULT_APPLICATION_FLAGS = (1 << 15) | (1 << 19) | (1 << 23)

#: Interaction fields a modal submission copies from the interaction that opened the modal.
CONTEXT_KEYS = (
    "guild_id",
    "guild",
    "channel_id",
    "channel",
    "member",
    "user",
    "locale",
    "guild_locale",
    "app_permissions",
    "entitlements",
    "entitlement_sku_ids",
    "authorizing_integration_owners",
    "context",
    "attachment_size_limit",
)


def _id_of(value: Any) -> int:
    return int(getattr(value, "id", value))


class FakeDiscord(DiscordState):
    """A fake Discord served on 127.0.0.1: REST under ``/api/v10`` and a gateway websocket.

    :param guilds: the guilds the bot is in (default: one guild with a ``general`` channel).
    :param token: the bot token the fake accepts (REST ``Authorization`` and IDENTIFY).
    :param bot: the bot user; its id is also the application id.
    :param user: the default user who invokes interactions (member of every guild).
    :param owner: the application owner, also the owner of guilds without ``owner_id``
        (default: a separate user, so ``user`` gets plain member permissions).
    :param timeout: default time limit, in seconds, of every wait.
    :param settle: after a response is visible, wait until the bot is quiet this long so
        later edits are included.
    :param compress: send zlib-stream binary frames when the client asks for them.
    :param nonce_window: seconds during which an enforced nonce returns the first message.
    """

    def __init__(
        self,
        guilds: Iterable[FakeGuild] | None = None,
        *,
        token: str = DEFAULT_TOKEN,
        bot: FakeUser | None = None,
        user: FakeUser | None = None,
        owner: FakeUser | None = None,
        application_flags: int = DEFAULT_APPLICATION_FLAGS,
        timeout: float = 5.0,
        settle: float = 0.05,
        heartbeat_interval_ms: int = 41250,
        compress: bool = False,
        nonce_window: float = 300.0,
    ) -> None:
        bot = bot or FakeUser(username="FakeBot", bot=True)
        user = user or FakeUser(username="tester", global_name="Tester")
        super().__init__(
            guilds=[FakeGuild()] if guilds is None else guilds,
            bot=bot,
            user=user,
            owner=owner or FakeUser(username="owner"),
            token=token,
            application_flags=application_flags,
            nonce_window=nonce_window,
        )
        self.timeout = timeout
        self.settle = settle
        self.gateway = Gateway(self, heartbeat_interval_ms=heartbeat_interval_ms, compress=compress)
        self.rest = RestApi(self)
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    # -- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def start(self) -> None:
        """Serve on 127.0.0.1 on a free port."""
        app = web.Application(middlewares=[self.rest.middleware])
        app.add_routes(self.rest.routes())
        app.router.add_get("/gateway", self.gateway.handle)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{self.port}"

    async def close(self) -> None:
        """Close gateway connections and stop the server."""
        if self._runner is None:
            return
        await self.gateway.close_all()
        await self._runner.cleanup()
        self._runner = None

    @property
    def api_base(self) -> str:
        """The value for ``discord.http.Route.BASE``: ``http://127.0.0.1:PORT/api/v10``."""
        return self.base_url + API_PREFIX

    # -- gateway ---------------------------------------------------------------------------

    def ready_payload(self, session_id: str) -> dict[str, Any]:
        """READY's ``d``: the bot user, its application and the guilds (still unavailable)."""
        return {
            "v": 10,
            "user": bot_user_payload(self.bot),
            "guilds": [{"id": str(guild_id), "unavailable": True} for guild_id in self.guilds],
            "session_id": session_id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": self.application_flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "user_settings": {},
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["fake"],
            "auth": {},
            "_trace": ['["fakediscord",{"micros":0}]'],
        }

    async def wait_ready(self, timeout: float | None = None) -> None:
        """Wait until the bot identified and READY plus every GUILD_CREATE were sent."""
        await self.signal.wait_until(
            lambda: self.gateway.ready_count > 0 and self.gateway.active is not None,
            timeout=timeout or self.timeout,
            what="the bot to IDENTIFY on the gateway (READY + GUILD_CREATE)",
        )

    async def dispatch(self, event: str, data: Any) -> None:
        """Send any gateway event (op 0) to the bot."""
        await self.gateway.dispatch(event, data)

    @property
    def identify_payloads(self) -> list[dict[str, Any]]:
        """The ``d`` of every IDENTIFY received (token, intents, properties...)."""
        return self.gateway.identify_payloads

    async def reconnect(self, *, resume: bool = True, timeout: float | None = None) -> None:
        """Ask the bot to reconnect and wait until it is back.

        With ``resume`` the fake sends RECONNECT (op 7) and waits for a RESUME; otherwise it
        sends INVALID_SESSION (op 9, not resumable) and waits for a fresh IDENTIFY.
        """
        resumes, readies = self.gateway.resume_count, self.gateway.ready_count
        if resume:
            await self.gateway.send_op(Op.RECONNECT, None)
            await self.signal.wait_until(
                lambda: self.gateway.resume_count > resumes and self.gateway.active is not None,
                timeout=timeout or self.timeout,
                what="the bot to RESUME after RECONNECT (op 7)",
            )
        else:
            await self.gateway.send_op(Op.INVALID_SESSION, False)
            await self.signal.wait_until(
                lambda: self.gateway.ready_count > readies and self.gateway.active is not None,
                timeout=timeout or self.timeout,
                what="the bot to IDENTIFY again after INVALID_SESSION (op 9)",
            )

    async def delete_channel(self, channel: int | FakeChannel) -> None:
        """A server admin deletes a channel: REST answers 404 for it from now on, and the bot
        gets CHANNEL_DELETE as Discord would send it."""
        channel_id = _id_of(channel)
        guild = self.guild_of_channel(channel_id)
        payload = self.channel_payload(channel_id)
        if guild is None or payload is None:
            raise AssertionError(f"fakediscord: unknown guild channel {channel!r}")
        guild.channels = [c for c in guild.channels if c.id != channel_id]
        await self.dispatch("CHANNEL_DELETE", payload)

    @property
    def session_intents(self) -> int:
        """The intents of the bot's live gateway session (0 when it is not connected)."""
        active = self.gateway.active
        return active.session.intents if active is not None and active.session else 0

    async def _dispatch_message(self, event: str, message: dict[str, Any]) -> None:
        """Send a message event as the live session may see it (intents, content rules)."""
        intents = self.session_intents
        if wanted(message, intents):
            await self.dispatch(event, as_seen(message, intents=intents, bot_id=self.bot.id))

    def _user_message(self, message: int | dict[str, Any]) -> dict[str, Any]:
        message_id = int(message["id"]) if isinstance(message, dict) else int(message)
        found = self.live_message(message_id)
        if found is None:
            raise AssertionError(f"fakediscord: no live message {message_id}")
        return found

    async def send_user_message(
        self,
        channel: int | FakeChannel,
        content: str,
        *,
        author: UserLike | None = None,
        reply_to: int | dict[str, Any] | None = None,
        ping: bool = True,
    ) -> dict[str, Any]:
        """A user writes in a guild channel, a thread or a DM: MESSAGE_CREATE as Discord sends it.

        Mentions in ``content`` (``<@id>``, ``<@&id>``, ``@everyone``) fill the mention fields.
        ``reply_to`` (a message or its id) makes it a reply (``message_reference`` and
        ``referenced_message``); a reply that ``ping``s adds the replied-to author to
        ``mentions``. Dispatched only with the GUILD_MESSAGES / DIRECT_MESSAGES intent; without
        MESSAGE_CONTENT the content is blank unless the message mentions the bot or is a DM.
        Returns the message as the user sent it.
        """
        channel_id = _id_of(channel)
        if self.channel_payload(channel_id) is None:
            raise AssertionError(f"fakediscord: unknown channel {channel!r}")
        guild = self.guild_of_channel(channel_id)
        user = self.find_user(author)
        message_id = new_snowflake()
        message = message_payload(
            {"content": content},
            message_id=message_id,
            channel_id=channel_id,
            author=user.to_payload(),
            guild_id=guild.id if guild else None,
        )
        message.update(mentions(self, content, guild, user.id))
        if reply_to is not None:
            replied = self._user_message(reply_to)
            if int(replied["channel_id"]) != channel_id:
                raise AssertionError("fakediscord: a reply is in the channel of its message")
            message["type"] = 19
            message["message_reference"] = {
                "type": 0,
                "message_id": replied["id"],
                "channel_id": str(channel_id),
                **({"guild_id": str(guild.id)} if guild else {}),
            }
            message["referenced_message"] = dict(replied)
            replied_author = int(replied["author"]["id"])
            if ping and replied_author != user.id and not mentions_user(message, replied_author):
                message["mentions"].append(self.find_user(replied_author).to_payload())
        if guild is not None:
            member = guild.member(user.id) or FakeMember(user)
            message["member"] = member.to_payload(with_user=False)
        self.messages[message_id] = message
        await self._dispatch_message("MESSAGE_CREATE", message)
        return message

    async def edit_user_message(
        self, message: int | dict[str, Any], content: str
    ) -> dict[str, Any]:
        """The user edits their message: MESSAGE_UPDATE with the whole message, as Discord sends
        it (same intents and content rules as MESSAGE_CREATE). Returns the edited message."""
        found = self._user_message(message)
        guild = self.guild_of_channel(int(found["channel_id"]))
        replied = found.get("referenced_message")
        pinged = replied is not None and mentions_user(found, int(replied["author"]["id"]))
        found["content"] = content
        found["edited_timestamp"] = iso_timestamp()
        found.update(mentions(self, content, guild, int(found["author"]["id"])))
        if pinged and not mentions_user(found, int(replied["author"]["id"])):
            # A reply that pinged still pings whatever its new text says.
            found["mentions"].append(self.find_user(int(replied["author"]["id"])).to_payload())
        await self._dispatch_message("MESSAGE_UPDATE", found)
        return found

    async def delete_user_message(self, message: int | dict[str, Any]) -> None:
        """The user (or a moderator) deletes a message: MESSAGE_DELETE with its ids."""
        found = self._user_message(message)
        self.delete_message(int(found["id"]))
        data = {"id": found["id"], "channel_id": found["channel_id"]}
        if "guild_id" in found:
            data["guild_id"] = found["guild_id"]
        if wanted(found, self.session_intents):
            await self.dispatch("MESSAGE_DELETE", data)

    async def delete_user_messages(self, messages: Sequence[int | dict[str, Any]]) -> None:
        """A moderator deletes several messages of one channel at once: MESSAGE_DELETE_BULK."""
        found = [self._user_message(m) for m in messages]
        channels = {m["channel_id"] for m in found}
        if len(channels) != 1:
            raise AssertionError("fakediscord: a bulk delete is in one channel")
        for message in found:
            self.delete_message(int(message["id"]))
        data: dict[str, Any] = {"ids": [m["id"] for m in found], "channel_id": channels.pop()}
        if "guild_id" in found[0]:
            data["guild_id"] = found[0]["guild_id"]
        if wanted(found[0], self.session_intents):
            await self.dispatch("MESSAGE_DELETE_BULK", data)

    async def _send_interaction(
        self,
        kind: int,
        data: dict[str, Any],
        context: Mapping[str, Any],
        *,
        label: str,
        message: dict[str, Any] | None = None,
    ) -> InteractionRecord:
        await self.wait_ready()
        interaction_id = new_snowflake()
        token = "fake." + secrets.token_urlsafe(48)
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": kind,
            "data": data,
            "token": token,
            "version": 1,
            **context,
        }
        if message is not None:
            payload["message"] = message
        record = InteractionRecord(
            id=interaction_id,
            token=token,
            type=kind,
            label=label,
            payload=payload,
            channel_id=int(context["channel_id"]),
            guild_id=int(context["guild_id"]) if "guild_id" in context else None,
            component_message_id=int(message["id"]) if message is not None else None,
        )
        self.add_interaction(record)
        await self.dispatch("INTERACTION_CREATE", payload)
        return record

    async def _response(
        self, record: InteractionRecord, timeout: float | None, settle: float | None
    ) -> dict[str, Any]:
        """Wait for the callback (and, after a deferral, its edit or follow-up)."""
        timeout = timeout or self.timeout
        callback_path = f"POST /interactions/{record.id}/<token>/callback"
        await self.signal.wait_until(
            lambda: record.callback is not None,
            timeout=timeout,
            what=f"the bot to answer {record.label} ({callback_path})",
        )
        await self.signal.wait_until(
            record.has_visible_response,
            timeout=timeout,
            what=(
                f"the bot to finish its deferred (type {record.callback_type}) answer to "
                f"{record.label}: a PATCH of @original or a follow-up"
            ),
        )
        settle = self.settle if settle is None else settle
        if settle > 0:
            await self.signal.wait_quiet(settle, limit=timeout)
        return record.response(self.messages)

    # -- driving the bot -------------------------------------------------------------------

    async def slash(
        self,
        name: str,
        options: Mapping[str, Any] | Sequence[dict[str, Any]] | None = None,
        *,
        guild_id: int | FakeGuild | None = None,
        channel_id: int | str | FakeChannel | None = None,
        user: UserLike | None = None,
        dm: bool = False,
        locale: str = "en-US",
        guild_locale: str | None = None,
        permissions: PermissionsLike | None = None,
        roles: Sequence[int | str | FakeRole] | None = None,
        app_permissions: PermissionsLike | None = None,
        command_guild_id: int | None = None,
        timeout: float | None = None,
        settle: float | None = None,
    ) -> dict[str, Any]:
        """Invoke a chat-input command and return its final visible response.

        ``name`` may contain a subcommand path (``"remind add"``, ``"admin remind add"``).
        ``options`` maps option names to values (str, int, float, bool, FakeUser/FakeMember,
        FakeChannel, FakeRole, FakeAttachment or ids); types come from the command the bot
        registered when it did, otherwise from the values. ``dm=True`` sends it from the
        user's DM with the bot. ``command_guild_id`` marks a guild command the bot has not
        synced. Returns ``{"type", "data", "followups", "message", "files", ...}``
        (see :meth:`InteractionRecord.response`).
        """
        record = await self._command_interaction(
            InteractionType.APPLICATION_COMMAND,
            name,
            options or {},
            focused=None,
            guild_id=guild_id,
            channel_id=channel_id,
            user=user,
            dm=dm,
            locale=locale,
            guild_locale=guild_locale,
            permissions=permissions,
            roles=roles,
            app_permissions=app_permissions,
            command_guild_id=command_guild_id,
        )
        return await self._response(record, timeout, settle)

    async def autocomplete(
        self,
        name: str,
        options: Mapping[str, Any],
        *,
        focused: str | None = None,
        guild_id: int | FakeGuild | None = None,
        channel_id: int | str | FakeChannel | None = None,
        user: UserLike | None = None,
        dm: bool = False,
        locale: str = "en-US",
        guild_locale: str | None = None,
        permissions: PermissionsLike | None = None,
        command_guild_id: int | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Send an autocomplete interaction; return the callback body (type 8, ``choices``).

        ``focused`` names the option being typed (default: the last one in ``options``).
        """
        if focused is None:
            if not options:
                raise AssertionError("autocomplete needs at least one option value")
            focused = list(options)[-1]
        record = await self._command_interaction(
            InteractionType.AUTOCOMPLETE,
            name,
            options,
            focused=focused,
            guild_id=guild_id,
            channel_id=channel_id,
            user=user,
            dm=dm,
            locale=locale,
            guild_locale=guild_locale,
            permissions=permissions,
            roles=None,
            app_permissions=None,
            command_guild_id=command_guild_id,
        )
        await self.signal.wait_until(
            lambda: record.callback is not None,
            timeout=timeout or self.timeout,
            what=f"the bot's autocomplete choices for {record.label}",
        )
        assert record.callback is not None
        return record.callback

    async def _command_interaction(
        self,
        kind: int,
        name: str,
        options: Mapping[str, Any] | Sequence[dict[str, Any]],
        *,
        focused: str | None,
        guild_id: int | FakeGuild | None,
        channel_id: int | str | FakeChannel | None,
        user: UserLike | None,
        dm: bool,
        locale: str,
        guild_locale: str | None,
        permissions: PermissionsLike | None,
        roles: Sequence[int | str | FakeRole] | None,
        app_permissions: PermissionsLike | None,
        command_guild_id: int | None,
    ) -> InteractionRecord:
        path = name.split()
        if not 1 <= len(path) <= 3:
            raise AssertionError(f"bad command path {name!r}")
        context = interaction_context(
            self,
            guild_id=guild_id,
            channel_id=channel_id,
            user=user,
            dm=dm,
            locale=locale,
            guild_locale=guild_locale,
            permissions=permissions,
            roles=roles,
            app_permissions=app_permissions,
        )
        guild = self.guilds.get(int(context["guild_id"])) if "guild_id" in context else None
        command, scope = self.find_command(path[0], guild.id if guild else None)
        if command_guild_id is not None:
            scope = command_guild_id
        resolve = option_resolver(self, guild, int(context["channel_id"]))
        built, resolved = build_command_options(
            path, options, schema=leaf_schema(command, path), resolve=resolve, focused=focused
        )
        data: dict[str, Any] = {
            "id": command["id"] if command else str(new_snowflake()),
            "name": path[0],
            "type": 1,
        }
        if built:
            data["options"] = built
        if resolved:
            data["resolved"] = resolved
        if scope is not None:
            data["guild_id"] = str(scope)
        prefix = "autocomplete for " if kind == InteractionType.AUTOCOMPLETE else ""
        return await self._send_interaction(kind, data, context, label=f"{prefix}/{name}")

    def _message_with_component(
        self, custom_id: str, message: Mapping[str, Any] | int | None
    ) -> dict[str, Any]:
        if message is not None:
            message_id = int(message["id"]) if isinstance(message, Mapping) else int(message)
            found = self.live_message(message_id)
            if found is None and isinstance(message, Mapping):
                found = dict(message)
            if found is None or find_component(found, custom_id) is None:
                raise AssertionError(f"message {message_id} has no component {custom_id!r}")
            return found
        for candidate in reversed(list(self.messages.values())):
            if int(candidate["id"]) in self.deleted_message_ids:
                continue
            if find_component(candidate, custom_id) is not None:
                return candidate
        raise AssertionError(f"fakediscord: no message from the bot has a component {custom_id!r}")

    async def click(
        self,
        custom_id: str,
        *,
        message: Mapping[str, Any] | int | None = None,
        values: Sequence[Any] | None = None,
        user: UserLike | None = None,
        locale: str = "en-US",
        permissions: PermissionsLike | None = None,
        roles: Sequence[int | str | FakeRole] | None = None,
        timeout: float | None = None,
        settle: float | None = None,
    ) -> dict[str, Any]:
        """Use a button or select menu (component interaction, type 3).

        The component is looked up by ``custom_id`` in ``message`` (a message dict or id),
        or in the newest message from the bot that has it. ``values`` are a select menu's
        chosen values (ids or Fake* objects for user/role/channel selects). Returns the
        final visible response like :meth:`slash`.
        """
        target = self._message_with_component(custom_id, message)
        component = find_component(target, custom_id)
        assert component is not None
        component_type = component["type"]
        channel_id = int(target["channel_id"])
        guild = self.guilds.get(int(target["guild_id"])) if target.get("guild_id") else None
        context = interaction_context(
            self,
            guild_id=guild,
            channel_id=channel_id,
            user=user,
            dm=guild is None,
            locale=locale,
            guild_locale=None,
            permissions=permissions,
            roles=roles,
            app_permissions=None,
        )
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
        if component_type in SELECT_VALUE_TYPES:
            value_type = SELECT_VALUE_TYPES[component_type]
            resolved: dict[str, Any] = {}
            if value_type is None:
                data["values"] = [str(v) for v in values or []]
            else:
                resolve = option_resolver(self, guild, channel_id)
                data["values"] = [resolve(value_type, v, resolved) for v in values or []]
                data["resolved"] = resolved
        elif values:
            raise AssertionError(f"component {custom_id!r} (type {component_type}) takes no values")
        record = await self._send_interaction(
            InteractionType.MESSAGE_COMPONENT,
            data,
            context,
            label=f"click on {custom_id!r}",
            message=target,
        )
        return await self._response(record, timeout, settle)

    async def message_command(
        self,
        name: str,
        message: int | Mapping[str, Any],
        *,
        user: UserLike | None = None,
        locale: str = "en-US",
        guild_locale: str | None = None,
        permissions: PermissionsLike | None = None,
        app_permissions: PermissionsLike | None = None,
        timeout: float | None = None,
        settle: float | None = None,
    ) -> dict[str, Any]:
        """Use the message command ``name`` (Apps menu of a message) on ``message``.

        The interaction carries the whole message in ``resolved.messages``, content included,
        whatever the bot's intents, as Discord does. Returns the final visible response like
        :meth:`slash`.
        """
        message_id = int(message["id"]) if isinstance(message, Mapping) else int(message)
        target = self.live_message(message_id)
        if target is None:
            raise AssertionError(f"fakediscord: no live message {message_id}")
        channel_id = int(target["channel_id"])
        guild = self.guild_of_channel(channel_id)
        context = interaction_context(
            self,
            guild_id=guild,
            channel_id=channel_id,
            user=user,
            dm=guild is None,
            locale=locale,
            guild_locale=guild_locale,
            permissions=permissions,
            roles=None,
            app_permissions=app_permissions,
        )
        command, scope = self.find_command(name, guild.id if guild else None, command_type=3)
        data: dict[str, Any] = {
            "id": command["id"] if command else str(new_snowflake()),
            "name": name,
            "type": 3,
            "target_id": str(message_id),
            "resolved": {"messages": {str(message_id): dict(target)}},
        }
        if scope is not None:
            data["guild_id"] = str(scope)
        record = await self._send_interaction(
            InteractionType.APPLICATION_COMMAND, data, context, label=f"message command {name!r}"
        )
        return await self._response(record, timeout, settle)

    async def submit_modal(
        self,
        custom_id: str,
        values: Mapping[str, Any],
        *,
        timeout: float | None = None,
        settle: float | None = None,
    ) -> dict[str, Any]:
        """Submit the modal the bot opened with ``custom_id`` (interaction type 5).

        ``values`` maps each field's ``custom_id`` to its text (or list of select values).
        The submission comes from the same user, channel and message as the interaction that
        opened the modal. Returns the final visible response like :meth:`slash`.
        """
        opener = next(
            (
                r
                for r in reversed(list(self.interactions.values()))
                if r.callback_type == CallbackType.MODAL
                and (r.callback or {}).get("data", {}).get("custom_id") == custom_id
            ),
            None,
        )
        if opener is None:
            raise AssertionError(f"fakediscord: the bot never opened a modal {custom_id!r}")
        assert opener.callback is not None
        components = modal_submit_components(
            opener.callback["data"].get("components") or [], values
        )
        context = {k: opener.payload[k] for k in CONTEXT_KEYS if k in opener.payload}
        message = self.live_message(opener.component_message_id)
        record = await self._send_interaction(
            InteractionType.MODAL_SUBMIT,
            {"custom_id": custom_id, "components": components},
            context,
            label=f"modal {custom_id!r}",
            message=message,
        )
        return await self._response(record, timeout, settle)

    # -- inspecting what the bot did -------------------------------------------------------

    @property
    def last_interaction(self) -> InteractionRecord:
        if not self.interactions:
            raise AssertionError("fakediscord: no interaction was sent yet")
        return next(reversed(self.interactions.values()))

    def channel_messages(self, channel: int | FakeChannel) -> list[dict[str, Any]]:
        """Messages the bot POSTed to the channel (``/channels/{id}/messages``), oldest first."""
        return self.posted_messages(_id_of(channel))

    async def wait_for_message(
        self,
        channel: int | FakeChannel,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        *,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Wait until the bot posts a message (matching ``predicate``) to the channel."""
        channel_id = _id_of(channel)

        def found() -> dict[str, Any] | None:
            matching = [
                m for m in self.posted_messages(channel_id) if predicate is None or predicate(m)
            ]
            return matching[-1] if matching else None

        return await self.signal.wait_until(
            found,
            timeout=timeout or self.timeout,
            what=f"a message from the bot in channel {channel_id}",
        )

    async def quiet(self, for_: float = 0.6, *, timeout: float | None = None) -> None:
        """Wait until no HTTP request has reached the fake for ``for_`` seconds.

        The default outlasts a full pass of Python's garbage collector in a test process that
        has run hundreds of tests (up to about 0.2 s measured), during which the bot is silent
        without being done.

        The quiet time counts from the later of this call and the last request's arrival or
        answer (a request held by :meth:`slow` counts until it is answered), so it lasts at
        least ``for_`` seconds and a burst of calls is waited out. Assert "nothing happened"
        after it rather than after a fixed sleep. Raises AssertionError if the bot is still
        busy after ``timeout`` seconds (default: the fake's timeout).
        """
        timeout = self.timeout if timeout is None else timeout
        if for_ >= timeout:
            raise ValueError(f"quiet(for_={for_:g}) needs a timeout longer than {for_:g}s")
        since = time.monotonic()
        give_up = since + timeout
        while True:
            now = time.monotonic()
            quiet_for = now - max(since, self.http_activity_at)
            if self.http_in_flight == 0 and quiet_for >= for_:
                return
            if now >= give_up:
                last = self.requests[-1] if self.requests else None
                raise AssertionError(
                    f"fakediscord: the bot was not quiet for {for_:g}s within {timeout:g}s "
                    f"({self.http_in_flight} request(s) in flight; last: "
                    f"{f'{last.method} {last.path}' if last else 'none'})"
                )
            wait = give_up - now if self.http_in_flight else for_ - quiet_for
            await self.signal.next_change(min(wait, give_up - now))

    def requests_to(self, method: str, path_regex: str) -> list[RecordedRequest]:
        """Recorded REST calls whose method and path (below the API base) match."""
        return [
            r
            for r in self.requests
            if method in ("*", r.method) and re.search(path_regex, r.path) is not None
        ]

    def slow(self, method: str, path_regex: str, seconds: float) -> None:
        """Answer matching REST calls ``seconds`` late, after they took effect."""
        self.delays.append((method.upper(), path_regex, seconds))

    def inject(
        self,
        method: str,
        path_regex: str,
        status: int,
        *,
        times: int = 1,
        retry_after: float = 0.05,
        is_global: bool = False,
        body: Any = None,
    ) -> Injection:
        """Make the next ``times`` REST calls matching ``method`` and ``path_regex`` fail.

        ``status`` is the HTTP status (403, 404, 429, 500...); 429 answers carry
        ``retry_after`` in the body and Discord's rate-limit headers, so discord.py sleeps
        and retries. ``body`` replaces the default Discord error JSON. The returned
        :class:`Injection` counts its ``hits``.
        """
        injection = Injection(
            method=method.upper(),
            path=path_regex,
            status=status,
            times=times,
            retry_after=retry_after,
            is_global=is_global,
            body=body,
        )
        self.injections.append(injection)
        return injection
