"""Counting tokens: tiktoken's compiled core from shipped, hash-checked ranks, bounded work."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from dailypapers.sources.pdf import extract_text, normalise_text
from dailypapers.summarize.budget import count_tokens, truncate_tokens
from dailypapers.summarize.tokens import MAX_RUN, _built_encoder, encoder, pure_encoder
from tests.shared_data import shared_path


def test_tokens_are_counted_by_tiktokens_compiled_core_without_the_network(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("counting tokens tried to open a connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    _built_encoder.cache_clear()

    coder = encoder()

    assert type(coder).__module__.startswith("tiktoken")
    assert count_tokens("hello world") == 2


def test_worker_threads_asking_at_once_share_one_encoder() -> None:
    """The run's workers count tokens from the start; the vocabulary (hashed, parsed, built:
    about half a second) is built once, not once per thread."""
    _built_encoder.cache_clear()
    start = threading.Barrier(4)
    built: list[object] = []

    def ask() -> None:
        start.wait()
        built.append(encoder())

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(built) == 4
    assert len({id(coder) for coder in built}) == 1


@pytest.mark.parametrize("letters", [32_000, 1_000_000])
def test_a_long_run_of_one_letter_is_counted_fast(letters: int) -> None:
    started = time.monotonic()
    tokens = count_tokens("a" * letters)

    assert time.monotonic() - started < 2.0
    assert letters // 8 <= tokens <= letters // 2


def test_the_pure_python_fallback_is_bounded_too() -> None:
    started = time.monotonic()
    tokens = count_tokens("a" * 32_000, pure_encoder())

    assert time.monotonic() - started < 5.0
    assert tokens == count_tokens("a" * 32_000)


def test_special_tokens_in_a_paper_are_plain_text() -> None:
    assert count_tokens("<|endoftext|>") > 1
    assert truncate_tokens("one <|endoftext|> two", 1) == "one"


def test_real_text_is_counted_exactly_as_the_pure_tokenizer_counts_it() -> None:
    pdf = shared_path("fixtures", "arxiv_pdfs", "2304.02623.pdf").read_bytes()
    text = normalise_text(extract_text(pdf, arxiv_id="2304.02623").text)
    pure = pure_encoder()

    assert count_tokens(text) == len(pure.encode_ordinary(text))
    assert count_tokens("x" * MAX_RUN) == len(pure.encode_ordinary("x" * MAX_RUN))
