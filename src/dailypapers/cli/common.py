"""What every ``dailypapers`` command shares: the app, the consoles, options and errors."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from dailypapers import __version__
from dailypapers.config import Config, build_config
from dailypapers.errors import DailyPapersError, StoreError
from dailypapers.logs import redact, secret_values

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


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn our own errors into one line on stderr, keys redacted, and the error's exit status:
    2 for a usage error (a bad option, variable or date), 1 for anything that failed."""
    try:
        yield
    except DailyPapersError as e:
        message = redact(str(e), secret_values(os.environ))
        err_console.print(f"error: {message}", markup=False)
        raise typer.Exit(e.exit_code) from None


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def offline_config(out: Path | None, db: Path | None) -> Config:
    """The configuration of a command that reads an existing database and needs no LLM."""
    config = build_config(os.environ, out=out, db=db, offline=True)
    if not config.db_path.exists():
        raise StoreError(f"no database at {config.db_path}")
    return config
