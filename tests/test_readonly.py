"""Reading commands on a database they may not write, and two commands opening a new one."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from dailypapers.errors import StoreError
from dailypapers.store import Store
from dailypapers.store.db import _migrations
from dailypapers.store.lock import write_lock
from tests.e2e import World, invoke, read_only

NEWEST = max(version for version, _ in _migrations())


def test_two_first_opens_of_a_new_database_at_once_both_succeed(tmp_path: Path) -> None:
    for attempt in range(8):
        path = tmp_path / f"new{attempt}.db"
        start = threading.Barrier(4)
        versions: list[int] = []
        errors: list[str] = []  # every exception of a thread, shown by the assertion below

        def open_it(
            path: Path = path,
            start: threading.Barrier = start,
            versions: list[int] = versions,
            errors: list[str] = errors,
        ) -> None:
            start.wait()
            try:
                with Store.open(path) as store:
                    versions.append(store.schema_version())
            except Exception as e:  # noqa: BLE001 (a thread's failure would go unseen)
                errors.append(f"{type(e).__name__}: {e}")

        threads = [threading.Thread(target=open_it) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert versions == [NEWEST] * 4


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize(
    "args",
    [
        ("status", "--date", "2024-12-06"),
        ("stats",),
        ("doctor",),
        ("site", "build", "SITE"),
    ],
)
def test_reading_commands_leave_the_database_folder_untouched(
    world: World, tmp_path: Path, args: tuple[str, ...]
) -> None:
    world.add_day("2024-12-06", 2)
    assert world.run("--date", "2024-12-06").exit_code == 0
    db = world.out / "dailypapers.db"
    before = _files(world.out)
    site = tmp_path / "site"
    argv = [str(site) if a == "SITE" else a for a in args]

    with read_only(db, world.out):  # a copy on a read-only disk, another user's file
        result = invoke(*argv, "--db", str(db), "--out", str(world.out))

    assert result.exit_code == 0, result.output
    assert _files(world.out) == before  # no lock file, no journal left, not a byte written


def test_site_build_only_reads_so_it_runs_while_a_run_holds_the_lock(
    world: World, tmp_path: Path
) -> None:
    world.add_day("2024-12-06", 1)
    assert world.run("--date", "2024-12-06").exit_code == 0
    db = world.out / "dailypapers.db"

    with write_lock(db, "run"):
        result = invoke(
            "site",
            "build",
            str(tmp_path / "site"),
            "--db",
            str(db),
            env={"DAILYPAPERS_LOCK_WAIT": "0"},
        )

    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "days" / "2024-12-06.html").exists()


def test_check_db_opens_the_database_read_only(world: World) -> None:
    world.add_day("2024-12-06", 2)
    assert world.run("--date", "2024-12-06").exit_code == 0
    db = world.out / "dailypapers.db"
    before = _files(world.out)

    with read_only(db, world.out):
        result = invoke("check", "--db", str(db))

    assert result.exit_code == 0, result.output
    assert _files(world.out) == before


def test_a_read_only_open_never_writes(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    Store.open(path).close()
    with Store.open(path, read_only=True) as store:
        assert store.schema_version() == NEWEST
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            store.db.execute("CREATE TABLE t (x)")


def test_a_read_only_open_of_an_old_schema_says_what_to_run(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version=1")
        db.execute("CREATE TABLE papers (arxiv_id TEXT)")
    with pytest.raises(StoreError, match=r"d\.db.*older dailypapers.*dailypapers run"):
        Store.open(path, read_only=True)
