"""Telegram: formatting within the Bot API's rules, the real CLI against a fake Bot API, and
what a crash in the middle of publishing leaves behind."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import Result

from dailypapers.digest.views import PaperView, PeriodView
from dailypapers.periods import Period
from dailypapers.publish import open_channel
from dailypapers.publish.common import units
from dailypapers.publish.deliver import deliver
from dailypapers.publish.telegram import LIMITS, TelegramChannel, format_paper
from dailypapers.publish.words import words_for
from dailypapers.store import Store
from tests import publishing
from tests.fake_telegram import CHAT_ID, TOKEN, FakeTelegram, Stored, parse_html
from tests.fakes import gateway_error
from tests.publishing import (
    AMP_TITLE,
    DAY,
    IMG_TITLE,
    dump,
    ledger,
    paper,
    publish_args,
    publish_killed,
    sections,
    store_titles,
    stored_view,
)

PAPERS = 4
LIMIT = LIMITS.message
EN = words_for("en")


# a stored day and the CLI ------------------------------------------------------------------


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "papers.db"


@pytest.fixture
def titles(db: Path) -> list[str]:
    """DAY stored with titles made of markup first (most votes); the titles, most voted first."""
    more = [f"Paper {i}: 효율적인 추론" for i in range(2, PAPERS)]
    return store_titles(db, [IMG_TITLE, AMP_TITLE, *more])


def telegram_env(fake: FakeTelegram, **changes: str) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_CHAT_ID": CHAT_ID,
        "TELEGRAM_API_URL": fake.url,
        "DAILYPAPERS_SITE_URL": "",
        **changes,
    }


def publish(db: Path, env: Mapping[str, str], *flags: str) -> Result:
    return publishing.publish("telegram", db, env, *flags)


def titled(title: str, texts: tuple[str, ...]) -> PaperView:
    return paper(title=title, votes=12, sections=sections(*texts))


# formatting ----------------------------------------------------------------------------------


@pytest.mark.parametrize("title", [IMG_TITLE, AMP_TITLE])
def test_a_title_made_of_markup_is_shown_as_literal_text(title: str) -> None:
    text = format_paper(titled(title, ("새 방법 <b>굵게</b> & 기호", "두 단계", "1.5% 향상")), EN)

    parsed = parse_html(text)  # as strict as Telegram: a stray tag or "&" is an error

    assert parsed.text.startswith(f"{title}\nVote: 12 · arXiv · Hugging Face\n")
    assert "새 방법 <b>굵게</b> & 기호" in parsed.text
    assert {entity["type"] for entity in parsed.entities} == {"a", "b", "i"}
    assert "<img" not in text
    assert "<c>" not in text


def test_long_sections_are_cut_to_fit_one_message() -> None:
    long = "확산 모델의 추론을 줄이는 방법 😀 & <tag> " * 300  # ~9,000 units each
    text = format_paper(titled("A long one", (long, "짧은 내용", long)), EN)

    shown = parse_html(text).text

    assert LIMIT - 50 <= units(shown) <= LIMIT
    assert "짧은 내용" in shown  # the short section is kept whole
    assert shown.count("…") == 2


@settings(max_examples=60, deadline=None)
@given(
    title=st.text(min_size=1, max_size=600),
    texts=st.tuples(*[st.text(alphabet="가나 &<>\"'😀a\n", max_size=5000)] * 3),
)
def test_every_paper_message_parses_and_fits(title: str, texts: tuple[str, ...]) -> None:
    text = format_paper(titled(title, texts), EN)

    shown = parse_html(text).text

    assert units(shown) <= LIMIT
    if units(shown) < LIMIT - 200:  # nothing had to be cut
        assert all(section in shown for section in texts)


@pytest.mark.parametrize(
    ("period", "page"), [(DAY, f"days/{DAY}.html"), ("2024-W49", "weeks/2024-W49.html")]
)
def test_the_header_links_the_day_or_week_page(period: str, page: str) -> None:
    channel = TelegramChannel(token=TOKEN, chat_id=CHAT_ID, site_url="https://x.example/p/")

    [header] = channel.messages(PeriodView(Period.parse(period), ()))

    parsed = parse_html(header.body.html)
    title = f"{'Weekly' if 'W' in period else 'Daily'} Papers {period}"
    assert parsed.text.startswith(f"{title}\n논문 0편 · ")
    assert parsed.entities[-1] == {
        "type": "a",
        "offset": parsed.text.index("사이트에서 보기"),
        "length": len("사이트에서 보기"),
        "url": f"https://x.example/p/{page}",
    }


# the CLI against the fake ----------------------------------------------------------------------


def test_publish_posts_a_header_then_one_threaded_reply_per_paper(
    telegram: FakeTelegram, db: Path, titles: list[str]
) -> None:
    env = telegram_env(telegram, DAILYPAPERS_SITE_URL="https://papers.example.org/")
    result = publish(db, env)

    assert result.exit_code == 0, result.output
    assert f"telegram → chat {CHAT_ID} ({DAY}): 5 sent" in result.output
    header, *replies = telegram.messages
    assert header.text == (
        f"Daily Papers {DAY}\n논문 4편 · 추천 많은 순 · 답글로 한 편씩\n사이트에서 보기"
    )
    assert header.entities[-1]["url"] == f"https://papers.example.org/days/{DAY}.html"
    assert header.reply_to is None
    assert [m.reply_to for m in replies] == [header.message_id] * PAPERS
    assert [m.text.split("\n")[0] for m in replies] == titles
    assert all(m.link_preview_options == {"is_disabled": True} for m in replies)
    ids = [str(m.message_id) for m in telegram.messages]
    keys = ["header", *(f"2412.06{i:03d}" for i in range(PAPERS))]
    assert ledger(db) == {key: ("sent", id_) for key, id_ in zip(keys, ids, strict=True)}


def test_a_rerun_sends_nothing_new(telegram: FakeTelegram, db: Path, titles: list[str]) -> None:
    first = publish(db, telegram_env(telegram))
    second = publish(db, telegram_env(telegram))

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert "0 sent, 5 already sent" in second.output
    assert len(telegram.messages) == 1 + PAPERS
    assert len(telegram.requests) == 1 + PAPERS


def test_a_bad_token_stops_with_the_variable_named_and_the_token_nowhere(
    telegram: FakeTelegram, db: Path, titles: list[str]
) -> None:
    wrong = "987654321:AAWrongSecretTokenValue-xyz"
    result = publish(db, telegram_env(telegram, TELEGRAM_BOT_TOKEN=wrong), "--verbose")

    assert result.exit_code == 1
    assert "Telegram refused the bot token (401 Unauthorized): check TELEGRAM_BOT_TOKEN" in (
        result.output
    )
    assert "/botTOKEN/sendMessage" in result.output  # the verbose request log, placeholder only
    assert [r.path for r in telegram.requests] == [f"/bot{wrong}/sendMessage"]  # then it stopped
    assert wrong not in result.output
    assert wrong not in dump(db)
    assert telegram.messages == []


def test_an_unknown_chat_names_the_chat_variable(
    telegram: FakeTelegram, db: Path, titles: list[str]
) -> None:
    result = publish(db, telegram_env(telegram, TELEGRAM_CHAT_ID="-100999"))

    assert result.exit_code == 1
    assert "Telegram does not know chat -100999 (Bad Request: chat not found): check " in (
        result.output
    )
    assert "TELEGRAM_CHAT_ID" in result.output
    assert len(telegram.requests) == 1


def test_a_bot_the_chat_blocked_stops_with_what_to_do(
    telegram: FakeTelegram, db: Path, titles: list[str]
) -> None:
    telegram.block()

    result = publish(db, telegram_env(telegram))

    assert result.exit_code == 1
    assert (
        f"Telegram does not let the bot post to chat {CHAT_ID} (Forbidden: bot was blocked by "
        "the user): add the bot to the chat"
    ) in " ".join(result.output.split())
    assert len(telegram.requests) == 1  # fatal: nothing more is tried
    assert ledger(db) == {"header": ("failed", None)}


def test_an_unreachable_api_fails_the_header_and_holds_back_the_replies(
    db: Path, titles: list[str]
) -> None:
    with FakeTelegram() as gone:
        env = telegram_env(gone, TELEGRAM_API_URL=gone.url)
    result = publish(db, env)

    assert result.exit_code == 1
    assert f"0 sent, 1 failed, {PAPERS} not sent: their header failed" in result.output
    assert f"header: could not connect to Telegram at {gone.url[7:]}" in result.output
    assert ledger(db) == {"header": ("failed", None)}


@pytest.mark.parametrize(
    ("env", "error"),
    [
        ({"TELEGRAM_BOT_TOKEN": ""}, "telegram: set TELEGRAM_BOT_TOKEN to publish there"),
        ({"TELEGRAM_BOT_TOKEN": "12:ab/../x"}, "TELEGRAM_BOT_TOKEN does not look like a bot"),
        ({"TELEGRAM_API_URL": "ftp://x"}, "TELEGRAM_API_URL 'ftp://x' is not an http(s) address"),
    ],
)
def test_configuration_errors_name_the_variable(
    telegram: FakeTelegram, db: Path, titles: list[str], env: dict[str, str], error: str
) -> None:
    result = publish(db, telegram_env(telegram, **env))

    assert result.exit_code == 2
    assert error in result.output
    assert telegram.requests == []


# the library: waits, lost answers, and logs ---------------------------------------------------


def channel_for(fake: FakeTelegram) -> TelegramChannel:
    channel = open_channel("telegram", telegram_env(fake))
    assert isinstance(channel, TelegramChannel)
    return channel


def test_a_429_is_retried_after_the_wait_telegram_asks_for(
    telegram: FakeTelegram, db: Path, titles: list[str]
) -> None:
    telegram.rate_limit(7)
    waits: list[float] = []

    with Store.open(db) as store:
        report = deliver(store, channel_for(telegram), stored_view(db), sleep=waits.append)

    assert waits == [7.0]
    assert report.ok
    assert len(report.sent) == 1 + PAPERS
    assert len(telegram.messages) == 1 + PAPERS  # each once


def test_a_429_without_parameters_waits_as_its_retry_after_header_says(
    telegram: FakeTelegram, db: Path, titles: list[str]
) -> None:
    body = {"ok": False, "error_code": 429, "description": "Too Many Requests"}
    telegram.fail_next(429, headers={"Retry-After": "3"}, body=json.dumps(body).encode())
    waits: list[float] = []

    with Store.open(db) as store:
        report = deliver(store, channel_for(telegram), stored_view(db), sleep=waits.append)

    assert waits == [3.0]
    assert report.ok
    assert len(telegram.messages) == 1 + PAPERS


def test_a_lost_answer_means_one_resend_reported_as_such(
    telegram: FakeTelegram, db: Path, titles: list[str]
) -> None:
    telegram.crash_at(at="after_store", then=gateway_error())  # the header is kept; a 502

    with Store.open(db) as store:
        report = deliver(store, channel_for(telegram), stored_view(db), sleep=lambda _: None)

    first, second, *replies = telegram.messages
    assert report.resent_unclear == ["header"]
    assert first.text == second.text  # the documented duplicate
    assert [m.reply_to for m in replies] == [second.message_id] * PAPERS
    assert ledger(db)["header"] == ("sent", str(second.message_id))


def test_a_message_whose_answers_keep_getting_lost_is_resent_once_per_run(
    telegram: FakeTelegram, db: Path, titles: list[str]
) -> None:
    # every try of the header is stored, every answer lost
    telegram.crash_at(at="after_store", then=gateway_error(), times=4)

    with Store.open(db) as store:
        report = deliver(store, channel_for(telegram), stored_view(db), sleep=lambda _: None)

    assert len(telegram.messages) == 2  # the first send and one blind resend, not four
    assert report.resent_unclear == ["header"]
    assert "header" in report.failed
    assert len(report.waiting) == PAPERS
    assert ledger(db)["header"][0] == "sending"  # the next run knows it may have arrived


def test_the_token_never_reaches_the_http_logs(
    telegram: FakeTelegram, db: Path, titles: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("", "httpx2", "httpcore2", "dailypapers"):  # a CLI run may have set them
        caplog.set_level(logging.DEBUG, logger=name)

    with Store.open(db) as store:
        deliver(store, channel_for(telegram), stored_view(db))

    assert "/botTOKEN/sendMessage" in caplog.text
    assert TOKEN not in caplog.text
    assert {r.path for r in telegram.requests} == {f"/bot{TOKEN}/sendMessage"}


# crashes: SIGKILL the real CLI in the middle of publishing, then publish again ----------------


def run_killed(fake: FakeTelegram, db: Path, *, nth: int, after_store: bool) -> str:
    """Run ``publish --telegram`` as a child that the fake kills when its nth message arrives."""
    return publish_killed(
        publish_args("telegram", db), telegram_env(fake), fake, nth, after_store=after_store
    )


def reply_counts(messages: list[Stored], titles: list[str]) -> Counter[str]:
    return Counter(m.text.split("\n")[0] for m in messages if m.text.split("\n")[0] in titles)


@pytest.mark.parametrize(
    ("nth", "after_store"),
    [(3, False), (3, True), (1, True)],
    ids=["2nd-paper-before-stored", "2nd-paper-stored-answer-lost", "header-stored-answer-lost"],
)
def test_a_publish_killed_at_a_send_is_finished_by_the_next_run(
    telegram: FakeTelegram, db: Path, titles: list[str], nth: int, after_store: bool
) -> None:
    run_killed(telegram, db, nth=nth, after_store=after_store)

    assert len(telegram.messages) == (nth if after_store else nth - 1)
    killed_at = ["header", *(f"2412.06{i:03d}" for i in range(PAPERS))][nth - 1]
    assert ledger(db)[killed_at] == ("sending", None)

    rerun = publish(db, telegram_env(telegram))

    assert rerun.exit_code == 0, rerun.output
    left = 1 + PAPERS - (nth - 1)
    already = f", {nth - 1} already sent" if nth > 1 else ""
    assert f"{left} sent{already}, 1 sent again after an unclear try" in rerun.output
    # Telegram cannot be asked what arrived: the killed send is the one duplicate, and only
    # when Telegram had stored it. Nothing is missing.
    expected = Counter(titles)
    if after_store and nth > 1:
        expected[titles[nth - 2]] += 1
    assert reply_counts(telegram.messages, titles) == expected
    headers = [m for m in telegram.messages if m.text.startswith("Daily Papers")]
    assert len(headers) == (2 if after_store and nth == 1 else 1)
    replies = [m for m in telegram.messages if m.reply_to is not None]
    assert len(replies) == len(telegram.messages) - len(headers)
    assert {m.reply_to for m in replies} == {int(ledger(db)["header"][1] or 0)}
    assert {status for status, _ in ledger(db).values()} == {"sent"}
