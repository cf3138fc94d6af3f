"""Errors that the CLI turns into one-line messages.

Each pipeline stage has its own subclass. Messages name the paper (when there is one)
and the cause, e.g. ``2412.04315: PDF download failed: HTTP 404``.
"""

from __future__ import annotations


class DailyPapersError(Exception):
    """Base class of every error the user should see as one line."""

    stage = "dailypapers"

    def __init__(self, message: str, *, arxiv_id: str | None = None) -> None:
        self.arxiv_id = arxiv_id
        self.reason = message
        super().__init__(f"{arxiv_id}: {message}" if arxiv_id else message)


class ConfigError(DailyPapersError):
    stage = "config"


class DateError(DailyPapersError):
    stage = "date"


class FetchError(DailyPapersError):
    """The day's list could not be fetched or parsed."""

    stage = "fetch"


class DownloadError(DailyPapersError):
    """A paper's PDF could not be downloaded."""

    stage = "download"


class ExtractError(DailyPapersError):
    """A PDF could not be read."""

    stage = "extract"


class SummarizeError(DailyPapersError):
    """The LLM gave no usable summary."""

    stage = "summarize"


class StoreError(DailyPapersError):
    stage = "store"


class DamagedDatabaseError(StoreError):
    """SQLite found the database file damaged (malformed pages, or not a database at all)."""


class ArchiveError(DailyPapersError):
    """A digest file could not be imported."""

    stage = "import"
