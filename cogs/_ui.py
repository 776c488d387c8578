"""Shared Discord pieces: cards to embeds within Discord's limits, buttons, pages, text input."""

from __future__ import annotations

import contextlib
import re
from datetime import datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot import cards
from bot.errors import UserError
from bot.i18n import language, t
from bot.tree import report

if TYPE_CHECKING:
    from bot.client import SiliconBridge

NO_MENTIONS = discord.AllowedMentions.none()

# Discord's limits on embeds.
TITLE, DESCRIPTION, FIELDS, FIELD_NAME, FIELD_VALUE, FOOTER, TOTAL = (
    256,
    4096,
    25,
    256,
    1024,
    2048,
    6000,
)
BUTTON_LABEL = 80
FIELDS_RESERVE = 1500
MAX_QUESTION = 500


def clip(text: str, limit: int) -> str:
    """Cut text to a limit at a word boundary, marking the cut with an ellipsis."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def stamp(moment: datetime, style: str) -> str:
    return discord.utils.format_dt(moment, style)  # type: ignore[arg-type]


def embed(card: cards.Card) -> discord.Embed:
    """The card as an embed that Discord accepts: every part cut to its limit, 6,000 in all."""
    title = clip(card.title, TITLE)
    footer = clip(card.footer, FOOTER)
    fields_size = sum(
        len(f.name[:FIELD_NAME]) + len(f.value[:FIELD_VALUE]) for f in card.fields[:FIELDS]
    )
    # The description gives way so that some fields still fit within the 6,000 in all.
    room = TOTAL - len(title) - len(footer) - min(fields_size, FIELDS_RESERVE)
    description = clip(card.description, max(0, min(DESCRIPTION, room)))
    result = discord.Embed(title=title, description=description or None, colour=card.colour)
    budget = TOTAL - len(title) - len(description) - len(footer)
    for field in card.fields[:FIELDS]:
        name = clip(field.name, FIELD_NAME) or "—"
        value = clip(field.value, FIELD_VALUE) or "—"
        if len(name) + len(value) > budget:
            if budget > len(name) + 20:
                value = clip(value, budget - len(name))
            else:
                break
        result.add_field(name=name, value=value, inline=field.inline)
        budget -= len(name) + len(value)
    if footer:
        result.set_footer(text=footer)
    return result


class ShowItem(discord.ui.DynamicItem[discord.ui.Button], template=r"show:(?P<id>[a-z0-9-]{1,64})"):
    """A button that shows an item's details; it keeps working after a restart."""

    def __init__(self, item_id: str, label: str = "") -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label, BUTTON_LABEL) or item_id,
                style=discord.ButtonStyle.secondary,
                custom_id=f"show:{item_id}",
            )
        )
        self.item_id = item_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str], /) -> ShowItem:
        return cls(match["id"])

    async def callback(self, interaction: discord.Interaction[SiliconBridge]) -> None:
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
        card = await item_details(bot, found, lang, interaction.guild_id)
        await interaction.response.send_message(
            embed=embed(card), ephemeral=True, allowed_mentions=NO_MENTIONS
        )


async def item_details(bot: SiliconBridge, item, lang: str, guild_id: int | None) -> cards.Card:
    """The card for any item: partnerships get their full card, others their detail card."""
    now = bot.knowledge.clock()
    if item.kind == "partnership":
        view = await bot.knowledge.partnership(item, guild_id=guild_id)
        return cards.partnership_card(view, lang, now, stamp)
    source = await bot.knowledge.source(item.source_id)
    return cards.item_card(item, source, lang, now, stamp)


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
) -> None:
    """Send a card as the interaction's response, with its buttons; nobody can be pinged."""
    await interaction.response.send_message(
        embed=embed(card),
        view=view if view is not None else links_view(card),
        ephemeral=ephemeral,
        allowed_mentions=NO_MENTIONS,
    )
