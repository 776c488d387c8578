"""Questions asked in channels: mentions, replies to the bot, direct messages, Q&A channels, their
edits and deletions, and the "Ask Silicon Bridge" message command.

Thin: each event becomes a plain ``Heard``; bot/conversation decides; this posts, edits or
deletes the reply, and never pings anyone.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.conversation.reading import Heard, Via, mentions
from bot.conversation.service import Kind, Reply, Revision
from bot.embeds import NO_MENTIONS, clip, embed, stamp
from bot.i18n import MESSAGE_COMMANDS, language, t
from cogs._checks import missing_to_reply
from cogs._ui import links_view

if TYPE_CHECKING:
    from bot.client import SiliconBridge

log = logging.getLogger(__name__)

# Messages people write; anything else (joins, pins, the bot's own command answers) is ignored.
WRITTEN = (discord.MessageType.default, discord.MessageType.reply)
QUOTE = 300  # characters of the question quoted above a "Ask Silicon Bridge" answer


def heard_of(message: discord.Message, bot: SiliconBridge) -> Heard:
    """A message as plain data for the domain."""
    me = bot.user
    assert me is not None
    guild = message.guild
    reference = message.reference
    if reference is not None and reference.type is not discord.MessageReferenceType.reply:
        reference = None  # a forwarded message is no reply
    replied = reference.resolved if reference is not None else None
    replied = replied if isinstance(replied, discord.Message) else None
    content = message.content
    role = guild.self_role if guild is not None else None
    if role is not None:  # "@Silicon Bridge" picked as the bot's role is a mention of the bot
        content = content.replace(f"<@&{role.id}>", f"<@{me.id}>")
    return Heard(
        message_id=message.id,
        author_id=message.author.id,
        channel_id=message.channel.id,
        guild_id=guild.id if guild is not None else None,
        text=content,
        from_bot=(
            message.author.bot or message.webhook_id is not None or message.type not in WRITTEN
        ),
        mentions_bot=mentions(content, me.id),
        reply_to=reference.message_id if reference is not None else None,
        reply_to_bot=replied is not None and replied.author.id == me.id,
        replied_text=replied.content if replied is not None and replied.author.id != me.id else "",
        parent_id=getattr(message.channel, "parent_id", None),
        guild_lang=language(guild.preferred_locale) if guild is not None else None,
        # Without the message content intent, Discord sends the text only of the messages that
        # mention the bot and of direct messages. A reply's ping is in ``mentions`` only, not in
        # the text that ``raw_mentions`` reads.
        readable=(
            bot.intents.message_content
            or guild is None
            or any(user.id == me.id for user in message.mentions)
            or me.id in message.raw_mentions
        ),
    )


def rendered(reply: Reply, *, edit: bool = False, asker: int | None = None) -> dict[str, Any]:
    """The message a reply is: a card with its buttons, or a line of text (an edit clears the
    other). ``asker``: the author of a message answered through the menu, quoted above."""
    if reply.card is not None:
        view = links_view(reply.card)
        if edit and view is discord.utils.MISSING:
            view = None
        content = None
        if asker is not None:
            question = clip(reply.question, QUOTE)
            content = t("menu.question", reply.lang, author=f"<@{asker}>", question=question)
        return {"content": content, "embed": embed(reply.card), "view": view}
    return {"content": reply.text, "embed": None, "view": None}


class MessagesCog(commands.Cog):
    def __init__(self, bot: SiliconBridge) -> None:
        self.bot = bot
        self.menu = app_commands.ContextMenu(name=MESSAGE_COMMANDS[0]["en"], callback=self.ask_menu)
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    # new messages --------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if self.bot.user is None or message.author.id == self.bot.user.id:
            return
        conversations = self.bot.conversations
        heard = heard_of(message, self.bot)
        if conversations.addressed(heard) is None or conversations.muted(heard.channel_id):
            return
        missing = missing_to_reply(message.channel, getattr(message.guild, "me", None))
        if missing:
            self._cannot_send(message.channel, ", ".join(missing))
            return
        self.bot.finish_before_closing()
        await self._answer(message, heard)

    async def _answer(self, message: discord.Message, heard: Heard) -> None:
        assert self.bot.user is not None
        conversations = self.bot.conversations
        async with conversations.one_at_a_time(message.id):
            reply = await conversations.respond(heard, bot_id=self.bot.user.id, stamp=stamp)
            if reply is None:
                return
            posted = await self._reply(message, reply)
            if posted is not None:
                await conversations.remember(heard, reply, posted.id)

    async def _reply(self, message: discord.Message, reply: Reply) -> discord.Message | None:
        """Reply to the message; a refusal is logged once per channel and never retried."""
        try:
            posted = await message.reply(
                **rendered(reply), mention_author=False, allowed_mentions=NO_MENTIONS
            )
        except discord.Forbidden as error:
            self._cannot_send(message.channel, error.text or "forbidden")
            return None
        except discord.HTTPException as error:
            # The question was deleted meanwhile (Discord refuses a reply to it), or Discord
            # failed even after discord.py's own retries: this one question goes unanswered.
            log.info(
                "no reply in channel %s: HTTP %s %s", message.channel.id, error.status, error.text
            )
            return None
        self.bot.conversations.sent(message.channel.id)
        return posted

    def _cannot_send(self, channel: Any, why: str) -> None:
        if self.bot.conversations.cannot_send(channel.id):
            guild = getattr(channel, "guild", None)
            log.warning(
                "cannot answer in channel %s of server %s (%s): its questions are left "
                "unanswered until the bot may post there",
                channel.id,
                guild.id if guild is not None else "-",
                why,
            )

    # edits and deletions -------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        message = payload.message
        if self.bot.user is None or message.author.id == self.bot.user.id:
            return
        conversations = self.bot.conversations
        self.bot.finish_before_closing()
        async with conversations.one_at_a_time(message.id):
            heard = heard_of(message, self.bot)
            revisions = await conversations.revise(heard, bot_id=self.bot.user.id, stamp=stamp)
            for revision in revisions:
                await self._apply(revision)

    async def _apply(self, revision: Revision) -> None:
        link = revision.link
        answer = self.bot.get_partial_messageable(link.channel_id).get_partial_message(
            link.answer_id
        )
        try:
            if revision.reply is None:
                await answer.delete()
            else:
                asker = link.author_id if link.via == Via.MENU else None
                await answer.edit(
                    **rendered(revision.reply, edit=True, asker=asker), allowed_mentions=NO_MENTIONS
                )
        except discord.NotFound:
            revision = Revision(link, None)  # someone deleted the reply already
        except discord.HTTPException as error:
            log.info("could not change reply %s: HTTP %s", link.answer_id, error.status)
            return
        await self.bot.conversations.revised(revision)

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        self.bot.finish_before_closing()
        await self._deleted(payload.message_id)

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        self.bot.finish_before_closing()
        for message_id in sorted(payload.message_ids):
            await self._deleted(message_id)

    async def _deleted(self, message_id: int) -> None:
        """A question went: its replies go too. One of the bot's replies went: forget it."""
        conversations = self.bot.conversations
        async with conversations.one_at_a_time(message_id):
            links = await conversations.deleted(message_id)
            for link in links:
                answer = self.bot.get_partial_messageable(link.channel_id).get_partial_message(
                    link.answer_id
                )
                try:
                    await answer.delete()
                except discord.NotFound:
                    pass
                except discord.HTTPException as error:
                    log.info("could not delete reply %s: HTTP %s", link.answer_id, error.status)
            await conversations.forget([link.answer_id for link in links])

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        self.bot.finish_before_closing()
        await self.bot.conversations.channel_gone(channel.id)

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        """At start-up and after an outage: Q&A channels deleted meanwhile (no CHANNEL_DELETE
        reached the bot) are no longer kept."""
        present = {channel.id for channel in guild.channels} | {t.id for t in guild.threads}
        self.bot.finish_before_closing()
        gone = await self.bot.conversations.channels_left(guild.id, present)
        if gone:
            log.info("server %s: forgot deleted Q&A channels %s", guild.id, gone)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        self.bot.finish_before_closing()
        await self.bot.conversations.forget_guild(guild.id)

    # the message command -------------------------------------------------------------------

    async def ask_menu(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Ask Silicon Bridge: the message's text answered publicly, quoting who asked.

        Under the message's lock, as its creation, edits and deletion: a deletion (or an edit)
        that comes while the answer is posted waits for its link, then takes (or changes) it."""
        self.bot.finish_before_closing()
        async with self.bot.conversations.one_at_a_time(message.id):
            await self._ask_menu(interaction, message)

    async def _ask_menu(self, interaction: discord.Interaction, message: discord.Message) -> None:
        assert self.bot.user is not None
        heard = replace(
            heard_of(message, self.bot),
            readable=True,  # the message comes with the interaction, text included
            guild_lang=language(interaction.guild_locale) if interaction.guild_locale else None,
        )
        reply = await self.bot.conversations.ask_message(
            heard,
            own=message.author.id == self.bot.user.id,
            invoker_id=interaction.user.id,
            user_lang=language(interaction.locale),
            stamp=stamp,
        )
        assert reply.card is not None and reply.kind in (Kind.ANSWER, Kind.UNKNOWN)
        response = await interaction.response.send_message(
            **rendered(reply, asker=message.author.id), allowed_mentions=NO_MENTIONS
        )
        if response is not None and response.message_id is not None:
            await self.bot.conversations.remember(heard, reply, response.message_id)


async def setup(bot: SiliconBridge) -> None:
    await bot.add_cog(MessagesCog(bot))
