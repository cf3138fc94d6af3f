"""One writer per database at a time: a lock file beside it, held for the life of a command.

The lock is the kernel's (``flock``) on ``DB.lock``: it goes when its process goes, even one
that was killed, so a stale lock never needs clearing by hand. The file also names its holder
(pid, command, start time), for the message of whoever has to wait.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dailypapers.errors import StoreError

LOOK_AGAIN_S = 0.1


@dataclass(frozen=True)
class Holder:
    pid: int
    command: str
    started: str

    def __str__(self) -> str:
        return f"pid {self.pid}, {self.command}, started {self.started}"


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


@contextmanager
def write_lock(db_path: Path, command: str, wait: float = 0.0) -> Iterator[None]:
    """Hold the database's write lock; wait up to ``wait`` seconds for another holder, then
    raise ``StoreError`` naming it."""
    path = lock_path(db_path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise StoreError(f"cannot open database {db_path}: its lock file {path}: {e}") from e
    try:
        _acquire(fd, db_path, wait)
        _write_holder(fd, command)
        yield
    finally:
        os.close(fd)  # closing the file releases the lock


def _acquire(fd: int, db_path: Path, wait: float) -> None:
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise StoreError(_busy(fd, db_path, wait)) from None
            time.sleep(LOOK_AGAIN_S)


def _busy(fd: int, db_path: Path, wait: float) -> str:
    holder = read_holder(fd)
    who = f"another dailypapers ({holder})" if holder else "another dailypapers"
    waited = f"waited {wait:g} s; " if wait else ""
    return f"{who} is using {db_path}: {waited}let it finish, or stop it, and run again"


def _write_holder(fd: int, command: str) -> None:
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    record = {"pid": os.getpid(), "command": command, "started": started}
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(record).encode("utf-8"), 0)


def read_holder(fd: int) -> Holder | None:
    """Who holds the lock, as its holder wrote it; None when it is unreadable or being written."""
    try:
        record = json.loads(os.pread(fd, 4096, 0) or b"null")
        return Holder(int(record["pid"]), str(record["command"]), str(record["started"]))
    except (ValueError, TypeError, KeyError, OSError):
        return None
