"""Write the digest files of a day or a week, and the README, from the database."""

from __future__ import annotations

from pathlib import Path

from dailypapers.digest.render import digest_path, render_digest, render_readme, render_week
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


def weekly_path(out_dir: Path, week: str) -> Path:
    return out_dir / "paper_logs" / "weekly" / f"{week}.md"


def publish_week(store: Store, out_dir: Path, week: str) -> list[Path]:
    """Write ``paper_logs/weekly/YYYY-Www.md`` from the database; nothing when it is empty."""
    entries = store.load_week(week)
    if not entries:
        return []
    path = weekly_path(out_dir, week)
    write_atomic(path, render_week(week, entries))
    return [path]
