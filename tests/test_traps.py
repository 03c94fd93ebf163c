"""Spider traps: the fixture archive served with endless pagination, a calendar linking
every day and month from 1990 to 2030, and per-view session ids (``qa/trapped_site.py``)
is crawled to its end, every article once, in at most 3x the requests of the trap-free
crawl, and each rule that fired is counted."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from crawler.capture.mirror import start_server
from crawler.reporting import stats_keys
from crawler.spiders.traps import TrapRules
from qa.fixtures import FIXTURES, crawl_golden_files, golden_crawl_lines, run_crawl
from qa.trapped_site import TrappedSite

EXPECTED_JSONL, EXPECTED_STATS = crawl_golden_files("aawsat")


@pytest.fixture(scope="module")
def trapped_crawl(tmp_path_factory):
    server = start_server(TrappedSite(FIXTURES / "aawsat" / "site").respond)
    base_url = f"http://127.0.0.1:{server.server_port}/"
    try:
        yield base_url, run_crawl("aawsat", base_url, tmp_path_factory.mktemp("trapped"))
    finally:
        server.shutdown()
        server.server_close()


def test_a_trapped_archive_is_crawled_to_its_end_with_every_article_once(trapped_crawl):
    base_url, result = trapped_crawl
    assert result.returncode == 0
    assert result.report["finish_reason"] == "finished"
    # The same 29 records as the trap-free crawl, byte for byte (less fetch times).
    assert golden_crawl_lines(result.output, base_url) == EXPECTED_JSONL.read_text().splitlines()


def test_the_traps_cost_at_most_3x_the_requests_of_the_trap_free_crawl(trapped_crawl):
    _, result = trapped_crawl
    trap_free = json.loads(EXPECTED_STATS.read_text())[stats_keys.DOWNLOADER_RESPONSE_COUNT]
    assert result.report["stats"][stats_keys.DOWNLOADER_RESPONSE_COUNT] <= 3 * trap_free


def test_each_trap_rule_is_counted_and_logged_when_it_fires(trapped_crawl):
    _, result = trapped_crawl
    stats = result.report["stats"]
    for rule in (
        "pagination_stopped",
        "date_archives_deferred",
        "date_archives_skipped",
        "session_ids_stripped",
        "tracking_params_stripped",
    ):
        assert stats[f"{stats_keys.TRAPS}{rule}"] > 0, rule
        assert f"(counted as traps/{rule})" in result.log, rule
    assert stats_keys.TRAPS_PATTERN_BUDGET_EXHAUSTED not in stats  # the last resort was not needed
    assert "spider traps avoided" in "\n".join(result.report["report"])


def test_the_pattern_budget_stops_an_endless_listing_pattern_and_only_it():
    crawler = SimpleNamespace(settings=Settings({"ARCHIVE_LISTING_PATTERN_BUDGET": 3}))
    crawler.stats = MemoryStatsCollector(crawler)
    rules = TrapRules(crawler)
    pages = [f"https://x.org/category/news/page/{n}/" for n in range(1, 7)]
    assert [rules.within_budget(url) for url in pages] == [True, True, True, False, False, False]
    assert rules.within_budget(pages[0])  # a URL already counted is not counted again
    assert rules.within_budget("https://x.org/category/sport/page/9/")  # its own pattern
    assert crawler.stats.get_value(stats_keys.TRAPS_PATTERN_BUDGET_EXHAUSTED) == 3
