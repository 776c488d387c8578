"""Answer latency on the seed store and on synthetic stores, beside a plain difflib matcher.

The difflib matcher runs in the same process over the same names, so the ratio between the two
holds on a noisy shared machine even when the absolute numbers move. Each question is also asked
again by fresh engines (their caches empty, as the first one's were) and its fastest time kept:
on a shared machine another tenant's work lands on a few questions of each pass, seldom on the
same question in every pass, so the fastest of ROUNDS is the engine's own time. Each pass's own
p99 is printed too: every pass is a fresh engine's first, and how far they spread shows how much
of one pass's p99 is the machine's.
"""

from __future__ import annotations

import difflib
import itertools
import random
import resource
import statistics
import tempfile
import time
import tomllib
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from bot import collector
from bot.answer import memory, model
from bot.answer.engine import AnswerEngine, index_for
from bot.answer.normalize import common_words, lexicon
from bot.knowledge import load_seeds
from store import items as items_sql
from store import seed
from store.db import Store
from store.items import FigureDetails, Item

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "seeds"
QUESTIONS = [
    q["q"]
    for q in tomllib.loads(
        (PROJECT / "tests" / "questions" / "dev.toml").read_text(encoding="utf-8")
    )["question"]
]
ROUNDS = 3  # passes over the questions, each by a fresh engine; a question's fastest counts
SYLLABLES = (
    "ba be bi bo da de di do fa fe fi ka ke ki ko la le li lo ma me mi mo na ne ni no "
    "pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi vo za ze zi zo".split()
)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def synthetic_items(count: int, rng: random.Random) -> list[Item]:
    """Facts and figures with made-up words drawn from a Zipf-like vocabulary."""
    vocabulary = [_word(rng) for _ in range(max(2000, count // 2))]
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocabulary))))

    def words(n: int) -> str:
        return " ".join(rng.choices(vocabulary, cum_weights=cumulative, k=n))

    made = []
    for n in range(count):
        title = words(rng.randint(3, 6))
        common = dict(
            id=f"synthetic-{n}",
            title_fr=title,
            title_en=title,
            text_fr=words(30),
            text_en=words(30),
            aliases=(words(2), words(3)),
            keywords=(words(1), words(2)),
            origin="seed",
        )
        if n % 10 == 0:
            made.append(
                Item(
                    kind="figure",
                    figure=FigureDetails(
                        value=rng.randint(1, 1000),
                        unit="count",
                        unit_fr="x",
                        unit_en="x",
                        qualifier="exact",
                        measures_fr=words(5),
                        measures_en=words(5),
                    ),
                    **common,
                )
            )
        else:
            made.append(Item(kind="fact", category="context", **common))
    return made


def synthetic_questions(items: list[Item], count: int, rng: random.Random) -> list[str]:
    """Questions on synthetic items (a name with a typo, or words of the text) and seed ones."""
    asked = []
    for _ in range(count):
        if rng.random() < 0.3:
            asked.append(rng.choice(QUESTIONS))
            continue
        item = rng.choice(items)
        text = rng.choice([item.title_en, *item.aliases, " ".join(item.text_en.split()[:5])])
        if rng.random() < 0.3 and len(text) > 4:
            at = rng.randrange(len(text))
            text = text[:at] + text[at + 1 :]
        asked.append(f"what about {text}?")
    return asked


async def _time_engine(engine: AnswerEngine, questions: list[str]) -> list[float]:
    timings = []
    for question in questions:
        start = time.perf_counter()
        await engine.ask(question)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def _time_difflib(names: list[str], questions: list[str]) -> list[float]:
    timings = []
    for question in questions:
        start = time.perf_counter()
        difflib.get_close_matches(question.lower(), names, n=4, cutoff=0.3)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


async def run(
    sizes: tuple[int, ...] = (10_000, 100_000),
    asks: int = 1000,
    emit: Callable[[str], None] = print,
) -> None:
    rng = random.Random(20261123)
    emit(
        f"answer latency (ms)         engine p50   engine p99  engine p99.9   "
        f"best of {ROUNDS}: p50    p99   difflib p50   difflib p99   p50 ratio   p99 ratio"
    )
    seed_items = seed.read(SEEDS).items
    stores: list[tuple[str, list[Item]]] = [("seed store", [])]
    stores += [(f"{size:,} facts", synthetic_items(size, rng)) for size in sizes]
    heaps: list[tuple[str, int, int]] = []
    each: list[tuple[str, list[float]]] = []  # every pass's p99: a fresh engine's first pass each
    for label, extra in stores:
        with tempfile.TemporaryDirectory() as tmp:
            async with Store.open(Path(tmp) / "bench.sqlite3") as store:
                await load_seeds(store, SEEDS)
                for start in range(0, len(extra), 5000):
                    chunk = extra[start : start + 5000]
                    async with store.transaction() as conn:
                        await items_sql.upsert_many(conn, [(i, index_for(i)) for i in chunk])
                everything = seed_items + extra
                questions = (
                    synthetic_questions(extra, asks, rng) if extra else (QUESTIONS * 10)[:asks]
                )
                engine = AnswerEngine(store)
                await engine.warm()
                collector.settle()  # as the bot's process does once it has started
                names = [
                    n.lower() for i in everything for n in (i.title_en, i.title_fr, *i.aliases)
                ]
                ours = await _time_engine(engine, questions)
                passes = [ours]
                for _ in range(ROUNDS - 1):
                    again = AnswerEngine(store)
                    await again.warm()
                    passes.append(await _time_engine(again, questions))
                fastest = [min(times) for times in zip(*passes, strict=True)]
                each.append((label, [percentile(times, 99) for times in passes]))
                # difflib is slow on big stores: it answers a sample of the same questions.
                sample = questions[: max(20, min(len(questions), 200_000 // max(len(names), 1)))]
                theirs = _time_difflib(names, sample)
                # The engine's memory (not the store building's), once warm and once it has
                # answered every question: what its caches hold in a long run. Traced apart, on
                # an engine of its own, since tracing slows every step; the word lists, lexicon
                # and examples it shares with other engines are read again to be counted.
                for shared in (common_words, lexicon, memory.load, model.load):
                    shared.cache_clear()
                tracemalloc.start()
                traced = AnswerEngine(store)
                await traced.warm()
                warm_heap, _ = tracemalloc.get_traced_memory()
                for question in questions:
                    await traced.ask(question)
                asked_heap, _ = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                heaps.append((label, warm_heap, asked_heap))
        p50, p99 = statistics.median(ours), percentile(ours, 99)
        d50, d99 = statistics.median(theirs), percentile(theirs, 99)
        p999 = percentile(ours, 99.9)
        b50, b99 = statistics.median(fastest), percentile(fastest, 99)
        emit(
            f"{label:<26} {p50:>10.2f}   {p99:>10.2f}   {p999:>11.2f}   {b50:>14.2f} {b99:>6.2f}"
            f"   {d50:>11.2f}   {d99:>11.2f}   {d50 / p50:>8.0f}x   {d99 / p99:>8.0f}x"
        )
    for label, p99s in each:
        emit(
            f"p99 of each fresh engine's pass, {label}: "
            + ", ".join(f"{p:.2f}" for p in p99s)
            + f" (median {statistics.median(p99s):.2f})"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    emit(f"peak memory: {rss:.0f} MiB resident")
    for label, warm_heap, asked_heap in heaps:
        emit(
            f"engine caches, {label}: {warm_heap / 2**20:.1f} MiB warm, "
            f"{asked_heap / 2**20:.1f} MiB after {asks} questions"
        )
