"""A big site build shares its days among processes (``site/processes.py``) and makes exactly
the folder one process makes: same files, same bytes, same manifest, so later builds keep
working from either."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bench.generated_archive import generate_archive
from dailypapers.digest.importer import import_digest
from dailypapers.errors import OutputError
from dailypapers.site import processes, segments
from dailypapers.site.build import build_site
from dailypapers.site.output import MANIFEST
from dailypapers.site.processes import share
from dailypapers.store import Store
from tests.site_corpus import generated_digest

#: 50 days from 2021-01-01: three search segments (January, February, the latest week).
PAPERS = 1_500


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("archive") / "papers.db"
    generate_archive(db, PAPERS)
    return db


@pytest.fixture
def every_build_shared(monkeypatch: pytest.MonkeyPatch) -> None:
    """Share even a small build among processes (a real one needs ``POOL_DAYS`` days)."""
    monkeypatch.setattr(segments, "POOL_DAYS", 1)


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def differences(one: Path, two: Path) -> list[str]:
    """The files of either folder (at any depth) that the other lacks or holds otherwise."""
    first, second = files_of(one), files_of(two)
    return sorted(
        path for path in first.keys() | second.keys() if first.get(path) != second.get(path)
    )


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_two_processes_make_the_same_folder_as_one(
    archive: Path,
    tmp_path: Path,
    every_build_shared: None,
    method: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if method == "fork" and sys.platform != "linux":
        pytest.skip("processes are forked on Linux only")
    monkeypatch.setattr(processes, "start_method", lambda: method)
    with Store.open_to_read(archive) as store:
        alone = build_site(store, tmp_path / "one", jobs=1)
        shared = build_site(store, tmp_path / "two", jobs=2)
    assert (alone.processes, shared.processes) == (1, 2)
    assert differences(tmp_path / "one", tmp_path / "two") == []
    one = files_of(tmp_path / "one")
    assert len(shared.written) == len(alone.written) == len(one) - 1  # all but the manifest
    assert {p.relative_to(tmp_path / "two") for p in shared.written} == {
        p.relative_to(tmp_path / "one") for p in alone.written
    }


def test_a_shared_build_is_kept_by_the_next_build(
    archive: Path, tmp_path: Path, every_build_shared: None
) -> None:
    db = tmp_path / "papers.db"
    db.write_bytes(archive.read_bytes())
    out = tmp_path / "site"
    with Store.open(db) as store:
        build_site(store, out, jobs=2)
        again = build_site(store, out, jobs=2)
        assert again.written == []
        import_digest(store, generated_digest("2021-02-20", 28, count=30))
        shared = build_site(store, out, jobs=2)
        alone_out = tmp_path / "alone"
        build_site(store, alone_out, jobs=1)
    written = {path.relative_to(out).as_posix() for path in shared.written}
    assert "days/2021-02-20.html" in written
    assert not any(path.startswith("days/2021-01") for path in written)
    assert differences(out, alone_out) == []


def test_a_file_another_process_cannot_write_stops_the_build_naming_it(
    archive: Path, tmp_path: Path, every_build_shared: None
) -> None:
    out = tmp_path / "site"
    with Store.open_to_read(archive) as store:
        build_site(store, out, jobs=2)
        # a folder where a paper's file goes, in every segment: whichever process meets
        # one first stops the build
        papers = sorted((out / "papers").iterdir())
        for victim in (papers[10], papers[700], papers[-5]):
            victim.unlink()
            victim.mkdir()
        (out / MANIFEST).unlink()
        with pytest.raises(OutputError, match=r"cannot write .*/papers/21"):
            build_site(store, out, jobs=2)
    assert not (out / MANIFEST).exists()


def test_processes_are_forked_only_without_other_threads() -> None:
    if sys.platform != "linux":
        assert processes.start_method() == "spawn"
        return
    assert processes.start_method() == ("fork" if threading.active_count() == 1 else "spawn")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert processes.start_method() == "spawn"
    finally:
        stop.set()
        other.join()


def test_work_is_shared_heaviest_first_into_even_parts() -> None:
    assert share([365, 365, 365, 365, 200, 20, 3], 2) == [[0, 2, 4], [1, 3, 5, 6]]
    assert share([5, 1], 4) == [[0], [1]]
    assert share([], 2) == []
    assert share([7, 7, 7], 1) == [[0, 1, 2]]


def test_the_command_shares_a_big_build_and_says_so(tmp_path: Path) -> None:
    db = tmp_path / "papers.db"
    generate_archive(db, 30 * (segments.POOL_DAYS + 10))  # enough days to share them
    command = [sys.executable, "-m", "dailypapers", "site", "build"]
    shared = subprocess.run(
        [*command, str(tmp_path / "two"), "--db", str(db), "--jobs", "2"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert shared.returncode == 0, shared.stderr
    assert "in 2 processes)" in shared.stdout
    with Store.open_to_read(db) as store:
        build_site(store, tmp_path / "one", jobs=1)
    assert differences(tmp_path / "one", tmp_path / "two") == []
    refused = subprocess.run(
        [*command, str(tmp_path / "three"), "--db", str(db), "--jobs", "0"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 2
    assert "--jobs" in refused.stderr
