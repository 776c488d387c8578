"""/deadline list and /deadline show."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import cards
from bot.errors import NotFound
from bot.i18n import language, t
from cogs._ui import Pages, Text, embed, reply, stamp

if TYPE_CHECKING:
    from bot.client import SiliconBridge


class Deadlines(
    commands.GroupCog, group_name="deadline", group_description="Deadlines of the partnerships"
):
    def __init__(self, bot: SiliconBridge) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="list")
    async def list_(self, interaction: discord.Interaction) -> None:
        """Upcoming deadlines first, then recent past ones"""
        lang = language(interaction.locale)
        knowledge = self.bot.knowledge
        listing = await knowledge.deadlines(guild_id=interaction.guild_id)
        pages = cards.deadline_pages(listing, lang, knowledge.clock(), stamp)
        if len(pages) == 1:
            await reply(interaction, pages[0])
            return
        view = Pages(pages, lang, interaction.user.id)
        await interaction.response.send_message(
            embed=embed(pages[0]), view=view, allowed_mentions=discord.AllowedMentions.none()
        )
        view.message = await interaction.original_response()

    @app_commands.command(name="show")
    @app_commands.describe(name="The deadline's name")
    async def show(
        self, interaction: discord.Interaction, name: app_commands.Transform[str, Text]
    ) -> None:
        """One deadline in detail"""
        lang = language(interaction.locale)
        knowledge = self.bot.knowledge
        item = await knowledge.find(name, kind="deadline", guild_id=interaction.guild_id)
        if item is None:
            near = await knowledge.suggest(
                "", kind="deadline", guild_id=interaction.guild_id, lang=lang, limit=3
            )
            raise NotFound(t("what.deadline", lang), name[:100], [c.name for c in near])
        source = await knowledge.source(item.source_id)
        card = cards.item_card(item, source, lang, knowledge.clock(), stamp)
        if item.partnership_id:
            card.links.append(cards.Link(t("card.partnership", lang), item.partnership_id))
        await reply(interaction, card)

    @show.autocomplete("name")
    async def show_autocomplete(self, interaction: discord.Interaction, current: str):
        found = await self.bot.knowledge.suggest(
            current,
            kind="deadline",
            guild_id=interaction.guild_id,
            lang=language(interaction.locale),
        )
        return [app_commands.Choice(name=c.name, value=c.value) for c in found]


async def setup(bot: SiliconBridge) -> None:
    await bot.add_cog(Deadlines(bot))
