"""Checks the commands make themselves, whatever the server's command permissions say, and what
the bot needs in a channel to reply there."""

from __future__ import annotations

import discord
from discord import app_commands


def manager_only(interaction: discord.Interaction) -> bool:
    """Only members with Manage Server, and only in a server."""
    if interaction.guild is None:
        raise app_commands.NoPrivateMessage()
    if not interaction.permissions.manage_guild:
        raise app_commands.MissingPermissions(["manage_guild"])
    return True


# What the bot needs in a channel to answer there: a reply needs the history (the message it
# replies to), and the answer is an embed.
REPLY_PERMISSIONS = ("view_channel", "embed_links", "read_message_history")


def missing_to_reply(channel: object, me: discord.Member | None) -> list[str]:
    """The permissions the bot lacks to reply in a channel; empty when it may, or cannot tell
    (a direct message, a channel it does not hold in its cache)."""
    if me is None or not isinstance(channel, discord.abc.GuildChannel | discord.Thread):
        return []
    allowed = channel.permissions_for(me)
    send = "send_messages_in_threads" if isinstance(channel, discord.Thread) else "send_messages"
    return [name for name in (send, *REPLY_PERMISSIONS) if not getattr(allowed, name)]
