"""Rate limits on answers in channels: a token bucket per user and one per channel.

discord.py's ``commands.CooldownMapping`` is a fixed window: after three answers a channel would
stay shut for the whole window, even for another member asking after a quiet moment. A bucket
that refills one answer at a time lets a burst through up to its size, then one answer every few
seconds, and a channel that was quiet for a few seconds always has room again.

The clock is injected (seconds, as a float) so that tests move time by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

USER_BURST, USER_EVERY = 3, 4.0  # six questions in two seconds: three answers
CHANNEL_BURST, CHANNEL_EVERY = 5, 2.0  # never stricter than three answers in ten seconds
SWEEP_EVERY = 1024  # admissions between two sweeps of the buckets that are full again


@dataclass
class _Bucket:
    tokens: float
    at: float
    noted: bool = False  # a "slow down" was given since the last answer


class Buckets:
    """``burst`` answers at once, then one more every ``every`` seconds, per key."""

    def __init__(self, burst: int, every: float) -> None:
        self.burst = burst
        self.every = every
        self._buckets: dict[int, _Bucket] = {}

    def _bucket(self, key: int, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(self.burst), now)
        elif now > bucket.at:
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) / self.every)
            bucket.at = now
        return bucket

    def has_room(self, key: int, now: float) -> bool:
        return self._bucket(key, now).tokens >= 1.0

    def take(self, key: int, now: float) -> None:
        bucket = self._bucket(key, now)
        bucket.tokens -= 1.0
        bucket.noted = False

    def charge(self, key: int, now: float) -> None:
        """Use one answer that is given whatever the room: the bucket empties, never below."""
        bucket = self._bucket(key, now)
        bucket.tokens = max(0.0, bucket.tokens - 1.0)

    def first_refusal(self, key: int, now: float) -> bool:
        """Whether this refusal is the first since the last answer (worth one short note)."""
        bucket = self._bucket(key, now)
        first = not bucket.noted
        bucket.noted = True
        return first

    def sweep(self, now: float) -> None:
        """Forget the buckets that are full again: they hold nothing a new one would not."""
        for key in [k for k, b in self._buckets.items() if self._full(b, now)]:
            del self._buckets[key]

    def _full(self, bucket: _Bucket, now: float) -> bool:
        return bucket.tokens + (now - bucket.at) / self.every >= self.burst

    def __len__(self) -> int:
        return len(self._buckets)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    note: bool = False  # refused, for the first time in a row: one short "slow down" is due


class RateLimits:
    """Whether the bot may answer now: the asker and the channel must both have room."""

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        user: tuple[int, float] = (USER_BURST, USER_EVERY),
        channel: tuple[int, float] = (CHANNEL_BURST, CHANNEL_EVERY),
    ) -> None:
        self.clock = clock
        self.users = Buckets(*user)
        self.channels = Buckets(*channel)
        self._admitted = 0

    def admit(self, user_id: int, channel_id: int) -> Verdict:
        """Take one answer from both buckets, or refuse without taking anything."""
        now = self.clock()
        self._admitted += 1
        if self._admitted % SWEEP_EVERY == 0:
            self.users.sweep(now)
            self.channels.sweep(now)
        if not self.users.has_room(user_id, now):
            return Verdict(False, self.users.first_refusal(user_id, now))
        if not self.channels.has_room(channel_id, now):
            return Verdict(False, self.channels.first_refusal(channel_id, now))
        self.users.take(user_id, now)
        self.channels.take(channel_id, now)
        return Verdict(True)

    def charge_edit(self, user_id: int) -> None:
        """An edited question is always followed (it was answered already, and rate limiting
        never loses such a question); it counts against its author only, who then waits longer
        for a new answer, but never longer than an empty bucket takes to refill."""
        self.users.charge(user_id, self.clock())
