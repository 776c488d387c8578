"""The text catalogue (bot/i18n.py) and the modules that must work without Discord."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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
