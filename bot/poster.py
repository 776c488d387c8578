"""Posts reminders in Discord for the scheduler, turning HTTP errors into the scheduler's terms."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot import cards
from bot.embeds import NO_MENTIONS, details_button, embed, stamp
from bot.i18n import t
from bot.reminders.scheduler import ChannelGone, NoAccess, Transient
from store.items import Item
from store.reminders import Reminder
from store.settings import GuildSettings

if TYPE_CHECKING:
    from bot.client import SiliconBridge

# What the bot needs in a reminder channel.
REMINDER_PERMISSIONS = ("view_channel", "send_messages", "embed_links")


class ChannelPoster:
    """Posts reminders in Discord for the scheduler, turning HTTP errors into its terms."""

    def __init__(self, bot: SiliconBridge) -> None:
        self.bot = bot

    async def _channel(self, channel_id: int) -> discord.abc.Messageable:
        channel = self.bot.get_channel(channel_id)
        if channel is not None:
            return channel
        try:  # not cached (start-up) is not deleted: ask Discord
            return await self.bot.fetch_channel(channel_id)
        except discord.NotFound as exc:
            raise ChannelGone(f"channel {channel_id} not found") from exc
        except discord.Forbidden as exc:
            raise NoAccess(f"channel {channel_id} not visible") from exc
        except discord.RateLimited as exc:
            raise Transient(f"channel {channel_id}: rate limited", exc.retry_after) from exc
        except discord.HTTPException as exc:
            raise Transient(f"fetching channel {channel_id}: HTTP {exc.status}") from exc

    async def post(
        self, reminder: Reminder, item: Item, settings: GuildSettings, *, late: bool
    ) -> int:
        knowledge = self.bot.knowledge
        lang = settings.language
        partnership = (
            await knowledge.item(item.partnership_id, guild_id=settings.guild_id)
            if item.partnership_id
            else None
        )
        card = cards.reminder_card(
            item, partnership, await knowledge.source(item.source_id), lang, late=late, stamp=stamp
        )
        view = discord.ui.View(timeout=None)
        view.add_item(details_button(item.id, t("button.details", lang)))
        content, mentions = None, NO_MENTIONS
        if settings.role_id:  # the one mention an admin may opt into
            content = f"<@&{settings.role_id}>"
            mentions = discord.AllowedMentions(
                everyone=False, users=False, roles=[discord.Object(settings.role_id)]
            )
        channel = await self._channel(reminder.channel_id or settings.channel_id)
        try:
            message = await channel.send(
                content=content,
                embed=embed(card),
                view=view,
                nonce=reminder.nonce,
                allowed_mentions=mentions,
            )
        except discord.NotFound as exc:
            raise ChannelGone(str(exc)) from exc
        except discord.Forbidden as exc:
            raise NoAccess(str(exc)) from exc
        except discord.RateLimited as exc:  # longer than the client's max_ratelimit_timeout
            raise Transient(f"rate limited for {exc.retry_after:.0f} s", exc.retry_after) from exc
        except discord.HTTPException as exc:
            retry = getattr(exc, "retry_after", None)
            raise Transient(
                f"HTTP {exc.status}: {exc.text[:200]}", retry, maybe_posted=exc.status >= 500
            ) from exc
        except (OSError, TimeoutError) as exc:
            raise Transient(f"network: {exc}", maybe_posted=True) from exc
        return message.id

    async def check(self, settings: GuildSettings) -> None:
        """Raise ChannelGone or NoAccess unless the channel can take reminders now."""
        channel = await self._channel(settings.channel_id)
        guild = getattr(channel, "guild", None)
        me = guild.me if guild is not None else None
        if me is not None and isinstance(channel, discord.abc.GuildChannel):
            allowed = channel.permissions_for(me)
            if not all(getattr(allowed, name) for name in REMINDER_PERMISSIONS):
                raise NoAccess(f"channel {settings.channel_id}: permissions missing")

    async def tell_admins(self, settings: GuildSettings) -> bool:
        """One message to the server's admins: in its system channel if the bot may post
        there, else to its owner; never a mention."""
        guild = self.bot.get_guild(settings.guild_id)
        if guild is None:
            return False
        lang = settings.language
        text = t(
            "reminders.paused_notice",
            lang,
            server=guild.name,
            why=t(
                f"reminders.paused.{settings.paused_reason}",
                lang,
                channel=f"<#{settings.channel_id}>",
            ),
        )
        system = guild.system_channel
        if (
            system is not None
            and system.id != settings.channel_id
            and guild.me is not None
            and system.permissions_for(guild.me).send_messages
        ):
            targets: list[discord.abc.Messageable] = [system]
        else:
            targets = []
        try:
            owner = guild.owner or await self.bot.fetch_user(guild.owner_id)
            targets.append(owner)
        except discord.HTTPException:
            pass
        for target in targets:
            try:
                await target.send(text, allowed_mentions=NO_MENTIONS)
            except (discord.HTTPException, OSError):
                continue
            return True
        return False
