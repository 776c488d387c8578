"""The French names and descriptions of the slash commands, handed to discord.py.

Commands are named and described in English in cogs/; the French comes from the catalogue
(bot/i18n.py), which knows nothing of Discord.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.i18n import COMMAND_TEXT_FR, language


class Translator(app_commands.Translator):
    """Gives Discord the French names and descriptions of the commands."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if language(locale) != "fr":
            return None
        return COMMAND_TEXT_FR.get(string.message)
