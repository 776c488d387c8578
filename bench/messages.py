"""Questions asked in channels, through the local fake Discord (the bot and the fake share this
process, so every figure includes the fake's side of the socket too).

- Latency: MESSAGE_CREATE sent → the reply's POST received, for questions that mention the bot.
  Beside it, from the same run: the same questions through /ask (INTERACTION_CREATE → callback)
  and the answer engine alone.
- CPU per ignored message: chit-chat written in a busy Q&A channel, which the bot reads and lets
  pass. Beside it, from the same run: the same messages in a channel that is not a Q&A channel,
  which the bot drops at once (what discord.py and the fake cost without the bot's decision).

What the earlier benchmarks of ``make bench`` left in this process is frozen out of the garbage
collector first (``gc.freeze``), so that the collections during these figures walk the bot's
objects, as they would in the bot's own process, and not those leftovers.

The questions come one after the other from 50 members; the bot's clock moves ten seconds with
each of them, so that its rate limits (which the messages would otherwise trip) stay out of the
figures. Nothing else in the bot reads that clock here: reminders are off.
"""

from __future__ import annotations

import gc
import itertools
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from bench.answers import QUESTIONS, percentile
from bench.interactions import settings_for
from bot.client import SiliconBridge
from fakediscord import FakeChannel, FakeDiscord, FakeGuild, FakeUser, running_bot
from store import times

GUILD = 1_400_000_000_000_000_001
CHANNEL = 1_400_000_000_000_000_002
QA = 1_400_000_000_000_000_003
CHITCHAT = (
    "merci !",
    "thanks!",
    "lol",
    "bonjour à tous",
    "good morning everyone",
    "how are you?",
    "ça va ?",
    "anyone here?",
    "haha 😂",
    "ok",
    "see you tomorrow",
    "what's the weather like in Paris?",
    "who wants coffee?",
    "je suis d'accord avec toi",
    "nice one",
    "on se voit demain ?",
    "🚀🔥",
    "where is the meeting room?",
    "I'll be late today, sorry",
    "quelqu'un a vu mes clés ?",
)
MEMBERS = 50
TARGET_P99_MS = 50.0
TARGET_CPU_MS = 1.0


class SteppingClock:
    """UTC now, moved on by hand: ten seconds a question keeps the rate limits out of the way."""

    def __init__(self) -> None:
        self.now = times.utc_now()

    def __call__(self):
        return self.now

    def step(self) -> None:
        self.now += timedelta(seconds=10)


def _replies(fake: FakeDiscord, start: int, channel: int) -> list:
    """The answered POSTs of replies to the channel among the requests numbered from ``start``."""
    path = f"/channels/{channel}/messages"
    return [
        r
        for r in fake.requests[start:]
        if r.method == "POST" and r.path == path and r.status and r.body.get("message_reference")
    ]


def _reply(fake: FakeDiscord, start: int, message: dict):
    """The POST of the bot's reply to ``message``, once answered, or None."""
    for request in _replies(fake, start, int(message["channel_id"])):
        if str(request.body["message_reference"].get("message_id")) == message["id"]:
            return request
    return None


async def _reply_latency(
    fake: FakeDiscord, text: str, author: FakeUser, clock: SteppingClock
) -> float:
    """Milliseconds from MESSAGE_CREATE to the arrival of the reply's POST."""
    clock.step()
    start = len(fake.requests)
    sent = time.perf_counter()
    message = await fake.send_user_message(CHANNEL, text, author=author)
    request = await fake.signal.wait_until(
        lambda: _reply(fake, start, message), timeout=fake.timeout, what="the bot's reply"
    )
    return (request.at - sent) * 1000


async def _cpu_per_message(
    fake: FakeDiscord,
    channel: int,
    messages: list[str],
    members: list[FakeUser],
    clock: SteppingClock,
) -> tuple[float, int]:
    """CPU milliseconds per message until the bot has read every one (a question sent last is
    answered after them: the gateway keeps order), and how many of them it answered."""
    clock.step()
    first = len(fake.requests)
    start = time.process_time()
    for text, author in zip(messages, itertools.cycle(members), strict=False):
        await fake.send_user_message(channel, text, author=author)
    last = await fake.send_user_message(
        channel, f"<@{fake.bot.id}> deadline AMI ?", author=FakeUser(username="last")
    )
    await fake.signal.wait_until(
        lambda: _reply(fake, first, last), timeout=60, what="the bot's reply to the last message"
    )
    spent = (time.process_time() - start) * 1000 / len(messages)
    return spent, len(_replies(fake, first, channel)) - 1


async def run(count: int = 1000, emit: Callable[[str], None] = print) -> None:
    gc.collect()
    gc.freeze()
    try:
        await _run(count, emit)
    finally:
        gc.unfreeze()


async def _run(count: int, emit: Callable[[str], None]) -> None:
    guild = FakeGuild(
        name="Bench",
        id=GUILD,
        channels=[FakeChannel("general", id=CHANNEL), FakeChannel("questions", id=QA)],
    )
    members = [FakeUser(username=f"member{i}") for i in range(MEMBERS)]
    questions = [q[:500] for q in itertools.islice(itertools.cycle(QUESTIONS), count)]
    chitchat = [c for c in itertools.islice(itertools.cycle(CHITCHAT), count)]
    clock = SteppingClock()
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeDiscord(guilds=[guild], timeout=30.0, settle=0) as fake:
            bot = SiliconBridge(
                settings_for(fake, Path(tmp), GUILD),
                clock=clock,
                reminders=False,
                guild_ready_timeout=0.05,
            )
            async with running_bot(bot, fake):
                await bot.conversations.enable_qa(GUILD, QA, user_id=members[0].id)
                mention = f"<@{fake.bot.id}>"
                for question in questions[:20]:  # warm up
                    await _reply_latency(fake, f"{mention} {question}", members[0], clock)

                replies = []
                for question, author in zip(questions, itertools.cycle(members), strict=False):
                    replies.append(
                        await _reply_latency(fake, f"{mention} {question}", author, clock)
                    )
                slash = []
                for question in questions:
                    clock.step()
                    began = time.perf_counter()
                    await fake.slash("ask", {"question": question}, guild_id=GUILD)
                    slash.append((time.perf_counter() - began) * 1000)
                engine = []
                for question in questions:
                    began = time.perf_counter()
                    await bot.knowledge.ask(question, lang=None, guild_id=GUILD)
                    engine.append((time.perf_counter() - began) * 1000)

                emit(f"questions in channels ({count} each)      p50 ms   p99 ms")
                for label, timings in (
                    ("mention: MESSAGE_CREATE → reply POST", replies),
                    ("baseline /ask: interaction → callback", slash),
                    ("baseline: the answer engine alone", engine),
                ):
                    p50, p99 = statistics.median(timings), percentile(timings, 99)
                    emit(f"{label:<40} {p50:>6.2f}   {p99:>6.2f}")
                p99 = percentile(replies, 99)
                verdict = "ok" if p99 <= TARGET_P99_MS else "OVER"
                emit(f"reply p99 {p99:.2f} ms (target ≤ {TARGET_P99_MS:.0f} ms): {verdict}")

                emit("")
                qa, answered = await _cpu_per_message(fake, QA, chitchat, members, clock)
                plain, _ = await _cpu_per_message(fake, CHANNEL, chitchat, members, clock)
                emit(f"CPU per chit-chat message ({count})                  ms")
                emit(f"{'in a busy Q&A channel (read, then ignored)':<48} {qa:>6.3f}")
                emit(f"{'baseline: a channel that is not Q&A':<48} {plain:>6.3f}")
                emit(f"{'the bot deciding (difference)':<48} {qa - plain:>6.3f}")
                emit(f"chit-chat messages the bot answered: {answered} (expected 0)")
                verdict = "ok" if qa <= TARGET_CPU_MS else "OVER"
                emit(
                    f"ignored message {qa:.3f} ms CPU (target ≤ {TARGET_CPU_MS:.0f} ms): {verdict}"
                )
