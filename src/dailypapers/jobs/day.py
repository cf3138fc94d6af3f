"""The day's job: fetch the list, read each paper, summarize, store, render.

Papers run concurrently in a bounded thread pool; the main thread alone writes to the
database, one paper at a time as each finishes, so a crash loses at most the papers in flight.
No more papers are started than there are workers, so when the run must stop (Ctrl-C, SIGTERM,
an LLM that cannot work, a full disk) nothing is queued: the calls in flight finish, their
answers are stored, and the run ends with ``RunStopped``.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, as_completed, wait
from dataclasses import replace

from dailypapers.config import Config
from dailypapers.digest.render import paper_entry
from dailypapers.digest.write import publish_day
from dailypapers.errors import DailyPapersError, LLMUnusable
from dailypapers.jobs.context import Day
from dailypapers.jobs.reading import read_paper_text
from dailypapers.jobs.results import NoProgress, PaperResult, Progress, RunReport, RunStopped
from dailypapers.logs import redact
from dailypapers.models import DigestEntry, LLMCall, Paper, PaperText
from dailypapers.periods import Period
from dailypapers.sources.hf import fetch_day, parse_entries
from dailypapers.store import Store
from dailypapers.summarize import Summarizer, SummaryOutcome
from dailypapers.summarize.cost import BATCH_SUFFIX, price_of

log = logging.getLogger(__name__)


def run_day(day: Day, when: str, progress: Progress | None = None) -> RunReport:
    """Fetch, read, summarize, store and render one day. Never stops for one bad paper."""
    started = time.monotonic()
    report = RunReport(date=when, summarizer=f"{day.summarizer.model}")
    papers = list_day(day, when, report)
    run_id = day.store.start_run(when, report.summarizer)
    progress = progress or NoProgress()
    progress.begin(len(papers))
    todo = plan_day(day, when, papers, report, progress)
    try:
        summarize_papers(day, todo, report, progress)
    except RunStopped as e:
        report.seconds = time.monotonic() - started
        reason = redact(stop_reason(e), day.config.secrets)
        try:
            day.store.finish_run(run_id, report.as_dict() | {"stopped": reason})
        except DailyPapersError as error:  # the full disk that stopped the run, say
            log.error("the run's report could not be stored: %s", error)
        raise
    finish_day(day, when, report, run_id, started)
    return report


def stop_reason(stopped: RunStopped) -> str:
    cause = stopped.__cause__
    if isinstance(cause, KeyboardInterrupt):
        return f"interrupted ({type(cause).__name__}): {stopped}"
    return f"{cause}: {stopped}"


def summarize_papers(day: Day, papers: list[Paper], report: RunReport, progress: Progress) -> None:
    """The per-paper path: download, extract, summarize and store each paper, concurrently.

    Adds one result per paper to ``report``, and the time spent waiting for the rate limit.
    Looks at the LLM once first (``Summarizer.check``): a wrong key or URL stops the run
    before anything is downloaded.
    """
    if papers and not day.llm_checked:
        try:
            day.summarizer.check()
        except LLMUnusable as e:
            raise RunStopped(0, len(papers)) from e
        day.llm_checked = True
    waited_before = _rate_limit_wait(day)
    try:
        _summarize_all(day, papers, report, progress)
    finally:
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
        seconds=config.download_seconds,
    )
    parsed = parse_entries(entries)
    report.listed, report.problems = len(parsed.papers), list(parsed.problems)
    report.dropped = list(parsed.dropped)
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


Work = Future["tuple[PaperText, SummaryOutcome] | None"]


def _summarize_all(day: Day, papers: list[Paper], report: RunReport, progress: Progress) -> None:
    """Keep ``concurrency`` papers in flight and store each as it finishes.

    Any exception in this thread (Ctrl-C, SIGTERM, a store that cannot write) or an LLM that
    cannot work stops the run: see ``_stop``.
    """
    waiting = deque(papers)
    running: dict[Work, Paper] = {}
    first = len(report.results)  # this call's results start here
    with ThreadPoolExecutor(max_workers=day.config.concurrency) as pool:
        try:
            while waiting or running:
                while waiting and len(running) < day.config.concurrency:
                    paper = waiting.popleft()
                    running[pool.submit(process_paper, day, paper)] = paper
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    _finish_paper(day, running.pop(future), future, report, progress)
        except BaseException as e:
            try:
                not_started = len(waiting) + _stop(day, running, report, progress)
            except KeyboardInterrupt:  # a second Ctrl-C: the answers in flight are not kept
                not_started = len(waiting) + len(running)
            raise RunStopped(_summarized_since(report, first), not_started) from e


def _stop(day: Day, running: dict[Work, Paper], report: RunReport, progress: Progress) -> int:
    """Start nothing more, let the papers in flight finish and store what they paid for.

    Returns how many of them had not reached the LLM yet.
    """
    day.stop()
    if running:
        log.warning("stopping: waiting for %d papers in flight to finish", len(running))
    not_started = 0
    for future in as_completed(list(running)):
        paper = running.pop(future)
        try:
            started = _finish_paper(day, paper, future, report, progress)
        except LLMUnusable:  # recorded by _finish_paper; the run is stopping already
            started = True
        except DailyPapersError as e:  # e.g. the disk that stopped the run is still full
            log.error("%s: its answer could not be stored: %s", paper.arxiv_id, e)
            started = True
        not_started += not started
    return not_started


def _summarized_since(report: RunReport, first: int) -> int:
    return sum(1 for r in report.results[first:] if r.outcome == "summarized")


def _finish_paper(
    day: Day, paper: Paper, future: Work, report: RunReport, progress: Progress
) -> bool:
    """Store a finished paper's outcome; False when it stopped before reaching the LLM.

    An LLM that no paper can use raises ``LLMUnusable`` here, once the paper's calls and its
    failure are stored like any other's.
    """
    try:
        done = future.result()
    except Exception as e:  # a bug in one paper must not stop the day: record it, go on
        log.warning("%s: internal error", paper.arxiv_id, exc_info=True)
        done, result = None, _internal_error(day, paper, e)
    else:
        if done is None:
            return False
        result = store_result(day, paper, *done)
    report.results.append(result)
    progress.advance(result)
    if done is not None and done[1].unusable:
        raise LLMUnusable(result.detail or "")
    return True


def process_paper(day: Day, paper: Paper) -> tuple[PaperText, SummaryOutcome] | None:
    """Runs in a worker thread: touches the network and the CPU, never the database.

    None when the run was stopped before the paper reached the LLM.
    """
    if day.stopping.is_set():
        return None
    text = read_paper_text(day, paper)
    cap = day.spend_cap
    if cap is None:
        outcome = day.summarizer.summarize(paper, text)
    else:
        estimate = estimated_cost(day, paper, text)
        if not cap.reserve(estimate):
            reason = f"not summarized: the run's cost cap (${cap.cap:g}) would be passed"
            return text, SummaryOutcome(summary=None, skipped=reason)
        outcome = day.summarizer.summarize(paper, text)
        cap.settle(estimate, calls_cost(day.config, outcome.calls))
    return None if outcome.not_started else (text, outcome)


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


def _internal_error(day: Day, paper: Paper, error: Exception) -> PaperResult:
    reason = redact(f"internal error: {type(error).__name__}: {error}", day.config.secrets)
    day.store.set_status(paper.arxiv_id, "failed", reason)
    return PaperResult(paper.arxiv_id, paper.title, "failed", reason)


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
    """Rebuild the day's own digest blocks: each with its papers, most votes first.

    Blocks imported from an archive stay as they were. A paper published in one of our blocks
    stays in it (with its newest summary and votes, so ``--force`` moves nothing); papers
    summarized since the last block (late papers, failed ones retried) make a new block after
    it. Papers already shown on another day are left out, so no paper is published twice.
    """
    runs = _runs(store, when)
    first_run = store.imported_runs(when)
    votes = dict(store.listing(when))
    placed = {e.arxiv_id for run in runs for e in run}
    ours = [[e.arxiv_id for e in run] for run in runs[first_run:]]
    new = [
        arxiv_id
        for arxiv_id in votes
        if arxiv_id not in placed and not any(d != when for d in store.digest_dates(arxiv_id))
    ]
    blocks = [_block(store, ids, votes, summarizer) for ids in [*ours, new]]
    with store.transaction():
        store.replace_runs_from(when, first_run, [block for block in blocks if block])


def _block(
    store: Store, arxiv_ids: list[str], votes: dict[str, int], summarizer: Summarizer
) -> list[tuple[DigestEntry, int]]:
    """The entries of one digest block: each paper with a summary, most votes first."""
    chosen: list[tuple[DigestEntry, int]] = []
    for arxiv_id in arxiv_ids:
        stored = store.best_summary(arxiv_id, summarizer.model, summarizer.prompt_version)
        paper = store.get_paper(arxiv_id)
        if stored is None or paper is None:
            continue
        shown = votes.get(arxiv_id, paper.upvotes)
        chosen.append((paper_entry(paper, stored.summary.sections, shown), stored.id))
    chosen.sort(key=lambda pair: -pair[0].votes)
    return chosen


def _runs(store: Store, when: str) -> list[list[DigestEntry]]:
    digest = store.load_digest(when)
    return [list(run.entries) for run in digest.runs] if digest else []


def redact_call(call: LLMCall, secrets: tuple[str, ...]) -> LLMCall:
    return replace(
        call,
        error=redact(call.error, secrets) if call.error else call.error,
        raw_response=redact(call.raw_response, secrets) if call.raw_response else None,
    )
