"""The generic profile end to end: `scrapy crawl archive` over a second WordPress site that
no site profile knows (fixtures/levant-review), against its golden output and stats."""

from __future__ import annotations

import json

import pytest

from qa.fixtures import fixture_site, golden_crawl_lines, golden_stats, run_crawl
from tests.conftest import serve_mirror, serving

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
    # Named by its host, as a URL list spanning sites names it (it was "generic", and its
    # ids differed from those of the same articles crawled from a list).
    assert all(
        json.loads(line)["site"] == "levantreview_example" for line in result.output.splitlines()
    )


def test_stories_sharing_one_canonical_are_each_emitted_at_their_own_url(tmp_path):
    """A news site whose template names one story's address as every story's canonical:
    the crawl emitted the first story it read and dropped the rest as its duplicates, at
    INFO. Each is emitted now, the ones after the first at their own URLs, counted and
    said in one WARNING."""
    paths = [f"/news/2020/01/story-{number}/" for number in range(1, 5)]
    links = "".join(f"<li><a href='{path}'>Story</a></li>" for path in paths)
    pages: dict[str | tuple[str, str], str] = {
        "/": f"<html><head><title>Town News</title></head><body><ul>{links}</ul></body></html>"
    }
    for number, path in enumerate(paths, 1):
        text = "".join(
            f"<p>Story {number}, paragraph {paragraph}: the council argued about the"
            " harbour budget for hours on Tuesday.</p>"
            for paragraph in range(5)
        )
        pages[path] = (
            f"<html><head><title>Story {number} - Town News</title>"
            "<link rel='canonical' href='/2019/05/the-first-story/'>"
            "<meta property='og:type' content='article'></head>"
            f"<body><article><h1>Story {number}</h1>{text}</article></body></html>"
        )
    with serving(pages) as server:
        result = run_crawl("archive", server.url_for("/"), tmp_path)
    assert result.returncode == 0, result.log[-3000:]
    records = [json.loads(line) for line in result.output.splitlines()]
    assert sorted(record["title"] for record in records) == [f"Story {n}" for n in range(1, 5)]
    urls = {record["url"] for record in records}
    assert len(urls) == 4
    assert len(urls & {server.url_for(path) for path in paths}) == 3
    stats = result.report["stats"]
    assert stats["faults/canonical/shared"] == 3
    assert "articles/duplicates/url" not in stats
    assert result.log.count("as its canonical URL, as a page of another article did") == 1


def test_sitemaps_robots_txt_names_on_another_host_are_read(tmp_path):
    """A site whose robots.txt names its sitemaps on another host (a CDN's, a subdomain's,
    as the sitemaps protocol allows): they were refused as off-site, and the stories only
    they name never found. They are read now, and the site's pages in them fetched."""
    story = (
        "<html><head><title>Harbour reopens - Town News</title>"
        "<meta property='og:type' content='article'></head><body><article>"
        "<h1>Harbour reopens</h1>"
        + "<p>The harbour reopened on Tuesday after a winter of repairs to its walls.</p>" * 5
        + "</article></body></html>"
    )
    with serving({}) as cdn, serving({}) as site:
        sitemap = (
            "<?xml version='1.0' encoding='UTF-8'?>"
            "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            f"<url><loc>{site.url_for('/news/harbour-reopens/')}</loc></url>"
            "<url><loc>https://elsewhere.example/news/not-this-site/</loc></url></urlset>"
        )
        # Answered before the 404 for anything else: one-shot handlers are matched first.
        cdn.expect_oneshot_request("/sitemaps/news.xml").respond_with_data(
            sitemap, content_type="application/xml"
        )
        site.expect_oneshot_request("/robots.txt").respond_with_data(
            f"User-agent: *\nAllow: /\nSitemap: {cdn.url_for('/sitemaps/news.xml')}\n"
        )
        site.expect_oneshot_request("/news/harbour-reopens/").respond_with_data(
            story, content_type="text/html; charset=utf-8"
        )
        site.expect_oneshot_request("/").respond_with_data("<html><body>Town News</body></html>")
        result = run_crawl("archive", site.url_for("/"), tmp_path)
    assert result.returncode == 0, result.log[-3000:]
    [record] = [json.loads(line) for line in result.output.splitlines()]
    assert record["title"] == "Harbour reopens"
    stats = result.report["stats"]
    assert stats["sitemaps/other_origin"] == 1
    assert stats["sitemaps/urlset"] == 1


def test_sitemaps_on_another_host_that_name_none_of_the_sites_pages_are_left(tmp_path):
    """A robots.txt copied from another site names that site's sitemap index: its first
    sitemap names none of this site's pages, and no more of its sitemaps are read, where
    its index could name thousands."""
    with serving({}) as elsewhere, serving({}) as site:
        children = [elsewhere.url_for(f"/sitemaps/posts-{n}.xml") for n in range(1, 4)]
        index = (
            "<?xml version='1.0' encoding='UTF-8'?>"
            "<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            + "".join(f"<sitemap><loc>{child}</loc></sitemap>" for child in children)
            + "</sitemapindex>"
        )
        posts = (
            "<?xml version='1.0' encoding='UTF-8'?>"
            "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            "<url><loc>https://elsewhere.example/news/their-story/</loc></url></urlset>"
        )
        # Answered before the 404 for anything else: one-shot handlers are matched first.
        elsewhere.expect_oneshot_request("/sitemaps/index.xml").respond_with_data(
            index, content_type="application/xml"
        )
        for number in range(1, 4):
            elsewhere.expect_oneshot_request(f"/sitemaps/posts-{number}.xml").respond_with_data(
                posts, content_type="application/xml"
            )
        site.expect_oneshot_request("/robots.txt").respond_with_data(
            f"User-agent: *\nSitemap: {elsewhere.url_for('/sitemaps/index.xml')}\n"
        )
        result = run_crawl("archive", site.url_for("/"), tmp_path)
        fetched = [request.path for request, _ in elsewhere.log]
    assert result.returncode == 0, result.log[-3000:]
    assert fetched.count("/sitemaps/posts-1.xml") == 1
    assert "/sitemaps/posts-2.xml" not in fetched
    assert "/sitemaps/posts-3.xml" not in fetched
    assert result.report["stats"]["sitemaps/other_origin_unrelated"] == 1
    assert "names no page of this site: no more sitemaps read at" in result.log


def test_a_site_on_this_machine_does_not_reach_for_sitemaps_on_the_internet(tmp_path):
    """A copy of a site served from this machine (a mirror, a test server) whose robots.txt
    names the original's sitemaps on the internet: they are not fetched (the crawl of a
    copy must not contact the original), and the refusal is counted as before."""
    with serving({}) as site:
        site.expect_oneshot_request("/robots.txt").respond_with_data(
            "User-agent: *\nSitemap: https://sitemaps.example.org/news.xml\n"
        )
        result = run_crawl("archive", site.url_for("/"), tmp_path)
    assert result.returncode == 0, result.log[-3000:]
    stats = result.report["stats"]
    assert "sitemaps/other_origin" not in stats
    assert stats["faults/off_site/request"] == 1
    assert "Refused an off-site request to https://sitemaps.example.org/news.xml" in result.log


def test_a_copy_crawled_without_its_published_address_says_which_argument_it_lacks(
    mirror_server, tmp_path
):
    """The fixture copy crawled with -a base_url alone: its pages link the published
    site's address, off-site here, and the crawl ended with no article and nothing said
    of -a site_url, the argument that makes it work."""
    serve_mirror(mirror_server, SITE.mirror_root)
    result = run_crawl("archive", mirror_server.url_for("/"), tmp_path)
    assert result.output == ""
    assert "give that address as -a site_url=https://…/" in result.log
