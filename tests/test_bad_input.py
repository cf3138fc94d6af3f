"""Bad input of every kind: a clear one-line message naming the paper and the cause."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.e2e import World, invoke, paper_pdf
from tests.fakes import Late, make_entry
from tests.pdfgen import corrupt_pdf

SECRET = "sk-live-DO-NOT-LEAK-1234567890abcdef"


def one_paper_day(world: World, arxiv_id: str = "2412.00001") -> None:
    world.hf.set_day("2024-12-06", [make_entry(arxiv_id, "A paper", upvotes=3)])


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"{not json", "application/json", "application/json, malformed JSON: Expecting"),
        (b'{"error": "x"}', "application/json", ": expected a JSON list"),
        (
            b"<html><body><h1>Down for maintenance</h1></body></html>",
            "text/html",
            'answered text/html, not JSON: "Down for maintenance"',
        ),
    ],
)
def test_a_broken_list_is_one_clear_error(
    world: World, body: bytes, content_type: str, message: str
) -> None:
    world.hf.set_raw("2024-12-06", body, content_type)

    result = world.run("--date", "2024-12-06")

    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert output.startswith("error: daily papers for 2024-12-06: "), output
    assert message in output
    assert "Traceback" not in result.output


def test_the_list_server_failing_is_reported_after_retries(world: World) -> None:
    world.hf.fail_next(503, times=10)

    result = world.run("--date", "2024-12-06")

    assert result.exit_code == 1
    assert "HTTP 503" in result.output
    assert len(world.hf.requests) == 4


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2024-13-40", "invalid date '2024-13-40'"),
        ("yesterday", "invalid date 'yesterday'"),
        ("2999-01-01", "date 2999-01-01 is in the future"),
    ],
)
def test_a_wrong_date_is_refused_before_any_request(world: World, date: str, message: str) -> None:
    result = world.run("--date", date)

    assert result.exit_code == 2
    assert message in result.output
    assert world.hf.requests == []


@pytest.mark.parametrize(
    ("serve", "reason"),
    [
        (
            lambda w: w.arxiv.add_body(
                "2412.00001", b"<!DOCTYPE html><p>rate limited", "text/html"
            ),
            "not a PDF",
        ),
        (lambda w: w.arxiv.add_pdf("2412.00001", corrupt_pdf(paper_pdf(0))), "2412.00001"),
        (lambda w: w.arxiv.add_pdf("2412.00001", b""), "2412.00001"),
        (lambda w: None, "HTTP 404"),
    ],
)
def test_a_pdf_that_cannot_be_read_falls_back_to_the_abstract(
    world: World, serve, reason: str
) -> None:  # type: ignore[no-untyped-def]
    one_paper_day(world)
    serve(world)

    result = world.run("--date", "2024-12-06")

    assert result.exit_code == 0, result.output
    assert "1 summarized from the abstract only" in result.output
    assert reason in result.output
    with sqlite3.connect(world.out / "dailypapers.db") as db:
        source, missing = db.execute("SELECT source, missing_reason FROM paper_texts").fetchone()
    assert source == "abstract"
    assert reason in missing or reason == "2412.00001"


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("garbage", "the answer is not JSON"),
        ("incomplete", "missing key 'Performance Highlights'"),
        ("refuse", "the model refused"),
        ("error", "HTTP 500"),
    ],
)
def test_an_llm_that_fails_one_paper_does_not_stop_the_day(
    world: World, mode: str, reason: str
) -> None:
    world.add_day("2024-12-06", 3)
    world.run("--date", "2024-12-06")  # all three summarized
    world.add_day("2024-12-06", 4)  # a fourth paper appears later that day
    world.openai.set_mode(mode)

    result = world.run("--date", "2024-12-06", env=world.env(key=SECRET))

    assert result.exit_code == 1
    assert "3 reused" in result.output
    assert "1 failed" in result.output
    assert "2412.01003: " in result.output
    assert reason in result.output
    digest = (world.out / "paper_logs/2024/12/06.md").read_text(encoding="utf-8")
    assert digest.count("### [") == 3  # nothing stored before was lost
    with sqlite3.connect(world.out / "dailypapers.db") as db:
        status, error = db.execute(
            "SELECT status, last_error FROM papers WHERE arxiv_id = '2412.01003'"
        ).fetchone()
        failed_calls = db.execute("SELECT count(*) FROM llm_calls WHERE ok = 0").fetchone()[0]
    assert status == "failed"
    assert reason in error
    assert failed_calls >= 1


def test_a_stalled_llm_times_out_for_that_paper(world: World) -> None:
    one_paper_day(world)
    world.arxiv.add_pdf("2412.00001", paper_pdf(0))
    world.openai.crash_at(then=Late(3), times=None)  # every answer comes 3 s late
    env = world.env() | {"DAILYPAPERS_LLM_TIMEOUT": "0.5"}

    result = world.run("--date", "2024-12-06", env=env)

    assert result.exit_code == 1
    assert "2412.00001: LLM request timed out (after 4 tries)" in result.output


def test_keys_never_appear_in_output_database_or_files(world: World) -> None:
    world.add_day("2024-12-06", 2)
    world.openai.set_mode("error")

    result = world.run("--date", "2024-12-06", env=world.env(key=SECRET))
    world.openai.set_mode("good")
    result2 = world.run("--date", "2024-12-06", env=world.env(key=SECRET))

    assert any(r.headers.get("authorization") == f"Bearer {SECRET}" for r in world.openai.requests)
    assert SECRET not in result.output + result2.output
    for path in world.out.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_import_of_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = invoke("import-logs", str(tmp_path / "nope"), "--out", str(tmp_path))

    assert result.exit_code == 2
    assert "is not a folder" in result.output


def test_an_arxiv_that_never_answers_falls_back_to_the_abstract(world: World) -> None:
    one_paper_day(world)
    world.arxiv.add_pdf("2412.00001", paper_pdf(0))
    world.arxiv.delay_next(2.0, times=4)
    env = world.env() | {"DAILYPAPERS_HTTP_TIMEOUT": "0.3"}

    result = world.run("--date", "2024-12-06", env=env)

    assert result.exit_code == 0, result.output
    assert (
        "2412.00001: summarized from the abstract: PDF download failed: timed out" in result.output
    )
    assert len(world.arxiv.requests) == 4
