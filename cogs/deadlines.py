"""/deadline list and /deadline show."""

from __future__ import annotations

import io
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import calendar, replies
from bot.embeds import NO_MENTIONS, clip, embed, stamp
from bot.errors import UserError
from bot.i18n import language, t
from bot.reminders.service import DeadlineForm
from bot.tree import report
from cogs._checks import manager_only
from cogs._ui import Pages, Text, reply
from store.items import Item

if TYPE_CHECKING:
    from bot.client import SiliconBridge


class DeadlinesCog(
    commands.GroupCog, group_name="deadline", group_description="Deadlines of the partnerships"
):
    def __init__(self, bot: SiliconBridge) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="list")
    async def list_(self, interaction: discord.Interaction) -> None:
        """Upcoming deadlines first, then recent past ones"""
        lang = language(interaction.locale)
        pages = await replies.deadline_pages(
            self.bot.knowledge, guild_id=interaction.guild_id, lang=lang, stamp=stamp
        )
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
        card = await replies.named(
            self.bot.knowledge,
            name,
            kind="deadline",
            guild_id=interaction.guild_id,
            lang=language(interaction.locale),
            stamp=stamp,
        )
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

    # admins ---------------------------------------------------------------------------------

    async def _own_choices(self, interaction: discord.Interaction, current: str):
        found = await self.bot.knowledge.suggest(
            current,
            kind="deadline",
            guild_id=interaction.guild_id,
            lang=language(interaction.locale),
            own=True,
        )
        return [app_commands.Choice(name=c.name, value=c.value) for c in found]

    @app_commands.command(name="add", description="Add a deadline to this server (Manage Server)")
    @app_commands.check(manager_only)
    async def add(self, interaction: discord.Interaction) -> None:
        settings = await self.bot.reminders.settings(interaction.guild_id)
        await interaction.response.send_modal(
            DeadlineModal(self.bot, language(interaction.locale), timezone=settings.timezone)
        )

    @app_commands.command(
        name="edit", description="Change a deadline added in this server (Manage Server)"
    )
    @app_commands.describe(name="The deadline's name")
    @app_commands.check(manager_only)
    async def edit(
        self, interaction: discord.Interaction, name: app_commands.Transform[str, Text]
    ) -> None:
        item = await self.bot.reminders.own_deadline(interaction.guild_id, name)
        await interaction.response.send_modal(
            DeadlineModal(self.bot, language(interaction.locale), editing=item)
        )

    @app_commands.command(
        name="remove", description="Remove a deadline added in this server (Manage Server)"
    )
    @app_commands.describe(name="The deadline's name")
    @app_commands.check(manager_only)
    async def remove(
        self, interaction: discord.Interaction, name: app_commands.Transform[str, Text]
    ) -> None:
        item = await self.bot.reminders.remove_deadline(
            interaction.guild_id, interaction.user.id, name
        )
        lang = language(interaction.locale)
        await interaction.response.send_message(
            t("deadline.removed", lang, title=item.title(lang)),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    edit.autocomplete("name")(_own_choices)
    remove.autocomplete("name")(_own_choices)

    @app_commands.command(
        name="calendar", description="Upcoming deadlines as a calendar file (.ics)"
    )
    async def calendar(self, interaction: discord.Interaction) -> None:
        lang = language(interaction.locale)
        listing = await self.bot.knowledge.deadlines(guild_id=interaction.guild_id)
        if not listing.upcoming:
            raise UserError("calendar.none")
        data = calendar.ics(listing.upcoming, lang)
        await interaction.response.send_message(
            t("calendar.ready", lang, count=len(listing.upcoming)),
            file=discord.File(io.BytesIO(data), filename="silicon-bridge-deadlines.ics"),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @app_commands.command(
        name="event", description="Create a Discord event for a deadline (Manage Server)"
    )
    @app_commands.describe(name="The deadline's name")
    @app_commands.check(manager_only)
    async def event(
        self, interaction: discord.Interaction, name: app_commands.Transform[str, Text]
    ) -> None:
        lang = language(interaction.locale)
        item = await self.bot.knowledge.upcoming_deadline(
            name, guild_id=interaction.guild_id, lang=lang
        )
        due = item.deadline.due
        await interaction.response.defer(ephemeral=True, thinking=True)
        event = await interaction.guild.create_scheduled_event(
            name=clip(item.title(lang), 100),
            start_time=due,
            end_time=due + timedelta(hours=1),
            entity_type=discord.EntityType.external,
            location="Silicon Bridge",
            privacy_level=discord.PrivacyLevel.guild_only,
            description=clip(item.text(lang), 1000),
        )
        await interaction.followup.send(
            t("event.created", lang, name=event.name), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    event.autocomplete("name")(show_autocomplete)


class DeadlineModal(discord.ui.Modal):
    """The deadline form: titles in both languages, when, time zone, partnership or link."""

    def __init__(
        self,
        bot: SiliconBridge,
        lang: str,
        *,
        timezone: str = "Europe/Paris",
        editing: Item | None = None,
    ) -> None:
        # Each form its own id: discord.py finds a submitted modal by (user, custom_id), so two
        # forms open at once must never share one.
        super().__init__(
            title=t("deadline.form_title", lang),
            timeout=900,
            custom_id=f"deadline-form-{secrets.token_hex(8)}",
        )
        self.bot, self.lang, self.editing = bot, lang, editing
        filled = DeadlineForm.of(editing) if editing else DeadlineForm("", "", "", timezone)

        def field(
            key: str, default: str, *, required: bool = True, max_length: int = 100
        ) -> discord.ui.TextInput:
            text = discord.ui.TextInput(
                label=t(key, lang),
                default=default or None,
                required=required,
                max_length=max_length,
                custom_id=key.replace("deadline.form.", "deadline-form:"),
            )
            self.add_item(text)
            return text

        self.title_fr = field("deadline.form.title_fr", filled.title_fr)
        self.title_en = field("deadline.form.title_en", filled.title_en)
        self.when = field("deadline.form.when", filled.when, max_length=40)
        self.timezone = field("deadline.form.timezone", filled.timezone, max_length=64)
        self.link = field("deadline.form.link", filled.link, required=False, max_length=500)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        self.bot.finish_before_closing()  # the deadline is saved even as the bot stops
        manager_only(interaction)
        form = DeadlineForm(
            self.title_fr.value,
            self.title_en.value,
            self.when.value,
            self.timezone.value,
            self.link.value or "",
        )
        service = self.bot.reminders
        if self.editing is None:
            item = await service.add_deadline(interaction.guild_id, interaction.user.id, form)
            key = "deadline.added"
        else:
            item = await service.edit_deadline(
                interaction.guild_id, interaction.user.id, self.editing.id, form
            )
            key = "deadline.edited"
        card = await replies.details(
            self.bot.knowledge, item, guild_id=interaction.guild_id, lang=self.lang, stamp=stamp
        )
        await interaction.response.send_message(
            t(key, self.lang, title=item.title(self.lang)),
            embed=embed(card),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await report(interaction, error)


async def setup(bot: SiliconBridge) -> None:
    await bot.add_cog(DeadlinesCog(bot))
