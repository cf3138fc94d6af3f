"""The words every channel shows, as data, in each language a digest can be written in.

A digest's messages are in the language of its summaries (``PeriodView.lang``) on every
channel: each channel takes its words from ``words_for(view.lang)``, and an unknown language
gets English. The product's name (``Daily Papers``, ``Weekly Papers``) and the section names
(``What's New``, ...) stay in English in every language, as on the site.

Phrases are ``str.format`` patterns: ``{n}`` is a number, ``{count}`` a counted phrase
(``papers``), ``{url}`` an address, ``{period}`` a period's name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dailypapers.periods import Period


@dataclass(frozen=True)
class Words:
    """What the channels say, in one language."""

    #: The language code, as HTML's ``lang`` attribute wants it.
    lang: str
    #: How many papers: ``4 papers`` / ``논문 4편``; ``paper`` for exactly one.
    papers: str
    paper: str
    #: Slack and Discord, after the count: where the papers are.
    thread_hint: str
    #: Telegram's line under the heading.
    reply_lead: str
    #: The email's line under the heading.
    mail_lead: str
    #: The label of the link to the period's page on the site.
    read_on_site: str
    #: The period's page in plain text.
    on_the_web: str
    #: Before an authors line, where a channel names it.
    authors_label: str
    #: After the authors shown, for the ones left out.
    and_more: str
    #: A paper's upvotes, where a channel spells them out (the others show ``▲ 7``).
    votes: str
    #: Before a paper's note in plain text.
    note_label: str
    #: The label of a paper's project page link.
    project: str
    #: Under the email: how far to trust a summary.
    footer: str
    day_heading: str = "Daily Papers {period}"
    week_heading: str = "Weekly Papers {period}"

    def heading(self, period: Period) -> str:
        """What every channel calls the period's digest: ``Daily Papers 2024-12-06``."""
        pattern = self.week_heading if period.is_week else self.day_heading
        return pattern.format(period=period.name)

    def count(self, n: int) -> str:
        """``1 paper``, ``4 papers``, ``논문 4편``."""
        return (self.paper if n == 1 else self.papers).format(n=n)

    def authors(self, authors: Sequence[str], most: int | None = None) -> str:
        """The authors, comma-separated; past ``most`` of them, ``and N more``."""
        if most is None or len(authors) <= most:
            return ", ".join(authors)
        return f"{', '.join(authors[:most])} {self.and_more.format(n=len(authors) - most)}"


ENGLISH = Words(
    lang="en",
    papers="{n} papers",
    paper="{n} paper",
    thread_hint="one per reply in the thread",
    reply_lead="{count}, most upvoted first, one reply each.",
    mail_lead="{count}, most upvoted first.",
    read_on_site="Read on the web",
    on_the_web="On the web: {url}",
    authors_label="Authors:",
    and_more="and {n} more",
    votes="Vote: {n}",
    note_label="Note:",
    project="Project page",
    footer="Summaries are machine-made from each paper; check the paper before you rely on one.",
)

WORDS: dict[str, Words] = {
    "ko": Words(
        lang="ko",
        papers="논문 {n}편",
        paper="논문 {n}편",
        thread_hint="스레드에 한 편씩",
        reply_lead="{count} · 추천 많은 순 · 답글로 한 편씩",
        mail_lead="{count} · 추천 많은 순",
        read_on_site="사이트에서 보기",
        on_the_web="사이트에서 보기: {url}",
        authors_label="저자:",
        and_more="외 {n}명",
        votes="추천 {n}",
        note_label="참고:",
        project="프로젝트 페이지",
        footer="요약은 각 논문을 바탕으로 기계가 만들었습니다. 활용하기 전에 논문을 확인하세요.",
    ),
    "en": ENGLISH,
    "ja": Words(
        lang="ja",
        papers="論文{n}本",
        paper="論文{n}本",
        thread_hint="スレッドに1本ずつ",
        reply_lead="{count} · 投票の多い順 · 返信に1本ずつ",
        mail_lead="{count} · 投票の多い順",
        read_on_site="サイトで見る",
        on_the_web="サイトで見る: {url}",
        authors_label="著者:",
        and_more="ほか{n}名",
        votes="投票 {n}",
        note_label="注:",
        project="プロジェクトページ",
        footer="要約は各論文から機械的に作成したものです。利用する前に論文を確認してください。",
    ),
    "zh": Words(
        lang="zh",
        papers="论文 {n} 篇",
        paper="论文 {n} 篇",
        thread_hint="话题中每篇一条",
        reply_lead="{count} · 按投票数排序 · 每篇一条回复",
        mail_lead="{count} · 按投票数排序",
        read_on_site="在网站上查看",
        on_the_web="在网站上查看：{url}",
        authors_label="作者：",
        and_more="等 {n} 人",
        votes="投票 {n}",
        note_label="注：",
        project="项目主页",
        footer="摘要由机器根据各篇论文生成；使用前请核对原文。",
    ),
}


def words_for(lang: str | None) -> Words:
    """The words of ``lang``; English for a language without words of its own."""
    return WORDS.get((lang or "").lower(), ENGLISH)
