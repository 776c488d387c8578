"""The search runs on the loop's thread (``store.quick``) while the question is compared with the
examples in their own thread: answers are those of one question at a time, whichever way the
reads go, and nothing of a question outlives it."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from bot.answer import memory
from bot.answer.engine import QUICK_HIDDEN, AnswerEngine, _Vocabulary, quickly
from bot.knowledge import load_seeds
from store import search as search_sql
from store.db import QuickReader, Store
from tests.support import SEEDS, TODAY

QUESTIONS = [
    "when does the France-Taiwan call close?",
    "combien Taïwan investit aux États-Unis ?",
    "who led the US-Taiwan talks?",
    "how much do US companies invest in Taiwan?",
    "what is the weather in Paris?",
    "quel est le thème prioritaire de l'EPPD ?",
]


async def test_an_answer_never_waits_for_the_readers_thread(seeded, monkeypatch):
    """Once warm, a question is searched and its answer read on the loop's thread: the reader's
    thread, busy elsewhere (a long listing, a lock), holds no answer up."""
    engine = AnswerEngine(seeded, clock=lambda: TODAY)
    await engine.warm()

    async def elsewhere(*args, **kwargs):
        raise AssertionError("a question waited for the reader's thread")

    monkeypatch.setattr(seeded.reader, "execute_fetchall", elsewhere)
    answer = await engine.ask("when does the France-Taiwan call close?")
    assert answer.answered and answer.item.id == "fr-tw-ami-deadline"


async def test_an_in_memory_store_answers_as_a_file_store(seeded):
    """In memory, every read goes through the one connection there is; the answers are the
    same."""
    on_file = AnswerEngine(seeded, clock=lambda: TODAY)
    async with Store.open(":memory:") as in_memory:
        await load_seeds(in_memory, SEEDS)
        engine = AnswerEngine(in_memory, clock=lambda: TODAY)
        for question in QUESTIONS:
            expected = (await on_file.ask(question)).as_dict()
            assert (await engine.ask(question)).as_dict() == expected, question


async def test_questions_read_through_the_readers_thread_at_once_are_answered_one_by_one(seeded):
    """When the quick reads go to the reader's thread (a lock, or in memory), questions asked
    at once interleave at each read, and their comparisons queue in the examples' thread: each
    gets the answer it gets alone."""
    alone = AnswerEngine(seeded, clock=lambda: TODAY)
    expected = {q: (await alone.ask(q)).as_dict() for q in QUESTIONS}
    seeded.quick = QuickReader(seeded.reader, None)
    engine = AnswerEngine(seeded, clock=lambda: TODAY)
    found = await asyncio.gather(*(engine.ask(q) for q in QUESTIONS * 4))
    for question, answer in zip(QUESTIONS * 4, found, strict=True):
        assert answer.as_dict() == expected[question], question


async def test_a_failed_search_ends_its_question_with_no_comparison_running(seeded, monkeypatch):
    """The search fails (a corrupt index) while the comparison waits for its thread or runs
    there: the question fails, its comparison either never started or over, so that nothing of
    it runs on beside the next question."""
    engine = AnswerEngine(seeded, clock=lambda: TODAY)
    await engine.warm()
    started, compared = threading.Event(), threading.Event()
    real = memory.Memory.closeness

    def slow(self, *args, **kwargs):
        started.set()
        time.sleep(0.2)
        found = real(self, *args, **kwargs)
        compared.set()
        return found

    async def corrupt(*args, **kwargs):
        started.wait(1.0)  # the comparison runs by now
        raise RuntimeError("database disk image is malformed")

    monkeypatch.setattr(memory.Memory, "closeness", slow)
    monkeypatch.setattr(search_sql, "candidates", corrupt)
    with pytest.raises(RuntimeError, match="malformed"):
        await engine.ask("when does the France-Taiwan call close?")
    assert started.is_set() and compared.is_set()


async def test_a_comparison_that_fails_fails_its_question_and_not_the_next(seeded, monkeypatch):
    """An error in the examples' thread reaches the question that asked, as if it ran here; the
    thread goes on serving the next question."""
    engine = AnswerEngine(seeded, clock=lambda: TODAY)
    await engine.warm()
    real = memory.Memory.closeness
    calls = []

    def fails_once(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise MemoryError("no room for the comparison")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(memory.Memory, "closeness", fails_once)
    with pytest.raises(MemoryError):
        await engine.ask("when does the France-Taiwan call close?")
    answer = await engine.ask("when does the France-Taiwan call close?")
    assert answer.answered and answer.item.id == "fr-tw-ami-deadline"


def test_a_search_stays_on_the_loop_only_while_it_is_short():
    """The loop's own thread takes a search that meets few items the server does not see and
    stops soon; one that would pass over thousands of other servers' items, or step through
    every match for a kind, goes to the reader's thread."""
    vocab = _Vocabulary(100, {"chip": 40, "fab": 3})
    vocab.hidden = {"chip": QUICK_HIDDEN, "fab": 5}
    assert quickly(["chip"], True, None, vocab)
    assert not quickly(["chip", "fab"], True, None, vocab)  # QUICK_HIDDEN + 5 others' items
    vocab.own = {"fab": 5}  # the five are this server's own: it sees them
    assert quickly(["chip", "fab"], True, None, vocab)
    assert quickly(["chip"], False, None, vocab)  # the first matches: it stops at the limit
    assert not quickly(["chip"], False, "deadline", vocab)  # every match, until 20 deadlines
    assert quickly(["chip"], True, "deadline", vocab)  # ranked: within the budget
