"""Crash safety: SIGKILL the real CLI in the middle of a run, then run it again.

The CLI runs as a child process against the fakes. A fake's crash plan kills it when a chosen
request arrives and leaves that request unanswered, so the request is always still in flight
when the child dies. After each kill, and after a rerun to completion, we check that the
database is intact, that every output file on disk is whole, that no paper is shown or stored
twice, and that no paper whose summary was already stored is sent to the LLM again.
"""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dailypapers.digest.parse import find_digest_files, parse_digest, parse_readme
from dailypapers.digest.render import digest_path, render_digest, render_readme
from dailypapers.models import Digest
from dailypapers.sources.arxiv import cache_path
from dailypapers.store import Store
from tests.child import wait_for_session_end
from tests.e2e import World
from tests.fakes import FakeServer, Request

DAY = "2024-12-06"
EARLIER = "2024-12-05"
CONCURRENCY = 2
CONCURRENCY_ENV = {"DAILYPAPERS_CONCURRENCY": str(CONCURRENCY)}
LATENCY = 0.15  # seconds per fake LLM answer, so that calls are "in flight" for a while
KILLED = -signal.SIGKILL
pytestmark = pytest.mark.skipif(
    not Path("/proc/self/fd").is_dir(), reason="finds the child's processes and files in /proc"
)
#: The files a run may leave in its output folder; anything else is a stray.
KEPT = re.compile(r"dailypapers\.db(-wal|-shm|\.lock)?|README\.md|paper_logs/\d{4}/\d{2}/\d{2}\.md")
#: The name ``files.write_atomic`` gives its temporary file next to the target.
TEMPORARY = re.compile(r"(paper_logs/\d{4}/\d{2}/)?\.(README|\d{2})\.md\.[^/]+\.tmp")

#: Runs the CLI and SIGKILLs itself in the Nth fsync of a ``.*.md.*.tmp`` file, in the middle
#: of ``write_atomic`` (the digest file is written first, then README.md).
KILL_IN_FSYNC = """
import os, signal, sys
from dailypapers.cli import app

target, seen, real_fsync = int(sys.argv.pop(1)), 0, os.fsync

def fsync(fd):
    global seen
    name = os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))
    if name.startswith(".") and ".md." in name and name.endswith(".tmp"):  # not PDF cache
        seen += 1
        if seen == target:
            os.kill(os.getpid(), signal.SIGKILL)
    real_fsync(fd)

os.fsync = fsync
sys.exit(app())
"""


# the child process ---------------------------------------------------------------------------


@dataclass
class Killer:
    """The ``kill`` of a crash plan that strikes when the ``nth`` request arrives: SIGKILLs
    the child.

    That request gets no answer. Meanwhile the child's other threads go on: for ``delay``
    seconds, and until ``db`` holds summaries of ``min_stored`` of the ``papers``.
    """

    nth: int
    delay: float = 0.0
    db: Path | None = None
    papers: Sequence[str] = ()
    min_stored: int = 0
    proc: subprocess.Popen[bytes] | None = None
    started: threading.Event = field(default_factory=threading.Event)
    fired: threading.Event = field(default_factory=threading.Event)

    def __call__(self) -> None:
        self.started.wait(timeout=10)
        if self.db is not None and self.min_stored:
            wait_for_summaries(self.db, self.papers, self.min_stored)
        time.sleep(self.delay)
        if self.proc is not None:
            self.proc.kill()
            self.fired.set()


def wait_for_summaries(db: Path, papers: Sequence[str], count: int, timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(set(papers) & set(snapshot(db).summaries)) >= count:
            return
        time.sleep(0.02)


@dataclass(frozen=True)
class Outcome:
    returncode: int
    output: str
    leftovers: list[int]  # processes the child started that outlived it


def cli_command(world: World, date: str) -> list[str]:
    return ["-m", "dailypapers", "run", "--date", date, "--out", str(world.out)]


def child_env(world: World, *, llm: bool = True) -> dict[str, str]:
    return {**os.environ, **world.env(llm=llm), **CONCURRENCY_ENV}


def run_child(
    world: World,
    args: Sequence[str],
    *,
    server: FakeServer | None = None,
    killer: Killer | None = None,
    llm: bool = True,
) -> Outcome:
    """Run ``python ARGS`` to its end (or its death); leaves none of its processes running.

    The child gets a session of its own, so that the processes it starts (the PDF reader, the
    forkserver) can be found again after it is killed.
    """
    if server is not None and killer is not None:
        server.crash_at(killer.nth, kill=killer)
    leftovers: list[int] = []
    try:
        with subprocess.Popen(
            [sys.executable, *args],
            env=child_env(world, llm=llm),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ) as proc:
            try:
                if killer is not None:
                    killer.proc = proc
                    killer.started.set()
                output, _ = proc.communicate(timeout=60)
            finally:
                if proc.poll() is None:
                    proc.kill()
                leftovers = wait_for_session_end(proc.pid)
                for pid in leftovers:
                    os.kill(pid, signal.SIGKILL)
    finally:
        if server is not None:
            server.disarm()
    return Outcome(proc.returncode, output.decode("utf-8", errors="replace"), leftovers)


def run_killed(world: World, server: FakeServer, killer: Killer) -> Outcome:
    outcome = run_child(world, cli_command(world, DAY), server=server, killer=killer)
    assert killer.fired.is_set(), f"request {killer.nth} never came:\n{outcome.output}"
    assert outcome.returncode == KILLED, outcome.output
    assert outcome.leftovers == [], "processes of the killed run stayed alive"
    time.sleep(0.05)  # let the fakes take in whatever the child sent before it died
    return outcome


def complete_earlier_day(world: World) -> None:
    """A finished day before ``DAY``, so README.md and one digest exist before any kill."""
    world.add_day(EARLIER, 2, day=5, pdfs=False)  # abstracts only: quick
    result = world.run("--date", EARLIER)
    assert result.exit_code == 0, result.output


# the stored state ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    integrity: str
    summaries: Counter[str]  # rows per arXiv id
    llm_calls: Counter[str]  # rows per arXiv id
    entries: list[str]  # the arXiv ids of DAY's digest entries


def connect_read_only(db: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    return connection


def snapshot(db: Path) -> Snapshot:
    with closing(connect_read_only(db)) as connection:

        def per_paper(table: str) -> Counter[str]:
            rows = connection.execute(f"SELECT arxiv_id, count(*) FROM {table} GROUP BY 1")
            return Counter({row[0]: row[1] for row in rows})

        entries = connection.execute(
            "SELECT arxiv_id FROM digest_entries WHERE date = ?", (DAY,)
        ).fetchall()
        return Snapshot(
            integrity=connection.execute("PRAGMA integrity_check").fetchone()[0],
            summaries=per_paper("summaries"),
            llm_calls=per_paper("llm_calls"),
            entries=[row[0] for row in entries],
        )


def papers_asked(world: World, requests: Sequence[Request]) -> list[str]:
    """The arXiv ids of the papers that LLM requests were about, one per readable request."""
    titles = {entry["title"]: entry["paper"]["id"] for entry in world.hf.days[DAY]}
    asked = []
    for request in requests:
        body = request.body.decode("utf-8", errors="replace")
        asked += [pid for title, pid in titles.items() if f"Title: {title}\\n" in body]
    return asked


# the files on disk ---------------------------------------------------------------------------


def stray_files(out: Path) -> list[str]:
    files = (p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    return sorted(name for name in files if not KEPT.fullmatch(name))


def assert_files_whole(out: Path) -> None:
    """Each digest file is the full render of its day; README.md is a full render too."""
    with closing(connect_read_only(out / "dailypapers.db")) as connection:
        store = Store(connection)
        logs = out / "paper_logs"
        for date, path in find_digest_files(logs) if logs.exists() else []:
            text = path.read_text(encoding="utf-8")
            parse_digest(text, source=str(path))
            stored = store.load_digest(date)
            assert stored is not None, f"{path} is not in the database"
            assert text == render_digest(stored), f"{path} is not the render of its day"
        readme = out / "README.md"
        if readme.exists():
            shown = readme_digest(readme)
            assert shown.date in store.digest_days()


def readme_digest(readme: Path) -> Digest:
    text = readme.read_text(encoding="utf-8")
    shown = parse_readme(text, source=str(readme))
    assert text == render_readme(shown)
    return shown


def readme_date(out: Path) -> str:
    return readme_digest(out / "README.md").date


# the invariants ------------------------------------------------------------------------------


def assert_sound_after_kill(
    world: World, before: Snapshot, run_requests: Sequence[Request]
) -> Snapshot:
    """What must hold right after a kill: returns the database as the kill left it."""
    after = snapshot(world.out / "dailypapers.db")
    assert after.integrity == "ok"
    assert set(after.summaries.values()) <= {1}
    assert set(before.summaries) <= set(after.summaries), "a stored summary was lost"
    assert after.entries == [], "the day was assembled although the run never finished"
    assert set(papers_asked(world, run_requests)).isdisjoint(before.summaries)
    for pid in before.summaries:
        assert after.llm_calls[pid] == before.llm_calls[pid], pid
    assert_files_whole(world.out)
    assert stray_files(world.out) == []
    return after


def assert_complete(
    world: World, ids: Sequence[str], rerun: Outcome, before: Snapshot, requests: Sequence[Request]
) -> None:
    """The rerun finished the day: every paper once, and no paper stored before asked again."""
    assert rerun.returncode == 0, rerun.output
    text = digest_path(world.out, DAY).read_text(encoding="utf-8")
    shown = [e.arxiv_id for run in parse_digest(text).runs for e in run.entries]
    assert sorted(shown) == sorted(ids)
    after = snapshot(world.out / "dailypapers.db")
    assert after.integrity == "ok"
    assert sorted(after.entries) == sorted(ids)
    assert set(after.summaries.values()) == {1}
    assert set(ids) <= set(after.summaries)
    missing = [pid for pid in ids if pid not in before.summaries]
    asked = papers_asked(world, requests)
    assert len(asked) == len(requests), "an LLM request named no paper of the day"
    assert Counter(asked) == Counter(missing)
    for pid in before.summaries:
        assert after.llm_calls[pid] == before.llm_calls[pid], pid
    assert_files_whole(world.out)
    assert readme_date(world.out) == DAY


def rerun_to_completion(world: World, ids: Sequence[str], before: Snapshot) -> None:
    """The same command again, to its end. Nothing is killed now, so it runs in-process
    (as in test_run.py), which keeps this file's run time down: a child costs ~1 s to start."""
    world.openai.latency = 0.0
    start = len(world.openai.requests)
    result = world.run("--date", DAY, env={**world.env(), **CONCURRENCY_ENV})
    rerun = Outcome(result.exit_code, result.output, [])
    assert_complete(world, ids, rerun, before, world.openai.requests[start:])
    assert stray_files(world.out) == [], "a temporary file is left in the output folder"


# the tests -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KillPoint:
    server: str  # "hf", "arxiv" or "openai"
    nth: int
    min_stored: int = 0
    delay: float = 0.0


PAPERS = 4
KILL_POINTS = {
    "the-list-request": KillPoint("hf", 1),
    "the-3rd-pdf-download": KillPoint("arxiv", 3),
    "the-3rd-llm-call": KillPoint("openai", 3, min_stored=3 - CONCURRENCY),
    "the-last-llm-call": KillPoint("openai", PAPERS, min_stored=PAPERS - 1, delay=0.05),
}


def fake(world: World, name: str) -> FakeServer:
    servers: dict[str, FakeServer] = {"hf": world.hf, "arxiv": world.arxiv, "openai": world.openai}
    return servers[name]


@pytest.mark.parametrize("point", KILL_POINTS.values(), ids=KILL_POINTS.keys())
def test_a_run_killed_at_a_request_is_finished_by_the_next_run(
    world: World, point: KillPoint
) -> None:
    complete_earlier_day(world)
    ids = world.add_day(DAY, PAPERS, day=6)
    world.openai.latency = LATENCY
    db = world.out / "dailypapers.db"
    before = snapshot(db)
    start = len(world.openai.requests)
    killer = Killer(point.nth, point.delay, db, ids, point.min_stored)

    run_killed(world, fake(world, point.server), killer)

    killed = assert_sound_after_kill(world, before, world.openai.requests[start:])
    stored = [pid for pid in ids if pid in killed.summaries]
    assert len(stored) >= point.min_stored
    assert readme_date(world.out) == EARLIER
    rerun_to_completion(world, ids, killed)


@pytest.mark.parametrize("fsync", [1, 2], ids=["writing-the-digest", "writing-the-readme"])
def test_a_run_killed_while_writing_its_files_leaves_old_or_new_files(
    world: World, fsync: int
) -> None:
    complete_earlier_day(world)
    ids = world.add_day(DAY, 3, day=6)
    db = world.out / "dailypapers.db"

    outcome = run_child(world, ["-c", KILL_IN_FSYNC, str(fsync), *cli_command(world, DAY)[2:]])

    assert outcome.returncode == KILLED, outcome.output
    assert outcome.leftovers == []
    killed = snapshot(db)
    assert killed.integrity == "ok"
    assert sorted(killed.entries) == sorted(ids)  # assembled before the files were written
    assert_files_whole(world.out)
    assert readme_date(world.out) == EARLIER  # the old README, whole
    assert digest_path(world.out, DAY).exists() == (fsync == 2)
    leftovers = stray_files(world.out)
    assert len(leftovers) == 1, leftovers
    assert TEMPORARY.fullmatch(leftovers[0]), leftovers
    rerun_to_completion(world, ids, killed)  # which removes the killed write's temporary file


def pick_kill(rng: random.Random, world: World, ids: Sequence[str], db: Path) -> tuple[str, Killer]:
    """A request that the next run is sure to make, and a pause before the kill."""
    stored = snapshot(db).summaries
    todo = [pid for pid in ids if pid not in stored]
    cache = Path(os.environ["DAILYPAPERS_CACHE_DIR"])
    uncached = [pid for pid in todo if not cache_path(cache, pid).is_file()]
    choices = [
        ("hf", 1),
        *(("arxiv", n) for n in range(1, len(uncached) + 1)),
        *(("openai", n) for n in range(1, len(todo) + 1)),
    ]
    server, nth = rng.choice(choices)
    return server, Killer(nth, delay=round(rng.uniform(0.0, 0.3), 2))


def test_three_kills_in_a_row_at_seeded_points_then_a_full_run(world: World) -> None:
    rng = random.Random(20241206)
    complete_earlier_day(world)
    ids = world.add_day(DAY, 4, day=6)
    world.openai.latency = LATENCY
    db = world.out / "dailypapers.db"
    before = snapshot(db)

    for _ in range(3):
        server, killer = pick_kill(rng, world, ids, db)
        start = len(world.openai.requests)
        run_killed(world, fake(world, server), killer)
        before = assert_sound_after_kill(world, before, world.openai.requests[start:])
        assert readme_date(world.out) == EARLIER

    rerun_to_completion(world, ids, before)
