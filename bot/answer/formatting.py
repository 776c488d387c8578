"""Dates, durations and amounts written out in French or English.

The words and patterns are in the catalogue (bot/i18n.py); this module only chooses among them.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.i18n import (
    CURRENCIES,
    DAY_NUMBERS,
    MONTHS,
    NUMBER_MARKS,
    QUALIFIERS,
    UNITS,
    WEEKDAYS,
    t,
)
from store.items import DeadlineDetails, FigureDetails


def day(d: date, lang: str, *, weekday: bool = False) -> str:
    """'15 May 2025' / '15 mai 2025' (with the weekday in front when asked)."""
    fields = {
        "day": DAY_NUMBERS[lang].get(d.day, str(d.day)),
        "month": MONTHS[lang][d.month - 1],
        "year": d.year,
    }
    if weekday:
        return t("date.weekday", lang, weekday=WEEKDAYS[lang][d.weekday()], **fields)
    return t("date.day", lang, **fields)


def moment(deadline: DeadlineDetails, lang: str) -> str:
    """When a deadline falls, in its own time zone."""
    local = deadline.due.astimezone(ZoneInfo(deadline.timezone))
    when = day(local.date(), lang, weekday=True)
    if deadline.date_only:
        return t("date.end_of_day", lang, date=when, timezone=deadline.timezone)
    return t(
        "date.at",
        lang,
        date=when,
        hour=f"{local:%H}",
        minute=f"{local:%M}",
        timezone=deadline.timezone,
    )


def _word(unit: str, n: float, lang: str) -> str:
    singular, plural = UNITS[lang][unit]
    return singular if n < 2 else plural


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
    words = [f"{n} {_word(unit, n, lang)}" for unit, n in parts if n > 0][:2]
    if not words:
        return t("time.less_than_a_minute", lang)
    if len(words) == 1:
        return words[0]
    return t("time.and", lang, first=words[0], second=words[1])


def _number(value: float, lang: str) -> str:
    text = f"{int(value):,}" if value == int(value) else f"{value:,.2f}".rstrip("0").rstrip(".")
    marks = NUMBER_MARKS[lang]
    return text.translate(str.maketrans({",": marks["thousands"], ".": marks["decimal"]}))


def _scaled(value: float, lang: str) -> tuple[str, str]:
    """(number, scale word) such as ('250', 'billion') / ('250', 'milliards')."""
    for size, scale in ((1e9, "billion"), (1e6, "million")):
        if value >= size:
            n = value / size
            return _number(n, lang), _word(scale, n, lang)
    return _number(value, lang), ""


def amount(figure: FigureDetails, lang: str) -> str:
    """The figure with its qualifier and unit: 'more than USD 15 billion', 'plus de 60 %'."""
    qualifier = QUALIFIERS[lang][figure.qualifier]
    if figure.unit == "%":
        low = t("amount.percent", lang, number=_number(figure.value, lang))
        if figure.value_max is None:
            return f"{qualifier}{low}"
        high = t("amount.percent", lang, number=_number(figure.value_max, lang))
        return f"{qualifier}{_range(low, high, lang)}"
    number, scale = _scaled(figure.value, lang)
    if figure.value_max is not None:
        number = _range(number, _scaled(figure.value_max, lang)[0], lang)
    if figure.unit in ("USD", "EUR"):
        currency = CURRENCIES[lang][figure.unit]
        key = "amount.money_scaled" if scale else "amount.money"
        text = t(key, lang, number=number, scale=scale, currency=currency)
    else:
        label = UNITS[lang]["year"][1] if figure.unit == "years" else figure.unit_label(lang)
        key = "amount.quantity_scaled" if scale else "amount.quantity"
        text = t(key, lang, number=number, scale=scale, unit=label).rstrip()
    return f"{qualifier}{text}"


def _range(low: str, high: str, lang: str) -> str:
    return t("amount.range", lang, low=low, high=high)
