"""/help, /about, and /sync for the bot's owner."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot import cards
from bot.embeds import NO_MENTIONS, stamp
from bot.errors import UserError
from bot.i18n import language, t
from cogs._ui import reply

if TYPE_CHECKING:
    from bot.client import SiliconBridge


class MetaCog(commands.Cog):
    def __init__(self, bot: SiliconBridge) -> None:
        self.bot = bot

    @app_commands.command(name="help")
    async def help(self, interaction: discord.Interaction) -> None:
        """What this bot can do"""
        await reply(interaction, cards.help_card(language(interaction.locale)), ephemeral=True)

    @app_commands.command(name="about")
    async def about(self, interaction: discord.Interaction) -> None:
        """What the bot knows, its version, uptime and latency"""
        lang = language(interaction.locale)
        knowledge = self.bot.knowledge
        latency = self.bot.latency
        card = cards.about_card(
            await knowledge.counts(guild_id=interaction.guild_id),
            await knowledge.sources(),
            lang,
            started=self.bot.started_at,
            latency_ms=latency * 1000 if math.isfinite(latency) else None,
            stamp=stamp,
        )
        await reply(interaction, card, ephemeral=True)

    @app_commands.command(name="sync")
    @app_commands.describe(scope="Where to sync: this server, or every server")
    @app_commands.default_permissions(administrator=True)
    async def sync(
        self, interaction: discord.Interaction, scope: Literal["guild", "global"] = "guild"
    ) -> None:
        """Sync the slash commands with Discord (bot owner only)"""
        lang = language(interaction.locale)
        if not await self.bot.is_owner(interaction.user):
            raise UserError("error.owner_only")
        await interaction.response.defer(ephemeral=True, thinking=True)
        if scope == "guild" and interaction.guild is not None:
            self.bot.tree.copy_global_to(guild=interaction.guild)
            synced = await self.bot.tree.sync(guild=interaction.guild)
            where = t("sync.guild", lang)
        else:
            synced = await self.bot.tree.sync()
            where = t("sync.global", lang)
        await interaction.followup.send(
            t("sync.done", lang, count=len(synced), where=where),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


async def setup(bot: SiliconBridge) -> None:
    await bot.add_cog(MetaCog(bot))
