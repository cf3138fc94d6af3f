"""PDF extraction speed: pages per second on real arXiv PDFs.

python bench/extract_speed.py [PDF_DIR] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from dailypapers.config import DEFAULT_TOKEN_BUDGET
from dailypapers.sources.pdf import extract_text, normalise_text
from dailypapers.summarize.budget import count_tokens, fit_text

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "arxiv_pdfs"


def main() -> None:
    parser = argparse.ArgumentParser(description="PDF extraction speed")
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    pdfs = sorted(args.folder.glob("*.pdf"))
    if not pdfs:
        sys.exit(f"no PDFs in {args.folder}")
    total_pages, total_seconds = 0, 0.0
    print(f"{'file':<16}{'pages':>6}{'ms/page':>10}{'pages/s':>10}{'tokens':>9}{'fitted':>8}")
    for path in pdfs:
        data = path.read_bytes()
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            extracted = extract_text(data, arxiv_id=path.stem)
            text = normalise_text(extracted.text)
            timings.append(time.perf_counter() - started)
        seconds = statistics.median(timings)
        fitted = fit_text(path.stem, "", text, DEFAULT_TOKEN_BUDGET)
        total_pages += extracted.pages
        total_seconds += seconds
        print(
            f"{path.stem:<16}{extracted.pages:>6}{1000 * seconds / extracted.pages:>10.1f}"
            f"{extracted.pages / seconds:>10.0f}{count_tokens(text):>9}{fitted.tokens:>8}"
        )
    print(
        f"{'total':<16}{total_pages:>6}{1000 * total_seconds / total_pages:>10.1f}"
        f"{total_pages / total_seconds:>10.0f}"
    )


if __name__ == "__main__":
    main()
