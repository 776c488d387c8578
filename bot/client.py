"""The bot: a commands.Bot holding the settings, the store and the knowledge."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import discord_api
from bot.config import Settings
from bot.conversation.service import Conversations
from bot.knowledge import Knowledge, ensure_seeds
from bot.poster import ChannelPoster
from bot.reminders.scheduler import SEND_TIMEOUT, ReminderScheduler
from bot.reminders.service import ReminderService
from bot.translator import Translator
from bot.tree import BridgeTree
from store import times
from store.db import Store

log = logging.getLogger(__name__)

OTHER_WRITERS_EVERY = 30.0  # seconds between looks for another process's writes
STOP_WAIT = 5.0  # seconds the commands and replies under way get to finish when the bot stops
# The commands, one extension per feature, loaded by name: the bot never imports a cog.
EXTENSIONS = (
    "cogs.ask",
    "cogs.knowledge",
    "cogs.deadlines",
    "cogs.reminders",
    "cogs.meta",
    "cogs.messages",
    "cogs.qa",
)
# Said once when Discord refuses the message content intent (close code 4014).
NO_MESSAGE_CONTENT = (
    "Discord refused the Message Content intent (close code 4014): connecting without it. "
    "Q&A channels stay quiet until it is enabled in the Developer Portal (Applications → this "
    "bot → Bot → Privileged Gateway Intents → Message Content Intent) and the bot restarted; "
    "mentions, replies that ping it, direct messages and the Ask Silicon Bridge menu keep working."
)


class SiliconBridge(commands.Bot):
    conversations: Conversations
    knowledge: Knowledge
    reminders: ReminderService
    scheduler: ReminderScheduler | None = None
    store: Store

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], datetime] | None = None,
        reminders: bool = True,
        **options,
    ) -> None:
        """``reminders=False`` for a process that must not post (``python -m bot sync``)."""
        intents = discord.Intents.default()
        # Q&A channels read every message; without it, mentions, replies and DMs still come.
        intents.message_content = True
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            tree_cls=BridgeTree,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            # A longer rate limit raises instead of holding a reminder's claim past its lease.
            max_ratelimit_timeout=SEND_TIMEOUT,
            **options,
        )
        # Every command also works in direct messages with the bot.
        self.tree.allowed_contexts = app_commands.AppCommandContext(
            guild=True, dm_channel=True, private_channel=True
        )
        self.settings = settings
        self.clock = clock or times.utc_now
        self.started_at = self.clock()
        self._resources = contextlib.AsyncExitStack()
        self._under_way: set[asyncio.Task] = set()
        self._connecting: asyncio.Future | None = None  # connect() under way
        self.posts_reminders = reminders

    async def login(self, token: str) -> None:
        """Log in; with a custom API base, ask that API where its gateway is."""
        if self.settings.api_base:
            self._resources.enter_context(discord_api.pointed_at(self.settings.api_base))
        await super().login(token)
        if self.settings.api_base:
            _, url, _ = await self.http.get_bot_gateway()
            discord_api.use_gateway(url)

    async def setup_hook(self) -> None:
        """Open the store, load the seeds if they are newer, load the cogs."""
        self.store = await self._resources.enter_async_context(Store.open(self.settings.database))
        await ensure_seeds(self.store, self.settings.seeds_dir)
        self.knowledge = Knowledge(self.store, clock=self.clock)
        self.scheduler = ReminderScheduler(self.store, ChannelPoster(self), clock=self.clock)
        self.reminders = ReminderService(
            self.store, self.knowledge, clock=self.clock, wake=self.scheduler.wake
        )
        self.conversations = Conversations(self.store, self.knowledge, clock=self.clock)
        await self.conversations.load()
        await self.tree.set_translator(Translator())
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self.posts_reminders:
            await self.reminders.follow_seed_loads()  # what is loaded now: the baseline
            await self.store.changed_elsewhere()
            await self.reminders.replan_all()
            self.scheduler.start()
            self.follow_other_writers.start()
        # Reminders first; then what makes the first question as quick as the next.
        await self.knowledge.engine.warm()
        if self.settings.dev_guild_id:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to the development server", len(synced))

    async def connect(self, *, reconnect: bool = True) -> None:
        """Connect to the gateway until close(). discord.py looks whether it was closed only
        after each wait before a new try (up to 17 min when Discord is unreachable): close()
        cuts that wait short."""
        self._connecting = asyncio.ensure_future(self._connect(reconnect))
        try:
            await self._connecting
        except asyncio.CancelledError:
            if self.is_closed() and not asyncio.current_task().cancelling():
                return  # close() ended the wait
            raise

    async def _connect(self, reconnect: bool) -> None:
        """If Discord refuses the message content intent (the application does not have it),
        say so once and connect again without it."""
        try:
            await super().connect(reconnect=reconnect)
        except discord.PrivilegedIntentsRequired:
            if not self.intents.message_content or self.is_closed():
                raise
            log.warning(NO_MESSAGE_CONTENT)
            # The intents IDENTIFY sends: discord.py has no public way to change them.
            self._connection._intents.message_content = False
            await super().connect(reconnect=reconnect)

    async def on_message(self, message: discord.Message) -> None:
        """No text commands: questions in channels are handled by cogs/messages.py."""

    async def on_ready(self) -> None:
        log.info("ready as %s in %d servers", self.user, len(self.guilds))

    @tasks.loop(seconds=OTHER_WRITERS_EVERY)
    async def follow_other_writers(self) -> None:
        """Notice writes by another process (``seed load`` beside the running bot): refresh
        what is cached and re-plan reminders when the seeds changed."""
        try:
            if await self.store.changed_elsewhere() and await self.reminders.follow_seed_loads():
                log.info("the seeds were loaded again elsewhere; reminders re-planned")
        except Exception:
            log.exception("could not look for changes made by another process")

    def finish_before_closing(self) -> None:
        """Let the running task (a command, a reply being written) finish before the bot
        disconnects and its store closes, for up to STOP_WAIT seconds."""
        task = asyncio.current_task()
        if task is not None and task not in self._under_way:
            self._under_way.add(task)
            task.add_done_callback(self._under_way.discard)

    async def _finish_under_way(self) -> None:
        """Wait for the tasks under way, those that start meanwhile too (the bot is still
        connected), for up to STOP_WAIT seconds in all."""
        loop = asyncio.get_running_loop()
        until = loop.time() + STOP_WAIT
        while True:
            under_way = [task for task in self._under_way if task is not asyncio.current_task()]
            left = until - loop.time()
            if not under_way or left <= 0:
                return
            await asyncio.wait(under_way, timeout=left)

    async def close(self) -> None:
        """Stop the scheduler, let the commands and replies under way finish, disconnect, then
        close the store: nothing is written after."""
        self.follow_other_writers.cancel()
        try:
            if getattr(self, "scheduler", None) is not None:
                await self.scheduler.stop()
            await self._finish_under_way()
            await super().close()
            # Not when discord.py closes from inside connect(), before it raises a fatal close
            # (4004: the token was reset): that error must reach the caller.
            if self._connecting not in (None, asyncio.current_task()):
                self._connecting.cancel()
        finally:
            await self._resources.aclose()
