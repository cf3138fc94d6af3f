"""Which days a rebuild renders again, told from the stamps the store's triggers keep
(migration 0010) rather than from every row's text: each kind of change still reaches the
pages that show it, and without the triggers the rows are hashed as before."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bench.generated_archive import generate_archive
from dailypapers.models import PaperText, Summary
from dailypapers.site.build import build_site
from dailypapers.store import Store
from dailypapers.store.site import STAMP_TRIGGERS


@pytest.fixture
def archive(tmp_path: Path) -> tuple[Path, list[str]]:
    db = tmp_path / "papers.db"
    return db, generate_archive(db, papers=150)  # five days of 30


def build(db: Path, out: Path) -> list[str]:
    with Store.open(db) as store:
        report = build_site(store, out)
    return sorted(str(path.relative_to(out)) for path in report.written)


def day_pages(written: list[str]) -> list[str]:
    return [path for path in written if path.startswith("days/")]


def first_paper(db: Path, day: str) -> str:
    with Store.open(db) as store:
        digest = store.load_digest(day)
    assert digest is not None
    return digest.runs[0].entries[0].arxiv_id


def test_every_stamping_trigger_is_in_a_new_database(tmp_path: Path) -> None:
    with Store.open(tmp_path / "papers.db") as store:
        rows = store.db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        assert {row[0] for row in rows} >= STAMP_TRIGGERS


def test_a_new_text_rebuilds_the_day_that_shows_its_paper(archive, tmp_path: Path) -> None:
    db, days = archive
    out = tmp_path / "site"
    build(db, out)
    paper = first_paper(db, days[2])
    with Store.open(db) as store:
        store.save_text(PaperText(paper, "본문", "pdf", tokens=1234, pages=9, gates=("length",)))
    written = build(db, out)
    assert day_pages(written) == [f"days/{days[2]}.html"]
    assert "1,234 tokens" in (out / f"days/{days[2]}.html").read_text()


def test_changed_paper_metadata_rebuilds_its_day(archive, tmp_path: Path) -> None:
    db, days = archive
    out = tmp_path / "site"
    build(db, out)
    paper = first_paper(db, days[3])
    with Store.open(db) as store:
        store.db.execute(
            "UPDATE papers SET organization = 'Stamp Lab' WHERE arxiv_id = ?", (paper,)
        )
    written = build(db, out)
    assert day_pages(written) == [f"days/{days[3]}.html"]
    assert "Stamp Lab" in (out / f"days/{days[3]}.html").read_text()


def test_without_the_triggers_the_rows_are_hashed(archive, tmp_path: Path) -> None:
    """What a later migration that rebuilt a table (dropping its triggers) would leave."""
    db, days = archive
    out = tmp_path / "site"
    build(db, out)
    with Store.open(db) as store:
        store.db.execute("DROP TRIGGER site_summary_update")
        digest = store.load_digest(days[1])
        assert digest is not None
        entry = digest.runs[0].entries[0]
        sections = (replace(entry.sections[0], text="다시 쓴 요약"), *entry.sections[1:])
        store.save_summary(
            entry.arxiv_id,
            Summary(sections=sections, kind="llm", model="bench", prompt_version="v1"),
        )
    written = build(db, out)
    assert f"days/{days[1]}.html" in written
    assert "다시 쓴 요약" in (out / f"days/{days[1]}.html").read_text()
    assert build(db, out) == []
