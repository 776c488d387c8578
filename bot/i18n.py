"""The text catalogue: what the bot says to its users, in French and English. No discord here.

- ``MESSAGES``: errors, card labels, answer sentences, console lines, by key (bot/messages.toml);
  ``t(key, lang, **fields)`` fills one in, ``error_text(error, lang)`` words a UserError.
- Word tables (``MONTHS``, ``UNITS``, ``QUALIFIERS``, …): plain data for bot/answer/formatting.py.
- ``COMMANDS``: the one table of slash commands (bot/commands.toml), named in English as cogs/
  write them, and in French. bot/translator.py gives Discord the French; the /help card and the
  console take their command names from here too. ``MESSAGE_COMMANDS``: the same for the
  commands on a message.

``language(locale)`` maps a Discord locale to ``fr`` or ``en``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import Enum
from importlib import resources

from bot.errors import UserError


def _data(name: str) -> dict:
    return tomllib.loads(resources.files("bot").joinpath(name).read_text(encoding="utf-8"))


# Every message, by key: {"en": …, "fr": …}; the texts are data, in bot/messages.toml.
MESSAGES: dict[str, dict[str, str]] = _data("messages.toml")

# Words for dates, durations and amounts, as plain data by language (bot/answer/formatting.py).
MONTHS: dict[str, tuple[str, ...]] = {
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
WEEKDAYS: dict[str, tuple[str, ...]] = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
}
# Days of the month not written as their plain number.
DAY_NUMBERS: dict[str, dict[int, str]] = {"en": {}, "fr": {1: "1er"}}
# A figure's qualifier, written before its amount.
QUALIFIERS: dict[str, dict[str, str]] = {
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
# Units of time and scale words, (singular, plural); the singular is used below 2 ("1,5 milliard").
UNITS: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        "year": ("year", "years"),
        "month": ("month", "months"),
        "day": ("day", "days"),
        "hour": ("hour", "hours"),
        "minute": ("minute", "minutes"),
        "billion": ("billion", "billion"),
        "million": ("million", "million"),
    },
    "fr": {
        "year": ("an", "ans"),
        "month": ("mois", "mois"),
        "day": ("jour", "jours"),
        "hour": ("heure", "heures"),
        "minute": ("minute", "minutes"),
        "billion": ("milliard", "milliards"),
        "million": ("million", "millions"),
    },
}
CURRENCIES: dict[str, dict[str, str]] = {
    "en": {"USD": "USD", "EUR": "EUR"},
    "fr": {"USD": "dollars", "EUR": "euros"},
}
# How numbers are written: the thousands separator and the decimal mark.
NUMBER_MARKS: dict[str, dict[str, str]] = {
    "en": {"thousands": ",", "decimal": "."},
    "fr": {"thousands": "\u202f", "decimal": ","},
}
# Between the items of a list of alternatives ("did you mean: a; b").
SEMICOLON: dict[str, str] = {"en": "; ", "fr": " ; "}
# Questions the /help card suggests.
HELP_EXAMPLES: dict[str, tuple[str, ...]] = {
    "en": (
        "when does the France–Taiwan call close?",
        "who led the US–Taiwan talks?",
        "how much will Taiwan invest in the US?",
    ),
    "fr": (
        "quand ferme l'AMI France–Taïwan ?",
        "combien Taïwan investit aux États-Unis ?",
        "qui a dirigé les discussions États-Unis–Taïwan ?",
    ),
}

# The slash commands: names and descriptions in English, exactly as cogs/ write them (discord.py
# sends the English and asks the Translator for the French), and in French. ``help`` is the line the
# /help card gives a command, if it lists it; ``aliases`` are other names the console accepts.
Text = dict[str, str]  # {"en": …, "fr": …}


@dataclass(frozen=True)
class Option:
    name: Text
    description: Text


@dataclass(frozen=True)
class Command:
    name: Text
    description: Text
    options: tuple[Option, ...] = ()
    subcommands: tuple[Command, ...] = ()
    help: Text | None = None
    aliases: tuple[str, ...] = ()


def _command(table: dict) -> Command:
    return Command(
        name=table["name"],
        description=table["description"],
        options=tuple(Option(o["name"], o["description"]) for o in table.get("option", ())),
        subcommands=tuple(_command(sub) for sub in table.get("subcommand", ())),
        help=table.get("help"),
        aliases=tuple(table.get("aliases", ())),
    )


_COMMAND_TABLE = _data("commands.toml")
# The slash commands, subcommands and options (bot/commands.toml), in the table's order.
COMMANDS: tuple[Command, ...] = tuple(_command(c) for c in _COMMAND_TABLE["command"])
# Message commands (right-click a message → Apps): no description, only a name, up to 32
# characters with spaces and capitals.
MESSAGE_COMMANDS: tuple[Text, ...] = tuple(m["name"] for m in _COMMAND_TABLE["message_command"])


def slash_commands() -> list[tuple[Text, Command]]:
    """Every command and subcommand, with its full name as typed in each language
    ({"en": "/deadline list", "fr": "/echeance liste"}), in the table's order."""
    found: list[tuple[Text, Command]] = []
    for command in COMMANDS:
        found.append(({lang: f"/{name}" for lang, name in command.name.items()}, command))
        for sub in command.subcommands:
            typed = {lang: f"/{name} {sub.name[lang]}" for lang, name in command.name.items()}
            found.append((typed, sub))
    return found


def command_named(path: str) -> Command:
    """The command or subcommand named ``path`` in English, e.g. "deadline show"."""
    return next(entry for typed, entry in slash_commands() if typed["en"] == f"/{path}")


def command_texts(lang: str) -> dict[str, str]:
    """Every command, subcommand and option name and description, English → ``lang``.

    What the Translator gives Discord: discord.py asks for the French of each English string.
    """
    texts: dict[str, str] = {}
    for _, entry in slash_commands():
        for item in (entry, *entry.options):
            for text in (item.name, item.description):
                if texts.setdefault(text["en"], text[lang]) != text[lang]:
                    raise ValueError(f"{text['en']!r} has two translations")
    for name in MESSAGE_COMMANDS:
        if texts.setdefault(name["en"], name[lang]) != name[lang]:
            raise ValueError(f"{name['en']!r} has two translations")
    return texts


def language(locale: Enum | str | None) -> str:
    """'fr' for any French locale (a ``discord.Locale`` or its value), 'en' otherwise."""
    value = str(locale.value if isinstance(locale, Enum) else locale or "")
    return "fr" if value.lower().startswith("fr") else "en"


def t(key: str, lang: str, **fields: object) -> str:
    entry = MESSAGES[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**fields) if fields else text


def error_text(error: UserError, lang: str) -> str:
    """What an error the user can fix says, the kind of thing not found named in their language."""
    fields = dict(error.fields)
    if "what" in fields:
        fields["what"] = t(f"what.{fields['what']}", lang)
    return t(error.key, lang, **fields)
