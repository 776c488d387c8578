"""The fake REST API (``/api/v10``): the routes discord.py calls for a typical bot.

Every call is recorded in ``state.requests``. A middleware answers planned failures
(:class:`~.httpio.Injection`), checks the ``Authorization: Bot <token>`` header on bot routes,
adds rate-limit headers, and turns unknown routes into Discord's 404 JSON error.
Interaction callbacks and webhook routes are authorised by their token, as on Discord.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from aiohttp import web

from .httpio import (
    ParsedBody,
    RecordedRequest,
    bucket_hash,
    error_response,
    json_response,
    no_content,
    ratelimit_headers,
    read_body,
)
from .interactions import InteractionRecord
from .payloads import application_payload, dm_channel_payload, scheduled_event_payload
from .snowflake import new_snowflake
from .state import DiscordState

API_PREFIX = "/api/v10"
#: Discord's answer to a reply whose message does not exist (any more).
UNKNOWN_REPLY = {
    "code": 50035,
    "message": "Invalid Form Body",
    "errors": {
        "message_reference": {
            "_errors": [{"code": "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "message": "Unknown message"}]
        }
    },
}
TOKEN_ROUTES = ("/interactions/", "/webhooks/")

log = logging.getLogger("fakediscord.rest")

#: The parsed body of the request being handled (read once, by the middleware).
_current_body: ContextVar[ParsedBody] = ContextVar("fakediscord_request_body")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _truthy(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true")


class RestApi:
    """Route handlers over a :class:`~.state.DiscordState`."""

    def __init__(self, state: DiscordState) -> None:
        self.state = state

    def routes(self) -> list[web.RouteDef]:
        p = API_PREFIX
        app_cmds = p + "/applications/{app_id}/commands"
        guild_cmds = p + "/applications/{app_id}/guilds/{guild_id}/commands"
        original = p + "/webhooks/{app_id}/{token}/messages/@original"
        webhook_message = p + "/webhooks/{app_id}/{token}/messages/{message_id}"
        channel_message = p + "/channels/{channel_id}/messages/{message_id}"
        return [
            web.get(p + "/users/@me", self.get_me),
            web.post(p + "/users/@me/channels", self.create_dm),
            web.get(p + "/users/{user_id}", self.get_user),
            web.get(p + "/gateway", self.get_gateway),
            web.get(p + "/gateway/bot", self.get_gateway_bot),
            web.get(p + "/oauth2/applications/@me", self.get_application),
            web.get(p + "/applications/@me", self.get_application),
            web.get(app_cmds, self.get_commands),
            web.put(app_cmds, self.put_commands),
            web.post(app_cmds, self.post_command),
            web.get(guild_cmds, self.get_commands),
            web.put(guild_cmds, self.put_commands),
            web.post(guild_cmds, self.post_command),
            web.post(p + "/interactions/{interaction_id}/{token}/callback", self.callback),
            web.get(original, self.get_original),
            web.patch(original, self.edit_original),
            web.delete(original, self.delete_original),
            web.get(webhook_message, self.get_webhook_message),
            web.patch(webhook_message, self.edit_webhook_message),
            web.delete(webhook_message, self.delete_webhook_message),
            web.post(p + "/webhooks/{app_id}/{token}", self.followup),
            web.get(p + "/channels/{channel_id}", self.get_channel),
            web.get(p + "/channels/{channel_id}/messages", self.get_channel_messages),
            web.post(p + "/channels/{channel_id}/messages", self.post_channel_message),
            web.get(channel_message, self.get_channel_message),
            web.patch(channel_message, self.edit_channel_message),
            web.delete(channel_message, self.delete_channel_message),
            web.post(p + "/channels/{channel_id}/typing", self.typing),
            web.get(p + "/guilds/{guild_id}", self.get_guild),
            web.get(p + "/guilds/{guild_id}/channels", self.get_guild_channels),
            web.get(p + "/guilds/{guild_id}/roles", self.get_guild_roles),
            web.get(p + "/guilds/{guild_id}/members/{user_id}", self.get_member),
            web.get(p + "/guilds/{guild_id}/scheduled-events", self.get_scheduled_events),
            web.post(p + "/guilds/{guild_id}/scheduled-events", self.create_scheduled_event),
            web.get("/attachments/{channel_id}/{attachment_id}/{filename}", self.get_attachment),
        ]

    # -- middleware ------------------------------------------------------------------------

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Count the request as activity until it is answered (see ``FakeDiscord.quiet``);
        the gateway websocket lives as long as the bot is connected and is not counted."""
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return await handler(request)
        self.state.http_started()
        try:
            return await self._answer(request, handler)
        finally:
            self.state.http_finished()

    async def _answer(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Record the call, then answer it: injected failure, 404, 401, or the handler."""
        if not request.path.startswith(API_PREFIX + "/"):
            return await handler(request)
        path = request.path[len(API_PREFIX) :]
        body = await read_body(request)
        _current_body.set(body)
        record = RecordedRequest(request.method, path, dict(request.query), body.json, body.files)
        self.state.requests.append(record)
        template = getattr(request.match_info.route.resource, "canonical", path)
        bucket = bucket_hash(request.method, template)

        injection = self.state.take_injection(request.method, path)
        if injection is not None:
            response: web.StreamResponse = injection.response(bucket)
        elif request.match_info.http_exception is not None:
            log.warning("fakediscord: unhandled route %s %s", request.method, path)
            self.state.unhandled.append(record)
            response = error_response(404)
        elif not path.startswith(TOKEN_ROUTES) and not self._authorised(request):
            response = error_response(401)
        else:
            response = await handler(request)
            response.headers.update(ratelimit_headers(bucket))
            delay = self.state.delay_for(request.method, path)
            if delay:  # the call took effect; the answer is late (a crash may come first)
                self.state.signal.fire()
                await asyncio.sleep(delay)
        record.status = response.status
        self.state.signal.fire()
        return response

    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bot {self.state.token}"

    @staticmethod
    def _body(request: web.Request) -> ParsedBody:
        return _current_body.get()

    def _check_app(self, request: web.Request) -> bool:
        return request.match_info["app_id"] == str(self.state.application_id)

    # -- users, gateway, application -------------------------------------------------------

    async def get_me(self, request: web.Request) -> web.Response:
        return json_response(self.state.bot_user_payload())

    async def get_user(self, request: web.Request) -> web.Response:
        user = self.state.users.get(int(request.match_info["user_id"]))
        if user is None:
            return error_response(404, "unknown_user")
        return json_response(user.to_payload())

    async def create_dm(self, request: web.Request) -> web.Response:
        recipient_id = int((self._body(request).json or {}).get("recipient_id", 0))
        user = self.state.users.get(recipient_id)
        if user is None:
            return error_response(404, "unknown_user")
        channel_id = self.state.dm_channel_for(user)
        return json_response(dm_channel_payload(channel_id, user))

    async def get_gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self.state.gateway_url})

    async def get_gateway_bot(self, request: web.Request) -> web.Response:
        return json_response(
            {
                "url": self.state.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 14400000,
                    "max_concurrency": 1,
                },
            }
        )

    async def get_application(self, request: web.Request) -> web.Response:
        state = self.state
        return json_response(application_payload(state.bot, state.owner, state.application_flags))

    # -- application commands --------------------------------------------------------------

    @staticmethod
    def _scope(request: web.Request) -> int | None:
        guild_id = request.match_info.get("guild_id")
        return int(guild_id) if guild_id is not None else None

    async def get_commands(self, request: web.Request) -> web.Response:
        if not self._check_app(request):
            return error_response(403)
        return json_response(self.state.registered_commands(self._scope(request)))

    async def put_commands(self, request: web.Request) -> web.Response:
        if not self._check_app(request):
            return error_response(403)
        bodies = self._body(request).json or []
        return json_response(self.state.put_commands(self._scope(request), bodies))

    async def post_command(self, request: web.Request) -> web.Response:
        if not self._check_app(request):
            return error_response(403)
        command = self.state.upsert_command(self._scope(request), self._body(request).json or {})
        return json_response(command, status=201)

    # -- interactions and their webhooks ---------------------------------------------------

    async def callback(self, request: web.Request) -> web.Response:
        record = self.state.interactions.get(int(request.match_info["interaction_id"]))
        if record is None or record.token != request.match_info["token"]:
            return error_response(404, "unknown_interaction")
        if record.callback is not None:
            return error_response(400, "already_acknowledged")
        body = self._body(request)
        callback = body.json or {}
        message = self.state.apply_callback(record, callback, body.files)
        if not _truthy(request.query.get("with_response")):
            return no_content()
        interaction: dict[str, Any] = {"id": str(record.id), "type": record.type}
        resource: dict[str, Any] = {"type": callback.get("type")}
        if message is not None:
            flags = message.get("flags", 0)
            interaction.update(
                response_message_id=message["id"],
                response_message_loading=bool(flags & (1 << 7)),
                response_message_ephemeral=bool(flags & (1 << 6)),
            )
            resource["message"] = message
        return json_response({"interaction": interaction, "resource": resource})

    def _webhook_record(self, request: web.Request) -> InteractionRecord | None:
        if not self._check_app(request):
            return None
        record = self.state.interaction_by_token(request.match_info["token"])
        if record is None or record.callback is None:
            return None
        return record

    async def get_original(self, request: web.Request) -> web.Response:
        record = self._webhook_record(request)
        if record is None:
            return error_response(404, "unknown_webhook")
        message = self.state.live_message(record.original_message_id)
        if message is None:
            return error_response(404, "unknown_message")
        return json_response(message)

    async def edit_original(self, request: web.Request) -> web.Response:
        record = self._webhook_record(request)
        if record is None:
            return error_response(404, "unknown_webhook")
        body = self._body(request)
        message = self.state.edit_original(record, body.json or {}, body.files)
        if message is None:
            return error_response(404, "unknown_message")
        return json_response(message)

    async def delete_original(self, request: web.Request) -> web.Response:
        record = self._webhook_record(request)
        if record is None:
            return error_response(404, "unknown_webhook")
        if self.state.live_message(record.original_message_id) is None:
            return error_response(404, "unknown_message")
        assert record.original_message_id is not None
        self.state.delete_message(record.original_message_id)
        record.original_deleted = True
        return no_content()

    def _webhook_message(self, request: web.Request) -> dict[str, Any] | web.Response:
        """The interaction message (original or follow-up) a webhook route names, or a 404."""
        record = self._webhook_record(request)
        if record is None:
            return error_response(404, "unknown_webhook")
        message_id = int(request.match_info["message_id"])
        owned = [*record.followup_message_ids, record.original_message_id]
        message = self.state.live_message(message_id) if message_id in owned else None
        return message if message is not None else error_response(404, "unknown_message")

    async def get_webhook_message(self, request: web.Request) -> web.Response:
        found = self._webhook_message(request)
        return found if isinstance(found, web.Response) else json_response(found)

    async def edit_webhook_message(self, request: web.Request) -> web.Response:
        found = self._webhook_message(request)
        if isinstance(found, web.Response):
            return found
        body = self._body(request)
        return json_response(self.state.edit_message(found, body.json or {}, body.files))

    async def delete_webhook_message(self, request: web.Request) -> web.Response:
        found = self._webhook_message(request)
        if isinstance(found, web.Response):
            return found
        self.state.delete_message(int(found["id"]))
        return no_content()

    async def followup(self, request: web.Request) -> web.Response:
        record = self._webhook_record(request)
        if record is None:
            return error_response(404, "unknown_webhook")
        body = self._body(request)
        message = self.state.create_followup(record, body.json or {}, body.files)
        if not _truthy(request.query.get("wait")):
            return no_content()
        return json_response(message)

    # -- channels and messages -------------------------------------------------------------

    async def get_channel(self, request: web.Request) -> web.Response:
        channel = self.state.channel_payload(int(request.match_info["channel_id"]))
        if channel is None:
            return error_response(404, "unknown_channel")
        return json_response(channel)

    async def get_channel_messages(self, request: web.Request) -> web.Response:
        channel_id = int(request.match_info["channel_id"])
        if self.state.channel_payload(channel_id) is None:
            return error_response(404, "unknown_channel")
        limit = int(request.query.get("limit", "50"))
        newest_first = list(reversed(self.state.channel_history(channel_id)))
        return json_response(newest_first[:limit])

    async def post_channel_message(self, request: web.Request) -> web.Response:
        channel_id = int(request.match_info["channel_id"])
        if self.state.channel_payload(channel_id) is None:
            return error_response(404, "unknown_channel")
        body = self._body(request)
        reference = (body.json or {}).get("message_reference") or {}
        if reference.get("message_id") and reference.get("fail_if_not_exists", True):
            replied = self.state.live_message(int(reference["message_id"]))
            if replied is None or int(replied["channel_id"]) != channel_id:
                # Discord refuses a reply to a message that is gone (unless told not to fail).
                return json_response(UNKNOWN_REPLY, status=400)
        return json_response(
            self.state.post_channel_message(channel_id, body.json or {}, body.files)
        )

    def _channel_message(self, request: web.Request) -> dict[str, Any] | None:
        message = self.state.live_message(int(request.match_info["message_id"]))
        if message is None or message["channel_id"] != request.match_info["channel_id"]:
            return None
        return message

    async def get_channel_message(self, request: web.Request) -> web.Response:
        message = self._channel_message(request)
        return json_response(message) if message else error_response(404, "unknown_message")

    async def edit_channel_message(self, request: web.Request) -> web.Response:
        message = self._channel_message(request)
        if message is None:
            return error_response(404, "unknown_message")
        body = self._body(request)
        return json_response(self.state.edit_message(message, body.json or {}, body.files))

    async def delete_channel_message(self, request: web.Request) -> web.Response:
        message = self._channel_message(request)
        if message is None:
            return error_response(404, "unknown_message")
        self.state.delete_message(int(message["id"]))
        return no_content()

    async def typing(self, request: web.Request) -> web.Response:
        if self.state.channel_payload(int(request.match_info["channel_id"])) is None:
            return error_response(404, "unknown_channel")
        return no_content()

    async def get_attachment(self, request: web.Request) -> web.Response:
        stored = self.state.files.get(int(request.match_info["attachment_id"]))
        if stored is None:
            return error_response(404)
        content_type, data = stored
        return web.Response(body=data, content_type=content_type or "application/octet-stream")

    # -- guilds ----------------------------------------------------------------------------

    def _guild(self, request: web.Request):
        return self.state.guilds.get(int(request.match_info["guild_id"]))

    async def get_guild(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        if guild is None:
            return error_response(404, "unknown_guild")
        payload = guild.to_rest_payload()
        if _truthy(request.query.get("with_counts")):
            payload.update(
                approximate_member_count=len(guild.members), approximate_presence_count=0
            )
        return json_response(payload)

    async def get_guild_channels(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        if guild is None:
            return error_response(404, "unknown_guild")
        channels = [c.to_payload(guild.id) for c in guild.channels if not c.is_thread]
        return json_response(channels)

    async def get_guild_roles(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        if guild is None:
            return error_response(404, "unknown_guild")
        return json_response([role.to_payload() for role in guild.roles])

    async def get_member(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        if guild is None:
            return error_response(404, "unknown_guild")
        member = guild.member(int(request.match_info["user_id"]))
        if member is None:
            return error_response(404, "unknown_member")
        return json_response(member.to_payload())

    async def get_scheduled_events(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        if guild is None:
            return error_response(404, "unknown_guild")
        return json_response(self.state.scheduled_events.get(guild.id, []))

    async def create_scheduled_event(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        if guild is None:
            return error_response(404, "unknown_guild")
        event = scheduled_event_payload(
            self._body(request).json or {},
            event_id=new_snowflake(),
            guild_id=guild.id,
            creator=self.state.bot,
        )
        self.state.scheduled_events.setdefault(guild.id, []).append(event)
        return json_response(event)
