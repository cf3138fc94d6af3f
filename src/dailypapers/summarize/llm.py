"""The LLM summarizer: any OpenAI-compatible chat completions API (OpenAI, Ollama, vLLM, ...).

It asks until a valid answer comes, within separate bounds for each kind of failure, and
returns every call it made, failed ones too; the caller stores them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

import openai
from openai.types.chat import ChatCompletion

from dailypapers.concurrency import DEFAULT_CAP, AdaptiveConcurrency, CallSlots
from dailypapers.models import LLMCall, Paper, PaperText, Section, Summary
from dailypapers.periods import now
from dailypapers.ratelimit import RateLimiter
from dailypapers.retry import RetryPolicy, log_retry, sleep_before_retry, too_long
from dailypapers.summarize.budget import shrink_text
from dailypapers.summarize.checks import check_summary, settings_for
from dailypapers.summarize.deadline import DeadlineHttpClient, deadline
from dailypapers.summarize.grounding import ground
from dailypapers.summarize.llm_errors import (
    CHECK_TIMEOUT,
    ReplyKind,
    answer_too_long,
    check_server,
    classify,
    error_body,
    not_a_completion,
    retry_after_of,
    server_url,
    short,
)
from dailypapers.summarize.outcome import SummaryOutcome, TokenEstimate
from dailypapers.summarize.prompt import (
    ANSWER_SCHEMA,
    PROMPT_REVISION,
    build_messages,
    estimate_tokens,
    feedback_messages,
    parse_answer,
)
from dailypapers.summarize.settings import LLMConfig
from dailypapers.summarize.verify import VERIFY_SUFFIX, verify_estimate, verify_outcome
from dailypapers.summarize.verify import response_format as spans_format

log = logging.getLogger(__name__)

LIMIT_HEADROOM = 0.95
MAX_SHRINKS = 3

STOPPED = "not sent: the run was stopped"
#: Characters kept of an answer that is not used: a page of HTML, an answer far too long.
KEPT_CHARS = 2000


@dataclass
class _Reply:
    """One chat request's result, sorted by what to do next."""

    #: None when nothing was sent: the run stopped while the call waited for the rate limit.
    call: LLMCall | None
    kind: ReplyKind = "answer"
    content: str | None = None
    problem: str | None = None
    retry_after: float | None = None


class OpenAISummarizer:
    """Summaries from any OpenAI-compatible chat completions API."""

    def __init__(
        self,
        config: LLMConfig,
        *,
        client: openai.OpenAI | None = None,
        slots: CallSlots | None = None,
    ) -> None:
        self.config = config
        self.model = config.model
        self.prompt_version = f"{config.lang}-{PROMPT_REVISION}"
        self.check_settings = settings_for(config.lang)
        self.client = client or openai.OpenAI(
            api_key=config.api_key or "not-needed",
            base_url=server_url(config),
            timeout=config.timeout,
            max_retries=config.sdk_retries,
            http_client=DeadlineHttpClient(),
        )
        self.limiter = RateLimiter(
            requests_per_minute=_below(config.requests_per_minute),
            tokens_per_minute=_below(config.tokens_per_minute),
        )
        #: The adaptive limit on calls in flight (``concurrency.py``); every call passes it.
        self.slots = slots or CallSlots(AdaptiveConcurrency(DEFAULT_CAP))
        self._stopped = threading.Event()

    def close(self) -> None:
        self.client.close()

    def stop(self) -> None:
        """Send nothing more: calls in flight finish, nobody starts or retries one."""
        self._stopped.set()
        self.limiter.stop()
        self.slots.stop()

    def check(self) -> None:
        """Ask the server once, cheaply, whether the URL and the key work: raise
        ``LLMUnusable`` when they cannot. A server that cannot list its models is let be."""
        with deadline(CHECK_TIMEOUT):
            check_server(self.client, self.config)

    def summarize(self, paper: Paper, text: PaperText) -> SummaryOutcome:
        """The summary (``_summarize``), then with ``--verify llm`` its sources (``verify.py``)."""
        outcome = self._summarize(paper, text)
        verify = self.config.verify == "llm"
        return verify_outcome(self, paper, text, outcome) if verify else outcome

    def _summarize(self, paper: Paper, text: PaperText) -> SummaryOutcome:
        """Ask until a valid answer comes, within separate bounds for each kind of failure.

        A wrong answer is asked again with the problem named (``attempts``); 429 pauses every
        worker for as long as the server asks; 5xx, timeouts and dropped connections back off
        with jitter; an answer that says the paper is too long for the model's context is asked
        again with a smaller text budget. Every call is returned, failed ones too.
        """
        outcome = SummaryOutcome(summary=None)
        messages = self.messages(paper, text)
        tries: Counter[ReplyKind] = Counter()
        while True:
            if self._stopped.is_set():
                return _stopped(outcome)
            reply = self.call(paper.arxiv_id, messages, len(outcome.calls) + 1)
            if reply.call is None:
                return _stopped(outcome)
            outcome.calls.append(reply.call)
            tries[reply.kind] += 1
            if reply.kind == "answer":
                problem = self._accept(reply, paper, text, outcome)
                if problem is None:
                    return outcome
                tried = _tries(tries["answer"])
                outcome.error = f"LLM gave no usable summary after {tried}: {problem}"
                if tries["answer"] >= self.config.attempts:
                    outcome.summary = outcome.fallback  # a flagged summary beats none
                    outcome.error = None if outcome.summary else outcome.error
                    return outcome
                feedback = feedback_messages(reply.content, problem, self.config.lang)
                messages = [*messages[:2], *feedback]
            elif reply.kind == "too_long":
                smaller = shrink_text(paper, text, reply.problem or "")
                outcome.error = reply.problem
                if smaller is None or tries["too_long"] > MAX_SHRINKS:
                    return outcome
                text = outcome.text = smaller
                messages = self.messages(paper, text)
            elif reply.kind == "fatal":
                outcome.error = reply.problem
                return outcome
            elif reply.kind == "unusable":
                outcome.error, outcome.unusable = reply.problem, True
                return outcome
            elif (reason := self.retry_or_reason(reply, tries[reply.kind])) is not None:
                outcome.error = reason
                return outcome

    def messages(self, paper: Paper, text: PaperText) -> list[dict[str, str]]:
        return build_messages(paper, text, lang=self.config.lang, glossary=self.config.glossary)

    def estimate(self, paper: Paper, text: PaperText) -> TokenEstimate:
        """Tokens of the first request for ``paper``: its messages as sent, and the answer;
        with ``--verify llm``, and the spans request's."""
        first = estimate_tokens(self.messages(paper, text))
        return verify_estimate(paper, text, first) if self.config.verify == "llm" else first

    def retry_or_reason(self, reply: _Reply, tries: int) -> str | None:
        """After the ``tries``-th failed call: None once it is time to ask again (a 5xx, a
        timeout or a 429 within its bounds, waited out), else why to give up."""
        if reply.kind not in ("transient", "rate_limited"):
            return reply.problem or reply.kind
        if tries >= self._limit(reply.kind):
            return f"{reply.problem} (after {_tries(tries)})"
        return self._wait_before_retry(reply, tries)

    def _limit(self, kind: ReplyKind) -> int:
        if kind == "rate_limited":
            return self.config.rate_limit_attempts
        return self.config.transient_attempts

    def _wait_before_retry(self, reply: _Reply, tries: int) -> str | None:
        """Wait as the retry policy says (a 429 holds back every worker); or, when the server
        asks for longer than the policy allows, the reason to give up now instead."""
        policy = RetryPolicy(attempts=self._limit(reply.kind), backoff=self.config.backoff)
        seconds = policy.wait(tries, reply.retry_after)
        if seconds is None:
            return f"{reply.problem} ({too_long(reply.retry_after or 0.0)})"
        assert reply.call is not None
        what = f"{reply.call.arxiv_id}: LLM call"
        if reply.kind == "rate_limited":
            self.limiter.pause(seconds)
            log_retry(what, tries, f"{reply.problem}; every worker waits", seconds)
        else:
            sleep_before_retry(what, tries, reply.problem or "", seconds, self._stopped.wait)
        return None

    def _accept(
        self, reply: _Reply, paper: Paper, text: PaperText, outcome: SummaryOutcome
    ) -> str | None:
        """Put the summary in ``outcome`` if the answer is usable; else say why not.

        An answer that fails the checks is asked again once with the findings named; the
        second time it is kept, flagged with what the checks found.
        """
        problem = reply.problem
        if problem is None:
            try:
                sections = parse_answer(reply.content)
            except ValueError as e:
                problem = str(e)
            else:
                summary = self.checked_summary(paper, text, sections)
                if not summary.flags or outcome.fallback is not None:
                    outcome.summary, outcome.error = summary, None
                    return None
                outcome.fallback = summary
                problem = "it failed the checks: " + "; ".join(summary.flags)
        assert reply.call is not None
        outcome.calls[-1] = replace(reply.call, ok=False, error=problem)
        return problem

    def checked_summary(
        self, paper: Paper, text: PaperText, sections: tuple[Section, ...]
    ) -> Summary:
        """The summary, flagged by the checks against the text that was sent, and grounded."""
        pairs = [(section.label, section.text) for section in sections]
        source = f"{paper.title}\n{paper.abstract}\n{text.text}"
        findings = check_summary(
            pairs, source=source, settings=self.check_settings, title=paper.title
        )
        flags = tuple(f"{f.check}: {f.detail}" for f in findings)
        found = ground(pairs, title=paper.title, abstract=paper.abstract, text=text.text)
        return Summary(sections, "llm", self.model, self.prompt_version, text.source, flags, found)

    def call(
        self, arxiv_id: str, messages: list[dict[str, str]], attempt: int, verify: bool = False
    ) -> _Reply:
        """One chat request (a summary's, or with ``verify`` the spans'), paced by the rate
        limiter; what came back, or why nothing did."""
        estimate = estimate_tokens(messages).total
        waited = self.limiter.acquire(estimate)
        if self._stopped.is_set() or not self.slots.enter():
            return _Reply(None)
        clock, reply = time.monotonic(), _Reply(None, "transient")
        try:
            reply = self._send(arxiv_id, messages, attempt, estimate, waited, verify)
        finally:
            self.slots.leave(
                latency_s=time.monotonic() - clock,
                rate_limited=reply.kind == "rate_limited",
                retry_after=reply.retry_after,
                ok=reply.kind in ("answer", "too_long"),
            )
        return reply

    def _send(
        self,
        arxiv_id: str,
        messages: list[dict[str, str]],
        attempt: int,
        estimate: int,
        waited: float,
        verify: bool = False,
    ) -> _Reply:
        """Send one chat request holding a slot; what came back."""
        log.info(
            "%s: LLM call %d, about %d tokens%s",
            arxiv_id,
            attempt,
            estimate,
            f" after waiting {waited:.1f} s for the rate limit" if waited else "",
        )
        started, clock = now(), time.monotonic()
        version = self.prompt_version + (VERIFY_SUFFIX if verify else "")
        call = LLMCall(arxiv_id, self.model, version, attempt, started, 0.0, 0, 0, True, None, None)
        try:
            with deadline(self.config.deadline):
                raw = self.client.chat.completions.with_raw_response.create(  # type: ignore[call-overload]
                    model=self.model,
                    messages=messages,
                    response_format=self.response_format(verify),
                    **self._options(),
                )
                completion = _completion(raw)
        except openai.APIError as e:
            self.limiter.settle(estimate, 0)
            kind, reason = classify(e, self.config)
            if kind == "transient" and time.monotonic() - clock >= self.config.deadline:
                reason = f"LLM answer not complete within {self.config.deadline:g} s"
            failed = replace(
                call,
                duration_s=time.monotonic() - clock,
                ok=False,
                error=reason,
                raw_response=error_body(e),
            )
            return _Reply(failed, kind, problem=reason, retry_after=retry_after_of(e))
        call = replace(call, duration_s=time.monotonic() - clock, raw_response=raw.text)
        if completion is None:  # a 200 with a gateway's HTML page, say: retried like a 502
            self.limiter.settle(estimate, 0)
            problem = not_a_completion(raw.http_response)
            call = replace(call, ok=False, error=problem, raw_response=raw.text[:KEPT_CHARS])
            return _Reply(call, "transient", problem=problem)
        return self._answer(call, completion, estimate)

    def _answer(self, call: LLMCall, completion: ChatCompletion, estimate: int) -> _Reply:
        """A chat completion's answer, or what makes it unusable."""
        usage = completion.usage
        if usage:
            call = replace(
                call, input_tokens=usage.prompt_tokens, output_tokens=usage.completion_tokens
            )
            self.limiter.settle(estimate, usage.prompt_tokens + usage.completion_tokens)
        if not completion.choices:
            return _Reply(call, problem="the answer had no choices")
        choice = completion.choices[0]
        content, problem = choice.message.content, None
        if choice.message.refusal:
            problem = f"the model refused: {short(choice.message.refusal)}"
        elif choice.finish_reason == "length":
            problem = "the answer was cut off at the output token limit"
        elif too_long := answer_too_long(content, self.config.answer_tokens):
            # kept whole it would fill the database; the start shows what it was
            call = replace(call, raw_response=(call.raw_response or "")[:KEPT_CHARS])
            content, problem = (content or "")[:KEPT_CHARS], too_long
        return _Reply(call, content=content, problem=problem)

    def _options(self) -> dict[str, Any]:
        """The answer's token cap, and sampling options only when set: some models refuse
        ones they do not support."""
        options: dict[str, Any] = {self.config.answer_limit: self.config.answer_tokens}
        if self.config.temperature is not None:
            options["temperature"] = self.config.temperature
        return options

    def response_format(self, verify: bool = False) -> dict[str, Any]:
        if verify:
            return spans_format(self.config.response_format == "json_object")
        if self.config.response_format == "json_object":
            return {"type": "json_object"}
        return {
            "type": "json_schema",
            "json_schema": {"name": "paper_summary", "strict": True, "schema": ANSWER_SCHEMA},
        }


def _completion(raw: Any) -> ChatCompletion | None:
    """The chat completion in a 200 answer; None when the body is something else (HTML, a
    JSON value of another shape)."""
    try:
        completion = raw.parse()
    except ValueError:  # says JSON, is not
        return None
    return completion if isinstance(completion, ChatCompletion) else None


def _below(limit: int | None) -> float | None:
    """Aim a little under a stated limit: servers count tokens a little differently (message
    framing, their own guess at the answer's length), and a 429 costs a whole pause."""
    return limit * LIMIT_HEADROOM if limit else None


def _tries(count: int) -> str:
    return "1 try" if count == 1 else f"{count} tries"


def _stopped(outcome: SummaryOutcome) -> SummaryOutcome:
    """The outcome of a paper the run stopped: not started, or ended between two calls."""
    outcome.stopped = True
    if not outcome.calls:
        outcome.skipped = STOPPED
    elif outcome.summary is None:
        outcome.summary = outcome.fallback
        last = outcome.error or outcome.calls[-1].error or "its last call failed"
        outcome.error = None if outcome.summary else f"{last}; {STOPPED} again"
    return outcome
