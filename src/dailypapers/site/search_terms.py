"""The words of the search index, cut the same way in Python (build) and in search.js (query).

Korean is matched without regard to spacing: a run of Hangul words (only spaces between
them) is joined into one spaceless run and cut into character bigrams, so ``강화학습`` and
``강화 학습`` give the same keys (강화, 화학, 학습). Latin words (and arXiv ids) are keys whole,
stored in the shard of their first three letters (an arXiv id: of its first eight), so a
query word matches every word it starts. Authors are keys of their own: every run of whole
name tokens that ends a name, so ``Bo Li`` finds ``Bo Li`` and ``Xiao Bo Li``, never
``Bo Lin`` or ``Jianbo Li``.

A key goes into bucket ``fnv1a(shard key) % buckets`` (UTF-16 units, as JavaScript counts);
search.js computes the same number to know which shard file to load.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Iterator

HANGUL_RUN = re.compile(r"[가-힣]+(?:\s+[가-힣]+)*")
LETTER = r"0-9a-z\u00c0-\u024f"
LATIN_WORD = re.compile(rf"[{LETTER}](?:[{LETTER}.\-+]*[{LETTER}])?")
WORD_PARTS = re.compile(r"[.\-+]")
SPACE = re.compile(r"\s+")
#: Latin words are sharded by this many first letters.
PREFIX = 3
#: An arXiv id is sharded by its month and the first three digits of its number
#: (``2412.043``): a year's ids would otherwise all share their first letters, and one shard.
ARXIV_ID = re.compile(r"\d{4}\.\d{3}")
ID_PREFIX = 8
AUTHOR = "@"


def normalize(text: str) -> str:
    """What both the index and the browser compare: NFC, lower case."""
    return unicodedata.normalize("NFC", text).lower()


def hangul_runs(text: str) -> Iterator[str]:
    """Each run of Hangul words of normalized ``text``, without its spaces."""
    for match in HANGUL_RUN.finditer(text):
        yield SPACE.sub("", match.group())


def bigrams(run: str) -> Iterator[str]:
    for i in range(len(run) - 1):
        yield run[i : i + 2]


def latin_words(text: str) -> Iterator[str]:
    """Each Latin word of normalized ``text``, and the parts of a joined one
    (``vision-language`` also gives ``vision`` and ``language``)."""
    for word in LATIN_WORD.findall(text):
        yield word
        if WORD_PARTS.search(word):
            yield from (part for part in WORD_PARTS.split(word) if part)


def text_keys(text: str) -> set[str]:
    """The keys of a text: Hangul bigrams and Latin words (what ``hangul_runs``, ``bigrams``
    and ``latin_words`` give, cut with C-level loops: a build cuts every paper's text)."""
    text = normalize(text)
    keys: set[str] = set()
    for run in HANGUL_RUN.findall(text):
        run = "".join(run.split())  # what SPACE.sub("", run) gives, without the regex
        keys.update(map(operator.add, run, run[1:]))
    words = LATIN_WORD.findall(text)
    keys.update(words)
    for word in words:
        if not word.isalnum():  # only a joined word has . - or + in it
            keys.update(part for part in WORD_PARTS.split(word) if part)
    return keys


def name_tokens(name: str) -> list[str]:
    return normalize(name).replace(",", " ").split()


def author_keys(name: str) -> set[str]:
    """``@`` and every run of whole tokens that ends the name: ``@xiao bo li``, ``@bo li``,
    ``@li``. A query matches a key it equals or starts, token by token."""
    tokens = name_tokens(name)
    return {AUTHOR + " ".join(tokens[i:]) for i in range(len(tokens))}


def shard_key(key: str) -> str:
    """What decides a key's bucket: a bigram itself, a Latin word's first letters (an arXiv
    id's first eight), an author key's first token."""
    if key.startswith(AUTHOR):
        return key.split(" ", 1)[0]
    if "가" <= key[0] <= "힣":
        return key
    if ARXIV_ID.match(key):
        return key[:ID_PREFIX]
    return key[:PREFIX]


def fnv1a(text: str) -> int:
    """32-bit FNV-1a over UTF-16 code units, as search.js computes it."""
    value = 0x811C9DC5
    data = text.encode("utf-16-le")
    for i in range(0, len(data), 2):
        value ^= data[i] | (data[i + 1] << 8)
        value = (value * 0x01000193) & 0xFFFFFFFF
    return value


def bucket(key: str, buckets: int) -> int:
    return fnv1a(shard_key(key)) % buckets
