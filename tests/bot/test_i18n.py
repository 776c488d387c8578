"""The text catalogue (bot/i18n.py) and the modules that must work without Discord."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from bot import i18n
from bot.client import EXTENSIONS, SiliconBridge
from bot.config import Settings
from bot.i18n import MESSAGE_COMMANDS, MESSAGES, slash_commands
from bot.translator import Translator
from store import items
from tests.support import PROJECT as ROOT

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2  # Discord's option types
MESSAGE_COMMAND = 3  # Discord's command type of a command on a message


def _table() -> dict[tuple[str, str | None], tuple[dict, dict]]:
    """(command as typed in English, option or None) -> (name, description) in both languages."""
    entries = {}
    for typed, command in slash_commands():
        entries[typed["en"], None] = (command.name, command.description)
        for option in command.options:
            entries[typed["en"], option.name["en"]] = (option.name, option.description)
    for name in MESSAGE_COMMANDS:
        entries[name["en"], None] = (name, None)
    return entries


def _sent(payload: dict, parent: str = "") -> dict[tuple[str, str | None], tuple[dict, dict]]:
    """The same, from what discord.py sends Discord at sync: English, and French localisations."""
    if payload.get("type") == MESSAGE_COMMAND:
        localised = payload.get("name_localizations") or {}
        return {(payload["name"], None): ({"en": payload["name"], "fr": localised.get("fr")}, None)}

    def texts(part: dict) -> tuple[dict, dict]:
        def both(field: str) -> dict:
            return {"en": part[field], "fr": (part.get(f"{field}_localizations") or {}).get("fr")}

        return both("name"), both("description")

    typed = f"{parent} {payload['name']}" if parent else f"/{payload['name']}"
    entries = {(typed, None): texts(payload)}
    for option in payload.get("options", []):
        if option["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP):
            entries |= _sent(option, typed)
        else:
            entries[typed, option["name"]] = texts(option)
    return entries


async def test_the_command_table_gives_every_slash_command_its_french(tmp_path):
    """Names and descriptions in the table are those of cogs/, and the French is what is sent;
    the same for the names of the commands on a message."""
    bot = SiliconBridge(Settings(database=tmp_path / "bot.sqlite3"), reminders=False)
    for extension in EXTENSIONS:
        await bot.load_extension(extension)
    translator = Translator()
    sent = {}
    for command in bot.tree.get_commands():
        sent |= _sent(await command.get_translated_payload(bot.tree, translator))
    assert sent == _table()


# The catalogue's messages ------------------------------------------------------------------------

CATALOGUE = ROOT / "bot" / "i18n.py"
CODE = sorted(path for folder in ("bot", "cogs", "store") for path in (ROOT / folder).rglob("*.py"))

# Keys the code builds from a value rather than writes out: the prefix, and the values it is built
# with. Only these prefixes may be built; every other key must be written out somewhere.
BUILT = {
    "kind.": set(items.KINDS),  # cards.py: "kind." + item.kind
    "what.": {"item", "partnership", "deadline", "figure", "source"},  # NotFound(what, …)
    "reminders.paused.": {"channel_missing", "no_permission"},  # scheduler.py: why it paused
}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _strings(node: ast.AST) -> set[str]:
    return {
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def _built_prefixes(node: ast.AST) -> set[str]:
    """Strings that start an f-string or a ``+``: "kind." in ``"kind." + kind``."""
    found = set()
    for n in ast.walk(node):
        first = None
        if isinstance(n, ast.JoinedStr) and n.values:
            first = n.values[0]
        elif isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add):
            first = n.left
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.add(first.value)
    return found


def test_every_message_is_in_french_and_english_with_the_same_fields():
    wrong = [
        key
        for key, entry in MESSAGES.items()
        if set(entry) != {"en", "fr"}
        or not (entry["en"].strip() and entry["fr"].strip())
        or _fields(entry["en"]) != _fields(entry["fr"])
    ]
    assert wrong == []


def test_every_message_is_used_by_the_code():
    written = set().union(*(_strings(_parsed(path)) for path in CODE if path != CATALOGUE))
    built = set().union(*(_built_prefixes(_parsed(path)) for path in CODE))
    assert set(BUILT) <= built, "a prefix listed in BUILT is no longer built in the code"
    for prefix, values in BUILT.items():
        family = {key for key in MESSAGES if key.startswith(prefix)}
        assert family == {prefix + value for value in values}, prefix
    unused = [
        key
        for key in MESSAGES
        if key not in written and not any(key.startswith(prefix) for prefix in BUILT)
    ]
    assert unused == []


def test_every_key_the_code_gives_t_or_a_user_error_is_in_the_catalogue():
    named = set()
    for path in CODE:
        for node in ast.walk(_parsed(path)):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func.attr if isinstance(node.func, ast.Attribute) else node.func
            if getattr(func, "id", func) not in ("t", "UserError"):
                continue
            key = node.args[0]
            choices = (key.body, key.orelse) if isinstance(key, ast.IfExp) else (key,)
            named |= {c.value for c in choices if isinstance(c, ast.Constant)}
    assert named - MESSAGES.keys() == set()


# The catalogue's plain data ----------------------------------------------------------------------


def _shape(value: object) -> object:
    if isinstance(value, dict):
        return {key: _shape(v) for key, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_shape(v) for v in value)
    return "text" if value else "empty"


WORD_TABLES = ("MONTHS", "WEEKDAYS", "QUALIFIERS", "UNITS", "CURRENCIES", "NUMBER_MARKS")


def test_every_word_table_has_french_and_english_of_the_same_shape():
    for name in (*WORD_TABLES, "SEMICOLON", "HELP_EXAMPLES"):
        words = getattr(i18n, name)
        assert set(words) == {"en", "fr"}, name
        assert _shape(words["en"]) == _shape(words["fr"]), name


def test_the_word_tables_cover_what_the_seeds_may_hold():
    for lang in ("en", "fr"):
        assert set(i18n.QUALIFIERS[lang]) == set(items.QUALIFIERS)
        assert set(i18n.CURRENCIES[lang]) == set(items.UNITS) - {"%", "count", "years"}
        assert set(i18n.DAY_NUMBERS[lang]) <= set(range(1, 32))


# The command table -------------------------------------------------------------------------------

CONSOLE_ONLY = {"/quit"}
MENTION = re.compile(r"(?<![\w/])/(\w+)(?: ([a-zà-ÿ]+))?")


def test_every_command_text_is_in_french_and_english():
    for _, command in slash_commands():
        for part in (command, *command.options):
            for text in (part.name, part.description):
                assert set(text) == {"en", "fr"}
                assert text["en"].strip() and text["fr"].strip(), text
        if command.help is not None:
            assert set(command.help) == {"en", "fr"} and all(command.help.values())


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_command_a_message_mentions_exists_in_its_language(lang):
    commands = {typed[lang]: command for typed, command in slash_commands()}
    for key, entry in MESSAGES.items():
        for name, word in MENTION.findall(entry[lang]):
            typed = f"/{name}"
            if typed in CONSOLE_ONLY:
                continue
            assert typed in commands, (key, typed)
            if word and commands[typed].subcommands:
                assert f"{typed} {word}" in commands, (key, typed, word)
