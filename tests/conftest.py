"""Fixtures for every folder: a real SQLite store in a temporary directory, seeded or empty, and a
clock the test moves. The end-to-end and fake-Discord folders add their own in their conftest.py.
"""

from __future__ import annotations

import functools
import shutil
import types
from pathlib import Path

import pytest

from bot.answer import memory
from bot.answer.engine import AnswerEngine
from bot.knowledge import load_seeds
from store.db import Store
from tests.support import SEEDS, TODAY, Clock


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files marked ``longest`` first (a stable sort keeps the rest in order): with two
    workers (`make test` runs without reordering by size), one starts on the refit at once while
    the other takes the rest, instead of the refit starting last and running alone."""
    items.sort(key=lambda item: item.get_closest_marker("longest") is None)


@pytest.fixture
def examples_file(tmp_path, monkeypatch):
    """examples.jsonl read by memory.load() from a folder the test writes, with a fresh cache."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setattr(memory, "resources", types.SimpleNamespace(files=lambda package: folder))
    monkeypatch.setattr(memory, "load", functools.cache(memory.load.__wrapped__))
    return folder / memory.FILE


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A private copy of the seed files that a test may break."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
async def store(tmp_path: Path):
    async with Store.open(tmp_path / "test.sqlite3") as opened:
        yield opened


@pytest.fixture
async def seeded(store: Store) -> Store:
    await load_seeds(store, SEEDS)
    return store


@pytest.fixture
async def engine(seeded: Store) -> AnswerEngine:
    return AnswerEngine(seeded, clock=lambda: TODAY)


@pytest.fixture
def clock() -> Clock:
    return Clock()
