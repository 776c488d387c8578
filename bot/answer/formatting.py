"""Dates, durations and amounts written out in French or English."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from store.items import DeadlineDetails, FigureDetails

MONTHS = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
}
WEEKDAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
}
QUALIFIERS = {
    "en": {
        "exact": "",
        "more_than": "more than ",
        "at_least": "at least ",
        "about": "about ",
        "up_to": "up to ",
    },
    "fr": {
        "exact": "",
        "more_than": "plus de ",
        "at_least": "au moins ",
        "about": "environ ",
        "up_to": "jusqu'à ",
    },
}
UNITS_OF_TIME = {
    # name: (english singular, english plural, french singular, french plural)
    "year": ("year", "years", "an", "ans"),
    "month": ("month", "months", "mois", "mois"),
    "day": ("day", "days", "jour", "jours"),
    "hour": ("hour", "hours", "heure", "heures"),
    "minute": ("minute", "minutes", "minute", "minutes"),
}


def day(d: date, lang: str, *, weekday: bool = False) -> str:
    """'15 May 2025' / '15 mai 2025' (with the weekday in front when asked)."""
    first = "1er" if lang == "fr" and d.day == 1 else str(d.day)
    text = f"{first} {MONTHS[lang][d.month - 1]} {d.year}"
    if weekday:
        text = f"{WEEKDAYS[lang][d.weekday()]} {text}"
        if lang == "en":
            text = text.replace(" ", ", ", 1)
    return text


def moment(deadline: DeadlineDetails, lang: str) -> str:
    """When a deadline falls, in its own time zone."""
    local = deadline.due.astimezone(ZoneInfo(deadline.timezone))
    when = day(local.date(), lang, weekday=True)
    if deadline.date_only:
        end = "fin de journée" if lang == "fr" else "end of day"
        return f"{when} ({end}, {deadline.timezone})"
    clock = f"{local:%H} h {local:%M}" if lang == "fr" else f"{local:%H:%M}"
    joiner = "à" if lang == "fr" else "at"
    return f"{when} {joiner} {clock} ({deadline.timezone})"


def _plural(unit: str, n: int, lang: str) -> str:
    en1, en2, fr1, fr2 = UNITS_OF_TIME[unit]
    if lang == "fr":
        return f"{n} {fr1 if n <= 1 else fr2}"
    return f"{n} {en1 if n == 1 else en2}"


def duration(start: datetime, end: datetime, lang: str) -> str:
    """The time between two instants, in the two largest calendar units ('1 year and 6 months')."""
    if end < start:
        start, end = end, start
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if (end.day, end.time()) < (start.day, start.time()):
        months -= 1
    parts: list[tuple[str, int]] = []
    if months >= 1:
        years, months = divmod(months, 12)
        parts = [("year", years), ("month", months)]
    else:
        seconds = int((end - start).total_seconds())
        days, rest = divmod(seconds, 86400)
        hours, rest = divmod(rest, 3600)
        minutes = rest // 60
        parts = [("day", days), ("hour", hours), ("minute", minutes)]
    parts = [(u, n) for u, n in parts if n > 0][:2]
    if not parts:
        return "moins d'une minute" if lang == "fr" else "less than a minute"
    words = [_plural(u, n, lang) for u, n in parts]
    return f" {'et' if lang == 'fr' else 'and'} ".join(words)


def _number(value: float, lang: str) -> str:
    if value == int(value):
        text = f"{int(value):,}"
        return text.replace(",", "\u202f") if lang == "fr" else text
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u202f").replace(".", ",") if lang == "fr" else text


def _scaled(value: float, lang: str) -> tuple[str, str]:
    """(number, scale word) such as ('250', 'billion') / ('250', 'milliards')."""
    for size, en, fr_one, fr_many in (
        (1e9, "billion", "milliard", "milliards"),
        (1e6, "million", "million", "millions"),
    ):
        if value >= size:
            n = value / size
            word = en if lang == "en" else (fr_one if n < 2 else fr_many)
            return _number(n, lang), word
    return _number(value, lang), ""


def amount(figure: FigureDetails, lang: str) -> str:
    """The figure with its qualifier and unit: 'more than USD 15 billion', 'plus de 60 %'."""
    qualifier = QUALIFIERS[lang][figure.qualifier]
    if figure.unit == "%":
        sign = "\u202f%" if lang == "fr" else "%"
        low = _number(figure.value, lang) + sign
        high = _number(figure.value_max, lang) + sign if figure.value_max is not None else None
        text = low if high is None else _range(low, high, lang)
    elif figure.unit in ("USD", "EUR"):
        number, scale = _scaled(figure.value, lang)
        if figure.value_max is not None:
            number = _range(number, _scaled(figure.value_max, lang)[0], lang)
        if lang == "fr":
            currency = "dollars" if figure.unit == "USD" else "euros"
            text = f"{number} {scale} de {currency}" if scale else f"{number} {currency}"
        else:
            text = f"{figure.unit} {number} {scale}".rstrip()
    else:
        number, scale = _scaled(figure.value, lang)
        if figure.value_max is not None:
            number = _range(number, _scaled(figure.value_max, lang)[0], lang)
        if figure.unit == "years":
            label = "ans" if lang == "fr" else "years"
        else:
            label = figure.unit_label(lang)
        if scale and lang == "fr":
            text = f"{number} {scale} de {label}"
        else:
            text = " ".join(part for part in (number, scale, label) if part)
    return f"{qualifier}{text}"


def _range(low: str, high: str, lang: str) -> str:
    return f"{low} à {high}" if lang == "fr" else f"{low} to {high}"
