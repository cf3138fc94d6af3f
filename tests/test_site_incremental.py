"""The incremental site build: a rebuild renders and writes only what changed, and never
keeps a stale file (a changed summary, a deleted file, a new template or base URL)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bench.generated_archive import generate_archive
from dailypapers.digest.importer import import_digest
from dailypapers.models import Summary
from dailypapers.site.build import build_site
from dailypapers.site.output import MANIFEST
from dailypapers.site.topics import parse_topic
from dailypapers.store import Store
from tests.site_corpus import generated_digest


@pytest.fixture
def archive(tmp_path: Path) -> tuple[Path, list[str]]:
    db = tmp_path / "papers.db"
    days = generate_archive(db, papers=300)  # ten days of 30, in January 2021
    return db, days


def build(db: Path, out: Path, **options: object) -> list[str]:
    with Store.open(db) as store:
        report = build_site(store, out, **options)  # type: ignore[arg-type]
    return sorted(str(path.relative_to(out)) for path in report.written)


def snapshot(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and p.name != MANIFEST
    }


def test_a_second_build_with_nothing_changed_writes_nothing(archive, tmp_path: Path) -> None:
    db, _ = archive
    first = build(db, tmp_path / "site")
    assert len(first) > 600  # 10 day pages, 300 paper files, 300 search papers, ...
    assert build(db, tmp_path / "site") == []


def test_a_new_day_writes_its_files_and_the_pages_that_list_it(archive, tmp_path) -> None:
    db, _ = archive
    out = tmp_path / "site"
    build(db, out)
    with Store.open(db) as store:
        import_digest(store, generated_digest("2021-01-11", 11, count=8))
    written = build(db, out)
    new = [
        "days/2021-01-11.html",
        "data/2021-01-11.json",
        *(f"papers/2412.11{i:03d}.md" for i in range(8)),
    ]
    neighbour_and_lists = [
        "days/2021-01-10.html",  # its "next" link
        "index.html",
        "archive.html",
        "assets/days.js",
        "data/index.json",
        "feed.xml",
        "feed.json",
        "llms.txt",
    ]
    search = [p for p in written if p.startswith("assets/search/")]
    assert set(written) - set(search) == set(new) | set(neighbour_and_lists)
    # 2021-01-11 starts a week: its papers are the new week's segment, and the last week
    # (January 4 to 10) joins the month's, whose first days' papers are not written again
    week = "assets/search/2021-01-w02/d/"
    assert {f"{week}{n}.js" for n in range(8)} <= set(search)
    month = "assets/search/2021-01/d/"
    assert {f"{month}{n}.js" for n in range(90, 300)} <= set(search)
    assert "assets/search/manifest.js" in search
    assert not any(p.startswith(month) and int(p[len(month) : -3]) < 90 for p in search)
    # and the result is what a build from scratch makes, byte for byte
    build(db, tmp_path / "fresh")
    assert snapshot(out) == snapshot(tmp_path / "fresh")


def test_the_latest_month_is_a_segment_of_its_own(archive, tmp_path) -> None:
    """A new day rebuilds its week of the index, not its year; when the month turns, the
    month joins its year's segment (rebuilt once) and its own files are removed."""
    db, _ = archive
    out = tmp_path / "site"
    build(db, out)
    with Store.open(db) as store:
        import_digest(store, generated_digest("2021-02-01", 11, count=8))
    search = [p for p in build(db, out) if p.startswith("assets/search/")]
    assert any(p.startswith("assets/search/2021/") for p in search)  # January joined 2021
    assert not (out / "assets/search/2021-01").exists()

    with Store.open(db) as store:
        import_digest(store, generated_digest("2021-02-02", 12, count=8))
    search = [p for p in build(db, out) if p.startswith("assets/search/")]
    assert any(p.startswith("assets/search/2021-02-w05/") for p in search)  # its week's
    assert not any(p.startswith("assets/search/2021/") for p in search)
    build(db, tmp_path / "fresh")
    assert snapshot(out) == snapshot(tmp_path / "fresh")


def test_a_changed_summary_rebuilds_its_day_and_nothing_else_of_the_past(archive, tmp_path):
    db, days = archive
    out = tmp_path / "site"
    build(db, out)
    with Store.open(db) as store:
        digest = store.load_digest(days[3])
        assert digest is not None
        entry = digest.runs[0].entries[0]
        sections = (replace(entry.sections[0], text="바뀐 요약 (changed summary)"),)
        store.save_summary(
            entry.arxiv_id,
            Summary(
                sections=sections + entry.sections[1:],
                kind="llm",
                model="bench",
                prompt_version="v1",
            ),
        )
    written = build(db, out)
    assert f"days/{days[3]}.html" in written
    assert f"papers/{entry.arxiv_id}.md" in written
    assert not any(p.startswith("days/") and p != f"days/{days[3]}.html" for p in written)
    assert "바뀐 요약" in (out / f"papers/{entry.arxiv_id}.md").read_text()
    build(db, tmp_path / "fresh")
    assert snapshot(out) == snapshot(tmp_path / "fresh")


def test_a_deleted_output_file_is_written_again(archive, tmp_path: Path) -> None:
    db, days = archive
    out = tmp_path / "site"
    build(db, out)
    gone = [out / f"days/{days[2]}.html", out / "assets/search/2021-01/d/5.js", out / "llms.txt"]
    for path in gone:
        path.unlink()
    written = build(db, out)
    for path in gone:
        assert path.exists()
        assert str(path.relative_to(out)) in written


def test_a_changed_base_url_rebuilds_every_page(archive, tmp_path: Path) -> None:
    db, days = archive
    out = tmp_path / "site"
    build(db, out)
    written = build(db, out, base_url="https://example.org/papers/")
    assert {f"days/{day}.html" for day in days} <= set(written)
    assert "https://example.org/papers/" in (out / "feed.xml").read_text()
    papers = sorted((out / "papers").iterdir())
    assert "https://example.org/papers/days/" in papers[0].read_text()


def test_a_changed_template_rebuilds_every_page(archive, tmp_path: Path) -> None:
    db, days = archive
    out = tmp_path / "site"
    build(db, out)
    manifest = out / MANIFEST
    # What an older dailypapers (other templates) would have left: another build key, and
    # another page recorded and on disk.
    data = json.loads(manifest.read_text())
    data["build"] = "an older build"
    data["files"][f"days/{days[1]}.html"] = "an older hash"
    manifest.write_text(json.dumps(data))
    (out / f"days/{days[1]}.html").write_text("an older page")
    with Store.open(db) as store:
        report = build_site(store, out)
    assert [str(p.relative_to(out)) for p in report.written] == [f"days/{days[1]}.html"]
    # every day was rendered again (the others came out the same bytes)
    assert report.unchanged > 600


def test_a_new_topic_gets_its_feed_without_rebuilding_the_days(archive, tmp_path) -> None:
    db, _ = archive
    out = tmp_path / "site"
    build(db, out)
    written = build(db, out, topics=[parse_topic("rl=Reinforcement Learning")])
    assert written == ["feeds/rl.xml"]


def test_without_a_manifest_files_are_compared_byte_for_byte(archive, tmp_path) -> None:
    db, _ = archive
    out = tmp_path / "site"
    build(db, out)
    (out / MANIFEST).unlink()
    assert build(db, out) == []
    assert (out / MANIFEST).exists()


def test_a_new_day_of_the_same_week_rewrites_a_week_of_the_index(tmp_path: Path) -> None:
    """A day's papers have keys in nearly every shard of their segment: that segment is the
    days of their week (60 papers here), not their month's (360) nor their year's."""
    db, out = tmp_path / "papers.db", tmp_path / "site"
    days = generate_archive(db, papers=360)  # 2021-01-01 to 2021-01-12, a Tuesday
    with Store.open(db) as store:
        digest = store.load_digest(days[-1])
        assert digest is not None
        store.db.execute("DELETE FROM digest_entries WHERE date = ?", (days[-1],))
    build(db, out)
    with Store.open(db) as store:
        import_digest(store, digest)
    search = [p for p in build(db, out) if p.startswith("assets/search/")]
    assert len(search) < 120, len(search)  # 30 papers, the shards, votes, manifest
    assert {p.split("/")[2] for p in search} == {"2021-01-w02", "manifest.js"}
