"""One HTTP client for Hugging Face and arXiv: explicit timeouts, retries by the one policy."""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Generator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

import httpx2

from dailypapers import __version__
from dailypapers.ratelimit import RateLimiter
from dailypapers.retry import RetryPolicy, retry_after, sleep_before_retry, too_long

USER_AGENT = f"dailypapers/{__version__} (+https://pypi.org/project/dailypapers/)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MB = 1024 * 1024
#: How much of a body ``Fetched.head`` keeps: enough to tell a PDF, or to name what came.
HEAD_BYTES = 1024


class HTTPFailure(Exception):
    """A request that did not succeed; ``reason`` is short and safe to show. A ``final`` one
    (a body over the size limit, the deadline passed) is not tried again."""

    def __init__(
        self,
        reason: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        final: bool = False,
    ):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after
        self.final = final


def make_client(*, timeout: float, auth: httpx2.Auth | None = None) -> httpx2.Client:
    return httpx2.Client(
        headers={"User-Agent": USER_AGENT}, follow_redirects=True, timeout=timeout, auth=auth
    )


class BearerFor(httpx2.Auth):
    """``Authorization: Bearer <token>`` on requests to one origin (scheme, host, port) only:
    Hugging Face's token goes to Hugging Face, never to arXiv on the same client. A redirect
    to another origin loses it too (the client drops the header)."""

    def __init__(self, url: str, token: str) -> None:
        self._origin = _origin(httpx2.URL(url))
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx2.Request) -> Generator[httpx2.Request, httpx2.Response]:
        if _origin(request.url) == self._origin:
            request.headers["Authorization"] = self._header
        yield request


def _origin(url: httpx2.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port


class _Sink(Protocol):
    def write(self, chunk: bytes, /) -> object: ...


@dataclass(frozen=True)
class Fetched:
    """A successful answer. ``content`` is the body, unless it was written to a sink;
    ``head`` is its first ``HEAD_BYTES`` either way."""

    url: str
    status_code: int
    headers: httpx2.Headers
    content: bytes = b""
    head: bytes = b""


@dataclass(frozen=True)
class Limits:
    """What one GET may cost: at most ``max_bytes`` of body (None: any), and ``seconds`` in
    all, every try and every wait between tries included (None: no deadline)."""

    max_bytes: int | None = None
    seconds: float | None = None

    def clock(self) -> _Clock:
        return _Clock(None if self.seconds is None else time.monotonic() + self.seconds, self)


@dataclass(frozen=True)
class _Clock:
    ends: float | None
    limits: Limits

    def left(self) -> float | None:
        return None if self.ends is None else self.ends - time.monotonic()

    def check(self) -> None:
        left = self.left()
        if left is not None and left <= 0:
            raise HTTPFailure(f"gave up after {self.limits.seconds:g} s", final=True)


def get_with_retry(
    client: httpx2.Client,
    url: str,
    *,
    params: Mapping[str, str | int] | None = None,
    attempts: int = 4,
    backoff: float = 1.0,
    pacer: RateLimiter | None = None,
    limits: Limits | None = None,
    into: Callable[[], AbstractContextManager[_Sink]] | None = None,
) -> Fetched:
    """GET ``url``; retry timeouts, connection errors, 429 and 5xx; fail at once on other 4xx.

    Waits follow the one retry policy (``dailypapers.retry``). With a ``pacer``, every try
    waits for its turn, and a 429 holds back every user of it. The body is read as it comes,
    within ``limits``: a body declared or found larger than ``max_bytes`` fails at once, and
    so does a download still unfinished after ``seconds`` (a read blocked when the time is up
    gives up at the client's read timeout, which each try shortens to the time left). With
    ``into``, each try writes the body to a fresh sink from it instead of keeping it.
    """
    policy = RetryPolicy(attempts=attempts, backoff=backoff)
    clock = (limits or Limits()).clock()
    attempt = 1
    while True:
        if pacer is not None:
            pacer.acquire()
        try:
            clock.check()
            return _get_once(client, url, params, clock, into)
        except HTTPFailure as e:
            seconds = _wait_or_give_up(e, policy, attempt, clock)
            if pacer is not None and e.status == 429:
                pacer.pause(seconds)
            sleep_before_retry(f"GET {url}", attempt, e.reason, seconds)
        attempt += 1


def _wait_or_give_up(error: HTTPFailure, policy: RetryPolicy, attempt: int, clock: _Clock) -> float:
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
    left = clock.left()
    if left is not None and seconds >= left:
        reason = f"{error.reason} (no time for another try within {clock.limits.seconds:g} s)"
        raise HTTPFailure(reason, status=error.status) from error
    return seconds


def _retryable(error: BaseException) -> bool:
    return (
        isinstance(error, HTTPFailure)
        and not error.final
        and (error.status is None or error.status in RETRY_STATUSES)
    )


def _get_once(
    client: httpx2.Client,
    url: str,
    params: Mapping[str, str | int] | None,
    clock: _Clock,
    into: Callable[[], AbstractContextManager[_Sink]] | None,
) -> Fetched:
    try:
        with client.stream(
            "GET",
            url,
            params=dict(params) if params else None,
            timeout=_timeout(client, clock),
        ) as response:
            if not response.is_success:
                reason = f"HTTP {response.status_code} {response.reason_phrase}".strip()
                raise HTTPFailure(
                    reason, status=response.status_code, retry_after=retry_after(response.headers)
                )
            _check_declared_length(response, clock.limits.max_bytes)
            if into is None:
                buffer = io.BytesIO()
                head = _read_body(response, buffer, clock)
                return Fetched(
                    str(response.url),
                    response.status_code,
                    response.headers,
                    buffer.getvalue(),
                    head,
                )
            with into() as sink:
                head = _read_body(response, sink, clock)
            return Fetched(str(response.url), response.status_code, response.headers, head=head)
    except httpx2.TimeoutException:
        clock.check()
        raise HTTPFailure(f"timed out after {_timeout_of(client)}") from None
    except httpx2.TransportError as e:
        raise HTTPFailure(f"connection failed: {e}") from None


def _timeout(client: httpx2.Client, clock: _Clock) -> httpx2.Timeout:
    """The client's timeouts, none longer than the time left."""
    left = clock.left()
    if left is None:
        return client.timeout
    left = max(left, 0.001)

    def shortened(value: float | None) -> float:
        return left if value is None else min(value, left)

    timeout = client.timeout
    return httpx2.Timeout(
        connect=shortened(timeout.connect),
        read=shortened(timeout.read),
        write=shortened(timeout.write),
        pool=shortened(timeout.pool),
    )


def _check_declared_length(response: httpx2.Response, max_bytes: int | None) -> None:
    declared = response.headers.get("content-length", "")
    if max_bytes is not None and declared.isdigit() and int(declared) > max_bytes:
        raise HTTPFailure(
            f"the body is {int(declared):,} bytes, more than the {size(max_bytes)} allowed",
            final=True,
        )


def _read_body(response: httpx2.Response, sink: _Sink, clock: _Clock) -> bytes:
    """Copy the body to ``sink`` chunk by chunk within the limits; return its first bytes."""
    max_bytes = clock.limits.max_bytes
    total = 0
    head = b""
    for chunk in response.iter_bytes():
        total += len(chunk)
        if max_bytes is not None and total > max_bytes:
            raise HTTPFailure(f"the body is more than the {size(max_bytes)} allowed", final=True)
        clock.check()
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
        sink.write(chunk)
    return head


def size(n: int) -> str:
    """``50 MB`` (in units of 2**20 bytes), or bytes below one MB."""
    return f"{n / MB:g} MB" if n >= MB else f"{n:,} bytes"


def _timeout_of(client: httpx2.Client) -> str:
    read = client.timeout.read
    return f"{read:g} s" if read is not None else "the time limit"
