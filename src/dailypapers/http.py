"""One HTTP client for Hugging Face and arXiv: explicit timeouts, retries by the one policy."""

from __future__ import annotations

from collections.abc import Mapping

import httpx2

from dailypapers import __version__
from dailypapers.ratelimit import RateLimiter
from dailypapers.retry import RetryPolicy, retry_after, sleep_before_retry, too_long

USER_AGENT = f"dailypapers/{__version__} (+https://pypi.org/project/dailypapers/)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class HTTPFailure(Exception):
    """A request that did not succeed; ``reason`` is short and safe to show."""

    def __init__(self, reason: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


def make_client(*, timeout: float) -> httpx2.Client:
    return httpx2.Client(headers={"User-Agent": USER_AGENT}, follow_redirects=True, timeout=timeout)


def get_with_retry(
    client: httpx2.Client,
    url: str,
    *,
    params: Mapping[str, str | int] | None = None,
    attempts: int = 4,
    backoff: float = 1.0,
    pacer: RateLimiter | None = None,
) -> httpx2.Response:
    """GET ``url``; retry timeouts, connection errors, 429 and 5xx; fail at once on other 4xx.

    Waits follow the one retry policy (``dailypapers.retry``). With a ``pacer``, every try
    waits for its turn, and a 429 holds back every user of it.
    """
    policy = RetryPolicy(attempts=attempts, backoff=backoff)
    attempt = 1
    while True:
        if pacer is not None:
            pacer.acquire()
        try:
            return _get_once(client, url, params)
        except HTTPFailure as e:
            seconds = _wait_or_give_up(e, policy, attempt)
            if pacer is not None and e.status == 429:
                pacer.pause(seconds)
            sleep_before_retry(f"GET {url}", attempt, e.reason, seconds)
        attempt += 1


def _wait_or_give_up(error: HTTPFailure, policy: RetryPolicy, attempt: int) -> float:
    """Seconds to wait before the next try; raises when there is to be none."""
    if not _retryable(error):
        raise error
    seconds = policy.wait(attempt, error.retry_after)
    if seconds is None:
        reason = f"{error.reason} ({too_long(error.retry_after or 0.0)})"
        raise HTTPFailure(reason, status=error.status) from error
    if attempt >= policy.attempts:
        if policy.attempts == 1:
            raise error
        reason = f"{error.reason} (after {policy.attempts} tries)"
        raise HTTPFailure(reason, status=error.status, retry_after=error.retry_after) from error
    return seconds


def _retryable(error: BaseException) -> bool:
    return isinstance(error, HTTPFailure) and (
        error.status is None or error.status in RETRY_STATUSES
    )


def _get_once(
    client: httpx2.Client, url: str, params: Mapping[str, str | int] | None
) -> httpx2.Response:
    try:
        response = client.get(url, params=dict(params) if params else None)
    except httpx2.TimeoutException:
        raise HTTPFailure(f"timed out after {_timeout_of(client)}") from None
    except httpx2.TransportError as e:
        raise HTTPFailure(f"connection failed: {e}") from None
    if response.is_success:
        return response
    reason = f"HTTP {response.status_code} {response.reason_phrase}".strip()
    raise HTTPFailure(
        reason, status=response.status_code, retry_after=retry_after(response.headers)
    )


def _timeout_of(client: httpx2.Client) -> str:
    read = client.timeout.read
    return f"{read:g} s" if read is not None else "the time limit"
