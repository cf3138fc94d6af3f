"""A generated archive of many papers (50,000 by default), stored straight into a Store.

Summaries are Korean with English terms in parentheses and the three sections; they
recombine, at run time, the sentences of the reference digests (``../shared/reference/logs``)
and fall back to sentences made from word lists when those are absent, so no text of the
corpus is kept in the repository. Titles, authors, keywords and organisations come from the
same sources. Each summary carries evidence as large as a real one's (a sentence for each of
its numbers and names, one in ten not found). Each day gets about 30 papers, from 2021-01-01
on, all stored in one transaction (one paper, summary and digest row each; the importer is not
run).

    .venv/bin/python bench/generated_archive.py OUT.db [--papers 50000]
"""

from __future__ import annotations

import argparse
import datetime
import random
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dailypapers.digest.render import escape_title  # noqa: E402
from dailypapers.evidence import Evidence, Grounding  # noqa: E402
from dailypapers.models import (  # noqa: E402
    SECTION_LABELS,
    DigestEntry,
    Paper,
    Section,
    Summary,
)
from dailypapers.store import Store  # noqa: E402
from dailypapers.summarize.checks import find_numbers  # noqa: E402
from dailypapers.summarize.names import find_names  # noqa: E402
from tests.shared_data import SHARED  # noqa: E402

PER_DAY = 30
FIRST_DAY = datetime.date(2021, 1, 1)
HEADING = re.compile(r"^### \[(.+)\]\(https://arxiv\.org/abs/[^)]+\)$")
SECTION_LINE = re.compile(r"^- \*\*\*[^*]+\*\*\*: (.+)$")
SENTENCE_END = re.compile(r"(?<=다\.)\s+")

STEMS = (
    "강화",
    "확산",
    "추론",
    "정렬",
    "압축",
    "검색",
    "증류",
    "분할",
    "생성",
    "평가",
    "언어",
    "비전",
)
TERMS = (
    ("강화 학습", "Reinforcement Learning"),
    ("확산 모델", "Diffusion Model"),
    ("대규모 언어 모델", "Large Language Model"),
    ("지식 증류", "Knowledge Distillation"),
    ("검색 증강 생성", "Retrieval-Augmented Generation"),
    ("미세 조정", "Fine-tuning"),
    ("멀티모달", "Multimodal"),
)
FIRST = ("Bo", "Wei", "Jiwoo", "Minsu", "Yu", "Anna", "Xiang", "Hao", "Sara", "Ji-hoon", "Lei")
LAST = ("Li", "Wang", "Kim", "Lee", "Zhang", "Chen", "Park", "Smith", "Liu", "Nguyen", "Sun")
ORGS = ("Google", "Meta", "NVIDIA", "Microsoft", "Alibaba", "NAVER", "KAIST", "Tsinghua", None)
EVIDENCE_WORDS = (
    "we", "evaluate", "the", "proposed", "model", "on", "benchmark", "results", "show", "that",
    "our", "method", "improves", "accuracy", "over", "strong", "baselines", "across", "tasks",
    "with", "fewer", "parameters", "and", "training", "data", "in", "all", "settings",
)  # fmt: skip
EVIDENCE_SECTIONS = ("Abstract", "1 Introduction", "3 Method", "4 Experiments", "5 Results")
WORDS = ("Efficient", "Scaling", "Robust", "Agents", "Vision", "Reasoning", "Benchmark", "Video")


class Material:
    """Sentences, titles, names and keywords to draw from."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.sentences: list[str] = []
        self.titles: list[str] = []
        self.authors: list[str] = []
        logs = SHARED / "reference" / "logs"
        if logs.is_dir():
            for path in sorted(logs.glob("*.md")):
                self._read(path.read_text(encoding="utf-8"))
        if len(self.sentences) < 100:
            self._invent()

    def _read(self, text: str) -> None:
        for line in text.splitlines():
            if match := HEADING.match(line):
                self.titles.append(match.group(1))
            elif line.startswith("Authors: "):
                self.authors.extend(n.strip() for n in line[9:].split(",") if n.strip())
            elif match := SECTION_LINE.match(line):
                self.sentences.extend(s for s in SENTENCE_END.split(match.group(1)) if s)

    def _invent(self) -> None:
        for i in range(2000):
            korean, english = TERMS[i % len(TERMS)]
            stem = STEMS[i % len(STEMS)]
            self.sentences.append(
                f"이 연구는 {korean}({english})을 {stem} 기법으로 개선하여 "
                f"{i % 40 + 1}.{i % 10}% 향상된 성능을 보였습니다."
            )
        self.titles = [f"{a} {b} for {c}" for a in WORDS for b in WORDS for c in WORDS]
        self.authors = [f"{f} {last}" for f in FIRST for last in LAST]

    def summary(self) -> tuple[Section, ...]:
        return tuple(
            Section(label, " ".join(self.rng.sample(self.sentences, self.rng.randint(2, 4))))
            for label in SECTION_LABELS
        )

    def grounding(self, sections: tuple[Section, ...]) -> Grounding:
        """Evidence as large as a real summary's: each number and name with a sentence of the
        paper's length (one in ten not found), so the site carries what it will carry."""
        evidence = []
        for section in sections:
            part = section.label.strip("*")
            claims = [("number", n.text) for n in find_numbers(section.text) if not n.trivial]
            claims += [("name", name.text) for name in find_names(section.text)]
            for kind, claim in claims:
                if self.rng.random() < 0.1:
                    evidence.append(Evidence(kind, claim, part))  # type: ignore[arg-type]
                    continue
                filler = " ".join(self.rng.sample(EVIDENCE_WORDS, 24))
                sentence = f"{filler.capitalize()} {claim} {filler[:60]}."
                where = self.rng.choice(EVIDENCE_SECTIONS)
                evidence.append(Evidence(kind, claim, part, sentence, where))  # type: ignore[arg-type]
        return Grounding(tuple(evidence))

    def title(self, n: int) -> str:
        return f"{self.rng.choice(self.titles)} ({n})"

    def names(self) -> tuple[str, ...]:
        return tuple(self.rng.sample(self.authors, self.rng.randint(2, 12)))

    def keywords(self) -> tuple[str, ...]:
        return tuple(english for _, english in self.rng.sample(TERMS, 3))


def generate_archive(db: Path, papers: int = 50_000, seed: int = 16) -> list[str]:
    """Store ``papers`` papers, ``PER_DAY`` a day; returns the days, oldest first."""
    rng = random.Random(seed)
    material = Material(rng)
    days: list[str] = []
    with Store.open(db) as store, store.transaction():
        for start in range(0, papers, PER_DAY):
            date = (FIRST_DAY + datetime.timedelta(days=len(days))).isoformat()
            days.append(date)
            run = [
                _store_paper(store, material, date, n)
                for n in range(start, min(start + PER_DAY, papers))
            ]
            store.replace_runs_from(date, 0, [run])
    return days


def _store_paper(store: Store, material: Material, date: str, n: int) -> tuple[DigestEntry, int]:
    year, month = int(date[2:4]), int(date[5:7])
    arxiv_id = f"{year:02d}{month:02d}.{n % 100_000:05d}"
    title, authors = material.title(n), material.names()
    votes = int(material.rng.paretovariate(1.2)) % 400
    thumbnail = f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{arxiv_id}.png"
    paper = Paper(
        arxiv_id=arxiv_id,
        title=title,
        authors=authors,
        upvotes=votes,
        thumbnail=thumbnail,
        abstract="",
        ai_keywords=material.keywords(),
        organization=material.rng.choice(ORGS),
    )
    store.upsert_paper(paper, date)
    sections = material.summary()
    summary = Summary(
        sections=sections,
        kind="llm",
        model="bench",
        prompt_version="v1",
        text_source="hf",
        grounding=material.grounding(sections),
    )
    summary_id = store.save_summary(arxiv_id, summary)
    entry = DigestEntry(
        arxiv_id=arxiv_id,
        title_md=escape_title(title),
        thumbnail=thumbnail,
        votes=votes,
        authors=authors,
        sections=sections,
    )
    return entry, summary_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--papers", type=int, default=50_000)
    args = parser.parse_args()
    started = time.perf_counter()
    days = generate_archive(args.db, args.papers)
    seconds = time.perf_counter() - started
    print(f"{args.papers:,} papers over {len(days):,} days in {seconds:.1f} s -> {args.db}")


if __name__ == "__main__":
    main()
