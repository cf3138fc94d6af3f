"""The Discord channel: formatting, and `publish --discord` against a fake Discord API.

The crash tests run the real CLI as a child process and have the fake SIGKILL it when the nth
message (or the thread) is posted, before or after the fake keeps it; a rerun must then leave
the header once in the channel and every paper exactly once in its thread.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dailypapers.digest.render import escape_title
from dailypapers.digest.views import PeriodView
from dailypapers.errors import ConfigError
from dailypapers.models import DigestEntry
from dailypapers.periods import Period
from dailypapers.publish.common import units
from dailypapers.publish.deliver import DeliveryError, deliver
from dailypapers.publish.discord import SUPPRESS_EMBEDS, DiscordChannel, from_env
from dailypapers.publish.discord_format import LIMITS, escape, paper_content
from dailypapers.publish.words import words_for
from dailypapers.store import Store
from tests.e2e import invoke
from tests.fake_discord import BOT_ID, CHANNEL_ID, TOKEN, FakeDiscord
from tests.fakes import gateway_error
from tests.publishing import (
    DAY,
    assert_backoffs,
    deliver_quietly,
    deliveries,
    paper,
    publish_killed,
    sections,
    store_entries,
)

HOSTILE = (
    "*b* _i_ __u__ ~~s~~ ||spoiler|| `code` ```py``` > # [x](https://e.vil) @everyone <@1> :x: \\"
)
#: What Discord reads as markup unless a backslash comes first (a backslash escapes any
#: ASCII character that is not a letter, a digit or a space).
MARKUP = set("\\*_~|`>#[]()<@:")
LIST_ITEM = re.compile(r"^\s*(-|\+|\d+\.)", re.MULTILINE)
CONTENT_LIMIT = LIMITS.message
EN = words_for("en")


# helpers -------------------------------------------------------------------------------------


def literal(markdown: str) -> str:
    """The text Discord shows for ``markdown``, which must hold no markup at all."""
    assert LIST_ITEM.search(markdown) is None, f"a list item or subtext in {markdown!r}"
    shown, at = [], 0
    while at < len(markdown):
        char = markdown[at]
        following = markdown[at + 1 : at + 2]
        if char == "\\" and following and not following.isalnum() and not following.isspace():
            shown.append(following)
            at += 2
            continue
        assert char not in MARKUP, f"unescaped {char!r} at {at} in {markdown!r}"
        shown.append(char)
        at += 1
    return "".join(shown)


def entry(index: int, title: str | None = None) -> DigestEntry:
    arxiv_id = f"2412.06{index:03d}"
    return DigestEntry(
        arxiv_id=arxiv_id,
        title_md=escape_title(title or f"Paper {arxiv_id}: efficient things"),
        thumbnail=None,
        votes=100 - index,
        authors=(f"Author {index}", "김민수"),
        sections=sections(
            f"{arxiv_id}는 새로운 방법을 제안합니다.",
            "두 단계 파이프라인(pipeline)으로 구성됩니다.",
            f"정확도가 {index}.5% 향상되었습니다.",
        ),
    )


def store_day(out: Path, count: int, *, hostile: bool = False) -> list[str]:
    """A stored digest for ``DAY`` with ``count`` papers, most votes first; their ids."""
    entries = [entry(i, HOSTILE if hostile and i == 1 else None) for i in range(1, count + 1)]
    store_entries(db_in(out), DAY, entries)
    return [e.arxiv_id for e in entries]


def db_in(out: Path) -> Path:
    """The database ``publish --out`` uses."""
    return out / "dailypapers.db"


def env_for(fake: FakeDiscord, token: str = TOKEN) -> dict[str, str]:
    return {
        "DISCORD_BOT_TOKEN": token,
        "DISCORD_CHANNEL_ID": CHANNEL_ID,
        "DISCORD_API_URL": fake.api_url,
        "DAILYPAPERS_SITE_URL": "",  # whatever the developer's shell says
    }


def publish(out: Path, env: dict[str, str], *more: str) -> Any:
    return invoke("publish", "--date", DAY, "--discord", "--out", str(out), *more, env=env)


def assert_published_once(fake: FakeDiscord, ids: list[str]) -> str:
    """The header once in the channel, its thread holding each paper once, in order."""
    headers = [m for m in fake.in_channel() if m.content.endswith(f"dailypapers {DAY} · header")]
    assert len(headers) == 1, [m.content[:40] for m in fake.in_channel()]
    header = headers[0]
    assert list(fake.threads) == [header.id]
    assert fake.threads[header.id].name == f"Daily Papers {DAY}"
    shown = [m.content.rsplit(" · ", 1)[-1] for m in fake.in_thread(header.id)]
    assert shown == ids
    assert {m.author_id for m in fake.messages} == {BOT_ID}
    return header.id


@pytest.fixture
def fake() -> Iterator[FakeDiscord]:
    with FakeDiscord() as server:
        yield server


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "out"


@pytest.fixture
def channel(fake: FakeDiscord) -> Iterator[DiscordChannel]:
    opened = from_env(env_for(fake), timeout=5)
    yield opened
    opened.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "library.db") as opened:
        yield opened


# formatting ----------------------------------------------------------------------------------


@given(st.text())
def test_escaped_text_shows_exactly_as_written(text: str) -> None:
    assert literal(escape(text)) == text


def test_a_hostile_title_author_and_summary_show_literally() -> None:
    hostile = paper(
        title=HOSTILE,
        authors=("@here", "<@&123>"),
        sections=sections("- 목록 아님", "1. 번호 아님 **굵게 아님**", "# 제목 아님 `코드 아님`"),
        note="_기울임 아님_",
        github_repo="https://github.com/a/b?x=(1)<2>",
        project_page="javascript:alert(1)",
    )

    lines = paper_content(DAY, hostile, EN).split("\n")

    assert lines[0].startswith("**")
    assert lines[0].endswith("**")
    assert literal(lines[0][2:-2]) == HOSTILE
    assert lines[1] == (
        "▲ 7 · [arXiv](<https://arxiv.org/abs/2412.06001>) · "
        "[Hugging Face](<https://huggingface.co/papers/2412.06001>) · "
        "[GitHub](<https://github.com/a/b?x=%281%29%3C2%3E>)"
    )
    assert lines[2].startswith("-# ")
    assert literal(lines[2][3:]) == "@here, <@&123>"
    assert literal(lines[3][1:-1]) == "_기울임 아님_"
    bodies = [lines[6], lines[9], lines[12]]
    assert [literal(body) for body in bodies] == [s.text for s in hostile.sections]
    assert lines[-1] == f"-# dailypapers {DAY} · 2412.06001"


def test_long_sections_are_cut_to_fit_and_short_ones_are_kept_whole() -> None:
    long = "긴 요약 문장입니다 🤖 *별표* 그리고 _밑줄_. " * 300
    crowded = paper(
        title="T" * 1000,
        authors=tuple(f"Author {i}" for i in range(200)),
        sections=sections(long, "짧은 섹션.", long),
        note="n" * 1000,
    )

    content = paper_content(DAY, crowded, EN)
    lines = content.split("\n")

    assert units(content) <= CONTENT_LIMIT
    assert units(content) > CONTENT_LIMIT - 20  # the room is used, not wasted
    assert lines[9] == "짧은 섹션."
    assert lines[6].endswith("…")
    assert lines[12].endswith("…")
    assert len(lines[6]) == pytest.approx(len(lines[12]), abs=3)
    assert literal(lines[6]).rstrip("…") in long
    assert lines[-1] == f"-# dailypapers {DAY} · 2412.06001"


def test_a_crowded_message_is_taken_by_the_fake_as_it_counts(
    fake: FakeDiscord, channel: DiscordChannel, store: Store
) -> None:
    long = "𝐋𝐨𝐧𝐠 " * 2000  # outside the BMP: two UTF-16 units each
    view = PeriodView(Period.parse(DAY), (paper(sections=sections(long, long, long)),))
    report = deliver_quietly(store, channel, view)

    assert report.sent == ["header", "2412.06001"]
    assert len(fake.in_thread(fake.in_channel()[0].id)) == 1


# publishing through the CLI ------------------------------------------------------------------


def test_publish_posts_a_header_and_each_paper_in_its_thread(fake: FakeDiscord, out: Path) -> None:
    ids = store_day(out, 3, hostile=True)

    result = publish(out, env_for(fake))

    assert result.exit_code == 0, result.output
    assert f"discord → {CHANNEL_ID} ({DAY}): 4 sent" in result.output
    header_id = assert_published_once(fake, ids)
    header = fake.in_channel()[0]
    assert header.content == (
        f"## Daily Papers {DAY}\n논문 3편 · 스레드에 한 편씩\n-# dailypapers {DAY} · header"
    )
    for message in fake.messages:
        assert message.flags == SUPPRESS_EMBEDS
        assert message.allowed_mentions == {"parse": []}
    first = fake.in_thread(header_id)[0].content.split("\n")[0]
    assert literal(first[2:-2]) == HOSTILE
    remote = {m.content.rsplit(" · ", 1)[-1]: m.id for m in fake.messages}
    assert deliveries(db_in(out)) == [("header", "sent", header_id, None)] + [
        (pid, "sent", remote[pid], None) for pid in ids
    ]
    assert all(r.headers["authorization"] == f"Bot {TOKEN}" for r in fake.requests)


def test_a_rerun_sends_nothing_new(fake: FakeDiscord, out: Path) -> None:
    ids = store_day(out, 3)
    assert publish(out, env_for(fake)).exit_code == 0
    requests = len(fake.requests)

    again = publish(out, env_for(fake))

    assert again.exit_code == 0, again.output
    assert "0 sent, 4 already sent" in again.output
    assert len(fake.requests) == requests
    assert_published_once(fake, ids)


def test_dry_run_counts_the_messages_and_sends_nothing(fake: FakeDiscord, out: Path) -> None:
    store_day(out, 2)

    result = publish(out, env_for(fake), "--dry-run")

    assert result.exit_code == 0, result.output
    assert f"discord → {CHANNEL_ID}: 3 messages" in result.output
    assert fake.requests == []


@pytest.mark.parametrize("where", ["json-body", "header-only"])
def test_a_429_is_waited_out_and_the_message_sent_once(
    fake: FakeDiscord, out: Path, where: str
) -> None:
    ids = store_day(out, 2)
    if where == "json-body":
        fake.rate_limit(0.05, times=2)
    else:
        fake.fail_next(429, headers={"Retry-After": "0"}, body=b"<html>slow down</html>")

    result = publish(out, env_for(fake))

    assert result.exit_code == 0, result.output
    assert f"({DAY}): 3 sent" in result.output
    assert_published_once(fake, ids)
    assert sum(1 for r in fake.requests if r.method == "POST") == 3 + 1 + (
        2 if where == "json-body" else 1
    )


def test_posts_keep_to_the_rate_limit_discord_announces(fake: FakeDiscord, out: Path) -> None:
    ids = store_day(out, 5)
    fake.bucket = (2, 0.2)  # two posts per channel every 0.2 s

    result = publish(out, env_for(fake))

    assert result.exit_code == 0, result.output
    assert fake.limited == 0, "a post was answered 429: the announced limit was not kept"
    assert_published_once(fake, ids)


def test_a_bad_token_is_named_and_never_shown(fake: FakeDiscord, out: Path) -> None:
    store_day(out, 2)
    wrong = "MTMxMDAwMDAwMDAwMDAwMDAwMQ.GwRoNg.not-the-right-token-0123456789"

    result = publish(out, env_for(fake, token=wrong), "--verbose")

    assert result.exit_code == 1
    assert "Discord refused the bot token" in result.output
    assert "DISCORD_BOT_TOKEN" in result.output
    assert "try 1 failed" in " ".join(result.output.split())  # the --verbose log, unwrapped
    assert wrong not in result.output
    assert "GwRoNg" not in str(deliveries(db_in(out)))
    assert fake.messages == []
    assert [r.method for r in fake.requests] == ["POST"]  # fatal: nothing more is tried


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("no-channel", "Discord does not know channel 1310000000000000001"),
        ("no-threads", "give it View Channel, Send Messages, Create Public Threads"),
    ],
    ids=["unknown-channel", "no-thread-permission"],
)
def test_a_refusal_says_what_to_fix(
    fake: FakeDiscord, out: Path, setup: str, expected: str
) -> None:
    store_day(out, 2)
    if setup == "no-channel":
        fake.channel_id = "1310000000000009999"
    else:
        fake.granted.discard("CREATE_PUBLIC_THREADS")

    result = publish(out, env_for(fake))

    assert result.exit_code == 1
    assert expected in " ".join(result.output.split())
    assert len(fake.messages) == (1 if setup == "no-threads" else 0)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "discord: set DISCORD_BOT_TOKEN, DISCORD_CHANNEL_ID to publish there"),
        (
            {"DISCORD_BOT_TOKEN": "abc def\nsecret-part", "DISCORD_CHANNEL_ID": CHANNEL_ID},
            "DISCORD_BOT_TOKEN does not look like a bot token",
        ),
        (
            {"DISCORD_BOT_TOKEN": TOKEN, "DISCORD_CHANNEL_ID": "#general"},
            "DISCORD_CHANNEL_ID must be a channel id",
        ),
    ],
    ids=["unset", "token-with-spaces", "channel-name"],
)
def test_bad_settings_are_refused_before_any_request(env: dict[str, str], expected: str) -> None:
    with pytest.raises(ConfigError) as raised:
        from_env(env)

    assert expected in str(raised.value)
    assert "secret-part" not in str(raised.value)


# the library: retries, find, nonce -----------------------------------------------------------


def test_a_5xx_after_the_message_was_kept_is_found_not_sent_again(
    fake: FakeDiscord, channel: DiscordChannel, store: Store
) -> None:
    view = PeriodView(Period.parse(DAY), (paper(),))
    fake.crash_at(at="after_store", then=gateway_error(502))  # kept; the answer is lost
    waits: list[float] = []

    report = deliver_quietly(store, channel, view, waits)

    assert report.recovered == ["header"]
    assert report.sent == ["2412.06001"]
    assert_backoffs(waits, 2.0)
    assert len(fake.in_channel()) == 1


def test_a_message_that_cannot_be_looked_for_fails_without_a_copy_and_is_found_later(
    fake: FakeDiscord, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="dailypapers")
    view = PeriodView(Period.parse(DAY), (paper(),))
    channel = DiscordChannel(
        token=TOKEN, channel_id=CHANNEL_ID, api_url=fake.api_url, sleep=lambda _: None
    )
    fake.crash_at(at="after_store", then=gateway_error(502))  # kept; the answer is lost

    def reads_break(_: float) -> None:  # while deliver waits to try again
        fake.fail_next(503, times=20)

    first = deliver(store, channel, view, sleep=reads_break)
    fake.heal()
    second = deliver(store, channel, view, sleep=lambda _: None)
    channel.close()

    assert "could not look for it" in first.failed["header"]
    # the tries before the last one are logged, not dropped
    assert "asking Discord who the bot is: Discord failed (503)" in caplog.text
    assert "; retrying in " in caplog.text
    assert first.waiting == ["2412.06001"]
    assert second.recovered == ["header"]
    assert second.sent == ["2412.06001"]
    assert len(fake.in_channel()) == 1


def test_a_negative_wait_asked_for_is_no_wait(
    fake: FakeDiscord, channel: DiscordChannel, store: Store
) -> None:
    fake.rate_limit(-5)
    waits: list[float] = []

    report = deliver_quietly(store, channel, PeriodView(Period.parse(DAY), (paper(),)), waits)

    assert waits == [0.0]  # time.sleep refuses a negative wait
    assert report.sent == ["header", "2412.06001"]


def waiting_channel(fake: FakeDiscord, waits: list[float]) -> DiscordChannel:
    """A channel that records its waits instead of sleeping."""
    return DiscordChannel(
        token=TOKEN, channel_id=CHANNEL_ID, api_url=fake.api_url, sleep=waits.append
    )


def test_a_read_is_retried_after_the_whole_wait_discord_asks_for(fake: FakeDiscord) -> None:
    waits: list[float] = []
    channel = waiting_channel(fake, waits)
    header, _ = channel.messages(PeriodView(Period.parse(DAY), (paper(),)))
    fake.rate_limit(120)

    found = channel.find(header, None)
    channel.close()

    assert found is None
    assert waits == [pytest.approx(120, abs=1)]  # once, as long as asked: not cut to 60 s
    assert [r.path.rsplit("/", 1)[-1] for r in fake.requests] == ["@me", "@me", "messages"]


def test_a_read_asked_to_wait_longer_than_the_limit_fails_at_once(fake: FakeDiscord) -> None:
    waits: list[float] = []
    channel = waiting_channel(fake, waits)
    header, _ = channel.messages(PeriodView(Period.parse(DAY), (paper(),)))
    fake.rate_limit(700)

    with pytest.raises(DeliveryError) as raised:
        channel.find(header, None)
    channel.close()

    assert raised.value.retry_after == 700
    assert waits == []
    assert len(fake.requests) == 1


def test_a_post_asked_to_wait_longer_than_the_limit_fails_for_the_next_run(
    fake: FakeDiscord, store: Store
) -> None:
    waits: list[float] = []
    channel = waiting_channel(fake, waits)
    fake.rate_limit(700)

    report = deliver_quietly(store, channel, PeriodView(Period.parse(DAY), (paper(),)), waits)
    channel.close()

    assert waits == []
    assert report.failed == {
        "header": "the header: Discord asks to wait 700 s "
        "(asked to wait 700 s (more than 600 s): try again later)"
    }
    assert report.waiting == ["2412.06001"]


def test_a_5xx_before_the_message_was_kept_is_sent_again_once(
    fake: FakeDiscord, channel: DiscordChannel, store: Store
) -> None:
    view = PeriodView(Period.parse(DAY), (paper(),))
    fake.fail_next(503)

    report = deliver_quietly(store, channel, view)

    assert report.sent == ["header", "2412.06001"]
    assert report.recovered == []
    assert len(fake.in_channel()) == 1


def test_find_looks_back_past_a_page_and_ignores_copies_by_people(
    fake: FakeDiscord, channel: DiscordChannel
) -> None:
    view = PeriodView(Period.parse(DAY), (paper("2412.06001"), paper("2412.06002")))
    header, first, second = channel.messages(view)
    header_id = channel.send(header, None)
    channel.send(first, header_id)  # starts the thread
    fake.post_as_someone(header_id, second.body.content)  # a person quoting it: not ours
    assert channel.find(second, header_id) is None

    sent = channel.send(second, header_id)
    for i in range(150):
        fake.post_as_someone(header_id, f"comment {i}")

    assert channel.find(second, header_id) == sent
    assert channel.find(header, None) == header_id
    befores = [r.query.get("before") for r in fake.requests if r.method == "GET"]
    assert any(befores), "the second page was never asked for"


def test_find_in_a_thread_that_was_never_started_finds_nothing(
    fake: FakeDiscord, channel: DiscordChannel
) -> None:
    header, post = channel.messages(PeriodView(Period.parse(DAY), (paper(),)))
    header_id = channel.send(header, None)

    assert channel.find(post, header_id) is None
    assert fake.threads == {}


def test_a_resend_with_the_same_nonce_gets_the_first_message_back(
    fake: FakeDiscord, channel: DiscordChannel
) -> None:
    header, _ = channel.messages(PeriodView(Period.parse(DAY), (paper(),)))

    first = channel.send(header, None)
    second = channel.send(header, None)

    assert first == second
    assert len(fake.messages) == 1


# crash and rerun -----------------------------------------------------------------------------


def run_killed(fake: FakeDiscord, out: Path, what: str, nth: int, *, after_store: bool) -> str:
    """Run ``publish --discord`` as a child process that the fake SIGKILLs at a post."""
    return publish_killed(
        ["publish", "--date", DAY, "--discord", "--out", str(out)],
        env_for(fake),
        fake,
        nth,
        after_store=after_store,
        what=what,
    )


CRASHES = {
    "header-before-kept": ("message", 1, False),
    "header-after-kept": ("message", 1, True),
    "2nd-paper-before-kept": ("message", 3, False),
    "2nd-paper-after-kept": ("message", 3, True),
    "thread-after-started": ("thread", 1, True),
}


@pytest.mark.parametrize(("what", "nth", "after_store"), CRASHES.values(), ids=CRASHES.keys())
def test_a_publish_killed_at_a_post_is_finished_by_the_rerun_with_nothing_twice(
    fake: FakeDiscord, out: Path, what: str, nth: int, after_store: bool
) -> None:
    ids = store_day(out, 4)

    run_killed(fake, out, what, nth, after_store=after_store)
    kept, posted = len(fake.messages), fake.posts["message"]
    rerun = publish(out, env_for(fake))

    assert rerun.exit_code == 0, rerun.output
    header_id = assert_published_once(fake, ids)
    assert [row[1] for row in deliveries(db_in(out))] == ["sent"] * 5
    found = after_store and what == "message"
    assert ("1 found already delivered" in rerun.output) is found
    assert fake.posts["message"] - posted == 5 - kept  # the rerun posted only what was missing
    assert deliveries(db_in(out))[0][2] == header_id
