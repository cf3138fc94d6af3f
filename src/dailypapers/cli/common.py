"""What every ``dailypapers`` command shares: the app, the consoles, options and errors."""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from dailypapers import __version__
from dailypapers.config import Config, build_config
from dailypapers.errors import DailyPapersError, StoreError, Terminated
from dailypapers.jobs.results import RunStopped
from dailypapers.logs import redact, secret_values
from dailypapers.store import Store
from dailypapers.store.lock import write_lock

app = typer.Typer(
    help=(
        "Turn the Hugging Face Daily Papers into a Korean digest: fetch a day's papers, read "
        "their PDFs, summarize them (with an OpenAI-compatible LLM, or extractively when none "
        "is configured), store everything in SQLite and write paper_logs/YYYY/MM/DD.md and "
        "README.md."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
log = logging.getLogger(__name__)
out_console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

DateOption = Annotated[
    str | None,
    typer.Option("--date", "-d", help="The day, YYYY-MM-DD (UTC). Default: today in UTC."),
]
OutOption = Annotated[
    Path | None,
    typer.Option(
        "--out",
        "-o",
        help="Output folder for paper_logs/, README.md and the database. "
        "Default: $DAILYPAPERS_OUT or the current folder.",
    ),
]
DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="SQLite database file. Default: $DAILYPAPERS_DB or OUT/dailypapers.db."
    ),
]


OverwriteOption = Annotated[
    bool,
    typer.Option(
        "--overwrite",
        help="Replace README.md and digest files in OUT even if dailypapers did not write them. "
        "Without it such a file stops the command before any work, and is left as it is.",
    ),
]

VerboseOption = Annotated[
    bool,
    typer.Option(
        "--verbose", "-v", help="Log every step, retry and HTTP request on stderr (keys redacted)."
    ),
]


def _version(value: bool) -> None:
    if value:
        out_console.print(f"dailypapers {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = None,
) -> None:
    """dailypapers: the Hugging Face Daily Papers, summarized in Korean."""


#: Exit statuses of a run ended by a signal, as shells report them: 128 + the signal's number.
SIGINT_STATUS = 128 + signal.SIGINT
SIGTERM_STATUS = 128 + signal.SIGTERM


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn our own errors into one line on stderr, keys redacted, and the error's exit status:
    2 for a usage error (a bad option, variable or date), 1 for anything that failed; Ctrl-C or
    SIGTERM into one line and 130 or 143. A run stopped half-way says what it kept."""
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    except RunStopped as e:
        raise typer.Exit(_stopped(e)) from None
    except KeyboardInterrupt as e:
        _say("interrupted: nothing was being paid for; run again to continue")
        raise typer.Exit(_signal_status(e)) from None
    except DailyPapersError as e:
        log.debug("the error's traceback", exc_info=True)  # shown with --verbose
        _say(f"error: {e}")
        raise typer.Exit(e.exit_code) from None
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stopped(stopped: RunStopped) -> int:
    """Say why a run stopped and what it kept; the exit status to end with."""
    cause = stopped.__cause__
    if isinstance(cause, KeyboardInterrupt):
        _say(f"interrupted: {stopped}")
        return _signal_status(cause)
    if not isinstance(cause, DailyPapersError):
        raise stopped  # a bug: its traceback shows the cause
    _say(f"error: {cause}")
    if stopped.stored:
        _say(f"stopped: {stopped}")
    return cause.exit_code


def _say(line: str) -> None:
    err_console.print(redact(line, secret_values(os.environ)), markup=False)


def _signal_status(interrupt: KeyboardInterrupt) -> int:
    return SIGTERM_STATUS if isinstance(interrupt, Terminated) else SIGINT_STATUS


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def offline_config(out: Path | None, db: Path | None) -> Config:
    """The configuration of a command that reads an existing database and needs no LLM."""
    config = build_config(os.environ, out=out, db=db, offline=True)
    if not config.db_path.exists():
        raise StoreError(f"no database at {config.db_path}")
    return config


@contextmanager
def locked_store(config: Config, command: str) -> Iterator[Store]:
    """The database of a command that writes to it, held for this command alone: a second
    one waits up to ``config.lock_wait`` seconds ($DAILYPAPERS_LOCK_WAIT, default 10), then
    stops with a message naming the first."""
    with write_lock(config.db_path, command, config.lock_wait), Store.open(config.db_path) as db:
        yield db
