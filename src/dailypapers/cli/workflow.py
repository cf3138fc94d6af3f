"""``dailypapers workflow``: the GitHub Actions workflow that runs dailypapers on a schedule."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Annotated

import typer

from dailypapers import __version__
from dailypapers.cli.common import app, out_console, user_errors
from dailypapers.errors import DailyPapersError
from dailypapers.files import write_atomic

TEMPLATE = "github-workflow.yml"
VERSION_MARK = "@DAILYPAPERS_VERSION@"
WORKFLOW_PATH = Path(".github") / "workflows" / "dailypapers.yml"


def workflow_template() -> str:
    """The workflow template; its examples of what to install name the version that made it."""
    text = (files("dailypapers") / "data" / TEMPLATE).read_text(encoding="utf-8")
    return text.replace(VERSION_MARK, __version__)


def workflow_file(out: Path) -> Path:
    """Where ``--out`` writes: a ``.yml``/``.yaml`` path itself, else the repository folder's
    ``.github/workflows/dailypapers.yml``."""
    if out.suffix in (".yml", ".yaml"):
        return out
    return out / WORKFLOW_PATH


@app.command()
def workflow(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write the workflow instead of printing it: a .yml file, or a repository's "
            f"folder (then FOLDER/{WORKFLOW_PATH.as_posix()}; `--out .` for this one).",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace an existing workflow file that differs."),
    ] = False,
) -> None:
    """Print (or, with --out, write) a GitHub Actions workflow that runs dailypapers daily.

    Twice a day (23:30 and 07:30 UTC) it summarizes the days of the last week not done yet,
    builds the site into docs/, commits the digests and the site, publishes to every channel
    whose secrets are set, and keeps the database on a branch of its own. A day without
    papers is not an error, and two runs never overlap. Secrets and variables to set are
    listed at the top of the file and in the README.
    """
    text = workflow_template()
    if out is None:
        typer.echo(text, nl=False)
        return
    path = workflow_file(out)
    with user_errors():
        if path.exists():
            if path.read_text(encoding="utf-8") == text:
                out_console.print(f"{path} is up to date", markup=False)
                return
            if not force:
                raise DailyPapersError(
                    f"{path} exists and differs from the template; compare them with "
                    f"`dailypapers workflow | diff {path} -`, and use --force to replace it"
                )
        write_atomic(path, text)  # an OutputError names the file or folder and the cause
    out_console.print(
        f"wrote {path}: commit and push it, then set the secrets and variables it lists "
        "(Settings → Secrets and variables → Actions); DAILYPAPERS_PIP_SPEC is required, as "
        "dailypapers is not on PyPI yet",
        markup=False,
    )
