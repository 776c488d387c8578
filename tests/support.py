"""What several test folders share and is not a fixture: where things are, the fixed date, a
clock, a deadline form, servers with deadlines of their own, and ways to wait for the scheduler
or for tasks called off rather than sleep.

Fixtures live in conftest.py files; tests import helpers from here, never from a conftest.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import subprocess
import sys
import threading
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer import memory
from bot.answer.engine import AnswerEngine, index_for
from bot.answer.features import RANK_FEATURES
from bot.knowledge import Knowledge
from bot.reminders.scheduler import ReminderScheduler
from bot.reminders.service import DeadlineForm, ReminderService
from store import items as items_sql
from store.db import Store
from store.items import Item, admin_deadline

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "seeds"
#: Noon UTC on a day after the seed deadline (15 May 2025) and before the reminders tests' ones.
TODAY = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
#: Seconds a test waits for something before it fails.
WAIT = 5.0


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = TODAY) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def edit_seed(seeds_dir: Path, old: str, new: str, name: str = "fr-tw-ami.toml") -> None:
    """Replace the first ``old`` of a seed file (in a copy of the seeds) with ``new``."""
    path = seeds_dir / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def deadline_form(when: str, **changes: str) -> DeadlineForm:
    """What an admin types in the deadline form, linked to the France–Taiwan call."""
    fields = {
        "title_fr": "Dépôt du dossier",
        "title_en": "File the application",
        "when": when,
        "timezone": "Europe/Paris",
        "link": "fr-tw-ami",
    }
    fields.update(changes)
    return DeadlineForm(**fields)


# A deadline of one server's own, in no seed and linked to nothing: its words are its alone.
ZORBLAX = {
    "title_en": "Zorblax summit registration",
    "title_fr": "Inscription au sommet Zorblax",
    "link": "",
}


class SchedulerPasses:
    """Counts the passes of a running scheduler, so a test waits for one instead of sleeping.

    It wraps ``dispatch`` on that one scheduler object; the loop calls it once per pass, and the
    pass is over when the sends it started are. ``await passes.wake()`` wakes the scheduler and
    returns how many reminders the first pass that began after the wake-up handled: that pass
    saw every change made before.
    """

    def __init__(self, scheduler: ReminderScheduler) -> None:
        self.scheduler = scheduler
        self.started = 0
        self._handled: dict[int, int | BaseException] = {}
        self._finished = asyncio.Event()
        self._dispatch = scheduler.dispatch
        self._watchers: set[asyncio.Task] = set()
        scheduler.dispatch = self._counted  # type: ignore[method-assign]

    async def _counted(self):
        self.started += 1
        number = self.started
        try:
            dispatched = await self._dispatch()
        except BaseException as exc:
            self._handled[number] = exc
            self._finished.set()
            raise
        watcher = asyncio.create_task(self._finish(number, dispatched))
        self._watchers.add(watcher)
        watcher.add_done_callback(self._watchers.discard)
        return dispatched

    async def _finish(self, number: int, dispatched) -> None:
        if dispatched.tasks:
            await asyncio.wait(dispatched.tasks)
        self._handled[number] = dispatched.handled
        self._finished.set()

    async def after(self, started: int) -> int:
        """What the first pass numbered above ``started`` handled, once it is over."""
        try:
            async with asyncio.timeout(WAIT):
                while started + 1 not in self._handled:
                    self._finished.clear()
                    await self._finished.wait()
        except TimeoutError:
            raise AssertionError(f"the scheduler made no pass within {WAIT:g}s") from None
        result = self._handled[started + 1]
        if isinstance(result, BaseException):
            raise AssertionError("the scheduler's pass failed") from result
        return result

    async def wake(self) -> int:
        started = self.started
        self.scheduler.wake()
        return await self.after(started)


async def eventually(condition: Callable[[], Awaitable[object]], what: str):
    """Poll ``condition`` until it returns something true, and return that; AssertionError
    naming ``what`` after WAIT seconds."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + WAIT
    while not (result := await condition()):
        if loop.time() >= give_up:
            raise AssertionError(f"not true after {WAIT:g}s: {what}")
        await asyncio.sleep(0.01)
    return result


async def servers_with_a_meeting_each(store: Store, first: int, count: int) -> list[int]:
    """Servers ``first``, ``first + 1``, … each with a club meeting deadline of its own."""
    servers = list(range(first, first + count))
    own = [
        admin_deadline(
            f"admin-{guild}-meeting",
            guild,
            f"Réunion du club {guild}",
            f"Club meeting {guild}",
            TODAY + timedelta(days=20),
        )
        for guild in servers
    ]
    async with store.transaction() as conn:
        await items_sql.upsert_many(conn, [(item, index_for(item)) for item in own])
    return servers


def other_tasks() -> set[asyncio.Task]:
    return {task for task in asyncio.all_tasks() if task is not asyncio.current_task()}


async def settled(before: set[asyncio.Task]) -> set[asyncio.Task]:
    """The tasks running, once those called off have had a few turns of the loop to end."""
    for _ in range(20):
        if other_tasks() == before:
            break
        await asyncio.sleep(0)
    return other_tasks()


def read_otherwise(stored: memory.Memory, now: memory.Memory) -> list[str]:
    """The examples whose stored reading is not what the analysis reads now."""
    return [
        example.text
        for example, kept, read in zip(now.examples, stored.readings, now.readings, strict=True)
        if kept != read
    ]


def assert_probabilities(found: tuple[dict[str, float], dict[str, float], float]) -> None:
    """What naive Bayes gives (``Memory.likelihoods``) is probabilities: finite, in [0, 1], the
    items' and the out-of-scope one summing to 1 where there are any; nearness in [0, 1]."""
    likely, behind, outside = found
    values = [*likely.values(), outside]
    assert all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in values), found
    assert all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in behind.values()), found
    assert set(behind) == set(likely)
    if likely or outside:
        assert sum(values) == pytest.approx(1.0), found


def loaded_at_once() -> list[memory.Memory]:
    """The shipped examples (as ``memory.load`` finds them) loaded by two threads at once."""
    start = threading.Barrier(2)
    loaded: list[memory.Memory] = []

    def load() -> None:
        start.wait()
        loaded.append(memory.load.__wrapped__())

    threads = [threading.Thread(target=load) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(loaded) == 2
    return loaded


def jsonl(entries: Iterable[dict]) -> str:
    """An examples file (``memory.FILE``) holding these objects, one a line, written as
    ``memory.as_jsonl`` writes them: letters as they are, a newline in a text escaped."""
    return "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in entries)


def entries_of(text: str) -> list[dict]:
    """The objects an examples file holds, one a line (its header first, where it has one);
    lines split on newlines only, as ``memory.parse`` splits them."""
    return [json.loads(line) for line in text.split("\n") if line.strip()]


async def features_of(
    engine: AnswerEngine, question: str, item_id: str, *, guild_id: int | None = None
) -> dict[str, float]:
    """The ranking features of one of a question's candidates, by name."""
    _, rows = await engine.candidates(question, guild_id=guild_id)
    (row,) = [row for cand, row in rows if cand.item_id == item_id]
    return dict(zip(RANK_FEATURES, row, strict=True))


ANSWER_KEYS = {"question", "answered", "lang", "text", "confidence", "matches", "sources"}


def ask_json(lines: list[str], database: Path) -> subprocess.CompletedProcess:
    """`python -m bot ask --json -` answering one question per line, without a token."""
    environ = {**os.environ, "DATABASE_PATH": str(database)}
    environ.pop("DISCORD_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "-"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        cwd=PROJECT,
        env=environ,
        check=False,
    )


def json_answers(done: subprocess.CompletedProcess, lines: list[str]) -> list[dict]:
    """The answers `ask --json -` printed, once checked against its contract: no error, one
    object per question, the keys it always had, the question as typed."""
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    printed = done.stdout.splitlines()
    assert len(printed) == len(lines)
    answers = [json.loads(line) for line in printed]
    for answer, question in zip(answers, lines, strict=True):
        assert set(answer) == ANSWER_KEYS
        assert answer["question"] == question
        assert all(set(match) == {"id", "kind", "title", "score"} for match in answer["matches"])
    return answers


def seen(answer) -> tuple:
    """What the user is shown, for an assertion's message."""
    return (
        answer.question,
        answer.item.id if answer.answered else None,
        round(answer.confidence, 2),
        [(m.item_id, round(m.score, 2)) for m in answer.matches],
    )


async def server_with_deadline(
    store: Store, guild_id: int, admin_id: int, **fields: str
) -> tuple[Knowledge, ReminderService, Item]:
    """A server whose admin added one deadline through the deadline form (``fields``: the form's,
    due 2026-12-24 18:00 unless ``when`` says otherwise), and what answers its members."""
    knowledge = Knowledge(store, clock=Clock())
    service = ReminderService(store, knowledge, clock=knowledge.clock)
    form = deadline_form(fields.pop("when", "2026-12-24 18:00"), **fields)
    return knowledge, service, await service.add_deadline(guild_id, admin_id, form)
