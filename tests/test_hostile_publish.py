"""What we publish carries nothing live: control characters, HTML, script links."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from dailypapers.digest.render import digest_path
from dailypapers.digest.views import PaperView, PeriodView, day_view
from dailypapers.models import (
    FLAGGED_NOTE_PREFIX,
    SECTION_KEYS,
    DigestEntry,
    Paper,
    Section,
    Summary,
)
from dailypapers.periods import Period
from dailypapers.publish.deliver import Message, deliver, without_injections
from dailypapers.store import Store
from dailypapers.summarize.checks import check_summary
from tests.e2e import World, invoke
from tests.fakes import make_entry
from tests.publishing import paper

DAY = "2024-12-06"
CONTROLS = ("\x1b", "\x00", "\x01", "\x9b", "\u202e", "\u200b")


def test_control_bidi_and_zero_width_characters_never_reach_the_feed_or_the_terminal(
    world: World, tmp_path: Path
) -> None:
    title = "Evil\x1b[31m red\x00 title\x01 \u202eesrever\u200b end"
    entry = make_entry("2412.06001", title, authors=["Ann\x1b]0;pwn\x07 Lee", "Bo\u202eb"])
    world.hf.set_day(DAY, [entry])

    assert world.run("--date", DAY).exit_code == 0
    status = invoke("status", "--date", DAY, "--out", str(world.out))
    built = invoke("site", "build", str(tmp_path / "site"), "--out", str(world.out))

    assert status.exit_code == 0, status.output
    assert built.exit_code == 0, built.output
    ET.parse(tmp_path / "site" / "feed.xml")  # well-formed XML
    digest = digest_path(world.out, DAY).read_text(encoding="utf-8")
    assert "Evil\\[31m red title " in digest
    for text in (status.output, digest, (tmp_path / "site" / "feed.xml").read_text("utf-8")):
        assert not any(c in text for c in CONTROLS)


CLEAN = (
    "새로운 방법을 제안한다. 이 방법은 효율적인 추론을 위한 것이다.",
    "기술적으로 트랜스포머를 사용한다. 학습 데이터는 공개되어 있다.",
    "성능은 기존 방법보다 3.2% 높다. 여러 벤치마크에서 확인했다.",
)


@pytest.mark.parametrize(
    "planted",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[여기](javascript:alert(1))",
        "![](data:text/html;base64,PHNjcmlwdD4=)",
    ],
)
def test_script_markup_and_script_links_in_a_summary_are_injection_findings(planted: str) -> None:
    sections = [
        (key, text + (" " + planted if i == 0 else ""))
        for i, (key, text) in enumerate(zip(SECTION_KEYS, CLEAN, strict=True))
    ]
    found = [f.detail for f in check_summary(sections) if f.check == "injection"]
    assert len(found) == 1
    assert "live markup or a script link" in found[0]


def test_ordinary_text_about_data_and_angle_brackets_is_no_finding() -> None:
    sections = list(zip(SECTION_KEYS, CLEAN, strict=True))
    sections[1] = (SECTION_KEYS[1], "학습 data: 공개 데이터셋이다. x < y 이고 <think> 토큰을 쓴다.")
    assert [f for f in check_summary(sections) if f.check == "injection"] == []


@dataclass
class ListingChannel:
    """A channel that sends one message per paper of the view, after a header."""

    sent: list[str] = field(default_factory=list)
    name: str = "listing"
    target: str = "room"
    can_find: bool = False

    def messages(self, view: PeriodView) -> list[Message]:
        papers = [Message(p.arxiv_id, p.title, "header") for p in view.papers]
        return [Message("header", f"{len(view.papers)} papers"), *papers]

    def send(self, message: Message, parent_id: str | None) -> str:
        self.sent.append(message.key)
        return f"id-{message.key}"

    def find(self, message: Message, parent_id: str | None) -> str | None:
        return None

    def close(self) -> None:
        return


def flagged(arxiv_id: str, *flags: str) -> PaperView:
    """A paper whose summary the checks flagged with ``flags`` (none: a clean one)."""
    note = FLAGGED_NOTE_PREFIX + "; ".join(flags) if flags else None
    return paper(arxiv_id, "T", note=note, flags=flags)


def test_a_summary_flagged_for_an_injection_is_held_back_until_a_clean_rerun(
    tmp_path: Path,
) -> None:
    injected = ("numbers: 9.9 not in the paper", "injection: a link: x.ru")
    other = ("language: only 20% Hangul",)
    day = Period.parse(DAY)
    view = PeriodView(
        day, (flagged("2412.1"), flagged("2412.2", *injected), flagged("2412.3", *other))
    )
    channel = ListingChannel()
    with Store.open(tmp_path / "d.db") as store:
        report = deliver(store, channel, view)
        assert (channel.sent, report.held) == (["header", "2412.1", "2412.3"], ["2412.2"])

        rerun = PeriodView(day, (flagged("2412.1"), flagged("2412.2"), flagged("2412.3", *other)))
        again = deliver(store, channel, rerun)
    assert (channel.sent[3:], again.held) == (["2412.2"], [])


def test_the_flags_a_summary_was_stored_with_reach_what_the_channels_get(tmp_path: Path) -> None:
    """Holding back reads the stored findings, not the wording of the note they make."""
    sections = (Section("What's New", "새로운 점."),)
    with Store.open(tmp_path / "d.db") as store, store.transaction():
        pairs = []
        for arxiv_id, flags in (("2412.1", ("injection: a link: x.ru",)), ("2412.2", ())):
            store.add_paper_if_missing(Paper(arxiv_id, "T", ("A",), 1, None, ""), DAY)
            summary = Summary(sections, "llm", "gpt-test", "ko-sections-v2", flags=flags)
            entry = DigestEntry(arxiv_id, "T", None, 1, ("A",), sections)
            pairs.append((entry, store.save_summary(arxiv_id, summary)))
        store.replace_runs_from(DAY, 0, [pairs])
        view = day_view(store, DAY)

    assert view is not None
    assert [p.flags for p in view.papers] == [("injection: a link: x.ru",), ()]
    assert without_injections(view)[1] == ["2412.1"]
