"""The day's job: fetch the list, read each paper, summarize, store, render.

Papers run concurrently in a bounded thread pool; the main thread alone writes to the
database, one paper at a time as each finishes, so a crash loses at most the papers in flight.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace

import httpx2

from dailypapers.config import Config
from dailypapers.digest.render import paper_entry
from dailypapers.digest.write import publish_day
from dailypapers.errors import DailyPapersError
from dailypapers.jobs.results import NoProgress, PaperResult, Progress, RunReport
from dailypapers.logs import redact
from dailypapers.models import DigestEntry, LLMCall, Paper, PaperText
from dailypapers.periods import Period
from dailypapers.ratelimit import RateLimiter
from dailypapers.sources.arxiv import download_pdf
from dailypapers.sources.hf import fetch_day, parse_entries
from dailypapers.sources.pdf import Extractor, normalise_text
from dailypapers.store import Store
from dailypapers.summarize import Summarizer, SummaryOutcome
from dailypapers.summarize.budget import fit_text
from dailypapers.summarize.cost import BATCH_SUFFIX, SpendCap, price_of

log = logging.getLogger(__name__)


@dataclass
class Day:
    """What a run needs besides its configuration."""

    config: Config
    store: Store
    http: httpx2.Client
    summarizer: Summarizer
    extractor: Extractor
    arxiv_pacer: RateLimiter | None = None
    #: One cap for the whole invocation: a range of days shares it.
    spend_cap: SpendCap | None = None


def run_day(day: Day, when: str, progress: Progress | None = None) -> RunReport:
    """Fetch, read, summarize, store and render one day. Never stops for one bad paper."""
    started = time.monotonic()
    report = RunReport(date=when, summarizer=f"{day.summarizer.model}")
    papers = list_day(day, when, report)
    run_id = day.store.start_run(when, report.summarizer)
    progress = progress or NoProgress()
    progress.begin(len(papers))
    todo = plan_day(day, when, papers, report, progress)
    summarize_papers(day, todo, report, progress)
    finish_day(day, when, report, run_id, started)
    return report


def summarize_papers(day: Day, papers: list[Paper], report: RunReport, progress: Progress) -> None:
    """The per-paper path: download, extract, summarize and store each paper, concurrently.

    Adds one result per paper to ``report``, and the time spent waiting for the rate limit.
    """
    waited_before = _rate_limit_wait(day)
    _summarize_all(day, papers, report, progress)
    report.rate_limit_wait_s += _rate_limit_wait(day) - waited_before


def _rate_limit_wait(day: Day) -> float:
    """Seconds the summarizer's workers have waited for the rate limit so far (all days)."""
    limiter = day.summarizer.limiter
    return limiter.pacing.waited_s if limiter else 0.0


def list_day(day: Day, when: str, report: RunReport) -> list[Paper]:
    """Fetch the day's list and store its papers and their order."""
    config = day.config
    entries = fetch_day(
        day.http,
        config.hf_endpoint,
        when,
        attempts=config.http_attempts,
        backoff=config.http_backoff,
    )
    parsed = parse_entries(entries)
    report.listed, report.problems = len(parsed.papers), list(parsed.problems)
    with day.store.transaction():
        for paper in parsed.papers:
            day.store.upsert_paper(paper, when)
        day.store.record_listing(Period.day(when), parsed.papers)
    return parsed.papers


def finish_day(day: Day, when: str, report: RunReport, run_id: int, started: float) -> None:
    """Rebuild the day's digest, write its files, and close its run with the report."""
    assemble_day(day.store, when, day.summarizer)
    config = day.config
    report.written = publish_day(day.store, config.out_dir, when, overwrite=config.overwrite)
    report.seconds = time.monotonic() - started
    day.store.finish_run(run_id, report.as_dict())


def plan_day(
    day: Day, when: str, papers: list[Paper], report: RunReport, progress: Progress
) -> list[Paper]:
    """Split the day's papers into those to summarize now and those settled already."""
    todo = []
    for paper in papers:
        elsewhere = [d for d in day.store.digest_dates(paper.arxiv_id) if d != when]
        stored = day.store.get_summary(
            paper.arxiv_id, day.summarizer.model, day.summarizer.prompt_version
        )
        if elsewhere:
            result = PaperResult(
                paper.arxiv_id, paper.title, "seen", f"already in the digest of {elsewhere[0]}"
            )
        elif stored and not day.config.force:
            result = PaperResult(paper.arxiv_id, paper.title, "reused", "summary already stored")
        else:
            todo.append(paper)
            continue
        report.results.append(result)
        progress.advance(result)
    return todo


def _summarize_all(day: Day, papers: list[Paper], report: RunReport, progress: Progress) -> None:
    with ThreadPoolExecutor(max_workers=day.config.concurrency) as pool:
        futures: dict[Future[tuple[PaperText, SummaryOutcome]], Paper] = {
            pool.submit(process_paper, day, paper): paper for paper in papers
        }
        for future in as_completed(futures):
            paper = futures[future]
            result = _store_outcome(day, paper, future)
            report.results.append(result)
            progress.advance(result)


def process_paper(day: Day, paper: Paper) -> tuple[PaperText, SummaryOutcome]:
    """Runs in a worker thread: touches the network and the CPU, never the database."""
    text = read_paper_text(day, paper)
    cap = day.spend_cap
    if cap is None:
        return text, day.summarizer.summarize(paper, text)
    estimate = estimated_cost(day, paper, text)
    if not cap.reserve(estimate):
        reason = f"not summarized: the run's cost cap (${cap.cap:g}) would be passed"
        return text, SummaryOutcome(summary=None, skipped=reason)
    outcome = day.summarizer.summarize(paper, text)
    cap.settle(estimate, calls_cost(day.config, outcome.calls))
    return text, outcome


def estimated_cost(day: Day, paper: Paper, text: PaperText) -> float:
    """What one paper should cost: the messages the summarizer would send, and its answer."""
    price = price_of(day.summarizer.model, day.config.prices)
    if price is None:
        return 0.0
    tokens = day.summarizer.estimate(paper, text)
    return price.of(tokens.input_tokens, tokens.output_tokens)


def calls_cost(config: Config, calls: list[LLMCall]) -> float:
    """US dollars at list price; 0 for a model not in the price table (local, extractive)."""
    total = 0.0
    for call in calls:
        model = call.model + (BATCH_SUFFIX if call.batch_id else "")
        price = price_of(model, config.prices)
        total += price.of(call.input_tokens, call.output_tokens) if price else 0.0
    return total


def read_paper_text(day: Day, paper: Paper) -> PaperText:
    """The paper's text fitted into the budget; the abstract alone when the PDF fails."""
    config = day.config
    try:
        pdf = download_pdf(
            day.http,
            config.arxiv_endpoint,
            paper.arxiv_id,
            config.cache_dir,
            attempts=config.http_attempts,
            backoff=config.http_backoff,
            pacer=day.arxiv_pacer,
        )
        extracted = day.extractor.extract(pdf, arxiv_id=paper.arxiv_id)
    except DailyPapersError as e:
        log.info("%s: no PDF text (%s); using the abstract", paper.arxiv_id, e.reason)
        fitted = fit_text(paper.title, paper.abstract, "", config.token_budget)
        return PaperText(
            paper.arxiv_id, fitted.text, "abstract", fitted.tokens, missing_reason=e.reason
        )
    body = normalise_text(extracted.text)
    fitted = fit_text(paper.title, paper.abstract, body, config.token_budget)
    log.info(
        "%s: %d pages, %d tokens sent of the text (left out: %s)",
        paper.arxiv_id,
        extracted.pages,
        fitted.tokens,
        ", ".join(fitted.dropped) or "nothing",
    )
    return PaperText(
        arxiv_id=paper.arxiv_id,
        text=fitted.text,
        source="pdf",
        tokens=fitted.tokens,
        pages=extracted.pages,
        full_text=body,
        dropped_sections=fitted.dropped,
    )


def _store_outcome(
    day: Day, paper: Paper, future: Future[tuple[PaperText, SummaryOutcome]]
) -> PaperResult:
    try:
        text, outcome = future.result()
    except Exception as e:  # a bug in one paper must not stop the day: record it, go on
        log.warning("%s: internal error", paper.arxiv_id, exc_info=True)
        reason = f"internal error: {type(e).__name__}: {e}"
        day.store.set_status(paper.arxiv_id, "failed", redact(reason, day.config.secrets))
        return PaperResult(
            paper.arxiv_id, paper.title, "failed", redact(reason, day.config.secrets)
        )
    return store_result(day, paper, text, outcome)


def store_result(day: Day, paper: Paper, text: PaperText, outcome: SummaryOutcome) -> PaperResult:
    """Save a paper's text, its LLM calls and its summary (or why it failed), in one go."""
    secrets = day.config.secrets
    text = outcome.text or text
    if outcome.skipped:
        day.store.set_status(paper.arxiv_id, "skipped", outcome.skipped)
        return PaperResult(paper.arxiv_id, paper.title, "skipped", outcome.skipped)
    with day.store.transaction():
        day.store.save_text(text)
        for call in outcome.calls:
            day.store.record_llm_call(redact_call(call, secrets))
        if outcome.summary is not None:
            day.store.save_summary(paper.arxiv_id, outcome.summary)
            day.store.set_status(paper.arxiv_id, "summarized", text.missing_reason)
        else:
            day.store.set_status(paper.arxiv_id, "failed", redact(outcome.error or "", secrets))
    result = PaperResult(
        paper.arxiv_id,
        paper.title,
        "summarized" if outcome.summary else "failed",
        redact(outcome.error, secrets) if outcome.error else _text_note(text),
        text.source,
        sum(c.input_tokens for c in outcome.calls),
        sum(c.output_tokens for c in outcome.calls),
        len(outcome.calls),
        sum(1 for c in outcome.calls if not c.ok),
        outcome.summary.flags if outcome.summary else (),
        calls_cost(day.config, outcome.calls),
    )
    return result


def _text_note(text: PaperText) -> str | None:
    if text.source == "abstract":
        return f"summarized from the abstract: {text.missing_reason}"
    return None


def assemble_day(store: Store, when: str, summarizer: Summarizer) -> None:
    """Rebuild the day's own digest block: its papers with a summary, most votes first.

    Blocks imported from an archive stay as they were; papers already shown on another day
    are left out, so no paper is published twice.
    """
    first_run = store.imported_runs(when)
    shown = {e.arxiv_id for run in _runs(store, when)[:first_run] for e in run}
    chosen: list[tuple[DigestEntry, int]] = []
    for arxiv_id, votes in store.listing(when):
        if arxiv_id in shown or any(d != when for d in store.digest_dates(arxiv_id)):
            continue
        stored = store.best_summary(arxiv_id, summarizer.model, summarizer.prompt_version)
        paper = store.get_paper(arxiv_id)
        if stored is None or paper is None:
            continue
        chosen.append((paper_entry(paper, stored.summary.sections, votes), stored.id))
    chosen.sort(key=lambda pair: -pair[0].votes)
    with store.transaction():
        store.replace_runs_from(when, first_run, [chosen] if chosen else [])


def _runs(store: Store, when: str) -> list[list[DigestEntry]]:
    digest = store.load_digest(when)
    return [list(run.entries) for run in digest.runs] if digest else []


def redact_call(call: LLMCall, secrets: tuple[str, ...]) -> LLMCall:
    return replace(
        call,
        error=redact(call.error, secrets) if call.error else call.error,
        raw_response=redact(call.raw_response, secrets) if call.raw_response else None,
    )
