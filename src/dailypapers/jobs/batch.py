"""Backfill at half price: summaries through the OpenAI Batch API, across invocations.

One invocation collects every batch that has finished since the last one, then submits the
papers of the range that still need a summary and are not waiting in a batch. Batch ids are
stored, so nothing is submitted twice and a batch can be collected hours later. Answers are
validated like any other (JSON shape, then the checks); a failing one marks its paper failed,
and a later run retries it.
"""

from __future__ import annotations

import io
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Final

from dailypapers.jobs.backfill import incomplete_reason
from dailypapers.jobs.day import (
    Day,
    NoProgress,
    PaperResult,
    RunReport,
    finish_day,
    list_day,
    plan_day,
    read_paper_text,
    store_result,
)
from dailypapers.models import LLMCall, Paper, PaperText
from dailypapers.periods import now
from dailypapers.summarize import OpenAISummarizer, SummaryOutcome, parse_answer

WAITING = frozenset({"validating", "in_progress", "finalizing", "cancelling"})
ENDPOINT: Final = "/v1/chat/completions"


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
            requests.append(_request(summarizer, paper, text))
            papers_by_id[paper.arxiv_id] = when
    if requests:
        batch_id, input_file = submit(summarizer, requests)
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


def _request(summarizer: OpenAISummarizer, paper: Paper, text: PaperText) -> dict[str, Any]:
    body = {
        "model": summarizer.model,
        "messages": summarizer.messages(paper, text),
        "response_format": summarizer.response_format(),
    }
    return {"custom_id": paper.arxiv_id, "method": "POST", "url": ENDPOINT, "body": body}


def submit(summarizer: OpenAISummarizer, requests: list[dict[str, Any]]) -> tuple[str, str]:
    """Upload the requests as JSONL and start a batch; the batch's id and the file's."""
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in requests)
    upload = summarizer.client.files.create(
        file=("dailypapers-batch.jsonl", io.BytesIO(lines.encode("utf-8"))), purpose="batch"
    )
    batch = summarizer.client.batches.create(
        input_file_id=upload.id,
        endpoint=ENDPOINT,
        completion_window="24h",
        metadata={"made_by": "dailypapers"},
    )
    return batch.id, upload.id


def collect(day: Day, summarizer: OpenAISummarizer, report: BatchReport) -> set[str]:
    """Store the results of finished batches; return the papers still waiting in one."""
    waiting: set[str] = set()
    for row in day.store.open_batches():
        batch = summarizer.client.batches.retrieve(row.id)
        papers = row.papers
        if batch.status in WAITING:
            report.waiting[batch.id] = batch.status
            waiting |= set(papers)
            continue
        started = time.monotonic()
        results = []
        for file_id in (batch.output_file_id, batch.error_file_id):
            if file_id:
                text = summarizer.client.files.content(file_id).text
                results += [json.loads(line) for line in text.splitlines() if line.strip()]
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
        paper, text = day.store.get_paper(arxiv_id), day.store.get_text(arxiv_id)
        if arxiv_id not in papers or paper is None or text is None:
            continue
        outcome = _outcome(summarizer, batch_id, paper, text, result)
        by_day.setdefault(papers[arxiv_id], []).append(store_result(day, paper, text, outcome))
    for when, paper_results in sorted(by_day.items()):
        run = RunReport(date=when, summarizer=f"{summarizer.model} (batch)")
        run.listed, run.results = len(day.store.listing(when)), paper_results
        finish_day(day, when, run, day.store.start_run(when, run.summarizer), started)
        report.days.append(run)


def _outcome(
    summarizer: OpenAISummarizer,
    batch_id: str,
    paper: Paper,
    text: PaperText,
    result: dict[str, Any],
) -> SummaryOutcome:
    """One line of a batch's output as a summary, or as the reason there is none."""
    response = result.get("response") or {}
    body = response.get("body") or {}
    usage = body.get("usage") or {}
    call = LLMCall(
        paper.arxiv_id,
        summarizer.model,
        summarizer.prompt_version,
        1,
        now(),
        0.0,
        int(usage.get("prompt_tokens") or 0),
        int(usage.get("completion_tokens") or 0),
        True,
        None,
        json.dumps(result, ensure_ascii=False),
        batch_id,
    )
    problem = _problem(response, result)
    if problem is None:
        try:
            sections = parse_answer(_content(body))
        except ValueError as e:
            problem = str(e)
        else:
            return SummaryOutcome(summarizer.checked_summary(paper, text, sections), [call])
    failed = replace(call, ok=False, error=problem)
    return SummaryOutcome(None, [failed], error=f"batch answer unusable: {problem}")


def _problem(response: dict[str, Any], result: dict[str, Any]) -> str | None:
    error = result.get("error")
    if error:
        message = error.get("message") if isinstance(error, dict) else error
        return f"the batch request failed: {message}"
    if response.get("status_code") != 200:
        return f"the batch request failed with HTTP {response.get('status_code')}"
    return None


def _content(body: dict[str, Any]) -> str | None:
    choices = body.get("choices") or []
    message = (choices[0].get("message") or {}) if choices else {}
    content = message.get("content")
    return content if isinstance(content, str) else None
