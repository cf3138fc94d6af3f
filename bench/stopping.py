"""What stopping, a wrong key and a second run cost: dailypapers against local fakes.

    python bench/stopping.py [interrupt|wrong-key|two-runs|all] [--latency S]

Starts the test suite's fake Hugging Face, arXiv and OpenAI-compatible servers on 127.0.0.1
and runs the real ``dailypapers run`` in child processes:

- interrupt: a 30-paper day at concurrency 4; SIGINT when the fifth LLM request arrives.
  Prints the LLM requests sent after the signal, the answers paid for and stored, the seconds
  from the signal to the exit, and the LLM calls and tokens the rerun pays for.
- wrong-key: the same day with a wrong key, a cold PDF cache and arXiv's real pace (one
  request every 3 s). Prints the seconds to the error, the PDFs downloaded and the LLM calls.
- two-runs: two runs of the day started together on one database. Prints their exit
  statuses, and the LLM calls and tokens both together paid for (one day costs 30 calls).
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.fakes import FakeArxiv, FakeHF, FakeOpenAI, Late, make_entry  # noqa: E402
from tests.pdfgen import make_paper_pdf  # noqa: E402

DATE = "2024-12-06"
PAPERS = 30
CONCURRENCY = 4
CHAT = "/v1/chat/completions"


@dataclass
class Fakes:
    hf: FakeHF
    arxiv: FakeArxiv
    openai: FakeOpenAI
    folder: Path

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "HF_ENDPOINT": self.hf.url,
            "ARXIV_ENDPOINT": self.arxiv.url,
            "OPENAI_BASE_URL": self.openai.url + "/v1",
            "OPENAI_API_KEY": "sk-bench-key",
            "DAILYPAPERS_CACHE_DIR": str(self.folder / "cache"),
            "DAILYPAPERS_ARXIV_INTERVAL": "0",
            "DAILYPAPERS_CONCURRENCY": str(CONCURRENCY),
            **extra,
        }

    def start(self, **extra: str) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "dailypapers", "run", "--date", DATE]
        return subprocess.Popen(
            [*command, "--out", str(self.folder / "out")],
            env=self.env(**extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def tokens(self) -> int:
        return self.openai.prompt_tokens + self.openai.completion_tokens

    def stored(self) -> int:
        with closing(sqlite3.connect(self.folder / "out" / "dailypapers.db")) as db:
            return int(db.execute("SELECT count(*) FROM summaries").fetchone()[0])


@contextmanager
def fakes(latency: float) -> Iterator[Fakes]:
    with (
        tempfile.TemporaryDirectory() as folder,
        FakeHF() as hf,
        FakeArxiv() as arxiv,
        FakeOpenAI() as openai,
    ):
        pdfs = [make_paper_pdf(title=f"Paper {i}", abstract=f"We propose {i}.") for i in range(5)]
        entries = []
        for i in range(PAPERS):
            arxiv_id = f"2412.06{i:03d}"
            entries.append(make_entry(arxiv_id, f"Paper {arxiv_id}", upvotes=i))
            arxiv.add_pdf(arxiv_id, pdfs[i % 5])
        hf.set_day(DATE, entries)
        openai.latency = latency
        yield Fakes(hf, arxiv, openai, Path(folder))


def finish(proc: subprocess.Popen[bytes]) -> tuple[int, str]:
    output, _ = proc.communicate(timeout=600)
    return proc.returncode, output.decode("utf-8", "replace")


def last_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def interrupt(latency: float) -> None:
    with fakes(latency) as world:
        marks: dict[str, float] = {}
        holder: list[subprocess.Popen[bytes]] = []

        def send() -> None:
            marks["requests"] = world.openai.requests_to(CHAT)
            marks["at"] = time.monotonic()
            holder[0].send_signal(signal.SIGINT)

        world.openai.crash_at(5, what=CHAT, kill=send, then=Late(0.0))
        holder.append(world.start())
        code, output = finish(holder[0])
        ended = time.monotonic()
        sent, paid = world.openai.requests_to(CHAT), world.openai.calls
        print(f"interrupt: exit {code}; {last_line(output)}")
        print(f"  LLM requests after the signal: {sent - int(marks['requests'])}")
        print(f"  answers paid for: {paid}, stored: {world.stored()}")
        print(f"  signal to exit: {ended - marks['at']:.1f} s")
        calls, tokens = world.openai.calls, world.tokens
        code, output = finish(world.start())
        print(f"  rerun: exit {code}; {world.openai.calls - calls} LLM calls, ", end="")
        print(f"{world.tokens - tokens:,} tokens billed")


def wrong_key(latency: float) -> None:
    with fakes(latency) as world:
        world.openai.valid_key = "sk-the-right-key"
        started = time.monotonic()
        code, output = finish(world.start(DAILYPAPERS_ARXIV_INTERVAL="3"))
        seconds = time.monotonic() - started
        print(f"wrong key, cold cache, arXiv pacing 3 s: exit {code} after {seconds:.1f} s")
        print(f"  PDFs downloaded: {len(world.arxiv.requests)}, LLM requests: ", end="")
        print(f"{world.openai.requests_to(CHAT)}, error lines: {output.count('error')}")
        print(f"  last line: {last_line(output)[:160]}")


def two_runs(latency: float) -> None:
    with fakes(latency) as world:
        started = threading.Event()
        world.openai.crash_at(1, what=CHAT, kill=started.set, then=Late(0.0))
        first = world.start()
        started.wait(timeout=60)
        second = world.start(DAILYPAPERS_LOCK_WAIT="600")
        results = [finish(first), finish(second)]
        codes = ", ".join(str(code) for code, _ in results)
        print(f"two runs on one database: exits {codes}")
        print(f"  LLM calls: {world.openai.calls} (one day: {PAPERS}), tokens: {world.tokens:,}")


SCENARIOS = {"interrupt": interrupt, "wrong-key": wrong_key, "two-runs": two_runs}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="all", choices=[*SCENARIOS, "all"])
    parser.add_argument("--latency", type=float, default=1.0, help="seconds per LLM answer")
    args = parser.parse_args(argv)
    for name, scenario in SCENARIOS.items():
        if args.scenario in (name, "all"):
            scenario(args.latency)


if __name__ == "__main__":
    main()
