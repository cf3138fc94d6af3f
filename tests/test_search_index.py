"""The sharded search index, read as files: keys, shards, aliases, ids, authors, rebuilds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dailypapers.digest.importer import import_digest
from dailypapers.digest.views import day_view
from dailypapers.site.build import build_site
from dailypapers.site.search_index import ROOT, decode, encode
from dailypapers.site.search_terms import (
    author_keys,
    bigrams,
    bucket,
    fnv1a,
    hangul_runs,
    latin_words,
    normalize,
    text_keys,
)
from dailypapers.store import Store
from tests.site_corpus import XSS_ID, build_corpus, generated_digest


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("search")
    corpus = build_corpus(root / "db.sqlite")
    with Store.open(corpus.db) as store:
        build_site(store, root / "site")
    return corpus.db, root / "site"


def script_data(path: Path) -> tuple[str, int, object]:
    """(segment, number, data) of a ``DailyPapersSearch.x("seg",n,data);`` file."""
    text = path.read_text(encoding="utf-8")
    args = text[text.index("(") + 1 : text.rindex(")")]
    segment, number, payload = args.split(",", 2)
    return json.loads(segment), int(number), json.loads(payload)


def manifest(site: Path) -> dict[str, list[list[object]]]:
    text = (site / ROOT / "manifest.js").read_text(encoding="utf-8")
    data: dict[str, list[list[object]]] = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    return data


def shard_of(site: Path, key: str) -> dict[str, str]:
    """The postings of every segment's shard that holds ``key``, merged by segment name."""
    found: dict[str, str] = {}
    for name, _, buckets, _ in manifest(site)["segments"]:
        path = site / ROOT / str(name) / f"k{bucket(key, int(str(buckets)))}.js"
        _, _, shard = script_data(path)
        assert isinstance(shard, dict)
        if key in shard:
            found[str(name)] = shard[key]
    return found


def doc_ids(site: Path, postings: dict[str, str]) -> set[str]:
    ids = set()
    for segment, encoded in postings.items():
        for value in decode(encoded):
            _, _, row = script_data(site / ROOT / segment / "d" / f"{value >> 1}.js")
            assert isinstance(row, list)
            ids.add(row[0])
    return ids


def test_spacing_gives_the_same_keys_both_ways() -> None:
    assert text_keys("강화학습을 통해") >= {"강화", "화학", "학습"}
    assert text_keys("강화 학습을") == text_keys("강화학습을")
    assert "화학" in text_keys("확산 모델과 강화 학습")
    assert text_keys("Vision-Language 모델") >= {"vision-language", "vision", "language", "모델"}


@given(st.text(alphabet="강화 학습모델\n\tAbc-d.e+f9ÉX×\u00a0\u3000\x1c", max_size=60))
def test_text_keys_are_the_bigrams_of_hangul_runs_and_the_latin_words(text: str) -> None:
    normal = normalize(text)
    expected = {gram for run in hangul_runs(normal) for gram in bigrams(run)}
    assert text_keys(text) == expected | set(latin_words(normal))


def test_author_keys_are_whole_name_tokens_to_the_end_of_a_name() -> None:
    assert author_keys("Xiao Bo Li") == {"@xiao bo li", "@bo li", "@li"}
    assert "@bo li" not in author_keys("Bo Lin")
    assert not any(key.startswith("@bo li") for key in author_keys("Jianbo Li"))


def test_the_bucket_hash_is_fnv1a_over_utf16_units() -> None:
    assert fnv1a("") == 0x811C9DC5
    assert fnv1a("a") == 0xE40C292C  # the published FNV-1a 32 test vector
    assert bucket("reinforcement", 64) == bucket("reinforce", 64) == bucket("rei", 64)
    assert bucket("@bo li", 64) == bucket("@bo lin", 64) == bucket("@bo", 64)


@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 1)), max_size=50))
def test_postings_survive_encoding(found: list[tuple[int, int]]) -> None:
    unique = [2 * n + flag for n, flag in sorted(dict(found).items())]
    if unique:
        assert decode(encode(unique)) == unique
        papers = (unique[-1] >> 1) + 1
        assert decode(encode(unique, papers)) == unique  # bitmaps when dense


def test_postings_are_gaps_doubled_plus_the_title_flag() -> None:
    assert encode([2 * 3 + 1, 2 * 10]) == "7,e"
    assert decode("7,e") == [7, 20]


def test_a_dense_key_is_written_as_bitmaps_under_half_the_size() -> None:
    half = [2 * n + (n % 3 == 0) for n in range(0, 10_000, 2)]
    bitmaps, gaps = encode(half, 10_000), encode(half)
    assert bitmaps.startswith("~")
    assert len(bitmaps) * 2.5 < len(gaps)
    assert decode(bitmaps) == half


def test_every_paper_is_indexed_once_with_its_text(built: tuple[Path, Path]) -> None:
    db, site = built
    data = manifest(site)
    total = sum(int(str(segment[1])) for segment in data["segments"])
    docs = list((site / ROOT).glob("*/d/*.js"))
    assert len(docs) == total
    ids = [script_data(path)[2][0] for path in docs]  # type: ignore[index]
    assert len(ids) == len(set(ids))
    with Store.open(db) as store:
        views = [day_view(store, day) for day in store.digest_days()]
    assert len(ids) == len({p.arxiv_id for v in views if v for p in v.papers})


def test_a_paper_is_found_by_every_key_of_its_summary(built: tuple[Path, Path]) -> None:
    db, site = built
    with Store.open(db) as store:
        view = day_view(store, store.digest_days()[5])
    assert view is not None
    paper = view.papers[0]
    keys = text_keys(" ".join(section.text for section in paper.sections))
    for key in sorted(keys)[:40]:
        assert paper.arxiv_id in doc_ids(site, shard_of(site, key)), key


def test_ids_are_keys_and_shards_stay_small(built: tuple[Path, Path]) -> None:
    _, site = built
    assert doc_ids(site, shard_of(site, normalize(XSS_ID))) == {XSS_ID}
    assert XSS_ID in doc_ids(site, shard_of(site, "@coauthor 1"))
    for path in (site / ROOT).glob("*/k*.js"):
        assert path.stat().st_size < 64 * 1024


def test_the_manifest_carries_the_glossary_as_aliases(built: tuple[Path, Path]) -> None:
    _, site = built
    aliases = manifest(site)["aliases"]
    assert ["reinforcement learning", "강화 학습"] in aliases
    assert all(pair[1] != "keep" for pair in aliases)


def test_a_rebuild_with_nothing_changed_writes_nothing(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite") as store:
        for day in range(1, 6):
            import_digest(store, generated_digest(f"2024-12-{day:02d}", day))
        build_site(store, tmp_path / "site")
        again = build_site(store, tmp_path / "site")
    assert again.written == []


def test_one_new_day_rewrites_only_what_it_changes(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite") as store:
        import_digest(store, generated_digest("2023-12-01", 1))
        for day in range(1, 6):
            import_digest(store, generated_digest(f"2024-12-{day:02d}", day))
        first = build_site(store, tmp_path / "site")
        import_digest(store, generated_digest("2024-12-06", 6))
        second = build_site(store, tmp_path / "site")
    written = {path.relative_to(tmp_path / "site").as_posix() for path in second.written}
    assert not any(path.startswith(f"{ROOT}/2023/") for path in written)
    assert "days/2024-12-06.html" in written
    assert not any(path.startswith("days/2024-12-0") and path[15] in "1234" for path in written)
    assert len(written) < len(first.written) / 2


def test_the_index_of_nothing_is_a_manifest(tmp_path: Path) -> None:
    """What build_site writes for an empty store: the manifest alone, naming no segment."""
    site = tmp_path / "site"
    with Store.open(tmp_path / "db.sqlite") as store:
        build_site(store, site)
    files = [path.relative_to(site).as_posix() for path in (site / ROOT).rglob("*")]
    assert files == [f"{ROOT}/manifest.js"]
    assert manifest(site)["segments"] == []
