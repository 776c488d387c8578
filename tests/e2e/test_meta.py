"""/help, /about and the owner-only /sync through the fake Discord."""

from __future__ import annotations

from fakediscord import Perm
from tests.e2e.support import GUILD, embed_text, is_ephemeral


async def test_help_and_about_are_ephemeral(bot, fake):
    help_ = await fake.slash("help", guild_id=GUILD, locale="fr")
    assert is_ephemeral(help_) and "/question" in embed_text(help_)
    about = await fake.slash("about", guild_id=GUILD)
    assert is_ephemeral(about)
    assert "Facts: 55" in embed_text(about)


async def test_sync_is_refused_to_a_non_owner(bot, fake):
    response = await fake.slash("sync", guild_id=GUILD, permissions=Perm.ALL)
    assert is_ephemeral(response)
    assert "owner" in response["data"]["content"]
