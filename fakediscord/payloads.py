"""Builders for the JSON objects Discord sends: messages, the application, commands, errors.

These follow the shapes in Discord's API documentation closely enough for discord.py to parse
them without special cases (see ``discord/types/*.py``).
"""

from __future__ import annotations

from typing import Any

from .models import FakeUser
from .snowflake import iso_timestamp, new_snowflake, snowflake_time

#: Message flags the fake sets itself.
EPHEMERAL = 1 << 6
LOADING = 1 << 7

#: Fields of a message body that a create or edit copies onto the message object.
MESSAGE_FIELDS = ("content", "embeds", "components", "flags", "tts", "poll", "sticker_items")

#: Discord's JSON error codes and messages for the errors the fake returns.
ERRORS: dict[str, tuple[int, str]] = {
    "unknown_channel": (10003, "Unknown Channel"),
    "unknown_guild": (10004, "Unknown Guild"),
    "unknown_member": (10007, "Unknown Member"),
    "unknown_message": (10008, "Unknown Message"),
    "unknown_user": (10013, "Unknown User"),
    "unknown_webhook": (10015, "Unknown Webhook"),
    "unknown_interaction": (10062, "Unknown interaction"),
    "unknown_command": (10063, "Unknown application command"),
    "already_acknowledged": (40060, "Interaction has already been acknowledged."),
    "missing_access": (50001, "Missing Access"),
    "missing_permissions": (50013, "Missing Permissions"),
    "invalid_form_body": (50035, "Invalid Form Body"),
}

STATUS_TEXT = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def error_body(status: int, kind: str | None = None) -> dict[str, Any]:
    """Discord's error shape: ``{"code": 10003, "message": "Unknown Channel"}``.

    Without ``kind`` this is the generic ``{"code": 0, "message": "404: Not Found"}``.
    """
    if kind is not None:
        code, message = ERRORS[kind]
        return {"code": code, "message": message}
    if status == 403:
        return {"code": 50013, "message": "Missing Permissions"}
    return {"code": 0, "message": f"{status}: {STATUS_TEXT.get(status, 'Error')}"}


def rate_limited_body(retry_after: float, *, is_global: bool = False) -> dict[str, Any]:
    return {
        "message": "You are being rate limited.",
        "retry_after": retry_after,
        "global": is_global,
    }


def application_payload(bot: FakeUser, owner: FakeUser, flags: int) -> dict[str, Any]:
    """``GET /oauth2/applications/@me``: the bot's application (its id is the bot user's)."""
    return {
        "id": str(bot.id),
        "name": bot.username,
        "icon": None,
        "description": "",
        "summary": "",
        "type": None,
        "bot": bot.to_payload(),
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": owner.to_payload(),
        "team": None,
        "verify_key": "0" * 64,
        "flags": flags,
        "tags": [],
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "role_connections_verification_url": None,
        "approximate_guild_count": 1,
        "integration_types_config": {"0": {}},
    }


def bot_user_payload(bot: FakeUser) -> dict[str, Any]:
    """``GET /users/@me`` and READY's ``user``: the bot user with its private fields."""
    payload = bot.to_payload()
    payload.update(verified=True, mfa_enabled=False, email=None, locale="en-US", bot=True)
    return payload


def dm_channel_payload(channel_id: int, recipient: FakeUser) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 1,
        "last_message_id": None,
        "flags": 0,
        "recipients": [recipient.to_payload()],
    }


def command_object(
    body: dict[str, Any], *, command_id: int, application_id: int, guild_id: int | None
) -> dict[str, Any]:
    """An application command as Discord returns it after an upsert."""
    command = {
        "type": 1,
        "description": "",
        "options": [],
        "default_member_permissions": None,
        "nsfw": False,
        "name_localizations": None,
        "description_localizations": None,
    }
    command.update(body)
    command.update(
        id=str(command_id),
        application_id=str(application_id),
        version=str(new_snowflake()),
    )
    if guild_id is not None:
        command["guild_id"] = str(guild_id)
    else:
        command.setdefault("contexts", [0, 1, 2])
        command.setdefault("integration_types", [0])
    return command


def attachment_payload(
    *,
    attachment_id: int,
    filename: str,
    data: bytes,
    content_type: str | None,
    url: str,
    description: str | None = None,
) -> dict[str, Any]:
    return {
        "id": str(attachment_id),
        "filename": filename,
        "description": description,
        "content_type": content_type,
        "size": len(data),
        "url": url,
        "proxy_url": url,
        "ephemeral": False,
    }


def message_payload(
    body: dict[str, Any],
    *,
    message_id: int,
    channel_id: int,
    author: dict[str, Any],
    guild_id: int | None = None,
    attachments: list[dict[str, Any]] | None = None,
    message_type: int = 0,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A full message object built from the body the bot sent."""
    message: dict[str, Any] = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": author,
        "content": body.get("content") or "",
        "timestamp": iso_timestamp(snowflake_time(message_id)),
        "edited_timestamp": None,
        "tts": bool(body.get("tts", False)),
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": attachments or [],
        "embeds": body.get("embeds") or [],
        "components": body.get("components") or [],
        "pinned": False,
        "type": message_type,
        "flags": int(body.get("flags") or 0),
        "reactions": [],
    }
    if guild_id is not None:
        message["guild_id"] = str(guild_id)
    if body.get("message_reference"):
        # Snowflakes come back as strings, whatever the bot sent.
        reference = {
            key: str(value) if key.endswith("_id") and value is not None else value
            for key, value in body["message_reference"].items()
        }
        reference.setdefault("channel_id", str(channel_id))
        reference.setdefault("type", 0)
        message["message_reference"] = reference
        message["type"] = 19
    if body.get("nonce") is not None:
        message["nonce"] = body["nonce"]
    if extra:
        message.update(extra)
    return message


def apply_edit(
    message: dict[str, Any], body: dict[str, Any], new_attachments: list[dict[str, Any]]
) -> None:
    """Apply a PATCH body (or an UPDATE_MESSAGE callback) to ``message`` in place."""
    for key in MESSAGE_FIELDS:
        if key in body:
            value = body[key]
            if key == "content":
                value = value or ""
            elif key == "flags":
                value = int(value or 0) | (message.get("flags", 0) & EPHEMERAL)
            elif key in ("embeds", "components"):
                value = value or []
            message[key] = value
    if "attachments" in body or new_attachments:
        kept_ids = {str(item.get("id")) for item in body.get("attachments") or []}
        kept = [item for item in message.get("attachments", []) if item["id"] in kept_ids]
        message["attachments"] = kept + new_attachments
    message["flags"] = message.get("flags", 0) & ~LOADING
    message["edited_timestamp"] = iso_timestamp()


def scheduled_event_payload(
    body: dict[str, Any], *, event_id: int, guild_id: int, creator: FakeUser
) -> dict[str, Any]:
    event = {
        "id": str(event_id),
        "guild_id": str(guild_id),
        "channel_id": None,
        "creator_id": str(creator.id),
        "creator": creator.to_payload(),
        "name": "",
        "description": None,
        "scheduled_start_time": None,
        "scheduled_end_time": None,
        "privacy_level": 2,
        "status": 1,
        "entity_type": 3,
        "entity_id": None,
        "entity_metadata": None,
        "user_count": 0,
        "image": None,
        "recurrence_rule": None,
    }
    event.update(body)
    event.update(id=str(event_id), guild_id=str(guild_id))
    return event
