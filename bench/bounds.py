"""What hostile inputs cost: PDF bombs, a huge body, a dripping body, token counting.

python bench/bounds.py [--text-ops N] [--inflate-mb N] [--body-mb N] [--drip-every S] [--cap S]

Each case runs in a fresh process with a wall-clock cap (``--cap``, default 120 s): the peak
RSS of that process (the "main" one) and, when it reads a PDF, of the reader child (sampled from
``/proc`` every 20 ms), and the time taken. It calls the library with its defaults, so running
it against an older checkout (``PYTHONPATH=that/src``) measures that version; settings the
older code does not know are left out. Mind the machine: the bombs and the body cost what they
cost on code without limits (about 13 KB per text operator of 80 characters, 1.5 times an
inflated stream, three times a body).
"""

from __future__ import annotations

import argparse
import inspect
import multiprocessing
import os
import resource
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes import FakeArxiv  # noqa: E402
from tests.pdfgen import make_inflating_pdf, make_text_bomb  # noqa: E402

PDF_DIR = (
    Path(os.environ.get("DAILYPAPERS_SHARED") or ROOT.parent / "shared") / "fixtures" / "arxiv_pdfs"
)
MB = 1024 * 1024


def peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


class ChildWatch:
    """The highest VmHWM seen of the extractor's child, sampled until stopped."""

    def __init__(self, extractor: Any) -> None:
        self.extractor, self.peak, self._stop = extractor, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            child = self.extractor._child
            try:
                status = Path(f"/proc/{child.pid}/status").read_text() if child else ""
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    self.peak = max(self.peak, int(line.split()[1]) // 1024)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def read_pdf(pdf: bytes) -> str:
    from dailypapers.sources.pdf import Extractor

    with Extractor(timeout=600) as extractor:
        watch = ChildWatch(extractor)
        try:
            extracted = extractor.extract(pdf, arxiv_id="bomb")
            outcome = f"read: {len(extracted.text):,} characters"
        except Exception as e:  # noqa: BLE001 - the outcome is what is measured
            outcome = f"refused: {e}"
        child = watch.stop()
    return f"{outcome[:110]}; child peak {child:,} MB"


def download(body_mb: int, declared: bool, drip: float | None) -> str:
    from dailypapers.http import make_client
    from dailypapers.sources.arxiv import download_pdf

    with FakeArxiv() as fake:
        if drip is not None:
            fake.add_drip("2412.00001", every=drip)
        else:
            fake.add_huge_pdf("2412.00001", body_mb * MB, declared=declared)
        options: dict[str, Any] = {"backoff": 0.01}
        if drip is not None and "seconds" in inspect.signature(download_pdf).parameters:
            options["seconds"] = 10.0
        with make_client(timeout=60) as client:
            cache = Path(f"/tmp/dailypapers-bench-{time.time_ns()}")
            try:
                got = download_pdf(client, fake.url, "2412.00001", cache, **options)
                size = len(got) if isinstance(got, bytes) else Path(got).stat().st_size
                outcome = f"downloaded {size:,} bytes"
            except Exception as e:  # noqa: BLE001 - the outcome is what is measured
                outcome = f"refused: {e}"
            finally:
                for path in sorted(cache.rglob("*"), reverse=True):
                    path.rmdir() if path.is_dir() else path.unlink()
                if cache.exists():
                    cache.rmdir()
    return outcome[:140]


def count_tokens_in(what: str) -> str:
    from dailypapers.summarize.budget import count_tokens

    if what == "letters":
        texts = ["a" * 32_000]
    else:
        from dailypapers.sources.pdf import extract_text, normalise_text

        texts = [
            normalise_text(extract_text(p.read_bytes(), arxiv_id=p.stem).text)
            for p in sorted(PDF_DIR.glob("*.pdf"))
        ]
    count_tokens("warm up")
    started = time.monotonic()
    tokens = sum(count_tokens(text) for text in texts)
    return f"{tokens:,} tokens in {time.monotonic() - started:.3f} s of counting"


def case(name: str, args: argparse.Namespace, out: Any) -> None:
    started = time.monotonic()
    if name == "text bomb":
        pdf = make_text_bomb(args.text_ops, b"x" * 80)
        started = time.monotonic()
        outcome = f"{len(pdf):,} bytes: " + read_pdf(pdf)
    elif name == "inflating bomb":
        pdf = make_inflating_pdf(args.inflate_mb * MB)
        started = time.monotonic()
        outcome = f"{len(pdf):,} bytes: " + read_pdf(pdf)
    elif name == "huge body, declared":
        outcome = download(args.body_mb, True, None)
    elif name == "huge body, undeclared":
        outcome = download(args.body_mb, False, None)
    elif name == "dripping body":
        outcome = download(0, True, args.drip_every)
    else:
        outcome = count_tokens_in(name.split()[-1])
    out.send(f"{time.monotonic() - started:7.2f} s  main peak {peak_mb():>6,} MB  {outcome}")


CASES = (
    "text bomb",
    "inflating bomb",
    "huge body, declared",
    "huge body, undeclared",
    "dripping body",
    "tokens: letters",
    "tokens: pdfs",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text-ops", type=int, default=1_000_000)
    parser.add_argument("--inflate-mb", type=int, default=2048)
    parser.add_argument("--body-mb", type=int, default=3072)
    parser.add_argument("--drip-every", type=float, default=3.0)
    parser.add_argument("--cap", type=float, default=120.0)
    parser.add_argument("--only", action="append", choices=CASES)
    args = parser.parse_args()
    import dailypapers

    print(f"code: {Path(dailypapers.__file__).parent}")
    context = multiprocessing.get_context("spawn")
    for name in args.only or CASES:
        receive, send = context.Pipe(duplex=False)
        worker = context.Process(target=case, args=(name, args, send))
        started = time.monotonic()
        worker.start()
        send.close()
        if receive.poll(args.cap):
            line = receive.recv()
        else:
            line = f"still running after {time.monotonic() - started:.0f} s: stopped"
        worker.kill()
        worker.join()
        print(f"{name:<22} {line}", flush=True)


if __name__ == "__main__":
    main()
