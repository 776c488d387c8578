"""The text catalogue (bot/i18n.py) and the modules that must work without Discord."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.client import SiliconBridge
from bot.config import Settings
from bot.i18n import slash_commands
from bot.translator import Translator
from cogs import EXTENSIONS

ROOT = Path(__file__).resolve().parent.parent
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2  # Discord's option types

# Modules the console, the command line and the tests use without Discord.
WITHOUT_DISCORD = ["bot.i18n", "bot.cards", "bot.console"] + [
    f"bot.answer.{path.stem}" for path in sorted((ROOT / "bot" / "answer").glob("*.py"))
]


def test_the_catalogue_cards_console_and_answers_import_no_discord():
    imports = "; ".join(f"import {module}" for module in WITHOUT_DISCORD)
    loaded = "sorted(m for m in sys.modules if m.split('.')[0] == 'discord')"
    check = f"import sys; {imports}; print({loaded})"
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def _table() -> dict[tuple[str, str | None], tuple[dict, dict]]:
    """(command as typed in English, option or None) -> (name, description) in both languages."""
    entries = {}
    for typed, command in slash_commands():
        entries[typed["en"], None] = (command.name, command.description)
        for option in command.options:
            entries[typed["en"], option.name["en"]] = (option.name, option.description)
    return entries


def _sent(payload: dict, parent: str = "") -> dict[tuple[str, str | None], tuple[dict, dict]]:
    """The same, from what discord.py sends Discord at sync: English, and French localisations."""

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
    """Names and descriptions in the table are those of cogs/, and the French is what is sent."""
    bot = SiliconBridge(Settings(database=tmp_path / "bot.sqlite3"), reminders=False)
    for extension in EXTENSIONS:
        await bot.load_extension(extension)
    translator = Translator()
    sent = {}
    for command in bot.tree.get_commands():
        sent |= _sent(await command.get_translated_payload(bot.tree, translator))
    assert sent == _table()
