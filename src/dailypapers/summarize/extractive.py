"""The built-in summarizer for when no LLM is configured: the paper's own best sentences.

Each section gets the sentences that score highest for it: novelty claims for What's New,
method sentences for Technical Details, numbers and comparisons for Performance Highlights.
Pure, deterministic and fast; the sentences stay in English, exactly as the paper has them.
``ExtractiveSummarizer`` puts this picker behind the summarizer protocol.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dailypapers.models import (
    EXTRACTIVE_MODEL,
    SECTION_KEYS,
    SECTION_LABELS,
    Paper,
    PaperText,
    Section,
    Summary,
)
from dailypapers.ratelimit import RateLimiter
from dailypapers.summarize.outcome import SummaryOutcome, TokenEstimate

EXTRACTIVE_VERSION = "extractive-v1"

NOVELTY = (
    (r"\bwe (propose|introduce|present)\b", 4.0),
    (r"\b(this|our) (paper|work)\b", 1.5),
    (r"\bin this (paper|work)\b", 2.0),
    (r"\bnovel\b", 2.0),
    (r"\b(first|new)\b", 1.0),
    (r"\bcontribution", 1.5),
    (r"\b(to address|to tackle|we show)\b", 1.0),
)
METHOD = (
    (r"\b(consists? of|composed of|comprises?)\b", 2.0),
    (r"\b(architecture|framework|module|encoder|decoder|pipeline|mechanism)\b", 1.5),
    (r"\bwe (train|use|employ|design|adopt|leverage|apply|fine-tune)\b", 2.5),
    (r"\b(loss|objective|training|trained|optimi[sz]\w*)\b", 1.0),
    (r"\b(based on|built on|dataset of|by (using|combining))\b", 1.5),
    (r"\b(method|approach|algorithm|model)\b", 0.5),
)
RESULTS = (
    (r"\d+(\.\d+)?\s?%", 2.5),
    (r"\d+(\.\d+)?\s?(x|×)\b|\b\d+(\.\d+)?-fold", 2.5),
    (r"\b(outperform\w*|surpass\w*|improv\w*|beat\w*|exceed\w*)\b", 2.5),
    (r"\bstate[- ]of[- ]the[- ]art\b|\bsota\b", 2.0),
    (r"\b(achiev\w*|results?|accuracy|bleu|rouge|f1|score|speed-?up|faster)\b", 1.0),
    (r"\b(compared (to|with)|than|baselines?)\b", 1.0),
    (r"\d+\.\d+", 1.0),
)
SECTION_RULES = dict(zip(SECTION_KEYS, (NOVELTY, METHOD, RESULTS), strict=True))
#: Which part of the paper each section prefers (bonus added to a sentence's score).
PART_BONUS = {
    "What's New": {"abstract": 1.5, "introduction": 1.0, "conclusion": 0.5},
    "Technical Details": {"abstract": 0.5, "method": 1.5},
    "Performance Highlights": {"abstract": 0.5, "experiments": 1.5, "conclusion": 1.0},
}
PLACEHOLDERS = {
    "What's New": "No sentence stating the paper's contribution was found in the available text.",
    "Technical Details": "No sentence describing the method was found in the available text.",
    "Performance Highlights": "No sentence about results was found in the available text.",
}
ABBREVIATIONS = (
    "e.g.",
    "i.e.",
    "et al.",
    "Fig.",
    "Figs.",
    "Eq.",
    "Eqs.",
    "vs.",
    "cf.",
    "Sec.",
    "Tab.",
    "No.",
    "resp.",
    "approx.",
    "etc.",
)
HEADING = re.compile(
    r"^(\d{1,2}(\.\d{1,2})*\.?|[IVX]{1,4}\.|[A-Z]\.?)?\s*([A-Z][A-Za-z &-]{2,50})$"
)
PART_WORDS = (
    ("introduction", "introduction"),
    ("method", "method|approach|model|architecture|framework"),
    ("experiments", "experiment|evaluation|result|benchmark"),
    ("conclusion", "conclusion|discussion"),
    ("references", "reference|bibliography|appendix|acknowledg"),
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[])")
PROTECT = "\u0000"


@dataclass(frozen=True)
class Sentence:
    text: str
    part: str
    order: int


def split_sentences(text: str) -> list[str]:
    """Sentences of paper text, without fragments, captions, table rows or references."""
    joined = re.sub(r"-\n(?=[a-z])", "", text)
    joined = " ".join(joined.split())
    for abbreviation in ABBREVIATIONS:
        joined = joined.replace(abbreviation, abbreviation.replace(".", PROTECT))
    joined = re.sub(r"\b([A-Z])\.(?= [A-Z])", rf"\1{PROTECT}", joined)  # initials
    pieces = SENTENCE_END.split(joined)
    return [p.replace(PROTECT, ".").strip() for p in pieces if _is_prose(p.replace(PROTECT, "."))]


def _is_prose(sentence: str) -> bool:
    sentence = sentence.strip()
    if not 30 <= len(sentence) <= 400:
        return False
    letters = sum(c.isalpha() for c in sentence)
    if letters < 0.6 * len(sentence.replace(" ", "")):
        return False
    if re.match(r"^(Figure|Fig\.|Table|Algorithm)\s*\d+[:.]", sentence):
        return False
    if re.search(r"https?://\S+$", sentence) and len(sentence.split()) < 6:
        return False
    return len(sentence.split()) >= 5


def _sentences(abstract: str, body: str) -> list[Sentence]:
    found = [Sentence(s, "abstract", i) for i, s in enumerate(split_sentences(abstract))]
    part, block = "front", list[str]()
    for line in body.split("\n"):
        heading = HEADING.match(line.strip())
        if heading:
            found += _block(block, part, len(found))
            block, part = [], _part_of(heading.group(3), part)
        else:
            block.append(line)
    found += _block(block, part, len(found))
    return [s for s in found if s.part != "references"]


def _block(lines: list[str], part: str, start: int) -> list[Sentence]:
    return [Sentence(s, part, start + i) for i, s in enumerate(split_sentences("\n".join(lines)))]


def _part_of(heading: str, current: str) -> str:
    lowered = heading.lower()
    for part, words in PART_WORDS:
        if re.search(words, lowered):
            return part
    return "references" if current == "references" else "other"


def short_name(title: str) -> str | None:
    """The name a paper gives its method, as in "PaSa: An LLM Agent for ..." -> "PaSa"."""
    head = title.split(":", 1)[0].strip() if ":" in title else ""
    return head if 1 <= len(head.split()) <= 3 and len(head) <= 30 else None


def _score(sentence: Sentence, key: str, name: str | None) -> float:
    lowered = sentence.text.lower()
    score = sum(weight for pattern, weight in SECTION_RULES[key] if re.search(pattern, lowered))
    if score == 0:
        return 0.0
    score += PART_BONUS[key].get(sentence.part, 0.0)
    if key == "What's New" and name and name in sentence.text:
        score += 1.5
    score -= 0.5 if len(sentence.text) > 300 else 0.0
    return score


def summarize_extractive(
    title: str, abstract: str, body: str, *, per_section: int = 2
) -> dict[str, str]:
    """The three sections, each the best ``per_section`` sentences in the paper's order.

    A sentence naming the paper's method (the part of the title before a colon) is preferred
    for What's New.
    """
    name = short_name(title)
    sentences = _sentences(abstract, body)
    used: set[int] = set()
    result: dict[str, str] = {}
    for key in SECTION_KEYS:
        ranked = sorted(
            ((s, _score(s, key, name)) for s in sentences if s.order not in used),
            key=lambda pair: (-pair[1], pair[0].order),
        )
        best = _pick(ranked, per_section)
        if not best:
            best = _first_unused_abstract_sentence(sentences, used)
        used.update(s.order for s in best)
        result[key] = (
            " ".join(s.text for s in sorted(best, key=lambda s: s.order)) or PLACEHOLDERS[key]
        )
    return result


def _pick(ranked: list[tuple[Sentence, float]], count: int) -> list[Sentence]:
    """The top-scoring sentences, skipping near-repeats of one already picked."""
    picked: list[Sentence] = []
    for sentence, score in ranked:
        if len(picked) == count or score <= 0:
            break
        if not any(_similar(sentence.text, other.text) for other in picked):
            picked.append(sentence)
    return picked


def _similar(a: str, b: str) -> bool:
    words_a, words_b = set(a.lower().split()), set(b.lower().split())
    return len(words_a & words_b) > 0.6 * min(len(words_a), len(words_b))


def _first_unused_abstract_sentence(sentences: list[Sentence], used: set[int]) -> list[Sentence]:
    """With no sentence scoring for a section, the first unused abstract sentence will do."""
    spare = [s for s in sentences if s.order not in used and s.part == "abstract"]
    return spare[:1]


class ExtractiveSummarizer:
    """Fills the three sections with the paper's own sentences; free, offline, in English."""

    model = EXTRACTIVE_MODEL
    prompt_version = EXTRACTIVE_VERSION
    limiter: RateLimiter | None = None

    def summarize(self, paper: Paper, text: PaperText) -> SummaryOutcome:
        body = text.full_text if text.source == "pdf" else ""
        chosen = summarize_extractive(paper.title, paper.abstract, body)
        sections = tuple(
            Section(label, chosen[key])
            for label, key in zip(SECTION_LABELS, SECTION_KEYS, strict=True)
        )
        summary = Summary(sections, "extractive", self.model, self.prompt_version, text.source)
        return SummaryOutcome(summary)

    def estimate(self, paper: Paper, text: PaperText) -> TokenEstimate:
        """No LLM, no tokens."""
        return TokenEstimate(0, 0)

    def check(self) -> None:
        """Nothing to reach: it works offline."""
        return None

    def stop(self) -> None:
        """Each paper takes milliseconds and costs nothing: there is nothing to hold back."""
        return None

    def close(self) -> None:
        return None
