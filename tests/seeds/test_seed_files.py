"""The files in seeds/: valid, in both languages, and faithful to the source documents they cite."""

from __future__ import annotations

import re

import pytest

from store import seed
from tests.support import PROJECT, SEEDS

# The source documents sit in shared/seeds beside the checkout (a worktree may be deeper).
SOURCE_DOCUMENTS = next(
    (
        folder / "shared" / "seeds"
        for folder in PROJECT.parents
        if (folder / "shared" / "seeds").is_dir()
    ),
    PROJECT.parent / "shared" / "seeds",
)


def test_every_seed_file_is_valid():
    seeds = seed.read(SEEDS)
    assert len(seeds.sources) == 2
    kinds = {item.kind for item in seeds.items}
    assert kinds == {"partnership", "deadline", "figure", "fact"}


def test_every_item_has_both_languages_and_terms():
    for item in seed.read(SEEDS).items:
        assert item.title_fr and item.title_en and item.text_fr and item.text_en, item.id
        assert item.text_fr != item.text_en, item.id
        assert item.aliases or item.keywords, item.id


@pytest.mark.skipif(not SOURCE_DOCUMENTS.is_dir(), reason="source documents not beside the project")
def test_locators_point_into_the_source_documents():
    seeds = seed.read(SEEDS)
    documents = {s.id: (SOURCE_DOCUMENTS / s.document) for s in seeds.sources}
    paragraphs = {
        sid: [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        for sid, path in documents.items()
    }
    for item in seeds.items:
        lines = paragraphs[item.source_id]
        assert 1 <= item.paragraph <= len(lines), item.id
        if item.quote:
            assert item.quote in lines[item.paragraph - 1], item.id


@pytest.mark.skipif(not SOURCE_DOCUMENTS.is_dir(), reason="source documents not beside the project")
def test_no_sentence_is_copied_from_the_sources():
    text = " ".join(p.read_text(encoding="utf-8") for p in SOURCE_DOCUMENTS.glob("*.txt"))
    sentences = [s.strip() for s in re.split(r"[.!?]\s", text) if len(s.split()) >= 12]
    for item in seed.read(SEEDS).items:
        for sentence in sentences:
            assert sentence not in item.text_fr, item.id
