"""The generic profile end to end: `scrapy crawl archive` over a second WordPress site that
no site profile knows (fixtures/levant-review), against its golden output and stats."""

from __future__ import annotations

import json

import pytest

from qa.fixtures import fixture_site, golden_crawl_lines, golden_stats, run_crawl
from tests.conftest import serve_mirror

SITE = fixture_site("levant-review")
EXPECTED_JSONL, EXPECTED_STATS = SITE.golden_files


@pytest.fixture(scope="module")
def crawl(mirror_server, tmp_path_factory):
    serve_mirror(mirror_server, SITE.mirror_root)
    base_url = mirror_server.url_for("/")
    result = run_crawl(SITE.spider, base_url, tmp_path_factory.mktemp("crawl"), *SITE.crawl_args)
    assert result.returncode == 0, result.log[-4000:]
    return result, base_url


def test_output_is_the_golden_jsonl(crawl):
    result, base_url = crawl
    assert golden_crawl_lines(result.output, base_url) == EXPECTED_JSONL.read_text().splitlines()


def test_stats_are_the_golden_stats(crawl):
    result, _ = crawl
    assert golden_stats(result.report["stats"]) == json.loads(EXPECTED_STATS.read_text())


def test_every_article_is_emitted_with_the_published_urls(crawl):
    result, _ = crawl
    urls = sorted(json.loads(line)["url"] for line in result.output.splitlines())
    assert urls == sorted(case.checks["url"] for case in SITE.page_cases())
    assert all(url.startswith("https://levantreview.example/") for url in urls)
    assert all(json.loads(line)["site"] == "generic" for line in result.output.splitlines())
