"""The CLI in a child process of its own session, for tests that signal it, kill it, or run two
at once; and what such a run leaves behind."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from tests.e2e import World, one_line

CHAT = "/v1/chat/completions"


@dataclass
class Child:
    """The CLI in a process of its own, started with ``start`` and read with ``finish``."""

    world: World
    args: Sequence[str]
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Child:
        env = {**os.environ, **self.world.env(), **self.env}
        command = [sys.executable, "-m", "dailypapers", "run", "--out", str(self.world.out)]
        self.proc = subprocess.Popen(
            [*command, *self.args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def signal(self, signum: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(signum)

    def finish(self, timeout: float = 60) -> tuple[int, str]:
        assert self.proc is not None
        try:
            output, _ = self.proc.communicate(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            leftovers = wait_for_session_end(self.proc.pid)
            for pid in leftovers:
                os.kill(pid, signal.SIGKILL)
        assert leftovers == [], "processes of the run (its PDF reader?) outlived it"
        return self.proc.returncode, one_line(output.decode("utf-8", "replace"))


def summaries(world: World) -> int:
    with closing(sqlite3.connect(world.out / "dailypapers.db")) as db:
        return int(db.execute("SELECT count(*) FROM summaries").fetchone()[0])


def chat_requests(world: World) -> int:
    return world.openai.requests_to(CHAT)


def session_processes(session: int) -> list[int]:
    """The live (not zombie) processes of a session."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):  # it ended while we looked
            continue
        if fields[0] != "Z" and int(fields[3]) == session:
            found.append(int(stat.parent.name))
    return found


def wait_for_session_end(session: int, timeout: float = 5.0) -> list[int]:
    """Wait until the child's PDF reader and helpers are gone; return those still alive."""
    deadline = time.monotonic() + timeout
    while (alive := session_processes(session)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive
