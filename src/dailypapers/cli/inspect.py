"""Commands that look without changing anything: status, check, stats, providers, doctor."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dailypapers.cli.common import (
    DateOption,
    DbOption,
    OutOption,
    app,
    err_console,
    offline_config,
    out_console,
    today,
    user_errors,
)
from dailypapers.cli.output import (
    print_checks,
    print_day_counts,
    print_findings,
    print_grounding,
    print_sources,
    print_stats,
    print_status,
)
from dailypapers.errors import StoreError, UsageError
from dailypapers.evidence import GroundingShare
from dailypapers.jobs.check import PaperCheck, check_database, check_files
from dailypapers.jobs.doctor import examine
from dailypapers.periods import validate_date
from dailypapers.store import Store
from dailypapers.summarize.checks import CheckSettings, settings_for
from dailypapers.summarize.cost import spend_report
from dailypapers.summarize.languages import LANGUAGES
from dailypapers.summarize.providers import PROVIDERS


@app.command()
def status(date: DateOption = None, out: OutOption = None, db: DbOption = None) -> None:
    """Show the stored state of a day: each paper's status, text source, tokens and errors."""
    with user_errors():
        when = validate_date(date or today())
        config = offline_config(out, db)
        with Store.open_to_read(config.db_path) as store:
            rows = store.day_states(when)
            last_run = store.last_run(when)
    if not rows:
        out_console.print(f"nothing stored for {when}")
        return
    print_status(out_console, when, rows, last_run)


@app.command()
def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Digest files, or folders of them (ours or the predecessor's)."),
    ] = None,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db", help="Also check the summaries stored here against their stored paper text."
        ),
    ] = None,
    json_lines: Annotated[
        bool, typer.Option("--json", help="One JSON object per paper and line, clean ones too.")
    ] = False,
    lang: Annotated[str, typer.Option(help="The summaries' language: ko, en, ja or zh.")] = "ko",
) -> None:
    """Check summaries: the three sections and their length, the language, leftover JSON or
    Markdown, chatter, planted instructions, and (with --db) every number against the paper.
    Extractive summaries (made without an LLM) are English by design and checked as English.

    Prints each paper with findings and a summary, and one line per file it could not read
    (the others are still checked). Exits 1 if any paper has findings, 2 if a file could not
    be read.
    """
    with user_errors():
        if not paths and db is None:
            raise UsageError("give digest files or folders, or --db FILE")
        if lang not in LANGUAGES:
            raise UsageError(
                f"--lang {lang}: unknown language: choose one of {', '.join(LANGUAGES)}"
            )
        settings = settings_for(lang)
        checked = check_files(paths or [], settings)
        results = checked.papers
        if db is not None:
            results += _check_database(db, settings, checked.unreadable)
    for result in results:
        if json_lines:
            out_console.print_json(data=result.as_dict(), indent=None)
    print_checks(err_console if json_lines else out_console, results, detailed=not json_lines)
    for line in checked.unreadable:
        err_console.print(f"error: {line}", markup=False)
    if checked.unreadable:
        raise typer.Exit(2)
    if any(r.findings for r in results):
        raise typer.Exit(1)


def _check_database(db: Path, settings: CheckSettings, unreadable: list[str]) -> list[PaperCheck]:
    """The stored summaries' checks; a database that cannot be opened goes to ``unreadable``."""
    if not db.exists():
        unreadable.append(f"{db}: no database there")
        return []
    try:
        with Store.open_to_read(db) as store:
            return list(check_database(store, settings))
    except StoreError as e:
        unreadable.append(str(e) if str(db) in str(e) else f"{db}: {e}")
        return []


@app.command()
def stats(
    out: OutOption = None,
    db: DbOption = None,
    since: Annotated[
        str | None, typer.Option(help="Only papers first listed on or after this date.")
    ] = None,
) -> None:
    """Tokens and cost (USD at list price) of every LLM call stored: per day, per model, and
    the costliest papers; the share of each source of paper text (hf, html, pdf,
    abstract); and the share of published summaries with every number and name found in
    their paper. Prices: the built-in table, or DAILYPAPERS_PRICES."""
    with user_errors():
        first = validate_date(since) if since else None
        config = offline_config(out, db)
        with Store.open_to_read(config.db_path) as store:
            rows = store.call_tokens(first)
            sources = store.source_counts(first)
            grounding = GroundingShare.of(store.published_groundings(first))
    uses = [(r.day, r.model, r.arxiv_id, r.calls, r.input_tokens, r.output_tokens) for r in rows]
    spend = spend_report(uses, config.prices)
    print_stats(out_console, spend)
    print_sources(out_console, sources)
    print_grounding(out_console, grounding)


@app.command()
def providers() -> None:
    """List the LLM presets for --provider: URL, key variable, default model, and whether the
    key is set in this environment (local servers need none)."""
    table = Table(title="dailypapers providers", show_lines=False)
    for column in ("name", "configured", "key variable", "default model", "base URL", "what"):
        table.add_column(column, overflow="fold")
    for preset in PROVIDERS.values():
        configured = "[green]yes[/]" if preset.configured(os.environ) else "[red]no[/]"
        table.add_row(
            preset.name,
            configured,
            preset.key_variable or "(none: local)",
            preset.default_model,
            preset.base_url,
            preset.about,
        )
    out_console.print(table)
    out_console.print(
        "choose one with --provider NAME or DAILYPAPERS_PROVIDER; DAILYPAPERS_BASE_URL "
        "overrides its URL, --model its model"
    )


@app.command()
def doctor(
    out: OutOption = None,
    db: DbOption = None,
    since: Annotated[
        str | None, typer.Option(help="Look only at days from this date on, YYYY-MM-DD.")
    ] = None,
) -> None:
    """Find days missing or incomplete in the database and the digest files, and say how to
    fix each: weekdays never run, interrupted runs, failed papers, listed papers not summarized
    (late ones too), digest files missing or different from the database, a stale README,
    leftover temporary files. Shows listed vs summarized for the latest days. Exits 1 if any."""
    with user_errors():
        first = validate_date(since) if since else None
        config = offline_config(out, db)
        diagnosis = examine(config.db_path, config.out_dir, since=first)
    print_day_counts(out_console, diagnosis.counts)
    print_findings(out_console, diagnosis.findings, diagnosis.days)
    if diagnosis.findings:
        raise typer.Exit(1)
