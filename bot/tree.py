"""The command tree and its one error handler."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.errors import UserError
from bot.i18n import error_text, language, t

log = logging.getLogger(__name__)


def user_message(error: Exception, lang: str) -> str | None:
    """The short message for an error the user can act on, or None for unexpected ones."""
    original = getattr(error, "original", error)
    if isinstance(error, app_commands.TransformerError) and error.__cause__ is not None:
        original = error.__cause__  # raised by one of our transformers
    if isinstance(original, UserError):
        return error_text(original, lang)
    if isinstance(error, app_commands.MissingPermissions):
        return t("error.missing_permissions", lang)
    if isinstance(error, app_commands.BotMissingPermissions):
        return t(
            "error.bot_missing_permissions", lang, permissions=", ".join(error.missing_permissions)
        )
    if isinstance(error, app_commands.NoPrivateMessage):
        return t("error.guild_only", lang)
    if isinstance(error, app_commands.CommandOnCooldown):
        return t("error.cooldown", lang, seconds=f"{error.retry_after:.0f}")
    if isinstance(error, app_commands.CheckFailure):
        return t("error.missing_permissions", lang)
    if isinstance(error, app_commands.TransformerError):
        return t("error.not_found", lang, what=t("what.item", lang), query=str(error.value)[:100])
    return None


class BridgeTree(app_commands.CommandTree):
    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Every command runs to its end when the bot stops meanwhile: its answer is sent and
        remembered before the store closes."""
        finish = getattr(interaction.client, "finish_before_closing", None)
        if finish is not None:
            finish()
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await report(interaction, error)


async def report(interaction: discord.Interaction, error: Exception) -> None:
    """Tell the user briefly, in their language; log the traceback of unexpected errors.

    The one error path for commands, autocompletes, buttons and views.
    """
    lang = language(interaction.locale)
    message = user_message(error, lang)
    command = interaction.command.qualified_name if interaction.command else "component"
    if message is None:
        log.error("%s failed", command, exc_info=error)
        message = t("error.unexpected", lang)
    else:
        log.info("%s refused: %s", command, type(getattr(error, "original", error)).__name__)
    if interaction.type is discord.InteractionType.autocomplete:
        return  # an autocomplete cannot carry a message
    await send_ephemeral(interaction, message)


async def send_ephemeral(interaction: discord.Interaction, message: str) -> None:
    """Reply or follow up, whichever is still possible; never raise."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(
                message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
        else:
            await interaction.response.send_message(
                message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
    except discord.HTTPException:
        log.warning("could not tell the user about an error", exc_info=True)
