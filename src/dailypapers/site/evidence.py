"""A summary section as HTML whose numbers and names answer "where does this come from?".

Each traced claim becomes a button followed by its evidence: the paper's own sentence and the
section it sits in, or a note that the paper does not state it. The style sheet shows the
evidence on hover and focus, and the site's script on a tap (``aria-expanded``), so it works by
mouse, keyboard and touch. Everything from the data is escaped here; only our own tags are not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup, escape

from dailypapers.digest.views import PaperView, section_name
from dailypapers.evidence import Evidence
from dailypapers.models import Section

#: Shown for a number or name that neither the text sent nor the abstract states.
NOT_FOUND = "논문 본문과 초록에서 찾지 못했습니다 (not found in the paper)"


def section_html(paper: PaperView, section: Section, index: int) -> Markup:
    """The text of ``paper``'s ``index``-th section, its traced claims marked; the plain
    escaped text when the summary was not traced."""
    if paper.grounding is None or not paper.grounding.evidence:
        return escape(section.text)
    part = section_name(section.label)
    claims = _claims_of(paper.grounding.evidence, part)
    return _marked(section.text, claims, f"ev-{paper.arxiv_id}-{index}")


def _claims_of(evidence: Sequence[Evidence], part: str) -> dict[str, Evidence]:
    """The section's claims by their text, a found sentence preferred over a missing one."""
    claims: dict[str, Evidence] = {}
    for item in evidence:
        if item.part == part and (item.claim not in claims or item.found):
            claims[item.claim] = item
    return claims


def _marked(text: str, claims: dict[str, Evidence], prefix: str) -> Markup:
    """``text`` with the first place each claim appears marked, longest claims first so that
    ``GPT-4o`` is not taken for ``GPT``; a number is never matched inside a longer one."""
    if not claims:
        return escape(text)
    pattern = re.compile(
        "|".join(
            rf"(?<![\w.]){re.escape(claim)}(?![\w])" if claim[:1].isdigit() else re.escape(claim)
            for claim in sorted(claims, key=len, reverse=True)
        )
    )
    pieces: list[str] = []
    done: set[str] = set()
    last = 0
    for match in pattern.finditer(text):
        claim = match.group()
        if claim in done or claim not in claims:
            continue
        done.add(claim)
        button = _claim(claims[claim], f"{prefix}-{len(done)}")
        pieces += [escape(text[last : match.start()]), button]
        last = match.end()
    pieces.append(escape(text[last:]))
    return Markup("").join(pieces)


def _claim(item: Evidence, ident: str) -> Markup:
    state = "found" if item.found else "missing"
    return Markup(
        '<span class="claim-wrap"><button type="button" class="claim {state}" '
        'aria-expanded="false" aria-describedby="{ident}">{claim}</button>'
        '<span class="evidence" id="{ident}" role="tooltip">{body}</span></span>'
    ).format(state=state, ident=ident, claim=item.claim, body=_body(item))


def _body(item: Evidence) -> Markup:
    if not item.found:
        return escape(NOT_FOUND)
    where = f" — {item.where}" if item.where else ""
    spelled = f" (논문 표기: {item.matched})" if item.matched and item.matched != item.claim else ""
    return Markup('<q>{sentence}</q><span class="where">{where}{spelled}</span>').format(
        sentence=item.sentence, where=where, spelled=spelled
    )
