"""Dependencies point one way: cogs -> bot -> store; the domain and the store know no Discord.

The Discord side of ``bot/`` is the process around the domain: the client, its command tree and
error handler, the poster, the embeds, the API pointer and the Translator. Everything else under
``bot/`` is the domain, usable from a terminal or a test without Discord.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DISCORD_SIDE = {
    "bot.__main__",
    "bot.client",
    "bot.discord_api",
    "bot.embeds",
    "bot.poster",
    "bot.translator",
    "bot.tree",
}


def modules(package: str) -> list[str]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


def imported(module: str) -> set[str]:
    """Top-level names of every module ``module`` imports, at any depth of its code."""
    path = ROOT / Path(*module.split("."))
    source = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    names = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


DOMAIN = [m for m in modules("bot") if m not in DISCORD_SIDE]
STORE = modules("store")


def test_the_layers_are_what_the_readme_says():
    assert "bot.knowledge" in DOMAIN and "bot.reminders.scheduler" in DOMAIN
    assert "store.db" in STORE and "bot.client" not in DOMAIN


def test_the_store_imports_neither_the_bot_nor_discord():
    for module in STORE:
        assert not imported(module) & {"bot", "cogs", "discord"}, module


def test_nothing_under_bot_imports_a_cog():
    for module in modules("bot"):
        assert "cogs" not in imported(module), module


def test_the_domain_imports_no_discord_even_indirectly():
    for module in DOMAIN:
        assert "discord" not in imported(module), module
    imports = "; ".join(f"import {module}" for module in DOMAIN + STORE)
    loaded = "sorted(m for m in sys.modules if m.split('.')[0] in ('discord', 'cogs'))"
    result = subprocess.run(
        [sys.executable, "-c", f"import sys; {imports}; print({loaded})"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]"
