"""Names in a summary, checked like numbers: each must be in the paper.

A name is a Latin-script token that no ordinary word looks like: one with a digit (``GPT-4o``,
``Qwen2.5``, ``o1``), with a capital inside (``LongBench``, ``mIoU``, ``CoT``) or all
capitals (``MMLU``), apart from the field's vocabulary (``LLM``, ``GPU``); and, in Korean
summaries, a glossary rendering that names a technique (``강화 학습`` = reinforcement learning).
Capitalised ordinary words, a translated phrase in parentheses (``(High Quality Data)``) and
hyphenated compounds of ordinary words (``Chain-of-Thought``) are not names.

A name is found in the paper when its letters and digits occur there as a run of words, in any
case and with any hyphens or spaces between them (``CLIP-Score`` = ``CLIPScore``), singular or
plural; an abbreviation also when the paper writes it out (``RAG`` = retrieval-augmented
generation; a capitalised ``Attack Success Rate`` = ``ASR``); a long name also when the paper
has it with one letter wrong (a typo, not another model: the digits must be the same).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from dailypapers.glossary import load_glossary
from dailypapers.summarize.name_terms import ABBREVIATIONS, GENERIC, NAMED_TERMS, SKIPPED

Span = tuple[int, int]

#: A word of the paper: letters and digits, with a dot kept between digits (``Qwen2.5``);
#: ``github.com`` is two words, so ``GitHub`` is found in a link.
PIECE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9+]|(?<=\d)\.(?=\d))*")
#: A token of the summary: pieces joined by hyphens, dots, underscores or slashes.
TOKEN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9+]|[-_./](?=[A-Za-z0-9]))*")
#: A value with a unit (``7B``, ``3D``, ``4K``, ``2x``, ``10th``, ``4kHz``, ``256x256``) or a bare
#: version (``v2``): the number check's, or nothing to look up.
NUMBER_LIKE = re.compile(r"\d+(?:\.\d+)?(?:[A-Za-z]{0,2}|[kMG]Hz|fps)\+?|\d+x\d+|[vV]\d+(?:\.\d+)*")
#: ``5-shot``, ``8-bit``, ``2-stage``: a count and an ordinary word.
COUNTED_WORD = re.compile(r"\d[\d.]*-[a-z][a-z-]*")
ROMAN = re.compile(r"[IVX]+")
#: A word that makes a name an adjective (``o1-like``, ``GPT-4-based``): not part of it.
SUFFIX_WORD = re.compile(
    r"-(?:like|based|style|free|level|aware|guided|only|specific|driven|wise|centric|powered)$"
)
#: Where a camel-case word's parts meet: ``CLIP|Score``, ``Chat|GPT``, ``Long|Bench``.
CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
#: Pieces of the paper joined into one name at most: ``LLaMA-3.1-8B-Instruct`` is 4.
MAX_PIECES = 6
#: What may stand between two pieces of one name in the paper: nothing, a space, a hyphen,
#: a dot (``Node.js``).
JOINER = re.compile(r"[\s\-_/.]{0,2}")
#: Places of each key kept; the best sentence is chosen among them.
MAX_SPANS = 32
#: Letters a name needs before one wrong letter is let pass as a typo.
FUZZY_LETTERS = 8
SUFFIXES = ("ations", "ation", "ings", "ing", "ers", "er", "ed", "es", "s", "e")


@dataclass(frozen=True)
class Name:
    """One name in a summary: as written, and what it is looked up by."""

    text: str
    #: Its letters and digits, lower case, singular (``clipscore``); for a glossary
    #: rendering, the English term (``reinforcement learning``).
    key: str
    #: The English term of a Korean glossary rendering; None for a Latin-script name.
    english: str | None = None


def canonical(key: str) -> str:
    """A key without a plural ``s``: ``llms`` = ``llm``, ``rls`` = ``rl``. Every final ``s``
    goes, on both sides, so the plural of a name ending in S meets it too (``CCSs``, ``CCS``)."""
    while len(key) > 2 and key.endswith("s"):
        key = key[:-1]
    return key


#: The field's vocabulary (``name_terms.GENERIC``) by the keys names are looked up by.
GENERIC_KEYS = frozenset(canonical(word) for word in GENERIC)


def stem(word: str) -> str:
    """The word without a common ending: quantization, quantized and quantize are one."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def key_of(text: str) -> str:
    return canonical("".join(piece.lower() for piece in PIECE.findall(text)))


def is_name(token: str) -> bool:
    """Whether a Latin-script token is a name rather than a word or a value (see the module)."""
    if NUMBER_LIKE.fullmatch(token) or COUNTED_WORD.fullmatch(token) or ROMAN.fullmatch(token):
        return False
    if not any(c.isalpha() for c in token):
        return False
    if any(c.isdigit() for c in token):
        return True
    parts = re.split(r"[-_./]", token)
    return any(
        sum(c.isupper() for c in part) >= 2 or part[1:] != part[1:].lower() for part in parts
    )


def find_names(text: str, lang: str = "ko") -> list[Name]:
    """The names ``text`` mentions, each once, in order of first mention."""
    found: dict[str, Name] = {}
    if lang == "ko":
        for match in _renderings().finditer(text):
            english = _english_of(match.group())
            found.setdefault(f"ko:{english}", Name(match.group(), english, english))
    for match in TOKEN.finditer(text):
        for part in match.group().split("/"):  # CPU/GPU, 2D/3D: two words
            token = SUFFIX_WORD.sub("", part)  # o1-like, GPT-based: the name before
            if not is_name(token):
                continue
            key = key_of(token)
            if key and key not in GENERIC_KEYS:
                found.setdefault(key, Name(token, key))
    return list(found.values())


# the paper's side ---------------------------------------------------------------------------


@dataclass
class SourceIndex:
    """A paper's words: where each is, which may join the next into one name, their stems."""

    text: str
    #: Each word's place in ``text``, the word in lower case, and whether only a space or a
    #: hyphen separates it from the next.
    pieces: list[Span]
    lowered: list[str]
    joined: list[bool]
    #: A word (lower case, as written) -> its indexes; a word or a camel-case part of one
    #: (singular) -> its places.
    positions: dict[str, list[int]]
    singles: dict[str, list[Span]]
    #: `` stem stem stem ``: a phrase is found with one substring search; where each word
    #: starts in it.
    stems: str
    stem_starts: list[int]
    _near: dict[tuple[str, int], list[str]] | None = field(default=None, repr=False)

    def find(self, key: str) -> list[Span]:
        """Where the paper has words whose letters and digits, run together, are ``key``
        (``CLIP Score`` and ``CLIP-Scores`` for ``clipscore``)."""
        found = list(self.singles.get(key, ()))
        for length in range(1, len(key)):
            for first in self.positions.get(key[:length], ()):
                found += self._run_from(first, key, key[:length])
                if len(found) >= MAX_SPANS:
                    return found[:MAX_SPANS]
        return found

    def _run_from(self, first: int, key: str, so_far: str) -> list[Span]:
        last = first
        while self.joined[last] and last - first + 1 < MAX_PIECES:
            last += 1
            so_far += self.lowered[last]
            if canonical(so_far) == key:
                return [(self.pieces[first][0], self.pieces[last][1])]
            if not key.startswith(so_far):
                break
        return []

    def phrase(self, words: str) -> list[Span]:
        """Where the paper has these words in a row (stemmed, hyphens and case ignored)."""
        wanted = " " + " ".join(stem(w) for w in PIECE.findall(words.lower())) + " "
        found: list[Span] = []
        at = self.stems.find(wanted)
        while at >= 0 and len(found) < MAX_SPANS:
            first = bisect_right(self.stem_starts, at + 1) - 1
            last = bisect_right(self.stem_starts, at + len(wanted) - 2) - 1
            found.append((self.pieces[first][0], self.pieces[last][1]))
            at = self.stems.find(wanted, at + 1)
        return found

    def near(self, key: str) -> list[Span]:
        """Where the paper has ``key`` with one letter wrong, missing, extra or swapped; the
        digits must be the same, and the key long enough for one letter to be a typo."""
        if sum(c.isalpha() for c in key) < FUZZY_LETTERS:
            return []
        digits = re.sub(r"\D", "", key)
        for size in (len(key) - 1, len(key), len(key) + 1):
            for other in self._keys_near().get((key[0], size), ()):
                if re.sub(r"\D", "", other) == digits and _one_edit(key, other):
                    return self.find(other)
        return []

    def _keys_near(self) -> dict[tuple[str, int], list[str]]:
        """The keys of one to three joined words, by first letter and length; made the first
        time a name is not found as it is written."""
        if self._near is None:
            self._near = {}
            for i in range(len(self.lowered)):
                key, last = self.lowered[i], i
                while True:
                    bare = canonical(key)
                    self._near.setdefault((bare[0], len(bare)), []).append(bare)
                    if not self.joined[last] or last - i >= 2:
                        break
                    last += 1
                    key += self.lowered[last]
        return self._near


@lru_cache(maxsize=8)
def source_index(source: str) -> SourceIndex:
    """The index of a paper's text; the last few are kept, as the check and the grounding of
    one summary read the same text."""
    found = list(PIECE.finditer(source))
    plain = [m.span() for m in found]
    words = [m.group() for m in found]
    lowered = [word.lower() for word in words]
    joined = [
        JOINER.fullmatch(source, plain[i][1], plain[i + 1][0]) is not None
        for i in range(len(plain) - 1)
    ] + [False]
    positions: dict[str, list[int]] = {}
    singles: dict[str, list[Span]] = {}
    for i, word in enumerate(lowered):
        positions.setdefault(word, []).append(i)
        _add(singles, word, plain[i])
        if not words[i][1:].islower():
            _add_camel_parts(source, *plain[i], singles)
    stems, starts, at = [" "], [], 1
    for word in lowered:
        starts.append(at)
        stemmed = stem(word)
        stems.append(stemmed + " ")
        at += len(stemmed) + 1
    return SourceIndex(source, plain, lowered, joined, positions, singles, "".join(stems), starts)


def _add(spans: dict[str, list[Span]], key: str, span: Span) -> None:
    key = canonical(key) if key.endswith("s") else key
    places = spans.get(key)
    if places is None:
        spans[key] = [span]
    elif len(places) < MAX_SPANS:
        places.append(span)


def _add_camel_parts(source: str, start: int, end: int, spans: dict[str, list[Span]]) -> None:
    """``CLIPScore`` names ``CLIP`` too, and ``ChatGPT`` names ``GPT``: each run of its
    capitalised parts is a key of its own."""
    cuts = [start] + [start + m.start() for m in CAMEL.finditer(source[start:end])] + [end]
    if len(cuts) == 2:
        return
    for i in range(len(cuts) - 1):
        for j in range(i + 1, len(cuts)):
            if (i, j) != (0, len(cuts) - 1):
                _add(spans, source[cuts[i] : cuts[j]].lower(), (cuts[i], cuts[j]))


def locate(name: Name, index: SourceIndex) -> list[Span]:
    """Where the paper states ``name`` (see the module for what counts); [] when nowhere."""
    if name.english is not None:
        return index.phrase(name.english) or _abbreviated(name.english, index)
    return (
        index.find(name.key)
        or _expanded(name.key, index)
        or _initials(name.text, index)
        or index.near(name.key)
    )


def unsupported_names(summary: str, source: str, lang: str = "ko") -> list[str]:
    """The names of ``summary`` that ``source`` does not state, as the summary writes them."""
    index = source_index(source)
    return [name.text for name in find_names(summary, lang) if not locate(name, index)]


def _expanded(key: str, index: SourceIndex) -> list[Span]:
    for words in _abbreviations().get(key, ()):
        if found := index.phrase(words):
            return found
    return []


def _abbreviated(english: str, index: SourceIndex) -> list[Span]:
    """A glossary term the paper writes only as its abbreviation (``RL``)."""
    wanted = " ".join(PIECE.findall(english.lower()))
    for short, expansions in _abbreviations().items():
        if wanted in expansions and (found := index.find(short)):
            return found
    return []


@lru_cache(maxsize=1)
def _abbreviations() -> dict[str, tuple[str, ...]]:
    """``ABBREVIATIONS`` by the keys names are looked up by."""
    return {canonical(short): expansions for short, expansions in ABBREVIATIONS.items()}


def _initials(text: str, index: SourceIndex) -> list[Span]:
    """An abbreviation of three capitals or more that the paper writes out capitalised:
    ``ASR`` for "Attack Success Rate" (small words between may be skipped)."""
    capitals = [c for c in text if c.isupper()]
    if len(capitals) < 3 or not text.isalpha():
        return []
    skipped = "|".join(sorted(SKIPPED))
    between = rf"(?:[\s-]+(?:{skipped}))*[\s-]+"
    pattern = r"\b" + between.join(f"{c}[a-z]*" for c in capitals) + r"\b"
    return [m.span() for m in re.finditer(pattern, index.text)][:MAX_SPANS]


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by one substitution, insertion, deletion or swap."""
    if a == b or abs(len(a) - len(b)) > 1:
        return a == b
    start = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    if len(a) == len(b):
        rest_a, rest_b = a[start + 1 :], b[start + 1 :]
        swapped = (
            a[start + 2 :] == b[start + 2 :] and a[start : start + 2] == b[start : start + 2][::-1]
        )
        return rest_a == rest_b or swapped
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[start + 1 :] == shorter[start:]


@lru_cache(maxsize=1)
def _named_renderings() -> dict[str, str]:
    """Korean rendering (spaces removed) -> English term, for the glossary terms that name a
    technique."""
    glossary = load_glossary(None, "ko")
    return {
        "".join(glossary[term].split()): term
        for term in NAMED_TERMS
        if term in glossary and glossary[term].lower() != "keep"
    }


@lru_cache(maxsize=1)
def _renderings() -> re.Pattern[str]:
    """Any named rendering, spaces optional, longest first so a longer term wins."""
    words = sorted(_named_renderings(), key=len, reverse=True)
    return re.compile("|".join(r"\s?".join(map(re.escape, word)) for word in words))


def _english_of(rendering: str) -> str:
    return _named_renderings()["".join(rendering.split())]
