"""A minimal discord.py bot and guild that exercise what the fake serves, for its own tests."""

from __future__ import annotations

import asyncio
import contextlib
import io
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_api import pointed_at, use_gateway
from fakediscord import ChannelType, FakeChannel, FakeDiscord, FakeGuild, FakeRole, Perm

GUILD_ID = 1_100_000_000_000_000_001
CHANNEL_ID = 1_100_000_000_000_000_002
VOICE_ID = 1_100_000_000_000_000_003
CATEGORY_ID = 1_100_000_000_000_000_004
MOD_ROLE_ID = 1_100_000_000_000_000_005
CHANNEL_PATH = r"/channels/\d+/messages$"
QUESTIONS = ["deadline", "dead drop", "semiconductors"]


def make_guild() -> FakeGuild:
    return FakeGuild(
        name="Silicon Test",
        id=GUILD_ID,
        channels=[
            FakeChannel("Info", id=CATEGORY_ID, type=ChannelType.CATEGORY),
            FakeChannel("general", id=CHANNEL_ID, parent_id=CATEGORY_ID, topic="chat"),
            FakeChannel("voice", id=VOICE_ID, type=ChannelType.VOICE, parent_id=CATEGORY_ID),
        ],
        roles=[FakeRole("moderator", id=MOD_ROLE_ID, permissions=Perm.MANAGE_GUILD)],
        preferred_locale="fr",
    )


class VoteView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Vote", custom_id="vote")
    async def vote(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_message(f"vote from {interaction.user.id}", ephemeral=True)

    @discord.ui.button(label="Close", custom_id="close")
    async def close_vote(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="Vote closed", view=None)

    @discord.ui.button(label="Refresh", custom_id="refresh")
    async def refresh(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.defer()
        await interaction.edit_original_response(content="Vote now (refreshed)")

    @discord.ui.select(
        custom_id="topic",
        options=[discord.SelectOption(label="AI"), discord.SelectOption(label="Chips")],
    )
    async def topic(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.send_message(f"topic: {select.values[0]}", ephemeral=True)


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    comment = discord.ui.TextInput(label="Comment", custom_id="comment")

    def __init__(self) -> None:
        super().__init__(custom_id="feedback-modal")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"got: {self.comment.value}")


class QuickBot(commands.Bot):
    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Skip discord.py's 5 s pause before a repeated IDENTIFY."""


def make_bot(intents: discord.Intents | None = None) -> commands.Bot:
    """A minimal bot exercising the interaction and REST paths the fake serves."""
    bot = QuickBot(
        command_prefix=commands.when_mentioned,
        intents=intents or discord.Intents.default(),
        help_command=None,
        guild_ready_timeout=0.05,
    )
    bot.ready_events = 0
    bot.seen_messages = asyncio.Queue()
    bot.seen_events = asyncio.Queue()  # (event, message id, content or None)

    @bot.event
    async def on_ready() -> None:
        bot.ready_events += 1

    @bot.listen()
    async def on_message(message: discord.Message) -> None:
        bot.seen_messages.put_nowait((message.author.id, message.content))
        bot.seen_events.put_nowait(("create", message.id, message.content))

    @bot.listen()
    async def on_raw_message_edit(payload: discord.RawMessageUpdateEvent) -> None:
        bot.seen_events.put_nowait(("edit", payload.message_id, payload.message.content))

    @bot.listen()
    async def on_raw_message_delete(payload: discord.RawMessageDeleteEvent) -> None:
        bot.seen_events.put_nowait(("delete", payload.message_id, None))

    @bot.listen()
    async def on_raw_bulk_message_delete(payload: discord.RawBulkMessageDeleteEvent) -> None:
        for message_id in sorted(payload.message_ids):
            bot.seen_events.put_nowait(("delete", message_id, None))

    @bot.tree.context_menu(name="Quote it")
    async def quote(interaction: discord.Interaction, message: discord.Message) -> None:
        await interaction.response.send_message(f"{message.author.id} said {message.content!r}")

    @bot.tree.command(description="Reply in the user's locale")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"pong ({interaction.locale.value})")

    @bot.tree.command(description="Defer, then answer")
    async def slow(interaction: discord.Interaction, via: Literal["edit", "followup"]) -> None:
        await interaction.response.defer(thinking=True)
        await asyncio.sleep(0.01)
        if via == "edit":
            await interaction.edit_original_response(content="done")
        else:
            await interaction.followup.send("done via follow-up")

    @bot.tree.command(description="Ask a question")
    async def ask(interaction: discord.Interaction, question: str) -> None:
        await interaction.response.send_message(f"Q: {question}", ephemeral=True)

    @ask.autocomplete("question")
    async def ask_autocomplete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=q, value=q) for q in QUESTIONS if q.startswith(current)]

    @bot.tree.command(description="Post a vote in the channel")
    async def announce(interaction: discord.Interaction) -> None:
        try:
            await interaction.channel.send("Vote now", view=VoteView())
        except discord.Forbidden as exc:
            await interaction.response.send_message(f"cannot post ({exc.code})", ephemeral=True)
        else:
            await interaction.response.send_message("posted", ephemeral=True)

    @bot.tree.command(description="Open the feedback form")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(FeedbackModal())

    @bot.tree.command(description="Describe the caller")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def whoami(interaction: discord.Interaction) -> None:
        where = "dm" if interaction.guild is None else interaction.guild.name
        await interaction.response.send_message(
            f"{where}|{interaction.user.id}|manage_guild={interaction.permissions.manage_guild}"
            f"|{interaction.guild_locale}"
        )

    @bot.tree.command(description="Show a member")
    async def userinfo(interaction: discord.Interaction, member: discord.Member) -> None:
        await interaction.response.send_message(f"{type(member).__name__}:{member.name}")

    @bot.tree.command(description="Send a file")
    async def upload(interaction: discord.Interaction) -> None:
        report = discord.File(io.BytesIO(b"hello file"), filename="report.txt")
        await interaction.response.send_message("report", file=report)

    remind = app_commands.Group(name="remind", description="Reminders")
    admin = app_commands.Group(name="admin", description="Admin", parent=remind)

    @remind.command(description="Add a reminder")
    async def add(interaction: discord.Interaction, text: str, minutes: int) -> None:
        await interaction.response.send_message(f"{text} in {minutes + 0} min")

    @admin.command(description="Clear reminders")
    async def clear(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("cleared")

    bot.tree.add_command(remind)
    return bot


@contextlib.contextmanager
def talking_to(fake: FakeDiscord):
    """A plain discord.py client talks to ``fake`` inside the block, as the bot does."""
    with pointed_at(fake.api_base):
        use_gateway(fake.gateway_url)
        yield
