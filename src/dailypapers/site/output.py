"""The site's output folder and its manifest, so a rebuild writes only what changed.

``.dailypapers-site.json`` in the folder records, for every file the build wrote, a hash of
its content, and, for every day, week and search segment, a key of everything it was built
from (with the build's own key: dailypapers' version, templates, assets, base URL). A
rebuild renders only the parts whose key changed and writes only the files whose hash
changed; it never reads a file back. The manifest is removed when a build starts and
written when it ends, so a build that stops half way leaves none and the next one compares
every file byte for byte, as a build into a folder without a manifest does.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dailypapers.errors import OutputError
from dailypapers.files import write_atomic_bytes

MANIFEST = ".dailypapers-site.json"
#: Bumped when the manifest's layout or the meaning of its keys changes.
FORMAT = 1
PUBLIC = 0o644


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=10).hexdigest()


def key_of(*parts: object) -> str:
    """A short hash of ``parts`` (anything ``repr`` shows the same way twice)."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=10).hexdigest()


class Folder:
    """Files written into ``out``, each only when its content differs from what the last
    build wrote there (``old_files``: path -> content hash, from its manifest). A build
    working in several processes has one per process, merged into the ``Output``.

    Paths are plain strings and files are written with ``os`` calls: a large site is
    130,000 files, and ``pathlib`` and buffered files cost more than the writing."""

    def __init__(self, out: Path, old_files: dict[str, str]) -> None:
        self.out = out
        self.old_files = old_files
        #: The files this build wrote, relative to ``out``.
        self.written_paths: list[str] = []
        self.unchanged = 0
        self.files: dict[str, str] = {}
        self.parts: dict[str, Any] = {}
        self._root = os.fspath(out)
        #: Folder (relative to ``out``) -> its names.
        self._listed: dict[str, set[str]] = {}
        self._made: set[str] = set()

    @property
    def written(self) -> list[Path]:
        return [self.out / path for path in self.written_paths]

    def exists(self, path: str) -> bool:
        """Whether the file is in the folder (each folder is listed once per build)."""
        folder, _, name = path.rpartition("/")
        return name in self._names(folder)

    def _names(self, folder: str) -> set[str]:
        """The names in ``folder`` (relative to ``out``), listed once, then kept up to date."""
        names = self._listed.get(folder)
        if names is None:
            try:
                names = set(os.listdir(f"{self._root}/{folder}"))
            except OSError:
                names = set()
            self._listed[folder] = names
        return names

    def record(self, name: str, key: str, files: list[str], **extra: Any) -> None:
        self.parts[name] = {"key": key, "files": files, **extra}

    def file(self, path: str, content: str | bytes) -> None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        digest = content_hash(data)
        self.files[path] = digest
        known = self.old_files.get(path)
        if known is not None:
            if known == digest and self.exists(path):
                self.unchanged += 1
                return
        elif self.exists(path) and _same(self.out / path, data):
            self.unchanged += 1
            return
        self._write(path, data)

    def _write(self, path: str, data: bytes) -> None:
        folder, _, name = path.rpartition("/")
        target = f"{self._root}/{path}"
        if folder not in self._made:
            try:
                os.makedirs(f"{self._root}/{folder}", exist_ok=True)
            except OSError as e:
                raise OutputError(f"cannot write {target}: {e.strerror or e}") from e
            self._made.add(folder)
        _write_file(target, data, new=not self.exists(path))
        if (names := self._listed.get(folder)) is not None:
            names.add(name)  # a folder not listed yet is listed with it
        self.written_paths.append(path)

    def done(self) -> Written:
        """What this folder wrote and kept, to hand to the ``Output`` (``Output.merge``)."""
        return Written(self.files, self.parts, self.written_paths, self.unchanged)


@dataclass
class Written:
    """What a ``Folder`` wrote (``written``) and made (``files``: path -> hash; ``parts``)."""

    files: dict[str, str]
    parts: dict[str, Any]
    written: list[str]
    unchanged: int


class Output(Folder):
    """The folder being built, with its manifest: which parts of the last build can be
    kept, and which of its files are no longer made."""

    def __init__(self, out: Path, build_key: str) -> None:
        old = _load(out / MANIFEST)
        super().__init__(out, old.get("files", {}) if old else {})
        self.build_key = build_key
        fresh = old.get("format") != FORMAT or old.get("build") != build_key
        self.old_parts: dict[str, Any] = {} if fresh else old.get("parts", {})
        try:
            (out / MANIFEST).unlink(missing_ok=True)
        except OSError as e:
            raise OutputError(f"cannot remove {out / MANIFEST}: {e.strerror or e}") from e

    def part(self, name: str, key: str) -> Any | None:
        """What the last build recorded for ``name`` when it was built from ``key`` and its
        files are all still there; None when it must be built again."""
        old = self.old_parts.get(name)
        if old is None or old.get("key") != key:
            return None
        files = old["files"]
        if not self._gone.isdisjoint(files) or not all(map(self.old_files.__contains__, files)):
            return None
        return old

    @functools.cached_property
    def _gone(self) -> set[str]:
        """The files of the last manifest that are no longer in the folder, found folder by
        folder with set differences (a big site's manifest lists 130,000 files)."""
        by_folder: defaultdict[str, list[str]] = defaultdict(list)
        for path in self.old_files:
            folder, _, name = path.rpartition("/")
            by_folder[folder].append(name)
        gone: set[str] = set()
        for folder, names in by_folder.items():
            prefix = f"{folder}/" if folder else ""
            gone.update(prefix + name for name in set(names) - self._names(folder))
        return gone

    def keep(self, name: str, old: dict[str, Any]) -> None:
        """Keep a part built before, and its files, as they are."""
        self.parts[name] = old
        for path in old["files"]:
            self.files[path] = self.old_files[path]
        self.unchanged += len(old["files"])

    def merge(self, done: Written) -> None:
        """Take in what another process's ``Folder`` wrote into this folder."""
        self.files.update(done.files)
        self.parts.update(done.parts)
        self.written_paths += done.written
        self.unchanged += done.unchanged

    def remove_stale(self) -> list[Path]:
        """Delete the files the last build wrote that this one did not (a month of the search
        index merged into its year, a paper that moved to another day), and the folders they
        leave empty; returns the files. Only files in the last manifest go: nothing put in the
        folder by anyone else."""
        removed = []
        for path in sorted(set(self.old_files) - set(self.files)):
            target = self.out / path
            try:
                target.unlink(missing_ok=True)
            except OSError as e:
                raise OutputError(f"cannot remove {target}: {e.strerror or e}") from e
            removed.append(target)
        folders = {parent for target in removed for parent in target.parents}
        for folder in sorted(folders, key=lambda f: -len(f.parts)):
            if folder.is_relative_to(self.out) and folder != self.out and _is_empty(folder):
                try:
                    folder.rmdir()
                except OSError as e:
                    raise OutputError(f"cannot remove {folder}: {e.strerror or e}") from e
        return removed

    def save(self) -> None:
        data = {"format": FORMAT, "build": self.build_key, "parts": self.parts}
        data["files"] = self.files  # in order: the keys are sorted
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        write_atomic_bytes(self.out / MANIFEST, payload.encode("utf-8"))


def _write_file(target: str, data: bytes, *, new: bool) -> None:
    """Write ``data`` to ``target``. A file that is already there is written beside it and
    renamed over it, so a reader of a served site sees the old page or the new one; a new
    file is created in place (one journaled operation, not two): until the build ends there
    is no page to see, and a build that stops half way leaves no manifest, so the next one
    compares every file byte for byte and writes a cut one again. Not flushed to disk one by
    one; the manifest, written last, is."""
    if new and (fd := _create(target)) is not None:
        _fill(fd, target, data, target)
        return
    folder, _, name = target.rpartition("/")
    tmp = f"{folder}/.{name}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PUBLIC)
    except OSError as e:
        raise OutputError(f"cannot write {target}: {e.strerror or e}") from e
    _fill(fd, tmp, data, target)
    try:
        os.replace(tmp, target)
    except OSError as e:
        _remove(tmp)
        raise OutputError(f"cannot write {target}: {e.strerror or e}") from e


def _create(target: str) -> int | None:
    """``target`` created for writing, or None when it is there already (made since its
    folder was listed: it is then replaced whole)."""
    try:
        return os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PUBLIC)
    except FileExistsError:
        return None
    except OSError as e:
        raise OutputError(f"cannot write {target}: {e.strerror or e}") from e


def _fill(fd: int, path: str, data: bytes, target: str) -> None:
    """Write ``data`` to the open file ``fd`` (at ``path``) and close it, readable by all
    whatever the umask; the file is removed when that fails."""
    try:
        try:
            os.fchmod(fd, PUBLIC)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
    except OSError as e:
        _remove(path)
        raise OutputError(f"cannot write {target}: {e.strerror or e}") from e


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        return


def _load(path: Path) -> dict[str, Any]:
    """The manifest of the last build, or {} when there is none or it cannot be read (the
    build then compares files byte for byte)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _same(target: Path, data: bytes) -> bool:
    try:
        return target.stat().st_size == len(data) and target.read_bytes() == data
    except OSError:
        return False


def _is_empty(folder: Path) -> bool:
    try:
        return not any(folder.iterdir())
    except FileNotFoundError:  # removed with a folder below it, or never made
        return False
    except OSError as e:
        raise OutputError(f"cannot read {folder}: {e.strerror or e}") from e
