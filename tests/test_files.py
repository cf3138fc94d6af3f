"""files.py: atomic writes keep sensible permissions, and OS errors become one `OutputError`."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from dailypapers.errors import DailyPapersError, OutputError
from dailypapers.files import make_dir, write_atomic, write_atomic_bytes


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_follows_the_umask(tmp_path: Path, umask_022: None) -> None:
    path = tmp_path / "README.md"

    write_atomic(path, "text\n")

    assert mode(path) == 0o644
    assert path.read_text(encoding="utf-8") == "text\n"


def test_a_new_file_follows_a_stricter_umask(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        write_atomic_bytes(tmp_path / "private.md", b"x")
    finally:
        os.umask(old)

    assert mode(tmp_path / "private.md") == 0o600


@pytest.mark.parametrize("existing", [0o644, 0o640, 0o600, 0o664])
def test_a_replaced_file_keeps_its_mode(tmp_path: Path, umask_022: None, existing: int) -> None:
    path = tmp_path / "README.md"
    path.write_text("old\n", encoding="utf-8")
    path.chmod(existing)

    write_atomic(path, "new\n")

    assert mode(path) == existing
    assert path.read_text(encoding="utf-8") == "new\n"


def test_a_parent_that_is_a_file_is_an_output_error_naming_the_file(tmp_path: Path) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("mine\n", encoding="utf-8")
    path = blocker / "paper_logs" / "06.md"

    with pytest.raises(OutputError) as caught:
        write_atomic(path, "text\n")

    assert isinstance(caught.value, DailyPapersError)
    assert str(blocker / "paper_logs") in str(caught.value)
    assert blocker.read_text(encoding="utf-8") == "mine\n"


def test_a_target_that_is_a_folder_is_an_output_error_and_leaves_no_temporary_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "out" / "README.md"
    path.mkdir(parents=True)

    with pytest.raises(OutputError) as caught:
        write_atomic(path, "text\n")

    assert str(path) in str(caught.value)
    assert [p.name for p in path.parent.iterdir()] == ["README.md"]


def test_make_dir_wraps_the_os_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_bytes(b"")

    with pytest.raises(OutputError) as caught:
        make_dir(blocker / "sub")

    assert str(blocker / "sub") in str(caught.value)
    assert "cannot create folder" in str(caught.value)
