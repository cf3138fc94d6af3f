"""What the channel tests share: papers and a stored day to publish (with titles made of
markup), the CLI's publish command, the deliveries ledger, the database as text, and the real
CLI killed by a fake (through its crash plans) in the middle of publishing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import Any

from typer.testing import Result

from dailypapers.digest.importer import import_digest
from dailypapers.digest.render import escape_title
from dailypapers.digest.views import PaperView, PeriodView, day_view
from dailypapers.models import (
    SECTION_LABELS,
    Digest,
    DigestEntry,
    DigestRun,
    Paper,
    Section,
    Summary,
    SummaryKind,
)
from dailypapers.publish.deliver import Channel, DeliveryReport, deliver
from dailypapers.store import Store
from tests.e2e import invoke
from tests.fakes import Crashable, Stage
from tests.site_corpus import generated_digest

KILLED = -signal.SIGKILL
DAY = "2024-12-06"
#: Titles that are markup: each channel must show them as written.
IMG_TITLE = "<img src=x onerror=alert(1)>"
AMP_TITLE = "a & b <c>"


# papers and a stored day -------------------------------------------------------------------


def sections(*texts: str) -> tuple[Section, ...]:
    """One section per text, under the digest's labels in order."""
    return tuple(Section(label, text) for label, text in zip(SECTION_LABELS, texts, strict=True))


def paper(arxiv_id: str = "2412.06001", title: str = "A paper", **more: Any) -> PaperView:
    """A paper as the channels get it: two authors, three short sections, no links."""
    defaults: dict[str, Any] = {
        "votes": 7,
        "authors": ("김민수", "Lee Jiwoo"),
        "thumbnail": None,
        "sections": sections("새로운 점.", "기술 세부 사항.", "성능 하이라이트."),
    }
    return PaperView(arxiv_id=arxiv_id, title=title, **(defaults | more))


def store_entries(db: Path, day: str, entries: Iterable[DigestEntry]) -> None:
    """Store ``entries`` as ``day``'s digest, as an imported archive would."""
    with Store.open(db) as store:
        import_digest(store, Digest(day, (DigestRun(tuple(entries)),)))


def store_summarized(
    db: Path,
    day: str,
    entries: Sequence[DigestEntry],
    prompt_version: str | Sequence[str],
    kind: SummaryKind = "llm",
) -> list[int]:
    """Store ``entries`` as ``day``'s digest, each shown with a summary made with
    ``prompt_version`` (``en-sections-v2``: an English one; or one version per entry), as
    ``run`` would; the summaries' ids."""
    versions = (
        [prompt_version] * len(entries) if isinstance(prompt_version, str) else prompt_version
    )
    with Store.open(db) as store, store.transaction():
        pairs = []
        for entry, version in zip(entries, versions, strict=True):
            paper = Paper(entry.arxiv_id, entry.arxiv_id, entry.authors, entry.votes, None, "")
            store.add_paper_if_missing(paper, day)
            summary = Summary(entry.sections, kind, "gpt-test", version)
            pairs.append((entry, store.save_summary(entry.arxiv_id, summary)))
        store.replace_runs_from(day, 0, [pairs])
    return [summary_id for _, summary_id in pairs]


def store_titles(db: Path, titles: Sequence[str], *, top_votes: int = 90) -> list[str]:
    """Store DAY's digest with one paper per title, in that order of votes; returns the titles."""
    entries = generated_digest(DAY, 6, len(titles)).runs[0].entries
    store_entries(
        db,
        DAY,
        [
            replace(entry, title_md=escape_title(title), votes=top_votes - i)
            for i, (entry, title) in enumerate(zip(entries, titles, strict=True))
        ],
    )
    return list(titles)


def stored_view(db: Path) -> PeriodView:
    """DAY as the channels get it from the database."""
    with Store.open(db) as store:
        view = day_view(store, DAY)
    assert view is not None
    return view


# publishing and the ledger -----------------------------------------------------------------


def publish_args(channel: str, db: Path) -> list[str]:
    return ["publish", "--date", DAY, "--db", str(db), f"--{channel}"]


def publish(channel: str, db: Path, env: Mapping[str, str], *flags: str) -> Result:
    """``dailypapers publish --<channel>`` for DAY, whatever the developer's shell has set as
    DAILYPAPERS_SITE_URL."""
    return invoke(*publish_args(channel, db), *flags, env={"DAILYPAPERS_SITE_URL": "", **env})


def deliver_quietly(
    store: Store, channel: Channel, view: PeriodView, waits: list[float] | None = None
) -> DeliveryReport:
    """Deliver ``view``, recording the waits instead of sleeping."""
    return deliver(store, channel, view, sleep=(waits if waits is not None else []).append)


def assert_backoffs(waits: Sequence[float], *ceilings: float) -> None:
    """``waits`` are the retry policy's jittered backoffs: one per ceiling, each at most it."""
    assert len(waits) == len(ceilings), waits
    for wait, ceiling in zip(waits, ceilings, strict=True):
        assert 0.0 <= wait <= ceiling, waits


def deliveries(db: Path) -> list[tuple[Any, ...]]:
    """The ledger: (item, status, remote id, error), in the order the rows were made."""
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute(
            "SELECT item, status, remote_id, error FROM deliveries ORDER BY rowid"
        ).fetchall()


def ledger(db: Path) -> dict[str, tuple[str, str | None]]:
    """The ledger by item: (status, remote id)."""
    return {item: (status, remote_id) for item, status, remote_id, _ in deliveries(db)}


def dump(db: Path) -> str:
    """Every row of the database as SQL text: where a leaked secret would show."""
    with closing(sqlite3.connect(db)) as connection:
        return "\n".join(connection.iterdump())


def publish_killed(
    args: Sequence[str],
    env: Mapping[str, str],
    fake: Crashable,
    nth: int = 1,
    *,
    after_store: bool,
    what: str = "message",
) -> str:
    """Run ``dailypapers *args`` as a child process that ``fake`` SIGKILLs when the ``nth``
    ``what`` arrives, just before or just after the fake stores it (a ``CrashPlan``); the
    request is left unanswered. Returns what the child printed."""
    started = threading.Event()
    children: list[subprocess.Popen[bytes]] = []

    def kill() -> None:
        started.wait(timeout=10)
        children[0].kill()
        children[0].wait(timeout=10)

    at: Stage = "after_store" if after_store else "before_store"
    plan = fake.crash_at(nth, at=at, what=what, kill=kill)
    try:
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
    finally:
        fake.disarm()  # the rerun goes through
    assert child.returncode == KILLED, output.decode()
    assert plan.fired.wait(timeout=10), output.decode()
    return output.decode()
