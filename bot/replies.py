"""What each command replies, as cards: find what was asked, choose the card, fill it.

The slash commands (``cogs/``) and the local console both reply through these functions, so they
show the same thing; only the ``Stamp`` differs (Discord timestamps, or dates written out).
"""

from __future__ import annotations

from bot import cards
from bot.i18n import t
from bot.knowledge import Knowledge
from store.items import Item


async def answer(
    knowledge: Knowledge, question: str, *, guild_id: int | None, lang: str, stamp: cards.Stamp
) -> cards.Card:
    """/ask: the answer, its source, and what else was meant."""
    found = await knowledge.ask(question, lang=lang, guild_id=guild_id)
    return cards.answer_card(found, lang, knowledge.clock(), stamp)


async def details(
    knowledge: Knowledge, item: Item, *, guild_id: int | None, lang: str, stamp: cards.Stamp
) -> cards.Card:
    """The card for any item: a partnership gets its full card, anything else its detail card,
    and a deadline a link to its partnership."""
    now = knowledge.clock()
    if item.kind == "partnership":
        view = await knowledge.partnership(item, guild_id=guild_id)
        return cards.partnership_card(view, lang, now, stamp)
    card = cards.item_card(item, await knowledge.source(item.source_id), lang, now, stamp)
    if item.kind == "deadline" and item.partnership_id:
        card.links.append(cards.Link(t("card.partnership", lang), item.partnership_id))
    return card


async def named(
    knowledge: Knowledge,
    text: str,
    *,
    kind: str,
    guild_id: int | None,
    lang: str,
    stamp: cards.Stamp,
) -> cards.Card:
    """/partnership, /figure, /deadline show: the card of the item of that kind ``text`` names."""
    item = await knowledge.lookup(text, kind=kind, guild_id=guild_id, lang=lang)
    return await details(knowledge, item, guild_id=guild_id, lang=lang, stamp=stamp)


async def deadline_pages(
    knowledge: Knowledge, *, guild_id: int | None, lang: str, stamp: cards.Stamp
) -> list[cards.Card]:
    """/deadline list: upcoming then recent deadlines, a page per card."""
    listing = await knowledge.deadlines(guild_id=guild_id)
    return cards.deadline_pages(listing, lang, knowledge.clock(), stamp)


async def source(knowledge: Knowledge, text: str, *, guild_id: int | None, lang: str) -> cards.Card:
    """/source: the document ``text`` names and the facts this server sees from it."""
    found = await knowledge.find_source(text, lang=lang)
    items = await knowledge.items_from_source(found.id, guild_id=guild_id)
    return cards.source_card(found, items, lang)
