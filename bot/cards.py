"""What each command shows, as plain data.

The cogs turn a Card into an embed, the console into text.

Times go through a ``Stamp`` so that Discord shows its own timestamps (``<t:…:F>``) while the
console writes dates out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot import __version__
from bot.answer import compose, formatting
from bot.answer.engine import Answer
from bot.i18n import HELP_EXAMPLES, slash_commands, t
from bot.knowledge import DeadlineList, PartnershipView
from store.items import Item
from store.sources import Source

# A function giving a time as Discord would show it: style "F" (full date) or "R" (relative).
Stamp = Callable[[datetime, str], str]

COLOURS = {
    "partnership": 0x2F6FDE,
    "deadline": 0xE8A317,
    "figure": 0x2EA44F,
    "fact": 0x6F42C1,
    "unknown": 0x8B949E,
    "source": 0x57606A,
    "help": 0x2F6FDE,
}
DEADLINES_PER_PAGE = 6
ITEMS_PER_FIELD = 10


@dataclass(frozen=True)
class Field:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True)
class Link:
    """A button that shows an item's details when clicked."""

    label: str
    item_id: str


@dataclass
class Card:
    title: str
    description: str = ""
    fields: list[Field] = field(default_factory=list)
    footer: str = ""
    colour: int = COLOURS["fact"]
    links: list[Link] = field(default_factory=list)


def _bullets(lines: Sequence[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)


def deadline_line(item: Item, lang: str, now: datetime, stamp: Stamp) -> str:
    due = item.deadline.due
    key = "deadline.open" if due > now else "deadline.passed"
    return f"{stamp(due, 'F')} — {t(key, lang, relative=stamp(due, 'R'))}"


def answer_card(answer: Answer, lang: str, now: datetime, stamp: Stamp) -> Card:
    """/ask: the answer with its source, or "I don't know" with what was probably meant."""
    links = [Link(m.title, m.item_id) for m in answer.alternatives[:3]]
    if not answer.answered or answer.item is None:
        return Card(
            title=t("ask.unknown_title", lang),
            description=answer.text,
            colour=COLOURS["unknown"],
            links=links,
        )
    item = answer.item
    card = Card(
        title=item.title(lang),
        description=compose.details(item, lang, now),
        colour=COLOURS[item.kind],
        footer=t("ask.confidence", lang, percent=round(answer.confidence * 100)),
        links=links,
    )
    if item.deadline is not None:
        card.fields.append(Field(t("card.due", lang), deadline_line(item, lang, now, stamp)))
    card.fields.append(
        Field(t("card.source", lang), compose.source_text(answer.source, item, lang))
    )
    return card


def item_card(item: Item, source: Source | None, lang: str, now: datetime, stamp: Stamp) -> Card:
    """One deadline, figure or fact in detail (/deadline show, /figure, buttons)."""
    card = Card(title=item.title(lang), colour=COLOURS[item.kind])
    if item.deadline is not None:
        card.description = item.text(lang)
        card.fields.append(Field(t("card.due", lang), deadline_line(item, lang, now, stamp)))
        card.fields.append(Field(t("card.status", lang), compose.deadline_status(item, now, lang)))
    elif item.figure is not None:
        figure = item.figure
        amount = formatting.amount(figure, lang)
        card.description = f"**{amount[0].upper()}{amount[1:]}**"
        card.fields.append(Field(t("card.measures", lang), figure.measures(lang)))
        if figure.as_of:
            card.fields.append(
                Field(t("card.as_of", lang), formatting.day(figure.as_of, lang), inline=True)
            )
        card.fields.append(Field(t("card.context", lang), item.text(lang)))
    else:
        card.description = compose.details(item, lang, now)
    card.fields.append(Field(t("card.source", lang), compose.source_text(source, item, lang)))
    return card


def partnership_card(view: PartnershipView, lang: str, now: datetime, stamp: Stamp) -> Card:
    """/partnership: parties, dates, programme, themes, conditions, linked deadlines and figures."""
    p = view.partnership
    details = p.partnership
    card = Card(title=p.title(lang), description=p.text(lang), colour=COLOURS["partnership"])
    if details is not None:
        if details.parties(lang):
            card.fields.append(
                Field(t("card.parties", lang), ", ".join(details.parties(lang)), inline=True)
            )
        if details.announced:
            card.fields.append(
                Field(
                    t("card.announced", lang), formatting.day(details.announced, lang), inline=True
                )
            )
        if details.programme(lang):
            card.fields.append(Field(t("card.programme", lang), details.programme(lang)))
        if details.themes(lang):
            card.fields.append(Field(t("card.themes", lang), _bullets(details.themes(lang))))
        if details.conditions(lang):
            card.fields.append(
                Field(t("card.conditions", lang), _bullets(details.conditions(lang)))
            )
    if view.deadlines:
        card.fields.append(
            Field(
                t("card.deadlines", lang),
                "\n".join(
                    f"**{d.title(lang)}** — {deadline_line(d, lang, now, stamp)}"
                    for d in view.deadlines
                ),
            )
        )
    if view.figures:
        card.fields.append(
            Field(
                t("card.figures", lang),
                _bullets(
                    [
                        f"**{_capital(formatting.amount(f.figure, lang))}**"
                        f" — {f.figure.measures(lang)}"
                        for f in view.figures
                    ]
                ),
            )
        )
    card.fields.append(Field(t("card.source", lang), compose.source_text(view.source, p, lang)))
    card.links = [Link(i.title(lang), i.id) for i in view.deadlines[:2] + view.figures[:3]]
    return card


def deadline_pages(listing: DeadlineList, lang: str, now: datetime, stamp: Stamp) -> list[Card]:
    """/deadline list: upcoming first, then recently passed, a few per page."""
    entries: list[tuple[str, Item]] = [("deadline.upcoming", i) for i in listing.upcoming]
    entries += [("deadline.past", i) for i in listing.past]
    pages: list[Card] = []
    chunks = [
        entries[n : n + DEADLINES_PER_PAGE] for n in range(0, len(entries), DEADLINES_PER_PAGE)
    ] or [[]]
    for number, chunk in enumerate(chunks, start=1):
        card = Card(title=t("deadline.list_title", lang), colour=COLOURS["deadline"])
        if not listing.upcoming and number == 1:
            card.description = t("deadline.none_upcoming", lang)
        for section, item in chunk:
            name = f"{t(section, lang)} — {item.title(lang)}"
            card.fields.append(Field(name, deadline_line(item, lang, now, stamp)))
        card.links = [Link(item.title(lang), item.id) for _, item in chunk]
        if len(chunks) > 1:
            card.footer = t("page", lang, page=number, pages=len(chunks))
        pages.append(card)
    return pages


def source_card(source: Source, items: list[Item], lang: str) -> Card:
    """/source: the document's details and the facts taken from it."""
    card = Card(title=source.title(lang), colour=COLOURS["source"])
    card.fields += [
        Field(t("card.publisher", lang), source.publisher, inline=True),
        Field(t("card.published", lang), formatting.day(source.published, lang), inline=True),
        Field(t("card.language", lang), source.language, inline=True),
        Field(t("card.document", lang), source.url or source.document),
    ]
    by_kind: dict[str, list[Item]] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    for kind in ("partnership", "deadline", "figure", "fact"):
        found = by_kind.get(kind, [])
        if not found:
            continue
        lines = [item.title(lang) for item in found[:ITEMS_PER_FIELD]]
        if len(found) > ITEMS_PER_FIELD:
            lines.append(t("card.more", lang, count=len(found) - ITEMS_PER_FIELD))
        card.fields.append(Field(f"{t('kind.' + kind, lang)} ({len(found)})", _bullets(lines)))
    return card


def help_card(lang: str) -> Card:
    commands = "\n".join(
        f"`{typed[lang]}` — {command.help[lang]}"
        for typed, command in slash_commands()
        if command.help
    )
    examples = "\n".join(f"• {q}" for q in HELP_EXAMPLES[lang])
    return Card(
        title=t("help.title", lang),
        description=t("help.body", lang),
        fields=[
            Field(t("help.commands", lang), commands),
            Field(t("help.talk", lang), t("help.talk_text", lang)),
            Field(t("help.examples", lang), examples),
        ],
        colour=COLOURS["help"],
    )


def about_card(
    counts: dict[str, int],
    sources: list[Source],
    lang: str,
    *,
    started: datetime,
    latency_ms: float | None,
    stamp: Stamp,
) -> Card:
    knowledge = "\n".join(
        t("about.count", lang, kind=t("kind." + kind, lang), count=n) for kind, n in counts.items()
    )
    listed = "\n".join(
        f"• {s.publisher}, {formatting.day(s.published, lang)} — {s.title(lang)}" for s in sources
    )
    fields = [
        Field(t("about.knowledge", lang), knowledge, inline=True),
        Field(t("about.version", lang), __version__, inline=True),
        Field(t("about.uptime", lang), stamp(started, "R"), inline=True),
    ]
    if latency_ms is not None:
        fields.append(Field(t("about.latency", lang), f"{latency_ms:.0f} ms", inline=True))
    fields.append(Field(t("about.sources", lang), listed or "—"))
    return Card(title=t("about.title", lang), fields=fields, colour=COLOURS["help"])


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def reminder_card(
    item: Item,
    partnership: Item | None,
    source: Source | None,
    lang: str,
    *,
    late: bool,
    stamp: Stamp,
) -> Card:
    """The post a reminder channel receives before a deadline."""
    due = item.deadline.due
    card = Card(
        title=t("reminder.title", lang, title=item.title(lang)),
        description=item.text(lang),
        colour=COLOURS["deadline"],
        fields=[
            Field(t("card.due", lang), stamp(due, "F"), inline=True),
            Field(t("reminder.left", lang), stamp(due, "R"), inline=True),
        ],
        links=[Link(t("button.details", lang), item.id)],
    )
    if partnership is not None:
        card.fields.append(Field(t("card.partnership", lang), partnership.title(lang)))
    card.fields.append(Field(t("card.source", lang), compose.source_text(source, item, lang)))
    if late:
        card.footer = t("reminder.late", lang)
    return card


def reminders_status_card(
    status,
    lang: str,
    *,
    channel: Callable[[int], str],
    role: Callable[[int], str],
    offsets: str,
    stamp: Stamp,
) -> Card:
    """/reminders status: where and when reminders go, what comes next, and any pause."""
    settings = status.settings
    where = channel(settings.channel_id) if settings.channel_id else t("reminders.off", lang)
    card = Card(
        title=t("reminders.title", lang),
        colour=COLOURS["deadline"],
        fields=[
            Field(t("reminders.channel", lang), where, inline=True),
            Field(t("reminders.offsets", lang), offsets, inline=True),
            Field(
                t("reminders.role", lang),
                role(settings.role_id) if settings.role_id else t("reminders.nobody", lang),
                inline=True,
            ),
            Field(t("reminders.timezone", lang), settings.timezone, inline=True),
        ],
    )
    if settings.paused_reason:
        reason = t(
            f"reminders.paused.{settings.paused_reason}",
            lang,
            channel=channel(settings.channel_id) if settings.channel_id else "?",
        )
        card.fields.append(Field(f"⚠ {t('reminders.paused', lang)}", reason))
    lines = [
        f"{stamp(reminder.due_at, 'F')} ({stamp(reminder.due_at, 'R')}) — {item.title(lang)}"
        for reminder, item in status.upcoming
    ]
    card.fields.append(
        Field(t("reminders.next", lang), "\n".join(lines) or t("reminders.none_planned", lang))
    )
    return card


def qa_status_card(
    channel_ids: Sequence[int],
    lang: str,
    *,
    message_content: bool,
    channel: Callable[[int], str],
) -> Card:
    """/qa status: the Q&A channels, whether Discord sends the text they need, what works
    everywhere."""
    listed = "\n".join(f"• {channel(i)}" for i in channel_ids) or t("qa.none", lang)
    content = t("qa.content_on", lang) if message_content else t("qa.intent_missing", lang)
    return Card(
        title=t("qa.status_title", lang),
        description=t("help.talk_text", lang),
        colour=COLOURS["help"],
        fields=[
            Field(t("qa.channels", lang), listed),
            Field(t("qa.content", lang), content),
        ],
    )
