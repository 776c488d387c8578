"""The examples' thread: one comparison at a time, waited for on the loop only when it is the
only one not over, and none left running once its question ends."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.answer.examples_thread import ExamplesThread


async def test_a_comparison_alone_is_waited_for_on_the_loop():
    """The only comparison not over: its result comes without the loop going round."""
    beside = ExamplesThread()
    future = beside.submit(lambda: 42)
    assert beside.waiting <= 1
    with pytest.raises(StopIteration) as ended:
        beside.result(future).send(None)
    assert ended.value.value == 42
    assert beside.waiting == 0


async def test_a_comparison_queued_behind_others_lets_the_loop_go_on():
    """Others are queued before it: the loop runs other coroutines until its result comes."""
    beside = ExamplesThread()
    release = threading.Event()
    first = beside.submit(release.wait, 5.0)
    mine = beside.submit(lambda: "mine")
    assert beside.waiting == 2
    ticks = 0

    async def tick():
        nonlocal ticks
        while not mine.done():
            ticks += 1
            if ticks == 3:
                release.set()
            await asyncio.sleep(0.001)

    ticking = asyncio.create_task(tick())
    assert await beside.result(mine) == "mine"
    await ticking
    assert ticks >= 3 and first.result() is True and beside.waiting == 0


async def test_a_question_ending_early_leaves_no_comparison_behind():
    """Settled, a queued comparison never starts, and a running one is over."""
    beside = ExamplesThread()
    release, began = threading.Event(), threading.Event()
    ran = []

    def running():
        began.set()
        release.wait(5.0)
        ran.append("running")

    first = beside.submit(running)
    queued = beside.submit(ran.append, "queued")
    began.wait(5.0)
    beside.settle(queued)
    assert queued.cancelled()
    threading.Timer(0.05, release.set).start()
    beside.settle(first)
    assert first.done() and ran == ["running"]
    assert beside.waiting == 0  # the one called off counts as over: the next is waited for here


async def test_a_question_called_off_while_its_comparison_is_queued_leaves_none_behind():
    """The question awaiting a queued comparison is called off: the comparison never runs, and
    it counts as over."""
    beside = ExamplesThread()
    release = threading.Event()
    first = beside.submit(release.wait, 5.0)
    ran = []
    mine = beside.submit(ran.append, "mine")
    waiting = asyncio.create_task(beside.result(mine))
    await asyncio.sleep(0.01)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    release.set()
    first.result(5.0)
    assert mine.cancelled() and ran == [] and beside.waiting == 0
