"""Checks on a summary, before anything is stored as good: pure functions over plain text.

- structure: exactly the three sections, each within a sentence and length range;
- language: for Korean, enough Hangul among the letters (English terms allowed);
- chatter: leftover JSON, Markdown, "Here is the summary", instructions;
- numbers: every number in the summary occurs in the paper's text or abstract;
- names: every model, dataset, benchmark, method or metric it names does too (``names.py``).

Defaults were fitted on the predecessor's 1,439 published summaries: sections there have 1 to
6 sentences and 76 to 492 characters, and at least 33% of their letters are Hangul.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dailypapers.models import SECTION_KEYS, section_name
from dailypapers.summarize.names import unsupported_names


@dataclass(frozen=True)
class Finding:
    check: str
    detail: str


@dataclass(frozen=True)
class CheckSettings:
    lang: str = "ko"
    min_sentences: int = 1
    max_sentences: int = 7
    min_chars: int = 40
    max_chars: int = 700
    #: Share of the letters that must be in the language's own script (Korean: Hangul).
    min_script_share: float = 0.25


def settings_for(lang: str) -> CheckSettings:
    """Defaults for a language: Japanese and Chinese say as much in about half the characters."""
    if lang in ("ja", "zh"):
        return CheckSettings(lang=lang, min_chars=20, max_chars=400)
    return CheckSettings(lang=lang)


SCRIPTS = {
    "ko": re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]"),
    "ja": re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]"),
    "zh": re.compile(r"[\u4e00-\u9fff]"),
    "en": re.compile(r"[A-Za-z]"),
}
LETTER = re.compile(r"[^\W\d_]")
SENTENCE_END = re.compile(r"(?<=[.!?。])\s+|(?<=다\.)(?=\S)")
LEFTOVERS = (
    (re.compile(r"^\s*#{1,6}\s", re.MULTILINE), "a Markdown heading"),
    (re.compile(r"^\s*(?:[-*•]|\d+\.)\s", re.MULTILINE), "a Markdown list"),
    (re.compile(r"\*\*|__|```"), "Markdown emphasis or code"),
    (re.compile(r"\{\s*\"|\"\s*[}:]|\\n"), "leftover JSON"),
    (re.compile("|".join(re.escape(k) for k in SECTION_KEYS)), "a section name inside the text"),
)
CHATTER = re.compile(
    r"\b(?:here is|here's|here are|sure[,!]|certainly[,!]|as an ai\b|i cannot\b|i can't\b|"
    r"i'm sorry\b|let me know\b|hope this helps\b|summary of the paper\b)"
    r"|다음은\s.{0,20}요약|요약해\s?드리|요약입니다|물론입니다|도움이 되었",
    re.IGNORECASE,
)
INSTRUCTIONS = re.compile(
    r"\b(?:ignore (?:all |any )?(?:the )?(?:previous|prior|above) (?:instructions|prompts?)|"
    r"system prompt|disregard (?:the|all|previous)|you are now|new instructions)\b"
    r"|(?:이전|앞의|위의)\s?(?:지시|명령|지침|프롬프트)[을를은는]?\s?(?:모두\s?)?무시",
    re.IGNORECASE,
)
#: HTML that would run or load in a reader's browser, and links to scripts or inline data.
LIVE_MARKUP = re.compile(
    r"<\s*/?\s*(?:script|iframe|object|embed|img|video|svg|style|link|meta)\b[^>]*>?"
    r"|\b(?:javascript|vbscript)\s*:|\bdata:[a-z]+/[a-z0-9.+-]+[;,]",
    re.IGNORECASE,
)
URL = re.compile(
    r"https?://[^\s)]+|www\.[^\s)]+|\b[\w-]+\.(?:com|net|org|io|xyz|ru|cn)\b", re.IGNORECASE
)
#: So many English words in a row is a sentence copied, not a term in parentheses.
ENGLISH_RUN = re.compile(r"(?:\b[A-Za-z][A-Za-z'-]*[,.;:]?\s+){11,}[A-Za-z]")


def check_summary(
    sections: Sequence[tuple[str, str]],
    *,
    source: str | None = None,
    settings: CheckSettings | None = None,
    title: str = "",
) -> list[Finding]:
    """Every finding on a summary given as (section name, text) pairs; [] when clean.

    ``source`` is the text the summary was made from (paper text and abstract); without it the
    number and name checks are skipped. The paper's ``title`` may be quoted in English at any
    length.
    """
    settings = settings or CheckSettings()
    findings = check_structure(sections, settings)
    for name, text in sections:
        found = check_text(text, settings, title=title)
        findings += [Finding(f.check, f"{name}: {f.detail}") for f in found]
    if source is not None:
        text = " ".join(text for _, text in sections)
        findings += check_against(text, source, settings.lang)
    return findings


def check_bullets(
    bullets: Sequence[str],
    *,
    source: str | None = None,
    settings: CheckSettings | None = None,
    title: str = "",
) -> list[Finding]:
    """The findings on a summary of the predecessor's bullet eras: plain sentences with no
    section names, so no structure check beyond being there; their text is read as one for
    language, chatter, leftovers and, with ``source``, numbers and links."""
    settings = settings or CheckSettings()
    text = " ".join(bullet.strip() for bullet in bullets)
    if not text.strip():
        return [Finding("structure", "empty")]
    findings = [
        Finding(f.check, f"bullets: {f.detail}") for f in check_text(text, settings, title=title)
    ]
    if source is not None:
        findings += check_against(text, source, settings.lang)
    return findings


def check_against(summary: str, source: str, lang: str) -> list[Finding]:
    """The checks against the paper: its numbers, its names, its links."""
    return (
        check_numbers(summary, source)
        + check_names(summary, source, lang)
        + check_links(summary, source)
    )


def check_names(summary: str, source: str, lang: str = "ko") -> list[Finding]:
    """Names in ``summary`` (models, datasets, benchmarks, methods) that ``source`` lacks."""
    unsupported = unsupported_names(summary, source, lang)
    if not unsupported:
        return []
    return [Finding("names", f"not in the paper: {', '.join(unsupported)}")]


def check_structure(sections: Sequence[tuple[str, str]], settings: CheckSettings) -> list[Finding]:
    names = [_key(name) for name, _ in sections]
    findings = []
    missing = [key for key in SECTION_KEYS if key not in names]
    extra = [name for name, key in zip((n for n, _ in sections), names, strict=True) if not key]
    if missing:
        findings.append(Finding("structure", f"missing section(s): {', '.join(missing)}"))
    if extra:
        findings.append(Finding("structure", f"unexpected section(s): {', '.join(extra)}"))
    for key in SECTION_KEYS:
        if names.count(key) > 1:
            findings.append(Finding("structure", f"{key} appears {names.count(key)} times"))
    for name, text in sections:
        findings += [Finding("structure", f"{name}: {d}") for d in _shape(text, settings)]
    return findings


def _key(name: str) -> str | None:
    """The section key a label names: ``***What's New***`` and ``What's New`` both count."""
    bare = section_name(name)
    return bare if bare in SECTION_KEYS else None


def _shape(text: str, settings: CheckSettings) -> list[str]:
    text = text.strip()
    if not text:
        return ["empty"]
    problems = []
    repeated = _repeated_sentence(text)
    if repeated:
        problems.append(f"a sentence repeated: {_quote(repeated)}")
    sentences = count_sentences(text)
    if not settings.min_sentences <= sentences <= settings.max_sentences:
        problems.append(
            f"{sentences} sentences (expected {settings.min_sentences} to {settings.max_sentences})"
        )
    if not settings.min_chars <= len(text) <= settings.max_chars:
        problems.append(
            f"{len(text)} characters (expected {settings.min_chars} to {settings.max_chars})"
        )
    return problems


def sentences_of(text: str) -> list[str]:
    return [part.strip() for part in SENTENCE_END.split(text.strip()) if part.strip()]


def count_sentences(text: str) -> int:
    return len(sentences_of(text))


def _repeated_sentence(text: str) -> str | None:
    seen: set[str] = set()
    for sentence in sentences_of(text):
        if sentence in seen and len(sentence) > 10:
            return sentence
        seen.add(sentence)
    return None


def check_text(text: str, settings: CheckSettings, *, title: str = "") -> list[Finding]:
    """Language, chatter, leftovers and planted instructions in one section's text."""
    findings = []
    own_words = re.sub(re.escape(title), " ", text, flags=re.IGNORECASE) if title else text
    share = script_share(own_words, settings.lang)
    if share is not None and share < settings.min_script_share:
        findings.append(
            Finding(
                "language",
                f"only {share:.0%} of the letters are {settings.lang} script "
                f"(at least {settings.min_script_share:.0%} expected)",
            )
        )
    if settings.lang != "en" and (run := _english_run(text, title)):
        findings.append(Finding("language", f"a run of English words: {_quote(run)}"))
    for pattern, what in LEFTOVERS:
        if match := pattern.search(text):
            findings.append(Finding("format", f"{what}: {_quote(match.group())}"))
    if match := CHATTER.search(text):
        findings.append(Finding("chatter", _quote(match.group())))
    if match := INSTRUCTIONS.search(text):
        findings.append(Finding("injection", f"instruction-like text: {_quote(match.group())}"))
    if match := LIVE_MARKUP.search(text):
        findings.append(
            Finding("injection", f"live markup or a script link: {_quote(match.group())}")
        )
    return findings


def check_links(summary: str, source: str) -> list[Finding]:
    """Links and domains the paper itself does not give: a planted instruction's payload."""
    return [
        Finding("injection", f"a link or domain not in the paper: {_quote(match.group())}")
        for match in URL.finditer(summary)
        if match.group().lower() not in source.lower()
    ]


def _english_run(text: str, title: str) -> str | None:
    """The first long run of English words that is not part of the paper's title."""
    quoted = _plain(title)
    for match in ENGLISH_RUN.finditer(text):
        if not quoted or _plain(match.group()) not in quoted:
            return match.group()
    return None


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s-]", " ", text.lower()).split())


def script_share(text: str, lang: str) -> float | None:
    """The share of letters in ``lang``'s script, or None when there are no letters."""
    letters = LETTER.findall(text)
    if not letters or lang not in SCRIPTS:
        return None
    own = sum(1 for letter in letters if SCRIPTS[lang].match(letter))
    return own / len(letters)


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


# numbers ------------------------------------------------------------------------------------

NUMBER = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"
    r"(?:\s?(%|배|(?:x|×)(?!\s?\d)|[KkMBT](?![A-Za-z])|만|억|조"
    r"|thousand|million|billion|trillion))?"
)
SCALE = {
    "K": 1e3, "k": 1e3, "thousand": 1e3, "만": 1e4, "M": 1e6, "million": 1e6, "억": 1e8,
    "B": 1e9, "billion": 1e9, "T": 1e12, "trillion": 1e12, "조": 1e12,
}  # fmt: skip
WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "fifty": 50,
    "hundred": 100, "twice": 2, "double": 2,
}  # fmt: skip
NUMBER_WORD = re.compile(r"\b(" + "|".join(WORDS) + r")\b", re.IGNORECASE)


@dataclass(frozen=True)
class Number:
    text: str
    value: float
    unit: str

    @property
    def trivial(self) -> bool:
        """Small counts ("3가지", "2단계") are paraphrased freely; only they are not checked."""
        return not self.unit and self.value <= 10 and self.value == int(self.value)


def find_numbers(text: str) -> list[Number]:
    return [number_of(match) for match in NUMBER.finditer(text)]


def number_of(match: re.Match[str]) -> Number:
    """The number a match of ``NUMBER`` is."""
    whole, decimals, unit = match.group(1), match.group(2), match.group(3) or ""
    value = float(whole.replace(",", "") + (f".{decimals}" if decimals else ""))
    return Number(match.group().strip(), value, unit)


def source_values(source: str) -> set[float]:
    """Every value the source states, in every reading a summary may fairly use."""
    values: set[float] = set()
    for number in find_numbers(source):
        values |= readings(number)
    for word in NUMBER_WORD.findall(source):
        values.add(float(WORDS[word.lower()]))
    return values


def readings(number: Number) -> set[float]:
    """Every value ``number`` may fairly be read as (0.87 is also 87%, 7B is 7,000,000,000)."""
    value = number.value
    readings = {round(value, 6)}
    if number.unit in SCALE:
        readings.add(round(value * SCALE[number.unit], 6))
    for scale in (1e3, 1e6, 1e9, 1e12):
        if value >= scale:
            readings.add(round(value / scale, 6))  # 7,000,000,000 read as 7B
    if number.unit == "%" or (0 < value < 1):
        readings.add(round(value * 100, 6))  # 0.87 read as 87%
        readings.add(round(value / 100, 6))
    return readings


def check_numbers(summary: str, source: str) -> list[Finding]:
    """Numbers in ``summary`` that ``source`` does not state (formatting differences allowed)."""
    stated = source_values(source)
    unsupported = []
    for number in find_numbers(summary):
        if number.trivial or readings(number) & stated:
            continue
        unsupported.append(number.text)
    if not unsupported:
        return []
    shown = ", ".join(dict.fromkeys(unsupported))
    return [Finding("numbers", f"not in the paper: {shown}")]


def unique_findings(findings: Iterable[Finding]) -> list[Finding]:
    return list(dict.fromkeys(findings))
