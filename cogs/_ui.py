"""Shared Discord pieces of the commands: the Details button handler, pages, text input, reply."""

from __future__ import annotations

import contextlib
import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot import cards, replies
from bot.embeds import NO_MENTIONS, SHOW_TEMPLATE, details_button, embed, stamp
from bot.errors import UserError
from bot.i18n import language, t
from bot.tree import report

if TYPE_CHECKING:
    from bot.client import SiliconBridge

MAX_QUESTION = 500


class ShowItem(discord.ui.DynamicItem[discord.ui.Button], template=SHOW_TEMPLATE):
    """Handles the Details buttons, also those of messages sent before a restart."""

    def __init__(self, item_id: str, label: str = "") -> None:
        super().__init__(details_button(item_id, label))
        self.item_id = item_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str], /) -> ShowItem:
        return cls(match["id"])

    async def callback(self, interaction: discord.Interaction[SiliconBridge]) -> None:
        interaction.client.finish_before_closing()
        try:
            await self._show(interaction)
        except Exception as error:  # a dynamic item has no view to report for it
            await report(interaction, error)

    async def _show(self, interaction: discord.Interaction[SiliconBridge]) -> None:
        bot = interaction.client
        lang = language(interaction.locale)
        found = await bot.knowledge.item(self.item_id, guild_id=interaction.guild_id)
        if found is None:
            await report(interaction, UserError("error.expired"))
            return
        card = await replies.details(
            bot.knowledge, found, guild_id=interaction.guild_id, lang=lang, stamp=stamp
        )
        await interaction.response.send_message(
            embed=embed(card), ephemeral=True, allowed_mentions=NO_MENTIONS
        )


def links_view(card: cards.Card) -> discord.ui.View | discord.utils.MISSING:
    """Buttons for a card's links, or nothing when it has none."""
    if not card.links:
        return discord.utils.MISSING
    view = discord.ui.View(timeout=None)
    for link in card.links[:5]:
        view.add_item(ShowItem(link.item_id, link.label))
    return view


class Pages(discord.ui.View):
    """Previous / next buttons over a list of cards, for the person who asked only."""

    def __init__(self, pages: list[cards.Card], lang: str, owner_id: int) -> None:
        super().__init__(timeout=300)
        self.pages = pages
        self.index = 0
        self.owner_id = owner_id
        self.message: discord.InteractionMessage | None = None
        self.previous.label = t("button.previous", lang)
        self.next.label = t("button.next", lang)
        self.lang = lang
        self._update()

    def _update(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            raise UserError("error.not_yours")
        return True

    async def on_error(self, interaction, error, item) -> None:
        await report(interaction, error)

    async def _show(self, interaction: discord.Interaction) -> None:
        self._update()
        await interaction.response.edit_message(embed=embed(self.pages[self.index]), view=self)

    @discord.ui.button(label="<", style=discord.ButtonStyle.secondary, custom_id="pages:previous")
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.index = max(0, self.index - 1)
        await self._show(interaction)

    @discord.ui.button(label=">", style=discord.ButtonStyle.secondary, custom_id="pages:next")
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.index = min(len(self.pages) - 1, self.index + 1)
        await self._show(interaction)

    async def on_timeout(self) -> None:
        if self.message is not None:
            for child in self.children:
                child.disabled = True
            with contextlib.suppress(discord.HTTPException):
                await self.message.edit(view=self)


class Text(app_commands.Transformer):
    """A free-text option: stripped, not empty, not longer than ``limit``."""

    def __init__(self, limit: int = MAX_QUESTION) -> None:
        self.limit = limit

    @property
    def max_value(self) -> int:
        return self.limit if self.limit <= 6000 else 6000

    async def transform(self, interaction: discord.Interaction, value: str) -> str:
        text = " ".join(str(value).split())
        if not text:
            raise UserError("error.empty")
        if len(text) > self.limit:
            raise UserError("error.too_long", limit=self.limit)
        return text


async def reply(
    interaction: discord.Interaction,
    card: cards.Card,
    *,
    ephemeral: bool = False,
    view: discord.ui.View | None = None,
) -> int | None:
    """Send a card as the interaction's response, with its buttons; nobody can be pinged. The id
    of the message sent, when Discord says it."""
    response = await interaction.response.send_message(
        embed=embed(card),
        view=view if view is not None else links_view(card),
        ephemeral=ephemeral,
        allowed_mentions=NO_MENTIONS,
    )
    return response.message_id if response is not None else None
