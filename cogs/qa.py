"""/qa channel|off|status: the channels where the bot answers every question it is sure of."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import cards
from bot.embeds import NO_MENTIONS
from bot.errors import UserError
from bot.i18n import language, t
from cogs._checks import manager_only, missing_to_reply
from cogs._ui import reply

if TYPE_CHECKING:
    from bot.client import SiliconBridge


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class QaCog(
    commands.GroupCog,
    group_name="qa",
    group_description="Q&A channels, where I answer every question I am sure of (Manage Server)",
):
    def __init__(self, bot: SiliconBridge) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return manager_only(interaction)

    @app_commands.command(name="channel", description="Answer the questions asked in a channel")
    @app_commands.describe(channel="The Q&A channel")
    async def channel(self, interaction: discord.Interaction, channel: discord.TextChannel) -> None:
        resolved = interaction.guild.get_channel(channel.id) or channel
        if missing_to_reply(resolved, interaction.guild.me):
            raise UserError("qa.cannot_answer", channel=channel.mention)
        await self.bot.conversations.enable_qa(
            interaction.guild_id, channel.id, interaction.user.id
        )
        await self._ok(interaction, "qa.on", channel=channel.mention)

    @app_commands.command(name="off", description="Stop answering every question in a channel")
    @app_commands.describe(channel="The channel to turn off")
    async def off(self, interaction: discord.Interaction, channel: discord.TextChannel) -> None:
        changed = await self.bot.conversations.disable_qa(
            interaction.guild_id, channel.id, interaction.user.id
        )
        await self._ok(interaction, "qa.off" if changed else "qa.was_off", channel=channel.mention)

    @app_commands.command(
        name="status", description="Which channels are Q&A channels, and whether they can work"
    )
    async def status(self, interaction: discord.Interaction) -> None:
        channels = await self.bot.conversations.qa_channels(interaction.guild_id)
        card = cards.qa_status_card(
            [c.channel_id for c in channels],
            language(interaction.locale),
            message_content=self.bot.intents.message_content,
            channel=lambda i: f"<#{i}>",
        )
        await reply(interaction, card, ephemeral=True)

    async def _ok(self, interaction: discord.Interaction, key: str, **fields) -> None:
        lang = language(interaction.locale)
        text = t(key, lang, **fields)
        if key == "qa.on" and not self.bot.intents.message_content:
            text += "\n\n" + t("qa.intent_missing", lang)
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


async def setup(bot: SiliconBridge) -> None:
    await bot.add_cog(QaCog(bot))
