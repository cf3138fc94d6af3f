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
    OverwriteOption,
    app,
    err_console,
    locked_store,
    out_console,
    today,
    user_errors,
)
from dailypapers.config import build_config
from dailypapers.digest.importer import import_archive
from dailypapers.digest.write import check_outputs, day_files, publish_day
from dailypapers.errors import UsageError
from dailypapers.files import check_folder
from dailypapers.periods import validate_date


@app.command()
def render(
    date: DateOption = None,
    out: OutOption = None,
    db: DbOption = None,
    all_days: Annotated[bool, typer.Option("--all", help="Render every stored day.")] = False,
    overwrite: OverwriteOption = False,
) -> None:
    """Write the digest file(s) and README.md again from the database, without the network."""
    with user_errors():
        if all_days and date is not None:
            raise UsageError("give either --date or --all, not both")
        chosen = None if all_days else validate_date(date or today())
        config = build_config(os.environ, out=out, db=db, offline=True)
        check_folder(config.out_dir)
        with locked_store(config, "render") as store:
            days = store.digest_days() if chosen is None else [chosen]
            if chosen is not None and chosen not in store.digest_days():
                err_console.print(f"error: no digest stored for {days[0]}")
                raise typer.Exit(1)
            check_outputs(config.out_dir, day_files(config.out_dir, days), overwrite=overwrite)
            written = set()
            for when in days:
                written.update(publish_day(store, config.out_dir, when, overwrite=overwrite))
    out_console.print(f"wrote {len(written)} files for {len(days)} day(s) under {config.out_dir}")


@app.command("import-logs")
def import_logs(
    folder: Annotated[
        Path,
        typer.Argument(
            help="The root of a checkout of the predecessor (its paper_logs/ is read), a "
            "paper_logs/YYYY/MM/DD.md tree, or a folder of YYYY-MM-DD.md files."
        ),
    ],
    out: OutOption = None,
    db: DbOption = None,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Replace days a run of dailypapers already stored."),
    ] = False,
) -> None:
    """Import an existing archive of digests, of every era, so history and dedupe carry over.

    Every entry is kept exactly as written; `dailypapers render --date D` gives the file back.
    An entry no format explains is kept verbatim and reported as a warning; the exit status is
    1 only when a file could not be read at all.
    """
    with user_errors():
        if not folder.is_dir():
            raise UsageError(f"{folder} is not a folder")
        config = build_config(os.environ, out=out, db=db, offline=True)
        with locked_store(config, "import-logs") as store:
            report = import_archive(store, folder, replace=replace)
    out_console.print(f"imported {report.papers} papers from {len(report.days)} days")
    for irregular in report.irregular:
        err_console.print(f"warning: {irregular}", markup=False)
    if report.irregular:
        out_console.print(f"{len(report.irregular)} entries kept verbatim (see the warnings)")
    for when in report.kept:
        err_console.print(
            f"warning: kept the digest of {when} stored by a run of dailypapers; "
            "--replace imports the archive's instead",
            markup=False,
        )
    for error in report.errors:
        err_console.print(f"error: {error}", markup=False)
    if report.errors:
        raise typer.Exit(1)
