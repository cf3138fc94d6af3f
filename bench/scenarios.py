"""Benchmark scenarios: dailypapers against local fakes with latency, limits and faults.

    python bench/scenarios.py calm|ratelimited|faulty|scale|all [--latency S] [--papers N]

Starts the test suite's fake Hugging Face, arXiv and OpenAI-compatible servers on 127.0.0.1,
runs the real ``dailypapers`` command in a child process and prints, per run: wall time, the
child's peak RSS, papers done / failed / lost, tokens sent, LLM calls and retries.

- calm: 30 papers, 4 s per LLM call, no limits, no faults.
- ratelimited: 30 long papers (about 40k tokens each) with the predecessor's 100k budget
  against a fake that enforces 450,000 tokens per minute, once with the limit told to
  dailypapers (DAILYPAPERS_LLM_TPM) and once without (429 and Retry-After only).
- faulty: 10% of PDF requests answer 503, 10% of LLM answers are cut-off JSON, 5% are 500s;
  then one rerun.
- scale: a 50-paper day (paged), and a 30-day backfill of 10 papers a day at 1 s per call.

"done" is a paper with a stored summary, "failed" one with a recorded reason, "lost" one that
is neither. The fakes need no politeness, so arXiv pacing is off (DAILYPAPERS_ARXIV_INTERVAL=0).
"""

from __future__ import annotations

import argparse
import functools
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.fakes import FakeArxiv, FakeHF, FakeOpenAI, TokenLimit, make_entry  # noqa: E402
from tests.pdfgen import make_paper_pdf  # noqa: E402
from tests.shared_data import SHARED  # noqa: E402

DATE = "2024-12-06"
TPM = 450_000


@dataclass
class Fakes:
    hf: FakeHF
    arxiv: FakeArxiv
    llm: FakeOpenAI
    tmp: Path
    env: dict[str, str] = field(default_factory=dict)


@contextmanager
def fakes(latency: float) -> Iterator[Fakes]:
    with (
        FakeHF() as hf,
        FakeArxiv() as arxiv,
        FakeOpenAI() as llm,
        tempfile.TemporaryDirectory() as tmp,
    ):
        llm.latency = latency
        world = Fakes(hf, arxiv, llm, Path(tmp))
        world.env = os.environ | {
            "HF_ENDPOINT": hf.url,
            "ARXIV_ENDPOINT": arxiv.url,
            "OPENAI_BASE_URL": llm.url + "/v1",
            "OPENAI_API_KEY": "sk-bench",
            "DAILYPAPERS_CACHE_DIR": str(Path(tmp) / "cache"),
            "DAILYPAPERS_OUT": str(Path(tmp) / "out"),
            "DAILYPAPERS_ARXIV_INTERVAL": "0",
        }
        yield world


@functools.cache
def real_pdfs() -> tuple[bytes, ...]:
    folder = SHARED / "fixtures" / "arxiv_pdfs"
    found = sorted(folder.glob("*.pdf")) if folder.is_dir() else []
    if found:
        return tuple(p.read_bytes() for p in found)
    print("(shared fixtures absent: generated PDFs instead of real arXiv ones)")
    return tuple(make_paper_pdf(title=f"Paper {i}", abstract="We propose X.") for i in range(5))


@functools.cache
def long_pdfs() -> tuple[bytes, ...]:
    """Papers of about 40k o200k tokens each, sent whole under a 100k budget."""
    sentence = "The proposed method improves accuracy on the benchmark by a clear margin. "
    sections = [(f"{n} Section {n}", sentence * 400) for n in range(1, 6)]
    return tuple(
        make_paper_pdf(title=f"Long paper {i}", abstract="We propose X.", sections=sections)
        for i in range(3)
    )


def serve_day(world: Fakes, when: str, count: int, pdfs: tuple[bytes, ...], base: int) -> None:
    entries = []
    for i in range(count):
        arxiv_id = f"2412.{base + i:05d}"
        entries.append(make_entry(arxiv_id, f"Benchmark paper {base + i}", upvotes=(i * 7) % 31))
        world.arxiv.add_pdf(arxiv_id, pdfs[i % len(pdfs)])
    world.hf.set_day(when, entries)


@dataclass
class Measured:
    label: str
    wall: float
    peak_mb: float
    code: int
    tail: str


def dailypapers(world: Fakes, label: str, *args: str, **env: str) -> Measured:
    """Run the CLI in a child process; wall time and that child's own peak RSS."""
    log = world.tmp / f"{label}.log"
    command = [sys.executable, "-m", "dailypapers", "run", *args]
    started = time.monotonic()
    with log.open("wb") as sink:
        child = subprocess.Popen(command, env=world.env | env, stdout=sink, stderr=sink)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    tail = log.read_text(encoding="utf-8", errors="replace")[-1500:]
    return Measured(label, wall, usage.ru_maxrss / 1024, child.returncode, tail)


def tally(world: Fakes) -> dict[str, int]:
    with closing(sqlite3.connect(world.tmp / "out" / "dailypapers.db")) as db:
        listed = db.execute("SELECT count(DISTINCT arxiv_id) FROM listings").fetchone()[0]
        done = db.execute("SELECT count(DISTINCT arxiv_id) FROM summaries").fetchone()[0]
        failed = db.execute(
            "SELECT count(*) FROM papers WHERE status = 'failed' AND arxiv_id NOT IN "
            "(SELECT arxiv_id FROM summaries)"
        ).fetchone()[0]
        calls, failed_calls, tokens = db.execute(
            "SELECT count(*), coalesce(sum(ok = 0), 0), coalesce(sum(input_tokens), 0) "
            "FROM llm_calls"
        ).fetchone()
    return {
        "listed": listed,
        "done": done,
        "failed": failed,
        "lost": listed - done - failed,
        "calls": calls,
        "llm_retries": failed_calls,
        "tokens": tokens,
        "pdf_retries": world.arxiv.errors,
    }


def show(run: Measured, numbers: dict[str, int], note: str = "") -> None:
    print(
        f"  {run.label:<24} wall {run.wall:6.1f} s  peak RSS {run.peak_mb:4.0f} MB  "
        f"exit {run.code}  done {numbers['done']}/{numbers['listed']}  "
        f"failed {numbers['failed']}  lost {numbers['lost']}"
    )
    print(
        f"  {'':<24} tokens sent {numbers['tokens']:,}  LLM calls {numbers['calls']}  "
        f"retries: LLM {numbers['llm_retries']}, PDF {numbers['pdf_retries']}  {note}"
    )
    if run.code not in (0, 1):
        print(run.tail)


def calm(args: argparse.Namespace) -> None:
    print(f"calm: {args.papers} papers, {args.latency} s per LLM call, concurrency 4")
    with fakes(args.latency) as world:
        serve_day(world, DATE, args.papers, real_pdfs(), 10000)
        run = dailypapers(world, "calm", "--date", DATE)
        floor = args.papers * args.latency / 4
        show(run, tally(world), f"(LLM-bound minimum {floor:.1f} s)")


def ratelimited(args: argparse.Namespace) -> None:
    print(f"ratelimited: {args.papers} long papers, 100k budget, fake limit {TPM:,} TPM")
    for told in (True, False):
        with fakes(args.latency) as world:
            world.llm.token_limit = TokenLimit(TPM)
            serve_day(world, DATE, args.papers, long_pdfs(), 20000)
            extra = {"DAILYPAPERS_LLM_TPM": str(TPM)} if told else {}
            label = "limit told" if told else "limit unknown"
            run = dailypapers(
                world,
                label,
                "--date",
                DATE,
                "--token-budget",
                "100000",
                "--concurrency",
                "8",
                **extra,
            )
            numbers = tally(world)
            spent = world.llm.prompt_tokens + world.llm.completion_tokens
            floor = max(0.0, (spent - TPM) / (TPM / 60)) + args.latency
            show(run, numbers, f"429s {world.llm.rejected.get(429, 0)}")
            print(f"  {'':<24} minimum the limit allows for {spent:,} tokens: {floor:.1f} s")


def faulty(args: argparse.Namespace) -> None:
    print(f"faulty: {args.papers} papers; 10% PDF 503, 10% cut-off JSON, 5% LLM 500")
    with fakes(args.latency) as world:
        world.arxiv.error_rate = 0.10
        world.llm.malformed_rate = 0.10
        world.llm.error_rate = 0.05
        serve_day(world, DATE, args.papers, real_pdfs(), 30000)
        first = dailypapers(world, "first run", "--date", DATE)
        show(first, tally(world))
        second = dailypapers(world, "rerun", "--date", DATE)
        show(second, tally(world), "(totals over both runs)")


def scale(args: argparse.Namespace) -> None:
    print("scale: a 50-paper day (two list pages), then a 30-day backfill of 10 papers a day")
    with fakes(args.latency) as world:
        serve_day(world, DATE, 50, real_pdfs(), 40000)
        run = dailypapers(world, "50-paper day", "--date", DATE)
        pages = sum(1 for r in world.hf.requests if r.path == "/api/daily_papers")
        show(run, tally(world), f"(list requests {pages})")
    with fakes(1.0) as world:
        first = date(2024, 11, 1)
        days = [(first + timedelta(days=n)).isoformat() for n in range(30)]
        for n, when in enumerate(days):
            serve_day(world, when, 10, real_pdfs(), 50000 + n * 100)
        run = dailypapers(world, "30-day backfill", "--since", days[0], "--until", days[-1])
        show(run, tally(world), "(1 s per LLM call)")
        again = dailypapers(world, "backfill again", "--since", days[0], "--until", days[-1])
        show(again, tally(world), "(every day complete: nothing to do)")


SCENARIOS = {"calm": calm, "ratelimited": ratelimited, "faulty": faulty, "scale": scale}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("scenario", choices=[*SCENARIOS, "all"])
    parser.add_argument("--latency", type=float, default=4.0, help="fake LLM seconds per call")
    parser.add_argument("--papers", type=int, default=30)
    args = parser.parse_args()
    for name, scenario in SCENARIOS.items():
        if args.scenario in (name, "all"):
            started = time.monotonic()
            scenario(args)
            print(f"  ({name} took {time.monotonic() - started:.0f} s in all)\n")


if __name__ == "__main__":
    main()
