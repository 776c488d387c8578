"""Questions asked in channels: whether to answer, what, and what to remember of it.

The cog (cogs/messages.py) turns each Discord event into plain data, asks this service what to
do, does it in Discord, and tells the service what it did. Nothing here imports discord.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from bot import cards
from bot.conversation import followup
from bot.conversation.followup import Context
from bot.conversation.limits import RateLimits
from bot.conversation.reading import (
    MAX_QUESTION,
    Heard,
    Via,
    clean,
    is_blank,
    is_chitchat,
    question_language,
    reads_as_question,
    via,
)
from bot.errors import UserError
from bot.i18n import HELP_EXAMPLES, t
from bot.knowledge import Knowledge
from store import answer_links as links_sql
from store import audit
from store import qa_channels as qa_sql
from store.answer_links import AnswerLink
from store.db import Store
from store.qa_channels import QaChannel

log = logging.getLogger(__name__)

EDIT_WINDOW = timedelta(minutes=10)  # an edit after this leaves the reply as it is
KEEP_LINKS = timedelta(days=90)  # a reply older than this is no longer followed up
MAX_QA_CHANNELS = 25
MUTE = timedelta(minutes=10)  # a channel that refused a reply is left alone this long


class Kind(StrEnum):
    ANSWER = "answer"  # the answer card
    UNKNOWN = "unknown"  # "I don't know", with suggestions
    HELP = "help"  # two lines: what to ask, /help
    NOTE = "note"  # one short line: slow down, too long, no text


@dataclass(frozen=True)
class Reply:
    """What the bot says: a card, or a line of text. ``via`` and ``digest`` are kept with it."""

    kind: Kind
    lang: str
    via: Via
    text: str = ""
    card: cards.Card | None = None
    context: Context | None = None  # what an answer was about, for its follow-ups
    digest: str = ""  # of the question: an edit that does not change it changes nothing
    question: str = ""  # the question as read (quoted above a menu's answer)


@dataclass(frozen=True)
class Revision:
    """What an edited question does to one of the bot's replies: a new reply, or None (delete)."""

    link: AnswerLink
    reply: Reply | None


def digest(question: str) -> str:
    return hashlib.sha256(question.encode("utf-8")).hexdigest()[:16]


class Conversations:
    """Questions asked by mention, by reply, in direct messages, in Q&A channels and with the
    "Ask Silicon Bridge" menu: read, rate-limited, answered, remembered."""

    def __init__(
        self,
        store: Store,
        knowledge: Knowledge,
        *,
        clock: Callable[[], datetime],
        limits: RateLimits | None = None,
    ) -> None:
        self.store = store
        self.knowledge = knowledge
        self.clock = clock
        self.limits = limits or RateLimits(lambda: clock().timestamp())
        self.qa_ids: set[int] = set()
        self._muted: dict[int, datetime] = {}
        self._warned: set[int] = set()
        self._locks: dict[int, tuple[asyncio.Lock, list[int]]] = {}

    async def load(self) -> None:
        """Read the Q&A channels, and forget replies too old to be followed up."""
        self.qa_ids = await qa_sql.all_ids(self.store.reader)
        async with self.store.transaction(bump=False) as conn:
            gone = await links_sql.prune(conn, self.clock() - KEEP_LINKS)
        if gone:
            log.info("forgot %d replies older than %d days", gone, KEEP_LINKS.days)

    def is_qa(self, channel_id: int, parent_id: int | None = None) -> bool:
        """A Q&A channel, or a thread in one."""
        return channel_id in self.qa_ids or (parent_id is not None and parent_id in self.qa_ids)

    @contextlib.asynccontextmanager
    async def one_at_a_time(self, message_id: int) -> AsyncIterator[None]:
        """Handle a message's creation, edits and deletion one after the other: an edit that
        comes while the question is being answered waits for the answer, then changes it."""
        lock, users = self._locks.setdefault(message_id, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if not users[0]:
                del self._locks[message_id]

    # messages ------------------------------------------------------------------------------

    def addressed(self, heard: Heard) -> Via | None:
        """How a message is addressed to the bot, or None (ignore it): cheap, before any work."""
        return via(heard, qa=self.is_qa(heard.channel_id, heard.parent_id))

    async def respond(self, heard: Heard, *, bot_id: int, stamp: cards.Stamp) -> Reply | None:
        """What to reply to a new message, or None to stay silent."""
        how = self.addressed(heard)
        if how is None:
            return None
        reply = await self._reply(heard, how, bot_id=bot_id, stamp=stamp)
        if reply is None:
            return None
        verdict = self.limits.admit(heard.author_id, heard.channel_id)
        if verdict.allowed:
            return reply
        if how is Via.QA or not verdict.note:
            return None  # dropped silently; an addressed question gets one note per burst
        return Reply(Kind.NOTE, reply.lang, how, text=t("talk.slow_down", reply.lang))

    async def _reply(
        self, heard: Heard, how: Via, *, bot_id: int, stamp: cards.Stamp
    ) -> Reply | None:
        question = clean(heard.text, bot_id)
        if how is Via.MENTION and is_blank(question) and heard.replied_text:
            # "@Silicon Bridge" in reply to someone's message: that message is the question.
            question = clean(heard.replied_text, bot_id)
        context = await self._context(heard.reply_to) if how is Via.REPLY else None
        lang = (
            question_language(question)
            or (context.lang if context else None)
            or heard.guild_lang
            or "en"
        )
        key = digest(question)
        if how is Via.QA:
            if len(question) > MAX_QUESTION or not reads_as_question(question):
                return None
            if is_chitchat(question):
                return None
        elif is_blank(question) or is_chitchat(question):
            if how is Via.REPLY or not heard.readable:
                return None  # "thanks!" under an answer, or a reply Discord did not let us read
            text = t("talk.help", lang, example=HELP_EXAMPLES[lang][0])
            return Reply(Kind.HELP, lang, how, text=text, digest=key)
        elif len(question) > MAX_QUESTION:
            text = t("error.too_long", lang, limit=MAX_QUESTION)
            return Reply(Kind.NOTE, lang, how, text=text, digest=key)
        # A reply in a server that does not read as a question may be a remark ("nice, I will
        # read more later"): it is answered on its own words only, never read as a question
        # about the answer it replies to. In a DM, every message is a question.
        remark = how is Via.REPLY and heard.guild_id is not None and not reads_as_question(question)
        answer = await followup.ask(
            self.knowledge,
            question,
            context=None if remark else context,
            lang=lang,
            guild_id=heard.guild_id,
        )
        if not answer.answered and (how is Via.QA or remark):
            return None  # a Q&A channel is never told "I don't know"; nor is a remark
        card = cards.answer_card(answer, lang, self.knowledge.clock(), stamp)
        return Reply(
            Kind.ANSWER if answer.answered else Kind.UNKNOWN,
            lang,
            how,
            card=card,
            context=Context.of(answer, lang) or context,
            digest=key,
        )

    async def _context(self, answer_id: int | None) -> Context | None:
        """What the bot's message ``answer_id`` was about, if it was an answer."""
        if answer_id is None:
            return None
        link = await links_sql.by_answer(self.store.reader, answer_id)
        if link is None:
            return None
        return Context(link.item_id, link.partnership_id, link.lang)

    async def remember(self, heard: Heard, reply: Reply, answer_id: int) -> None:
        """The reply was posted as message ``answer_id``: keep the link and its context."""
        context = reply.context
        link = AnswerLink(
            answer_id=answer_id,
            question_id=heard.message_id,
            channel_id=heard.channel_id,
            guild_id=heard.guild_id,
            author_id=heard.author_id,
            via=str(reply.via),
            kind=str(reply.kind),
            lang=reply.lang,
            digest=reply.digest,
            asked_at=self.clock(),
            item_id=context.item_id if context else None,
            partnership_id=context.partnership_id if context else None,
        )
        async with self.store.transaction(bump=False) as conn:
            await links_sql.record(conn, link)

    async def revise(self, heard: Heard, *, bot_id: int, stamp: cards.Stamp) -> list[Revision]:
        """What an edit of a question does to the bot's replies to it, within ten minutes."""
        links = await links_sql.by_question(self.store.reader, heard.message_id)
        now = self.clock()
        links = [link for link in links if now - link.asked_at <= EDIT_WINDOW]
        if not links or heard.from_bot:
            return []
        if not heard.readable:
            # Discord withheld the new text: a message that no longer mentions the bot is no
            # longer addressed to it; anything else cannot be judged and stays as it is.
            return [Revision(link, None) for link in links if link.via == Via.MENTION]
        how = self.addressed(heard)
        revisions = []
        for link in links:
            if link.via == Via.MENU:
                reply = await self._menu_reply(heard.text, link.lang, heard.guild_id, stamp=stamp)
            elif how is None:
                reply = None  # the edit took the mention out: no longer addressed to the bot
            else:
                reply = await self._reply(heard, how, bot_id=bot_id, stamp=stamp)
            if reply is not None and reply.digest == link.digest and reply.kind == link.kind:
                continue  # the text did not change (Discord also sends an edit for a link preview)
            self.limits.charge_edit(heard.author_id)
            revisions.append(Revision(link, reply))
        return revisions

    async def revised(self, revision: Revision) -> None:
        """The reply was edited as the revision said (or deleted: its link goes)."""
        if revision.reply is None:
            await self.forget([revision.link.answer_id])
            return
        reply = revision.reply
        context = reply.context
        link = replace(
            revision.link,
            kind=str(reply.kind),
            lang=reply.lang,
            digest=reply.digest,
            item_id=context.item_id if context else None,
            partnership_id=context.partnership_id if context else None,
        )
        async with self.store.transaction(bump=False) as conn:
            await links_sql.record(conn, link)

    async def deleted(self, message_id: int) -> list[AnswerLink]:
        """A message was deleted: the bot's replies to it, to delete with it. When it was one of
        the bot's own replies, its link goes."""
        if await links_sql.by_answer(self.store.reader, message_id) is not None:
            await self.forget([message_id])
        return await links_sql.by_question(self.store.reader, message_id)

    async def forget(self, answer_ids: list[int]) -> None:
        if answer_ids:
            async with self.store.transaction(bump=False) as conn:
                await links_sql.delete(conn, answer_ids)

    # the message command -------------------------------------------------------------------

    async def ask_message(
        self,
        heard: Heard,
        *,
        own: bool,
        invoker_id: int,
        user_lang: str,
        stamp: cards.Stamp,
    ) -> Reply:
        """ "Ask Silicon Bridge" on a message: its text, answered publicly.

        ``heard`` is the message the menu was used on, ``own`` whether the bot wrote it. What
        cannot be asked raises a UserError, told to the invoker only.
        """
        lang = heard.guild_lang or user_lang
        if own:
            raise UserError("menu.own_answer")
        question = clean(heard.text)
        if is_blank(question):
            raise UserError("menu.no_text")
        if len(question) > MAX_QUESTION:
            raise UserError("error.too_long", limit=MAX_QUESTION)
        if not self.limits.admit(invoker_id, heard.channel_id).allowed:
            raise UserError("talk.slow_down")
        return await self._menu_reply(question, lang, heard.guild_id, stamp=stamp)

    async def _menu_reply(
        self, text: str, fallback: str, guild_id: int | None, *, stamp: cards.Stamp
    ) -> Reply | None:
        question = clean(text)
        if is_blank(question) or len(question) > MAX_QUESTION:
            return None
        lang = question_language(question) or fallback
        return await self._answered(question, lang, guild_id, Via.MENU, stamp)

    # the /ask command ----------------------------------------------------------------------

    async def ask_command(
        self, question: str, *, lang: str, guild_id: int | None, stamp: cards.Stamp
    ) -> Reply:
        """/ask: the answer card, with what it was about, so that the public answer can be
        remembered (:meth:`remember`) and a reply to it asked in its context."""
        return await self._answered(question, lang, guild_id, Via.ASK, stamp)

    async def _answered(
        self, question: str, lang: str, guild_id: int | None, via: Via, stamp: cards.Stamp
    ) -> Reply:
        """The answer card for a question asked as it is, with what it was about."""
        answer = await self.knowledge.ask(question, lang=lang, guild_id=guild_id)
        return Reply(
            Kind.ANSWER if answer.answered else Kind.UNKNOWN,
            lang,
            via,
            card=cards.answer_card(answer, lang, self.knowledge.clock(), stamp),
            context=Context.of(answer, lang),
            digest=digest(question),
            question=question,
        )

    # channels that refuse replies ----------------------------------------------------------

    def muted(self, channel_id: int) -> bool:
        """A channel that refused a reply a moment ago: nothing is tried there for a while."""
        until = self._muted.get(channel_id)
        return until is not None and self.clock() < until

    def cannot_send(self, channel_id: int) -> bool:
        """The bot may not post in a channel: leave it alone for a while. True the first time
        (the one warning to log), until a reply goes through there again."""
        self._muted[channel_id] = self.clock() + MUTE
        first = channel_id not in self._warned
        self._warned.add(channel_id)
        return first

    def sent(self, channel_id: int) -> None:
        self._muted.pop(channel_id, None)
        self._warned.discard(channel_id)

    # Q&A channels --------------------------------------------------------------------------

    async def qa_channels(self, guild_id: int) -> list[QaChannel]:
        return await qa_sql.for_guild(self.store.reader, guild_id)

    async def enable_qa(self, guild_id: int, channel_id: int, user_id: int) -> bool:
        """Answer questions in this channel; False when it already was a Q&A channel."""
        now = self.clock()
        async with self.store.transaction(bump=False) as conn:
            current = await qa_sql.for_guild(conn, guild_id)
            if any(c.channel_id == channel_id for c in current):
                return False
            if len(current) >= MAX_QA_CHANNELS:
                raise UserError("qa.too_many", limit=MAX_QA_CHANNELS)
            await qa_sql.enable(conn, QaChannel(channel_id, guild_id, user_id, now))
            await audit.record(
                conn, audit.Entry(guild_id, user_id, now, "qa.on", None, f"channel {channel_id}")
            )
        self.qa_ids.add(channel_id)
        return True

    async def disable_qa(self, guild_id: int, channel_id: int, user_id: int) -> bool:
        """Stop answering in this channel; False when it was not a Q&A channel."""
        now = self.clock()
        async with self.store.transaction(bump=False) as conn:
            changed = await qa_sql.disable(conn, guild_id, channel_id)
            if changed:
                await audit.record(
                    conn,
                    audit.Entry(guild_id, user_id, now, "qa.off", None, f"channel {channel_id}"),
                )
        self.qa_ids.discard(channel_id)
        return changed

    async def channel_gone(self, channel_id: int) -> None:
        """A channel was deleted: it is no longer a Q&A channel, its replies are gone."""
        async with self.store.transaction(bump=False) as conn:
            await qa_sql.forget_channel(conn, channel_id)
            await links_sql.forget_channel(conn, channel_id)
        self.qa_ids.discard(channel_id)

    async def channels_left(self, guild_id: int, channel_ids: set[int]) -> list[int]:
        """A server as it is now (``channel_ids``: its channels and threads): its Q&A channels
        deleted while the bot was away are forgotten, as :meth:`channel_gone` would have. The
        ones forgotten."""
        gone = [
            c.channel_id
            for c in await qa_sql.for_guild(self.store.reader, guild_id)
            if c.channel_id not in channel_ids
        ]
        for channel_id in gone:
            await self.channel_gone(channel_id)
        return gone

    async def forget_guild(self, guild_id: int) -> None:
        """The bot left a server: its Q&A channels and replies are forgotten."""
        async with self.store.transaction(bump=False) as conn:
            channels = await qa_sql.for_guild(conn, guild_id)
            await qa_sql.forget_guild(conn, guild_id)
            await links_sql.forget_guild(conn, guild_id)
        self.qa_ids -= {c.channel_id for c in channels}
