"""The adaptive LLM concurrency: pure decisions on a clock the tests move."""

from __future__ import annotations

from dailypapers.concurrency import PROBE_S, RAMP_S, START, AdaptiveConcurrency


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_it_grows_on_an_unlimited_server_while_callers_wait() -> None:
    clock = Clock()
    adaptive = AdaptiveConcurrency(32, clock=clock)
    assert adaptive.allowed(busy=True) == START
    for _ in range(6):
        clock.now += RAMP_S
        adaptive.allowed(busy=True)
    assert adaptive.limit > 16  # doubles in well under 2 s: a 30-paper day fits in 12 s
    for _ in range(20):
        adaptive.succeeded(4.0)
    assert adaptive.limit == 32
    assert adaptive.rate_limits == 0


def test_it_does_not_grow_without_demand() -> None:
    clock = Clock()
    adaptive = AdaptiveConcurrency(32, clock=clock)
    clock.now += 10 * RAMP_S
    assert adaptive.allowed(busy=False) == START


def test_it_respects_the_cap() -> None:
    clock = Clock()
    adaptive = AdaptiveConcurrency(6, clock=clock)
    for _ in range(20):
        clock.now += RAMP_S
        adaptive.allowed(busy=True)
        adaptive.succeeded(1.0)
    assert adaptive.limit == 6
    assert adaptive.peak == 6
    assert AdaptiveConcurrency(2).limit == 2  # a cap below the start


def test_the_first_429_drops_to_what_the_server_took_and_stays_near_it() -> None:
    clock = Clock()
    adaptive = AdaptiveConcurrency(32, clock=clock)
    clock.now += RAMP_S
    assert adaptive.allowed(busy=True) == 6
    adaptive.rate_limited(1.0, in_flight=5)  # the fifth call in flight was refused
    assert adaptive.limit == 4
    assert adaptive.ceiling == 4
    for _ in range(50):  # no time-based growth any more, nor above the ceiling on success
        clock.now += RAMP_S
        adaptive.succeeded(4.0)
        assert adaptive.allowed(busy=True) <= 4 or clock.now >= PROBE_S
    assert adaptive.rate_limits == 1


def test_it_probes_one_above_the_ceiling_rarely() -> None:
    clock = Clock()
    adaptive = AdaptiveConcurrency(32, clock=clock)
    adaptive.rate_limited(None, in_flight=5)
    clock.now += PROBE_S - 1
    assert adaptive.allowed(busy=True) == 4
    clock.now += 1
    assert adaptive.allowed(busy=True) == 5
    adaptive.rate_limited(None, in_flight=5)
    assert adaptive.limit == 4


def test_it_honours_retry_after() -> None:
    clock = Clock()
    adaptive = AdaptiveConcurrency(32, clock=clock)
    adaptive.rate_limited(7.0, in_flight=3)
    assert adaptive.wait_s() == 7.0
    clock.now += 5
    assert adaptive.wait_s() == 2.0
    clock.now += 3
    assert adaptive.wait_s() == 0.0


def test_a_rising_latency_stops_the_growth() -> None:
    clock = Clock()
    adaptive = AdaptiveConcurrency(32, clock=clock)
    adaptive.succeeded(1.0)
    adaptive.succeeded(3.0)  # the server queues
    held = adaptive.limit
    clock.now += 10 * RAMP_S
    assert adaptive.allowed(busy=True) == held
    assert adaptive.rate_limits == 0


def test_its_report_says_what_it_did() -> None:
    adaptive = AdaptiveConcurrency(16)
    adaptive.rate_limited(None, in_flight=3)
    report = adaptive.report()
    assert (report.final, report.rate_limits, report.ceiling) == (2, 1, 2)
    assert "rate limited (429) 1 time" in report.describe()
