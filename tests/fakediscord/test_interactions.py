"""The fake's interactions, driven by a minimal discord.py bot: commands, options, deferrals,
autocomplete, components, modals, DMs, permissions, files."""

from __future__ import annotations

import discord
import pytest
from discord.ext import commands

from fakediscord import FakeDiscord, Perm
from tests.fakediscord.sample_bot import CHANNEL_ID, GUILD_ID, MOD_ROLE_ID


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


async def test_modal_submit(fake: FakeDiscord, bot: commands.Bot):
    resp = await fake.slash("feedback")
    assert resp["type"] == 9
    assert resp["data"]["custom_id"] == "feedback-modal"

    resp = await fake.submit_modal("feedback-modal", {"comment": "great bot"})
    assert resp["data"]["content"] == "got: great bot"
    with pytest.raises(AssertionError, match="no field"):
        await fake.submit_modal("feedback-modal", {"nope": "x"})
