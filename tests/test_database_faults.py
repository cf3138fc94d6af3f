"""A database that is damaged, locked, out of reach or from a newer dailypapers: every command
says so in one line naming the file, and doctor reports the damage as its finding."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from dailypapers.store import db as store_db
from dailypapers.store.db import _migrations
from tests.e2e import World, invoke, one_line

FRIDAY = "2024-12-06"
SLACK = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_CHANNEL": "C0TEST"}
#: Commands that read the database, each with what it needs besides --out.
READERS = [
    ("status", "--date", FRIDAY),
    ("stats",),
    ("site", "build", "SITE"),
    ("render", "--all"),
    ("run", "--date", FRIDAY),
    ("publish", "--date", FRIDAY, "--slack", "--dry-run"),
]


def stored_day(world: World) -> Path:
    world.add_day(FRIDAY, 3, day=6)
    assert world.run("--date", FRIDAY).exit_code == 0
    return world.out / "dailypapers.db"


def damage_pages(path: Path) -> None:
    """Break every page of the papers, summaries and digests (and their indexes), keeping
    the schema readable: the file opens, and queries meet the damage."""
    tables = ("papers", "summaries", "digest_entries", "listings", "runs", "llm_calls")
    with closing(sqlite3.connect(path)) as db:
        names = {
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE tbl_name IN (?, ?, ?, ?, ?, ?)", tables
            )
        }
        pages = {row[1] for row in db.execute("SELECT name, pageno FROM dbstat") if row[0] in names}
        size = db.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    for page in pages:
        start = (page - 1) * size
        data[start : start + 40] = b"\x00" + b"\xff" * 39  # no valid b-tree page type
    path.write_bytes(bytes(data))


def command(world: World, args: tuple[str, ...]) -> list[str]:
    site = str(world.out.parent / "site")
    return [site if a == "SITE" else a for a in args] + ["--out", str(world.out)]


@pytest.mark.parametrize("args", READERS, ids=lambda a: " ".join(a[:2]))
def test_damaged_pages_are_one_line_naming_the_file(world: World, args: tuple[str, ...]) -> None:
    db = stored_day(world)
    damage_pages(db)

    result = invoke(*command(world, args), env=world.env() | SLACK)

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert one_line(result.output).startswith("error: "), result.output
    assert f"database {db}" in one_line(result.output)
    assert "database disk image is malformed" in result.output
    assert "dailypapers doctor" in one_line(result.output)


def test_doctor_reports_damaged_pages_as_its_finding(world: World) -> None:
    db = stored_day(world)
    damage_pages(db)

    result = invoke("doctor", "--out", str(world.out), env=world.env())

    output = one_line(result.output)
    assert result.exit_code == 1
    assert "error:" not in output
    assert f"the database {db} is damaged: " in output
    assert (
        f"fix: restore a backup, or recover what SQLite can still read: sqlite3 '{db}' .recover "
        "| sqlite3 recovered.db, then use --db recovered.db"
    ) in output
    assert "1 to fix" in output


def test_doctor_reports_a_file_that_is_no_database_as_its_finding(world: World) -> None:
    db = stored_day(world)
    db.write_bytes(b"\x00" * 100 + db.read_bytes()[100:])  # the header is gone

    result = invoke("doctor", "--out", str(world.out), env=world.env())

    output = one_line(result.output)
    assert result.exit_code == 1
    assert "error:" not in output
    assert f"the database {db} is damaged: " in output
    assert "file is not a database" in output


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give up on a lock after 0.2 s instead of 10 s."""
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT", 0.2)


@pytest.fixture
def writer_holding(world: World, short_busy_timeout: None) -> Iterator[Path]:
    """Another connection in the middle of a write, for the whole test."""
    db = stored_day(world)
    with closing(sqlite3.connect(db, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO runs (date, started_at, summarizer) VALUES ('x', 'x', 'x')")
        yield db
        other.execute("ROLLBACK")


def test_a_database_another_program_is_writing_is_one_line(
    world: World, writer_holding: Path
) -> None:
    world.add_day("2024-12-05", 1, day=5)

    result = world.run("--date", "2024-12-05")

    output = one_line(result.output)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert output.startswith(f"error: database {writer_holding}: database is locked: ")
    assert "another program (another dailypapers?) is writing to it" in output


def test_a_database_locked_for_reading_is_one_line(world: World, short_busy_timeout: None) -> None:
    db = stored_day(world)
    with closing(sqlite3.connect(db, isolation_level=None)) as other:
        other.execute("PRAGMA locking_mode=EXCLUSIVE")
        other.execute("BEGIN EXCLUSIVE")

        result = invoke("status", "--date", FRIDAY, "--out", str(world.out), env=world.env())

    assert result.exit_code == 1
    assert one_line(result.output).startswith(f"error: cannot open database {db}: ")
    assert "database is locked" in result.output


def test_a_database_path_that_cannot_be_made_is_one_line(world: World, tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder", encoding="utf-8")
    world.add_day(FRIDAY, 1, day=6)

    result = world.run("--date", FRIDAY, "--db", str(a_file / "sub" / "dailypapers.db"))

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert one_line(result.output).startswith(f"error: cannot open database {a_file}/sub/")


def test_a_database_from_a_newer_dailypapers_is_refused_by_every_command(world: World) -> None:
    world.out.mkdir()
    db = world.out / "dailypapers.db"
    with closing(sqlite3.connect(db)) as future:
        future.execute("CREATE TABLE papers (arxiv_id TEXT PRIMARY KEY)")
        future.execute("PRAGMA user_version=99")
    before = (db.read_bytes(), db.stat().st_mtime_ns)
    newest = max(v for v, _ in _migrations())
    world.add_day(FRIDAY, 1, day=6)

    for args in [*READERS, ("doctor",)]:
        result = invoke(*command(world, args), env=world.env() | SLACK)

        assert result.exit_code == 1, (args, result.output)
        assert one_line(result.output) == (
            f"error: {db} was made by a newer dailypapers (schema 99 > {newest}); "
            "upgrade dailypapers"
        ), args
    assert (db.read_bytes(), db.stat().st_mtime_ns) == before
    assert world.hf.requests == []


def test_a_stored_value_that_is_not_json_is_one_line(world: World) -> None:
    db = stored_day(world)
    with closing(sqlite3.connect(db)) as edited, edited:
        edited.execute("UPDATE summaries SET sections_json = '[[\"half'")

    result = invoke("render", "--all", "--out", str(world.out), env=world.env())

    output = one_line(result.output)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert output.startswith(f"error: database {db}: a stored value is not valid JSON")
