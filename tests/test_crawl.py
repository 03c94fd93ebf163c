"""End to end: serve the fixture archive on loopback, crawl it with `scrapy crawl aawsat`."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import pytest
from scrapy import Request, signals
from scrapy.http import HtmlResponse
from scrapy.utils.asyncgen import collect_asyncgen
from scrapy.utils.test import get_crawler

from crawler.discovery.urls import RecentUrls
from crawler.reporting import stats_keys
from crawler.sites.base import UrlKind
from crawler.spiders.aawsat import AawsatSpider
from crawler.spiders.archive import LinkTargets
from pipelines.validate import article_validator
from qa import crawl_launcher
from qa.fixtures import (
    FIXTURES,
    fixture_site,
    golden_crawl_lines,
    golden_stats,
    page_cases,
    run_crawl,
)
from tests.conftest import serve_mirror

MIRROR = FIXTURES / "aawsat" / "site"
EXPECTED_JSONL, EXPECTED_STATS = fixture_site("aawsat").golden_files


@pytest.fixture(scope="module")
def crawl(outputs_crawl):
    """The fixture crawl (tests/conftest.py), shared with the Parquet, progress and
    coverage page tests: its extra outputs change nothing in the JSON Lines or stats."""
    return outputs_crawl.result, outputs_crawl.base_url, outputs_crawl.fetched


def test_output_is_the_golden_jsonl(crawl):
    result, base_url, _ = crawl
    assert golden_crawl_lines(result.output, base_url) == EXPECTED_JSONL.read_text().splitlines()


def test_stats_are_the_golden_stats(crawl):
    result, _, _ = crawl
    assert golden_stats(result.report["stats"]) == json.loads(EXPECTED_STATS.read_text())


def test_every_line_is_one_schema_valid_utf8_record(crawl):
    result, _, _ = crawl
    validator = article_validator()
    lines = result.output.splitlines()
    assert lines
    for line in lines:
        validator.validate(json.loads(line))
    assert "\\u" not in result.output  # UTF-8 text, not ASCII escapes


def test_every_article_page_of_the_mirror_is_emitted_once(crawl):
    result, _, _ = crawl
    urls = [json.loads(line)["url"] for line in result.output.splitlines()]
    expected = {case.checks["url"] for case in page_cases() if case.site.name == "aawsat"}
    assert sorted(urls) == sorted(expected)


def test_run_report_is_logged_with_the_stats_numbers(crawl):
    result, _, _ = crawl
    stats = result.report["stats"]
    assert "Run report (aawsat, finished: finished)" in result.log
    assert f"articles emitted: {stats['articles/emitted']}" in result.log
    assert f"pages fetched: {stats['downloader/response_count']}" in result.log
    assert result.report["report"] == [
        line for line in result.report["report"] if line in result.log
    ]


def test_pages_that_must_not_be_fetched_are_not(crawl):
    _, _, fetched = crawl
    assert fetched
    forbidden = [
        path
        for path in fetched
        if path.startswith(("/preview/", "/wp-admin/", "/feed/", "/about-us/", "/contact-us/"))
        or "?" in path.rstrip("?")
        or path.rstrip("/").endswith("/feed")
    ]
    assert forbidden == []


def test_a_bad_base_url_is_a_clear_usage_error(tmp_path):
    done = crawl_launcher.run(
        [sys.executable, "-m", "scrapy", "crawl", "aawsat", "-a", "base_url=127.0.0.1:8000"],
        FIXTURES.parent,
        timeout=120,
    )
    assert done.returncode != 0
    assert "base_url" in done.stderr
    assert "not an http(s) URL: '127.0.0.1:8000'" in done.stderr


def test_the_archive_spider_with_a_named_profile_gives_the_same_corpus(mirror_server, tmp_path):
    serve_mirror(mirror_server, MIRROR)
    base_url = mirror_server.url_for("/")
    result = run_crawl("archive", base_url, tmp_path, "-a", "site=aawsat")
    assert result.returncode == 0, result.log[-4000:]
    assert golden_crawl_lines(result.output, base_url) == EXPECTED_JSONL.read_text().splitlines()


def test_the_archive_spider_names_the_known_profiles_when_asked_for_another(tmp_path):
    result = run_crawl("archive", "http://127.0.0.1:9/", tmp_path, "-a", "site=nytimes")
    assert result.returncode != 0
    assert "unknown site profile 'nytimes'; known profiles: aawsat" in result.log


def listing_requests(spider: AawsatSpider, page: HtmlResponse) -> list[Request]:
    """What the spider's listing callback yields for ``page`` (read in this process: no
    extraction pool is started outside a crawl)."""
    return asyncio.run(collect_asyncgen(spider.parse_listing(page)))


def test_a_link_to_a_page_already_scheduled_is_counted_as_a_duplicate_not_yielded():
    crawler = get_crawler(AawsatSpider, settings_dict={"ARCHIVE_COVERAGE_DIR": ""})
    spider = AawsatSpider.from_crawler(crawler, base_url="http://127.0.0.1:8000/")
    crawler.spider = spider
    crawler.stats.open_spider()
    links = ["/category/opinion/", "/amir-taheri/opinion/a-post/", "/category/news/"]
    page = HtmlResponse(
        url="http://127.0.0.1:8000/category/features/",
        body="".join(f'<a href="{link}">x</a>' for link in links).encode(),
        encoding="utf-8",
    )
    crawler.signals.send_catch_log(
        signals.request_scheduled, request=Request("http://127.0.0.1:8000/category/opinion/")
    )
    retry = Request("http://127.0.0.1:8000/category/news/", dont_filter=True)
    crawler.signals.send_catch_log(signals.request_scheduled, request=retry)

    yielded = [request.url for request in listing_requests(spider, page)]

    assert yielded == [
        "http://127.0.0.1:8000/amir-taheri/opinion/a-post/",
        "http://127.0.0.1:8000/category/news/",  # only a retry of it was scheduled
    ]
    assert crawler.stats.get_value(stats_keys.DUPEFILTER_FILTERED) == 1


@pytest.mark.parametrize("argument", [None, "state", "since"])
def test_a_link_to_a_scheduled_page_builds_no_request_in_any_mode(tmp_path, argument):
    """Whatever the state store or the date range say, the Request for a page already
    scheduled would be dropped: it is never built (the sidebar's hundreds of links on
    every page of an incremental or a date-range crawl were each made into one)."""
    arguments = {"state": str(tmp_path / "state.sqlite"), "since": "2010-01-01"}
    crawler = get_crawler(AawsatSpider, settings_dict={"ARCHIVE_COVERAGE_DIR": ""})
    spider = AawsatSpider.from_crawler(
        crawler,
        base_url="http://127.0.0.1:8000/",
        **({argument: arguments[argument]} if argument else {}),
    )
    crawler.spider = spider
    crawler.stats.open_spider()
    built: list[str] = []
    build = spider._request_for

    def counted_build(url: str, *rest: Any, **named: Any) -> Request | None:
        built.append(url)
        return build(url, *rest, **named)

    spider._request_for = counted_build  # type: ignore[method-assign]
    links = ["/category/opinion/", "/amir-taheri/opinion/a-post/"]
    page = HtmlResponse(
        url="http://127.0.0.1:8000/category/features/",
        body="".join(f'<a href="{link}">x</a>' for link in links).encode(),
        encoding="utf-8",
    )
    for scheduled in links:
        crawler.signals.send_catch_log(
            signals.request_scheduled, request=Request(f"http://127.0.0.1:8000{scheduled}")
        )

    assert listing_requests(spider, page) == []
    assert built == []
    assert crawler.stats.get_value(stats_keys.DUPEFILTER_FILTERED) == 2
    spider.closed("finished")


def test_links_met_again_are_decided_once_and_a_relative_link_per_page():
    crawler = get_crawler(AawsatSpider, settings_dict={"ARCHIVE_COVERAGE_DIR": ""})
    spider = AawsatSpider.from_crawler(crawler, base_url="http://127.0.0.1:8000/")
    crawler.spider = spider
    crawler.stats.open_spider()
    origin = "https://eng-archive.aawsat.com"
    links = [f"{origin}/category/opinion/", f"{origin}/about-us/", "page/2/"]

    def follow(path: str) -> list[str]:
        page = HtmlResponse(
            url=f"http://127.0.0.1:8000{path}",
            body="".join(f'<a href="{link}">x</a>' for link in links).encode(),
            encoding="utf-8",
        )
        requests = listing_requests(spider, page)
        for request in requests:
            crawler.signals.send_catch_log(signals.request_scheduled, request=request)
        return [request.url for request in requests]

    assert follow("/category/world/") == [
        "http://127.0.0.1:8000/category/opinion/",
        "http://127.0.0.1:8000/category/world/page/2/",
    ]
    assert follow("/category/features/") == ["http://127.0.0.1:8000/category/features/page/2/"]
    assert crawler.stats.get_value(stats_keys.DUPEFILTER_FILTERED) == 1
    assert spider.link_targets[f"{origin}/about-us/"] is None  # not followed, decided once


def test_link_targets_keep_absolute_links_and_those_met_since_the_last_turn():
    targets = LinkTargets(2)
    article = ("http://127.0.0.1/a/b/", UrlKind.ARTICLE)
    targets["https://x/a/b/"] = article
    targets["https://x/about/"] = None
    targets["page/2/"] = ("http://127.0.0.1/c/page/2/", UrlKind.LISTING)  # one per page
    targets["https://x/c/"] = ("http://127.0.0.1/c/", UrlKind.LISTING)  # a new generation
    assert targets["https://x/a/b/"] == article  # met again: kept in the new generation
    targets["https://x/d/"] = None  # the next turn drops what was not met again
    assert targets["https://x/a/b/"] == article
    for forgotten in ("https://x/about/", "page/2/"):
        with pytest.raises(KeyError):
            targets[forgotten]


def test_recent_urls_keep_the_urls_found_since_the_last_turn():
    recent = RecentUrls(2)
    recent.add("a")
    recent.add("b")
    recent.add("c")  # a new generation
    assert "a" in recent  # found again: kept in the new generation
    recent.add("d")  # the next turn drops what was not found again
    assert "a" in recent
    assert "b" not in recent
    assert "c" in recent
    assert "d" in recent
    assert "e" not in recent


def test_posts_with_no_date_on_their_page_are_dated_from_the_listings(crawl):
    """Builder posts show no date on their page; the crawl gives them the date the listings
    print beside them, or the month of the month archive that lists them."""
    result, _, _ = crawl
    records = {r["url"]: r for r in map(json.loads, result.output.splitlines())}
    undated = [case for case in page_cases() if "crawl_published" in case.checks]
    assert len(undated) == 3
    for case in undated:
        record = records[case.checks["url"]]
        assert {key: record[key] for key in case.checks["crawl_published"]} == case.checks[
            "crawl_published"
        ], case.name
    sources = {record["published_source"] for record in records.values()}
    assert sources == {"page", "listing", "month_archive"}  # every record has a date
