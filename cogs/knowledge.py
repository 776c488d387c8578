"""/partnership, /figure and /source: cards for one partnership, figure or source document."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import replies
from bot.embeds import stamp
from bot.i18n import language
from cogs._ui import Text, reply

if TYPE_CHECKING:
    from bot.client import SiliconBridge


def choices(found) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=c.name, value=c.value) for c in found]


class KnowledgeCog(commands.Cog):
    def __init__(self, bot: SiliconBridge) -> None:
        self.bot = bot

    async def _complete(self, interaction: discord.Interaction, current: str, kind: str):
        return choices(
            await self.bot.knowledge.suggest(
                current, kind=kind, guild_id=interaction.guild_id, lang=language(interaction.locale)
            )
        )

    async def _named(self, interaction: discord.Interaction, text: str, kind: str) -> None:
        card = await replies.named(
            self.bot.knowledge,
            text,
            kind=kind,
            guild_id=interaction.guild_id,
            lang=language(interaction.locale),
            stamp=stamp,
        )
        await reply(interaction, card)

    @app_commands.command(name="partnership")
    @app_commands.describe(name="The partnership's name")
    async def partnership(
        self, interaction: discord.Interaction, name: app_commands.Transform[str, Text]
    ) -> None:
        """Show a partnership: parties, programme, themes, deadlines and figures"""
        await self._named(interaction, name, "partnership")

    @partnership.autocomplete("name")
    async def partnership_autocomplete(self, interaction: discord.Interaction, current: str):
        return await self._complete(interaction, current, "partnership")

    @app_commands.command(name="figure")
    @app_commands.describe(query="What the figure is about")
    async def figure(
        self, interaction: discord.Interaction, query: app_commands.Transform[str, Text]
    ) -> None:
        """A figure with its qualifier, date, context and source"""
        await self._named(interaction, query, "figure")

    @figure.autocomplete("query")
    async def figure_autocomplete(self, interaction: discord.Interaction, current: str):
        return await self._complete(interaction, current, "figure")

    @app_commands.command(name="source")
    @app_commands.describe(id="The source's name")
    async def source(
        self, interaction: discord.Interaction, id: app_commands.Transform[str, Text]
    ) -> None:
        """A source document and the facts taken from it"""
        card = await replies.source(
            self.bot.knowledge,
            id,
            guild_id=interaction.guild_id,
            lang=language(interaction.locale),
        )
        await reply(interaction, card)

    @source.autocomplete("id")
    async def source_autocomplete(self, interaction: discord.Interaction, current: str):
        return await self._complete(interaction, current, "source")


async def setup(bot: SiliconBridge) -> None:
    await bot.add_cog(KnowledgeCog(bot))
