"""The index version follows what the normaliser uses as data, not the text of its source."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from bot.answer import normalize, vocabulary
from bot.answer.normalize import index_version, tables_digest

PROJECT = Path(__file__).resolve().parent.parent


def _vocabulary_rewritten(tmp_path: Path, change: Callable[[str], str]) -> ModuleType:
    """vocabulary.py with its source edited by ``change``, loaded as a module of its own."""
    source = Path(vocabulary.__file__).read_text(encoding="utf-8")
    edited = change(source)
    assert edited != source
    path = tmp_path / "vocabulary.py"
    path.write_text(edited, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(vocabulary.__name__, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_comments_and_docstrings_leave_the_version_as_it_was(tmp_path):
    def reword(source: str) -> str:
        source = source.replace('"""Word lists', '"""The word lists', 1)
        source = source.replace("# deadline\n", "# deadline, in both languages\n", 1)
        return "# A comment on top.\n" + source.replace("\n\n\n", "\n\n\n# Between tables.\n")

    assert tables_digest(_vocabulary_rewritten(tmp_path, reword), normalize) == index_version()


def test_a_new_synonym_changes_the_version(tmp_path):
    def add(source: str) -> str:
        return source.replace(
            '"echeance": "deadline",', '"jalon": "deadline", "echeance": "deadline",'
        )

    assert tables_digest(_vocabulary_rewritten(tmp_path, add), normalize) != index_version()


def test_a_new_stop_word_or_a_new_normaliser_version_changes_the_version(monkeypatch):
    before = index_version()
    monkeypatch.setattr(vocabulary, "STOP_WORDS", vocabulary.STOP_WORDS | {"zut"})
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
