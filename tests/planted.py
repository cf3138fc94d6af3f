"""Planted faults for the name check, on real papers: summaries with a wrong name planted, and
faithful ones whose names the paper states, some spelled differently.

The papers are the team's real arXiv PDFs (text extracted and fitted by our own code) and the
real titles and abstracts of the Hugging Face fixtures (as an abstract-only paper is sent). The
attack of the issue uses the predecessor's real Korean summaries of *other* papers, their numbers
swapped for numbers of this paper. Nothing here is copied from those files: they are read when
the cases are made (``tests/test_grounding.py``, ``bench/grounding.py``).
"""

from __future__ import annotations

import functools
import json
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dailypapers.glossary import load_glossary
from dailypapers.models import SECTION_LABELS
from dailypapers.sources.pdf import extract_text, normalise_text
from dailypapers.summarize.budget import fit_text
from dailypapers.summarize.checks import check_summary, find_numbers
from dailypapers.summarize.name_terms import ABBREVIATIONS, GENERIC, NAMED_TERMS
from dailypapers.summarize.names import (
    CAMEL,
    SUFFIX_WORD,
    TOKEN,
    canonical,
    is_name,
    key_of,
    source_index,
)
from tests.handwritten import HANDWRITTEN

PLANTED = ("another paper's name", "absent benchmark", "baseline never run", "a sibling's version")
ATTACK = "another paper's summary"
FAITHFUL = (
    "as the paper writes them",
    "written by hand",
    "spacing, hyphen or case",
    "misspelled",
    "plural",
    "glossary rendering",
    "abbreviation",
)
BENCHMARKS = (
    "MMLU", "GSM8K", "HumanEval", "ImageNet", "HellaSwag", "TruthfulQA", "MT-Bench",
    "AlpacaEval", "BIG-Bench", "ARC-Challenge", "MATH-500", "LiveCodeBench", "SWE-bench",
    "MMMU", "VQAv2", "SuperGLUE", "SQuAD", "WinoGrande", "MBPP", "GPQA", "AIME24", "HotpotQA",
    "LongBench", "VBench", "GenEval", "CIFAR-10", "LibriSpeech", "MS-MARCO", "WMT14", "ScanNet",
)  # fmt: skip
BASELINES = (
    "GPT-4o", "GPT-4-Turbo", "LLaMA-2-7B", "Llama-3-70B", "Mistral-7B", "Mixtral-8x7B",
    "Qwen2.5-72B", "Claude-3-Opus", "Gemini-1.5-Pro", "DeepSeek-V3", "Vicuna-13B", "Falcon-40B",
    "Phi-3-mini", "Gemma-2-9B", "T5-XXL", "BERT-Large", "RoBERTa", "SDXL", "DALL-E-3",
    "GPT-3.5-Turbo", "OLMo-7B", "Yi-34B", "InternLM2", "LLaVA-1.5", "CodeLlama-34B",
)  # fmt: skip
#: The predecessor's summaries: (arXiv id, sections).
Reference = list[tuple[str, tuple[tuple[str, str], ...]]]
#: A number standing alone in a summary (not the digits of a name such as GPT-4o).
SUMMARY_NUMBER = re.compile(r"(?<![A-Za-z0-9.-])\d+(?:[.,]\d+)*\s?%?(?![A-Za-z0-9-])")
DEFINED = re.compile(r"((?:[A-Z][a-z]+[ -]){1,5}[A-Z][a-z]+) ?\(([A-Z][A-Za-z]{1,7})\)")


@dataclass(frozen=True)
class Paper:
    arxiv_id: str
    title: str
    abstract: str
    text: str

    @property
    def source(self) -> str:
        return f"{self.title}\n{self.abstract}\n{self.text}"


@dataclass(frozen=True)
class Case:
    category: str
    paper: Paper
    sections: tuple[tuple[str, str], ...]
    #: The wrong name planted; "" for the attack (any name finding catches it); None when the
    #: summary is faithful.
    planted: str | None

    @property
    def faithful(self) -> bool:
        return self.planted is None

    def name_findings(self) -> str | None:
        """The name finding of the checks on this summary, if any."""
        findings = check_summary(self.sections, source=self.paper.source, title=self.paper.title)
        return next((f.detail for f in findings if f.check == "names"), None)

    def caught(self) -> bool:
        """Planted: the planted name (any, for the attack) is reported. Faithful: a false alarm."""
        found = self.name_findings()
        if found is None:
            return False
        listed = found.removeprefix("not in the paper: ").split(", ")
        return not self.planted or self.planted in listed


def load_papers(shared: Path) -> list[Paper]:
    """The real PDFs' fitted text, then each real title and abstract once."""
    papers = [
        _pdf_paper(path) for path in sorted((shared / "fixtures" / "arxiv_pdfs").glob("*.pdf"))
    ]
    seen = {paper.arxiv_id for paper in papers}
    for path in sorted((shared / "fixtures" / "hf_daily_papers").glob("*.json")):
        if "pyrepr" in path.name:
            continue
        for entry in json.loads(path.read_text(encoding="utf-8")):
            found = entry.get("paper", {})
            if found.get("id") and found["id"] not in seen and found.get("summary"):
                seen.add(found["id"])
                abstract = " ".join(found["summary"].split())
                papers.append(Paper(found["id"], found["title"], abstract, f"Abstract: {abstract}"))
    return papers


@functools.cache
def _pdf_paper(path: Path) -> Paper:
    body = normalise_text(extract_text(path, arxiv_id=path.stem).text)
    return Paper(path.stem, "", "", fit_text("", "", body, 16_000).text)


def load_reference(shared: Path) -> Reference:
    """(arXiv id, sections) of each of the predecessor's real summaries."""
    lines = (shared / "reference" / "records.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    return [(r["arxiv_id"], tuple((label, text) for label, text in r["sections"])) for r in records]


def make_cases(
    papers: list[Paper], reference: list[tuple[str, tuple[tuple[str, str], ...]]]
) -> list[Case]:
    cases: list[Case] = []
    all_names = {paper.arxiv_id: paper_names(paper) for paper in papers}
    for paper in papers:
        rng = random.Random(paper.arxiv_id)
        names = all_names[paper.arxiv_id]
        cases += list(_faithful(paper, names))
        cases += list(_planted(paper, names, all_names, rng))
        _, sections = rng.choice([r for r in reference if r[0] != paper.arxiv_id])
        cases.append(Case(ATTACK, paper, _swap_numbers(sections, paper, rng), ""))
    cases += [
        Case("written by hand", paper, sections, None)
        for paper in papers
        for arxiv_id, sections in HANDWRITTEN
        if paper.arxiv_id == arxiv_id
    ]
    return cases


def paper_names(paper: Paper) -> list[str]:
    """Names a summary would take from the paper: those of the title and abstract first, then
    the ones its text uses three times or more; page furniture left out."""
    head = f"{paper.title}\n{paper.abstract}" if paper.abstract else paper.text[:2500]
    counts = Counter(_clean_names(paper.text))
    ordered = list(dict.fromkeys(_clean_names(head)))
    ordered += [name for name, count in counts.most_common() if count >= 3]
    return list(dict.fromkeys(ordered))[:8]


def _clean_names(text: str) -> Iterator[str]:
    lowered = set(re.findall(r"\b[a-z]+\b", text))
    for match in TOKEN.finditer(text):
        for part in match.group().split("/"):
            token = SUFFIX_WORD.sub("", part)
            if not is_name(token) or key_of(token) in GENERIC or "." in token:
                continue
            if re.fullmatch(r"[A-Za-z]\d+|\d.*", token) or token.lower() in lowered:
                continue  # participant ids, footnote marks glued to words, headings in capitals
            yield token


def summary(names: list[str], extra: str = "") -> tuple[tuple[str, str], ...]:
    """A Korean summary in the predecessor's manner that mentions ``names`` (up to four)."""
    n = (names * 4)[:4] if names else ["제안 방법"] * 4
    texts = (
        f"이 논문은 {n[0]} 기반의 새로운 접근법을 제시합니다. "
        "기존 연구가 다루지 못한 문제를 정의하고 해결 방향을 제안합니다.",
        f"제안 방법은 {n[1]}와 {n[2]}를 함께 활용하여 학습합니다. "
        "데이터 구성과 학습 절차를 단계별로 설명합니다.",
        f"{n[3]} 실험에서 기존 방법보다 높은 성능을 보였습니다. "
        f"여러 설정에서 일관된 개선이 확인되었습니다.{extra}",
    )
    return tuple(zip(SECTION_LABELS, texts, strict=True))


def _faithful(paper: Paper, names: list[str]) -> Iterator[Case]:
    if names:
        yield Case("as the paper writes them", paper, summary(names), None)
    variants = [(v, name) for name in names if (v := _respelled(name))]
    if variants:
        yield Case("spacing, hyphen or case", paper, summary([v for v, _ in variants[:4]]), None)
    typos = [t for name in names if (t := _typo(name))]
    if typos:
        yield Case("misspelled", paper, summary(typos[:2]), None)
    plurals = [f"{name}s" for name in names if re.fullmatch(r"[A-Z][A-Za-z]*[A-Z]", name)]
    if plurals:
        yield Case("plural", paper, summary(plurals[:2]), None)
    index = source_index(paper.source)
    renderings = [term for term in sorted(NAMED_TERMS) if index.phrase(term)]
    if renderings:
        korean = [_rendering(term) for term in renderings[:2]]
        yield Case(
            "glossary rendering",
            paper,
            summary(names, f" 이 과정에서 {korean[0]}이 핵심입니다."),
            None,
        )
    short = _abbreviations(paper)
    if short:
        yield Case("abbreviation", paper, summary(short[:4]), None)


def _planted(
    paper: Paper, names: list[str], all_names: dict[str, list[str]], rng: random.Random
) -> Iterator[Case]:
    others = [n for aid, found in all_names.items() if aid != paper.arxiv_id for n in found]
    for category, pool, sentence in (
        (PLANTED[0], others, " {}를 추가로 사용합니다."),
        (PLANTED[1], list(BENCHMARKS), " {} 벤치마크에서도 높은 점수를 기록했습니다."),
        (PLANTED[2], list(BASELINES), " {}와 비교해도 더 나은 결과를 보였습니다."),
    ):
        absent = [name for name in pool if _absent(name, paper)]
        if category == PLANTED[0]:
            siblings = [s for name in names if (s := _sibling(name)) and _absent(s, paper)]
            if siblings:
                yield Case(
                    PLANTED[3], paper, summary(names, sentence.format(siblings[0])), siblings[0]
                )
        if absent:
            wrong = rng.choice(sorted(set(absent)))
            yield Case(category, paper, summary(names, sentence.format(wrong)), wrong)


def _absent(name: str, paper: Paper) -> bool:
    """Not in the paper by a test stricter than the check's: its letters and digits appear
    nowhere in the paper's letters and digits."""
    return _alnum(name) not in _alnum_text(paper.source)


@functools.lru_cache(maxsize=256)
def _alnum_text(text: str) -> str:
    return _alnum(text)


def _alnum(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _sibling(name: str) -> str | None:
    """Another version of a model of the paper: its last digit changed (GPT-4o -> GPT-5o)."""
    digits = [i for i, c in enumerate(name) if c.isdigit()]
    if not digits:
        return None
    i = digits[-1]
    return name[:i] + str((int(name[i]) + 1) % 10) + name[i + 1 :]


def _respelled(name: str) -> str | None:
    """The name as a summary may fairly spell it otherwise, and still a name."""
    if "-" in name and not name.endswith("-"):
        options = [name.replace("-", " ", 1), name.replace("-", "", 1)]
    elif len(CAMEL.split(name)) > 1:
        parts = CAMEL.split(name)
        options = ["-".join(parts), name.upper()]
    else:
        options = [name.upper() if not name.isupper() else name.lower()]
    return next((o for o in options if o != name and any(is_name(t) for t in o.split())), None)


def _typo(name: str) -> str | None:
    """Two neighbouring letters swapped inside a long name (a typo, the digits untouched)."""
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if len(letters) < 9:
        return None
    i = letters[len(letters) // 2]
    if not (name[i].isalpha() and name[i + 1].isalpha()) or name[i] == name[i + 1]:
        return None
    typo = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return typo if is_name(typo) else None


def _rendering(term: str) -> str:
    return load_glossary(None, "ko")[term]


def _abbreviations(paper: Paper) -> list[str]:
    """Abbreviations the paper defines (``Attack Success Rate (ASR)``), and common ones whose
    expansion it writes without them."""
    defined = [short for _, short in DEFINED.findall(paper.source) if is_name(short)]
    index = source_index(paper.source)
    written_out = [
        short.upper()
        for short, expansions in ABBREVIATIONS.items()
        if not index.find(canonical(short))
        and any(index.phrase(e) for e in expansions)
        and is_name(short.upper())
    ]
    return list(dict.fromkeys(defined + written_out))


def _swap_numbers(
    sections: tuple[tuple[str, str], ...], paper: Paper, rng: random.Random
) -> tuple[tuple[str, str], ...]:
    """The issue's attack: each number of another paper's summary replaced by one of this
    paper's numbers, so the number check has nothing to find."""
    ours = [n.text for n in find_numbers(paper.source) if not n.trivial] or ["1"]
    return tuple(
        (label, SUMMARY_NUMBER.sub(lambda _: rng.choice(ours), text)) for label, text in sections
    )
