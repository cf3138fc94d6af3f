"""``--verify llm``: the model's source span for each sentence of a summary, looked up in the
paper; end to end through the real CLI against the fakes, and the lookup on its own."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from typing import Any

import pytest

from dailypapers.summarize.verify import MIN_SPAN_WORDS, check_spans, normalise, parse_spans
from tests.e2e import World, invoke, one_line

DATE = "2024-12-06"
SENTENCES = 6  # the fake's Korean summary: two sentences in each of three sections


def rows(world: World, query: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(world.out / "dailypapers.db")) as db:
        return list(db.execute(query))


def span_checks(world: World) -> dict[str, list[dict[str, Any]] | None]:
    """Each stored summary's SpanChecks as stored, by paper (None: not verified)."""
    found = {}
    for arxiv_id, grounding in rows(world, "SELECT arxiv_id, grounding_json FROM summaries"):
        data = json.loads(grounding) if grounding else {}
        found[arxiv_id] = data.get("verified")
    return found


def verify_calls(world: World) -> list[tuple[Any, ...]]:
    return rows(
        world,
        "SELECT arxiv_id, prompt_version, ok, error FROM llm_calls "
        "WHERE prompt_version LIKE '%+verify' ORDER BY id",
    )


def test_verify_is_off_by_default(world: World) -> None:
    world.add_day(DATE, 2)

    result = world.run("--date", DATE)

    assert result.exit_code == 0, result.output
    assert world.openai.calls == 2
    assert world.openai.verify_calls == 0
    assert verify_calls(world) == []
    assert set(span_checks(world).values()) == {None}
    assert "verify llm:" not in one_line(result.output)
    assert "Default: $DAILYPAPERS_VERIFY or off." in one_line(invoke("run", "--help").output)


def test_verify_llm_asks_once_more_per_paper_and_stores_each_span(world: World) -> None:
    ids = world.add_day(DATE, 2)

    result = world.run("--date", DATE, "--verify", "llm")

    assert result.exit_code == 0, result.output
    assert world.openai.calls == 4
    assert world.openai.verify_calls == 2
    assert sorted(verify_calls(world)) == [(i, "ko-sections-v2+verify", 1, None) for i in ids]
    checks = span_checks(world)
    for arxiv_id in ids:
        stored = checks[arxiv_id]
        assert stored is not None
        assert len(stored) == SENTENCES
        assert all(check["found"] and check["span"] for check in stored)
        assert [c["part"] for c in stored[:2]] == ["What's New", "What's New"]
    flags = rows(world, "SELECT flags_json FROM summaries")
    assert {flag for (flag,) in flags} == {"[]"}
    output = one_line(result.output)
    assert "verify llm: 2 calls" in output
    assert f"0 of {2 * SENTENCES} sentences without a source span" in output


def test_an_invented_span_flags_its_sentence_and_keeps_the_summary(world: World) -> None:
    [paper] = world.add_day(DATE, 1)
    world.openai.verify_invented = {3}

    result = world.run("--date", DATE, "--verify", "llm")

    assert result.exit_code == 0, result.output
    assert world.openai.calls == 2  # the summary is not asked again for it
    [stored] = span_checks(world).values()
    assert stored is not None
    assert [check["found"] for check in stored] == [True, True, False, True, True, True]
    assert stored[2]["part"] == "Technical Details"
    [(status,)] = rows(world, "SELECT status FROM papers")
    assert status == "summarized"
    [(flags,)] = rows(world, "SELECT flags_json FROM summaries")
    [flag] = json.loads(flags)
    assert flag.startswith(f"verify: 1 of {SENTENCES} sentences have no source span: ")
    assert "제안된 모델은 트랜스포머(Transformer) 구조를 사용합니다." in flag
    output = one_line(result.output)
    assert f"{paper}: verify: 1 of {SENTENCES} sentences have no source span" in output
    assert f"1 of {SENTENCES} sentences without a source span" in output


def test_a_garbage_verify_answer_keeps_the_summary_unverified(world: World) -> None:
    [paper] = world.add_day(DATE, 1)
    world.openai.verify_mode = "garbage"

    result = world.run("--date", DATE, "--verify", "llm")

    assert result.exit_code == 0, result.output
    assert world.openai.calls == 2  # a garbage second opinion is not asked again
    assert span_checks(world) == {paper: None}
    [(status,)] = rows(world, "SELECT status FROM papers")
    assert status == "summarized"
    [(_, _, ok, error)] = verify_calls(world)
    assert ok == 0
    assert error.startswith("the answer is not JSON")
    [(flags,)] = rows(world, "SELECT flags_json FROM summaries")
    assert flags == "[]"  # a check that could not be made says nothing against the summary
    output = one_line(result.output)
    assert f"{paper}: verification failed, summary kept unverified: the answer is not JSON" in (
        output
    )


def test_a_verify_call_that_fails_with_a_server_error_is_asked_again(world: World) -> None:
    [paper] = world.add_day(DATE, 1)
    world.openai.verify_errors = 1

    result = world.run("--date", DATE, "--verify", "llm")

    assert result.exit_code == 0, result.output
    assert world.openai.rejected.get(500) == 1
    [(_, _, first, error), (_, _, second, _)] = verify_calls(world)
    assert (first, second) == (0, 1)
    assert "fake server error" in error
    stored = span_checks(world)[paper]
    assert stored is not None
    assert len(stored) == SENTENCES


def test_server_errors_past_the_limit_keep_the_summary_unverified_saying_so(
    world: World,
) -> None:
    [paper] = world.add_day(DATE, 1)
    world.openai.verify_errors = 99

    result = world.run("--date", DATE, "--verify", "llm")

    assert result.exit_code == 0, result.output
    assert world.openai.rejected.get(500) == 4  # the summary's own retry limit
    assert span_checks(world) == {paper: None}
    assert [ok for (_, _, ok, _) in verify_calls(world)] == [0, 0, 0, 0]
    [(status,)] = rows(world, "SELECT status FROM papers")
    assert status == "summarized"
    output = one_line(result.output)
    assert f"{paper}: verification failed, summary kept unverified:" in output
    assert "(after 4 tries)" in output


def test_a_rerun_verifies_nothing_again_and_force_does(world: World) -> None:
    world.add_day(DATE, 2)
    assert world.run("--date", DATE, "--verify", "llm").exit_code == 0
    assert world.openai.calls == 4

    again = world.run("--date", DATE, "--verify", "llm")

    assert again.exit_code == 0, again.output
    assert world.openai.calls == 4
    assert world.openai.verify_calls == 2

    forced = world.run("--date", DATE, "--verify", "llm", "--force", "--overwrite")

    assert forced.exit_code == 0, forced.output
    assert world.openai.calls == 8
    assert world.openai.verify_calls == 4


def test_the_cost_cap_counts_the_verify_call(world: World) -> None:
    world.add_day(DATE, 6)
    # Without verify a paper starts if about $0.0114 fits (its text, and 1,000 tokens kept for
    # the answer) and costs $0.0024 (test_cost.py): all six fit under $0.03.
    plain = world.run("--date", DATE, "--max-cost", "0.03", "--concurrency", "1")
    assert plain.exit_code == 0, plain.output
    assert world.openai.calls == 6

    world.out = world.out.parent / "verified"
    capped = world.run(
        "--date", DATE, "--max-cost", "0.03", "--concurrency", "1", "--verify", "llm"
    )

    # With verify a paper starts if about $0.023 fits (the spans request's estimate on top)
    # and costs $0.0053 (both calls). Two papers fit; the third would pass the cap. Had the
    # estimate left out the spans request, four would start; had the spend left out the
    # verify calls, three.
    assert capped.exit_code == 0, capped.output
    statuses = dict(rows(world, "SELECT status, count(*) FROM papers GROUP BY status"))
    assert statuses == {"summarized": 2, "skipped": 4}
    assert world.openai.calls == 6 + 2 * 2
    assert "cost cap ($0.03) would be passed" in one_line(capped.output)


def test_stats_price_a_verify_call_by_its_model(world: World) -> None:
    world.add_day(DATE, 1)
    world.run("--date", DATE, "--verify", "llm")

    result = invoke("stats", "--out", str(world.out), env={"COLUMNS": "200"})

    assert result.exit_code == 0, result.output
    assert "total: 2 calls" in result.output
    assert "unpriced" not in result.output.lower()


def test_dailypapers_verify_turns_it_on(world: World) -> None:
    world.add_day(DATE, 1)

    result = world.run("--date", DATE, env=world.env() | {"DAILYPAPERS_VERIFY": "llm"})

    assert result.exit_code == 0, result.output
    assert world.openai.verify_calls == 1


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--verify", "yes"], {}, "error: --verify yes: choose off or llm"),
        ([], {"DAILYPAPERS_VERIFY": "on"}, "error: DAILYPAPERS_VERIFY='on': choose off or llm"),
        (
            ["--verify", "llm", "--summarizer", "extractive"],
            {},
            "error: --verify llm needs an LLM",
        ),
        (["--verify", "llm", "--batch"], {}, "error: --verify llm does not go with --batch"),
    ],
)
def test_a_bad_verify_setting_is_a_clear_error(
    world: World, args: list[str], env: dict[str, str], message: str
) -> None:
    world.add_day(DATE, 1)

    result = world.run("--date", DATE, *args, env=world.env() | env)

    assert result.exit_code == 2, result.output
    assert message in one_line(result.output)
    assert world.openai.calls == 0


def test_verify_works_with_a_server_that_only_knows_json_object(world: World) -> None:
    world.add_day(DATE, 1)
    env = world.env() | {"DAILYPAPERS_RESPONSE_FORMAT": "json_object"}

    result = world.run("--date", DATE, "--verify", "llm", env=env)

    assert result.exit_code == 0, result.output
    assert world.openai.verify_calls == 1
    [stored] = span_checks(world).values()
    assert stored is not None
    assert all(check["found"] for check in stored)


def test_verify_off_is_the_same_as_no_verify(world: World) -> None:
    world.add_day(DATE, 1)

    result = world.run("--date", DATE, env=world.env() | {"DAILYPAPERS_VERIFY": "off"})

    assert result.exit_code == 0, result.output
    assert world.openai.calls == 1


# the lookup ----------------------------------------------------------------------------------

SOURCE = (
    "Title: FooNet\n"
    "We train the model on 1.2M images with a cross-\nentropy loss and report “top-1” accuracy.\n"
    "| Model | ImageNet | COCO |\n|---|---|---|\n| FooNet | 81.3 | 45.2 |\n"
)


def test_normalise_evens_out_case_quotes_dashes_hyphenation_and_pipes() -> None:
    assert normalise("A  “Quoted”\n‘word’ — here") == "a \"quoted\" 'word' - here"
    assert normalise("a cross-\nentropy loss") == normalise("a cross-entropy loss")
    assert normalise("effi-\ncient") == normalise("efficient") == "efficient"
    assert normalise("| FooNet | 81.3 | 45.2 |") == "foonet 81.3 45.2"


@pytest.mark.parametrize(
    ("span", "found"),
    [
        ('We train the model on 1.2M images with a cross-entropy loss and report "top-1"', True),
        ("train the model on 1.2m images with a cross- entropy loss.", True),
        ("FooNet | 81.3 | 45.2", False),  # three words: too short to show anything
        ("Model ImageNet COCO FooNet 81.3 45.2", True),
        ("We train the model on 2.4M images", False),
        ("", False),
    ],
)
def test_a_span_is_found_when_the_paper_has_it_word_for_word(span: str, found: bool) -> None:
    sentences = [("What's New", "FooNet은 새로운 모델입니다.")]

    [check] = check_spans(sentences, {1: span}, SOURCE)

    assert check.found is found
    assert check.span == (span or None)


def test_a_span_needs_a_few_words() -> None:
    short = " ".join(["FooNet"] * (MIN_SPAN_WORDS - 1))
    assert not check_spans([("a", "b")], {1: short}, f"{short} {short}")[0].found


def test_a_sentence_without_an_answer_has_no_span() -> None:
    sentences = [("What's New", "가."), ("Technical Details", "나.")]

    checks = check_spans(sentences, {2: "We train the model on 1.2M images"}, SOURCE)

    assert [(c.span, c.found) for c in checks] == [
        (None, False),
        ("We train the model on 1.2M images", True),
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("not json", "the answer is not JSON"),
        ('{"spans": [{"sentence": "one", "span": "x"}]}', "the answer has the wrong shape"),
        ('{"spans": {}}', "the answer has the wrong shape"),
        ("[]", "the answer is JSON but not an object"),
    ],
)
def test_an_unusable_answer_says_why(content: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_spans(content)


def test_numbers_outside_the_summary_are_ignored() -> None:
    spans = parse_spans('{"spans": [{"sentence": 9, "span": "x"}, {"sentence": 1, "span": "y"}]}')

    assert spans == {9: "x", 1: "y"}
    [check] = check_spans([("What's New", "가.")], spans, SOURCE)
    assert check.span == "y"
