"""``render`` and ``import-logs``: the digest files and the database, both ways, offline."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from dailypapers.cli.common import (
    DateOption,
    DbOption,
    OutOption,
    app,
    err_console,
    out_console,
    today,
    user_errors,
)
from dailypapers.config import build_config
from dailypapers.digest.importer import import_archive
from dailypapers.digest.write import publish_day
from dailypapers.errors import UsageError
from dailypapers.periods import validate_date
from dailypapers.store import Store


@app.command()
def render(
    date: DateOption = None,
    out: OutOption = None,
    db: DbOption = None,
    all_days: Annotated[bool, typer.Option("--all", help="Render every stored day.")] = False,
) -> None:
    """Write the digest file(s) and README.md again from the database, without the network."""
    with user_errors():
        if all_days and date is not None:
            raise UsageError("give either --date or --all, not both")
        chosen = None if all_days else validate_date(date or today())
        config = build_config(os.environ, out=out, db=db, offline=True)
        with Store.open(config.db_path) as store:
            days = store.digest_days() if chosen is None else [chosen]
            if chosen is not None and chosen not in store.digest_days():
                err_console.print(f"error: no digest stored for {days[0]}")
                raise typer.Exit(1)
            written = set()
            for when in days:
                written.update(publish_day(store, config.out_dir, when))
    out_console.print(f"wrote {len(written)} files for {len(days)} day(s) under {config.out_dir}")


@app.command("import-logs")
def import_logs(
    folder: Annotated[
        Path,
        typer.Argument(
            help="A folder of digests: YYYY-MM-DD.md files or a paper_logs/YYYY/MM/DD.md tree."
        ),
    ],
    out: OutOption = None,
    db: DbOption = None,
) -> None:
    """Import an existing archive of digests, so history and dedupe carry over.

    Every section is kept exactly as written; `dailypapers render --date D` gives the file back.
    """
    with user_errors():
        if not folder.is_dir():
            raise UsageError(f"{folder} is not a folder")
        config = build_config(os.environ, out=out, db=db, offline=True)
        with Store.open(config.db_path) as store:
            report = import_archive(store, folder)
    out_console.print(f"imported {report.papers} papers from {len(report.days)} days")
    for error in report.errors:
        err_console.print(f"error: {error}", markup=False)
    if report.errors:
        raise typer.Exit(1)
