"""Evidence for every claim: each number and name of a summary, traced to the sentence (or
table row) of the paper that states it, with the heading of the section it sits under.

The paper is what the summarizer was given: its title, its abstract and the text that was sent
(Markdown with ``#`` headings, or a PDF's text with numbered headings). When a claim occurs in
several places, the sentence sharing the most words and numbers with the summary's sentence is
kept, the earliest on a tie.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from dailypapers.evidence import ClaimKind, Evidence, Grounding
from dailypapers.models import section_name
from dailypapers.summarize.budget import MD_HEADING, NUMBERED, ROMAN_HEADING, UNNUMBERED
from dailypapers.summarize.checks import (
    NUMBER,
    NUMBER_WORD,
    WORDS,
    Number,
    find_numbers,
    number_of,
    readings,
    sentences_of,
)
from dailypapers.summarize.names import Span, find_names, locate, source_index

#: Characters of a paper's sentence kept around the claim, for display.
MAX_SENTENCE = 300
SUBHEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2}){1,2}\.?\s+[A-Z][^\n]{1,70}$")
SENTENCE_STOP = re.compile(r"[.!?](?=\s)")
WORD = re.compile(r"[a-z][a-z0-9-]{2,}|\d+(?:\.\d+)?")


@dataclass(frozen=True)
class _Paper:
    """A paper's text as one string, with where its parts and headings start."""

    text: str
    abstract_start: int
    body_start: int
    #: Start of each heading line in the body, and its text; in order.
    heading_starts: list[int]
    headings: list[str]
    #: Each value a number of the paper may stand for -> where such numbers are.
    numbers: dict[float, list[Span]]


def ground(
    parts: Sequence[tuple[str, str]], *, title: str, abstract: str, text: str, lang: str = "ko"
) -> Grounding:
    """Every number (as the number check reads them: small counts left out) and every name of
    the summary's ``parts`` (section label or key, text), with the paper's sentence for each."""
    paper = _paper(title, abstract, text)
    index = source_index(paper.text)
    evidence: dict[tuple[ClaimKind, str, str], Evidence] = {}
    for label, body in parts:
        part = section_name(label)
        for sentence in sentences_of(body):
            for number in find_numbers(sentence):
                if number.trivial or ("number", number.text, part) in evidence:
                    continue
                spans = _number_spans(number, paper)
                evidence["number", number.text, part] = _evidence(
                    "number", number.text, part, spans, sentence, paper
                )
            for name in find_names(sentence, lang):
                if ("name", name.text, part) not in evidence:
                    spans = locate(name, index)
                    evidence["name", name.text, part] = _evidence(
                        "name", name.text, part, spans, sentence, paper
                    )
    return Grounding(tuple(evidence.values()))


def _evidence(
    kind: ClaimKind, claim: str, part: str, spans: list[Span], sentence: str, paper: _Paper
) -> Evidence:
    if not spans:
        return Evidence(kind, claim, part)
    wanted = set(WORD.findall(sentence.lower()))
    best, best_unit, best_score = spans[0], _unit(paper, spans[0]), -1
    for span in spans:
        unit = _unit(paper, span)
        score = len(wanted & set(WORD.findall(paper.text[unit[0] : unit[1]].lower())))
        if score > best_score:
            best, best_unit, best_score = span, unit, score
    surface = paper.text[best[0] : best[1]]
    matched = None if "".join(surface.split()) == "".join(claim.split()) else surface
    shown = _shown(paper.text, best_unit, best)
    return Evidence(kind, claim, part, shown, _where(paper, best[0]), matched)


def _number_spans(number: Number, paper: _Paper) -> list[Span]:
    found: list[Span] = []
    for value in readings(number):
        found += paper.numbers.get(value, ())
    return sorted(set(found))


def _unit(paper: _Paper, span: Span) -> Span:
    """The sentence around ``span``, within the title, the abstract or the body; a Markdown
    table row, or a PDF line of figures, alone."""
    text = paper.text
    low, high = _part_bounds(paper, span[0])
    line_start = max(text.rfind("\n", low, span[0]) + 1, low)
    line_end = text.find("\n", span[1], high)
    line_end = high if line_end < 0 else line_end
    line = text[line_start:line_end]
    if line.lstrip().startswith("|"):
        return line_start, line_end
    para_start = text.rfind("\n\n", low, span[0])
    para_start = low if para_start < 0 else para_start + 2
    para_end = text.find("\n\n", span[1], high)
    para_end = high if para_end < 0 else para_end
    stops = [m.end() for m in SENTENCE_STOP.finditer(text, para_start, span[0])]
    start = stops[-1] if stops else para_start
    after = SENTENCE_STOP.search(text, span[1], para_end)
    end = after.end() if after else para_end
    if text.count("\n", start, end) > 3 and len(NUMBER.findall(line)) >= 2:
        return line_start, line_end  # a row of a table the PDF gave as lines
    return start, end


def _part_bounds(paper: _Paper, at: int) -> Span:
    if at < paper.abstract_start:
        return 0, paper.abstract_start - 1
    if at < paper.body_start:
        return paper.abstract_start, paper.body_start - 1
    return paper.body_start, len(paper.text)


def _shown(text: str, unit: Span, span: Span) -> str:
    """The unit in one line, cut to ``MAX_SENTENCE`` characters around the claim."""
    start, end = unit
    if end - start > MAX_SENTENCE:
        middle = (span[0] + span[1]) // 2
        start = max(start, min(middle - MAX_SENTENCE // 2, end - MAX_SENTENCE))
        end = min(end, start + MAX_SENTENCE)
    shown = " ".join(text[start:end].split())
    head = "…" if start > unit[0] else ""
    tail = "…" if end < unit[1] else ""
    return f"{head}{shown}{tail}"


def _where(paper: _Paper, at: int) -> str | None:
    if at < paper.abstract_start:
        return "Title"
    if at < paper.body_start:
        return "Abstract"
    found = bisect_right(paper.heading_starts, at) - 1
    if found >= 0:
        return paper.headings[found]
    if paper.text.startswith("Abstract:", paper.body_start):
        return "Abstract"  # the fitted text starts with the abstract
    return None


@lru_cache(maxsize=8)
def _paper(title: str, abstract: str, body: str) -> _Paper:
    text = f"{title}\n{abstract}\n{body}"
    abstract_start = len(title) + 1
    body_start = abstract_start + len(abstract) + 1
    starts, headings = [], []
    at = body_start
    for line in body.split("\n"):
        if heading := _heading(line):
            starts.append(at)
            headings.append(heading)
        at += len(line) + 1
    return _Paper(text, abstract_start, body_start, starts, headings, _numbers(text))


def _heading(line: str) -> str | None:
    """The heading a line is, if it is one: ``# 4 Results``, ``4 Results``, ``4.2 Data``."""
    line = line.strip()
    if not line or len(line) > 80:
        return None
    if found := MD_HEADING.match(line):
        return found.group(2).strip()
    if UNNUMBERED.match(line) or SUBHEADING.match(line):
        return line
    found = NUMBERED.match(line) or ROMAN_HEADING.match(line)
    if found and _title_like(found.group("name")):
        return line
    return None


def _title_like(name: str) -> bool:
    words = name.split()
    capitalised = sum(word[0].isupper() for word in words if word[0].isalpha())
    return len(words) <= 10 and not name.endswith((".", ",", ";", ":")) and capitalised >= 1


def _numbers(text: str) -> dict[float, list[Span]]:
    found: dict[float, list[Span]] = {}
    for match in NUMBER.finditer(text):
        for value in readings(number_of(match)):
            found.setdefault(value, []).append(match.span())
    for match in NUMBER_WORD.finditer(text):
        found.setdefault(float(WORDS[match.group().lower()]), []).append(match.span())
    return found
