"""The fetch stage: paging, lenient parsing, and real API responses."""

from __future__ import annotations

import json
from pathlib import Path

import httpx2
import openai
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openai.types.chat import ChatCompletion

from dailypapers.errors import FetchError
from dailypapers.http import make_client
from dailypapers.sources.hf import fetch_day, parse_entries, parse_entry, parse_page_body
from tests.fakes import FakeArxiv, FakeHF, FakeOpenAI, Late, make_entry
from tests.shared_data import shared_path


def fetch(hf: FakeHF, date: str = "2024-12-06") -> list[object]:
    with make_client(timeout=5) as client:
        return fetch_day(client, hf.url, date, backoff=0.01)


def entries(count: int) -> list[dict[str, object]]:
    return [make_entry(f"2412.{i:05d}", f"Paper {i}") for i in range(count)]


def test_a_busy_day_is_paged_until_a_short_page(fake_hf: FakeHF) -> None:
    fake_hf.set_day("2024-12-06", entries(120))

    got = fetch(fake_hf)

    assert [e["paper"]["id"] for e in got] == [f"2412.{i:05d}" for i in range(120)]  # type: ignore[index]
    assert [(r.query["p"], r.query["limit"]) for r in fake_hf.requests] == [
        ("0", "50"),
        ("1", "50"),
        ("2", "50"),
    ]


def test_exactly_one_full_page_asks_once_more(fake_hf: FakeHF) -> None:
    fake_hf.set_day("2024-12-06", entries(50))

    assert len(fetch(fake_hf)) == 50
    assert [r.query["p"] for r in fake_hf.requests] == ["0", "1"]


def test_a_server_that_ignores_the_page_number_does_not_loop(fake_hf: FakeHF) -> None:
    page = json.dumps(entries(50)).encode()
    for _ in range(3):
        fake_hf.enqueue(200, page)

    assert len(fetch(fake_hf)) == 50
    assert len(fake_hf.requests) == 2


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (500, "daily papers for 2024-12-06: HTTP 500 Internal Server Error (after 4 tries)"),
        (400, "daily papers for 2024-12-06: HTTP 400 Bad Request (the API refuses the date)"),
    ],
)
def test_http_errors_become_fetch_errors(fake_hf: FakeHF, status: int, message: str) -> None:
    fake_hf.fail_next(status, times=4)

    with pytest.raises(FetchError) as error:
        fetch(fake_hf)

    assert str(error.value) == message


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "not JSON: an empty body"),
        (b"[1, 2", "malformed JSON"),
        (
            b'{"error": "Invalid date"}',
            "expected a JSON list of papers, got an object with keys error",
        ),
        (b'"text"', "expected a JSON list of papers, got str"),
    ],
)
def test_a_body_that_is_not_a_list_is_named(body: bytes, message: str) -> None:
    with pytest.raises(FetchError) as error:
        parse_page_body(body, date="2024-12-06")

    assert str(error.value).startswith(f"daily papers for 2024-12-06: {message}")


MAINTENANCE = b"""<!DOCTYPE html>
<html><head><title>Hugging Face</title><style>body { color: red }</style></head>
<body>
  <h1>We are down   for maintenance</h1>
  <p>Back soon. Thank you for your patience while we upgrade every server we have, one by
  one, and then all of them again.</p></body></html>"""


@pytest.mark.parametrize(
    ("body", "content_type", "words"),
    [
        (MAINTENANCE, "text/html; charset=utf-8", '"Hugging Face We are down for maintenance Back'),
        (b"Service Unavailable\n\ntry later", "text/plain", '"Service Unavailable try later"'),
        (b"<html>busy</html>", "application/json", '"busy"'),
        (b"", "application/json", "an empty body"),
    ],
)
def test_a_body_that_is_not_json_names_the_url_the_type_and_its_first_words(
    fake_hf: FakeHF, body: bytes, content_type: str, words: str
) -> None:
    fake_hf.set_raw("2024-12-06", body, content_type)

    with pytest.raises(FetchError) as error:
        fetch(fake_hf)

    message = str(error.value)
    url = f"{fake_hf.url}/api/daily_papers?date=2024-12-06&p=0&limit=50"
    assert message.startswith(f"daily papers for 2024-12-06: {url} answered {content_type}")
    assert words in message
    assert "Expecting value" not in message
    assert len(message.removeprefix(f"daily papers for 2024-12-06: {url}")) < 180


def test_an_entry_is_parsed_leniently() -> None:
    raw = make_entry(
        "2412.04467v2",
        "A  title\n  over lines",
        upvotes=0,
        authors=["Zed", "Amy", "Zed", "  Bo  Li "],
        hidden=["Hidden Author"],
        githubRepo="https://github.com/x/y",
        ai_keywords=["kw"],
    )
    raw["paper"]["summary"] = "An abstract\nwrapped  here."

    paper = parse_entry(raw)

    assert paper.arxiv_id == "2412.04467"
    assert paper.title == "A title over lines"
    assert paper.authors == ("Zed", "Amy", "Bo Li", "Hidden Author")
    assert paper.upvotes == 0
    assert paper.abstract == "An abstract wrapped here."
    assert paper.github_repo == "https://github.com/x/y"
    assert paper.ai_keywords == ("kw",)
    assert paper.raw is raw


def test_the_organisation_is_its_display_name_from_the_entry_or_its_paper() -> None:
    on_entry = make_entry("2510.00001", "On the entry", ai_keywords=[" diffusion\nmodel ", ""])
    on_entry["organization"] = {"_id": "o1", "name": "nvidia", "fullname": "NVIDIA"}
    on_paper = make_entry("2510.00002", "On the paper", organization={"name": "kaist"})
    neither = make_entry("2510.00003", "Neither")

    assert parse_entry(on_entry).organization == "NVIDIA"
    assert parse_entry(on_entry).ai_keywords == ("diffusion model",)
    assert parse_entry(on_paper).organization == "kaist"
    assert parse_entry(neither).organization is None


def test_the_real_organisations_are_read() -> None:
    folder = shared_path("fixtures", "hf_daily_papers")
    raw = json.loads((folder / "2025-10-29.json").read_text("utf-8"))
    day = parse_entries(raw)

    listed = [e for e in raw if e.get("organization") or e["paper"].get("organization")]
    assert listed
    assert sum(1 for p in day.papers if p.organization) == len(listed)


def test_the_old_media_url_and_a_video_thumbnail_are_kept() -> None:
    old = make_entry("2405.00001", "Old", thumbnail=None)
    old["mediaUrl"] = "https://x/y.png"
    video = make_entry("2405.00002", "Video", thumbnail="https://x/demo.mp4")

    assert parse_entry(old).thumbnail == "https://x/y.png"
    assert parse_entry(video).thumbnail == "https://x/demo.mp4"


def test_broken_entries_are_skipped_with_a_reason_and_the_rest_kept() -> None:
    no_id = make_entry("2412.00002", "No id")
    del no_id["paper"]["id"]
    bad_id = make_entry("not-an-id", "Bad id")
    no_title = make_entry("2412.00004", "")
    no_title["paper"]["title"] = ""
    good = make_entry("2412.00001", "Good")

    day = parse_entries([good, "text", no_id, bad_id, no_title, good])

    assert [p.arxiv_id for p in day.papers] == ["2412.00001"]
    assert day.problems == [
        "entry 1: expected an object, got str",
        "entry 2: missing paper.id",
        "entry 3: paper.id 'not-an-id' is not an arXiv id",
        "entry 4: 2412.00004 has no title",
        "entry 5: 2412.00001 is listed twice; kept the first",
    ]


def real_responses() -> list[Path]:
    folder = shared_path("fixtures", "hf_daily_papers")
    return sorted(p for p in folder.glob("*.json") if "pyrepr" not in p.name)


def test_every_real_response_parses_cleanly() -> None:
    for path in real_responses():
        raw = json.loads(path.read_text(encoding="utf-8"))
        day = parse_entries(raw)

        assert day.problems == [], path.name
        assert len(day.papers) == len(raw)
        for paper, entry in zip(day.papers, raw, strict=True):
            where = (path.name, paper.arxiv_id)
            assert paper.title, where
            assert paper.abstract, where
            assert paper.authors, where
            assert paper.thumbnail, where
            names = [" ".join(a["name"].split()) for a in entry["paper"]["authors"]]
            assert list(paper.authors) == list(dict.fromkeys(n for n in names if n))
            assert paper.upvotes == entry["paper"]["upvotes"]


def test_known_facts_of_the_real_responses() -> None:
    folder = shared_path("fixtures", "hf_daily_papers")
    december = parse_entries(json.loads((folder / "2024-12-06.json").read_text("utf-8")))
    may = parse_entries(json.loads((folder / "2024-05-27.json").read_text("utf-8")))

    assert len(december.papers) == 27
    assert all("\n" not in p.title for p in december.papers)
    assert all(p.upvotes >= 0 for p in december.papers)
    assert may.papers
    for paper in may.papers:
        assert "thumbnail" not in paper.raw
        assert paper.thumbnail == paper.raw["mediaUrl"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
paper_like = st.fixed_dictionaries(
    {"paper": st.fixed_dictionaries({}, optional={"id": json_values, "title": json_values,
                                                  "authors": json_values, "upvotes": json_values,
                                                  "summary": json_values})},
    optional={"title": json_values, "thumbnail": json_values},
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(json_values | paper_like, max_size=6))
def test_any_json_gives_papers_or_clear_problems(raw: list[object]) -> None:
    day = parse_entries(raw)

    assert len(day.papers) + len(day.problems) == len(raw)
    for problem in day.problems:
        assert problem.startswith("entry ")
    for paper in day.papers:
        assert paper.arxiv_id
        assert paper.title


# The fakes themselves answer as the other tests expect. ------------------------------------


def test_fake_hf_pages_refuses_bad_dates_and_serves_raw_bytes(fake_hf: FakeHF) -> None:
    fake_hf.set_day("2024-12-06", entries(60))
    fake_hf.set_raw("2024-12-07", b"{not json")
    api = f"{fake_hf.url}/api/daily_papers"
    with httpx2.Client(timeout=5) as client:
        first = client.get(api, params={"date": "2024-12-06"})
        second = client.get(api, params={"date": "2024-12-06", "p": 1, "limit": 50})
        unknown = client.get(api, params={"date": "2024-12-08"})
        bad = client.get(api, params={"date": "2025-13-40"})
        raw = client.get(api, params={"date": "2024-12-07"})

    assert len(first.json()) == 50
    assert [e["paper"]["id"] for e in second.json()] == [f"2412.{i:05d}" for i in range(50, 60)]
    assert unknown.json() == []
    assert (bad.status_code, bad.json()) == (400, {"error": "Invalid date: 2025-13-40"})
    assert raw.content == b"{not json"


def test_fake_arxiv_serves_pdfs_and_counts_downloads(fake_arxiv: FakeArxiv) -> None:
    fake_arxiv.add_pdf("2412.00001", b"%PDF-1.4 fake")
    fake_arxiv.add_body("2412.00002", b"<html>captcha</html>", "text/html")
    with httpx2.Client(base_url=fake_arxiv.url, timeout=5) as client:
        pdf = [client.get("/pdf/2412.00001") for _ in range(2)][-1]
        html = client.get("/pdf/2412.00002")
        missing = client.get("/pdf/2412.00003")

    assert (pdf.content, pdf.headers["content-type"]) == (b"%PDF-1.4 fake", "application/pdf")
    assert html.headers["content-type"] == "text/html"
    assert missing.status_code == 404
    assert fake_arxiv.downloads == {"2412.00001": 2, "2412.00002": 1}


def ask(fake: FakeOpenAI, title: str = "Tiny Paper", *, timeout: float = 5) -> ChatCompletion:
    client = openai.OpenAI(
        base_url=fake.url + "/v1", api_key="sk-secret-test", max_retries=0, timeout=timeout
    )
    with client:
        return client.chat.completions.create(
            model="gpt-test",
            messages=[
                {"role": "system", "content": "Summarise in Korean."},
                {"role": "user", "content": f"Paper:\nTitle: {title}\nAbstract: ..."},
            ],
        )


SECTIONS = ["What's New", "Technical Details", "Performance Highlights"]


def test_fake_openai_answers_well_through_the_real_sdk(fake_openai: FakeOpenAI) -> None:
    reply = ask(fake_openai, "VisionZip")
    content = reply.choices[0].message.content or ""
    answer = json.loads(content)

    assert list(answer) == SECTIONS
    assert "VisionZip" in answer["What's New"]
    assert all("(" in text and text.count(".") >= 2 for text in answer.values())
    assert (reply.model, reply.choices[0].finish_reason) == ("gpt-test", "stop")
    assert reply.usage is not None
    assert reply.usage.total_tokens > reply.usage.prompt_tokens > 0
    assert (fake_openai.calls, fake_openai.prompt_tokens) == (1, reply.usage.prompt_tokens)
    assert fake_openai.completion_tokens == reply.usage.completion_tokens
    request = fake_openai.requests[-1]
    assert request.headers["authorization"] == "Bearer sk-secret-test"
    assert "sk-secret-test" not in repr(request)
    assert json.loads(request.body)["model"] == "gpt-test"


def test_fake_openai_bad_modes_through_the_real_sdk(fake_openai: FakeOpenAI) -> None:
    fake_openai.set_mode("garbage")
    garbage = ask(fake_openai).choices[0].message.content or ""
    fake_openai.set_mode("incomplete")
    incomplete = json.loads(ask(fake_openai).choices[0].message.content or "")
    fake_openai.set_mode("refuse")
    refused = ask(fake_openai).choices[0].message

    with pytest.raises(json.JSONDecodeError):
        json.loads(garbage)
    assert list(incomplete) == SECTIONS[:2]
    assert (refused.content, refused.refusal) == (None, "I'm sorry, I can't help with that.")


def test_fake_openai_errors_stalls_and_scripted_content(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue_content('{"a": 1}', finish_reason="length")
    scripted = ask(fake_openai).choices[0]
    fake_openai.set_mode("error")
    with pytest.raises(openai.InternalServerError) as error:
        ask(fake_openai)
    fake_openai.set_mode("good")
    fake_openai.crash_at(then=Late(0.5))
    with pytest.raises(openai.APITimeoutError):
        ask(fake_openai, timeout=0.1)

    assert (scripted.message.content, scripted.finish_reason) == ('{"a": 1}', "length")
    assert error.value.status_code == 500
    assert len(fake_openai.requests) == 3
