"""Backfill at half price: summaries through the OpenAI Batch API, across invocations.

One invocation collects every batch that has finished since the last one, then submits the
papers of the range that still need a summary and are not waiting in a batch. Batch ids are
stored, so nothing is submitted twice and a batch can be collected hours later. Answers are
validated like any other (JSON shape, then the checks); a failing one marks its paper failed,
and a later run retries it. The API's side of this lives in ``summarize.batch_api``.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from dailypapers.jobs.backfill import incomplete_reason
from dailypapers.jobs.context import Day
from dailypapers.jobs.day import finish_day, list_day, plan_day, store_result
from dailypapers.jobs.reading import read_paper_text
from dailypapers.jobs.results import NoProgress, PaperResult, RunReport
from dailypapers.models import Paper, PaperText
from dailypapers.summarize import batch_api
from dailypapers.summarize.llm import OpenAISummarizer


@dataclass
class BatchReport:
    submitted: dict[str, int] = field(default_factory=dict)  # batch id -> papers
    waiting: dict[str, str] = field(default_factory=dict)  # batch id -> status
    ended: dict[str, str] = field(default_factory=dict)  # batch id -> status, without results
    days: list[RunReport] = field(default_factory=list)


def run_batch(day: Day, dates: list[str]) -> BatchReport:
    summarizer = day.summarizer
    if not isinstance(summarizer, OpenAISummarizer):
        raise TypeError("batch runs need an LLM")
    report = BatchReport()
    waiting = collect(day, summarizer, report)
    requests: list[dict[str, Any]] = []
    papers_by_id: dict[str, str] = {}
    for when in dates:
        if not day.config.force and incomplete_reason(day.store, when) is None:
            continue
        for paper, text in _texts_to_send(day, when, waiting, report):
            requests.append(batch_api.request(summarizer, paper, text))
            papers_by_id[paper.arxiv_id] = when
    if requests:
        batch_id, input_file = batch_api.submit(summarizer, requests)
        day.store.add_batch(
            batch_id, summarizer.model, summarizer.prompt_version, input_file, papers_by_id
        )
        report.submitted[batch_id] = len(requests)
    return report


def _texts_to_send(
    day: Day, when: str, waiting: set[str], report: BatchReport
) -> list[tuple[Paper, PaperText]]:
    """The day's papers that need a summary and are not in a batch yet, with their text.

    A day with nothing to send and nothing waiting is finished here and now.
    """
    started = time.monotonic()
    listing = RunReport(date=when, summarizer=day.summarizer.model)
    papers = list_day(day, when, listing)
    todo = [
        p for p in plan_day(day, when, papers, listing, NoProgress()) if p.arxiv_id not in waiting
    ]
    if not todo and not any(p.arxiv_id in waiting for p in papers):
        finish_day(day, when, listing, day.store.start_run(when, listing.summarizer), started)
        report.days.append(listing)
        return []
    with ThreadPoolExecutor(max_workers=day.config.concurrency) as pool:
        texts = list(pool.map(lambda paper: read_paper_text(day, paper), todo))
    with day.store.transaction():
        for text in texts:
            day.store.save_text(text)
    return list(zip(todo, texts, strict=True))


def collect(day: Day, summarizer: OpenAISummarizer, report: BatchReport) -> set[str]:
    """Store the results of finished batches; return the papers still waiting in one."""
    waiting: set[str] = set()
    for row in day.store.open_batches():
        batch = batch_api.retrieve(summarizer, row.id)
        papers = row.papers
        if batch.waiting:
            report.waiting[batch.id] = batch.status
            waiting |= set(papers)
            continue
        started = time.monotonic()
        results = batch_api.result_lines(summarizer, batch)
        if not results:
            report.ended[batch.id] = batch.status
        _store_results(day, summarizer, batch.id, papers, results, report, started)
        day.store.close_batch(batch.id, batch.status)
    return waiting


def _store_results(
    day: Day,
    summarizer: OpenAISummarizer,
    batch_id: str,
    papers: dict[str, str],
    results: list[dict[str, Any]],
    report: BatchReport,
    started: float,
) -> None:
    by_day: dict[str, list[PaperResult]] = {}
    for result in results:
        arxiv_id = str(result.get("custom_id"))
        if arxiv_id not in papers:
            continue  # not a request of ours: nothing of ours to store
        paper, text = day.store.get_paper(arxiv_id), day.store.get_text(arxiv_id)
        if paper is None or text is None:
            continue
        outcome = batch_api.outcome(summarizer, batch_id, paper, text, result)
        by_day.setdefault(papers[arxiv_id], []).append(store_result(day, paper, text, outcome))
    for when, paper_results in sorted(by_day.items()):
        run = RunReport(date=when, summarizer=f"{summarizer.model} (batch)")
        run.listed, run.results = len(day.store.listing(when)), paper_results
        finish_day(day, when, run, day.store.start_run(when, run.summarizer), started)
        report.days.append(run)
