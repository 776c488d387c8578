"""The one thread, for the whole process, where questions are compared with the examples.

The comparison (``memory.Memory.closeness``: numpy and Python) runs there while the search runs
on the loop's own thread, SQLite letting go of the GIL as it works. Every engine shares the
examples and what the comparisons keep of them (``memory.load``), so there is one thread: never
two comparisons at once.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import os
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class ExamplesThread:
    """A thread of its own, and how many of the comparisons handed to it are not over."""

    def __init__(self) -> None:
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="examples"
        )
        self._handed = 0  # written by the loop's thread only
        self._dropped = 0  # called off before they started: the loop's thread only
        self._over = 0  # written by this thread only

    @property
    def waiting(self) -> int:
        """Comparisons handed over and not over yet (running or queued)."""
        return self._handed - self._dropped - self._over

    def submit(self, work: Callable[..., T], /, *args, **kwargs) -> concurrent.futures.Future[T]:
        def counted() -> T:
            try:
                return work(*args, **kwargs)
            finally:
                self._over += 1

        future = self._pool.submit(counted)
        self._handed += 1
        return future

    async def result(self, future: concurrent.futures.Future[T]) -> T:
        """The comparison's result, waited for here when it is the only one not over (the rest
        of one comparison: less than a hand-back to the loop costs); awaited when others are
        queued before it (questions whose search went to the reader's thread), so that the loop
        goes on meanwhile. Called off while it waits, its question leaves nothing behind
        (``settle``)."""
        if future.done() or self.waiting <= 1:
            return future.result()
        try:
            return await asyncio.wrap_future(future)
        except BaseException:
            self.settle(future)
            raise

    def settle(self, future: concurrent.futures.Future[object]) -> None:
        """For a question that ends early (its search failed, or it was called off): its
        comparison never starts, or is over before the question ends, so that nothing of it
        runs on beside the next question."""
        if future.cancel():  # (or it was, when the question awaiting it was called off)
            self._dropped += 1
        else:
            concurrent.futures.wait([future])


@functools.cache
def examples_thread() -> ExamplesThread:
    """The process's examples thread. A process forked from this one has the thread's executor
    but not the thread itself: it makes its own."""
    os.register_at_fork(after_in_child=examples_thread.cache_clear)
    return ExamplesThread()
