"""The site's output folder (``site/output.py``): a new file is created in place, an existing
one replaced whole, and one that cannot be written stops the build with an error naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.generated_archive import generate_archive
from dailypapers.errors import OutputError
from dailypapers.site.build import build_site
from dailypapers.site.output import MANIFEST
from dailypapers.store import Store


def test_a_file_that_cannot_be_written_stops_the_build_naming_it(tmp_path: Path) -> None:
    db, out = tmp_path / "papers.db", tmp_path / "site"
    generate_archive(db, papers=60)
    with Store.open(db) as store:
        build_site(store, out)
        victim = sorted((out / "papers").iterdir())[3]
        victim.unlink()
        victim.mkdir()  # a folder where the paper's file goes
        (out / MANIFEST).unlink()  # so every file is compared and this one written again
        with pytest.raises(OutputError, match=f"cannot write {victim}"):
            build_site(store, out)
    assert not (out / MANIFEST).exists()
