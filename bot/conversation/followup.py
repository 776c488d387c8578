"""Follow-ups: a reply to one of the bot's answers is asked about what that answer was about.

After "what is the EPPD?", the reply "who led it?" is asked as "who led it? EPPD": the short
name of the answer's partnership (or of the item itself) is added to the question. A follow-up
that names something else ("and the France–Taiwan call?") still finds it: the added name weighs
less than the words of the question, and when the question alone has an answer and the
question with its context has none, the question alone wins.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answer.engine import Answer
from bot.knowledge import Knowledge
from store.items import Item

MAX_SUBJECT = 32  # a longer alias is a description, not a name


@dataclass(frozen=True)
class Context:
    """What an answer was about, kept with the link to it (so it survives a restart)."""

    item_id: str | None
    partnership_id: str | None
    lang: str

    @classmethod
    def of(cls, answer: Answer, lang: str) -> Context | None:
        """The context an answer gives its follow-ups; None when it found nothing."""
        if not answer.answered or answer.item is None:
            return None
        item = answer.item
        partnership = item.id if item.kind == "partnership" else item.partnership_id
        return cls(item.id, partnership, lang)


def subject(item: Item, lang: str) -> str:
    """The shortest way to name an item in a question: its first short alias, else its title."""
    for alias in item.aliases:
        if 2 <= len(alias.strip()) <= MAX_SUBJECT:
            return alias.strip()
    return item.title(lang)


async def ask(
    knowledge: Knowledge,
    question: str,
    *,
    context: Context | None,
    lang: str,
    guild_id: int | None,
) -> Answer:
    """The answer to a follow-up: in its context first, else on its own."""
    about = await _about(knowledge, context, guild_id)
    if about is None:
        return await knowledge.ask(question, lang=lang, guild_id=guild_id)
    framed = await knowledge.ask(f"{question} {subject(about, lang)}", lang=lang, guild_id=guild_id)
    if framed.answered:
        return framed
    alone = await knowledge.ask(question, lang=lang, guild_id=guild_id)
    return alone if alone.answered else framed


async def _about(
    knowledge: Knowledge, context: Context | None, guild_id: int | None
) -> Item | None:
    """The item a context names, its partnership first, if this server may still see it."""
    if context is None:
        return None
    for item_id in (context.partnership_id, context.item_id):
        if item_id:
            found = await knowledge.item(item_id, guild_id=guild_id)
            if found is not None:
                return found
    return None
