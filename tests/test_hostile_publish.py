"""What we publish carries nothing live: control characters, HTML, script links."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

from dailypapers.digest.render import digest_path
from tests.e2e import World, invoke
from tests.fakes import make_entry

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

    assert built.exit_code == 0, built.output
    ET.parse(tmp_path / "site" / "feed.xml")  # well-formed XML
    digest = digest_path(world.out, DAY).read_text(encoding="utf-8")
    assert "Evil\\[31m red title " in digest
    for text in (status.output, digest, (tmp_path / "site" / "feed.xml").read_text("utf-8")):
        assert not any(c in text for c in CONTROLS)
