"""Pacing shared by worker threads: token buckets for requests and tokens per minute.

A bucket holds up to ``capacity`` units (a minute's worth unless told) and refills at
``per_minute / 60`` units a second. A caller takes units when the bucket has them, else sleeps
for as long as the refill needs and looks again, so tokens handed back after a request cost
less than reserved are used at once. ``pause`` holds every caller until a moment, as a
server's ``Retry-After`` asks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from dailypapers.retry import MAX_WAIT

#: Longest single sleep before looking again: tokens may come back in the meantime.
LOOK_AGAIN_S = 2.0


class TokenBucket:
    """Not thread-safe on its own: the rate limiter holds its lock around every use."""

    def __init__(
        self,
        per_minute: float,
        *,
        capacity: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_minute <= 0:
            raise ValueError(f"per_minute must be positive, got {per_minute}")
        self.rate = per_minute / 60.0
        self.capacity = per_minute if capacity is None else capacity
        self._clock = clock
        self._balance = self.capacity
        self._updated = clock()

    def shortfall(self, amount: float) -> float:
        """Seconds until ``amount`` units are there (a request larger than the bucket waits
        for a full bucket, not forever)."""
        self._refill()
        missing = min(amount, self.capacity) - self._balance
        return missing / self.rate if missing > 0 else 0.0

    def take(self, amount: float) -> None:
        """Use ``amount`` units; the balance may go below zero (a request cost more)."""
        self._refill()
        self._balance -= amount

    def give_back(self, amount: float) -> None:
        self._refill()
        self._balance = min(self.capacity, self._balance + amount)

    def _refill(self) -> None:
        now = self._clock()
        self._balance = min(self.capacity, self._balance + (now - self._updated) * self.rate)
        self._updated = now


@dataclass
class Pacing:
    """What the limiter made callers do, for the run report."""

    waited_s: float = 0.0
    pauses: int = 0


class RateLimiter:
    """Requests per minute and tokens per minute for one API; either limit may be absent."""

    def __init__(
        self,
        *,
        requests_per_minute: float | None = None,
        tokens_per_minute: float | None = None,
        request_burst: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._clock, self._sleep = clock, sleep
        self.requests = (
            TokenBucket(requests_per_minute, capacity=request_burst, clock=clock)
            if requests_per_minute
            else None
        )
        self.tokens = TokenBucket(tokens_per_minute, clock=clock) if tokens_per_minute else None
        self._paused_until = 0.0
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self.pacing = Pacing()

    def acquire(self, tokens: int = 0) -> float:
        """Wait until a request of about ``tokens`` tokens may be sent; return seconds waited.

        Returns at once, without taking anything, once the limiter is stopped.
        """
        waited = 0.0
        while not self._stopped.is_set() and (wait := self._try_take(tokens)) > 0:
            wait = min(wait, LOOK_AGAIN_S)
            self._sleep(wait)
            waited += wait
        if waited:
            with self._lock:
                self.pacing.waited_s += waited
        return waited

    def stop(self) -> None:
        """Let every waiting caller go: the run is ending, and they will not send after all."""
        self._stopped.set()

    def settle(self, estimated: int, used: int) -> None:
        """Correct the token bucket once the server said what a request really cost."""
        if self.tokens is None or used == estimated:
            return
        with self._lock:
            if used < estimated:
                self.tokens.give_back(estimated - used)
            else:
                self.tokens.take(used - estimated)

    def pause(self, seconds: float) -> None:
        """Nobody sends for ``seconds``: the server answered 429. The one retry policy's cap
        holds here too, and a wait that is no number (NaN) or negative is none."""
        seconds = min(seconds, MAX_WAIT) if seconds > 0 else 0.0
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)
            self.pacing.pauses += 1

    def _try_take(self, tokens: int) -> float:
        """Take a request and ``tokens`` from the buckets and return 0, or the seconds to wait."""
        with self._lock:
            paused = self._paused_until - self._clock()
            if paused > 0:
                return paused
            wanted = [(b, n) for b, n in ((self.requests, 1), (self.tokens, tokens)) if b]
            wait = max((bucket.shortfall(n) for bucket, n in wanted), default=0.0)
            if wait > 0:
                return wait
            for bucket, n in wanted:
                bucket.take(n)
            return 0.0
