"""What a run reports: one result per paper, the day's totals, and who is told of progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from dailypapers.concurrency import ConcurrencyReport

Outcome = Literal["summarized", "reused", "failed", "seen", "skipped"]
OUTCOMES: tuple[Outcome, ...] = ("summarized", "reused", "failed", "seen", "skipped")


class RunStopped(Exception):
    """A run ended before its last paper: its ``__cause__`` says why (Ctrl-C, SIGTERM, an LLM
    no paper can use, a full disk). Calls in flight were let finish and their answers stored."""

    def __init__(self, stored: int, not_started: int) -> None:
        self.stored = stored
        self.not_started = not_started
        super().__init__(f"{stored} stored, {not_started} not started; run again to continue")


@dataclass
class VerifyTally:
    """What ``--verify llm`` took and found: for one paper, or summed for a run."""

    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    #: Sentences checked, and those of them with no source span in the paper.
    sentences: int = 0
    unsupported: int = 0
    #: Papers whose summary could not be verified (kept unverified); for one paper, why.
    failed: int = 0
    failure: str | None = None

    def add(self, other: VerifyTally) -> None:
        self.calls += other.calls
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.cost_usd += other.cost_usd
        self.sentences += other.sentences
        self.unsupported += other.unsupported
        self.failed += other.failed


@dataclass
class PaperResult:
    arxiv_id: str
    title: str
    outcome: Outcome
    detail: str | None = None
    text_source: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    llm_calls: int = 0
    failed_calls: int = 0
    flags: tuple[str, ...] = ()
    cost_usd: float = 0.0
    #: With ``--verify llm``: what verifying its summary took and found.
    verify: VerifyTally | None = None


@dataclass
class RunReport:
    date: str
    summarizer: str
    listed: int = 0
    results: list[PaperResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: Links of listed papers left out as not http(s) (``ParsedDay.dropped``).
    dropped: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    rate_limit_wait_s: float = 0.0
    #: What the adaptive LLM concurrency did (``concurrency.py``); None without LLM calls.
    concurrency: ConcurrencyReport | None = None

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def input_tokens(self) -> int:
        return sum(r.input_tokens for r in self.results)

    @property
    def output_tokens(self) -> int:
        return sum(r.output_tokens for r in self.results)

    @property
    def cost_usd(self) -> float:
        return sum(r.cost_usd for r in self.results)

    @property
    def flagged(self) -> list[PaperResult]:
        """Papers kept with a summary that did not pass every check."""
        return [r for r in self.results if r.flags]

    @property
    def llm_calls(self) -> int:
        return sum(r.llm_calls for r in self.results)

    @property
    def failed_calls(self) -> int:
        """LLM calls that gave nothing usable: each was retried or ended a paper."""
        return sum(r.failed_calls for r in self.results)

    @property
    def verify(self) -> VerifyTally | None:
        """The ``--verify llm`` calls of the run and what they found; None without any."""
        tallies = [r.verify for r in self.results if r.verify is not None]
        if not tallies:
            return None
        total = VerifyTally()
        for tally in tallies:
            total.add(tally)
        return total

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0 and not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "summarizer": self.summarizer,
            "listed": self.listed,
            **{name: self.count(name) for name in OUTCOMES},
            "cost_usd": round(self.cost_usd, 4),
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "llm_calls": self.llm_calls,
            "failed_llm_calls": self.failed_calls,
            "rate_limit_wait_s": round(self.rate_limit_wait_s, 2),
            "llm_concurrency": vars(self.concurrency) if self.concurrency else None,
            "seconds": round(self.seconds, 2),
            "problems": self.problems,
            "dropped_links": self.dropped,
            "failures": {r.arxiv_id: r.detail for r in self.results if r.outcome == "failed"},
            "flagged": {r.arxiv_id: list(r.flags) for r in self.flagged},
            "verify": vars(self.verify) if self.verify else None,
        }


class Progress(Protocol):
    """Told how many papers a run has, then of each paper as it is settled."""

    def begin(self, total: int) -> None: ...

    def advance(self, result: PaperResult) -> None: ...


class NoProgress:
    def begin(self, total: int) -> None:
        return None

    def advance(self, result: PaperResult) -> None:
        return None
