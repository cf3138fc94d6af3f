"""``dailypapers site build``: the static web site, from the database."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from dailypapers.cli.common import (
    DbOption,
    OutOption,
    app,
    err_console,
    offline_config,
    out_console,
    user_errors,
)
from dailypapers.digest.views import web_url
from dailypapers.errors import UsageError
from dailypapers.files import check_folder
from dailypapers.site.build import build_site
from dailypapers.site.processes import MAX_JOBS
from dailypapers.site.topics import parse_topic
from dailypapers.store import Store

site_app = typer.Typer(
    help="The static web site: every stored day, an archive, search, an Atom feed, JSON data.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(site_app, name="site")


@site_app.command("build")
def build(
    folder: Annotated[
        Path, typer.Argument(help="Folder to write the site into, e.g. docs/ for GitHub Pages.")
    ],
    base_url: Annotated[
        str | None,
        typer.Option(
            help="The site's public address, e.g. https://you.github.io/papers/ "
            "(makes the feed's links absolute). Default: $DAILYPAPERS_SITE_URL."
        ),
    ] = None,
    topic: Annotated[
        list[str] | None,
        typer.Option(
            help="A feed of papers on a topic, written as feeds/NAME.xml: NAME=term,term "
            "(e.g. rl=강화 학습,reward; terms match titles, keywords and summaries, any case, "
            "spaces between Hangul ignored). Repeatable."
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Processes for a big build (the first one, or after an upgrade): the days "
            "are shared among them. Default: one per processor, at most "
            f"{MAX_JOBS}; 1 builds in this process only.",
        ),
    ] = None,
    out: OutOption = None,
    db: DbOption = None,
) -> None:
    """Build the web site into FOLDER from the stored digests, without the network.

    The pages link to each other relatively, so FOLDER works opened from disk and served
    from any path. Unchanged files are not rewritten.
    """
    with user_errors():
        url = _base_url(base_url)
        topics = [parse_topic(spec) for spec in topic or []]
        config = offline_config(out, db)
        check_folder(folder)
        # Reading only: no write lock, and a database the user may not write is fine.
        with Store.open_to_read(config.db_path) as store:
            report = build_site(store, folder, base_url=url, topics=topics, jobs=jobs)
    if url is None:  # after the build, so a failed one says only what failed
        err_console.print(NO_BASE_URL, markup=False)
    removed = f", {len(report.removed)} no longer made removed" if report.removed else ""
    processes = f" in {report.processes} processes" if report.processes > 1 else ""
    out_console.print(
        f"site: {count(report.days, 'day')}, {count(report.weeks, 'week')}, "
        f"{count(report.papers, 'paper')} → {folder} "
        f"({len(report.written)} files written, {report.unchanged} unchanged{removed}; "
        f"{report.seconds:.1f} s{processes})"
    )


NO_BASE_URL = (
    "warning: no --base-url (nor DAILYPAPERS_SITE_URL): the feeds' and link previews' "
    "links are relative, so feed readers and chat apps cannot follow them; build with "
    "--base-url https://you.github.io/papers/ (the site's public address)"
)


def _base_url(flag: str | None) -> str | None:
    """--base-url, else $DAILYPAPERS_SITE_URL, else None; a usage error naming whichever gave
    an address that is not http(s)."""
    name = "--base-url" if flag else "DAILYPAPERS_SITE_URL"
    url = flag or os.environ.get("DAILYPAPERS_SITE_URL") or None
    if url is not None and web_url(url) is None:
        raise UsageError(f"{name} {url!r} is not an http(s) address")
    return url


def count(number: int, noun: str) -> str:
    """``1 day``, ``2 days``."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
