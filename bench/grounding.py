"""The name check and the grounding: how many planted wrong names are caught, how many faithful
summaries are flagged, how fast a summary is grounded, and what the names of real summaries are.

    python bench/grounding.py [SHARED_DIR] [--sample 40]

Needs the team's shared folder (``../shared`` by default): the real arXiv PDFs and Hugging Face
abstracts are the papers, the predecessor's summaries the attack and the name statistics. The
cases are those of ``tests/planted.py`` (also asserted by ``tests/test_grounding.py``).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dailypapers.summarize import grounding  # noqa: E402
from dailypapers.summarize.budget import count_tokens  # noqa: E402
from dailypapers.summarize.checks import check_summary  # noqa: E402
from dailypapers.summarize.names import find_names, source_index  # noqa: E402
from tests import planted  # noqa: E402
from tests.shared_data import SHARED  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="name check and grounding")
    parser.add_argument("shared", nargs="?", type=Path, default=SHARED)
    parser.add_argument("--sample", type=int, default=40, help="names shown for eyeballing")
    args = parser.parse_args()
    if not (args.shared / "reference" / "records.jsonl").is_file():
        sys.exit(f"no shared data at {args.shared}")
    papers = planted.load_papers(args.shared)
    reference = planted.load_reference(args.shared)
    cases = planted.make_cases(papers, reference)
    rates(cases, len(papers))
    every_attack(papers, reference)
    speed(cases)
    reference_names(reference, args.sample)


def rates(cases: list[planted.Case], papers: int) -> None:
    counts, flagged = Counter[str](), Counter[str]()
    for case in cases:
        counts[case.category] += 1
        flagged[case.category] += case.caught()
    print(f"{len(cases)} cases on {papers} real papers\n")
    print(f"{'planted wrong names':<34}{'cases':>7}{'caught':>8}{'rate':>8}")
    for category in (*planted.PLANTED, planted.ATTACK):
        print(_row(category, counts[category], flagged[category]))
    wrong = (*planted.PLANTED, planted.ATTACK)
    print(_row("all", sum(counts[c] for c in wrong), sum(flagged[c] for c in wrong)))
    print(f"\n{'faithful summaries':<34}{'cases':>7}{'flagged':>8}{'rate':>8}")
    for category in planted.FAITHFUL:
        print(_row(category, counts[category], flagged[category]))
    faithful = planted.FAITHFUL
    print(_row("all", sum(counts[c] for c in faithful), sum(flagged[c] for c in faithful)))
    attacks = [c for c in cases if c.category == planted.ATTACK]
    numbered = sum(1 for c in attacks if _has(c, "numbers"))
    print(f"\nattack summaries the number check flags too: {numbered} of {len(attacks)}")


def every_attack(papers: list[planted.Paper], reference: planted.Reference) -> None:
    """The attack with every one of the predecessor's summaries against each real PDF."""
    pdfs = [paper for paper in papers if not paper.abstract]
    caught = total = 0
    for paper in pdfs:
        for _, sections in reference:
            case = planted.Case(planted.ATTACK, paper, sections, "")
            caught += case.caught()
            total += 1
    print(
        f"every one of the {len(reference):,} reference summaries as the summary of each of the "
        f"{len(pdfs)} real PDFs: {caught:,} of {total:,} caught ({caught / total:.1%})"
    )


def _row(category: str, count: int, flagged: int) -> str:
    rate = f"{flagged / count:.1%}" if count else "-"
    return f"{category:<34}{count:>7}{flagged:>8}{rate:>8}"


def _has(case: planted.Case, check: str) -> bool:
    found = check_summary(case.sections, source=case.paper.source, title=case.paper.title)
    return any(f.check == check for f in found)


def speed(cases: list[planted.Case]) -> None:
    """Milliseconds per summary on the real PDFs' fitted text: the check and the grounding of
    a paper seen for the first time (as each paper of a day is), then the grounding alone."""
    pdf_cases = [c for c in cases if c.paper.abstract == "" and c.paper.text]
    cold, warm = [], []
    for case in pdf_cases:
        source_index.cache_clear()
        grounding._paper.cache_clear()
        paper = case.paper
        started = time.perf_counter()
        check_summary(case.sections, source=paper.source, title=paper.title)
        grounding.ground(case.sections, title=paper.title, abstract="", text=paper.text)
        cold.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        grounding.ground(case.sections, title=paper.title, abstract="", text=paper.text)
        warm.append((time.perf_counter() - started) * 1000)
    tokens = [count_tokens(c.paper.text) for c in pdf_cases]
    print(
        f"\nspeed on {len(pdf_cases)} summaries of the 5 real PDFs "
        f"({min(tokens):,} to {max(tokens):,} tokens of text sent):"
    )
    print(
        f"  check + ground, paper new:   median {statistics.median(cold):.0f} ms, "
        f"max {max(cold):.0f} ms"
    )
    print(
        f"  ground, paper indexed:       median {statistics.median(warm):.1f} ms, "
        f"max {max(warm):.1f} ms"
    )
    print(f"  a day of 30 papers:          about {30 * statistics.median(cold) / 1000:.1f} s")


def reference_names(reference: planted.Reference, sample: int) -> None:
    per_summary, kinds, names = [], Counter[str](), []
    for _, sections in reference:
        found = find_names(" ".join(text for _, text in sections))
        per_summary.append(len(found))
        kinds.update("glossary rendering" if n.english else "Latin" for n in found)
        names += [n.text for n in found]
    print(
        f"\nnames in the predecessor's {len(reference):,} summaries: "
        f"{statistics.mean(per_summary):.2f} per summary (median "
        f"{statistics.median(per_summary):g}), {kinds['Latin']:,} Latin, "
        f"{kinds['glossary rendering']:,} glossary renderings; "
        f"{sum(1 for n in per_summary if n == 0)} summaries name nothing"
    )
    shown = random.Random(7).sample(names, min(sample, len(names)))
    print(f"a sample to eyeball for ordinary words: {json.dumps(shown, ensure_ascii=False)}")


if __name__ == "__main__":
    main()
