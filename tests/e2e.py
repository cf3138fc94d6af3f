"""Helpers for end-to-end tests: build a day on the fakes and drive the real CLI."""

from __future__ import annotations

import functools
import os
import stat
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from dailypapers.cli import app
from tests.fakes import FakeArxiv, FakeHF, FakeOpenAI, make_entry
from tests.pdfgen import make_paper_pdf


@functools.cache
def paper_pdf(index: int) -> bytes:
    """A generated paper PDF; cached so a suite builds each one once."""
    return make_paper_pdf(
        title=f"Paper number {index}: efficient workflows",
        abstract=f"We propose method {index}, a novel approach to efficient reasoning.",
    )


def arxiv_id(day: int, index: int) -> str:
    return f"2412.{day:02d}{index:03d}"


@dataclass
class World:
    hf: FakeHF
    arxiv: FakeArxiv
    openai: FakeOpenAI
    out: Path

    def env(self, *, llm: bool = True, key: str = "sk-test-key") -> dict[str, str]:
        env = {"HF_ENDPOINT": self.hf.url, "ARXIV_ENDPOINT": self.arxiv.url}
        if llm:
            env |= {"OPENAI_BASE_URL": self.openai.url + "/v1", "OPENAI_API_KEY": key}
        return env

    def add_day(
        self, date: str, count: int, *, day: int = 1, first: int = 0, pdfs: bool = True
    ) -> list[str]:
        """Serve ``count`` papers on ``date`` (upvotes deliberately not in list order)."""
        entries, ids = [], []
        for i in range(first, first + count):
            paper_id = arxiv_id(day, i)
            ids.append(paper_id)
            entries.append(
                make_entry(
                    paper_id,
                    f"Paper {paper_id}: a study of efficient things",
                    upvotes=(i * 37) % 101,
                    authors=[f"Author {i}-{k}" for k in range(3)],
                    summary=f"We propose method {i}. It improves accuracy by {i}.5% over ours.",
                )
            )
            if pdfs:
                self.arxiv.add_pdf(paper_id, paper_pdf(i % 5))
        self.hf.set_day(date, entries)
        return ids

    def cache_env(self) -> dict[str, str]:
        """``env()`` with the text cache beside the output folder, so nothing is reused."""
        return self.env() | {"DAILYPAPERS_CACHE_DIR": str(self.out.parent / "cache")}

    def run(self, *args: str, env: Mapping[str, str] | None = None) -> Result:
        return invoke("run", "--out", str(self.out), *args, env=env or self.env())


@contextmanager
def fake_world() -> Iterator[World]:
    """The three fakes started, and an empty folder whose ``out`` is the output folder and
    ``cache`` the text cache (``World.cache_env``): for benchmarks, which have no fixtures."""
    with (
        FakeHF() as hf,
        FakeArxiv() as arxiv,
        FakeOpenAI() as openai,
        tempfile.TemporaryDirectory() as tmp,
    ):
        yield World(hf, arxiv, openai, Path(tmp) / "out")


def one_line(output: str) -> str:
    """Command output as one line: Rich wraps long lines at the terminal's width."""
    return " ".join(output.split())


def invoke(*args: str, env: Mapping[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env=dict(env or {}), catch_exceptions=False)


@contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    """Each of ``paths`` (files or folders) made read-only for this process: by its mode, and
    for root, who ignores modes, by the file system's immutable flag."""
    with ExitStack() as stack:
        for path in paths:
            stack.enter_context(_read_only(path))
        yield


@contextmanager
def _read_only(path: Path) -> Iterator[None]:
    mode = stat.S_IMODE(path.stat().st_mode)
    path.chmod(0o555 if path.is_dir() else 0o444)
    immutable = False
    try:
        if os.geteuid() == 0:
            done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
            if done.returncode != 0:
                pytest.skip(f"root ignores modes and chattr +i failed: {done.stderr!r}")
            immutable = True
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(mode)
