"""The quality gate's metadata check: a `scrapy crawl archive -a urls=…` over the real pages
of the hand-checked metadata oracle (fixtures/<corpus>/metadata-oracle.json, see
qa/metadata_oracle.py), scored per field against floors pinned in
tests/metadata_oracle_floors.json. Raise a floor when extraction improves; lowering one
needs a reason in the commit."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from qa.fixtures import FIXTURES, run_crawl
from qa.metadata_oracle import ORACLE_FIELDS, load_oracle, records_by_page, score
from tests.conftest import serve_mirror

CORPORA = ("article-extraction", "publication-dates")
FLOORS = json.loads((Path(__file__).parent / "metadata_oracle_floors.json").read_text())


@pytest.fixture(scope="module")
def scores(mirror_server, tmp_path_factory) -> dict[str, dict[str, dict]]:
    site = tmp_path_factory.mktemp("oracle-pages")
    oracles = {corpus: load_oracle(FIXTURES / corpus) for corpus in CORPORA}
    for corpus, oracle in oracles.items():
        for page in oracle:
            (site / page).mkdir()
            saved = FIXTURES / corpus / "html" / f"{page}.html.gz"
            (site / page / "index.html").write_bytes(gzip.decompress(saved.read_bytes()))
    serve_mirror(mirror_server, site)
    base_url = mirror_server.url_for("/")
    workdir = tmp_path_factory.mktemp("crawl")
    url_list = workdir / "urls.txt"
    url_list.write_text("".join(f"{base_url}{page}/\n" for o in oracles.values() for page in o))
    result = run_crawl(
        "archive",
        base_url,
        workdir,
        "-a",
        f"urls={url_list}",
        "-s",
        "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    )
    assert result.returncode == 0, result.log[-3000:]
    (workdir / "articles.jsonl").write_text(result.output)
    records = records_by_page(workdir / "articles.jsonl")
    return {corpus: score(oracle, records) for corpus, oracle in oracles.items()}


def test_the_oracle_covers_at_least_60_pages_and_every_field():
    oracles = [load_oracle(FIXTURES / corpus) for corpus in CORPORA]
    assert sum(len(oracle) for oracle in oracles) >= 60
    for field in ORACLE_FIELDS:
        assert sum(field in truth for o in oracles for truth in o.values()) >= 20, field


def test_every_field_has_a_floor():
    assert sorted(FLOORS) == sorted(f"{c}/{f}" for c in CORPORA for f in ORACLE_FIELDS)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_field_accuracy_is_not_below_its_floor(scores, name):
    corpus, field = name.split("/")
    figures = scores[corpus][field]
    assert figures["accuracy"] >= FLOORS[name], (
        f"{name}: {figures['right']}/{figures['checked']} (floor {FLOORS[name]}); "
        f"wrong on {figures['wrong']}"
    )
