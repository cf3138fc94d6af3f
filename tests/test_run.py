"""End to end: the real CLI against fake Hugging Face, arXiv and OpenAI servers."""

from __future__ import annotations

import json
import re
import sqlite3

from dailypapers.digest.parse import parse_digest
from dailypapers.models import EXTRACTIVE_NOTE
from tests.e2e import World, invoke
from tests.fakes import make_entry
from tests.shared_data import shared_path

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def digest_of(world: World, date: str) -> str:
    year, month, day = date.split("-")
    return (world.out / "paper_logs" / year / month / f"{day}.md").read_text(encoding="utf-8")


def rows(world: World, sql: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(world.out / "dailypapers.db") as db:
        return db.execute(sql, params).fetchall()


def test_a_thirty_paper_day_with_an_llm(world: World) -> None:
    ids = world.add_day("2024-12-06", 30)

    result = world.run("--date", "2024-12-06")

    assert result.exit_code == 0, result.output
    digest = parse_digest(digest_of(world, "2024-12-06"))
    entries = digest.runs[0].entries
    assert len(digest.runs) == 1
    assert sorted(e.arxiv_id for e in entries) == sorted(ids)
    votes = [e.votes for e in entries]
    assert votes == sorted(votes, reverse=True)
    for entry in entries:
        assert [s.label for s in entry.sections] == [
            "***What's New***",
            "***Technical Details***",
            "***Performance Highlights***",
        ]
        assert all(HANGUL.search(s.text) for s in entry.sections)
        assert entry.arxiv_id in entry.sections[0].text  # the fake echoes the title
        assert entry.note is None
    assert "30 summarized" in result.output
    assert world.openai.calls == 30
    readme = (world.out / "README.md").read_text(encoding="utf-8")
    assert digest_of(world, "2024-12-06") in readme


def test_a_second_run_bills_zero_tokens_and_force_bills_again(world: World) -> None:
    world.add_day("2024-12-06", 5)
    assert world.run("--date", "2024-12-06").exit_code == 0
    first = digest_of(world, "2024-12-06")
    calls = world.openai.calls

    again = world.run("--date", "2024-12-06")

    assert again.exit_code == 0, again.output
    assert world.openai.calls == calls
    assert "5 reused" in again.output
    assert "tokens in 0 / out 0" in again.output
    assert digest_of(world, "2024-12-06") == first
    assert world.arxiv.downloads == {pid: 1 for pid in world.arxiv.downloads}

    forced = world.run("--date", "2024-12-06", "--force")

    assert forced.exit_code == 0, forced.output
    assert world.openai.calls == calls + 5
    assert "5 summarized" in forced.output
    assert all(count == 1 for count in world.arxiv.downloads.values())  # PDFs came from the cache
    (summaries,) = rows(world, "SELECT count(*) FROM summaries")
    assert summaries == (5,)


def test_without_an_llm_the_digest_is_extractive(world: World) -> None:
    world.add_day("2024-12-06", 4)

    result = world.run("--date", "2024-12-06", env=world.env(llm=False))

    assert result.exit_code == 0, result.output
    assert world.openai.calls == 0
    digest = parse_digest(digest_of(world, "2024-12-06"))
    for entry in digest.runs[0].entries:
        assert entry.note == EXTRACTIVE_NOTE
        assert len(entry.sections) == 3
        assert all(s.text and not HANGUL.search(s.text) for s in entry.sections)
    assert f"> {EXTRACTIVE_NOTE}" in digest_of(world, "2024-12-06")
    assert rows(world, "SELECT DISTINCT kind, model FROM summaries") == [
        ("extractive", "extractive")
    ]


def test_a_paper_shown_on_an_earlier_day_is_not_summarized_or_shown_again(world: World) -> None:
    day1 = world.add_day("2024-12-05", 3, day=5)
    world.run("--date", "2024-12-05")
    calls = world.openai.calls
    day2 = world.add_day("2024-12-06", 2, day=6)
    repeat = world.hf  # serve one paper of day 1 again on day 2, as HF does
    entries = [
        make_entry(day1[0], "Renamed by HF later", upvotes=99),
        *_entries(world, "2024-12-06"),
    ]
    repeat.set_day("2024-12-06", entries)

    result = world.run("--date", "2024-12-06")

    assert result.exit_code == 0, result.output
    shown = [e.arxiv_id for e in parse_digest(digest_of(world, "2024-12-06")).runs[0].entries]
    assert shown == sorted(day2, key=lambda pid: -_votes(world, pid))
    assert world.openai.calls == calls + 2
    assert "1 already published" in result.output
    assert day1[0] in digest_of(world, "2024-12-05")


def _entries(world: World, date: str) -> list[dict[str, object]]:
    return list(world.hf.days[date])


def _votes(world: World, arxiv_id: str) -> int:
    (votes,) = rows(world, "SELECT upvotes FROM papers WHERE arxiv_id = ?", arxiv_id)[0]
    return int(votes)  # type: ignore[call-overload]


def test_a_busy_day_is_fetched_past_the_first_page(world: World) -> None:
    ids = world.add_day("2025-02-05", 60, pdfs=False)

    result = world.run("--date", "2025-02-05", env=world.env(llm=False))

    assert result.exit_code == 0, result.output
    assert [r.query.get("p") for r in world.hf.requests] == ["0", "1"]
    entries = parse_digest(digest_of(world, "2025-02-05")).runs[0].entries
    assert sorted(e.arxiv_id for e in entries) == sorted(ids)
    assert "60 summarized from the abstract only" in result.output


def test_authors_keep_the_api_order(world: World) -> None:
    names = ["Zoe Last", "Adam First", "Mia Middle", "Adam First", "Hidden Person"]
    world.hf.set_day(
        "2024-12-06",
        [make_entry("2412.00001", "Ordered", authors=names[:4], hidden=["Hidden Person"])],
    )

    assert world.run("--date", "2024-12-06", env=world.env(llm=False)).exit_code == 0

    assert "Authors: Zoe Last, Adam First, Mia Middle, Hidden Person\n" in digest_of(
        world, "2024-12-06"
    )


def test_markdown_in_titles_and_video_thumbnails_keep_the_format(world: World) -> None:
    title = "A) Forced [B] *Flawed* `code` <think> _x_ (y]"
    video = "https://cdn-uploads.huggingface.co/production/uploads/x/demo.mp4"
    world.hf.set_day(
        "2024-12-06",
        [
            make_entry("2412.00001", title, upvotes=9, thumbnail=video),
            make_entry("2412.00002", "Next paper", upvotes=1),
        ],
    )

    assert world.run("--date", "2024-12-06", env=world.env(llm=False)).exit_code == 0

    text = digest_of(world, "2024-12-06")
    entries = parse_digest(text).runs[0].entries
    assert [e.arxiv_id for e in entries] == ["2412.00001", "2412.00002"]
    assert entries[0].thumbnail == video
    assert "</video></div>\n\n" in text
    assert "\n\n### [Next paper](https://arxiv.org/abs/2412.00002)\n" in text
    from dailypapers.digest.render import unescape_title

    assert unescape_title(entries[0].title_md) == title


def test_status_shows_the_stored_day(world: World) -> None:
    world.add_day("2024-12-06", 2)
    world.run("--date", "2024-12-06")

    result = invoke("status", "--date", "2024-12-06", "--out", str(world.out))

    assert result.exit_code == 0, result.output
    assert "2412.01000" in result.output
    assert "summarized" in result.output


def test_a_real_day_with_a_real_pdf(world: World) -> None:
    raw = json.loads(
        shared_path("fixtures", "hf_daily_papers", "2025-01-20.json").read_text("utf-8")
    )
    world.hf.set_day("2025-01-20", raw)
    pdf = shared_path("fixtures", "arxiv_pdfs", "2501.10120.pdf").read_bytes()
    world.arxiv.add_pdf("2501.10120", pdf)

    result = world.run("--date", "2025-01-20")

    assert result.exit_code == 0, result.output
    assert f"{len(raw)} summarized" in result.output
    assert f"{len(raw) - 1} summarized from the abstract only" in result.output
    with sqlite3.connect(world.out / "dailypapers.db") as db:
        source, pages, tokens = db.execute(
            "SELECT source, pages, fitted_tokens FROM paper_texts WHERE arxiv_id = '2501.10120'"
        ).fetchone()
        stored_raw = db.execute(
            "SELECT raw_json FROM papers WHERE arxiv_id = '2501.10120'"
        ).fetchone()[0]
    assert (source, pages) == ("pdf", 15)
    assert 5_000 < tokens <= 16_000
    assert json.loads(stored_raw) == next(e for e in raw if e["paper"]["id"] == "2501.10120")
    sent = [json.loads(r.body) for r in world.openai.requests]
    pasa = next(s["messages"][1]["content"] for s in sent if "PaSa" in s["messages"][1]["content"])
    assert "4 Methodology" in pasa
    assert "\nReferences\n" not in pasa
    entries = parse_digest(digest_of(world, "2025-01-20")).runs[0].entries
    assert [e.votes for e in entries] == sorted((e["paper"]["upvotes"] for e in raw), reverse=True)


def test_a_day_without_papers_succeeds_and_writes_no_digest(world: World) -> None:
    world.hf.set_day("2024-12-07", [])

    result = world.run("--date", "2024-12-07")

    assert result.exit_code == 0, result.output
    assert "0 listed" in result.output
    assert "no digest written" in result.output
    assert not (world.out / "paper_logs").exists()
