"""Tokens per paper and sections kept and dropped, by source, on the real PDFs.

python bench/sources.py [--budget N]

For each real PDF in the shared fixtures (``DAILYPAPERS_SHARED``/fixtures/arxiv_pdfs): the PDF
path as the run reads it (pypdfium2, sections by numbered headings), and the same paper as
Hugging Face's Markdown and as arXiv's HTML converted, both made from the PDF's own sections
(tests/papertext.py), fitted by their headings. Prints one row per paper and source, then the
mean tokens per source, and the time the HTML conversion and the gates take.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dailypapers.sources.gates import judge  # noqa: E402
from dailypapers.sources.html_text import html_to_text  # noqa: E402
from dailypapers.sources.pdf import extract_text, normalise_text  # noqa: E402
from dailypapers.summarize.budget import FittedText, fit_markdown, fit_text  # noqa: E402
from tests.papertext import as_html, as_markdown, real_doc, real_pdfs  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--budget", type=int, default=16_000)
    budget = parser.parse_args().budget
    totals: dict[str, list[int]] = {"pdf": [], "hf": [], "html": []}
    convert = gate = 0.0
    print(f"{'paper':<12}{'source':<7}{'tokens':>8}{'kept':>6}{'dropped':>9}  cut  dropped")
    for pdf in real_pdfs():
        doc = real_doc(pdf)
        body = normalise_text(extract_text(pdf, arxiv_id=pdf.stem).text)
        page = as_html(doc).encode()
        started = time.perf_counter()
        html_text = html_to_text(page)
        convert += time.perf_counter() - started
        started = time.perf_counter()
        verdicts = [judge(doc.title, doc.abstract, t) for t in (as_markdown(doc), html_text)]
        gate += time.perf_counter() - started
        assert all(v.failed is None for v in verdicts), verdicts
        fitted: dict[str, FittedText] = {
            "pdf": fit_text(doc.title, doc.abstract, body, budget),
            "hf": fit_markdown(doc.title, doc.abstract, as_markdown(doc), budget),
            "html": fit_markdown(doc.title, doc.abstract, html_text, budget),
        }
        for source, fit in fitted.items():
            totals[source].append(fit.tokens)
            print(
                f"{doc.arxiv_id:<12}{source:<7}{fit.tokens:>8,}{len(fit.kept):>6}"
                f"{len(fit.dropped):>9}  {'yes' if fit.truncated else 'no ':<4} "
                f"{', '.join(name[:24] for name in fit.dropped)}"
            )
    for source, tokens in totals.items():
        print(f"mean tokens per paper, {source}: {sum(tokens) / len(tokens):,.0f}")
    count = len(totals["pdf"])
    print(
        f"HTML conversion: {convert / count * 1000:.1f} ms per paper; gates: "
        f"{gate / count / 2 * 1000:.1f} ms per text"
    )


if __name__ == "__main__":
    main()
