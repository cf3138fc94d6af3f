"""Write the digest files of a day or a week, and the README, from the database.

A file is replaced only when dailypapers wrote it (or ``overwrite`` says to): a README.md with
the marker, or in the format of earlier versions, and digest files that parse as digests (the
predecessor's too). Anything else, say a project's own README.md, is left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from dailypapers.digest.legacy import read_archive_digest
from dailypapers.digest.parse import parse_week
from dailypapers.digest.render import (
    LEGACY_README_HEADER,
    README_FOOTER,
    README_MARKER,
    digest_path,
    render_digest,
    render_readme,
    render_week,
)
from dailypapers.errors import ArchiveError, OutputError
from dailypapers.files import check_folder, check_writable, write_atomic
from dailypapers.store import Store

README = "README.md"


def publish_day(store: Store, out_dir: Path, when: str, *, overwrite: bool = False) -> list[Path]:
    """Write ``paper_logs/YYYY/MM/DD.md`` for the day and refresh ``README.md``.

    A day with nothing to show writes no digest file. The README always shows the latest
    day that has a digest. Returns the files written.
    """
    written = []
    digest = store.load_digest(when)
    if digest is not None:
        path = digest_path(out_dir, when)
        replace_ours(out_dir, path, render_digest(digest), overwrite=overwrite)
        written.append(path)
    written.extend(publish_readme(store, out_dir, overwrite=overwrite))
    return written


def publish_readme(store: Store, out_dir: Path, *, overwrite: bool = False) -> list[Path]:
    latest = store.latest_digest()
    if latest is None:
        return []
    path = out_dir / README
    replace_ours(out_dir, path, render_readme(latest), overwrite=overwrite)
    return [path]


def weekly_path(out_dir: Path, week: str) -> Path:
    return out_dir / "paper_logs" / "weekly" / f"{week}.md"


def publish_week(store: Store, out_dir: Path, week: str, *, overwrite: bool = False) -> list[Path]:
    """Write ``paper_logs/weekly/YYYY-Www.md`` from the database; nothing when it is empty."""
    entries = store.load_week(week)
    if not entries:
        return []
    path = weekly_path(out_dir, week)
    replace_ours(out_dir, path, render_week(week, entries), overwrite=overwrite)
    return [path]


def day_files(out_dir: Path, dates: Iterable[str]) -> list[Path]:
    """The files a run of these days may write: README.md and each day's digest."""
    return [out_dir / README, *(digest_path(out_dir, when) for when in dates)]


def check_outputs(out_dir: Path, paths: Iterable[Path], *, overwrite: bool = False) -> None:
    """Before any work: ``out_dir`` is (or can be made) a folder we can write in, and each of
    ``paths`` can be written and is ours to replace. Raises ``OutputError``."""
    check_folder(out_dir)
    for path in paths:
        check_writable(path)
        refuse_if_not_ours(out_dir, path, overwrite=overwrite)


def replace_ours(out_dir: Path, path: Path, text: str, *, overwrite: bool = False) -> None:
    """Write ``text`` to ``path`` atomically, unless a file dailypapers did not write is there."""
    refuse_if_not_ours(out_dir, path, overwrite=overwrite)
    write_atomic(path, text)


def refuse_if_not_ours(out_dir: Path, path: Path, *, overwrite: bool = False) -> None:
    if overwrite or not path.is_file() or written_by_dailypapers(path):
        return
    name = path.relative_to(out_dir).as_posix() if path.is_relative_to(out_dir) else path
    where = "the current folder" if out_dir == Path() else out_dir
    raise OutputError(
        f"{name} in {where} was not written by dailypapers; refusing to replace it "
        "(move it away, choose another --out, or pass --overwrite)"
    )


def written_by_dailypapers(path: Path) -> bool:
    """Whether the file at ``path`` is one dailypapers writes: a README.md with the marker or
    in the form earlier versions wrote, or a day's or a week's digest (ours, or one of the
    predecessor's eras, which we import and render back as they are)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return False
    except OSError as e:
        raise OutputError(f"cannot read {path}: {e.strerror or e}") from e
    if path.name == README:
        legacy = text.startswith(LEGACY_README_HEADER) and text.endswith(README_FOOTER)
        return legacy or README_MARKER in text.split("\n")
    try:
        if text.startswith("## Weekly Papers ("):
            parse_week(text, source=str(path))
        else:
            read_archive_digest(text, source=str(path))
    except ArchiveError:
        return False
    return True
