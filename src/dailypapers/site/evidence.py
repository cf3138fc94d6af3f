"""A summary section as HTML whose numbers and names answer "where does this come from?".

Each traced claim becomes a button followed by its evidence: the paper's own sentence and the
section it sits in, or a note that the paper does not state it. The style sheet shows the
evidence on hover and focus, and the site's script on a tap (``aria-expanded``), so it works by
mouse, keyboard and touch. Everything from the data is escaped here; only our own tags are not.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from dailypapers.digest.views import PaperView, section_name
from dailypapers.evidence import Evidence
from dailypapers.models import Section

#: Shown for a number or name that neither the text sent nor the abstract states.
NOT_FOUND = "논문 본문과 초록에서 찾지 못했습니다 (not found in the paper)"
NOT_FOUND_HTML = str(escape(NOT_FOUND))


def section_html(paper: PaperView, section: Section, index: int) -> Markup:
    """The text of ``paper``'s ``index``-th section, its traced claims marked; the plain
    escaped text when the summary was not traced."""
    if paper.grounding is None or not paper.grounding.evidence:
        return escape(section.text)
    part = section_name(section.label)
    claims = _claims_of(paper.grounding.evidence, part)
    return _marked(section.text, claims, str(escape(f"ev-{paper.arxiv_id}-{index}")))


def _claims_of(evidence: Sequence[Evidence], part: str) -> dict[str, Evidence]:
    """The section's claims by their text, a found sentence preferred over a missing one."""
    claims: dict[str, Evidence] = {}
    for item in evidence:
        if item.part == part and (item.claim not in claims or item.found):
            claims[item.claim] = item
    return claims


def _marked(text: str, claims: dict[str, Evidence], prefix: str) -> Markup:
    """``text`` with the first place each claim appears marked; longer claims take their place
    first, so that ``GPT-4o`` is not taken for ``GPT``, and a number is never matched inside a
    longer one. Plain string search: a page of a big archive marks thousands of claims.
    ``prefix`` (of each claim's id) is escaped already."""
    places = sorted(_places(text, claims))
    if not places:
        return escape(text)
    pieces: list[str] = []
    last = 0
    for number, (start, end, claim) in enumerate(places, 1):
        pieces += [escape(text[last:start]), _claim(claims[claim], f"{prefix}-{number}")]
        last = end
    pieces.append(escape(text[last:]))
    return Markup("".join(pieces))


def _places(text: str, claims: dict[str, Evidence]) -> list[tuple[int, int, str]]:
    taken: list[tuple[int, int, str]] = []
    for claim in sorted(claims, key=len, reverse=True):
        at = text.find(claim)
        while at >= 0:
            end = at + len(claim)
            free = all(end <= start or at >= stop for start, stop, _ in taken)
            if free and (not claim[:1].isdigit() or _whole_number(text, at, end)):
                taken.append((at, end, claim))
                break
            at = text.find(claim, at + 1)
    return taken


def _whole_number(text: str, start: int, end: int) -> bool:
    """Not part of a longer number or a name (``3.5`` in ``3.55`` or ``Qwen3.5``); a Korean
    particle may follow (``3.5%를``)."""
    before = text[start - 1] if start else " "
    after = text[end : end + 2]
    if before.isdigit() or before in ".," or (before.isascii() and before.isalpha()):
        return False
    if after[:1].isdigit() or (after[:1].isascii() and after[:1].isalpha()):
        return False
    return not (after[:1] in ".," and after[1:].isdigit())


def _claim(item: Evidence, ident: str) -> str:
    """A claim's button and its evidence; ``ident`` is escaped already."""
    state = "found" if item.found else "missing"
    return (
        f'<span class="claim-wrap"><button type="button" class="claim {state}" '
        f'aria-expanded="false" aria-describedby="{ident}">{escape(item.claim)}</button>'
        f'<span class="evidence" id="{ident}" role="tooltip">{_body(item)}</span></span>'
    )


def _body(item: Evidence) -> str:
    if not item.found:
        return NOT_FOUND_HTML
    where = f" — {item.where}" if item.where else ""
    spelled = f" (논문 표기: {item.matched})" if item.matched and item.matched != item.claim else ""
    sentence = escape(item.sentence or "")
    return f'<q>{sentence}</q><span class="where">{escape(where + spelled)}</span>'
