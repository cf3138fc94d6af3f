"""Topics: named lists of terms a site build turns into feeds of their own (``feeds/NAME.xml``).

A term matches a paper the way a followed keyword does in the browser (``assets/prefs.js``):
case-insensitively, as a part of its title, its Hugging Face keywords or its summary, with the
spaces between Hangul syllables ignored, so ``강화학습`` matches ``강화 학습``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from dailypapers.digest.views import PaperView, PeriodView
from dailypapers.errors import UsageError

NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
HANGUL_SPACE = re.compile(r"(?<=[가-힣])\s+(?=[가-힣])")


@dataclass(frozen=True)
class Topic:
    name: str
    terms: tuple[str, ...]

    @property
    def path(self) -> str:
        return f"feeds/{self.name}.xml"

    def matches(self, paper: PaperView) -> bool:
        text = fold(paper_text(paper))
        return any(term in text for term in self.terms)


def parse_topic(spec: str) -> Topic:
    """``NAME=term,term`` as ``--topic`` takes it; a UsageError saying what is wrong."""
    name, sep, rest = spec.partition("=")
    name = name.strip()
    if not sep:
        raise UsageError(f"--topic {spec!r}: expected NAME=term,term, e.g. rl=강화 학습,reward")
    if NAME.fullmatch(name) is None:
        raise UsageError(
            f"--topic {spec!r}: the name {name!r} must be 1-40 lowercase letters, digits, "
            "'-' or '_', starting with a letter or digit (it names feeds/NAME.xml)"
        )
    terms = tuple(dict.fromkeys(t for part in rest.split(",") if (t := fold(part))))
    if not terms:
        raise UsageError(f"--topic {spec!r}: no terms after '='")
    return Topic(name, terms)


def check_topics(topics: Sequence[Topic]) -> None:
    names = [topic.name for topic in topics]
    if twice := sorted({name for name in names if names.count(name) > 1}):
        raise UsageError(f"--topic {twice[0]!r} is given more than once")


def fold(text: str) -> str:
    """``text`` as terms are compared: NFC, lower case, no spaces between Hangul syllables."""
    return HANGUL_SPACE.sub("", unicodedata.normalize("NFC", text).lower().strip())


def paper_text(paper: PaperView) -> str:
    parts = [paper.title, *paper.keywords, *(section.text for section in paper.sections)]
    if paper.verbatim:
        parts.append(paper.verbatim)
    return " | ".join(parts)  # not a space: words of two parts never join


def topic_view(view: PeriodView, topic: Topic) -> PeriodView | None:
    """The papers of ``view`` on ``topic``, or None when it has none."""
    papers = tuple(paper for paper in view.papers if topic.matches(paper))
    return PeriodView(view.period, papers, view.lang) if papers else None
