"""Publish stage: write the digest files of a day and the README from the database."""

from __future__ import annotations

from pathlib import Path

from dailypapers.digest.render import digest_path, render_digest, render_readme
from dailypapers.files import write_atomic
from dailypapers.store import Store


def publish_day(store: Store, out_dir: Path, when: str) -> list[Path]:
    """Write ``paper_logs/YYYY/MM/DD.md`` for the day and refresh ``README.md``.

    A day with nothing to show writes no digest file. The README always shows the latest
    day that has a digest. Returns the files written.
    """
    written = []
    digest = store.load_digest(when)
    if digest is not None:
        path = digest_path(out_dir, when)
        write_atomic(path, render_digest(digest))
        written.append(path)
    written.extend(publish_readme(store, out_dir))
    return written


def publish_readme(store: Store, out_dir: Path) -> list[Path]:
    latest = store.latest_digest()
    if latest is None:
        return []
    path = out_dir / "README.md"
    write_atomic(path, render_readme(latest))
    return [path]
