"""/partnership, /figure and /source: cards for one partnership, figure or source document."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import cards
from bot.errors import NotFound
from bot.i18n import language
from cogs._ui import Text, reply, stamp

if TYPE_CHECKING:
    from bot.client import SiliconBridge


def choices(found) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=c.name, value=c.value) for c in found]


class Knowledge(commands.Cog):
    def __init__(self, bot: SiliconBridge) -> None:
        self.bot = bot

    async def _complete(self, interaction: discord.Interaction, current: str, kind: str):
        return choices(
            await self.bot.knowledge.suggest(
                current, kind=kind, guild_id=interaction.guild_id, lang=language(interaction.locale)
            )
        )

    @app_commands.command(name="partnership")
    @app_commands.describe(name="The partnership's name")
    async def partnership(
        self, interaction: discord.Interaction, name: app_commands.Transform[str, Text]
    ) -> None:
        """Show a partnership: parties, programme, themes, deadlines and figures"""
        lang = language(interaction.locale)
        item = await self.bot.knowledge.lookup(
            name, kind="partnership", guild_id=interaction.guild_id, lang=lang
        )
        view = await self.bot.knowledge.partnership(item, guild_id=interaction.guild_id)
        await reply(
            interaction, cards.partnership_card(view, lang, self.bot.knowledge.clock(), stamp)
        )

    @partnership.autocomplete("name")
    async def partnership_autocomplete(self, interaction: discord.Interaction, current: str):
        return await self._complete(interaction, current, "partnership")

    @app_commands.command(name="figure")
    @app_commands.describe(query="What the figure is about")
    async def figure(
        self, interaction: discord.Interaction, query: app_commands.Transform[str, Text]
    ) -> None:
        """A figure with its qualifier, date, context and source"""
        lang = language(interaction.locale)
        item = await self.bot.knowledge.lookup(
            query, kind="figure", guild_id=interaction.guild_id, lang=lang
        )
        source = await self.bot.knowledge.source(item.source_id)
        await reply(
            interaction, cards.item_card(item, source, lang, self.bot.knowledge.clock(), stamp)
        )

    @figure.autocomplete("query")
    async def figure_autocomplete(self, interaction: discord.Interaction, current: str):
        return await self._complete(interaction, current, "figure")

    @app_commands.command(name="source")
    @app_commands.describe(id="The source's name")
    async def source(
        self, interaction: discord.Interaction, id: app_commands.Transform[str, Text]
    ) -> None:
        """A source document and the facts taken from it"""
        lang = language(interaction.locale)
        knowledge = self.bot.knowledge
        found = await knowledge.source(id)
        if found is None:
            matches = await knowledge.suggest(id, kind="source", guild_id=None, lang=lang, limit=1)
            found = await knowledge.source(matches[0].value) if matches else None
        if found is None:
            sources = await knowledge.sources()
            raise NotFound("source", id[:100], [s.id for s in sources[:3]])
        items = await knowledge.items_from_source(found.id, guild_id=interaction.guild_id)
        await reply(interaction, cards.source_card(found, items, lang))

    @source.autocomplete("id")
    async def source_autocomplete(self, interaction: discord.Interaction, current: str):
        return await self._complete(interaction, current, "source")


async def setup(bot: SiliconBridge) -> None:
    await bot.add_cog(Knowledge(bot))
