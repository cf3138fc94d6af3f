"""How many LLM calls may be in flight: found by asking, not guessed by the user.

``AdaptiveConcurrency`` is the pure decision (an injectable clock, no threads): it starts at
``START`` calls and, as long as the server has never answered 429, grows by half every
``RAMP_S`` seconds while callers are waiting for a slot, and by one with every call that
succeeds with a flat latency, TCP-slow-start-like, up to ``cap`` (``--concurrency``). The first
429 sets the limit to the calls that were in flight without one, remembers it as a ceiling, and
holds every call for the server's ``Retry-After``; from then on the limit stays at the ceiling
and probes one above it only every ``PROBE_S`` seconds without a 429. A latency that rises
well above the fastest seen (the server is queueing) stops the growth the same way.

``CallSlots`` is the thread-safe gate around it that the summarizer's workers pass through.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from dailypapers.retry import MAX_WAIT

#: The default cap (``--concurrency``): the most calls in flight however well they go.
DEFAULT_CAP = 32
#: Calls in flight at first: what a small account takes without 429s.
START = 4
#: Growth before any 429: the limit grows by half this often while callers wait.
RAMP_S = 0.5
GROWTH = 1.5
#: After a 429, how long without another before trying one call above the ceiling.
PROBE_S = 30.0
#: A latency this many times the fastest seen means the server is queueing: stop growing.
LATENCY_RISE = 2.0
#: How often a waiting caller looks again (time-based growth, the end of a pause).
TICK_S = 0.1


@dataclass(frozen=True)
class ConcurrencyReport:
    """What the controller did in a run: for the run's summary and log."""

    final: int
    peak: int
    rate_limits: int
    ceiling: int | None

    def describe(self) -> str:
        ceiling = f", ceiling {self.ceiling}" if self.ceiling is not None else ""
        return (
            f"LLM concurrency {self.final} at the end (peak {self.peak}{ceiling}), "
            f"rate limited (429) {self.rate_limits} time{'' if self.rate_limits == 1 else 's'}"
        )


class AdaptiveConcurrency:
    """The limit on LLM calls in flight; not thread-safe (``CallSlots`` locks around it)."""

    def __init__(self, cap: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.cap = max(1, cap)
        self.limit = min(START, self.cap)
        self.peak = self.limit
        self.ceiling: int | None = None
        self.rate_limits = 0
        self._clock = clock
        self._changed = clock()
        self._paused_until = 0.0
        self._fastest: float | None = None
        self._successes = 0

    def allowed(self, *, busy: bool) -> int:
        """The limit now. ``busy``: every slot is taken and a caller waits for one, the only
        time growing makes sense."""
        now = self._clock()
        if busy and self.limit < self.cap:
            if self.ceiling is None and now - self._changed >= RAMP_S:
                self._set(max(self.limit + 1, int(self.limit * GROWTH)), now)
            elif self.ceiling is not None and now - self._changed >= PROBE_S:
                self._set(self.ceiling + 1, now)  # a probe: a 429 puts it back
        return self.limit

    def wait_s(self) -> float:
        """Seconds before any call may be sent: the server's ``Retry-After``."""
        return max(0.0, self._paused_until - self._clock())

    def succeeded(self, latency_s: float) -> None:
        """A call came back without a 429 after ``latency_s`` seconds."""
        now = self._clock()
        if self._fastest is None or latency_s < self._fastest:
            self._fastest = latency_s
        elif latency_s > LATENCY_RISE * self._fastest and self.ceiling is None:
            self.ceiling = self.limit  # the server queues: keep what we have
            self._changed = now
        self._successes += 1
        if self.ceiling is None:
            self._set(self.limit + 1, now, keep_clock=True)
        elif self.limit < self.ceiling and self._successes >= self.limit:
            self._set(self.limit + 1, now)

    def rate_limited(self, retry_after: float | None, *, in_flight: int) -> None:
        """A call got a 429; ``in_flight`` counts it. The limit drops to the calls that the
        server took without one, and nobody sends for ``retry_after`` seconds."""
        now = self._clock()
        self.rate_limits += 1
        if retry_after is not None and retry_after > 0:
            self._paused_until = max(self._paused_until, now + min(retry_after, MAX_WAIT))
        below = max(1, min(self.limit, in_flight - 1))
        self.ceiling = below
        self._set(below, now)

    def report(self) -> ConcurrencyReport:
        return ConcurrencyReport(self.limit, self.peak, self.rate_limits, self.ceiling)

    def _set(self, limit: int, now: float, *, keep_clock: bool = False) -> None:
        self.limit = min(self.cap, max(1, limit))
        self.peak = max(self.peak, self.limit)
        self._successes = 0
        if not keep_clock:
            self._changed = now


class CallSlots:
    """The gate every LLM call passes: at most ``controller.limit`` in flight, none while the
    server asked to wait, and nobody let through once the run stops."""

    def __init__(self, controller: AdaptiveConcurrency) -> None:
        self.controller = controller
        self.in_flight = 0
        self.peak_in_flight = 0
        self._stopped = False
        self._cond = threading.Condition()

    def enter(self) -> bool:
        """Wait for a slot and take it; False (no slot taken) once the run is stopping."""
        with self._cond:
            while not self._stopped:
                pause = self.controller.wait_s()
                allowed = self.controller.allowed(busy=self.in_flight >= self.controller.limit)
                if pause <= 0 and self.in_flight < allowed:
                    break
                self._cond.wait(min(pause, TICK_S) if pause > 0 else TICK_S)
            if self._stopped:
                return False
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            return True

    def leave(
        self,
        *,
        latency_s: float,
        rate_limited: bool = False,
        retry_after: float | None = None,
        ok: bool = True,
    ) -> None:
        """Give the slot back, saying how the call went (a failure other than 429 teaches
        nothing about the server's limit)."""
        with self._cond:
            if rate_limited:
                self.controller.rate_limited(retry_after, in_flight=self.in_flight)
            elif ok:
                self.controller.succeeded(latency_s)
            self.in_flight -= 1
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    def report(self) -> ConcurrencyReport:
        """The controller's decisions, with the most calls that really were in flight."""
        with self._cond:
            report = self.controller.report()
            return ConcurrencyReport(
                report.final, self.peak_in_flight, report.rate_limits, report.ceiling
            )
