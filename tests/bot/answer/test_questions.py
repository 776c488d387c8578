"""The question set: realistic questions with the items that answer them, and the accuracy bars."""

from __future__ import annotations

import asyncio
import tomllib
from pathlib import Path

import pytest

from bot.answer.engine import AnswerEngine
from bot.knowledge import load_seeds
from store import seed
from store.db import Store
from tests.support import PROJECT, SEEDS, TODAY

QUESTIONS = tomllib.loads((PROJECT / "tests" / "questions.toml").read_text(encoding="utf-8"))[
    "question"
]
ANSWERABLE = [q for q in QUESTIONS if q["expect"]]
OUT_OF_SCOPE = [q for q in QUESTIONS if not q["expect"]]

ANSWERED_RIGHT_BAR = 0.97
REFUSED_BAR = 0.95
LANGUAGE_BAR = 0.95


def test_the_question_set_is_big_and_balanced():
    assert len(QUESTIONS) >= 150
    french = sum(q["lang"] == "fr" for q in QUESTIONS)
    assert abs(french - (len(QUESTIONS) - french)) <= len(QUESTIONS) * 0.1
    assert len(OUT_OF_SCOPE) >= 25
    known = {item.id for item in seed.read(SEEDS).items}
    for question in ANSWERABLE:
        assert set(question["expect"]) <= known, question["q"]


async def _ask_all(path: Path) -> list:
    async with Store.open(path) as store:
        await load_seeds(store, SEEDS)
        engine = AnswerEngine(store, clock=lambda: TODAY)
        return [(q, await engine.ask(q["q"])) for q in QUESTIONS]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """Every question asked once against a freshly seeded store."""
    return asyncio.run(_ask_all(tmp_path_factory.mktemp("questions") / "q.sqlite3"))


def _report(failures: list[str]) -> str:
    return "\n".join(failures[:40])


def test_answerable_questions_get_the_right_item(results):
    failures = []
    right = 0
    for question, answer in results:
        if not question["expect"]:
            continue
        if answer.answered and answer.item.id in question["expect"]:
            right += 1
        else:
            got = answer.item.id if answer.answered else f"refused ({answer.confidence:.2f})"
            failures.append(f"{question['q']!r}: got {got}, expected {question['expect']}")
    rate = right / len(ANSWERABLE)
    print(f"answered right: {right}/{len(ANSWERABLE)} = {rate:.1%}")
    assert rate >= ANSWERED_RIGHT_BAR, _report(failures)


def test_out_of_scope_questions_are_refused(results):
    failures = [
        f"{question['q'][:80]!r}: answered with {answer.item.id} ({answer.confidence:.2f})"
        for question, answer in results
        if not question["expect"] and answer.answered
    ]
    rate = 1 - len(failures) / len(OUT_OF_SCOPE)
    print(f"refused: {len(OUT_OF_SCOPE) - len(failures)}/{len(OUT_OF_SCOPE)} = {rate:.1%}")
    assert rate >= REFUSED_BAR, _report(failures)


def test_answers_come_in_the_askers_language(results):
    wrong = [q["q"] for q, answer in results if answer.lang != q["lang"]]
    assert 1 - len(wrong) / len(results) >= LANGUAGE_BAR, _report(wrong)


def test_every_answer_names_its_source(results):
    for question, answer in results:
        if answer.answered:
            assert "Source" in answer.text.splitlines()[-1], question["q"]
