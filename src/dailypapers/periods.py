"""Time for the whole package: days, ISO weeks and the moment now."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> str:
    """The current moment in UTC, to the second, as ISO 8601: what every stored row carries."""
    return datetime.now(UTC).isoformat(timespec="seconds")
