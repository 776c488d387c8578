"""Bounded waiting: every wait in the fake ends in a clear AssertionError, never a hang."""

# Waits take an explicit ``timeout`` so that a broken test fails fast with a clear message.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Signal:
    """Wakes waiters whenever the fake's recorded state changes.

    ``fire()`` is synchronous so REST and gateway handlers can call it anywhere;
    ``wait_until`` re-checks its predicate after each change.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], T], *, timeout: float, what: str) -> T:
        """Return the first truthy ``predicate()``; raise AssertionError after ``timeout``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"fakediscord: timed out after {timeout:g}s waiting for {what}"
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._event.wait(), remaining)

    async def next_change(self, timeout: float) -> bool:
        """Wait for the next change (at most ``timeout`` seconds); False if none came."""
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def wait_quiet(self, period: float, *, limit: float) -> None:
        """Wait until nothing fired for ``period`` seconds (at most ``limit`` seconds in all)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            try:
                await asyncio.wait_for(self._event.wait(), min(period, remaining))
            except TimeoutError:
                return
