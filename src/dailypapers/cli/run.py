"""``dailypapers run``: a day, a range of days, a week, or a batch backfill."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.markup import escape

from dailypapers.cli.common import (
    DateOption,
    DbOption,
    OutOption,
    OverwriteOption,
    VerboseOption,
    app,
    err_console,
    locked_store,
    out_console,
    today,
    user_errors,
)
from dailypapers.cli.output import (
    PaperBar,
    print_range,
    print_relisted,
    print_report,
    progress_bar,
)
from dailypapers.concurrency import AdaptiveConcurrency, CallSlots
from dailypapers.config import DEFAULT_CONCURRENCY, Config, SummarizerChoice, build_config
from dailypapers.digest.write import check_outputs, day_files, weekly_path
from dailypapers.errors import ConfigError, DateError
from dailypapers.http import BearerFor, make_client
from dailypapers.jobs.backfill import DayResult, run_range
from dailypapers.jobs.batch import run_batch
from dailypapers.jobs.context import Day
from dailypapers.jobs.day import run_day
from dailypapers.jobs.relist import Relisted, relist_days
from dailypapers.jobs.results import RunReport, RunStopped
from dailypapers.jobs.week import DEFAULT_TOP, run_week
from dailypapers.logs import secret_values, setup_logging
from dailypapers.periods import dates_between, validate_date, validate_week
from dailypapers.sources.arxiv import arxiv_pacer
from dailypapers.sources.pacing import hf_pacer
from dailypapers.sources.pdf import Extractor
from dailypapers.summarize import make_summarizer
from dailypapers.summarize.cost import SpendCap


@app.command()
def run(
    date: DateOption = None,
    since: Annotated[
        str | None,
        typer.Option(
            help="Backfill: first day of a range, YYYY-MM-DD. Days already complete are skipped."
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(help="Backfill: last day of the range (default: today in UTC)."),
    ] = None,
    week: Annotated[
        str | None,
        typer.Option(
            help="Weekly digest of an ISO week, YYYY-Www (e.g. 2024-W49): its top papers by "
            "votes, reusing every stored summary, in paper_logs/weekly/YYYY-Www.md."
        ),
    ] = None,
    top: Annotated[
        int | None,
        typer.Option(min=1, help=f"With --week: how many papers. Default: {DEFAULT_TOP}."),
    ] = None,
    out: OutOption = None,
    db: DbOption = None,
    model: Annotated[
        str | None,
        typer.Option(help="LLM model name. Default: $DAILYPAPERS_MODEL or gpt-4o."),
    ] = None,
    summarizer: Annotated[
        str | None,
        typer.Option(
            help="auto (an LLM when OPENAI_API_KEY or OPENAI_BASE_URL is set, else "
            "extractive), llm, or extractive. Default: $DAILYPAPERS_SUMMARIZER or auto."
        ),
    ] = None,
    provider: Annotated[
        str | None,
        typer.Option(
            help="An LLM preset: its URL, key variable and default model (see `dailypapers "
            "providers`). Default: $DAILYPAPERS_PROVIDER, else OPENAI_API_KEY/OPENAI_BASE_URL."
        ),
    ] = None,
    token_budget: Annotated[
        int | None,
        typer.Option(help="Most tokens of paper text sent per paper. Default: 16000."),
    ] = None,
    concurrency: Annotated[
        int | None,
        typer.Option(
            help="The most LLM calls in flight: a cap, the run finds the right number itself. "
            f"Default: $DAILYPAPERS_CONCURRENCY or {DEFAULT_CONCURRENCY}."
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Summarize again even if a summary is stored (and rerun complete days)."
        ),
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            help="Language of the summaries: ko, en, ja or zh (section names stay in English). "
            "Default: $DAILYPAPERS_LANG or ko."
        ),
    ] = None,
    batch: Annotated[
        bool,
        typer.Option(
            "--batch",
            help="Summarize through the OpenAI Batch API at half price: collects finished "
            "batches, submits what is left, and exits; run the same command again to collect.",
        ),
    ] = False,
    max_cost: Annotated[
        float | None,
        typer.Option(
            help="Stop starting new papers once this run's spend (USD at list price) would pass "
            "this; the rest are reported as skipped. Default: $DAILYPAPERS_MAX_COST or no cap."
        ),
    ] = None,
    relist: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="List again this many days before the day run and summarize the papers "
            "Hugging Face added to them late; 0 turns it off. Default: $DAILYPAPERS_RELIST_DAYS "
            "or 2.",
        ),
    ] = None,
    sources: Annotated[
        str | None,
        typer.Option(
            help="Where each paper's text is looked for, in order: hf (Hugging Face Markdown), "
            "html (arXiv HTML), pdf, abstract. Default: $DAILYPAPERS_TEXT_SOURCES or "
            "hf,html,pdf,abstract."
        ),
    ] = None,
    verify: Annotated[
        str | None,
        typer.Option(
            help="off, or llm: after each new summary, one more call asks the model for the "
            "paper's span behind each sentence; sentences whose span is not in the paper are "
            "flagged. Default: $DAILYPAPERS_VERIFY or off."
        ),
    ] = None,
    overwrite: OverwriteOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Fetch, read, summarize, store and render one day (or a range) of Daily Papers.

    Papers summarized before are reused (zero tokens) unless --force; papers already in an
    earlier day's digest are not published again. A run of one day also lists the days before
    it again (--relist) and adds the papers that came late to their digests. With --since (and
    --until) every day of the range that is not complete yet is run, oldest first. With --week,
    the week's top papers by votes make a weekly digest. Exits 1 if any paper or day failed.
    """
    setup_logging(err_console, verbose=verbose, secrets=secret_values(os.environ))
    with user_errors():
        if week is not None or top is not None:
            week = _week(week, top, date=date, since=since, until=until, batch=batch)
        else:
            dates = _dates(date, since, until)
        config = build_config(
            os.environ,
            out=out,
            db=db,
            model=model,
            summarizer=_summarizer_choice(summarizer),
            token_budget=token_budget,
            concurrency=concurrency,
            force=force,
            overwrite=overwrite,
            provider=provider,
            max_cost=max_cost,
            lang=lang,
            relist=relist,
            sources=sources,
            verify=verify,
        )
        # Before any request: a run that pays and then has nowhere to write is the bad case.
        out_dir = config.out_dir
        files = [weekly_path(out_dir, week)] if week is not None else day_files(out_dir, dates)
        check_outputs(out_dir, files, overwrite=overwrite)
        if week is not None:
            if not _run_week(config, week, top or DEFAULT_TOP):
                raise typer.Exit(1)
            return
        if batch:
            if not _run_batch(config, dates):
                raise typer.Exit(1)
            return
        with _open_day(config) as day, progress_bar(err_console) as progress:
            if since is None:
                report = run_day(day, dates[0], progress)
                relisted = _relist(day, report, progress)
                ok = report.ok and all(r.ok for r in relisted)
            else:
                results = run_range(day, dates, progress=progress, on_day=_print_day)
                ok = all(r.outcome != "failed" for r in results)
    if since is None:
        print_report(out_console, report)
        print_relisted(out_console, relisted)
    else:
        print_range(out_console, results)
    if not ok:
        raise typer.Exit(1)


def _relist(day: Day, report: RunReport, progress: PaperBar) -> list[Relisted]:
    """The days before the day run, listed again for late papers; when that stops the run
    (Ctrl-C, an LLM no paper can use), the day's own report is shown first."""
    try:
        return relist_days(day, report.date, progress)
    except RunStopped:
        print_report(out_console, report)
        raise


def _run_batch(config: Config, dates: list[str]) -> bool:
    """Collect, submit, report; False when a collected day has a failed paper."""
    if config.llm is None:
        raise ConfigError("--batch needs an LLM: set OPENAI_API_KEY or choose a --provider")
    if config.llm.verify == "llm":
        raise ConfigError(
            "--verify llm does not go with --batch: summaries from the Batch API are not "
            "verified; leave out --verify (and DAILYPAPERS_VERIFY)"
        )
    with _open_day(config, "run --batch") as day:
        report = run_batch(day, dates)
    for day_report in report.days:
        print_report(out_console, day_report)
    for batch_id, status in report.waiting.items():
        out_console.print(f"batch {batch_id}: {status}; run the same command later to collect it")
    for batch_id, status in report.ended.items():
        out_console.print(f"batch {batch_id} ended {status} without results; its papers go again")
    for batch_id, count in report.submitted.items():
        out_console.print(
            f"submitted batch {batch_id} with {count} papers; run the same command again to "
            "collect it (OpenAI finishes batches within 24 hours)"
        )
    if not (report.days or report.waiting or report.submitted):
        out_console.print("nothing to do: every day of the range is complete")
    return all(day_report.ok for day_report in report.days)


def _run_week(config: Config, week: str, top: int) -> bool:
    """Build the week's digest and print its report; False when a paper or entry failed."""
    with _open_day(config, "run --week") as day, progress_bar(err_console) as progress:
        report = run_week(day, week, top, progress)
    shown = min(top, report.listed)
    out_console.print(f"weekly digest {week}: the top {shown} of {report.listed} papers by votes")
    print_report(out_console, report)
    return report.ok


def _week(
    week: str | None,
    top: int | None,
    *,
    date: str | None,
    since: str | None,
    until: str | None,
    batch: bool,
) -> str:
    """The validated --week, refusing options that do not go with it."""
    if week is None:
        raise DateError("--top needs --week")
    if date is not None or since is not None or until is not None:
        raise DateError("give either --week or --date/--since/--until, not both")
    if batch:
        raise ConfigError("--batch works with days (--date, --since/--until), not with --week")
    return validate_week(week)


def _dates(date: str | None, since: str | None, until: str | None) -> list[str]:
    if since is None:
        if until is not None:
            raise DateError("--until needs --since")
        return [validate_date(date or today())]
    if date is not None:
        raise DateError("give either --date or --since/--until, not both")
    return dates_between(validate_date(since), validate_date(until or today()))


def _print_day(result: DayResult) -> None:
    if result.report is not None:
        print_report(out_console, result.report)
    elif result.outcome == "failed":
        detail = escape(result.detail)
        out_console.print(f"{result.date}: [bold red]failed[/]: {detail}", highlight=False)


def _summarizer_choice(value: str | None) -> SummarizerChoice | None:
    if value is None:
        return None
    if value not in ("auto", "llm", "extractive"):
        raise typer.BadParameter("choose auto, llm or extractive", param_hint="--summarizer")
    return value  # type: ignore[return-value]


@contextmanager
def _open_day(config: Config, command: str = "run") -> Iterator[Day]:
    """Everything a run needs, opened once for one day or a whole range, closed after."""
    slots = CallSlots(AdaptiveConcurrency(config.concurrency))
    summarizer = make_summarizer(config.llm, slots=slots)
    token = config.hf_token
    auth = BearerFor(config.hf_endpoint, token) if token else None
    try:
        with (
            locked_store(config, command) as store,
            make_client(timeout=config.http_timeout, auth=auth) as http,
            Extractor(config.pdf_timeout, memory_mb=config.pdf_memory_mb) as extractor,
        ):
            pacer = arxiv_pacer(config.arxiv_interval)
            cap = SpendCap(config.max_cost) if config.max_cost is not None else None
            hf = hf_pacer(token=token is not None, allowance=config.hf_pages)
            yield Day(config, store, http, summarizer, extractor, pacer, cap, hf, slots)
    finally:
        summarizer.close()
