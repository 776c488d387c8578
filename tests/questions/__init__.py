"""The question sets: ``dev`` (studied and tuned on) and ``test`` (frozen, written blind).

Both load as ``Question`` lists with the item ids that answer each. The test set names facts of
its own catalogue; ``answers.toml`` maps those facts to items, so the questions were never written
against the seeds.
"""

from __future__ import annotations

import tempfile
import tomllib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.answer.engine import AnswerEngine
from bot.knowledge import load_seeds
from store.db import Store
from tests.support import SEEDS, TODAY

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Question:
    text: str
    lang: str
    kind: str  # for the test set: paraphrase, direction, typo, …, out_of_scope
    expect: frozenset[str]  # item ids that answer it; empty: out of scope
    unmapped: bool = False  # it names facts that no seed item states
    batch: str = ""  # the file it comes from: one writer's questions, often alike


def _load(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def dev() -> list[Question]:
    """Everything we may study and train on: ``dev.toml`` (questions with the items that answer
    them) and the batches of ``train/`` (written from the source documents, naming facts)."""
    own = [
        Question(q["q"], q["lang"], "dev", frozenset(q["expect"]), batch="dev")
        for q in _load(HERE / "dev.toml")["question"]
    ]
    return own + _by_facts(sorted((HERE / "train").glob("*.toml")))


def test_batches() -> list[Path]:
    """The test set's question files: the first batch, then each fresh blind batch added after
    a decision used the set (``questions-2.toml``, …)."""
    return sorted((HERE / "test").glob("questions*.toml"))


def batch_number(path: Path) -> int:
    """1 for ``questions.toml``, N for ``questions-N.toml``."""
    _, _, number = path.stem.partition("-")
    return int(number or 1)


def test() -> list[Question]:
    return _by_facts(test_batches())


def batches(numbers: set[int]) -> list[Question]:
    """The test set's batches with these numbers only."""
    return _by_facts([p for p in test_batches() if batch_number(p) in numbers])


def _by_facts(paths: list[Path]) -> list[Question]:
    """Questions that name facts of ``test/facts.toml``, with the items ``answers.toml`` maps
    those facts to."""
    items = {f["key"]: f["items"] for f in _load(HERE / "test" / "answers.toml")["fact"]}
    questions = []
    for path in paths:
        for q in _load(path)["question"]:
            expect = frozenset(i for key in q["facts"] for i in items[key])
            unmapped = bool(q["facts"]) and not expect
            questions.append(Question(q["q"], q["lang"], q["kind"], expect, unmapped, path.stem))
    return questions


@asynccontextmanager
async def seeded_engine(**options: Any) -> AsyncIterator[AnswerEngine]:
    """The answer engine on a fresh store loaded with the seeds, as the bot loads them;
    ``options`` go to AnswerEngine (another model, other examples)."""
    with tempfile.TemporaryDirectory() as tmp:
        async with Store.open(Path(tmp) / "questions.sqlite3") as store:
            await load_seeds(store, SEEDS)
            yield AnswerEngine(store, clock=lambda: TODAY, **options)
