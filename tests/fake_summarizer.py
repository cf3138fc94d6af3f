"""An in-process summarizer for job tests that need *a* summary, not the LLM's HTTP side.

``FakeSummarizer`` keeps the ``Summarizer`` protocol (``model``, ``prompt_version``,
``limiter``, ``summarize``, ``estimate``, ``close``) and, like simonw/llm's mock model, answers
from a queue of scripted answers and records every call. With nothing queued it answers what
the fake OpenAI server answers: a valid three-section Korean summary naming the paper
(``tests.fakes.korean_summary``), so expectations written for one hold for the other.

Scripted answers go to the next call, or, with ``arxiv_id``, to the next call about that paper
(which stays deterministic with several workers): ``answer(sections)``, ``fail(error)`` (no
summary, the paper fails) and ``flag(*flags)`` (a summary kept with what the checks found).
Each outcome carries one ``LLMCall`` per try, as the real summarizer's do, so the database
holds what a run would store. ``open_day`` gives a ``Day`` for ``run_day``/``run_week``/
``run_range`` on the fake Hugging Face and arXiv, with this summarizer.
"""

from __future__ import annotations

import json
import os
import threading
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from dailypapers.config import build_config
from dailypapers.http import make_client
from dailypapers.jobs.context import Day
from dailypapers.models import (
    SECTION_KEYS,
    SECTION_LABELS,
    LLMCall,
    Paper,
    PaperText,
    Section,
    Summary,
)
from dailypapers.periods import now
from dailypapers.ratelimit import RateLimiter
from dailypapers.sources.pdf import Extractor
from dailypapers.store import Store
from dailypapers.summarize import SummaryOutcome, TokenEstimate
from tests.e2e import World
from tests.fakes import korean_summary

MODEL = "fake-model"
PROMPT_VERSION = "ko-fake-v1"  # "ko-": the language a prompt version names


@dataclass(frozen=True)
class Scripted:
    """One scripted answer: a summary (``sections`` by section key, else the default one),
    flagged with ``flags``, or with ``error`` a failure; ``tries`` LLM calls, the failed ones
    first."""

    sections: Mapping[str, str] | None = None
    flags: tuple[str, ...] = ()
    error: str | None = None
    tries: int = 1


@dataclass(frozen=True)
class Call:
    """One ``summarize`` call, and what it answered."""

    paper: Paper
    text: PaperText
    outcome: SummaryOutcome


class FakeSummarizer:
    """Answers from its queue, else with a valid summary; records calls; makes no request."""

    def __init__(
        self,
        model: str = MODEL,
        prompt_version: str = PROMPT_VERSION,
        *,
        output_tokens: int = 600,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.model = model
        self.prompt_version = prompt_version
        self.output_tokens = output_tokens
        self._limiter = limiter
        self.calls: list[Call] = []
        self.estimated: list[str] = []  # arXiv ids, in the order ``estimate`` was asked
        self.closed = False
        self.stopped = False
        self.checks = 0
        self._next: deque[Scripted] = deque()
        self._by_paper: dict[str, deque[Scripted]] = {}
        self._lock = threading.Lock()  # jobs summarize from worker threads

    @property
    def limiter(self) -> RateLimiter | None:
        return self._limiter

    # scripting ----------------------------------------------------------------------------

    def enqueue(self, scripted: Scripted, *, arxiv_id: str | None = None) -> None:
        with self._lock:
            if arxiv_id is None:
                self._next.append(scripted)
            else:
                self._by_paper.setdefault(arxiv_id, deque()).append(scripted)

    def answer(
        self, sections: Mapping[str, str] | None = None, *, arxiv_id: str | None = None
    ) -> None:
        self.enqueue(Scripted(sections), arxiv_id=arxiv_id)

    def fail(
        self, error: str = "fake: the LLM failed", *, tries: int = 1, arxiv_id: str | None = None
    ) -> None:
        self.enqueue(Scripted(error=error, tries=tries), arxiv_id=arxiv_id)

    def flag(
        self,
        *flags: str,
        sections: Mapping[str, str] | None = None,
        arxiv_id: str | None = None,
    ) -> None:
        self.enqueue(Scripted(sections, flags or ("fake: flagged",), tries=2), arxiv_id=arxiv_id)

    # what was asked -----------------------------------------------------------------------

    @property
    def papers(self) -> list[str]:
        """The arXiv ids summarized, in the order asked."""
        return [call.paper.arxiv_id for call in self.calls]

    # the Summarizer protocol --------------------------------------------------------------

    def summarize(self, paper: Paper, text: PaperText) -> SummaryOutcome:
        with self._lock:
            queue = self._by_paper.get(paper.arxiv_id)
            scripted = queue.popleft() if queue else None
            if scripted is None:
                scripted = self._next.popleft() if self._next else Scripted()
        outcome = self._outcome(paper, text, scripted)
        with self._lock:
            self.calls.append(Call(paper, text, outcome))
        return outcome

    def estimate(self, paper: Paper, text: PaperText) -> TokenEstimate:
        with self._lock:
            self.estimated.append(paper.arxiv_id)
        return TokenEstimate(text.tokens, self.output_tokens)

    def check(self) -> None:
        self.checks += 1

    def stop(self) -> None:
        self.stopped = True

    def close(self) -> None:
        self.closed = True

    # answers ------------------------------------------------------------------------------

    def _outcome(self, paper: Paper, text: PaperText, scripted: Scripted) -> SummaryOutcome:
        answer = dict(scripted.sections or korean_summary(paper.title))
        calls = [self._call(paper, text, n, answer) for n in range(1, scripted.tries + 1)]
        if scripted.error is not None:
            failed = [replace(c, ok=False, error=scripted.error) for c in calls]
            return SummaryOutcome(None, failed, scripted.error)
        problem = "it failed the checks: " + "; ".join(scripted.flags or ("fake",))
        calls[:-1] = [replace(c, ok=False, error=problem) for c in calls[:-1]]
        sections = tuple(
            Section(label, answer[key])
            for label, key in zip(SECTION_LABELS, SECTION_KEYS, strict=True)
        )
        summary = Summary(
            sections, "llm", self.model, self.prompt_version, text.source, scripted.flags
        )
        return SummaryOutcome(summary, calls)

    def _call(
        self, paper: Paper, text: PaperText, attempt: int, answer: Mapping[str, str]
    ) -> LLMCall:
        return LLMCall(
            arxiv_id=paper.arxiv_id,
            model=self.model,
            prompt_version=self.prompt_version,
            attempt=attempt,
            started_at=now(),
            duration_s=0.0,
            input_tokens=text.tokens,
            output_tokens=self.output_tokens,
            ok=True,
            error=None,
            raw_response=json.dumps(answer, ensure_ascii=False),
        )


@contextmanager
def open_day(world: World, summarizer: FakeSummarizer, **flags: Any) -> Iterator[Day]:
    """A ``Day`` on ``world``'s fake Hugging Face and arXiv, writing to ``world.out``, with
    ``summarizer`` in place of an LLM; ``flags`` as ``build_config`` takes them."""
    env = {**os.environ, **world.env(llm=False)}
    config = build_config(env, out=world.out, **flags)
    with (
        Store.open(config.db_path) as store,
        make_client(timeout=config.http_timeout) as http,
        Extractor(config.pdf_timeout) as extractor,
    ):
        yield Day(config, store, http, summarizer, extractor)
