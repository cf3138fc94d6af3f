"""The two stages of a paper in a run, each in its own thread pool: reading its text (the
network, the PDF reader) and summarizing it (the LLM, within the run's cost cap). Neither
touches the database: the day's main thread stores what they return."""

from __future__ import annotations

from dailypapers.config import Config
from dailypapers.jobs.context import Day
from dailypapers.jobs.reading import read_paper_text
from dailypapers.jobs.results import VerifyTally
from dailypapers.logs import redact
from dailypapers.models import LLMCall, Paper, PaperText
from dailypapers.summarize import SummaryOutcome
from dailypapers.summarize.cost import BATCH_SUFFIX, price_of
from dailypapers.summarize.verify import is_verify_call


def read_text(day: Day, paper: Paper) -> PaperText | None:
    """Runs in a reader thread: the network and the PDF reader, never the LLM or the database.

    None when the run was stopped before the paper was read.
    """
    return None if day.stopping.is_set() else read_paper_text(day, paper)


def summarize_text(
    day: Day, paper: Paper, text: PaperText
) -> tuple[PaperText, SummaryOutcome] | None:
    """Runs in an LLM thread: the paper's calls, within the run's cost cap.

    None when the run was stopped before the paper reached the LLM.
    """
    if day.stopping.is_set():
        return None
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


def verify_tally(config: Config, outcome: SummaryOutcome) -> VerifyTally | None:
    """What ``--verify llm`` took for one paper and what it found; None when it was not asked."""
    calls = [call for call in outcome.calls if is_verify_call(call)]
    if not calls:
        return None
    grounding = outcome.summary.grounding if outcome.summary else None
    checks = (grounding.verified if grounding else None) or ()
    return VerifyTally(
        calls=len(calls),
        input_tokens=sum(call.input_tokens for call in calls),
        output_tokens=sum(call.output_tokens for call in calls),
        cost_usd=calls_cost(config, calls),
        sentences=len(checks),
        unsupported=sum(1 for check in checks if not check.found),
        failed=1 if outcome.verify_error else 0,
        failure=redact(outcome.verify_error, config.secrets) if outcome.verify_error else None,
    )
