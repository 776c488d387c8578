"""Every command answers in English and in French, and pings nobody."""

from __future__ import annotations

import pytest

from tests.e2e.support import GUILD, assert_no_mentions, embed_text


@pytest.mark.parametrize(
    ("command", "options", "english", "french"),
    [
        ("ask", {"question": "pax silica"}, "Source", "Source"),
        ("partnership", {"name": "fr-tw-ami"}, "Themes", "Thèmes"),
        ("deadline list", {}, "Recently passed", "Récemment passées"),
        ("deadline show", {"name": "fr-tw-ami-deadline"}, "Status", "Statut"),
        ("figure", {"query": "450 million"}, "What it measures", "Ce qu'il mesure"),
        ("source", {"id": "src-fr-tw-ami"}, "Publisher", "Éditeur"),
        ("help", {}, "Commands", "Commandes"),
        ("about", {}, "What I know", "Ce que je sais"),
    ],
)
async def test_every_command_answers_in_both_languages(
    bot, fake, command, options, english, french
):
    for locale, expected in (("en-GB", english), ("fr", french)):
        response = await fake.slash(command, options, guild_id=GUILD, locale=locale)
        assert expected in embed_text(response), (command, locale)
        assert_no_mentions(response)
