"""A digest's messages are in the digest's language on every channel.

The language is that of the digest's summaries, as the store keeps them (``ko-sections-v2``,
``en-sections-v2``, an imported Korean archive, English extractive sentences); each channel
takes its words from ``words_for(view.lang)``. The messages are made without any request.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Iterator
from dataclasses import fields, replace
from pathlib import Path

import pytest
from slack_sdk import WebClient

from dailypapers.digest.views import PeriodView, day_view, page_url, week_view
from dailypapers.models import SECTION_LABELS, DigestEntry, Section, summary_lang
from dailypapers.periods import Period
from dailypapers.publish.deliver import Channel, Message
from dailypapers.publish.discord import DiscordChannel
from dailypapers.publish.email import EmailChannel, SmtpSettings
from dailypapers.publish.slack import SlackChannel
from dailypapers.publish.telegram import TelegramChannel
from dailypapers.publish.words import ENGLISH, WORDS, words_for
from dailypapers.store import Store
from tests.fake_telegram import parse_html
from tests.publishing import DAY, store_entries, store_summarized
from tests.site_corpus import generated_digest

SITE = "https://papers.example.org"
PAGE = page_url(SITE, Period.day(DAY))
PAPERS = 3
HANGUL = re.compile(r"[\uac00-\ud7a3]")


# digests in two languages --------------------------------------------------------------------


def korean_entries() -> list[DigestEntry]:
    """Korean summaries (and a Korean author), as the predecessor's archive holds them."""
    return list(generated_digest(DAY, 6, PAPERS).runs[0].entries)


def english_entries() -> list[DigestEntry]:
    """The same papers with English summaries and no Korean anywhere."""
    texts = ("It proposes a new method.", "Two stages.", "Accuracy rises by 1.5%.")
    sections = tuple(
        Section(label, text) for label, text in zip(SECTION_LABELS, texts, strict=True)
    )
    return [
        replace(
            entry,
            title_md=f"Paper {entry.arxiv_id}: Efficient Models",
            authors=(f"Author {i}", "Kim Minsu"),
            sections=sections,
        )
        for i, entry in enumerate(korean_entries())
    ]


def view_of(db: Path, period: str = DAY) -> PeriodView:
    with Store.open(db) as store:
        view = week_view(store, period) if "W" in period else day_view(store, period)
    assert view is not None
    return view


@pytest.fixture
def korean(tmp_path: Path) -> PeriodView:
    db = tmp_path / "ko.db"
    store_entries(db, DAY, korean_entries())  # imported: Korean
    return view_of(db)


@pytest.fixture
def english(tmp_path: Path) -> PeriodView:
    db = tmp_path / "en.db"
    store_summarized(db, DAY, english_entries(), "en-sections-v2")
    return view_of(db)


# the four channels, without a request ---------------------------------------------------------


@pytest.fixture
def channels() -> Iterator[dict[str, Channel]]:
    opened: dict[str, Channel] = {
        "slack": SlackChannel(WebClient(token="xoxb-test"), "C0DAILY01", SITE),
        "discord": DiscordChannel(token="t", channel_id="1310000000000000000", site_url=SITE),
        "telegram": TelegramChannel(token="1:t", chat_id="-100123", site_url=SITE),
        "email": EmailChannel(
            SmtpSettings("localhost", 25, "none", "p@example.org", ("r@example.com",)),
            site_url=SITE,
        ),
    }
    yield opened
    for channel in opened.values():
        channel.close()


def messages(channels: dict[str, Channel], view: PeriodView) -> dict[str, list[Message]]:
    return {name: channel.messages(view) for name, channel in channels.items()}


def shown(name: str, message: Message) -> str:
    """What a reader sees of ``message`` on channel ``name``, as one text."""
    body = message.body
    if name == "slack":
        texts = [b["text"]["text"] for b in body.blocks if "text" in b]
        texts += [e["text"] for b in body.blocks for e in b.get("elements", [])]
        return "\n".join([*texts, body.text])
    if name == "discord":
        return str(body.content)
    if name == "telegram":
        return parse_html(body.html).text
    plain, rich = body.get_body(("plain",)), body.get_body(("html",))
    return "\n".join([body["Subject"], plain.get_content(), rich.get_content()])


def headers(channels: dict[str, Channel], view: PeriodView) -> dict[str, str]:
    """The first message of each channel: the header (for email, the whole email)."""
    return {name: shown(name, found[0]) for name, found in messages(channels, view).items()}


# the language of a digest ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "prompt_version", "lang"),
    [
        ("llm", "ko-sections-v2", "ko"),
        ("llm", "en-sections-v2", "en"),
        ("llm", "ja-sections-v2", "ja"),
        ("llm", "zh-sections-v2", "zh"),
        ("imported", "imported-2024-12-06", "ko"),
        ("extractive", "imported-2024-12-06", "en"),
        ("extractive", "extractive-v1", "en"),
        ("llm", "sections-v1", None),
    ],
)
def test_a_summarys_language_comes_from_its_kind_and_prompt_version(
    kind: str, prompt_version: str, lang: str | None
) -> None:
    assert summary_lang(kind, prompt_version) == lang


def test_a_digest_is_in_the_language_of_most_of_its_summaries(tmp_path: Path) -> None:
    db = tmp_path / "mixed.db"
    entries = sorted(english_entries(), key=lambda e: -e.votes)  # most votes first
    store_summarized(db, DAY, entries, ["ja-sections-v2", "en-sections-v2", "en-sections-v2"])
    store_summarized(db, "2024-12-07", entries[:2], ["ja-sections-v2", "en-sections-v2"])
    store_summarized(db, "2024-12-08", entries[:1], "sections-v1")  # says nothing

    assert [paper.lang for paper in view_of(db).papers] == ["ja", "en", "en"]
    assert view_of(db).lang == "en"
    assert view_of(db, "2024-12-07").lang == "ja"  # a tie: the first paper shown
    assert view_of(db, "2024-12-08").lang == "ko"  # the default


def test_a_week_is_in_the_language_of_its_summaries(tmp_path: Path) -> None:
    db = tmp_path / "week.db"
    entries = english_entries()
    ids = store_summarized(db, DAY, entries, "en-sections-v2")
    with Store.open(db) as store:
        store.replace_week("2024-W49", list(zip(entries, ids, strict=True)))

    assert view_of(db, "2024-W49").lang == "en"


# the words as data -----------------------------------------------------------------------------


def placeholders(pattern: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(pattern) if name}


def test_every_language_has_every_word_with_the_same_placeholders() -> None:
    assert set(WORDS) == {"ko", "en", "ja", "zh"}
    for lang, words in WORDS.items():
        assert words.lang == lang
        for field in fields(words):
            value = getattr(words, field.name)
            assert value.strip(), (lang, field.name)
            assert placeholders(value) == placeholders(getattr(ENGLISH, field.name)), (
                lang,
                field.name,
            )


def test_an_unknown_language_gets_english_words() -> None:
    assert words_for("fr") is ENGLISH
    assert words_for(None) is ENGLISH
    assert words_for("KO") is WORDS["ko"]


def test_the_product_name_stays_english_in_every_language() -> None:
    for words in WORDS.values():
        assert words.heading(Period.day(DAY)) == f"Daily Papers {DAY}"
        assert words.heading(Period.week("2024-W49")) == "Weekly Papers 2024-W49"


# every channel in the digest's language --------------------------------------------------------


def test_a_korean_digest_has_korean_words_on_every_channel(
    korean: PeriodView, channels: dict[str, Channel]
) -> None:
    heads = headers(channels, korean)

    assert korean.lang == "ko"
    assert f"논문 {PAPERS}편 · 스레드에 한 편씩 · <{PAGE}|사이트에서 보기>" in heads["slack"]
    assert (
        f"\n논문 {PAPERS}편 · 스레드에 한 편씩\n[사이트에서 보기](<{PAGE}>)\n" in heads["discord"]
    )
    assert heads["telegram"] == (
        f"Daily Papers {DAY}\n논문 {PAPERS}편 · 추천 많은 순 · 답글로 한 편씩\n사이트에서 보기"
    )
    subject, mail = heads["email"].split("\n", 1)
    assert subject == f"Daily Papers {DAY} — 논문 {PAPERS}편"
    assert f"사이트에서 보기: {PAGE}" in mail
    assert "   저자: Author 0, 김민수, Lee Jiwoo" in mail
    assert '<html lang="ko">' in mail
    assert f"논문 {PAPERS}편 · 추천 많은 순 " in mail
    assert ">사이트에서 보기</a>" in mail
    for name, text in heads.items():
        for english in (f"{PAPERS} papers", "on the web", "Authors:", "most upvoted"):
            assert english not in text, (name, english)


def test_an_english_digest_has_english_words_on_every_channel(
    english: PeriodView, channels: dict[str, Channel]
) -> None:
    heads = headers(channels, english)

    assert english.lang == "en"
    assert (
        f"{PAPERS} papers · one per reply in the thread · <{PAGE}|Read on the web>"
        in (heads["slack"])
    )
    assert (
        f"\n{PAPERS} papers · one per reply in the thread\n[Read on the web](<{PAGE}>)\n"
        in (heads["discord"])
    )
    assert heads["telegram"] == (
        f"Daily Papers {DAY}\n{PAPERS} papers, most upvoted first, one reply each.\nRead on the web"
    )
    subject, mail = heads["email"].split("\n", 1)
    assert subject == f"Daily Papers {DAY} — {PAPERS} papers"
    assert f"On the web: {PAGE}" in mail
    assert "   Authors: Author 0, Kim Minsu" in mail
    assert '<html lang="en">' in mail
    assert f"{PAPERS} papers, most upvoted first. " in mail
    assert ">Read on the web</a>" in mail
    # nothing Korean in any message of an English digest: the papers' messages neither
    for name, found in messages(channels, english).items():
        for message in found:
            text = shown(name, message)
            assert HANGUL.search(text) is None, (name, message.key, text[:200])


@pytest.mark.parametrize(
    ("lang", "label", "more"), [("ko", "저자:", "외 20명"), ("en", "Authors:", "and 20 more")]
)
def test_a_papers_message_names_its_authors_in_the_digests_language(
    korean: PeriodView,
    english: PeriodView,
    channels: dict[str, Channel],
    lang: str,
    label: str,
    more: str,
) -> None:
    view = korean if lang == "ko" else english
    many = tuple(f"Author {i}" for i in range(30))
    crowded = replace(view, papers=(replace(view.papers[0], authors=many),))

    found = messages(channels, crowded)

    assert f"{label} Author 0, " in shown("slack", found["slack"][1])
    assert f", Author 9 {more}" in shown("slack", found["slack"][1])  # Slack names 10
    assert f"   {label} Author 0, " in shown("email", found["email"][0])
    assert f", Author 19 {more.replace('20', '10')}" in shown("email", found["email"][0])


def test_a_japanese_digest_has_japanese_words_on_every_channel(
    tmp_path: Path, channels: dict[str, Channel]
) -> None:
    db = tmp_path / "ja.db"
    store_summarized(db, DAY, english_entries(), "ja-sections-v2")
    heads = headers(channels, view_of(db))

    assert f"論文{PAPERS}本 · スレッドに1本ずつ" in heads["slack"]
    assert f"論文{PAPERS}本 · スレッドに1本ずつ" in heads["discord"]
    assert "サイトで見る" in heads["telegram"]
    assert heads["email"].startswith(f"Daily Papers {DAY} — 論文{PAPERS}本\n")
    assert '<html lang="ja">' in heads["email"]


def test_a_weeks_messages_are_headed_weekly_papers_on_every_channel(
    channels: dict[str, Channel], korean: PeriodView
) -> None:
    week = replace(korean, period=Period.week("2024-W49"))

    for name, text in headers(channels, week).items():
        assert "Weekly Papers 2024-W49" in html.unescape(text), name
        assert "Daily Papers" not in text, name
