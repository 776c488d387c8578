"""Full-sentence answers in French or English, built from an item and its source."""

from __future__ import annotations

from datetime import datetime

from bot.answer import formatting
from store.items import Item
from store.sources import Source


def deadline_status(item: Item, now: datetime, lang: str) -> str:
    """'It passed 1 year and 6 months ago.' / 'Il reste 3 jours.'"""
    assert item.deadline is not None
    due = item.deadline.due
    span = formatting.duration(now, due, lang)
    if due <= now:
        return (
            f"Cette échéance est passée depuis {span}."
            if lang == "fr"
            else (f"This deadline passed {span} ago.")
        )
    return f"Il reste {span}." if lang == "fr" else f"{span[0].upper()}{span[1:]} left."


def source_line(source: Source | None, item: Item, lang: str) -> str:
    """'Source: Innovationsfr, 8 March 2025 (paragraph 22).'"""
    fr = lang == "fr"
    if source is None:
        if item.link:
            return f"Source : {item.link}" if fr else f"Source: {item.link}"
        return "Source : ajouté par un administrateur." if fr else "Source: added by an admin."
    published = formatting.day(source.published, lang)
    where = ""
    if item.paragraph:
        where = f" (paragraphe {item.paragraph})" if fr else f" (paragraph {item.paragraph})"
    label = "Source :" if fr else "Source:"
    return f"{label} {source.publisher}, {published}{where}."


def details(item: Item, lang: str, now: datetime) -> str:
    """What an item says, in full sentences, without its source."""
    fr = lang == "fr"
    text = item.text(lang)
    if not text.endswith((".", "!", "?", "»", '"')):
        text += "."
    if item.deadline is not None:
        when = formatting.moment(item.deadline, lang)
        lead = "Date limite" if fr else "Deadline"
        sep = " : " if fr else ": "
        return f"{text} {lead}{sep}{when}. {deadline_status(item, now, lang)}"
    if item.figure is not None:
        figure = item.figure
        amount = formatting.amount(figure, lang)
        amount = amount[0].upper() + amount[1:]
        measures = figure.measures(lang).rstrip(".")
        sep = " : " if fr else ": "
        sentence = f"{amount}{sep}{measures}"
        if figure.as_of:
            as_of = formatting.day(figure.as_of, lang)
            sentence += f" (chiffre au {as_of})" if fr else f" (as of {as_of})"
        return f"{sentence}. {text}"
    if item.partnership is not None:
        p = item.partnership
        parts = [text]
        if p.announced:
            announced = formatting.day(p.announced, lang)
            parts.append(f"Annoncé le {announced}." if fr else f"Announced on {announced}.")
        if p.programme(lang):
            label = "Programme et financement :" if fr else "Programme and funding:"
            parts.append(f"{label} {p.programme(lang).rstrip('.')}.")
        return " ".join(parts)
    return text


def answer_text(item: Item, source: Source | None, lang: str, now: datetime) -> str:
    return f"{details(item, lang, now)}\n{source_line(source, item, lang)}"


def unknown_text(lang: str, suggestions: list[str]) -> str:
    """The polite 'I don't know', with what the asker may have meant."""
    if lang == "fr":
        text = (
            "Je ne connais pas la réponse à cette question : elle sort de ce que je sais sur la "
            "coopération internationale en IA et semi-conducteurs."
        )
        if suggestions:
            text += " Vouliez-vous dire : " + " ; ".join(suggestions) + " ?"
        return text
    text = (
        "I don't know the answer to that: it is outside what I know about international "
        "cooperation on AI and semiconductors."
    )
    if suggestions:
        text += " Did you mean: " + "; ".join(suggestions) + "?"
    return text
