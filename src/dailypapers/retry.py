"""One retry policy for every service we call: Hugging Face, arXiv, the LLM and each channel.

A failed try that may succeed later waits before the next one: as long as the server asks
(``Retry-After`` in seconds or as an HTTP date, ``retry-after-ms`` in milliseconds), else an
exponential backoff with full jitter. No single wait is longer than ``MAX_WAIT``: a server that
asks for more is not waited for (the work fails now and the next run tries it again), because
waiting less than asked only earns another refusal. Every retry is logged with what failed,
the try number and the wait.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger(__name__)

#: The longest wait, in seconds, between two tries of anything.
MAX_WAIT = 600.0
#: The backoff doubles from the first wait up to this many seconds (then jitters below it).
BACKOFF_CAP = 30.0


@dataclass(frozen=True)
class RetryPolicy:
    """How often to try, and how long to wait between tries."""

    #: Tries in all, the first one included.
    attempts: int = 4
    #: The first backoff wait in seconds; it doubles each try, up to ``BACKOFF_CAP``.
    backoff: float = 1.0

    def backoff_wait(self, attempt: int) -> float:
        """A jittered wait after failed try number ``attempt`` (1-based)."""
        return random.uniform(0, min(self.backoff * 2 ** (attempt - 1), BACKOFF_CAP))

    def wait(self, attempt: int, retry_after: float | None = None) -> float | None:
        """Seconds to wait after failed try ``attempt``: what the server asked for, else the
        backoff; None when the server asks for longer than ``MAX_WAIT`` (do not wait)."""
        if retry_after is None:
            return self.backoff_wait(attempt)
        return None if retry_after > MAX_WAIT else max(0.0, retry_after)


def too_long(seconds: float) -> str:
    """How a refused wait is told: ``asked to wait 3,600 s (more than 600 s): try again later``."""
    return f"asked to wait {seconds:,.0f} s (more than {MAX_WAIT:,.0f} s): try again later"


def log_retry(what: str, attempt: int, reason: str, seconds: float) -> None:
    """One line per retry: ``GET https://…: try 2 failed (HTTP 503); retrying in 1.7 s``."""
    log.info("%s: try %d failed (%s); retrying in %.1f s", what, attempt, reason, seconds)


def sleep_before_retry(
    what: str,
    attempt: int,
    reason: str,
    seconds: float,
    sleep: Callable[[float], object] = time.sleep,
) -> None:
    log_retry(what, attempt, reason, seconds)
    sleep(seconds)


def retry_after(headers: Mapping[str, Any]) -> float | None:
    """Seconds a server asks to wait, from ``retry-after-ms`` (milliseconds) or ``Retry-After``
    (seconds or an HTTP date), in any letter case; None when it asks nothing readable.

    Header values may be strings or lists of strings (some SDKs keep repeated headers as
    lists). A date in the past means no wait.
    """
    found = {str(name).lower(): _first(value) for name, value in headers.items()}
    milliseconds = _number(found.get("retry-after-ms"))
    if milliseconds is not None:
        return milliseconds / 1000
    value = found.get("retry-after")
    if value is None:
        return None
    seconds = _number(value)
    if seconds is not None:
        return seconds
    return _seconds_until(value)


def _first(value: Any) -> str | None:
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return value.strip() if isinstance(value, str) else None


def _number(value: str | None) -> float | None:
    if not value or not value.replace(".", "", 1).isdigit():
        return None
    return float(value)


def _seconds_until(value: str) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
