"""What a summarizer hands back: the outcome of one paper, and what a paper will cost in tokens."""

from __future__ import annotations

from dataclasses import dataclass, field

from dailypapers.models import LLMCall, PaperText, Summary


@dataclass
class SummaryOutcome:
    summary: Summary | None
    calls: list[LLMCall] = field(default_factory=list)
    error: str | None = None
    #: The text actually sent, when it had to be cut further (the model's context was smaller).
    text: PaperText | None = None
    #: A summary that failed the checks, kept in case no better one comes.
    fallback: Summary | None = None
    #: Why the paper was not sent at all (the run's cost cap), if it was not.
    skipped: str | None = None
    #: The run was stopped before this paper's summary was done (see ``Summarizer.stop``).
    stopped: bool = False
    #: The LLM answered in a way no paper can get past (a wrong key, no such model, no quota,
    #: nobody at the URL): ``error`` says so, and the caller stops the whole run.
    unusable: bool = False
    #: Why ``--verify llm`` could not check the summary (kept unverified), when it could not.
    verify_error: str | None = None

    @property
    def not_started(self) -> bool:
        """Stopped before its first call: nothing was paid, nothing needs storing."""
        return self.stopped and not self.calls


@dataclass(frozen=True)
class TokenEstimate:
    """Tokens one request should take: the messages sent, and the room kept for the answer."""

    input_tokens: int
    output_tokens: int

    @property
    def total(self) -> int:
        return self.input_tokens + self.output_tokens
