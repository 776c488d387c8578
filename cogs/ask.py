"""/ask: a question answered by the answer engine, with "did you mean" buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.conversation.reading import Heard
from bot.embeds import stamp
from bot.i18n import language
from cogs._ui import ShowItem, Text, reply

if TYPE_CHECKING:
    from bot.client import SiliconBridge


class AskCog(commands.Cog):
    def __init__(self, bot: SiliconBridge) -> None:
        self.bot = bot

    @app_commands.command(name="ask")
    @app_commands.describe(question="Your question, in French or English")
    async def ask(
        self, interaction: discord.Interaction, question: app_commands.Transform[str, Text]
    ) -> None:
        """Ask a question about AI and semiconductor cooperation"""
        lang = language(interaction.locale)
        conversations = self.bot.conversations
        answer = await conversations.ask_command(
            question, lang=lang, guild_id=interaction.guild_id, stamp=stamp
        )
        assert answer.card is not None
        answer_id = await reply(interaction, answer.card)
        if answer_id is not None and interaction.channel_id is not None:
            # The answer is public: a reply to it is a follow-up, asked in its context.
            asked = Heard(
                message_id=interaction.id,  # no question message: the interaction stands for it
                author_id=interaction.user.id,
                channel_id=interaction.channel_id,
                guild_id=interaction.guild_id,
                text=question,
            )
            await conversations.remember(asked, answer, answer_id)

    @ask.autocomplete("question")
    async def ask_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        lang = language(interaction.locale)
        found = await self.bot.knowledge.suggest(
            current, kind=None, guild_id=interaction.guild_id, lang=lang
        )
        # The value is the title, so the question asked is what the user picked.
        return [app_commands.Choice(name=c.name, value=c.name) for c in found]


async def setup(bot: SiliconBridge) -> None:
    bot.add_dynamic_items(ShowItem)
    await bot.add_cog(AskCog(bot))
