"""Benchmark: one 30-paper day through the real CLI against local fakes.

    python bench/run_day.py [--papers 30] [--latency 4] [--concurrency 4]

Starts fake Hugging Face, arXiv and OpenAI-compatible servers on 127.0.0.1 (the same fakes
the tests use), serves the real arXiv PDFs from the shared fixtures when they are there (else
generated ones), runs ``dailypapers run`` in a child process, and prints wall time, the
child's peak memory, papers done and failed, LLM calls and tokens sent per paper.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dailypapers.budget import count_tokens  # noqa: E402
from dailypapers.summarize import SYSTEM_PROMPT  # noqa: E402
from tests.fakes import FakeArxiv, FakeHF, FakeOpenAI, make_entry  # noqa: E402
from tests.pdfgen import make_paper_pdf  # noqa: E402
from tests.shared_data import SHARED  # noqa: E402

DATE = "2024-12-06"


def pdfs() -> list[bytes]:
    folder = SHARED / "fixtures" / "arxiv_pdfs"
    real = sorted(folder.glob("*.pdf")) if folder.is_dir() else []
    if real:
        print(f"serving {len(real)} real arXiv PDFs in rotation")
        return [p.read_bytes() for p in real]
    print("shared fixtures absent: serving generated PDFs")
    return [make_paper_pdf(title=f"Paper {i}", abstract="We propose a method.") for i in range(5)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=30)
    parser.add_argument("--latency", type=float, default=4.0, help="fake LLM seconds per call")
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    bodies = pdfs()
    with (
        FakeHF() as hf,
        FakeArxiv() as arxiv,
        FakeOpenAI() as llm,
        tempfile.TemporaryDirectory() as tmp,
    ):
        llm.latency = args.latency
        entries = []
        for i in range(args.papers):
            arxiv_id = f"2412.{10000 + i}"
            entries.append(make_entry(arxiv_id, f"Benchmark paper {i}", upvotes=(i * 7) % 31))
            arxiv.add_pdf(arxiv_id, bodies[i % len(bodies)])
        hf.set_day(DATE, entries)
        env = os.environ | {
            "HF_ENDPOINT": hf.url,
            "ARXIV_ENDPOINT": arxiv.url,
            "OPENAI_BASE_URL": llm.url + "/v1",
            "OPENAI_API_KEY": "sk-bench",
            "DAILYPAPERS_CACHE_DIR": str(Path(tmp) / "cache"),
            "DAILYPAPERS_CONCURRENCY": str(args.concurrency),
        }
        out = Path(tmp) / "out"
        command = [
            sys.executable,
            "-m",
            "dailypapers.cli",
            "run",
            "--date",
            DATE,
            "--out",
            str(out),
        ]
        started = time.monotonic()
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        wall = time.monotonic() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        report(out / "dailypapers.db", wall, peak_mb, result.returncode, args)
        if result.returncode != 0:
            print(result.stdout[-2000:], result.stderr[-2000:])


def report(db_path: Path, wall: float, peak_mb: float, code: int, args: argparse.Namespace) -> None:
    with sqlite3.connect(db_path) as db:
        statuses = dict(
            db.execute("SELECT status, count(*) FROM papers GROUP BY status").fetchall()
        )
        calls, sent, received = db.execute(
            "SELECT count(*), sum(input_tokens), sum(output_tokens) FROM llm_calls"
        ).fetchone()
        fitted = db.execute(
            "SELECT avg(fitted_tokens), max(fitted_tokens), avg(pages) FROM paper_texts"
        ).fetchone()
    ideal = args.papers * args.latency / args.concurrency
    print(
        f"papers               {args.papers} "
        f"(LLM latency {args.latency} s, concurrency {args.concurrency})"
    )
    print(f"exit status          {code}")
    print(f"wall time            {wall:.1f} s (LLM-bound minimum {ideal:.1f} s)")
    print(f"peak RSS (child)     {peak_mb:.0f} MB")
    print(f"papers by status     {statuses}")
    print(f"LLM calls            {calls}, tokens reported in/out {sent}/{received}")
    print(
        f"paper text per paper {fitted[0]:.0f} tokens on average, {fitted[1]} at most (o200k), "
        f"{fitted[2]:.1f} pages on average"
    )
    print(f"system prompt        {count_tokens(SYSTEM_PROMPT)} tokens (o200k), sent with each call")


if __name__ == "__main__":
    main()
