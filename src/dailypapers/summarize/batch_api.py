"""The OpenAI Batch API: requests as JSONL, a batch's state and result lines, answers as outcomes.

Only the protocol lives here; which papers go into a batch and where the results are stored is
the caller's business. The requests are the ones the chat summarizer would send, and answers
are validated like its own (JSON shape, then the checks).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, replace
from typing import Any, Final

from dailypapers.models import LLMCall, Paper, PaperText
from dailypapers.periods import now
from dailypapers.summarize.llm import OpenAISummarizer
from dailypapers.summarize.outcome import SummaryOutcome
from dailypapers.summarize.prompt import parse_answer

#: States in which a batch has no results yet.
WAITING = frozenset({"validating", "in_progress", "finalizing", "cancelling"})
ENDPOINT: Final = "/v1/chat/completions"


@dataclass(frozen=True)
class BatchState:
    """What the API says of one batch: its status, and the files holding its result lines."""

    id: str
    status: str
    files: tuple[str, ...] = ()

    @property
    def waiting(self) -> bool:
        return self.status in WAITING


def request(summarizer: OpenAISummarizer, paper: Paper, text: PaperText) -> dict[str, Any]:
    """One JSONL line of a batch: the chat request the summarizer would send for ``paper``."""
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


def retrieve(summarizer: OpenAISummarizer, batch_id: str) -> BatchState:
    """The batch's current state."""
    batch = summarizer.client.batches.retrieve(batch_id)
    files = tuple(f for f in (batch.output_file_id, batch.error_file_id) if f)
    return BatchState(batch.id, batch.status, files)


def result_lines(summarizer: OpenAISummarizer, batch: BatchState) -> list[dict[str, Any]]:
    """Every line of the batch's output and error files, parsed."""
    results: list[dict[str, Any]] = []
    for file_id in batch.files:
        text = summarizer.client.files.content(file_id).text
        results += [json.loads(line) for line in text.splitlines() if line.strip()]
    return results


def outcome(
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
