"""The French names and descriptions of the slash commands, handed to discord.py.

Commands are named and described in English in cogs/; the French comes from the command table of
the catalogue (bot/i18n.py), which knows nothing of Discord.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.i18n import command_texts, language


class Translator(app_commands.Translator):
    """Gives Discord the French names and descriptions of the commands."""

    def __init__(self) -> None:
        self.french = command_texts("fr")

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if language(locale) != "fr":
            return None
        return self.french.get(string.message)
