"""Cards as Discord messages: embeds cut to Discord's limits, timestamps, the Details button.

Shared by the commands in ``cogs/`` and by the reminder poster.
"""

from __future__ import annotations

from datetime import datetime

import discord

from bot import cards

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
# A button that shows an item's card; the handler (cogs/_ui.py ShowItem) matches this template.
SHOW_TEMPLATE = r"show:(?P<id>[a-z0-9-]{1,64})"


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


def details_button(item_id: str, label: str) -> discord.ui.Button:
    """The button that shows an item's card; it keeps working after a restart."""
    return discord.ui.Button(
        label=clip(label, BUTTON_LABEL) or item_id,
        style=discord.ButtonStyle.secondary,
        custom_id=f"show:{item_id}",
    )
