"""Interaction latency through the local fake Discord: INTERACTION_CREATE sent → callback received.

The bot and the fake share this process; /help, which does no lookup, is the baseline that the
other figures are compared with.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.answers import QUESTIONS, SEEDS, percentile
from bot.client import SiliconBridge
from bot.config import Settings
from fakediscord import FakeChannel, FakeDiscord, FakeGuild, running_bot

GUILD = 1_300_000_000_000_000_001
CHANNEL = 1_300_000_000_000_000_002
PREFIXES = ["", "dead", "échéa", "pax", "250", "semi", "taiw", "consortium", "cab", "fr"]


async def _timed(call) -> float:
    start = time.perf_counter()
    await call
    return (time.perf_counter() - start) * 1000


def settings_for(fake: FakeDiscord, folder: Path, guild_id: int = GUILD) -> Settings:
    """The bot's settings against the fake Discord, with a database in ``folder``."""
    return Settings(
        token=fake.token,
        database=folder / "bench.sqlite3",
        seeds_dir=SEEDS,
        api_base=fake.api_base,
        dev_guild_id=guild_id,
    )


async def run(count: int = 1000, in_flight: int = 50, emit: Callable[[str], None] = print) -> None:
    rng = random.Random(7)
    guild = FakeGuild(name="Bench", id=GUILD, channels=[FakeChannel("general", id=CHANNEL)])
    emit("interaction → callback (ms)   p50      p99      p50 / baseline")
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeDiscord(guilds=[guild], timeout=30.0, settle=0) as fake:
            bot = SiliconBridge(settings_for(fake, Path(tmp)), guild_ready_timeout=0.05)
            async with running_bot(bot, fake):
                results = {}
                runs = {
                    "baseline /help": lambda: fake.slash("help", guild_id=GUILD),
                    "/ask": lambda: fake.slash(
                        "ask",
                        {"question": rng.choice(QUESTIONS)[:500]},
                        guild_id=GUILD,
                        channel_id=CHANNEL,
                    ),
                    "autocomplete /ask": lambda: fake.autocomplete(
                        "ask", {"question": rng.choice(PREFIXES)}, guild_id=GUILD
                    ),
                    "autocomplete /figure": lambda: fake.autocomplete(
                        "figure", {"query": rng.choice(PREFIXES)}, guild_id=GUILD
                    ),
                }
                for label, make in runs.items():
                    for _ in range(20):  # warm up
                        await make()
                    results[label] = [await _timed(make()) for _ in range(count)]
                baseline = statistics.median(results["baseline /help"])
                for label, timings in results.items():
                    p50, p99 = statistics.median(timings), percentile(timings, 99)
                    emit(f"{label:<28} {p50:>6.2f}   {p99:>6.2f}   {p50 / baseline:>6.2f}x")
                start = time.perf_counter()
                for _ in range(count // in_flight):
                    await asyncio.gather(*(runs["/ask"]() for _ in range(in_flight)))
                elapsed = time.perf_counter() - start
                done = (count // in_flight) * in_flight
                emit(f"throughput, {in_flight} /ask in flight: {done / elapsed:.0f} interactions/s")
