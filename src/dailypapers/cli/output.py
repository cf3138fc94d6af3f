"""What a person sees: a progress bar while papers run, one screen of results at the end."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from dailypapers.evidence import GroundingShare
from dailypapers.jobs.backfill import DayResult
from dailypapers.jobs.check import PaperCheck
from dailypapers.jobs.doctor import DayCount, Finding
from dailypapers.jobs.relist import Relisted
from dailypapers.jobs.results import PaperResult, RunReport
from dailypapers.models import EXTRACTIVE_MODEL, TEXT_SOURCES
from dailypapers.store import PaperState, RunRecord
from dailypapers.summarize.cost import Spend, SpendReport

#: Under the report of a run made without an LLM: what the summaries are, and how to change it.
EXTRACTIVE_REPORT = (
    "the summaries are extractive (no LLM): English sentences taken from each paper, not "
    "Korean. For Korean summaries set OPENAI_API_KEY (and OPENAI_BASE_URL for another server) "
    "or choose --provider (see `dailypapers providers`)."
)

OUTCOME_STYLE = {
    "summarized": "green",
    "reused": "cyan",
    "seen": "dim",
    "failed": "bold red",
    "skipped": "yellow",
}


class PaperBar:
    """A rich progress bar over the day's papers."""

    def __init__(self, bar: Progress) -> None:
        self.bar = bar
        self.task = bar.add_task("fetching the list", total=None)

    def begin(self, total: int) -> None:
        self.bar.reset(self.task, total=total, description="")

    def advance(self, result: PaperResult) -> None:
        style = OUTCOME_STYLE[result.outcome]
        self.bar.update(self.task, advance=1, description=f"[{style}]{result.arxiv_id}")


@contextmanager
def progress_bar(console: Console) -> Iterator[PaperBar]:
    columns = (
        TextColumn("[bold]papers"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        yield PaperBar(bar)


def print_report(console: Console, report: RunReport) -> None:
    """The one-screen summary of a run."""
    skipped = f" · [yellow]{report.count('skipped')} skipped[/]" if report.count("skipped") else ""
    console.print(
        f"[bold]{report.date}[/]: {report.listed} listed · "
        f"[green]{report.count('summarized')} summarized[/] · "
        f"[cyan]{report.count('reused')} reused[/] · "
        f"{report.count('seen')} already published · "
        f"[{'bold red' if report.count('failed') else 'green'}]{report.count('failed')} failed[/]"
        + skipped
    )
    console.print(
        f"summarizer {report.summarizer} · tokens in {report.input_tokens:,} / "
        f"out {report.output_tokens:,} · ${report.cost_usd:.4f} at list price · "
        f"{report.seconds:.1f} s"
    )
    if report.summarizer == EXTRACTIVE_MODEL:
        console.print(EXTRACTIVE_REPORT, style="yellow", markup=False, highlight=False)
    if report.llm_calls:
        retried = f" ({report.failed_calls} failed and retried or given up)"
        waited = report.rate_limit_wait_s
        console.print(
            f"LLM calls {report.llm_calls}{retried if report.failed_calls else ''}"
            + (f" · waited {waited:.1f} s for the rate limit" if waited else "")
            + (f" · {report.concurrency.describe()}" if report.concurrency else "")
        )
    print_verify(console, report)
    abstract_only = [
        r for r in report.results if r.outcome != "failed" and r.text_source == "abstract"
    ]
    if abstract_only:
        console.print(f"[yellow]{len(abstract_only)} summarized from the abstract only[/]:")
        for result in abstract_only:
            console.print(f"  {result.arxiv_id}: {result.detail}", markup=False, highlight=False)
    if report.flagged:
        console.print(f"[yellow]{len(report.flagged)} flagged by the checks[/] (kept, marked):")
        for result in report.flagged:
            flags = "; ".join(result.flags)
            console.print(f"  {result.arxiv_id}: {flags}", markup=False, highlight=False)
    not_sent = [r for r in report.results if r.outcome == "skipped"]
    if not_sent:
        console.print(f"[yellow]{len(not_sent)} skipped[/] (not failed; the next run tries them):")
        for result in not_sent:
            console.print(f"  {result.arxiv_id}: {result.detail}", markup=False, highlight=False)
    failures = [r for r in report.results if r.outcome == "failed"]
    if failures:
        console.print("[bold red]failed:[/]")
        for result in failures:
            console.print(f"  {result.arxiv_id}: {result.detail}", markup=False, highlight=False)
    for problem in report.problems:
        console.print(f"[yellow]skipped[/] {problem}", highlight=False)
    for dropped in report.dropped:
        console.print(f"[yellow]link left out:[/] {escape(dropped)}", highlight=False)
    for path in report.written:
        console.print(f"wrote {path}", markup=False, highlight=False)
    if not any(path.name != "README.md" for path in report.written):
        console.print(f"no digest written: nothing new to show for {report.date}")


def print_verify(console: Console, report: RunReport) -> None:
    """What ``--verify llm`` took and found, and the papers it could not verify."""
    verify = report.verify
    if verify is None:
        return
    failed = f" · {verify.failed} could not be verified (kept)" if verify.failed else ""
    console.print(
        f"verify llm: {verify.calls} calls · tokens in {verify.input_tokens:,} / out "
        f"{verify.output_tokens:,} · ${verify.cost_usd:.4f} · {verify.unsupported} of "
        f"{verify.sentences} sentences without a source span{failed}"
    )
    for result in report.results:
        if result.verify and result.verify.failure:
            console.print(
                f"  {result.arxiv_id}: verification failed, summary kept unverified: "
                f"{result.verify.failure}",
                markup=False,
                highlight=False,
            )


def print_relisted(console: Console, relisted: list[Relisted]) -> None:
    """One line per earlier day listed again: the late papers it summarized, or why not."""
    for day in relisted:
        report = day.report
        if report is None:
            console.print(
                f"{day.date}: [yellow]could not be listed again for late papers[/]: "
                f"{escape(day.error or '')}",
                highlight=False,
            )
            continue
        late = report.count("summarized")
        counts = [f"{late} late paper{'' if late == 1 else 's'} summarized"]
        counts += [f"{report.count(o)} {o}" for o in ("failed", "skipped") if report.count(o)]
        if not late and len(counts) == 1:
            counts = [f"listed again ({report.listed} papers), nothing new"]
        console.print(f"{day.date}: " + " · ".join(counts), highlight=False)
        for result in (r for r in report.results if r.outcome in ("failed", "skipped")):
            console.print(f"  {result.arxiv_id}: {result.detail}", markup=False, highlight=False)
        for problem in report.problems:
            console.print(f"  {problem}", markup=False, highlight=False)


def print_range(console: Console, results: list[DayResult]) -> None:
    """One line per day of a backfill, then the totals."""
    table = Table(title="dailypapers backfill", show_lines=False)
    for column in ("date", "outcome", "listed", "summarized", "failed", "tokens in", "seconds"):
        table.add_column(column)
    for result in results:
        report = result.report
        style = {"done": "green", "skipped": "dim", "failed": "bold red"}[result.outcome]
        detail = f" ({escape(result.detail)})" if result.detail else ""
        outcome = f"[{style}]{result.outcome}[/]{detail}"
        if report is None:
            table.add_row(result.date, outcome, "-", "-", "-", "-", "-")
            continue
        table.add_row(
            result.date,
            outcome,
            str(report.listed),
            str(report.count("summarized")),
            str(report.count("failed")),
            f"{report.input_tokens:,}",
            f"{report.seconds:.1f}",
        )
    console.print(table)
    counts = {o: sum(1 for r in results if r.outcome == o) for o in ("done", "skipped", "failed")}
    console.print(
        f"{len(results)} days: {counts['done']} run, {counts['skipped']} already complete, "
        f"{counts['failed']} failed"
    )


def print_checks(console: Console, results: list[PaperCheck], *, detailed: bool) -> None:
    """Each paper with findings (when ``detailed``), then counts by check."""
    by_check: Counter[str] = Counter()
    for result in results:
        by_check.update(f.check for f in result.findings)
        if detailed:
            for finding in result.findings:
                console.print(
                    f"{result.date} {result.arxiv_id} [yellow]{finding.check}[/]: "
                    f"{escape(finding.detail)}",
                    highlight=False,
                )
    flagged = sum(1 for r in results if r.findings)
    counts = ", ".join(f"{check} {n}" for check, n in sorted(by_check.items())) or "none"
    days = len({r.date for r in results})
    console.print(
        f"checked {len(results)} papers from {days} days: {flagged} with findings ({counts})"
    )
    share = GroundingShare.of(r.grounding for r in results if r.grounding is not None)
    if share.traced:
        console.print(
            f"evidence: numbers {_ratio(share.numbers)} and names {_ratio(share.names)} found "
            f"in the stored paper texts; {share.grounded} of {share.traced} summaries grounded "
            f"({_share(share.grounded, share.traced)})"
        )


def print_stats(console: Console, spend: SpendReport, *, top: int = 10) -> None:
    """Tokens and money per day, per model, and the costliest papers."""
    for title, groups in (("per day", spend.by_day), ("per model", spend.by_model)):
        table = Table(title=f"LLM spend {title}")
        for column in (title.removeprefix("per "), "calls", "tokens in", "tokens out", "USD"):
            table.add_column(column, justify="left" if column in ("day", "model") else "right")
        for key, group in groups.items():
            table.add_row(key, *_spend_cells(group))
        console.print(table)
    costly = sorted(spend.by_paper.items(), key=lambda item: -item[1].usd)[:top]
    table = Table(title=f"the {len(costly)} costliest papers")
    for column in ("paper", "calls", "tokens in", "tokens out", "USD"):
        table.add_column(column, justify="left" if column == "paper" else "right")
    for key, group in costly:
        table.add_row(key, *_spend_cells(group))
    console.print(table)
    total = spend.total
    console.print(
        f"total: {total.calls} calls, {total.input:,} tokens in, {total.output:,} out, "
        f"${total.usd:.4f} at list price"
        + (" (some models have no price: add them to DAILYPAPERS_PRICES)" if total.unpriced else "")
    )


def print_sources(console: Console, counts: dict[str, int]) -> None:
    """The share of each source of paper text: ``hf 18 (60%)``, one row each."""
    total = sum(counts.values())
    if not total:
        return
    table = Table(title="paper text by source")
    for column in ("source", "papers", "share"):
        table.add_column(column, justify="left" if column == "source" else "right")
    for source in (*TEXT_SOURCES, *sorted(set(counts) - set(TEXT_SOURCES))):
        if counts.get(source):
            table.add_row(source, str(counts[source]), f"{counts[source] / total:.0%}")
    console.print(table)


def print_grounding(console: Console, share: GroundingShare) -> None:
    """``grounded: 27 of 30 summaries (90%) have every number and name found in their paper``,
    with the numbers and names behind it; nothing when no summary of ours is published."""
    if not share.summaries:
        return
    untraced = share.summaries - share.traced
    console.print(
        f"grounded: {share.grounded} of {share.traced} traced summaries "
        f"({_share(share.grounded, share.traced)}) have every number and name found in their "
        f"paper; numbers {_ratio(share.numbers)}, names {_ratio(share.names)}"
        + (f"; {untraced} made before tracing (not counted)" if untraced else "")
    )


def _ratio(pair: tuple[int, int]) -> str:
    return f"{pair[0]:,}/{pair[1]:,} ({_share(*pair)})"


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "-"


def _spend_cells(group: Spend) -> tuple[str, str, str, str]:
    usd = f"{group.usd:.4f}" + ("*" if group.unpriced else "")
    return str(group.calls), f"{group.input:,}", f"{group.output:,}", usd


def print_day_counts(console: Console, counts: list[DayCount]) -> None:
    """Listed vs summarized per day, the days with papers left to summarize in yellow."""
    for count in counts:
        style = "green" if count.summarized == count.listed else "yellow"
        console.print(
            f"{count.date}: {count.listed} listed · [{style}]{count.summarized} summarized[/]",
            highlight=False,
        )


def print_findings(console: Console, findings: list[Finding], days: int) -> None:
    if not findings:
        console.print(f"[green]all good[/]: {days} stored days checked, nothing to fix")
        return
    for finding in findings:
        where = f"{finding.date}: " if finding.date else ""
        console.print(f"[yellow]{where}[/]{escape(finding.problem)}", highlight=False)
        console.print(f"    fix: {escape(finding.fix)}", highlight=False)
    console.print(f"[bold]{len(findings)} to fix[/] in {days} stored days")


def print_status(
    console: Console, when: str, rows: list[PaperState], last_run: RunRecord | None
) -> None:
    table = Table(title=f"dailypapers status {when}", show_lines=False)
    for column in (
        "arXiv id",
        "votes",
        "status",
        "text",
        "tokens",
        "in digest of",
        "title / error",
    ):
        table.add_column(column, overflow="fold")
    for row in rows:
        status = row.status
        detail = row.last_error if status == "failed" else row.title
        table.add_row(
            row.arxiv_id,
            str(row.upvotes),
            f"[{OUTCOME_STYLE.get(status, 'white')}]{status}",
            row.text_source or "-",
            str(row.fitted_tokens or "-"),
            row.digest_dates or "-",
            Text(detail or ""),
        )
    console.print(table)
    for row in rows:
        if row.provenance:
            console.print(Text(f"{row.arxiv_id} text: {row.provenance}"))
        if row.summary_provenance:
            console.print(Text(f"{row.arxiv_id} summary: {row.summary_provenance}"))
    if last_run is not None:
        finished = last_run.finished_at or "never (interrupted)"
        console.print(f"last run started {last_run.started_at}, finished {finished}")
