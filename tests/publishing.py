"""What the channel tests share: a stored day to publish, the database as text, and the real
CLI killed by a fake in the middle of publishing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import closing
from pathlib import Path

from dailypapers.importer import import_digest
from dailypapers.models import Digest, DigestEntry, DigestRun
from dailypapers.store import Store

KILLED = -signal.SIGKILL


def store_entries(db: Path, day: str, entries: Iterable[DigestEntry]) -> None:
    """Store ``entries`` as ``day``'s digest, as an imported archive would."""
    with Store.open(db) as store:
        import_digest(store, Digest(day, (DigestRun(tuple(entries)),)))


def dump(db: Path) -> str:
    """Every row of the database as SQL text: where a leaked secret would show."""
    with closing(sqlite3.connect(db)) as connection:
        return "\n".join(connection.iterdump())


def publish_killed(
    args: Sequence[str], env: Mapping[str, str], arm: Callable[[Callable[[], None]], None]
) -> str:
    """Run ``dailypapers *args`` as a child process and let a fake SIGKILL it.

    ``arm(kill)`` tells the fake to call ``kill`` when its chosen request arrives; ``kill``
    returns once the child is dead. Returns what the child printed.
    """
    started = threading.Event()
    children: list[subprocess.Popen[bytes]] = []

    def kill() -> None:
        started.wait(timeout=10)
        children[0].kill()
        children[0].wait(timeout=10)

    arm(kill)
    with subprocess.Popen(
        [sys.executable, "-m", "dailypapers", *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    ) as child:
        children.append(child)
        started.set()
        try:
            output, _ = child.communicate(timeout=60)
        finally:
            if child.poll() is None:
                child.kill()
    assert child.returncode == KILLED, output.decode()
    return output.decode()
