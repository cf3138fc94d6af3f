"""Where each claim of a summary comes from: every number and every name it mentions, traced to
the sentence (or table row) of the paper that states it.

A summary is grounded when each of its numbers and names was found in the text that was sent or
in the abstract. What was found is kept as evidence (the paper's own sentence and the section it
sits in), so a reader can see where "30.71" comes from in one click.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

ClaimKind = Literal["number", "name"]


@dataclass(frozen=True)
class Evidence:
    """One number or name of a summary, and the sentence of the paper that states it."""

    kind: ClaimKind
    #: The claim exactly as the summary writes it (``30.71%``, ``CLIP-Score``, ``강화 학습``).
    claim: str
    #: The summary section it was found in (a section key, or ``bullets``).
    part: str
    #: The paper's sentence or table row that states it; None when the paper does not.
    sentence: str | None = None
    #: The heading of the paper section that sentence sits under (``Abstract``, ``4 Results``).
    where: str | None = None
    #: For a name found under another spelling or in English: the paper's own spelling.
    matched: str | None = None

    @property
    def found(self) -> bool:
        return self.sentence is not None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "claim": self.claim,
            "part": self.part,
            "sentence": self.sentence,
            "where": self.where,
            "matched": self.matched,
        }


@dataclass(frozen=True)
class SpanCheck:
    """``--verify llm``: one sentence of the summary and the source span the model gave for it."""

    part: str
    sentence: str
    #: The English span the model quoted; None when it gave none.
    span: str | None
    #: Whether the span occurs (normalised) in the text that was sent.
    found: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "part": self.part,
            "sentence": self.sentence,
            "span": self.span,
            "found": self.found,
        }


@dataclass(frozen=True)
class Grounding:
    """Every claim of one summary and whether the paper states it."""

    evidence: tuple[Evidence, ...] = ()
    #: The second opinion of ``--verify llm``, when it was asked for.
    verified: tuple[SpanCheck, ...] | None = field(default=None)

    def count(self, kind: ClaimKind) -> tuple[int, int]:
        """(found, total) for one kind of claim, each distinct claim counted once."""
        claims: dict[str, bool] = {}
        for item in self.evidence:
            if item.kind == kind:
                claims[item.claim] = claims.get(item.claim, False) or item.found
        return sum(claims.values()), len(claims)

    @property
    def numbers(self) -> tuple[int, int]:
        return self.count("number")

    @property
    def names(self) -> tuple[int, int]:
        return self.count("name")

    def unsupported(self, kind: ClaimKind) -> list[str]:
        """The distinct claims of ``kind`` the paper does not state, in the summary's order."""
        found = {item.claim for item in self.evidence if item.kind == kind and item.found}
        missing = (item.claim for item in self.evidence if item.kind == kind)
        return list(dict.fromkeys(claim for claim in missing if claim not in found))

    @property
    def grounded(self) -> bool:
        """Every number and name found, and every verified sentence supported."""
        if any(not item.found for item in self.evidence):
            return False
        return all(check.found for check in self.verified or ())

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"evidence": [item.as_dict() for item in self.evidence]}
        if self.verified is not None:
            data["verified"] = [check.as_dict() for check in self.verified]
        return data

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Grounding:
        evidence = tuple(Evidence(**item) for item in data.get("evidence", ()))
        verified = data.get("verified")
        checks = None if verified is None else tuple(SpanCheck(**item) for item in verified)
        return cls(evidence, checks)

    @classmethod
    def from_json(cls, text: str | None) -> Grounding | None:
        return cls.from_dict(json.loads(text)) if text else None


@dataclass(frozen=True)
class GroundingShare:
    """How well a set of summaries is grounded: what ``stats`` and ``check --db`` report."""

    summaries: int = 0
    #: Summaries whose claims were traced (the others were made before tracing existed).
    traced: int = 0
    #: Traced summaries with every number and name found (and every verified sentence).
    grounded: int = 0
    numbers: tuple[int, int] = (0, 0)
    names: tuple[int, int] = (0, 0)

    @classmethod
    def of(cls, groundings: Iterable[Grounding | None]) -> GroundingShare:
        share = cls()
        for grounding in groundings:
            share = share.add(grounding)
        return share

    def add(self, grounding: Grounding | None) -> GroundingShare:
        if grounding is None:
            return replace(self, summaries=self.summaries + 1)
        return GroundingShare(
            self.summaries + 1,
            self.traced + 1,
            self.grounded + grounding.grounded,
            _plus(self.numbers, grounding.numbers),
            _plus(self.names, grounding.names),
        )


def _plus(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    return a[0] + b[0], a[1] + b[1]
