"""The site's search index, split so that a query loads only what it needs.

Papers are grouped in segments by year, but the latest day's month is a segment of its own
and so are its days of the latest week (each paper once, on its first day, numbered in date
order inside its segment), so a new day rebuilds a few days of the index. A segment
(``2023``, ``2024-12``, ``2024-12-w49``) is written as:

- ``assets/search/<segment>/k<bucket>.js``: shards of postings, key -> the papers that have
  it (see ``search_terms`` for the keys and their buckets), or ``+<n>`` for a key whose
  postings are long: they are ``b/<n>.js``, loaded only by a query that needs that key;
- ``assets/search/<segment>/d/<n>.js``: one paper (title, authors, date, votes, summary text,
  keywords, organisation), loaded for the results shown and their snippets;
- ``assets/search/<segment>/votes.js``: every paper's votes, loaded to sort by votes.

``assets/search/manifest.js`` names the segments (with a version, so a browser never mixes
two builds) and carries the glossary's English/Korean pairs used as aliases. Every file is
a script that calls ``DailyPapersSearch``, not JSON, because a page opened from ``file://``
may load a script but not fetch a file. A segment whose papers did not change is the same
bytes, so a rebuild leaves its files alone.
"""

from __future__ import annotations

import base64
import datetime
import functools
import hashlib
import json
import operator
from array import array
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat

from dailypapers.digest.views import PaperView, PeriodView
from dailypapers.glossary import KEEP, load_glossary
from dailypapers.site.search_terms import author_keys, bucket, normalize, text_keys

ROOT = "assets/search"
#: About how many bytes of postings a shard file holds; the bucket count follows from it.
SHARD_BYTES = 3_000
#: A key whose postings are longer than this is a file of its own (``b/<n>.js``) and its
#: shard holds ``+<n>``: a query loads the long postings of its own keys, no other's.
OWN_FILE = 1_000
#: A key in more than one paper in this many is written as bitmaps (``encode``).
DENSE = 12
MAX_BUCKETS = 4096


@dataclass(frozen=True)
class Doc:
    arxiv_id: str
    title: str
    authors: tuple[str, ...]
    date: str
    votes: int
    text: str
    keywords: tuple[str, ...]
    organization: str | None

    def row(self) -> list[object]:
        return [
            self.arxiv_id,
            self.title,
            list(self.authors),
            self.date,
            self.votes,
            self.text,
            list(self.keywords),
            self.organization,
        ]


def documents(days: Iterable[PeriodView]) -> list[Doc]:
    """Every paper of ``days`` once, on its first day, in date order."""
    seen: set[str] = set()
    docs = []
    for view in sorted(days, key=lambda v: v.period.name):
        for paper in view.papers:
            if paper.arxiv_id not in seen:
                seen.add(paper.arxiv_id)
                docs.append(document(paper, view.period.name))
    return docs


def document(paper: PaperView, date: str) -> Doc:
    texts = [section.text for section in paper.sections]
    if paper.verbatim:
        texts.append(paper.verbatim)
    return Doc(
        arxiv_id=paper.arxiv_id,
        title=paper.title,
        authors=paper.authors,
        date=date,
        votes=paper.votes,
        text="\n".join(texts),
        keywords=paper.keywords,
        organization=paper.organization,
    )


def segment_of(date: str, latest: str) -> str:
    """The segment of a paper first shown on ``date``: its year, but the latest day's month
    is a segment of its own (``2024-12``) and so are that month's days of the latest day's
    week (``2024-12-w49``): a new day rebuilds a few days of the index, a new week a month
    (its last week joins it), a new month a year. A query loads each segment's shards, so
    there are no more segments than years, one month and one week."""
    if date[:7] != latest[:7]:
        return date[:4]
    week = _iso_week(latest)
    return f"{date[:7]}-w{week[1]:02d}" if _iso_week(date) == week else date[:7]


def _iso_week(date: str) -> tuple[int, int]:
    year, week, _ = datetime.date.fromisoformat(date).isocalendar()
    return year, week


class SegmentIndex:
    """A segment's index, built a month of papers at a time (``add``): each paper's file is
    written as it comes and only its keys are kept, so a year of papers is never in memory
    at once; ``finish`` writes the shards and the long keys' files."""

    def __init__(self, name: str, write: Callable[[str, str], None]) -> None:
        self.name = name
        self.folder = f"{ROOT}/{name}"
        self._write = write
        self.paths: list[str] = []
        self.votes: list[int] = []
        self._digest = hashlib.sha256()
        self._postings: defaultdict[str, array[int]] = defaultdict(_postings)

    def add(self, docs: Iterable[Doc]) -> None:
        """Number the papers after those added before, write their files, keep their keys."""
        for doc in docs:
            n = len(self.votes)
            self.votes.append(doc.votes)
            self._emit(f"{self.folder}/d/{n}.js", call("doc", self.name, n, doc.row()))
            add_postings(self._postings, n, doc)

    def finish(self) -> tuple[list[str], list[object]]:
        """Write the shards, the long keys' files and the votes; returns every file's path and
        the segment's line of the manifest (name, papers, buckets, version)."""
        postings, self._postings = self._postings, defaultdict(_postings)
        papers = len(self.votes)
        inline: dict[str, str] = {}
        long = 0
        for key in sorted(postings):
            encoded = encode(postings.pop(key), papers)
            if len(encoded) > OWN_FILE:
                self._emit(f"{self.folder}/b/{long}.js", call("big", self.name, long, encoded))
                encoded = f"+{long}"
                long += 1
            inline[key] = encoded
        size = sum(len(key) + len(value) + 6 for key, value in inline.items())
        buckets = bucket_count(size)
        shards: list[dict[str, str]] = [{} for _ in range(buckets)]
        for key, encoded in inline.items():
            shards[bucket(key, buckets)][key] = encoded
        del inline
        for i, shard in enumerate(shards):
            self._emit(f"{self.folder}/k{i}.js", call("shard", self.name, i, shard))
        self._emit(f"{self.folder}/votes.js", call("votes", self.name, 0, self.votes))
        return self.paths, [self.name, papers, buckets, self._digest.hexdigest()[:12]]

    def _emit(self, path: str, content: str) -> None:
        self._digest.update(path.encode())
        self._digest.update(content.encode())
        self._write(path, content)
        self.paths.append(path)


def _postings() -> array[int]:
    """A key's postings: 4 bytes each (a list would hold 8 and a year's segment 4 million)."""
    return array("i")


def add_postings(postings: defaultdict[str, array[int]], n: int, doc: Doc) -> None:
    """Add paper ``n``'s keys to ``postings`` (one int per posting, not a tuple: a build of
    50,000 papers makes some 20 million; the loops are ``map`` calls, run in C)."""
    strong = text_keys(doc.title)
    strong.add(normalize(doc.arxiv_id))
    for name in doc.authors:
        strong |= author_keys(name)
    weak = text_keys(" ".join([doc.text, *doc.keywords, doc.organization or ""]))
    weak -= strong
    lists = postings.__getitem__
    deque(map(array.append, map(lists, strong), repeat(2 * n + 1)), maxlen=0)
    deque(map(array.append, map(lists, weak), repeat(2 * n)), maxlen=0)


def encode(found: Sequence[int], papers: int = 0) -> str:
    """Postings (``2 * paper number + title flag``, in order) as hexadecimal gaps, each
    doubled plus the title flag: ``7,14`` (papers 3 with its flag, 10 without) -> ``7,e``.
    A key that more than one paper in ``DENSE`` of the segment's ``papers`` has is two
    bitmaps instead, in base64 (``~papers~title flags``): a word in half of 10,000 papers is
    3.3 KB that way (title flags included), not 10 KB of gaps."""
    if papers and len(found) * DENSE > papers:
        return _bitmaps(found, papers)
    # gap * 2 + flag == value - 2 * previous number == value - (previous value & ~1)
    previous = [0, *(value & ~1 for value in found[:-1])]
    return ",".join([f"{gap:x}" for gap in map(operator.sub, found, previous)])


def _bitmaps(found: Sequence[int], papers: int) -> str:
    has, strong = bytearray((papers + 7) // 8), bytearray((papers + 7) // 8)
    for value in found:
        n = value >> 1
        has[n >> 3] |= 1 << (n & 7)
        if value & 1:
            strong[n >> 3] |= 1 << (n & 7)
    flags = base64.b64encode(strong).decode() if any(strong) else ""
    return f"~{base64.b64encode(has).decode()}~{flags}"


def decode(text: str) -> list[int]:
    """The inverse of ``encode`` (search.js does the same)."""
    if text.startswith("~"):
        has, _, flags = text[1:].partition("~")
        bits, strong = base64.b64decode(has), base64.b64decode(flags)
        return [
            2 * n + int(n >> 3 < len(strong) and bool(strong[n >> 3] >> (n & 7) & 1))
            for n in range(len(bits) * 8)
            if bits[n >> 3] >> (n & 7) & 1
        ]
    found = []
    previous = 0
    for part in text.split(","):
        value = previous + int(part, 16)
        found.append(value)
        previous = value & ~1
    return found


def bucket_count(size: int) -> int:
    count = 1
    while count * SHARD_BYTES < size and count < MAX_BUCKETS:
        count *= 2
    return count


def call(function: str, segment: str, number: int, data: object) -> str:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f'DailyPapersSearch.{function}("{segment}",{number},{payload});\n'


@functools.cache
def aliases() -> tuple[tuple[str, str], ...]:
    """The built-in glossary's (English, Korean) pairs, so a query in one finds the other;
    read once (the build's key and the search manifest both need them)."""
    pairs = {
        (normalize(english), normalize(korean))
        for english, korean in load_glossary(None, "ko").items()
        if korean.lower() != KEEP and normalize(korean) != normalize(english)
    }
    return tuple(sorted(pairs))


def manifest_js(segments: list[list[object]]) -> str:
    data = {"segments": segments, "aliases": aliases()}
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"DailyPapersSearch.manifest({payload});\n"
