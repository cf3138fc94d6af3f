"""Fit a paper's text into a token budget, keeping the parts a summary needs.

Headings are found in the extracted text; sections are then kept by priority — introduction,
method, experiments, conclusion first; references and appendices dropped first — and written
back in the paper's own order. Tokens are counted offline with the ``o200k_base`` vocabulary
(the one GPT-4o uses): see ``dailypapers.summarize.tokens``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from dailypapers.models import Paper, PaperText
from dailypapers.summarize.tokens import count_tokens, truncate_tokens

__all__ = [
    "count_tokens",
    "fit_markdown",
    "fit_text",
    "shrink_text",
    "split_markdown",
    "split_sections",
    "truncate_tokens",
]

#: The smallest text budget a paper is shrunk to when the model's context is smaller.
MIN_BUDGET = 500
CONTEXT_NUMBERS = re.compile(r"(\d[\d,]*) tokens")

PRIORITY = {
    "abstract": 0,
    "introduction": 1,
    "method": 2,
    "experiments": 3,
    "conclusion": 4,
    "discussion": 5,
    "other": 6,
    "background": 7,
    "related": 8,
    "front": 9,
    "acknowledgments": 10,
    "appendix": 11,
    "references": 12,
}
#: Never sent: they cost tokens and tell a summary nothing.
NEVER_SENT = frozenset({"references", "acknowledgments"})
KIND_WORDS = (
    ("abstract", ("abstract",)),
    ("references", ("reference", "bibliograph")),
    ("acknowledgments", ("acknowledg",)),
    ("appendix", ("appendix", "appendices", "supplementary")),
    ("introduction", ("introduction",)),
    ("related", ("related work", "prior work", "literature")),
    ("conclusion", ("conclusion", "concluding", "summary and")),
    ("discussion", ("discussion", "limitation", "future work", "broader impact", "ethic")),
    (
        "experiments",
        (
            "experiment",
            "evaluation",
            "result",
            "benchmark",
            "ablation",
            "empirical",
            "analysis",
            "comparison",
        ),
    ),
    ("background", ("background", "preliminar", "problem formulation", "problem setting")),
    (
        "method",
        (
            "method",
            "approach",
            "model",
            "architecture",
            "framework",
            "algorithm",
            "training",
            "dataset",
            "data",
            "design",
            "proposed",
            "our ",
        ),
    ),
)
UNNUMBERED = re.compile(
    r"^(abstract|introduction|related work|background|conclusions?|discussion|limitations|"
    r"references|bibliography|acknowledge?ments?|appendix|appendices|supplementary material)$",
    re.IGNORECASE,
)
NUMBERED = re.compile(r"^(?P<num>\d{1,2})\.?\s+(?P<name>[A-Z][^\n]{1,70})$")
SUBNUMBERED = re.compile(r"^\d{1,2}\.\d{1,2}(\.\d{1,2})?\.?\s+[A-Z]")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
ROMAN_HEADING = re.compile(r"^(?P<num>[IVX]{1,4})\.\s+(?P<name>[A-Z][^\n]{1,70})$")
MD_HEADING = re.compile(r"^(#{1,6})\s+(\S.*?)\s*#*\s*$")
#: "Appendix C ...", "Appendix: ...": an appendix by its name ("A Proofs" could be "A Simple
#: Baseline", so a lone letter says nothing; after the references it is an appendix anyway).
APPENDIX_NUMBER = re.compile(r"^(?:appendix|appendices)\b", re.IGNORECASE)
LETTERED = re.compile(r"^(?P<num>[A-Z])\.?\s+(?P<name>[A-Z][^\n]{1,70})$")


@dataclass(frozen=True)
class TextSection:
    name: str
    kind: str
    text: str


@dataclass(frozen=True)
class FittedText:
    text: str
    tokens: int
    kept: tuple[str, ...]
    dropped: tuple[str, ...]
    truncated: bool


def classify(name: str) -> str:
    lowered = name.lower()
    for kind, words in KIND_WORDS:
        if any(word in lowered for word in words):
            return kind
    return "other"


def _looks_like_title(name: str) -> bool:
    words = name.split()
    return (
        len(words) <= 10
        and not name.rstrip().endswith((".", ",", ";", ":"))
        and ". " not in name
        and sum(w[0].isupper() for w in words if w[0].isalpha()) >= max(1, len(words) // 2)
    )


class _HeadingFinder:
    """Finds top-level headings; numbers must follow each other, which rules out most noise."""

    def __init__(self) -> None:
        self.number = 0
        self.roman = 0
        self.letter = -1
        self.after_references = False

    def match(self, line: str) -> str | None:
        line = line.strip()
        if not line or len(line) > 80 or SUBNUMBERED.match(line):
            return None
        if UNNUMBERED.match(line):
            if classify(line) == "references":
                self.after_references = True
            return line
        for pattern, check in (
            (NUMBERED, self._arabic),
            (ROMAN_HEADING, self._roman),
            (LETTERED, self._letter),
        ):
            found = pattern.match(line)
            if found and _looks_like_title(found.group("name")) and check(found.group("num")):
                return line
        return None

    def _arabic(self, num: str) -> bool:
        if int(num) != self.number + 1:
            return False
        self.number += 1
        return True

    def _roman(self, num: str) -> bool:
        if self.roman >= len(ROMAN) or num != ROMAN[self.roman]:
            return False
        self.roman += 1
        return True

    def _letter(self, num: str) -> bool:
        if not self.after_references or ord(num) - ord("A") != self.letter + 1:
            return False
        self.letter += 1
        return True


def split_sections(text: str) -> list[TextSection]:
    """The paper's top-level sections, in order; text before the first heading is "front"."""
    finder = _HeadingFinder()
    sections: list[TextSection] = []
    name, kind, lines = "front matter", "front", []
    for line in text.split("\n"):
        heading = finder.match(line)
        if heading is None:
            lines.append(line)
            continue
        sections.append(TextSection(name, kind, "\n".join(lines).strip()))
        name, lines = heading, [line]
        kind = (
            "appendix"
            if finder.after_references and classify(heading) != "references"
            else classify(heading)
        )
    sections.append(TextSection(name, kind, "\n".join(lines).strip()))
    found = [s for s in sections if s.text]
    if len(found) == 1 and found[0].kind == "front":
        return [TextSection("full text", "other", found[0].text)]
    return found


def split_markdown(text: str) -> list[TextSection]:
    """A Markdown paper's top-level sections by its own ``#`` headings, in order.

    The top level is the shallowest heading level used more than once (a lone ``#`` is the
    title); deeper headings stay inside their section. Text before the first top heading is
    "front"; sections after the references are appendices. Without headings the text is one
    section, as ``split_sections`` makes it.
    """
    lines = text.split("\n")
    levels = [len(m.group(1)) for line in lines if (m := MD_HEADING.match(line))]
    counts = {level: levels.count(level) for level in set(levels)}
    top = min((lv for lv, n in counts.items() if n > 1), default=min(counts, default=0))
    sections: list[TextSection] = []
    name, kind, body, after_references = "front matter", "front", [], False
    for line in lines:
        found = MD_HEADING.match(line)
        if found is None or len(found.group(1)) != top:
            body.append(line)
            continue
        sections.append(TextSection(name, kind, "\n".join(body).strip()))
        name, body = found.group(2).strip(), [line]
        kind = classify(name)
        if kind == "references":
            after_references = True
        elif after_references or APPENDIX_NUMBER.match(name):
            kind = "appendix"
    sections.append(TextSection(name, kind, "\n".join(body).strip()))
    found_sections = [s for s in sections if s.text]
    if len(found_sections) == 1 and found_sections[0].kind == "front":
        return [TextSection("full text", "other", found_sections[0].text)]
    return found_sections


def fit_text(title: str, abstract: str, body: str, budget: int) -> FittedText:
    """``fit_sections`` of a PDF's text, its sections found by numbered headings."""
    return fit_sections(title, abstract, split_sections(body) if body else [], budget)


def fit_markdown(title: str, abstract: str, markdown: str, budget: int) -> FittedText:
    """``fit_sections`` of a Markdown text (Hugging Face's, or arXiv's HTML converted), its
    sections found by its own headings."""
    return fit_sections(title, abstract, split_markdown(markdown) if markdown else [], budget)


def fit_sections(title: str, abstract: str, sections: list[TextSection], budget: int) -> FittedText:
    """Abstract first, then whole sections by priority until the budget is spent.

    References and acknowledgments are never sent; the front matter and the PDF's own
    abstract are left out when the API gave the abstract. The first section that no longer
    fits whole is cut at a token boundary and filling stops there; kept sections are written
    in the paper's order.
    """
    head = f"Abstract: {abstract}" if abstract else ""
    room = budget - count_tokens(title) - count_tokens(head) - 8
    if room <= 0:
        text = truncate_tokens(head, max(budget - count_tokens(title) - 8, 0))
        dropped = tuple(s.name for s in sections)
        return FittedText(text, count_tokens(text), (), dropped, True)
    duplicates = {"front", "abstract"} if abstract else set()
    wanted = [i for i, s in enumerate(sections) if s.kind not in NEVER_SENT | duplicates]
    chosen: dict[int, str] = {}
    truncated = False
    ranked = sorted(wanted, key=lambda i: (PRIORITY[sections[i].kind], i))
    for index in ranked:
        cost = count_tokens(sections[index].text) + 2
        if cost <= room:
            chosen[index], room = sections[index].text, room - cost
        else:
            if room > 100:
                chosen[index] = truncate_tokens(sections[index].text, room - 2)
            truncated = True
            break
    parts = [head] + [chosen[i] for i in sorted(chosen)]
    text = "\n\n".join(p for p in parts if p)
    if count_tokens(text) > budget - count_tokens(title):
        text = truncate_tokens(text, budget - count_tokens(title))
    kept = tuple(sections[i].name for i in sorted(chosen))
    dropped = tuple(s.name for i, s in enumerate(sections) if i not in chosen)
    return FittedText(text, count_tokens(text), kept, dropped, truncated)


def shrink_text(paper: Paper, text: PaperText, message: str) -> PaperText | None:
    """The paper's text fitted into a budget small enough for the model, if there is one."""
    if text.source != "pdf" or not text.full_text:
        return None
    budget = smaller_budget(message, text.tokens)
    if budget < MIN_BUDGET:
        return None
    fitted = fit_text(paper.title, paper.abstract, text.full_text, budget)
    return replace(text, text=fitted.text, tokens=fitted.tokens, dropped_sections=fitted.dropped)


def smaller_budget(message: str, current: int) -> int:
    """From 'maximum context length is N tokens ... requested M tokens', else half."""
    numbers = [int(n.replace(",", "")) for n in CONTEXT_NUMBERS.findall(message)]
    half = current // 2
    if len(numbers) >= 2 and numbers[1] > numbers[0]:
        overflow = numbers[1] - numbers[0]
        return min(int((current - overflow) * 0.9), int(current * 0.9))
    return half
