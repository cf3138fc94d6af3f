"""Polite and fast: each host its own pacer and 429 handling, HF_TOKEN to Hugging Face only, and
an LLM concurrency that finds the server's limit by itself, through the real CLI."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from dailypapers.http import get_with_retry, make_client
from dailypapers.sources.arxiv import arxiv_pacer, download_pdf
from dailypapers.sources.pacing import hf_pacer
from tests.child import CHAT, summaries
from tests.e2e import World, one_line, paper_pdf

DAY = "2024-12-06"
HF_TOKEN = "hf_secretTokenForTests123"


def test_a_server_that_refuses_more_than_four_calls_loses_nothing(world: World) -> None:
    papers = 16
    world.add_day(DAY, papers)
    world.openai.latency = 0.4
    world.openai.concurrency_limit = 4

    result = world.run("--date", DAY)

    output = one_line(result.output)
    assert result.exit_code == 0, output
    assert f"{papers} summarized" in output
    assert summaries(world) == papers
    assert world.openai.in_flight_peak <= 4
    met = world.openai.rejected.get(429, 0)
    assert met <= 5  # a handful: the first overshoot, and no more
    assert f"rate limited (429) {met} time" in output


def test_an_unlimited_server_gets_more_than_four_calls_at_once(world: World) -> None:
    papers = 24
    world.add_day(DAY, papers)
    world.openai.latency = 0.6

    result = world.run("--date", DAY)

    output = one_line(result.output)
    assert result.exit_code == 0, output
    assert f"{papers} summarized" in output
    assert world.openai.in_flight_peak > 8, world.openai.in_flight_peak
    assert "rate limited (429) 0 times" in output


def test_hf_token_goes_to_hugging_face_only_and_is_shown_nowhere(world: World) -> None:
    world.add_day(DAY, 3)

    result = world.run("--date", DAY, "--verbose", env=world.env() | {"HF_TOKEN": f" {HF_TOKEN}\n"})

    assert result.exit_code == 0, result.output
    assert world.hf.requests
    assert all(r.headers.get("authorization") == f"Bearer {HF_TOKEN}" for r in world.hf.requests)
    assert world.hf.md_requests
    assert all(r.headers.get("authorization") == f"Bearer {HF_TOKEN}" for r in world.hf.md_requests)
    assert world.arxiv.requests
    assert all("authorization" not in r.headers for r in world.arxiv.requests)
    assert world.arxiv.html_requests  # the HTML version, kept apart from the PDFs' requests
    assert all("authorization" not in r.headers for r in world.arxiv.html_requests)
    chats = [r for r in world.openai.requests if r.path == CHAT]
    assert chats
    assert all(r.headers["authorization"] == "Bearer sk-test-key" for r in chats)
    assert HF_TOKEN not in result.output
    for path in world.out.rglob("*"):
        if path.is_file():
            assert HF_TOKEN.encode() not in path.read_bytes(), path


def test_without_hf_token_nothing_is_sent(world: World) -> None:
    world.add_day(DAY, 1)
    assert world.run("--date", DAY).exit_code == 0
    assert all("authorization" not in r.headers for r in world.hf.requests)
    assert world.hf.md_requests
    assert all("authorization" not in r.headers for r in world.hf.md_requests)


def test_a_429_from_hugging_face_pauses_hugging_face_only(world: World, tmp_path: Path) -> None:
    """HF answers 429 with Retry-After 2 s; arXiv is asked meanwhile and is not held back."""
    world.arxiv.add_pdf("2412.06001", paper_pdf(1))
    world.hf.set_day(DAY, [])
    world.hf.fail_next(429, headers={"retry-after": "2"})
    hf, arxiv = hf_pacer(token=False), arxiv_pacer(3.0)
    assert hf is not None
    assert arxiv is not None
    with make_client(timeout=10) as client:
        listing = threading.Thread(
            target=get_with_retry,
            args=(client, f"{world.hf.url}/api/daily_papers"),
            kwargs={"params": {"date": DAY}, "pacer": hf, "backoff": 0.01},
        )
        listing.start()
        while not world.hf.requests:
            time.sleep(0.01)
        started = time.monotonic()
        download_pdf(client, world.arxiv.url, "2412.06001", tmp_path, pacer=arxiv)
        arxiv_took = time.monotonic() - started
        listing.join()
    assert arxiv_took < 1.0  # not the 2 s HF asked of its own clients
    assert hf.pacing.pauses == 1
    assert arxiv.pacing.pauses == 0
    assert len(world.hf.requests) == 2  # asked again after the pause


def test_hugging_face_pages_go_at_once_within_the_allowance() -> None:
    """A day's 30 page requests need no wait; no 5 minutes ever see more than the allowance
    (what the bucket holds plus what it refills in 5 minutes)."""
    pacer = hf_pacer(token=False)
    assert pacer is not None
    assert all(pacer.acquire() == 0.0 for _ in range(30))
    for token, allowance in ((False, 100), (True, 200)):
        known = hf_pacer(token=token)
        assert known is not None
        bucket = known.requests
        assert bucket is not None
        assert bucket.capacity + bucket.rate * 300 <= allowance
        assert bucket.capacity >= 30


def test_a_known_allowance_is_spent_and_zero_turns_pacing_off() -> None:
    pro = hf_pacer(token=True, allowance=1000)
    assert pro is not None
    assert pro.requests is not None
    assert pro.requests.capacity == 500
    assert hf_pacer(token=False, allowance=0) is None
