"""Where an interaction happens and who triggers it: the guild/DM, channel, member fields of
INTERACTION_CREATE, and the ``resolved`` objects behind user/channel/role/attachment values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .interactions import OptionType, Resolver
from .models import FakeAttachment, FakeChannel, FakeGuild, FakeMember, FakeRole, FakeUser, Perm
from .payloads import dm_channel_payload
from .state import DiscordState

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024

UserLike = FakeUser | FakeMember | int
#: An int bit field, its decimal string, or a ``discord.Permissions``.
PermissionsLike = int | str | Any


def permission_value(value: PermissionsLike) -> int:
    return int(getattr(value, "value", value))


def interaction_context(
    state: DiscordState,
    *,
    guild_id: int | FakeGuild | None,
    channel_id: int | str | FakeChannel | None,
    user: UserLike | None,
    dm: bool,
    locale: str,
    guild_locale: str | None,
    permissions: PermissionsLike | None,
    roles: Sequence[int | str | FakeRole] | None,
    app_permissions: PermissionsLike | None,
) -> dict[str, Any]:
    """The interaction fields naming the place and the invoker.

    In a guild: ``guild_id``, ``guild``, ``channel`` (with the invoker's ``permissions``),
    ``member`` (``roles`` replaces the member's roles, ``permissions`` overrides the computed
    bit field), ``guild_locale`` and ``app_permissions`` (the bot's). In a DM (``dm=True``):
    ``user`` instead of ``member``, a DM ``channel``, no guild fields.
    """
    invoker = state.find_user(user)
    common: dict[str, Any] = {
        "locale": locale,
        "entitlements": [],
        "entitlement_sku_ids": [],
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }
    if dm:
        if channel_id is None:
            dm_id = state.dm_channel_for(invoker)
        else:
            dm_id = int(getattr(channel_id, "id", channel_id))
            state.dm_channels.setdefault(dm_id, invoker)
        app_perms = Perm.DM_DEFAULT if app_permissions is None else app_permissions
        return {
            **common,
            "channel_id": str(dm_id),
            "channel": dm_channel_payload(dm_id, invoker),
            "user": invoker.to_payload(),
            "app_permissions": str(permission_value(app_perms)),
            "authorizing_integration_owners": {"0": "0"},
            "context": 1,
        }

    guild = state.find_guild(guild_id)
    if channel_id is None:
        channel = guild.first_text_channel
        if channel is None:
            raise AssertionError(f"fakediscord: guild {guild.name!r} has no text channel")
    else:
        channel = state.find_channel(guild, channel_id)
    member = guild.member(invoker.id) or FakeMember(invoker)
    if roles is not None:
        member = FakeMember(
            invoker,
            roles=[state.find_role(guild, r).id for r in roles],
            nick=member.nick,
            joined_at=member.joined_at,
        )
    if permissions is None:
        perms = guild.member_permissions(member)
    else:
        perms = permission_value(permissions)
    if app_permissions is None:
        app_perms = state.bot_member_permissions(guild)
    else:
        app_perms = permission_value(app_permissions)
    channel_payload = channel.to_payload(guild.id)
    channel_payload["permissions"] = str(perms)
    return {
        **common,
        "guild_id": str(guild.id),
        "guild": {
            "id": str(guild.id),
            "locale": guild.preferred_locale,
            "features": guild.features,
        },
        "channel_id": str(channel.id),
        "channel": channel_payload,
        "member": member.to_payload(permissions=perms),
        "guild_locale": guild_locale or guild.preferred_locale,
        "app_permissions": str(app_perms),
        "authorizing_integration_owners": {"0": str(guild.id)},
        "context": 0,
    }


def option_resolver(state: DiscordState, guild: FakeGuild | None, channel_id: int) -> Resolver:
    """A resolver turning option / select values into ids and filling ``resolved``."""

    def resolve(option_type: int, value: Any, resolved: dict[str, Any]) -> str:
        if option_type == OptionType.ATTACHMENT:
            if not isinstance(value, FakeAttachment):
                raise AssertionError(f"attachment options take a FakeAttachment, got {value!r}")
            resolved.setdefault("attachments", {})[str(value.id)] = state.store_file(
                channel_id,
                filename=value.filename,
                data=value.data,
                content_type=value.content_type,
                description=value.description,
                attachment_id=value.id,
            )
            return str(value.id)
        if option_type == OptionType.MENTIONABLE:
            is_role = isinstance(value, FakeRole) or (
                guild is not None and isinstance(value, int | str) and guild.role(value)
            )
            option_type = OptionType.ROLE if is_role else OptionType.USER
        if option_type == OptionType.ROLE:
            role = state.find_role(guild, value)
            resolved.setdefault("roles", {})[str(role.id)] = role.to_payload()
            return str(role.id)
        if option_type == OptionType.CHANNEL:
            channel = state.find_channel(guild, value)
            owner = guild or state.guild_of_channel(channel.id)
            assert owner is not None
            payload = channel.to_payload(owner.id)
            payload["permissions"] = str(Perm.ALL)
            resolved.setdefault("channels", {})[str(channel.id)] = payload
            return str(channel.id)
        user = state.find_user(value)
        resolved.setdefault("users", {})[str(user.id)] = user.to_payload()
        member = guild.member(user.id) if guild is not None else None
        if guild is not None and member is not None:
            resolved.setdefault("members", {})[str(user.id)] = member.to_payload(
                with_user=False, permissions=guild.member_permissions(member)
            )
        return str(user.id)

    return resolve
