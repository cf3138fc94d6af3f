"""`dailypapers doctor`: find days missing or incomplete in the database and digest files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from dailypapers.digest.render import digest_path, render_digest, render_readme
from dailypapers.digest.write import written_by_dailypapers
from dailypapers.jobs.backfill import incomplete_reason
from dailypapers.store import Store

DIGEST_FILE = re.compile(r"paper_logs/(\d{4})/(\d{2})/(\d{2})\.md$")


@dataclass(frozen=True)
class Finding:
    date: str | None
    problem: str
    fix: str


def diagnose(store: Store, out_dir: Path, *, since: str | None = None) -> list[Finding]:
    """Everything that needs a command to be run, with the command."""
    findings = _database(store)
    known = store.known_dates()
    if since is not None:
        known = [d for d in known if d >= since]
    for when in _weekdays_missing(known):
        findings.append(
            Finding(when, "weekday with no run and no digest", f"dailypapers run --date {when}")
        )
    stored_days = set(store.digest_days())
    for when in known:
        reason = incomplete_reason(store, when)
        if reason is not None and reason != "never run":
            findings.append(Finding(when, reason, f"dailypapers run --date {when}"))
        if when in stored_days:
            findings.extend(_digest_file(store, out_dir, when))
    findings.extend(_readme(store, out_dir))
    findings.extend(_files_not_in_database(out_dir, stored_days, since))
    findings.extend(_leftover_temporary_files(out_dir))
    return findings


def _database(store: Store) -> list[Finding]:
    result = store.integrity_problem()
    if result is None:
        return []
    return [
        Finding(
            None,
            f"the database is damaged: {result}",
            "restore a backup, or `sqlite3 DB .recover | sqlite3 NEW.db`",
        )
    ]


def _weekdays_missing(known: list[str]) -> list[str]:
    """Monday-to-Friday dates between the first and last known date that nothing covers."""
    if not known:
        return []
    first, last = date.fromisoformat(known[0]), date.fromisoformat(known[-1])
    seen = set(known)
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [d.isoformat() for d in days if d.weekday() < 5 and d.isoformat() not in seen]


def _digest_file(store: Store, out_dir: Path, when: str) -> list[Finding]:
    digest = store.load_digest(when)
    path = digest_path(out_dir, when)
    fix = f"dailypapers render --date {when}"
    if digest is None:
        return []
    if not path.is_file():
        return [Finding(when, f"digest file missing: {path}", fix)]
    if path.read_text(encoding="utf-8") != render_digest(digest):
        problem = f"digest file differs from the database: {path}"
        return [_not_ours(path, Finding(when, problem, fix))]
    return []


def _not_ours(path: Path, finding: Finding) -> Finding:
    """A file the fix would replace but dailypapers did not write: the fix needs --overwrite."""
    if written_by_dailypapers(path):
        return finding
    return Finding(
        finding.date,
        f"{finding.problem} (and was not written by dailypapers)",
        f"{finding.fix} --overwrite, once you have kept what you need of it",
    )


def _readme(store: Store, out_dir: Path) -> list[Finding]:
    latest = store.latest_digest()
    if latest is None:
        return []
    path = out_dir / "README.md"
    fix = f"dailypapers render --date {latest.date}"
    if not path.is_file():
        return [Finding(None, f"README.md missing: {path}", fix)]
    if path.read_text(encoding="utf-8") != render_readme(latest):
        problem = f"README.md does not show the latest day ({latest.date})"
        return [_not_ours(path, Finding(None, problem, fix))]
    return []


def _files_not_in_database(out_dir: Path, stored: set[str], since: str | None) -> list[Finding]:
    findings = []
    for path in sorted((out_dir / "paper_logs").glob("*/*/*.md")):
        match = DIGEST_FILE.search(path.as_posix())
        if not match:
            continue
        when = "-".join(match.groups())
        if when not in stored and (since is None or when >= since):
            findings.append(
                Finding(
                    when,
                    f"digest file not in the database: {path}",
                    f"dailypapers import-logs {out_dir / 'paper_logs'}",
                )
            )
    return findings


def _leftover_temporary_files(out_dir: Path) -> list[Finding]:
    """Temporary files of an atomic write that a killed process never renamed (or that a
    run in progress is writing); the next write of the same file removes orphaned ones."""
    leftovers = [*out_dir.glob(".README.md.*.tmp"), *out_dir.glob("paper_logs/*/*/.*.md.*.tmp")]
    return [
        Finding(
            None,
            f"leftover temporary file from an interrupted write: {p}",
            f"dailypapers render --all (removes it), or rm '{p}'",
        )
        for p in sorted(leftovers)
    ]
