"""A database for site tests: the reference corpus when it exists, generated days otherwise.

Either way one more day holds hostile data: a title made of HTML and Markdown, a
``javascript:`` project link, and a summary with markup in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dailypapers.digest.importer import import_archive, import_digest
from dailypapers.digest.render import escape_title
from dailypapers.models import SECTION_LABELS, Digest, DigestEntry, DigestRun, Paper, Section
from dailypapers.store import Store
from tests.shared_data import SHARED

XSS_DATE = "2024-10-18"
XSS_ID = "2410.99999"
XSS_TITLE = '<img src=x onerror=alert(1)> & <script>alert("t")</script> [x](javascript:1) *b*'
#: A hostile name first, and more authors than a page shows (12): "외 8명".
XSS_AUTHORS = ("<svg onload=alert(4)>", "정상 저자", *(f"Coauthor {i}" for i in range(1, 19)))
XSS_SECTION = '<b onmouseover=alert(2)>굵게</b> 요약에 섞인 태그 & "따옴표"'

#: Words for generated summaries; each paper also gets a compound word of its own.
STEMS = ("강화", "확산", "추론", "정렬", "압축", "검색", "증류", "분할", "생성", "평가")
TAILS = ("학습을", "모델은", "기법으로", "데이터를", "방법의")


@dataclass(frozen=True)
class Corpus:
    db: Path
    days: list[str]
    from_reference: bool


def reference_logs() -> Path | None:
    logs = SHARED / "reference" / "logs"
    return logs if logs.is_dir() else None


def build_corpus(db: Path) -> Corpus:
    """Import the reference digests (or generate 12 days), then add the hostile day."""
    logs = reference_logs()
    with Store.open(db) as store:
        if logs is not None:
            report = import_archive(store, logs)
            assert not report.errors, report.errors
        else:
            for day in range(1, 13):
                import_digest(store, generated_digest(f"2024-12-{day:02d}", day))
        import_digest(store, hostile_digest())
        store.upsert_paper(hostile_paper(), XSS_DATE)
        days = store.digest_days()
    return Corpus(db, days, logs is not None)


def unique_word(day: int, index: int) -> str:
    """A compound word found in exactly one generated paper, e.g. ``강화정렬0307기법으로``."""
    return f"{STEMS[index % 10]}{STEMS[day % 10]}{day:02d}{index:02d}{TAILS[index % 5]}"


def generated_digest(date: str, day: int, count: int = 8) -> Digest:
    entries = []
    for index in range(count):
        arxiv_id = f"2412.{day:02d}{index:03d}"
        word = unique_word(day, index)
        texts = (
            f"이 논문은 {word} 중심으로 새로운 접근을 제안합니다.",
            f"{STEMS[index % 10]}학습 파이프라인(pipeline)을 두 단계로 구성합니다.",
            f"벤치마크에서 정확도가 {index + 1}.5% 향상되었습니다.",
        )
        entries.append(
            DigestEntry(
                arxiv_id=arxiv_id,
                title_md=escape_title(f"Paper {arxiv_id}: Efficient {STEMS[index % 10]} Models"),
                thumbnail=f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{arxiv_id}.png",
                votes=(day * 7 + index * 13) % 60,
                authors=(f"Author {index}", "김민수", "Lee Jiwoo"),
                sections=tuple(
                    Section(label, text) for label, text in zip(SECTION_LABELS, texts, strict=True)
                ),
            )
        )
    return Digest(date=date, runs=(DigestRun(tuple(entries)),))


def hostile_digest() -> Digest:
    entry = DigestEntry(
        arxiv_id=XSS_ID,
        title_md=escape_title(XSS_TITLE),
        thumbnail='https://example.org/a.png" onerror="alert(3)',
        votes=7,
        authors=XSS_AUTHORS,
        sections=tuple(Section(label, XSS_SECTION) for label in SECTION_LABELS),
    )
    return Digest(date=XSS_DATE, runs=(DigestRun((entry,)),))


def hostile_paper() -> Paper:
    return Paper(
        arxiv_id=XSS_ID,
        title=XSS_TITLE,
        authors=XSS_AUTHORS,
        upvotes=7,
        thumbnail=None,
        abstract="",
        github_repo="https://github.com/example/repo?a=1&b=<2>",
        project_page="javascript:alert(5)",
    )


def store_week(store: Store, week: str, date: str) -> None:
    """The day's entries as the week's digest, with their summaries."""
    digest = store.load_digest(date)
    assert digest is not None
    entries = []
    for entry in digest.runs[0].entries:
        summary = store.best_summary(entry.arxiv_id, "none", "none")
        assert summary is not None
        entries.append((entry, summary.id))
    with store.transaction():
        store.replace_week(week, entries)
