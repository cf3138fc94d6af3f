"""Token buckets and the rate limiter, on a clock the test moves by hand."""

from __future__ import annotations

import pytest

from dailypapers.ratelimit import RateLimiter, TokenBucket


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def limiter(clock: Clock, **limits: float) -> RateLimiter:
    return RateLimiter(clock=clock, sleep=clock.sleep, **limits)  # type: ignore[arg-type]


def test_a_full_bucket_serves_a_minute_of_tokens_at_once_then_paces() -> None:
    clock = Clock()
    bucket = TokenBucket(600, clock=clock)  # 10 a second

    assert bucket.shortfall(600) == 0
    bucket.take(600)
    assert bucket.shortfall(100) == pytest.approx(10.0)


def test_the_bucket_refills_with_time_up_to_its_capacity() -> None:
    clock = Clock()
    bucket = TokenBucket(60, clock=clock)
    bucket.take(60)

    clock.now = 1000.0

    assert bucket.shortfall(60) == 0
    bucket.take(60)
    assert bucket.shortfall(1) == pytest.approx(1.0)


def test_a_request_larger_than_the_bucket_waits_for_a_full_bucket_only() -> None:
    clock = Clock()
    bucket = TokenBucket(60, clock=clock)
    bucket.take(30)

    assert bucket.shortfall(1_000) == pytest.approx(30.0)


def test_the_limiter_waits_for_the_tighter_of_its_limits() -> None:
    clock = Clock()
    paced = limiter(clock, requests_per_minute=60, tokens_per_minute=6_000)

    for _ in range(3):
        paced.acquire(3_000)

    assert clock.now == pytest.approx(30.0)  # 6,000 at once, then 100 tokens a second
    assert paced.pacing.waited_s == pytest.approx(30.0)


def test_a_request_limit_with_a_burst_of_one_spaces_requests_evenly() -> None:
    clock = Clock()
    paced = limiter(clock, requests_per_minute=20, request_burst=1)

    for _ in range(4):
        paced.acquire()

    assert clock.now == pytest.approx(9.0)


def test_tokens_given_back_are_used_at_once() -> None:
    clock = Clock()
    paced = limiter(clock, tokens_per_minute=600)
    paced.acquire(600)

    paced.settle(600, 100)  # the request cost less than reserved
    paced.acquire(500)

    assert clock.now == 0


def test_a_request_that_cost_more_is_charged() -> None:
    clock = Clock()
    paced = limiter(clock, tokens_per_minute=600)
    paced.acquire(500)

    paced.settle(500, 600)
    paced.acquire(60)

    assert clock.now == pytest.approx(6.0)


def test_a_server_pause_holds_every_caller() -> None:
    clock = Clock()
    paced = limiter(clock)

    paced.pause(2.5)
    paced.acquire(100)

    assert clock.now == pytest.approx(2.5)
    assert paced.pacing.pauses == 1


def test_without_limits_nothing_waits() -> None:
    clock = Clock()
    paced = limiter(clock)

    for _ in range(100):
        paced.acquire(1_000_000)

    assert clock.slept == []


def test_a_bucket_needs_a_positive_rate() -> None:
    with pytest.raises(ValueError, match="positive"):
        TokenBucket(0)
