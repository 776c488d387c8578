"""Cards become embeds Discord accepts, whatever their size."""

from __future__ import annotations

from bot.cards import Card, Field
from bot.embeds import clip, embed


def test_clip_cuts_on_a_word_and_marks_it():
    assert clip("short", 10) == "short"
    cut = clip("word " * 100, 50)
    assert len(cut) <= 50
    assert cut.endswith("…")
    assert "wor…" not in cut


def test_oversized_card_fits_every_embed_limit():
    card = Card(
        title="T" * 1000,
        description="D " * 5000,
        fields=[Field(f"name {n} " * 40, "value " * 400) for n in range(40)],
        footer="F" * 3000,
    )
    result = embed(card)
    data = result.to_dict()
    assert len(data["title"]) <= 256
    assert len(data["description"]) <= 4096
    assert len(data["fields"]) <= 25
    assert all(len(f["name"]) <= 256 and len(f["value"]) <= 1024 for f in data["fields"])
    assert len(data["footer"]["text"]) <= 2048
    assert len(result) <= 6000


def test_empty_parts_are_not_sent_empty():
    data = embed(Card(title="x", fields=[Field("", "")])).to_dict()
    assert data["fields"][0]["name"] and data["fields"][0]["value"]
