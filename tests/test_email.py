"""Email: the digest as one HTML email with a plain-text part, sent by the real CLI to a fake
SMTP server, and what a crash in the middle of sending leaves behind."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import Result

from dailypapers.digest.views import PeriodView
from dailypapers.periods import Period
from dailypapers.publish.email import from_env
from tests import publishing
from tests.fake_smtp import PASSWORD, USER, FakeSMTP
from tests.publishing import (
    AMP_TITLE,
    DAY,
    IMG_TITLE,
    deliveries,
    dump,
    paper,
    publish_args,
    publish_killed,
    store_titles,
    stored_view,
)

PAPERS = 3
RECIPIENTS = ["kim@example.net", "reader@example.com"]
MESSAGE_ID = re.compile(rf"<dailypapers\.{DAY}\.[0-9a-f]{{24}}@example\.org>")


def store_day(db: Path) -> list[str]:
    """Store DAY's digest with titles made of markup; returns the titles, most voted first."""
    return store_titles(db, [IMG_TITLE, AMP_TITLE, "효율적인 추론 (Efficient Reasoning)"])


@pytest.fixture
def smtp() -> Iterator[FakeSMTP]:
    with FakeSMTP() as fake:
        yield fake


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "papers.db"


@pytest.fixture
def titles(db: Path) -> list[str]:
    return store_day(db)


def publish(db: Path, env: Mapping[str, str]) -> Result:
    return publishing.publish("email", db, env)


def parts(mail: EmailMessage) -> tuple[str, str]:
    plain, html = mail.get_body(("plain",)), mail.get_body(("html",))
    assert isinstance(plain, EmailMessage)
    assert isinstance(html, EmailMessage)
    return plain.get_content(), html.get_content()


class Markup(HTMLParser):
    """The tags and the text of an HTML document, as a mail client would read them."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.text: list[str] = []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


# formatting ----------------------------------------------------------------------------------


def test_titles_made_of_markup_stay_literal_text(smtp: FakeSMTP, db: Path) -> None:
    titles = store_day(db)
    channel = from_env(smtp.env(DAILYPAPERS_SITE_URL="https://papers.example.org"))

    [message] = channel.messages(stored_view(db))
    plain, html = parts(message.body)
    markup = Markup(html)

    assert markup.tags == {"html", "head", "meta", "title", "body", "div", "h1", "h2", "h3"} | {
        "p",
        "a",
        "img",
    }
    assert [text for text in markup.text if text in titles] == titles
    assert html.count("<img ") == PAPERS  # the thumbnails, and no more
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "a &amp; b &lt;c&gt;" in html
    assert f'href="https://papers.example.org/days/{DAY}.html"' in html
    assert f"1. {IMG_TITLE}\n" in plain
    assert f"2. {AMP_TITLE}\n" in plain


def test_one_paper_is_one_paper_in_the_subject_and_the_lead(smtp: FakeSMTP) -> None:
    view = PeriodView(Period.parse(DAY), (paper(),), lang="en")
    [message] = from_env(smtp.env()).messages(view)

    plain, html = parts(message.body)

    assert message.body["Subject"] == f"Daily Papers {DAY} — 1 paper"
    assert plain.startswith(f"Daily Papers {DAY} — 1 paper\n")
    assert f"<title>Daily Papers {DAY} — 1 paper</title>" in html
    assert ">1 paper, most upvoted first.</p>" in html


# the CLI against the fake --------------------------------------------------------------------


def test_publish_sends_one_email_with_html_and_plain_parts(
    smtp: FakeSMTP, db: Path, titles: list[str]
) -> None:
    result = publish(db, smtp.env())

    assert result.exit_code == 0, result.output
    assert f"email → {','.join(RECIPIENTS)} ({DAY}): 1 sent" in result.output
    [received] = smtp.received
    assert smtp.logins == [USER]
    assert received.mail_from == "papers@example.org"
    assert sorted(received.rcpt_tos) == RECIPIENTS
    mail = received.message
    assert mail["Subject"] == f"Daily Papers {DAY} — 논문 {PAPERS}편"  # the digest's language
    assert mail["From"] == "Daily Papers <papers@example.org>"
    assert mail["To"] == "reader@example.com, Kim <kim@example.net>"
    assert MESSAGE_ID.fullmatch(mail["Message-ID"])
    assert mail.get_content_type() == "multipart/alternative"
    plain, html = parts(mail)
    assert all(title in plain for title in titles)
    assert "a &amp; b &lt;c&gt;" in html
    assert deliveries(db) == [("digest", "sent", mail["Message-ID"], None)]


def test_a_rerun_sends_nothing_new(smtp: FakeSMTP, db: Path, titles: list[str]) -> None:
    first = publish(db, smtp.env())
    second = publish(db, smtp.env())

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert "0 sent, 1 already sent" in second.output
    assert len(smtp.received) == 1


def test_a_bad_password_stops_with_the_variables_named_and_the_password_nowhere(
    smtp: FakeSMTP, db: Path, titles: list[str]
) -> None:
    wrong = "wrong-SECRET-password-91c"
    result = publish(db, smtp.env(SMTP_PASSWORD=wrong))

    assert result.exit_code == 1
    assert (
        f"127.0.0.1:{smtp.port} refused the login as {USER} (535 5.7.8 Authentication "
        "credentials invalid): check SMTP_USER and SMTP_PASSWORD"
    ) in result.output
    assert smtp.received == []
    for secret in (wrong, PASSWORD):
        assert secret not in result.output
        assert secret not in dump(db)


def test_a_server_without_starttls_is_a_clear_error(
    smtp: FakeSMTP, db: Path, titles: list[str]
) -> None:
    result = publish(db, smtp.env(SMTP_SECURITY="starttls"))

    assert result.exit_code == 1
    assert f"127.0.0.1:{smtp.port} does not offer STARTTLS: set SMTP_SECURITY=ssl" in (
        result.output
    )
    assert smtp.received == []


def test_a_refused_recipient_does_not_stop_the_others(
    smtp: FakeSMTP, db: Path, titles: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    smtp.refuse("kim@example.net")

    result = publish(db, smtp.env())

    assert result.exit_code == 0, result.output
    assert [r.getMessage() for r in caplog.records if r.name.startswith("dailypapers")] == [
        f"127.0.0.1:{smtp.port} refused the recipient kim@example.net "
        "(550 5.1.1 No such user here); sending to the others"
    ]
    assert [r.rcpt_tos for r in smtp.received] == [("reader@example.com",)]


def test_every_recipient_refused_names_the_variable(
    smtp: FakeSMTP, db: Path, titles: list[str]
) -> None:
    for address in RECIPIENTS:
        smtp.refuse(address)

    result = publish(db, smtp.env())

    assert result.exit_code == 1
    assert "refused every recipient" in result.output
    assert "check EMAIL_TO" in result.output
    assert smtp.received == []


@pytest.mark.parametrize(
    ("env", "error"),
    [
        ({"SMTP_HOST": ""}, "email: set SMTP_HOST to publish there"),
        ({"EMAIL_TO": "reader, kim@example.net"}, "EMAIL_TO holds no usable address (reader)"),
        ({"SMTP_PASSWORD": ""}, "email: set SMTP_PASSWORD too, or neither"),
        ({"SMTP_SECURITY": "tls"}, "SMTP_SECURITY is 'tls'; choose starttls, ssl or none"),
        ({"SMTP_HOST": "mail.example.org"}, "SMTP_SECURITY=none would send SMTP_PASSWORD"),
    ],
)
def test_configuration_errors_name_the_variable(
    smtp: FakeSMTP, db: Path, titles: list[str], env: dict[str, str], error: str
) -> None:
    result = publish(db, smtp.env(**env))

    assert result.exit_code == 2
    assert error in result.output
    assert PASSWORD not in result.output
    assert smtp.received == []


# crashes: SIGKILL the real CLI while the server takes the message, then publish again ---------


def run_killed(smtp: FakeSMTP, db: Path, *, after_store: bool) -> None:
    """Run ``publish --email`` as a child that the fake kills when the message's data is in."""
    publish_killed(
        publish_args("email", db),
        {**smtp.env(), "DAILYPAPERS_SITE_URL": ""},
        smtp,
        after_store=after_store,
    )


@pytest.mark.parametrize("after_store", [False, True], ids=["before-stored", "stored-answer-lost"])
def test_a_publish_killed_while_sending_is_finished_by_the_next_run(
    smtp: FakeSMTP, db: Path, titles: list[str], after_store: bool
) -> None:
    run_killed(smtp, db, after_store=after_store)

    assert len(smtp.received) == (1 if after_store else 0)
    assert deliveries(db) == [("digest", "sending", None, None)]

    rerun = publish(db, smtp.env())

    # SMTP cannot be asked what arrived: the email is sent again, and reported as such. When
    # the server had taken it, the reader gets it twice, with the same Message-ID.
    assert rerun.exit_code == 0, rerun.output
    assert "1 sent, 1 sent again after an unclear try" in rerun.output
    assert len(smtp.received) == (2 if after_store else 1)
    ids = {received.message["Message-ID"] for received in smtp.received}
    assert len(ids) == 1
    assert deliveries(db) == [("digest", "sent", ids.pop(), None)]
