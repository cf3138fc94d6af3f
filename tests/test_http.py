"""Retries, timeouts and failures of the shared HTTP helper."""

from __future__ import annotations

import socket

import pytest

from dailypapers.http import USER_AGENT, HTTPFailure, get_with_retry, make_client
from dailypapers.retry import retry_after as parse_retry_after
from tests.fakes import FakeArxiv


def get(server: FakeArxiv, *, timeout: float = 5, attempts: int = 4) -> int:
    with make_client(timeout=timeout) as client:
        response = get_with_retry(client, f"{server.url}/pdf/x", attempts=attempts, backoff=0.01)
    return response.status_code


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_transient_failures_are_retried(fake_arxiv: FakeArxiv, status: int) -> None:
    fake_arxiv.add_pdf("x", b"%PDF-1.4")
    fake_arxiv.fail_next(status, times=2, headers={"retry-after": "0"})

    assert get(fake_arxiv) == 200
    assert len(fake_arxiv.requests) == 3
    assert fake_arxiv.requests[0].headers["user-agent"] == USER_AGENT


def test_a_client_error_fails_at_once(fake_arxiv: FakeArxiv) -> None:
    with pytest.raises(HTTPFailure) as error:
        get(fake_arxiv)

    assert error.value.reason == "HTTP 404 Not Found"
    assert error.value.status == 404
    assert len(fake_arxiv.requests) == 1


def test_giving_up_says_how_often_it_tried(fake_arxiv: FakeArxiv) -> None:
    fake_arxiv.fail_next(503, times=3)

    with pytest.raises(HTTPFailure) as error:
        get(fake_arxiv, attempts=3)

    assert error.value.reason == "HTTP 503 Service Unavailable (after 3 tries)"


def test_a_slow_server_times_out_and_is_retried(fake_arxiv: FakeArxiv) -> None:
    fake_arxiv.add_pdf("x", b"%PDF-1.4")
    fake_arxiv.delay_next(1.0)

    assert get(fake_arxiv, timeout=0.2) == 200
    assert len(fake_arxiv.requests) == 2


def test_a_server_that_never_answers_in_time_is_reported(fake_arxiv: FakeArxiv) -> None:
    fake_arxiv.delay_next(1.0, times=2)

    with pytest.raises(HTTPFailure) as error:
        get(fake_arxiv, timeout=0.2, attempts=2)

    assert error.value.reason == "timed out after 0.2 s (after 2 tries)"


def test_a_refused_connection_is_reported() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with make_client(timeout=1) as client, pytest.raises(HTTPFailure) as error:
        get_with_retry(client, f"http://127.0.0.1:{port}/", attempts=2, backoff=0.01)

    assert error.value.reason.startswith("connection failed:")


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("3", 3.0), ("0.5", 0.5), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("soon", None), ("", None)],
)
def test_retry_after_is_read_as_seconds_or_a_date(value: str, seconds: float | None) -> None:
    assert parse_retry_after({"retry-after": value} if value else {}) == seconds
