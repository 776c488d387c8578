"""/partnership, /figure and /source through the fake Discord."""

from __future__ import annotations

from tests.e2e.support import GUILD, embed_text, is_ephemeral


async def test_partnership_card_in_both_languages(bot, fake):
    response = await fake.slash("partnership", {"name": "fr-tw-ami"}, guild_id=GUILD)
    text = embed_text(response)
    assert "Parties" in text and "France" in text
    assert "France 2030" in text
    assert "at least one French" in text or "French and one Taiwanese" in text
    assert "<t:" in text and ":R>" in text
    french = await fake.slash("partnership", {"name": "eppd"}, guild_id=GUILD, locale="fr")
    assert "Thèmes" in embed_text(french)
    assert "Jacob Helberg" in embed_text(french)
    missing = await fake.slash("partnership", {"name": "Mars–Venus space pact"}, guild_id=GUILD)
    assert is_ephemeral(missing)
    assert "no partnership" in missing["data"]["content"]


async def test_figure_and_source(bot, fake):
    figure = await fake.slash("figure", {"query": "credit guarantee"}, guild_id=GUILD)
    assert "USD 250 billion" in embed_text(figure)
    assert "28 January 2026" in embed_text(figure)
    source = await fake.slash("source", {"id": "src-us-tw-eppd"}, guild_id=GUILD, locale="fr")
    text = embed_text(source)
    assert "Éditeur" in text and "Faits" in text
    unknown = await fake.slash("source", {"id": "no-such-source-42"}, guild_id=GUILD)
    assert is_ephemeral(unknown)
