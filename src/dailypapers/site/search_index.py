"""The site's search index: every published paper, small enough to load in a browser.

Search matches each query word as a substring, so a Korean fragment finds the word it is part
of (``강화`` finds ``강화학습을``). A substring search needs no stemming, and it lets the index
drop every word of a summary that is contained in a longer word of the same summary:
``모델`` adds nothing when ``모델을`` is kept. Titles and authors are kept whole, for display.

The index is a script (``window.DAILYPAPERS_INDEX = {...}``), not JSON, because a page opened
from ``file://`` may load a script but not fetch a file.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence

from dailypapers.digest.views import PaperView, PeriodView

WORD = re.compile(r"\w(?:[\w.\-+/]*\w)?")
#: Marks the boundary between words in a compacted text; never typed in a query.
SEPARATOR = "\u00b7"
#: Words of Korean prose that say nothing about a paper's subject: connectives, particles
#: with their noun, and the verbs every summary ends with. They are left out of the index,
#: and the browser ignores them in a query. Subject words ("모델", "추론") are never here.
STOP_WORDS = frozenset(
    """
    통해 및 특히 이는 위해 위한 또한 있는 있습니다 있으며 있도록 있음을 있어 있게 이를 같은 더
    이러한 각 두 세 수 등 등의 약 본 때 잘 가지 여러 모든 가장 더욱 다른 대한 대해 비해 대비 따라
    그리고 예를 들어 경우 것을 보다 통한 없이 바탕으로 기반으로 사용하여 활용하여 도입하여
    결합하여 통합하여 포함하여 사용하는 사용합니다 제안합니다 제공합니다 소개합니다 제시합니다
    보였습니다 보였으며 보이며 보입니다 보여줍니다 보여주며 보여주었습니다 기록했습니다 기록하며
    달성했습니다 입증했습니다 평가합니다 지원합니다 시사합니다 유지합니다 나타냅니다 수행합니다
    포함합니다 설계되었습니다 구성되어 가능한 가능하게 효과적으로 크게 주요 제안된 유사한 나은
    """.split()  # noqa: SIM905 (a word list reads better as text)
)


def search_index_js(days: Sequence[PeriodView]) -> str:
    """The index of every day's papers, each paper once (its first day), as a script."""
    rows = []
    seen: set[str] = set()
    for view in days:
        for paper in view.papers:
            if paper.arxiv_id in seen:
                continue
            seen.add(paper.arxiv_id)
            rows.append(index_row(paper, view.period.name))
    data = {"fields": FIELDS, "stop": sorted(STOP_WORDS), "papers": rows}
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"window.DAILYPAPERS_INDEX={payload};\n"


FIELDS = ["id", "title", "authors", "date", "votes", "words"]


def index_row(paper: PaperView, date: str) -> list[str | int]:
    authors = ", ".join(paper.authors)
    shown = normalize(f"{paper.title} {authors}")
    texts = [section.text for section in paper.sections] + [paper.verbatim or ""]
    words = compact_words(texts, shown)
    return [paper.arxiv_id, paper.title, authors, date, paper.votes, words]


def compact_words(texts: Iterable[str], shown: str = "") -> str:
    """The distinct words of ``texts`` that a search could need, lower case.

    Left out: words inside a longer kept word or inside ``shown`` (the title and authors,
    which are searched too), stop words, numbers and single characters.
    """
    words = {normalize(word) for text in texts for word in WORD.findall(text)}
    words = {word for word in words if worth_indexing(word)}
    kept: list[str] = []
    joined = shown
    for word in sorted(words, key=lambda w: (-len(w), w)):
        if word not in joined:
            kept.append(word)
            joined += SEPARATOR + word
    return SEPARATOR.join(sorted(kept))


def worth_indexing(word: str) -> bool:
    return len(word) > 1 and word not in STOP_WORDS and not NUMBER.fullmatch(word)


NUMBER = re.compile(r"[\d.,\-+/]+")


def normalize(text: str) -> str:
    """What both the index and the browser compare: NFC, lower case."""
    return unicodedata.normalize("NFC", text).lower()
