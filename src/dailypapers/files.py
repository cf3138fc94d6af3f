"""Files written whole or not at all, even when the process is killed mid-write.

This is where the operating system's errors about our output (a read-only folder, a file in the
way, a full disk) become ``OutputError``, naming the file and the cause, once for every caller.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from dailypapers.errors import OutputError

#: A new file's mode before the umask, as ``open()`` creates files.
NEW_FILE_MODE = 0o666


def write_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text so that readers see the old file or the new one, never half of one."""
    write_atomic_bytes(path, text.encode("utf-8"))


def write_atomic_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, flush it to disk, then rename it over ``path``
    (see ``replacing``). Raises ``OutputError``."""
    with replacing(path) as handle:
        handle.write(data)


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """A temporary file beside ``path``, to write whole or in pieces (a download), that is
    flushed to disk and renamed over ``path`` when the block ends without an error, and
    removed when it raises: readers see the old file or the new one, never half of one.

    A new file gets the mode the umask gives; a replaced file keeps its own. The temporary
    file's name carries the writer's process id; temporary files of the same target whose
    writer is gone (killed mid-write) are removed first. OS errors leave as ``OutputError``.
    """
    make_dir(path.parent)
    try:
        remove_orphaned_temporaries(path)
        fd, tmp = _create_temporary(path)
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror or e}") from e
    try:
        with os.fdopen(fd, "wb") as handle:
            if (mode := _existing_mode(path)) is not None:
                os.fchmod(handle.fileno(), mode)
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {e.strerror or e}") from e
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _create_temporary(path: Path) -> tuple[int, Path]:
    """A new ``.NAME.PID.RANDOM.tmp`` beside ``path``, created with the umask's mode."""
    while True:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            # Not inherited by child processes: os.open makes descriptors non-inheritable.
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, NEW_FILE_MODE), tmp
        except FileExistsError:
            continue


def _existing_mode(path: Path) -> int | None:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None


def make_dir(path: Path) -> None:
    """``mkdir -p path``; raises ``OutputError`` naming the folder that could not be made."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot create folder {e.filename or path}: {e.strerror or e}") from e


def check_folder(folder: Path) -> None:
    """Create ``folder`` if it is missing and check that files can be created in it, before
    any work whose result would have nowhere to go. Raises ``OutputError``."""
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder} is not a folder")
    make_dir(folder)
    _probe(folder)


def check_writable(path: Path) -> None:
    """Check that ``path`` could be written now, without creating anything: it is not a
    folder, and files can be created in its folder or, when that is missing, in the nearest
    existing folder above it. Raises ``OutputError``."""
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder")
    existing = path.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(f"cannot write {path}: {existing} is not a folder")
    _probe(existing)


def _probe(folder: Path) -> None:
    """Create and remove a temporary file in ``folder``: the only sure test of writing there
    (permission bits say nothing of read-only file systems or of root)."""
    try:
        fd, tmp = _create_temporary(folder / "dailypapers-check")
    except OSError as e:
        raise OutputError(f"cannot write in {folder}: {e.strerror or e}") from e
    os.close(fd)
    tmp.unlink()


def remove_orphaned_temporaries(path: Path) -> list[Path]:
    """Delete ``.NAME.PID.*.tmp`` files next to ``path`` whose process no longer runs."""
    removed = []
    for candidate in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        pid = candidate.name[len(path.name) + 2 :].split(".", 1)[0]
        if not pid.isdigit() or not _process_alive(int(pid)):
            candidate.unlink(missing_ok=True)
            removed.append(candidate)
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True
