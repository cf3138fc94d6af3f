"""The one retry policy: how long to wait, what a server asks, and when not to wait at all."""

from __future__ import annotations

import pytest

from dailypapers.http import HTTPFailure, get_with_retry, make_client
from dailypapers.retry import BACKOFF_CAP, MAX_WAIT, RetryPolicy, retry_after
from tests.fakes import FakeArxiv


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"Retry-After": "3"}, 3.0),
        ({"RETRY-AFTER": " 2.5 "}, 2.5),
        ({"retry-after-ms": "400"}, 0.4),
        ({"Retry-After-Ms": "250", "Retry-After": "9"}, 0.25),
        ({"retry-after": ["7", "8"]}, 7.0),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, 0.0),
        ({"retry-after": "soon"}, None),
        ({"retry-after": []}, None),
        ({}, None),
    ],
)
def test_a_servers_wait_is_read_in_every_form(headers: dict[str, object], seconds: float) -> None:
    assert retry_after(headers) == seconds


def test_the_server_is_waited_for_in_full_up_to_the_cap() -> None:
    policy = RetryPolicy(attempts=4, backoff=1.0)

    assert policy.wait(1, 120.0) == 120.0
    assert policy.wait(1, MAX_WAIT) == MAX_WAIT
    assert policy.wait(1, MAX_WAIT + 1) is None


def test_the_backoff_is_jittered_and_capped() -> None:
    policy = RetryPolicy(attempts=12, backoff=1.0)

    waits = [policy.wait(attempt) for attempt in range(1, 12) for _ in range(20)]

    assert all(w is not None and 0 <= w <= BACKOFF_CAP for w in waits)
    assert len({round(w or 0, 6) for w in waits}) > 100  # drawn, not fixed
    assert all((policy.wait(1) or 0) <= 1.0 for _ in range(50))


def test_a_get_asked_to_wait_an_hour_fails_at_once(fake_arxiv: FakeArxiv) -> None:
    fake_arxiv.fail_next(429, headers={"retry-after": "3600"})

    with make_client(timeout=5) as client, pytest.raises(HTTPFailure) as error:
        get_with_retry(client, f"{fake_arxiv.url}/pdf/x", attempts=4, backoff=0.01)

    assert error.value.reason == (
        "HTTP 429 Too Many Requests (asked to wait 3,600 s (more than 600 s): try again later)"
    )
    assert len(fake_arxiv.requests) == 1
