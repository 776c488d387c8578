"""/reminders channel|offsets|role|timezone|off|status: where and when reminders go."""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import available_timezones

import discord
from discord import app_commands
from discord.ext import commands

from bot import cards
from bot.embeds import NO_MENTIONS, stamp
from bot.errors import UserError
from bot.i18n import language, t
from bot.poster import REMINDER_PERMISSIONS
from bot.reminders.parsing import format_offsets
from cogs._checks import manager_only
from cogs._ui import reply

if TYPE_CHECKING:
    from bot.client import SiliconBridge

TIMEZONES = sorted(available_timezones())


async def timezone_choices(interaction: discord.Interaction, current: str):
    typed = current.strip().lower().replace(" ", "_")
    found = (
        [z for z in TIMEZONES if typed in z.lower()]
        if typed
        else ["Europe/Paris", "Asia/Taipei", "America/New_York", "UTC", "Europe/London"]
    )
    return [app_commands.Choice(name=z, value=z) for z in found[:25]]


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class RemindersCog(
    commands.GroupCog,
    group_name="reminders",
    group_description="Deadline reminders in this server (Manage Server)",
):
    def __init__(self, bot: SiliconBridge) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return manager_only(interaction)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Servers that removed the bot while it was offline are forgotten too."""
        await self.bot.reminders.keep_only_guilds({guild.id for guild in self.bot.guilds})

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Removed from a server (not an outage): its reminders stop and its settings go."""
        await self.bot.reminders.forget_guild(guild.id)

    @app_commands.command(name="channel", description="Post reminders in this channel")
    @app_commands.describe(channel="The channel for reminders")
    async def channel(self, interaction: discord.Interaction, channel: discord.TextChannel) -> None:
        lang = language(interaction.locale)
        me = interaction.guild.me
        resolved = interaction.guild.get_channel(channel.id) or channel
        if me is not None and isinstance(resolved, discord.abc.GuildChannel):
            allowed = resolved.permissions_for(me)
            if not all(getattr(allowed, name) for name in REMINDER_PERMISSIONS):
                raise UserError("reminders.cannot_post", channel=channel.mention)
        settings = await self.bot.reminders.set_channel(
            interaction.guild_id,
            interaction.user.id,
            channel.id,
            guild_locale=str(interaction.guild_locale) if interaction.guild_locale else None,
            user_locale=str(interaction.locale),
        )
        await self._ok(
            interaction,
            "reminders.channel_set",
            channel=channel.mention,
            offsets=format_offsets(settings.offsets, lang),
        )

    @app_commands.command(
        name="offsets", description="When to remind before each deadline, e.g. 30d 7d 1d 1h"
    )
    @app_commands.describe(offsets="Offsets such as 30d 7d 1d 1h (d days, h hours, m minutes)")
    async def offsets(
        self, interaction: discord.Interaction, offsets: app_commands.Range[str, 1, 100]
    ) -> None:
        lang = language(interaction.locale)
        settings = await self.bot.reminders.set_offsets(
            interaction.guild_id, interaction.user.id, offsets[:200]
        )
        await self._ok(
            interaction, "reminders.offsets_set", offsets=format_offsets(settings.offsets, lang)
        )

    @app_commands.command(
        name="role", description="Mention a role in reminders, or nobody when left empty"
    )
    @app_commands.describe(role="The role to mention")
    async def role(
        self, interaction: discord.Interaction, role: discord.Role | None = None
    ) -> None:
        if role is not None and (role.is_default() or role.managed):
            raise UserError("reminders.role_not_mentionable")
        await self.bot.reminders.set_role(
            interaction.guild_id, interaction.user.id, role.id if role else None
        )
        if role is None:
            await self._ok(interaction, "reminders.role_cleared")
        else:
            await self._ok(interaction, "reminders.role_set", role=role.mention)

    @app_commands.command(name="timezone", description="Default time zone for new deadlines")
    @app_commands.describe(timezone="A time zone such as Europe/Paris")
    @app_commands.autocomplete(timezone=timezone_choices)
    async def timezone(
        self, interaction: discord.Interaction, timezone: app_commands.Range[str, 1, 64]
    ) -> None:
        settings = await self.bot.reminders.set_timezone(
            interaction.guild_id, interaction.user.id, timezone
        )
        await self._ok(interaction, "reminders.timezone_set", timezone=settings.timezone)

    @app_commands.command(name="off", description="Stop posting reminders")
    async def off(self, interaction: discord.Interaction) -> None:
        await self.bot.reminders.turn_off(interaction.guild_id, interaction.user.id)
        await self._ok(interaction, "reminders.turned_off")

    @app_commands.command(name="status", description="What will be posted next, where and when")
    async def status(self, interaction: discord.Interaction) -> None:
        lang = language(interaction.locale)
        status = await self.bot.reminders.status(interaction.guild_id)
        card = cards.reminders_status_card(
            status,
            lang,
            channel=lambda i: f"<#{i}>",
            role=lambda i: f"<@&{i}>",
            offsets=format_offsets(status.settings.offsets, lang),
            stamp=stamp,
        )
        await reply(interaction, card, ephemeral=True)

    async def _ok(self, interaction: discord.Interaction, key: str, **fields) -> None:
        await interaction.response.send_message(
            t(key, language(interaction.locale), **fields),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


async def setup(bot: SiliconBridge) -> None:
    await bot.add_cog(RemindersCog(bot))
