"""The index version follows what the analysis uses as data (the lexicon, the stop words)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.answer import normalize
from bot.answer.normalize import index_version

PROJECT = Path(__file__).resolve().parents[3]


def test_a_new_lexicon_entry_or_normaliser_version_changes_the_version(monkeypatch):
    before = index_version()
    lexicon = normalize.lexicon()
    changed = lexicon.__class__(**{**lexicon.__dict__, "stop": lexicon.stop | {"zut"}})
    monkeypatch.setattr(normalize, "lexicon", lambda: changed)
    assert index_version() != before
    monkeypatch.undo()
    assert index_version() == before
    monkeypatch.setattr(normalize, "NORMALISER_VERSION", normalize.NORMALISER_VERSION + 1)
    assert index_version() != before


def test_the_version_is_the_same_in_every_process():
    script = "from bot.answer.normalize import index_version; print(index_version())"
    versions = set()
    for seed in ("0", "1", "2"):
        result = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            cwd=PROJECT,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        versions.add(result.stdout.strip())
    assert versions == {index_version()}
