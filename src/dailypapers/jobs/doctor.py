"""`dailypapers doctor`: find days missing or incomplete in the database and digest files.

Every day is judged from a few queries that read each table once (no query per day and
table), so the time grows with the archive, not with its square.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from pathlib import Path

from dailypapers.digest.render import digest_path, render_digest, render_readme
from dailypapers.digest.write import written_by_dailypapers
from dailypapers.errors import DamagedDatabaseError
from dailypapers.jobs.backfill import day_reason
from dailypapers.store import Store

DIGEST_FILE = re.compile(r"paper_logs/(\d{4})/(\d{2})/(\d{2})\.md$")
#: What a day that "never ran" is known by: a listing alone, which a run always follows.
NEVER_RUN = "never run"
MISSING = "weekday with no run and no digest"
#: How many of the latest listed days doctor shows listed vs summarized for (without --since).
RECENT_DAYS = 7


@dataclass(frozen=True)
class Finding:
    date: str | None
    problem: str
    fix: str


@dataclass(frozen=True)
class DayCount:
    """A day's stored list against what of it is settled: summarized, or shown in a digest."""

    date: str
    listed: int
    summarized: int


@dataclass(frozen=True)
class Diagnosis:
    findings: list[Finding]
    #: How many stored days were looked at.
    days: int
    #: Listed vs summarized for the latest listed days (every day from ``since`` with it).
    counts: list[DayCount] = field(default_factory=list)


@dataclass(frozen=True)
class UserCause:
    """A failure that running again cannot fix: the user has to act first."""

    pattern: re.Pattern[str]
    problem: str
    action: str


#: Read from the stored error text of the failed papers and their LLM calls. Anything else
#: (timeouts, 5xx, 429 rate limits, an unusable answer) is fixed by running again.
USER_CAUSES = (
    UserCause(
        re.compile(
            r"insufficient[_ ]quota|exceeded your current quota|no quota left|HTTP 402\b", re.I
        ),
        "the LLM account has no quota or credit left",
        "add credit or raise the quota with the provider",
    ),
    UserCause(
        re.compile(r"HTTP 40[13]\b|invalid[_ ]api[_ ]key|incorrect api key", re.I),
        "the LLM refused the API key (HTTP 401/403)",
        "set a valid key (`dailypapers providers` names the variable)",
    ),
    UserCause(
        re.compile(
            r"(LLM request failed: |\()HTTP 404\b|model\S* (is )?not found|does not exist", re.I
        ),
        "the LLM does not serve the model (HTTP 404)",
        "choose a model the provider serves (--model)",
    ),
    UserCause(
        re.compile(r"cannot connect to the LLM at", re.I),
        "nothing answers at the LLM's URL",
        "check OPENAI_BASE_URL (DAILYPAPERS_BASE_URL with --provider) and that the server runs",
    ),
)


@dataclass
class _Group:
    """Consecutive days that one command fixes."""

    cause: UserCause | None
    days: list[tuple[str, str]] = field(default_factory=list)  # (day, reason)


def examine(db_path: Path, out_dir: Path, *, since: str | None = None) -> Diagnosis:
    """Open the database and diagnose it; a damaged database is a finding, not an error."""
    try:
        with Store.open_to_read(db_path) as store:
            findings = diagnose(store, out_dir, since=since)
            return Diagnosis(findings, len(store.known_dates()), day_counts(store, since))
    except DamagedDatabaseError as e:  # at open, or on a page quick_check did not read
        return Diagnosis(_damaged(db_path, str(e), out_dir), 0)


def day_counts(store: Store, since: str | None = None) -> list[DayCount]:
    """Listed vs summarized per day: from ``since`` on, else the ``RECENT_DAYS`` latest days
    with a stored list. A day whose list gained papers (late ones) shows them unsummarized
    until a run summarizes them."""
    listed, unsettled = store.listed_counts(), store.unsettled_counts()
    days = sorted(d for d in listed if since is None or d >= since)
    if since is None:
        days = days[-RECENT_DAYS:]
    return [DayCount(d, listed[d], listed[d] - unsettled.get(d, 0)) for d in days]


def diagnose(store: Store, out_dir: Path, *, since: str | None = None) -> list[Finding]:
    """Everything that needs a command to be run, with the command."""
    problem = store.integrity_problem()
    if problem is not None:  # nothing else read from it can be trusted
        return _damaged(store.path, problem, out_dir)
    known = store.known_dates()
    stored_days = store.digest_days()
    # The archive starts at its first digest: days before it (a test run, an empty list
    # asked for years back) are nobody's gap.
    after = [d for d in stored_days or known if since is None or d >= since]
    start = after[0] if after else None
    findings = _days_to_run(store, known, stored_days, start) if start else []
    digests = set(stored_days)
    for when in stored_days:
        if since is None or when >= since:
            findings.extend(_digest_file(store, out_dir, when))
    findings.extend(_readme(store, out_dir))
    findings.extend(_files_not_in_database(out_dir, digests, since))
    findings.extend(_leftover_temporary_files(out_dir))
    return findings


def _damaged(path: Path | None, problem: str, out_dir: Path) -> list[Finding]:
    """What doctor says of a damaged database: that, with how to recover it, and the leftover
    temporary files; nothing else read from it could be trusted."""
    lines = problem.splitlines() or ["?"]
    more = f" (and {len(lines) - 1} more problems)" if len(lines) > 1 else ""
    db = f"'{path}'" if path else "DB"
    damaged = Finding(
        None,
        f"the database {path} is damaged: {lines[0]}{more}",
        f"restore a backup, or recover what SQLite can still read: "
        f"sqlite3 {db} .recover | sqlite3 recovered.db, then use --db recovered.db",
    )
    return [damaged, *_leftover_temporary_files(out_dir)]


def _days_to_run(store: Store, known: list[str], stored: list[str], start: str) -> list[Finding]:
    """Weekdays nothing covers and incomplete days from ``start`` on, consecutive ones that one
    command fixes grouped into one ``run --since A --until B``."""
    if not known or known[-1] < start:
        return []
    runs, unsettled = store.last_runs(), store.unsettled_counts()
    failed, imported = store.failed_errors(), store.imported_days()
    seen, digests = set(known), set(stored)
    groups: list[_Group] = []
    current: _Group | None = None
    first, last = date.fromisoformat(start), date.fromisoformat(known[-1])
    for day in (first + timedelta(days=n) for n in range((last - first).days + 1)):
        when = day.isoformat()
        if when not in seen:
            reason = MISSING if day.weekday() < 5 else None
        elif when in imported:
            reason = None  # an imported digest is complete as it is
        else:
            reason = day_reason(runs.get(when), when in digests, partial(_count, unsettled, when))
            reason = None if reason == NEVER_RUN else reason
        if reason is None:
            if day.weekday() < 5 or when in seen:
                current = None  # a day that is fine ends a group; a quiet weekend does not
            continue
        cause = _user_cause(failed.get(when, [])) if "failed" in reason else None
        if current is None or current.cause is not cause:
            current = _Group(cause)
            groups.append(current)
        current.days.append((when, reason))
    return [_finding(group) for group in groups]


def _count(counts: dict[str, int], when: str) -> int:
    return counts.get(when, 0)


def _user_cause(errors: list[str]) -> UserCause | None:
    for cause in USER_CAUSES:
        if any(cause.pattern.search(error) for error in errors):
            return cause
    return None


def _finding(group: _Group) -> Finding:
    (a, reason), (b, _) = group.days[0], group.days[-1]
    cause = group.cause
    if a == b:
        command = f"dailypapers run --date {a}"
        where, problem = a, reason
    else:
        command = f"dailypapers run --since {a} --until {b}"
        kinds = Counter(re.sub(r"^\d+ ", "", r) for _, r in group.days)
        listed = ", ".join(f"{kind} ({n})" for kind, n in kinds.items())
        where, problem = f"{a} to {b}", f"{len(group.days)} days to run: {listed}"
    if cause is None:
        return Finding(where, problem, command)
    return Finding(where, f"{problem}: {cause.problem}", f"{cause.action}, then {command}")


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
