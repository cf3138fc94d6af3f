"""The LLM's bounds: an answer's size, a call's overall time, a server's asked waits, and a
200 that is not a chat completion. Against the fake OpenAI-compatible server, over real HTTP."""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import closing

import pytest

from dailypapers.config import build_config
from dailypapers.models import Paper, PaperText
from dailypapers.ratelimit import RateLimiter
from dailypapers.retry import MAX_WAIT
from dailypapers.summarize import OpenAISummarizer
from dailypapers.summarize.settings import ANSWER_TOKENS, LLMConfig
from tests.e2e import World, one_line
from tests.fakes import FakeOpenAI, korean_summary

DATE = "2024-12-06"
PAPER = Paper("2412.00001", "Tiny Models Win", ("A",), 3, None, "We propose X.")
TEXT = PaperText("2412.00001", "Title: Tiny\n\nAbstract: We propose X.", "pdf", 20)
FAST = {"DAILYPAPERS_HTTP_BACKOFF": "0.01"}


def summarizer_for(fake: FakeOpenAI, **settings: float) -> OpenAISummarizer:
    config = LLMConfig(base_url=fake.url + "/v1", api_key="sk-test", timeout=5, backoff=0.01)
    for name, value in settings.items():
        config = LLMConfig(**{**config.__dict__, name: value})
    return OpenAISummarizer(config)


def rows(world: World, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(world.out / "dailypapers.db")) as db:
        return db.execute(sql).fetchall()


# item: every answer has a size cap ------------------------------------------------------------


def test_every_request_caps_the_answer_at_four_times_three_sections(world: World) -> None:
    world.add_day(DATE, 1)

    result = world.run("--date", DATE)

    assert result.exit_code == 0, result.output
    sent = json.loads(world.openai.requests[-1].body)
    assert sent["max_tokens"] == ANSWER_TOKENS == 4000
    assert "max_completion_tokens" not in sent


@pytest.mark.parametrize(
    ("env", "field"),
    [
        ({"OPENAI_API_KEY": "sk-test"}, "max_completion_tokens"),
        ({"OPENAI_BASE_URL": "https://api.openai.com/v1/"}, "max_completion_tokens"),
        ({"OPENAI_BASE_URL": "http://localhost:11434/v1"}, "max_tokens"),
        ({"DAILYPAPERS_PROVIDER": "openai", "OPENAI_API_KEY": "sk-test"}, "max_completion_tokens"),
        ({"DAILYPAPERS_PROVIDER": "deepseek", "DEEPSEEK_API_KEY": "sk-test"}, "max_tokens"),
        ({"DAILYPAPERS_PROVIDER": "ollama"}, "max_tokens"),
    ],
)  # fmt: skip
def test_openai_gets_max_completion_tokens_and_other_servers_max_tokens(
    env: dict[str, str], field: str
) -> None:
    llm = build_config(env).llm

    assert llm is not None
    assert llm.answer_limit == field


def test_an_absurdly_long_answer_is_refused_not_written(world: World) -> None:
    world.add_day(DATE, 1)
    huge = korean_summary("Huge") | {"Technical Details": "트랜스포머 구조를 씁니다. " * 50_000}
    content = json.dumps(huge, ensure_ascii=False)  # 0.75 million characters, 2 MB
    for _ in range(3):  # every try: a server that ignores the cap
        world.openai.enqueue_content(content)

    result = world.run("--date", DATE)

    assert result.exit_code == 1
    text = one_line(result.output)
    assert (
        f"LLM gave no usable summary after 3 tries: the answer is {len(content):,} characters, "
        "more than the 24,000 allowed"
    ) in text
    for path in world.out.rglob("*.md"):
        assert path.stat().st_size < 20_000, path
    calls = rows(world, "SELECT ok, length(raw_response) FROM llm_calls")
    assert calls == [(0, 2000)] * 3


# item: every LLM call has an overall deadline -------------------------------------------------


def test_an_answer_dripping_past_the_deadline_is_cut_off_and_tried_again(world: World) -> None:
    world.add_day(DATE, 1)
    world.openai.drip_next(every=0.1)  # about 60 s for the whole body; each read is quick
    started = time.monotonic()

    result = world.run("--date", DATE, env=world.env() | FAST | {"DAILYPAPERS_LLM_DEADLINE": "1"})

    assert time.monotonic() - started < 10
    assert result.exit_code == 0, result.output
    calls = rows(world, "SELECT ok, error FROM llm_calls ORDER BY id")
    assert calls == [(0, "LLM answer not complete within 1 s"), (1, None)]


def test_the_deadline_is_per_call_and_lets_a_slow_steady_answer_finish(fake_openai) -> None:  # type: ignore[no-untyped-def]
    fake_openai.latency = 0.5
    summarizer = summarizer_for(fake_openai, deadline=2.0)
    try:
        outcomes = [summarizer.summarize(PAPER, TEXT) for _ in range(5)]  # 2.5 s in all
    finally:
        summarizer.close()

    assert all(o.summary is not None and len(o.calls) == 1 for o in outcomes)


# item: every wait a server asks for is capped -------------------------------------------------


@pytest.mark.parametrize("status", [429, 503])
@pytest.mark.parametrize(
    ("headers", "refused"),
    [
        # A wait it can read and that is too long fails the paper for this run at once ...
        ({"retry-after-ms": "1" + "0" * 400}, True),
        ({"retry-after": "86400"}, True),
        ({"retry-after": "Fri, 31 Dec 9999 23:59:59 GMT"}, True),
        # ... and one it cannot read (not a number, not finite, negative) is no wait at all.
        ({"retry-after-ms": "1e23"}, False),
        ({"retry-after-ms": "inf"}, False),
        ({"retry-after-ms": "nan"}, False),
        ({"retry-after-ms": "-5000"}, False),
        ({"retry-after": "1e23"}, False),
        ({"retry-after": "inf"}, False),
        ({"retry-after": "nan"}, False),
        ({"retry-after": "-1"}, False),
    ],
)
def test_no_asked_wait_holds_a_paper_past_the_cap(  # type: ignore[no-untyped-def]
    fake_openai, status: int, headers: dict[str, str], refused: bool
) -> None:
    summarizer = summarizer_for(fake_openai)
    fake_openai.fail_next(status, headers=headers)
    started = time.monotonic()
    try:
        outcome = summarizer.summarize(PAPER, TEXT)
    finally:
        summarizer.close()

    assert time.monotonic() - started < 5
    if refused:
        assert outcome.summary is None
        assert f"(more than {MAX_WAIT:,.0f} s): try again later" in (outcome.error or "")
    else:
        assert outcome.summary is not None, outcome.error
        assert len(outcome.calls) == 2  # the asked wait ignored, the backoff's taken


def test_a_pause_longer_than_the_cap_holds_the_workers_no_longer_than_the_cap() -> None:
    clock = [0.0]

    def sleep(seconds: float) -> None:
        clock[0] += seconds
        if clock[0] > 10 * MAX_WAIT:
            raise AssertionError(f"still waiting after {clock[0]:,.0f} s")

    limiter = RateLimiter(requests_per_minute=60, clock=lambda: clock[0], sleep=sleep)
    for seconds in (float("inf"), 1e23, float("nan"), -5.0):
        limiter.pause(seconds)

        assert limiter.acquire() <= MAX_WAIT


# item: a 200 that is not a chat completion ----------------------------------------------------


@pytest.mark.parametrize("content_type", ["text/html", "application/json"])
def test_a_200_with_an_html_page_is_a_recorded_retried_failure(
    world: World, content_type: str
) -> None:
    world.add_day(DATE, 1)
    page = b"<html><body><h1>Welcome to nginx!</h1></body></html>"
    world.openai.enqueue(200, page, {"content-type": content_type})

    result = world.run("--date", DATE, env=world.env() | FAST)

    assert result.exit_code == 0, result.output
    calls = rows(world, "SELECT ok, error, raw_response FROM llm_calls ORDER BY id")
    assert calls == [
        (
            0,
            f"the LLM answered HTTP 200 with {content_type}, not a chat completion: "
            "<html><body><h1>Welcome to nginx!</h1></body></html>",
            page.decode(),
        ),
        (1, None, calls[1][2]),
    ]
