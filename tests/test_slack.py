"""The Slack channel: Block Kit formatting, and `publish --slack` against a fake Slack Web API.

The crash tests run the real CLI as a child process and have the fake SIGKILL it when the nth
message is posted, before or after the fake keeps it; a rerun must then leave the header once
in the channel and every paper exactly once in its thread.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk import WebClient
from typer.testing import Result

from dailypapers.digest.render import escape_title
from dailypapers.digest.views import PeriodView
from dailypapers.errors import ConfigError
from dailypapers.models import Section
from dailypapers.periods import Period
from dailypapers.publish.common import units
from dailypapers.publish.deliver import DeliveryError
from dailypapers.publish.slack import (
    LookupRateLimitHandler,
    SlackChannel,
    UnsentRetryHandler,
    from_env,
)
from dailypapers.publish.slack_format import LIMITS, SlackPost, header_post, paper_post
from dailypapers.publish.words import words_for
from dailypapers.store import Store
from tests import publishing
from tests.fake_slack import (
    CHANNEL,
    TOKEN,
    FakeSlack,
    SlackMessage,
    block_errors,
    parameters,
)
from tests.publishing import (
    DAY,
    assert_backoffs,
    deliver_quietly,
    deliveries,
    dump,
    paper,
    publish_args,
    publish_killed,
    sections,
    store_entries,
)
from tests.site_corpus import generated_digest

PAPERS = 4
HEADER_LIMIT, TEXT_LIMIT, TEXT_OBJECT_LIMIT = LIMITS.heading, LIMITS.message, LIMITS.block_text
EN = words_for("en")
HOSTILE = (
    "*bold* _it_ ~s~ `code` ```block``` > quote <b>&amp;</b> & <@U0123> <!here> :x: "
    "**md** [x](javascript:1) \\"
)
#: All the mrkdwn a paper's message may hold: our words, votes and links, nothing from the
#: digest's text.
LINKS_LINE = re.compile(
    r"▲ -?\d+ · <https://arxiv\.org/abs/2412\.06001\|arXiv> · "
    r"<https://huggingface\.co/papers/2412\.06001\|Hugging Face>"
    r"( · <https?://[^\s<>|]+\|GitHub>)?( · <https?://[^\s<>|]+\|Project page>)?"
)
LABEL = re.compile(r"\*(What's New|Technical Details|Performance Highlights)\*")


# a stored day and the CLI ------------------------------------------------------------------


def store_day(db: Path, *, count: int = PAPERS, title: str | None = None) -> list[str]:
    """Store DAY's digest (the first paper titled ``title``); its ids, most votes first."""
    entries = list(generated_digest(DAY, 6, count).runs[0].entries)
    if title is not None:
        entries[0] = replace(entries[0], title_md=escape_title(title), votes=99)
    store_entries(db, DAY, entries)
    return [e.arxiv_id for e in sorted(entries, key=lambda e: (-e.votes, e.arxiv_id))]


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "papers.db"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "library.db") as opened:
        yield opened


def env_for(fake: FakeSlack, **changes: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_CHANNEL": CHANNEL,
        "SLACK_API_URL": fake.api_url,
        "DAILYPAPERS_SITE_URL": "",  # whatever the developer's shell says
        **changes,
    }


def publish(db: Path, env: Mapping[str, str], *flags: str) -> Result:
    return publishing.publish("slack", db, env, *flags)


def item(message: SlackMessage) -> str:
    assert message.metadata is not None, message
    return str(message.metadata["event_payload"]["item"])


def assert_published_once(fake: FakeSlack, ids: list[str]) -> SlackMessage:
    """The header once in the channel, its thread holding each paper once, in vote order."""
    headers = fake.top_level()
    assert [item(m) for m in headers] == ["header"]
    header = headers[0]
    assert [item(m) for m in fake.replies(header.ts)] == ids
    assert len(fake.messages) == 1 + len(ids), "a message outside the header's thread"
    return header


def shown(text: str) -> dict[str, Any]:
    """A plain_text object: Slack shows its text exactly as written."""
    return {"type": "plain_text", "text": text, "emoji": False}


def marked(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def text_objects(post: SlackPost) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for block in post.blocks:
        found += [block["text"]] if "text" in block else block["elements"]
    return found


def channel_for(fake: FakeSlack) -> SlackChannel:
    return from_env(env_for(fake), timeout=5)


# formatting ----------------------------------------------------------------------------------


def test_a_hostile_title_authors_and_summary_stay_literal_text() -> None:
    hostile = paper(
        title=HOSTILE,
        authors=("<@U0123>", "*김민수*"),
        sections=(
            Section("***What's New***", "**굵게 아님** _기울임 아님_ <b>태그</b> & &amp;"),
            Section("***Technical Details***", "> 인용 아님\n`코드 아님` :x:"),
            Section("***a*b_c:***", "라벨이 이상한 섹션"),
        ),
        note="_기울임 아님_",
        github_repo="https://github.com/a/b?x=1&y=<2>|z",
        project_page="javascript:alert(1)",
    )

    post = paper_post(DAY, hostile, EN)

    assert post.blocks == (
        {"type": "header", "text": shown(HOSTILE)},
        {"type": "context", "elements": [marked(
            "▲ 7 · <https://arxiv.org/abs/2412.06001|arXiv> · "
            "<https://huggingface.co/papers/2412.06001|Hugging Face> · "
            "<https://github.com/a/b?x=1&amp;y=%3C2%3E%7Cz|GitHub>"
        )]},
        {"type": "context", "elements": [shown("Authors: <@U0123>, *김민수*")]},
        {"type": "context", "elements": [shown("_기울임 아님_")]},
        {"type": "section", "text": marked("*What's New*")},
        {"type": "section", "text": shown("**굵게 아님** _기울임 아님_ <b>태그</b> & &amp;")},
        {"type": "section", "text": marked("*Technical Details*")},
        {"type": "section", "text": shown("> 인용 아님\n`코드 아님` :x:")},
        {"type": "section", "text": shown("a*b_c:")},  # no safe way to make it bold
        {"type": "section", "text": shown("라벨이 이상한 섹션")},
    )  # fmt: skip
    assert post.text.split("\n")[0] == (
        "*bold* _it_ ~s~ `code` ```block``` &gt; quote &lt;b&gt;&amp;amp;&lt;/b&gt; &amp; "
        "&lt;@U0123&gt; &lt;!here&gt; :x: **md** [x](javascript:1) \\ (▲ 7)"
    )
    assert post.metadata == {
        "event_type": "dailypapers_message",
        "event_payload": {"period": DAY, "item": "2412.06001"},
    }
    assert block_errors(list(post.blocks)) == []


LINKS = st.sampled_from(
    [None, "https://github.com/a/b", "https://x.org/?a=1&b=<2>|c", "javascript:alert(1)", "a b"]
)


@settings(max_examples=60, deadline=None)
@given(
    title=st.text(),
    authors=st.lists(st.text(), max_size=30),
    texts=st.tuples(st.text(), st.text(), st.text()),
    note=st.none() | st.text(),
    github=LINKS,
    project=LINKS,
)
def test_text_from_the_digest_only_ever_goes_into_plain_text(
    title: str,
    authors: list[str],
    texts: tuple[str, str, str],
    note: str | None,
    github: str | None,
    project: str | None,
) -> None:
    generated = paper(
        title=title,
        authors=tuple(authors),
        sections=sections(*texts),
        note=note,
        github_repo=github,
        project_page=project,
    )

    post = paper_post(DAY, generated, EN)

    for obj in text_objects(post):
        if obj["type"] == "plain_text":
            assert obj["emoji"] is False
        else:
            assert LINKS_LINE.fullmatch(obj["text"]) or LABEL.fullmatch(obj["text"]), obj
    plain = [t["text"] for t in text_objects(post) if t["type"] == "plain_text"]
    one_line = " ".join(title.split())
    if one_line and units(one_line) <= HEADER_LIMIT:
        assert post.blocks[0] == {"type": "header", "text": shown(one_line)}
    for text in texts:
        if text.strip() and units(text) <= TEXT_OBJECT_LIMIT:
            assert text.strip() in plain
    assert block_errors(list(post.blocks)) == []
    assert units(post.text) <= TEXT_LIMIT


def test_long_text_is_cut_to_slacks_limits_and_short_text_kept_whole(
    fake: FakeSlack, store: Store
) -> None:
    long = "긴 요약 문장입니다 𝐋𝐨𝐧𝐠 *별표* & <태그>. " * 400  # astral: two UTF-16 units each
    crowded = paper(
        title="T" * 4000,
        authors=tuple(f"Author {i}" for i in range(200)),
        sections=sections(long, "짧은 섹션.", long),
        note="n" * 5000,
    )

    post = paper_post(DAY, crowded, EN)
    texts = [t["text"] for t in text_objects(post)]

    assert post.blocks[0]["type"] == "section"  # too long for a header block
    assert texts[0] == "T" * (TEXT_OBJECT_LIMIT - 1) + "…"
    assert texts[2] == "Authors: " + ", ".join(f"Author {i}" for i in range(10)) + " and 190 more"
    assert texts[3] == "n" * (TEXT_OBJECT_LIMIT - 1) + "…"
    bodies = [texts[5], texts[7], texts[9]]
    assert bodies[1] == "짧은 섹션."
    for cut in (bodies[0], bodies[2]):
        assert cut.endswith("…")
        assert TEXT_OBJECT_LIMIT - 3 <= units(cut) <= TEXT_OBJECT_LIMIT
        assert long.startswith(cut.removesuffix("…"))
    assert TEXT_LIMIT - 10 <= units(post.text) <= TEXT_LIMIT
    assert block_errors(list(post.blocks)) == []

    view = PeriodView(Period.parse(DAY), (crowded,), lang="en")
    report = deliver_quietly(store, channel_for(fake), view)

    assert report.sent == ["header", "2412.06001"]
    assert fake.replies(fake.top_level()[0].ts)[0].blocks == list(post.blocks)


@pytest.mark.parametrize(
    ("period", "page"),
    [
        (DAY, f"https://papers.example.org/days/{DAY}.html"),
        ("2024-W49", "https://papers.example.org/weeks/2024-W49.html"),
    ],
    ids=["day", "week"],
)
def test_the_header_counts_the_papers_and_links_the_period_page(period: str, page: str) -> None:
    line = "논문 2편 · 스레드에 한 편씩"
    view = PeriodView(Period.parse(period), (paper(), paper(arxiv_id="2412.06002")))
    title = f"{'Weekly' if 'W' in period else 'Daily'} Papers {period}"

    post = header_post(view, "https://papers.example.org")

    assert post.blocks == (
        {"type": "header", "text": shown(title)},
        {"type": "section", "text": marked(f"{line} · <{page}|사이트에서 보기>")},
    )
    assert post.text == f"{title} · 논문 2편\n{page}"
    assert post.metadata["event_payload"] == {"period": period, "item": "header"}


# publishing through the CLI ------------------------------------------------------------------


def test_publish_posts_a_header_then_each_paper_in_its_thread(fake: FakeSlack, db: Path) -> None:
    ids = store_day(db, title=HOSTILE)

    result = publish(db, env_for(fake, DAILYPAPERS_SITE_URL="https://papers.example.org/"))

    assert result.exit_code == 0, result.output
    assert f"slack → {CHANNEL} ({DAY}): {1 + PAPERS} sent" in result.output
    header = assert_published_once(fake, ids)
    assert header.blocks[1]["text"]["text"] == (
        f"논문 {PAPERS}편 · 스레드에 한 편씩 · "
        f"<https://papers.example.org/days/{DAY}.html|사이트에서 보기>"
    )
    first = fake.replies(header.ts)[0]
    assert first.blocks[0] == {"type": "header", "text": shown(HOSTILE)}
    labels = [b["text"] for b in first.blocks if b["type"] == "section"][::2]
    assert labels == [marked("*What's New*"), marked("*Technical Details*"),
                      marked("*Performance Highlights*")]  # fmt: skip
    for message in fake.messages:
        assert "**" not in json.dumps(message.blocks, ensure_ascii=False).replace("**md**", "")
        assert message.params["mrkdwn"] is False  # the fallback text is shown as written
        assert message.params["unfurl_links"] is False
        assert message.params["parse"] == "none"
    assert deliveries(db) == [("header", "sent", header.ts, None)] + [
        (m_id, "sent", m.ts, None) for m_id, m in zip(ids, fake.replies(header.ts), strict=True)
    ]
    assert {r.headers["authorization"] for r in fake.requests} == {f"Bearer {TOKEN}"}


def test_a_rerun_sends_nothing_new(fake: FakeSlack, db: Path) -> None:
    ids = store_day(db)
    env = env_for(fake, SLACK_API_URL=fake.url + "/api")  # without the final slash too
    assert publish(db, env).exit_code == 0
    requests = len(fake.requests)

    again = publish(db, env)

    assert again.exit_code == 0, again.output
    assert f"0 sent, {1 + PAPERS} already sent" in again.output
    assert len(fake.requests) == requests
    assert_published_once(fake, ids)


def test_dry_run_counts_the_messages_and_sends_nothing(fake: FakeSlack, db: Path) -> None:
    store_day(db)

    result = publish(db, env_for(fake), "--dry-run")

    assert result.exit_code == 0, result.output
    assert f"slack → {CHANNEL}: {1 + PAPERS} messages" in result.output
    assert fake.requests == []
    assert deliveries(db) == []


def test_a_429_is_waited_out_and_each_message_posted_once(fake: FakeSlack, db: Path) -> None:
    ids = store_day(db)
    fake.ratelimit_next(retry_after=0, times=2)

    result = publish(db, env_for(fake))

    assert result.exit_code == 0, result.output
    assert f"({DAY}): {1 + PAPERS} sent" in result.output
    assert fake.posts() == 1 + PAPERS + 2
    assert_published_once(fake, ids)


def test_the_wait_is_the_one_slack_asks_for(fake: FakeSlack, store: Store) -> None:
    fake.ratelimit_next(retry_after=3)
    waits: list[float] = []

    report = deliver_quietly(
        store, channel_for(fake), PeriodView(Period.parse(DAY), (paper(),)), waits
    )

    assert waits == [3.0]
    assert report.sent == ["header", "2412.06001"]
    assert fake.posts() == 3


def waiting_channel(fake: FakeSlack, waits: list[float]) -> SlackChannel:
    """A channel whose SDK retries record their waits instead of sleeping."""
    handlers = [LookupRateLimitHandler(sleep=waits.append), UnsentRetryHandler(sleep=waits.append)]
    client = WebClient(
        token=TOKEN, base_url=fake.api_url.rstrip("/") + "/", retry_handlers=handlers
    )
    return SlackChannel(client, CHANNEL)


def test_a_lookup_waits_as_long_as_slack_asks_and_logs_the_retry(
    fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="dailypapers")
    waits: list[float] = []
    channel = waiting_channel(fake, waits)
    [header, _] = channel.messages(PeriodView(Period.parse(DAY), (paper(),)))
    fake.ratelimit_next(retry_after=120)

    assert channel.find(header, None) is None
    assert waits == [120.0]
    assert "Slack conversations.history: try 1 failed (HTTP 429); retrying in 120.0 s" in (
        caplog.text
    )


def test_a_lookup_asked_to_wait_longer_than_the_limit_fails_at_once(fake: FakeSlack) -> None:
    waits: list[float] = []
    channel = waiting_channel(fake, waits)
    [header, _] = channel.messages(PeriodView(Period.parse(DAY), (paper(),)))
    fake.ratelimit_next(retry_after=700)

    with pytest.raises(DeliveryError) as raised:
        channel.find(header, None)

    assert raised.value.retry_after == 700
    assert waits == []
    assert len(fake.requests) == 1


def test_a_bad_token_is_named_and_never_shown(fake: FakeSlack, db: Path) -> None:
    store_day(db)
    wrong = "xoxb-0000000000-WRONG-secret-token-value"

    result = publish(db, env_for(fake, SLACK_BOT_TOKEN=wrong), "--verbose")

    assert result.exit_code == 1
    assert "Slack refused the header (invalid_auth)" in result.output
    assert "SLACK_BOT_TOKEN" in result.output
    assert "try 1 failed" in " ".join(result.output.split())  # the --verbose log, unwrapped
    assert [r.headers["authorization"] for r in fake.requests] == [f"Bearer {wrong}"]
    assert fake.messages == []  # fatal: nothing more is tried
    for secret in (wrong, "WRONG-secret"):
        assert secret not in result.output
        assert secret not in dump(db)
    assert deliveries(db)[0][:2] == ("header", "failed")


def test_the_token_never_reaches_the_logs(
    fake: FakeSlack, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("", "slack_sdk", "dailypapers"):  # a CLI run may have set them
        caplog.set_level(logging.DEBUG, logger=name)

    report = deliver_quietly(store, channel_for(fake), PeriodView(Period.parse(DAY), (paper(),)))

    assert report.ok
    assert "chat.postMessage" in caplog.text  # the SDK did log its requests
    assert TOKEN not in caplog.text


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("unknown", f"channel {CHANNEL} not found: set SLACK_CHANNEL to the id of a channel"),
        ("not-joined", f"the bot is not a member of channel {CHANNEL}: invite it there"),
        ("no-scope", "the app lacks the scope chat:write"),
    ],
)
def test_a_refusal_says_what_to_fix(fake: FakeSlack, db: Path, setup: str, expected: str) -> None:
    store_day(db)
    if setup == "unknown":
        fake.channels.clear()
    elif setup == "not-joined":
        fake.joined.clear()
    else:
        fake.missing_scopes.add("chat:write")

    result = publish(db, env_for(fake))

    assert result.exit_code == 1
    assert expected in " ".join(result.output.split())
    assert fake.posts() == 1
    assert fake.messages == []


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "slack: set SLACK_BOT_TOKEN, SLACK_CHANNEL to publish there"),
        (
            {"SLACK_BOT_TOKEN": "xoxb-abc def\nsecret-part", "SLACK_CHANNEL": CHANNEL},
            "SLACK_BOT_TOKEN does not look like a Slack token",
        ),
        (
            {"SLACK_BOT_TOKEN": "secret-part-without-prefix", "SLACK_CHANNEL": CHANNEL},
            "SLACK_BOT_TOKEN does not look like a Slack token",
        ),
        (
            {"SLACK_BOT_TOKEN": TOKEN, "SLACK_CHANNEL": "#general"},
            "SLACK_CHANNEL must be a channel id like C0123456789 (at the bottom of the "
            "channel's details), not '#general'",
        ),
        (
            {"SLACK_BOT_TOKEN": TOKEN, "SLACK_CHANNEL": "xoxb-secret-part"},
            "SLACK_CHANNEL must be a channel id like C0123456789",
        ),
        (
            {"SLACK_BOT_TOKEN": TOKEN, "SLACK_CHANNEL": CHANNEL, "SLACK_API_URL": "slack.com"},
            "SLACK_API_URL 'slack.com' is not an http(s) address",
        ),
        (
            {
                "SLACK_BOT_TOKEN": TOKEN,
                "SLACK_CHANNEL": CHANNEL,
                "DAILYPAPERS_SITE_URL": "javascript:alert(1)",
            },
            "DAILYPAPERS_SITE_URL 'javascript:alert(1)' is not an http(s) address",
        ),
    ],
    ids=[
        "unset",
        "token-with-spaces",
        "not-a-token",
        "channel-name",
        "token-as-channel",
        "api-url",
        "site-url",
    ],
)
def test_bad_settings_are_refused_before_any_request(env: dict[str, str], expected: str) -> None:
    with pytest.raises(ConfigError) as raised:
        from_env(env)

    assert expected in str(raised.value)
    assert "secret-part" not in str(raised.value)


# the library: lost answers and lookups -------------------------------------------------------


def test_a_lost_answer_after_the_post_was_kept_is_found_not_posted_again(
    fake: FakeSlack, store: Store
) -> None:
    fake.crash_at(at="after_store")  # the header is kept; the client hears nothing
    waits: list[float] = []

    report = deliver_quietly(
        store, channel_for(fake), PeriodView(Period.parse(DAY), (paper(),)), waits
    )

    assert report.recovered == ["header"]
    assert report.sent == ["2412.06001"]
    assert_backoffs(waits, 2.0)
    assert fake.posts() == 2
    assert_published_once(fake, ["2412.06001"])


def test_a_post_dropped_before_it_was_kept_is_posted_once_more(
    fake: FakeSlack, store: Store
) -> None:
    fake.crash_at(at="before_store")  # the connection drops before the header is kept

    report = deliver_quietly(store, channel_for(fake), PeriodView(Period.parse(DAY), (paper(),)))

    assert report.sent == ["header", "2412.06001"]
    assert report.recovered == []
    assert fake.posts() == 3
    assert_published_once(fake, ["2412.06001"])


def test_a_passing_failure_is_looked_up_and_retried_and_a_refusal_is_not(
    fake: FakeSlack, store: Store
) -> None:
    fake.error_next("internal_error")  # Slack may have posted it all the same
    waits: list[float] = []

    report = deliver_quietly(
        store, channel_for(fake), PeriodView(Period.parse(DAY), (paper(),)), waits
    )

    assert report.sent == ["header", "2412.06001"]
    assert_backoffs(waits, 2.0)
    assert [parameters(r).get("channel") for r in fake.requests] == [CHANNEL] * 4
    assert [r.path for r in fake.requests][1] == "/api/conversations.history"
    assert_published_once(fake, ["2412.06001"])

    fake.error_next("invalid_arguments")
    again = deliver_quietly(
        store, channel_for(fake), PeriodView(Period.parse("2024-12-07"), (paper(),)), waits
    )

    assert again.failed == {"header": "Slack refused the header: invalid_arguments"}
    assert again.waiting == ["2412.06001"]
    assert len(waits) == 1  # not tried again


def test_an_unreachable_api_fails_the_header_at_once_and_holds_back_the_papers(
    tmp_path: Path, store: Store
) -> None:
    with FakeSlack() as gone:
        channel = channel_for(gone)
    waits: list[float] = []

    report = deliver_quietly(store, channel, PeriodView(Period.parse(DAY), (paper(),)), waits)

    # A refused connection surely sent nothing: no lookup, no wait, no "may have arrived".
    reason = f"the header: could not connect to Slack at {gone.url.removeprefix('http://')}"
    assert report.failed == {"header": reason}
    assert report.waiting == ["2412.06001"]
    assert waits == []
    assert deliveries(tmp_path / "library.db") == [("header", "failed", None, reason)]


def test_find_pages_through_a_long_thread_and_ignores_copies_by_people(fake: FakeSlack) -> None:
    channel = channel_for(fake)
    view = PeriodView(
        Period.parse(DAY), (paper(arxiv_id="2412.06001"), paper(arxiv_id="2412.06002"))
    )
    header, first, second = channel.messages(view)
    header_ts = channel.send(header, None)
    channel.send(first, header_ts)
    fake.post_as_someone(header_ts, second.body.text)  # a person quoting it: not ours
    for i in range(250):
        fake.post_as_someone(header_ts, f"comment {i}")

    assert channel.find(second, header_ts) is None

    sent = channel.send(second, header_ts)  # the 254th message of the thread: on page 2

    assert channel.find(second, header_ts) == sent
    assert channel.find(header, None) == header_ts
    asked = [parameters(r) for r in fake.requests]
    cursors = [p["cursor"] for p in asked if "cursor" in p]
    assert cursors == ["200", "200"], "the second page was not asked for"


# crash and rerun -----------------------------------------------------------------------------


def run_killed(fake: FakeSlack, db: Path, *, nth: int, after_store: bool) -> str:
    """Run ``publish --slack`` as a child process that the fake SIGKILLs at its nth post."""
    return publish_killed(
        publish_args("slack", db), env_for(fake), fake, nth, after_store=after_store
    )


CRASHES = {
    "header-before-kept": (1, False),
    "header-after-kept": (1, True),
    "2nd-paper-before-kept": (3, False),
    "2nd-paper-after-kept": (3, True),
}


@pytest.mark.parametrize(("nth", "after_store"), CRASHES.values(), ids=CRASHES.keys())
def test_a_publish_killed_at_a_post_is_finished_by_the_rerun_with_nothing_twice(
    fake: FakeSlack, db: Path, nth: int, after_store: bool
) -> None:
    ids = store_day(db)

    run_killed(fake, db, nth=nth, after_store=after_store)

    kept = len(fake.messages)
    assert kept == (nth if after_store else nth - 1)
    killed_at = ["header", *ids][nth - 1]
    assert dict((row[0], row[1:3]) for row in deliveries(db))[killed_at] == ("sending", None)
    posted = fake.posts()

    rerun = publish(db, env_for(fake))

    assert rerun.exit_code == 0, rerun.output
    header = assert_published_once(fake, ids)
    assert ("1 found already delivered" in rerun.output) is after_store
    assert fake.posts() - posted == 1 + PAPERS - kept  # only what was missing was posted
    remote = {item(m): m.ts for m in fake.messages}
    assert deliveries(db) == [(key, "sent", remote[key], None) for key in ["header", *ids]]
    assert remote["header"] == header.ts
