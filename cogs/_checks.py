"""Checks the commands make themselves, whatever the server's command permissions say."""

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
