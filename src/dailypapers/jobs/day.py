"""The day's job: fetch the list, read each paper, summarize, store, render.

Papers are read in one bounded thread pool and summarized in another, so downloads overlap
with LLM calls; the main thread alone writes to the database, one paper at a time as each
finishes, so a crash loses at most the papers in flight. No more papers are given to a pool
than it has workers, so when the run must stop (Ctrl-C, SIGTERM, an LLM that cannot work, a
full disk) nothing is queued: the calls in flight finish, their answers are stored, texts read
ahead are dropped unpaid, and the run ends with ``RunStopped``.
"""

from __future__ import annotations

import heapq
import logging
import signal
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, as_completed, wait
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from dailypapers.digest.write import publish_day
from dailypapers.errors import DailyPapersError, LLMUnusable
from dailypapers.jobs.assemble import assemble_day
from dailypapers.jobs.context import Day
from dailypapers.jobs.results import NoProgress, PaperResult, Progress, RunReport, RunStopped
from dailypapers.jobs.stages import calls_cost, read_text, summarize_text, verify_tally
from dailypapers.logs import redact
from dailypapers.models import LLMCall, Paper, PaperText
from dailypapers.periods import Period
from dailypapers.sources.hf import fetch_day, parse_entries
from dailypapers.summarize import SummaryOutcome

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
    if papers and not day.llm_checked.is_set():
        try:
            day.summarizer.check()
        except LLMUnusable as e:
            raise RunStopped(0, len(papers)) from e
        day.llm_checked.set()
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
    stored = day.store.listing(when)
    if not parsed.papers and stored:
        # A list that was there is not taken back: an empty answer is a glitch of the moment.
        report.problems.append(
            f"Hugging Face listed no papers for {when}, which had {len(stored)}; "
            "the stored list is kept and the day will be asked again"
        )
        return []
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
Read = Future["PaperText | None"]

#: Papers read at once (their downloads each wait for their host's pacer; PDFs are extracted
#: one at a time), and texts read ahead of the LLM beyond those it holds: a bound on memory.
READERS = 8
READ_AHEAD = 8


def _summarize_all(day: Day, papers: list[Paper], report: RunReport, progress: Progress) -> None:
    """Read papers in one pool and summarize them in another, storing each as it finishes.

    Reading (downloads, PDF extraction) never holds an LLM slot: up to ``READERS`` papers are
    read while the LLM works, at most ``READ_AHEAD`` texts beyond those the LLM stage holds
    (``concurrency``, the cap; the summarizer's adaptive slots decide how many are really
    sent). Any exception in this thread (Ctrl-C, SIGTERM, a store that cannot write) or an LLM
    that cannot work stops the run: see ``_stop``.
    """
    cap = day.config.concurrency
    # Each paper carries its place in the list: the texts read wait in that order (a heap).
    waiting, ready = deque(enumerate(papers)), list[tuple[int, Paper, PaperText]]()
    reading: dict[Read, tuple[int, Paper]] = {}
    running: dict[Work, Paper] = {}
    first = len(report.results)  # this call's results start here
    with ThreadPoolExecutor(READERS) as readers, ThreadPoolExecutor(cap) as callers:
        try:
            while waiting or reading or ready or running:
                held = len(reading) + len(ready) + len(running)
                while waiting and len(reading) < READERS and held < cap + READ_AHEAD:
                    position, paper = waiting.popleft()
                    reading[readers.submit(read_text, day, paper)] = position, paper
                    held += 1
                while ready and len(running) < cap:  # the list's order (most votes first)
                    _, paper, text = heapq.heappop(ready)
                    running[callers.submit(summarize_text, day, paper, text)] = paper
                in_flight: list[Future[Any]] = [*reading, *running]
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    if future in reading:
                        position, paper = reading.pop(future)
                        if (read := _read_done(day, paper, future, report, progress)) is not None:
                            heapq.heappush(ready, (position, paper, read))
                        continue
                    with signals_held():  # stored and counted, or neither
                        try:
                            _finish_paper(day, running[future], future, report, progress)
                        finally:  # settled, even when it stops the run (LLMUnusable)
                            del running[future]
        except BaseException as e:
            try:
                stopped = _stop(day, reading, running, report, progress)
            except KeyboardInterrupt:  # a second Ctrl-C: the answers in flight are not kept
                stopped = len(reading) + len(running)
            not_started = len(waiting) + len(ready) + stopped
            raise RunStopped(_summarized_since(report, first), not_started) from e
        finally:
            _report_concurrency(day, report)


@contextmanager
def signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block ends (in the main thread): an answer is stored
    and counted as one step, not lost between the two while the LLM slots go on."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.signal(signum, lambda n, _: caught.append(n)) for signum in held}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for number in caught:
            signal.raise_signal(number)  # handled now, as it would have been


def _read_done(
    day: Day, paper: Paper, future: Read, report: RunReport, progress: Progress
) -> PaperText | None:
    """A paper's text, read; None when the run stopped first or a bug stopped it (recorded)."""
    try:
        return future.result()
    except Exception as e:  # a bug in one paper must not stop the day: record it, go on
        log.warning("%s: internal error", paper.arxiv_id, exc_info=True)
        result = _internal_error(day, paper, e)
        report.results.append(result)
        progress.advance(result)
        return None


def _report_concurrency(day: Day, report: RunReport) -> None:
    if day.llm_slots is not None and report.llm_calls:
        report.concurrency = day.llm_slots.report()
        log.info("%s", report.concurrency.describe())


def _stop(
    day: Day,
    reading: dict[Read, tuple[int, Paper]],
    running: dict[Work, Paper],
    report: RunReport,
    progress: Progress,
) -> int:
    """Start nothing more, let the papers in flight finish and store what they paid for.

    Returns how many of them had not reached the LLM yet (every paper still being read).
    """
    day.stop()
    if running or reading:
        in_flight = len(running) + len(reading)
        log.warning("stopping: waiting for %d papers in flight to finish", in_flight)
    not_started = len(reading)
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
    wait(list(reading))  # a download in flight ends; its text is not sent
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
        verify_tally(day.config, outcome),
    )
    return result


def _text_note(text: PaperText) -> str | None:
    if text.source == "abstract":
        return f"summarized from the abstract: {text.missing_reason}"
    return None


def redact_call(call: LLMCall, secrets: tuple[str, ...]) -> LLMCall:
    return replace(
        call,
        error=redact(call.error, secrets) if call.error else call.error,
        raw_response=redact(call.raw_response, secrets) if call.raw_response else None,
    )
