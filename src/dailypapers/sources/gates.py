"""Quality gates: is a converted text (Hugging Face Markdown, arXiv HTML) the paper, whole
and readable? Pure functions of the text, the title and the abstract.

Each gate measures one number and compares it with a threshold tuned on real papers (see the
tests): a text that fails one is refused with the gate's name and the measured value, and the
next source is tried.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

#: Fewer words than this is a blank page, whatever else is on it.
MIN_WORDS = 50
#: A full paper: at least this many words, and this many times its title and abstract. Hugging
#: Face's fallback page (title and abstract) and arXiv's "no HTML" page are far below both.
MIN_PAPER_WORDS = 1000
MIN_ABSTRACT_MULTIPLE = 3.0
#: The share of the title's and abstract's distinct content words found in the text's first
#: ``HEAD_WORDS`` words. On five real papers: 100% for the paper itself (50-86% even with its
#: abstract left out), 23-49% for another paper of the same field, 0-1% for a checklist.
MIN_OVERLAP = 0.65
HEAD_WORDS = 2000
#: Conversion errors and raw LaTeX commands per 1,000 words: a few are tolerated (one
#: unsupported macro), more mean the conversion failed.
MAX_ERRORS_PER_1000 = 5.0

WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]+")
#: What a failed LaTeXML conversion leaves in the text (our converter writes the first).
ERROR_MARKERS = re.compile(
    r"\[LaTeXML error[^\]]*\]|ltx_ERROR|unsupported package|undefined macro", re.IGNORECASE
)
#: LaTeX that never belongs in a converted page, even in formulas.
RAW_LATEX = re.compile(
    r"\\(?:begin|end|section\*?|subsection\*?|cite[pt]?|ref|label|usepackage|documentclass|"
    r"includegraphics|textbf|textit|emph|footnote|caption|bibliography|maketitle)\s*[\{\[]"
)
#: Words too common in papers to tell one from another.
COMMON_WORDS = (
    "about above across after again also among and another are based been being between both "
    "can could does each even from further have having here into its many more most much must "
    "only other over same should show shows such than that the their them then there these "
    "they this those through thus under using very was were what when where which while will "
    "with within without would our ours your paper propose proposed present presents approach "
    "method methods new novel results work "
)
STOPWORDS = frozenset(COMMON_WORDS.split())


@dataclass(frozen=True)
class Gate:
    """One gate's verdict: its name, whether the text passed, and what was measured."""

    name: str
    passed: bool
    measured: str

    def refusal(self) -> str:
        return f"{self.name}: {self.measured}"


@dataclass(frozen=True)
class Verdict:
    """The gates passed, in order, and the first one failed (None: the text is accepted)."""

    passed: tuple[str, ...]
    failed: Gate | None


def words(text: str) -> list[str]:
    return WORD.findall(text)


def content_words(text: str) -> set[str]:
    """Distinct lowercase words of four letters or more, stop words left out."""
    return {w.lower() for w in words(text) if len(w) >= 4 and w.lower() not in STOPWORDS}


def not_blank(text: str) -> Gate:
    count = len(words(text))
    return Gate("not-blank", count >= MIN_WORDS, f"{count} words, {MIN_WORDS} needed")


def clean_conversion(text: str) -> Gate:
    count = max(len(words(text)), 1)
    errors = len(ERROR_MARKERS.findall(text)) + len(RAW_LATEX.findall(text))
    rate = errors * 1000 / count
    return Gate(
        "clean-conversion",
        rate <= MAX_ERRORS_PER_1000,
        f"{errors} conversion errors or raw LaTeX commands, {rate:.1f} per 1,000 words, "
        f"at most {MAX_ERRORS_PER_1000:g} allowed",
    )


def about_this_paper(title: str, abstract: str, text: str) -> Gate:
    wanted = content_words(f"{title} {abstract}")
    if not wanted:
        return Gate("about-this-paper", True, "no title or abstract to compare")
    head = content_words(" ".join(words(text)[:HEAD_WORDS]))
    share = len(wanted & head) / len(wanted)
    return Gate(
        "about-this-paper",
        share >= MIN_OVERLAP,
        f"{share:.0%} of the title's and abstract's words in its beginning, "
        f"{MIN_OVERLAP:.0%} needed",
    )


def full_length(title: str, abstract: str, text: str) -> Gate:
    count = len(words(text))
    needed = max(MIN_PAPER_WORDS, round(MIN_ABSTRACT_MULTIPLE * len(words(f"{title} {abstract}"))))
    return Gate("full-length", count >= needed, f"{count:,} words, {needed:,} needed")


def judge(title: str, abstract: str, text: str) -> Verdict:
    """Run every gate in order; stop at the first the text fails."""
    passed: list[str] = []
    checks: tuple[Callable[[], Gate], ...] = (
        lambda: not_blank(text),
        lambda: clean_conversion(text),
        lambda: about_this_paper(title, abstract, text),
        lambda: full_length(title, abstract, text),
    )
    for check in checks:
        verdict = check()
        if not verdict.passed:
            return Verdict(tuple(passed), verdict)
        passed.append(verdict.name)
    return Verdict(tuple(passed), None)
