"""A URL list spanning two sites: ``scrapy crawl archive -a urls=FILE`` with no base URL,
run as the README runs it (``python -m crawler.mirror crawl-sites``: the aawsat and
Levant Review fixture sites, each on its own loopback port). Each URL is extracted by its
host's profile (aawsat's own; the generic one for the other site), ``site`` is set per
host, robots.txt is read per host, and both reports group by site."""

from __future__ import annotations

import json
import sys
from urllib.parse import urlsplit

import pytest
from pytest_httpserver import HTTPServer
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.utils.test import get_crawler

from crawler.capture.mirror import MirrorResponse, start_server
from crawler.discovery.multisite import site_name
from crawler.runtime.middlewares import HostGuardMiddleware
from crawler.spiders.generic import GenericArchiveSpider
from qa import crawl_launcher
from qa.fixtures import FIXTURES, crawl_golden_files, run_crawl

AAWSAT = "https://eng-archive.aawsat.com"
TWO_SITES = FIXTURES.parent / "examples" / "two-sites.txt"
LEVANT = "https://levantreview.example"


def golden_records(site: str) -> dict[str, dict]:
    lines, _ = crawl_golden_files(site)
    return {r["url"]: r for r in map(json.loads, lines.read_text().splitlines())}


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("multisite")
    command = [
        sys.executable,
        *("-m", "crawler.mirror", "crawl-sites"),
        *("--site", f"fixtures/aawsat/site={AAWSAT}"),
        *("--site", f"fixtures/levant-review/site={LEVANT}"),
        *("-a", "urls=examples/two-sites.txt", "-O", str(workdir / "both.jsonl")),
        *("-s", f"ARCHIVE_REPORT_FILE={workdir / 'report.json'}"),
        *("-s", f"ARCHIVE_COVERAGE_DIR={workdir / 'coverage'}"),
    ]
    done = crawl_launcher.run(command, FIXTURES.parent, timeout=300)
    assert done.returncode == 0, done.stderr[-4000:]
    records = [json.loads(line) for line in (workdir / "both.jsonl").read_text().splitlines()]
    report = json.loads((workdir / "report.json").read_text())
    coverage = json.loads((workdir / "coverage" / "archive.json").read_text())
    return records, report, coverage


def test_each_url_is_extracted_by_its_hosts_profile(crawl):
    records, _, _ = crawl
    by_url = {r["url"]: r for r in records}
    aawsat, levant = golden_records("aawsat"), golden_records("levant-review")
    assert len(records) == 4
    for url, record in by_url.items():
        golden = aawsat.get(url) or levant[url]
        fetched = urlsplit(record.pop("fetched_url"))
        assert fetched.hostname == "127.0.0.1"
        assert fetched.path == urlsplit(url).path
        record.pop("fetched_at")
        if url.startswith(LEVANT):
            # A host without a profile: the generic extractor; the host names the site.
            assert record["extractor"]["name"] == "generic"
            assert record.pop("site") == "levantreview_example"
            assert record.pop("id").startswith("levantreview_example-")
            golden = {k: v for k, v in golden.items() if k not in ("site", "id")}
        else:
            assert record["site"] == "aawsat"
        assert record == {k: v for k, v in golden.items() if k != "fetched_url"}


def test_robots_txt_is_read_per_host_and_reports_group_by_site(crawl):
    _, report, coverage = crawl
    stats = report["stats"]
    assert stats["robotstxt/request_count"] == 2
    assert stats["sites/emitted/aawsat"] == 2
    assert stats["sites/emitted/levantreview_example"] == 2
    assert stats["sites/failed/aawsat"] == 1  # the deleted story: 404
    assert "articles emitted, by site: 4 (aawsat: 2, levantreview_example: 2)" in report["report"]
    sites = {site["site"]: site for site in coverage["sites"]}
    assert sorted(sites) == ["aawsat", "levantreview_example"]
    assert (sites["aawsat"]["listed"], sites["aawsat"]["unavailable"]) == (3, 1)
    assert (sites["levantreview_example"]["listed"], sites["levantreview_example"]["covered"]) == (
        2,
        2,
    )
    assert [e["site"] for e in coverage["not_in_output"]] == ["aawsat"]


def test_a_listed_urls_redirect_to_another_site_is_followed_and_a_link_is_not():
    """A listed URL redirecting to another site (a link shortener, a feed proxy, a site
    that moved) is followed, as a reader's browser follows it: it was refused, and the
    article lost. The request then belongs to the site it reached. A request to another
    site that is no redirect is still refused."""
    crawler = get_crawler(GenericArchiveSpider, {"ROBOTSTXT_OBEY": False})
    crawler.spider = GenericArchiveSpider.from_crawler(crawler, urls=str(TWO_SITES))
    guard = HostGuardMiddleware.from_crawler(crawler)
    site = ("https://a.example", "http://127.0.0.1:8001")
    same = Request("http://127.0.0.1:8001/x/", meta={"site_address": site})
    assert guard.process_request(same) is None
    public = Request("https://a.example/x/", meta={"site_address": site})
    assert guard.process_request(public) is None
    moved = Request(
        "http://127.0.0.1:8002/x/",
        meta={"site_address": site, "redirect_urls": ["http://127.0.0.1:8001/x/"]},
    )
    assert guard.process_request(moved) is None
    assert moved.meta["site_address"] == ("http://127.0.0.1:8002", "http://127.0.0.1:8002")
    assert crawler.stats.get_value("url_list/redirected_off_site") == 1
    other = Request("http://127.0.0.1:8003/x/", meta={"site_address": site})
    with pytest.raises(IgnoreRequest, match="off-site"):
        guard.process_request(other)
    assert crawler.stats.get_value("faults/off_site/request") == 1


def test_a_shortened_link_in_a_list_gives_the_article_it_leads_to(tmp_path):
    """A list of shortened links (a social media dataset's, a feed proxy's): each
    redirects to the article on its own site, which is read there by that site's
    profile; the listed URL is covered by it in the coverage report."""
    story = "<p>" + "The harbour reopened on Monday after a week of storms along the coast. " * 8
    article = (
        "<html><head><title>Harbour reopens - The Coast News</title>"
        "<meta property='og:type' content='article'></head><body><article>"
        f"<h1>Harbour reopens</h1>{story}</p>{story}</p>{story}</p></article></body></html>"
    )
    shortener, news = HTTPServer(host="127.0.0.1", port=0), HTTPServer(host="127.0.0.1", port=0)
    for server in (shortener, news):
        server.start()
        server.expect_request("/robots.txt").respond_with_data("", status=404)
    try:
        target = news.url_for("/2020/05/harbour-reopens/")
        news.expect_request("/2020/05/harbour-reopens/").respond_with_data(
            article, content_type="text/html; charset=utf-8"
        )
        shortener.expect_request("/3xYz9").respond_with_data(
            "", status=301, headers={"Location": target}
        )
        listed = shortener.url_for("/3xYz9")
        (tmp_path / "links.txt").write_text(listed + "\n")
        result = run_crawl("archive", None, tmp_path, "-a", f"urls={tmp_path / 'links.txt'}")
    finally:
        for server in (shortener, news):
            server.stop()
    assert result.returncode == 0, result.log[-3000:]
    [record] = [json.loads(line) for line in result.output.splitlines()]
    assert (record["url"], record["title"]) == (target, "Harbour reopens")
    assert record["site"] == site_name(news.url_for("/").rstrip("/"))
    assert result.report["stats"]["url_list/redirected_off_site"] == 1
    coverage = json.loads((tmp_path / "coverage" / "archive.json").read_text())
    assert (coverage["listed"], coverage["covered"]) == (1, 1)


def test_an_internationalized_host_has_one_url_and_site_in_either_spelling(tmp_path):
    """A URL list naming a site by its Unicode host name and by its IDNA (``xn--``) form
    gave each story two URLs and ids; an Arabic host name gave no ``site`` at all, and
    every record was dropped (``empty_id``)."""
    story = "".join(
        f"<p>Paragraph {n} of a story told at length, word after word.</p>" * 3 for n in range(4)
    )

    def respond(target: str) -> MirrorResponse:
        slug = urlsplit(target).path.strip("/").rpartition("/")[2]
        page = f"<html><head><title>Story {slug}</title></head><body><article><h1>Story {slug}</h1>"
        return MirrorResponse(
            200,
            {"Content-Type": "text/html; charset=utf-8"},
            f"{page}{story}</article></body></html>".encode(),
        )

    servers = [start_server(respond), start_server(respond)]
    try:
        german, arabic = (f"http://127.0.0.1:{server.server_port}" for server in servers)
        listed = tmp_path / "list.txt"
        listed.write_text(
            "https://müller.example/news/one/\nhttps://xn--mller-kva.example/news/two/\n"
            "https://أخبار.مصر/news/three/\n"
        )
        mapping = f"https://müller.example={german},https://أخبار.مصر={arabic}"
        result = run_crawl(
            "archive", None, tmp_path, "-a", f"urls={listed}", "-a", f"base_urls={mapping}"
        )
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
    assert result.returncode == 0, result.log[-3000:]
    records = sorted((r["site"], r["url"]) for r in map(json.loads, result.output.splitlines()))
    assert records == [
        ("xn_igbicxr_xn_wgbh1c", "https://xn--igbicxr.xn--wgbh1c/news/three/"),
        ("xn_mller_kva_example", "https://xn--mller-kva.example/news/one/"),
        ("xn_mller_kva_example", "https://xn--mller-kva.example/news/two/"),
    ]
