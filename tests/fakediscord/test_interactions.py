"""Tests of the fake Discord (fakediscord/), driven by a minimal discord.py bot."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import io
from typing import Literal

import discord
import pytest
from discord import app_commands
from discord.ext import commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.discord_api import pointed_at, use_gateway
from fakediscord import (
    ChannelType,
    FakeChannel,
    FakeDiscord,
    FakeGuild,
    FakeRole,
    Perm,
    running_bot,
)

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


def make_bot() -> commands.Bot:
    """A minimal bot exercising the interaction and REST paths the fake serves."""
    bot = QuickBot(
        command_prefix=commands.when_mentioned,
        intents=discord.Intents.default(),
        help_command=None,
        guild_ready_timeout=0.05,
    )
    bot.ready_events = 0
    bot.seen_messages = asyncio.Queue()

    @bot.event
    async def on_ready() -> None:
        bot.ready_events += 1

    @bot.listen()
    async def on_message(message: discord.Message) -> None:
        bot.seen_messages.put_nowait((message.author.id, message.content))

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


@pytest.fixture
async def fake():
    async with FakeDiscord(guilds=[make_guild()], timeout=3.0) as server:
        with talking_to(server):
            yield server
    leftovers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    assert leftovers == [], f"tasks still running after the bot and the fake closed: {leftovers}"


@pytest.fixture
async def bot(fake: FakeDiscord):
    client = make_bot()
    async with running_bot(client, fake):
        yield client


async def test_pointing_discord_py_at_the_fake_is_undone_on_leaving():
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    async with FakeDiscord() as fake:
        with talking_to(fake):
            assert fake.api_base == Route.BASE
            assert fake.api_base.startswith("http://127.0.0.1:")
            assert str(DiscordWebSocket.DEFAULT_GATEWAY) == fake.gateway_url
        assert (base, gateway) == (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)


async def test_bot_reaches_ready_with_guild_cache(fake: FakeDiscord, bot: commands.Bot):
    assert bot.ready_events == 1
    assert bot.user.id == fake.bot.id
    assert bot.application_id == fake.application_id
    guild = bot.get_guild(GUILD_ID)
    assert guild is not None
    assert guild.name == "Silicon Test"
    assert guild.me is not None
    channel = bot.get_channel(CHANNEL_ID)
    assert isinstance(channel, discord.TextChannel)
    assert (channel.name, channel.topic, channel.category_id) == ("general", "chat", CATEGORY_ID)
    assert isinstance(bot.get_channel(VOICE_ID), discord.VoiceChannel)
    assert guild.get_role(MOD_ROLE_ID).permissions.manage_guild
    assert channel.permissions_for(guild.me).send_messages

    identify = fake.identify_payloads[0]
    assert identify["token"] == fake.token
    assert identify["intents"] == discord.Intents.default().value
    query = fake.gateway.connect_queries[0]
    assert query == {"v": "10", "encoding": "json", "compress": "zlib-stream"}


async def test_slash_returns_the_callback_body(fake: FakeDiscord, bot: commands.Bot):
    resp = await fake.slash("ping", locale="fr")

    assert resp["type"] == 4
    assert resp["data"]["content"] == "pong (fr)"
    record = fake.last_interaction
    assert resp["callback"] == record.callback
    assert record.callback["data"]["content"] == "pong (fr)"
    assert resp["message"]["content"] == "pong (fr)"
    assert resp["message"]["interaction_metadata"]["user"]["id"] == str(fake.user.id)
    payload = record.payload
    assert payload["locale"] == "fr"
    assert payload["guild_locale"] == "fr"
    assert payload["guild_id"] == str(GUILD_ID)
    assert payload["member"]["user"]["id"] == str(fake.user.id)


async def test_each_interaction_gets_its_own_id_and_token(fake: FakeDiscord, bot: commands.Bot):
    await fake.slash("ping")
    await fake.slash("ping")
    first, second = list(fake.interactions.values())
    assert first.id != second.id
    assert first.token != second.token


async def test_deferred_then_edited_is_the_final_response(fake: FakeDiscord, bot: commands.Bot):
    resp = await fake.slash("slow", {"via": "edit"})

    assert resp["type"] == 5
    assert resp["data"]["content"] == "done"
    assert resp["message"]["content"] == "done"
    assert not resp["message"]["flags"] & (1 << 7)  # no longer loading


async def test_deferred_then_followed_up_is_the_final_response(
    fake: FakeDiscord, bot: commands.Bot
):
    resp = await fake.slash("slow", {"via": "followup"})

    assert resp["type"] == 5
    assert resp["data"]["content"] == "done via follow-up"
    assert [f["content"] for f in resp["followups"]] == ["done via follow-up"]


async def test_autocomplete_choices_arrive(fake: FakeDiscord, bot: commands.Bot):
    resp = await fake.autocomplete("ask", {"question": "dead"}, focused="question", locale="en-US")

    assert resp["type"] == 8
    assert resp["data"]["choices"] == [
        {"name": "deadline", "value": "deadline"},
        {"name": "dead drop", "value": "dead drop"},
    ]
    option = fake.last_interaction.payload["data"]["options"][0]
    assert option == {"name": "question", "type": 3, "value": "dead", "focused": True}


async def test_tree_sync_payloads_are_recorded_and_used(fake: FakeDiscord, bot: commands.Bot):
    synced = await bot.tree.sync()

    names = {c["name"] for c in fake.command_payloads[None]}
    assert {"ping", "slow", "ask", "announce", "remind"} <= names
    assert {c.name for c in synced} == names
    slow = next(c for c in fake.command_payloads[None] if c["name"] == "slow")
    assert slow["options"][0]["choices"] == [
        {"name": "edit", "value": "edit"},
        {"name": "followup", "value": "followup"},
    ]
    await fake.slash("ping")
    ping_id = next(c["id"] for c in fake.registered_commands() if c["name"] == "ping")
    assert fake.last_interaction.payload["data"]["id"] == ping_id
    assert "guild_id" not in fake.last_interaction.payload["data"]

    guild = discord.Object(GUILD_ID)
    bot.tree.copy_global_to(guild=guild)
    await bot.tree.sync(guild=guild)
    assert {c["name"] for c in fake.command_payloads[GUILD_ID]} == names
    resp = await fake.slash("ping")
    assert resp["data"]["content"] == "pong (en-US)"
    assert fake.last_interaction.payload["data"]["guild_id"] == str(GUILD_ID)


async def test_synced_schema_types_and_checks_options(fake: FakeDiscord, bot: commands.Bot):
    await bot.tree.sync()

    resp = await fake.slash("remind add", {"text": "deadline", "minutes": "5"})
    assert resp["data"]["content"] == "deadline in 5 min"
    with pytest.raises(AssertionError, match="no option"):
        await fake.slash("ask", {"questoin": "typo"})
    with pytest.raises(AssertionError, match="missing required"):
        await fake.slash("ask", {})


async def test_subcommands_and_groups(fake: FakeDiscord, bot: commands.Bot):
    resp = await fake.slash("remind add", {"text": "deadline", "minutes": 5})
    assert resp["data"]["content"] == "deadline in 5 min"
    options = fake.last_interaction.payload["data"]["options"]
    assert options[0]["type"] == 1
    assert options[0]["name"] == "add"

    resp = await fake.slash("remind admin clear")
    assert resp["data"]["content"] == "cleared"
    group = fake.last_interaction.payload["data"]["options"][0]
    assert (group["type"], group["name"]) == (2, "admin")
    assert group["options"] == [{"name": "clear", "type": 1, "options": []}]


async def test_dm_interaction_has_user_and_no_guild(fake: FakeDiscord, bot: commands.Bot):
    resp = await fake.slash("whoami", dm=True, locale="en-GB")

    assert resp["data"]["content"].startswith(f"dm|{fake.user.id}|")
    payload = fake.last_interaction.payload
    assert "guild_id" not in payload
    assert "member" not in payload
    assert payload["user"]["id"] == str(fake.user.id)
    assert payload["channel"]["type"] == 1
    assert payload["context"] == 1


async def test_permissions_and_guild_locale(fake: FakeDiscord, bot: commands.Bot):
    resp = await fake.slash("whoami")
    assert "manage_guild=False" in resp["data"]["content"]
    assert fake.last_interaction.payload["member"]["permissions"] == str(Perm.EVERYONE_DEFAULT)

    resp = await fake.slash("whoami", permissions=discord.Permissions(manage_guild=True))
    assert resp["data"]["content"].endswith("manage_guild=True|fr")
    assert fake.last_interaction.payload["member"]["permissions"] == str(Perm.MANAGE_GUILD)

    resp = await fake.slash("whoami", permissions="0", guild_locale="de")
    assert resp["data"]["content"].endswith("manage_guild=False|de")

    resp = await fake.slash("whoami", roles=["moderator"])
    assert "manage_guild=True" in resp["data"]["content"]
    assert fake.last_interaction.payload["member"]["roles"] == [str(MOD_ROLE_ID)]


async def test_member_option_is_resolved(fake: FakeDiscord, bot: commands.Bot):
    resp = await fake.slash("userinfo", {"member": fake.user})

    assert resp["data"]["content"] == f"Member:{fake.user.username}"
    resolved = fake.last_interaction.payload["data"]["resolved"]
    assert str(fake.user.id) in resolved["members"]


async def test_multipart_callback_is_parsed(fake: FakeDiscord, bot: commands.Bot):
    resp = await fake.slash("upload")

    assert resp["data"]["content"] == "report"
    assert resp["data"]["attachments"][0]["filename"] == "report.txt"
    assert [(f.filename, f.data) for f in resp["files"]] == [("report.txt", b"hello file")]
    attachment = resp["message"]["attachments"][0]
    assert attachment["size"] == len(b"hello file")


async def test_channel_message_button_and_update(fake: FakeDiscord, bot: commands.Bot):
    resp = await fake.slash("announce")
    assert (resp["data"]["content"], resp["data"]["flags"]) == ("posted", 64)

    [posted] = fake.channel_messages(CHANNEL_ID)
    assert posted["content"] == "Vote now"
    custom_ids = [c["custom_id"] for c in posted["components"][0]["components"]]
    assert custom_ids == ["vote", "close", "refresh"]

    resp = await fake.click("vote")
    assert resp["type"] == 4
    assert resp["data"]["content"] == f"vote from {fake.user.id}"
    assert fake.last_interaction.payload["message"]["id"] == posted["id"]

    resp = await fake.click("topic", values=["Chips"])
    assert resp["data"]["content"] == "topic: Chips"
    assert fake.last_interaction.payload["data"]["values"] == ["Chips"]

    resp = await fake.click("refresh")
    assert resp["type"] == 6
    assert resp["data"]["content"] == "Vote now (refreshed)"
    assert resp["message"]["id"] == posted["id"]

    resp = await fake.click("close", message=posted)
    assert resp["type"] == 7
    assert resp["data"]["content"] == "Vote closed"
    assert fake.channel_messages(CHANNEL_ID)[0]["components"] == []


async def test_user_messages_follow_intents(fake: FakeDiscord, bot: commands.Bot):
    await fake.send_user_message(CHANNEL_ID, "hello there")
    await fake.send_user_message(CHANNEL_ID, f"<@{fake.bot.id}> hi bot")

    async with asyncio.timeout(2):
        seen = [await bot.seen_messages.get(), await bot.seen_messages.get()]
    assert seen == [(fake.user.id, ""), (fake.user.id, f"<@{fake.bot.id}> hi bot")]


async def test_modal_submit(fake: FakeDiscord, bot: commands.Bot):
    resp = await fake.slash("feedback")
    assert resp["type"] == 9
    assert resp["data"]["custom_id"] == "feedback-modal"

    resp = await fake.submit_modal("feedback-modal", {"comment": "great bot"})
    assert resp["data"]["content"] == "got: great bot"
    with pytest.raises(AssertionError, match="no field"):
        await fake.submit_modal("feedback-modal", {"nope": "x"})


async def test_enforced_nonce_yields_one_message(fake: FakeDiscord, bot: commands.Bot):
    channel = bot.get_channel(CHANNEL_ID)

    first = await channel.send("reminder", nonce=4242)
    second = await channel.send("reminder", nonce=4242)
    other = await channel.send("reminder", nonce=4343)

    assert first.id == second.id
    assert other.id != first.id
    assert [m["nonce"] for m in fake.channel_messages(CHANNEL_ID)] == ["4242", "4343"]
    assert all(r.body["enforce_nonce"] for r in fake.requests_to("POST", CHANNEL_PATH))


async def test_injected_429_is_retried(fake: FakeDiscord, bot: commands.Bot):
    injection = fake.inject("POST", CHANNEL_PATH, 429, retry_after=0.05)

    message = await bot.get_channel(CHANNEL_ID).send("after rate limit")

    assert message.content == "after rate limit"
    assert injection.hits == 1
    assert [r.status for r in fake.requests_to("POST", CHANNEL_PATH)] == [429, 200]
    assert len(fake.channel_messages(CHANNEL_ID)) == 1


async def test_injected_429_on_interaction_webhook_is_retried(fake: FakeDiscord, bot: commands.Bot):
    injection = fake.inject("PATCH", r"/messages/@original$", 429, retry_after=0.05)

    resp = await fake.slash("slow", {"via": "edit"})

    assert resp["data"]["content"] == "done"
    assert injection.hits == 1


async def test_injected_403_raises_forbidden(fake: FakeDiscord, bot: commands.Bot):
    fake.inject("POST", CHANNEL_PATH, 403)
    with pytest.raises(discord.Forbidden) as raised:
        await bot.get_channel(CHANNEL_ID).send("nope")
    assert raised.value.code == 50013

    fake.inject("POST", CHANNEL_PATH, 403)
    resp = await fake.slash("announce")
    assert resp["data"]["content"] == "cannot post (50013)"
    assert fake.channel_messages(CHANNEL_ID) == []

    await bot.get_channel(CHANNEL_ID).send("allowed again")
    posted = await fake.wait_for_message(CHANNEL_ID, lambda m: m["content"] == "allowed again")
    assert posted["author"]["id"] == str(fake.bot.id)


async def test_rest_lookups(fake: FakeDiscord, bot: commands.Bot):
    channel = await bot.fetch_channel(CHANNEL_ID)
    assert channel.name == "general"
    guild = await bot.fetch_guild(GUILD_ID)
    assert guild.name == "Silicon Test"
    member = await guild.fetch_member(fake.user.id)
    assert member.id == fake.user.id
    assert {c.id for c in await guild.fetch_channels()} == {CATEGORY_ID, CHANNEL_ID, VOICE_ID}

    start = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    event = await bot.get_guild(GUILD_ID).create_scheduled_event(
        name="Deadline",
        start_time=start,
        end_time=start + datetime.timedelta(hours=1),
        entity_type=discord.EntityType.external,
        location="Online",
        privacy_level=discord.PrivacyLevel.guild_only,
    )
    assert event.name == "Deadline"
    assert fake.scheduled_events[GUILD_ID][0]["entity_metadata"] == {"location": "Online"}

    with pytest.raises(discord.NotFound):
        await bot.fetch_channel(1234)


async def test_unknown_route_is_a_discord_404(fake: FakeDiscord, bot: commands.Bot):
    with pytest.raises(discord.NotFound) as raised:
        await bot.http.request(Route("GET", "/no/such/route"))

    assert raised.value.code == 0
    assert raised.value.text == "404: Not Found"
    assert [r.path for r in fake.unhandled] == ["/no/such/route"]


async def test_resume_and_reidentify(fake: FakeDiscord, bot: commands.Bot):
    await fake.reconnect(resume=True)
    assert fake.gateway.resume_count == 1
    assert (await fake.slash("ping"))["data"]["content"] == "pong (en-US)"

    await fake.reconnect(resume=False)
    assert len(fake.identify_payloads) == 2
    assert (await fake.slash("ping"))["data"]["content"] == "pong (en-US)"


async def test_zlib_stream_gateway():
    async with FakeDiscord(guilds=[make_guild()], compress=True, timeout=3.0) as fake:
        with talking_to(fake):
            async with running_bot(make_bot(), fake) as client:
                assert client.get_guild(GUILD_ID) is not None
                resp = await fake.slash("ping")
                assert resp["data"]["content"] == "pong (en-US)"


async def test_waits_fail_fast_with_a_clear_message(fake: FakeDiscord, bot: commands.Bot):
    with pytest.raises(AssertionError, match=r"answer /nope"):
        await fake.slash("nope", timeout=0.2)
    with pytest.raises(AssertionError, match="no message from the bot"):
        await fake.click("missing")


async def test_wrong_token_is_rejected(fake: FakeDiscord):
    client = make_bot()
    with pytest.raises(discord.LoginFailure):
        await client.start("wrong-token")
    await client.close()
