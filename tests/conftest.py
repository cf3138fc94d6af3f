"""Fixtures: fake servers, and an environment that keeps every test inside its tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e import World
from tests.fakes import FakeArxiv, FakeHF, FakeOpenAI
from tests.isolation import isolate

#: The browser fixtures (``site``, ``browser``, ``page``) for every test module that asks.
pytest_plugins = ("tests.browser",)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing from the developer's shell (see tests/isolation.py), and a folder to work in."""
    isolate(monkeypatch, tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)


@pytest.fixture
def fake_hf() -> Iterator[FakeHF]:
    with FakeHF() as server:
        yield server


@pytest.fixture
def fake_arxiv() -> Iterator[FakeArxiv]:
    with FakeArxiv() as server:
        yield server


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def world(fake_hf: FakeHF, fake_arxiv: FakeArxiv, fake_openai: FakeOpenAI, tmp_path: Path) -> World:
    """All three fakes and an output folder, for driving the CLI end to end."""
    return World(fake_hf, fake_arxiv, fake_openai, tmp_path / "out")
