"""One HTTP client for Hugging Face and arXiv: explicit timeouts, bounded jittered retries."""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Mapping
from datetime import UTC, datetime

import httpx2
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from dailypapers import __version__
from dailypapers.ratelimit import RateLimiter

log = logging.getLogger(__name__)

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
    max_wait: float = 60.0,
    pacer: RateLimiter | None = None,
) -> httpx2.Response:
    """GET ``url``; retry timeouts, connection errors, 429 and 5xx; fail at once on other 4xx.

    With a ``pacer``, every try waits for its turn, and a 429 holds back every user of it.
    """

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, HTTPFailure) and error.retry_after is not None:
            seconds = min(error.retry_after, max_wait)
        else:
            seconds = random.uniform(0, min(backoff * 2 ** (state.attempt_number - 1), max_wait))
        if pacer is not None and isinstance(error, HTTPFailure) and error.status == 429:
            pacer.pause(seconds)
        log.info("GET %s failed (%s); retrying in %.1f s", url, error, seconds)
        return seconds

    def get_once() -> httpx2.Response:
        if pacer is not None:
            pacer.acquire()
        return _get_once(client, url, params)

    retrying = Retrying(
        stop=stop_after_attempt(attempts),
        wait=wait,
        retry=retry_if_exception(_retryable),
        sleep=time.sleep,
        reraise=True,
    )
    try:
        return retrying(get_once)
    except HTTPFailure as e:
        if attempts > 1 and _retryable(e):
            raise HTTPFailure(
                f"{e.reason} (after {attempts} tries)", status=e.status, retry_after=e.retry_after
            ) from e
        raise


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
        reason, status=response.status_code, retry_after=parse_retry_after(response.headers)
    )


def _timeout_of(client: httpx2.Client) -> str:
    read = client.timeout.read
    return f"{read:g} s" if read is not None else "the time limit"


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), if any."""
    value = headers.get("retry-after")
    if not value:
        return None
    if value.strip().replace(".", "", 1).isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
