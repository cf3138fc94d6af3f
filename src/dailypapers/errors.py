"""Errors that the CLI turns into one-line messages.

Each pipeline stage has its own subclass. Messages name the paper (when there is one)
and the cause, e.g. ``2412.04315: PDF download failed: HTTP 404``.
"""

from __future__ import annotations


class DailyPapersError(Exception):
    """Base class of every error the user should see as one line."""

    stage = "dailypapers"
    #: The exit status of a command this error ends: 1, something failed while working.
    exit_code = 1

    def __init__(self, message: str, *, arxiv_id: str | None = None) -> None:
        self.arxiv_id = arxiv_id
        self.reason = message
        super().__init__(f"{arxiv_id}: {message}" if arxiv_id else message)


class UsageError(DailyPapersError):
    """The command cannot start as given: a bad option or variable value, options that do
    not go together, a bad date. Exit status 2, as click gives for its own usage errors."""

    stage = "usage"
    exit_code = 2


class ConfigError(UsageError):
    """A flag, environment variable or settings file that is wrong or missing."""

    stage = "config"


class DateError(UsageError):
    stage = "date"


class FetchError(DailyPapersError):
    """The day's list could not be fetched or parsed."""

    stage = "fetch"


class DownloadError(DailyPapersError):
    """A paper's PDF could not be downloaded."""

    stage = "download"


class TextUnavailable(DownloadError):
    """A source of paper text (Hugging Face Markdown, arXiv HTML) has none for this paper.

    ``lasting`` when asking again the same day would get the same answer (a 404), so the
    answer is remembered in the cache; a 429, a 5xx or a timeout is not.
    """

    def __init__(self, message: str, *, arxiv_id: str | None = None, lasting: bool = False):
        super().__init__(message, arxiv_id=arxiv_id)
        self.lasting = lasting


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


class OutputError(DailyPapersError):
    """A file or folder of the output could not be written, or is not ours to replace."""

    stage = "output"


class LLMUnusable(SummarizeError):
    """The LLM answered in a way that no retry and no other paper can change: a wrong key, a
    model it does not have, no quota left, or no server at the URL. The whole run stops."""

    stage = "summarize"


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread like Ctrl-C's ``KeyboardInterrupt``."""
