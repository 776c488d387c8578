"""Full-sentence answers in French or English, built from an item and its source.

The sentences are in the catalogue (bot/i18n.py); this module fills them in.
"""

from __future__ import annotations

from datetime import datetime

from bot.answer import formatting
from bot.i18n import SEMICOLON, t
from store.items import Item
from store.sources import Source


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def deadline_status(item: Item, now: datetime, lang: str) -> str:
    """'It passed 1 year and 6 months ago.' / 'Il reste 3 jours.'"""
    assert item.deadline is not None
    due = item.deadline.due
    span = formatting.duration(now, due, lang)
    if due <= now:
        return t("answer.passed", lang, span=span)
    return _capital(t("answer.left", lang, span=span))


def source_text(source: Source | None, item: Item, lang: str) -> str:
    """Where an item comes from: 'Innovationsfr, 8 March 2025 (paragraph 22).'"""
    if source is None:
        return item.link or t("source.admin", lang)
    fields = {"publisher": source.publisher, "published": formatting.day(source.published, lang)}
    if item.paragraph:
        return t("source.paragraph", lang, paragraph=item.paragraph, **fields)
    return t("source.document", lang, **fields)


def source_line(source: Source | None, item: Item, lang: str) -> str:
    """'Source: Innovationsfr, 8 March 2025 (paragraph 22).'"""
    return t("source.line", lang, source=source_text(source, item, lang))


def details(item: Item, lang: str, now: datetime, asked: frozenset[str] = frozenset()) -> str:
    """What an item says, in full sentences, without its source; what was asked for first
    (``asked``: the question's intents, such as "when")."""
    text = item.text(lang)
    if not text.endswith((".", "!", "?", "»", '"')):
        text += "."
    if item.deadline is not None:
        # The date first, in the past once it has gone: that is what anyone asking wants.
        due = item.deadline.due
        when = formatting.moment(item.deadline, lang)
        span = formatting.duration(now, due, lang)
        key = "answer.deadline_closed" if due <= now else "answer.deadline_open"
        return t(key, lang, text=text, when=when, span=span)
    if item.figure is not None:
        figure = item.figure
        fields = {
            "amount": _capital(formatting.amount(figure, lang)),
            "measures": figure.measures(lang).rstrip("."),
            "text": text,
        }
        if figure.as_of:
            as_of = formatting.day(figure.as_of, lang)
            return t("answer.figure_as_of", lang, as_of=as_of, **fields)
        return t("answer.figure", lang, **fields)
    if item.partnership is not None:
        p = item.partnership
        parts = [text]
        if p.announced:
            announced = t("answer.announced", lang, date=formatting.day(p.announced, lang))
            parts.insert(0 if "when" in asked else 1, announced)
        if p.programme(lang):
            parts.append(t("answer.programme", lang, programme=p.programme(lang).rstrip(".")))
        return " ".join(parts)
    return text


def answer_text(
    item: Item,
    source: Source | None,
    lang: str,
    now: datetime,
    asked: frozenset[str] = frozenset(),
) -> str:
    return f"{details(item, lang, now, asked)}\n{source_line(source, item, lang)}"


def unknown_text(lang: str, suggestions: list[str]) -> str:
    """The polite 'I don't know', with what the asker may have meant."""
    if suggestions:
        return t("answer.unknown_suggest", lang, suggestions=SEMICOLON[lang].join(suggestions))
    return t("answer.unknown", lang)
