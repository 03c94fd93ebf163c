"""Sitemaps in every form the sitemaps protocol allows and Google reads, crawled with the
generic spider as users crawl: each form lost a site's stories (or took a wrong one)
before ``crawler/discovery/sitemaps.py``."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qa.fixtures import CrawlResult, run_crawl
from tests.conftest import serving

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
HOME = "<html><head><title>Town News</title></head><body><h1>Town News</h1></body></html>"


def story(title: str, dated: bool = True) -> str:
    """A story page of a site no profile knows; ``dated``: with its publication time."""
    date = "<time datetime='2016-11-30T08:00:00Z'>30 November 2016</time>" if dated else ""
    text = "".join(
        f"<p>{title}, part {part}: the harbour council met on a wet evening and argued "
        "about the budget for the sea wall until the lights went out.</p>"
        for part in range(5)
    )
    return (
        f"<html><head><title>{title} - Town News</title>"
        "<meta property='og:type' content='article'></head>"
        f"<body><article><h1>{title}</h1>{date}{text}</article></body></html>"
    )


def urlset(entries: list[str], namespaces: str = "") -> str:
    return (
        f"<?xml version='1.0' encoding='UTF-8'?><urlset xmlns='{SITEMAP_NS}'{namespaces}>"
        + "".join(entries)
        + "</urlset>"
    )


Answer = str | bytes | tuple[str | bytes, str]
"""A page's body, or its body and content type (default: HTML)."""


def crawl_site(
    tmp_path: Path, pages: Callable[[Callable[[str], str]], dict[str, Answer]], *args: str
) -> tuple[CrawlResult, list[dict[str, Any]], list[str]]:
    """Serve the site ``pages`` makes (given the server's URL of a path), crawl it with
    the generic spider; the result, its records, and every path fetched (with queries)."""
    with serving({}) as server:
        for path, answer in pages(server.url_for).items():
            body, content_type = answer if isinstance(answer, tuple) else (answer, "text/html")
            path, _, query = path.partition("?")
            # One-shot handlers are matched before the server's 404 for anything else.
            server.expect_oneshot_request(path, query_string=query or None).respond_with_data(
                body, content_type=content_type
            )
        result = run_crawl("archive", server.url_for("/"), tmp_path, *args)
        fetched = [
            request.path + (f"?{request.query_string.decode()}" if request.query_string else "")
            for request, _ in server.log
        ]
    assert result.returncode == 0, result.log[-3000:]
    return result, [json.loads(line) for line in result.output.splitlines()], fetched


def titles(records: list[dict[str, Any]]) -> list[str]:
    return sorted(record["title"] for record in records)


def test_robots_txt_sitemap_lines_written_as_google_reads_them_are_read(tmp_path):
    """``Sitemap :`` (a space before the colon), ``site-map:`` and a byte order mark
    before the first line: Google's parser reads them, Scrapy's did not, and a site whose
    robots.txt named its sitemaps so was crawled as one naming none."""
    robots = (
        "\ufeffSitemap : /sitemaps/first.xml\nUser-agent: *\nDisallow: /admin/\n"
        "site-map: /sitemaps/second.xml  # the news\n"
    )

    def pages(url: Callable[[str], str]) -> dict[str, Answer]:
        return {
            "/robots.txt": robots,
            "/": HOME,
            "/sitemaps/first.xml": (
                urlset([f"<url><loc>{url('/news/one/')}</loc></url>"]),
                "application/xml",
            ),
            "/sitemaps/second.xml": (
                urlset([f"<url><loc>{url('/news/two/')}</loc></url>"]),
                "application/xml",
            ),
            "/news/one/": story("First story"),
            "/news/two/": story("Second story"),
        }

    result, records, fetched = crawl_site(tmp_path, pages)
    assert titles(records) == ["First story", "Second story"]
    assert result.report["stats"]["sitemaps/urlset"] == 2
    assert "/sitemap.xml" not in fetched  # no fallback: robots.txt named its sitemaps


def test_a_text_sitemap_and_a_sitemap_served_as_html_are_read(tmp_path):
    """A text file of URLs, one a line (the protocol's third form), and an XML sitemap
    its server calls HTML at an address without ``.xml``: each was ignored as "not XML",
    and the stories only they name lost."""

    def pages(url: Callable[[str], str]) -> dict[str, Answer]:
        return {
            "/robots.txt": "User-agent: *\nSitemap: /sitemap.txt\nSitemap: /sitemap/\n",
            "/": HOME,
            "/sitemap.txt": (f"{url('/news/one/')}\r\n\r\n{url('/news/two/')}\n", "text/plain"),
            "/sitemap/": (urlset([f"<url><loc>{url('/news/three/')}</loc></url>"]), "text/html"),
            "/news/one/": story("First story"),
            "/news/two/": story("Second story"),
            "/news/three/": story("Third story"),
        }

    result, records, _ = crawl_site(tmp_path, pages)
    assert titles(records) == ["First story", "Second story", "Third story"]
    stats = result.report["stats"]
    assert stats["sitemaps/text"] == 1
    assert stats["sitemaps/urlset"] == 1
    assert not any(key.startswith("sitemaps/invalid/") for key in stats)


def test_feeds_named_as_sitemaps_are_read_and_date_the_stories_they_list(tmp_path):
    """An RSS and an Atom feed named as sitemaps (Google reads both): ignored before as
    "not a sitemap". A story whose page shows no date takes its feed item's publication
    day, as it takes a listing's."""

    def pages(url: Callable[[str], str]) -> dict[str, Answer]:
        rss = (
            "<?xml version='1.0'?><rss version='2.0'><channel><title>Town News</title>"
            f"<item><title>First</title><link>{url('/news/one/')}</link>"
            "<pubDate>Tue, 15 Nov 2016 09:30:00 GMT</pubDate></item></channel></rss>"
        )
        atom = (
            "<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>Town</title>"
            f"<entry><title>Second</title><link rel='alternate' href='{url('/news/two/')}'/>"
            "<published>2016-11-20T10:00:00Z</published><updated>2016-12-01T10:00:00Z</updated>"
            "</entry></feed>"
        )
        return {
            "/robots.txt": "User-agent: *\nSitemap: /feed/\nSitemap: /atom.xml\n",
            "/": HOME,
            "/feed/": (rss, "application/rss+xml"),
            "/atom.xml": (atom, "application/atom+xml"),
            "/news/one/": story("First story", dated=False),
            "/news/two/": story("Second story", dated=False),
        }

    result, records, _ = crawl_site(tmp_path, pages)
    dates = {
        record["title"]: (record["published"], record["published_source"]) for record in records
    }
    assert dates == {
        "First story": ("2016-11-15", "listing"),
        "Second story": ("2016-11-20", "listing"),
    }
    assert result.report["stats"]["sitemaps/feed"] == 2


def test_a_news_sitemap_s_publication_date_dates_a_story_whose_page_shows_none(tmp_path):
    """``<news:publication_date>``, nested in ``<news:news>``: Scrapy's reader keeps an
    entry's direct children only, and the story's record had no date."""

    def pages(url: Callable[[str], str]) -> dict[str, Answer]:
        news = urlset(
            [
                f"<url><loc>{url('/news/one/')}</loc><news:news><news:publication>"
                "<news:name>Town News</news:name><news:language>en</news:language>"
                "</news:publication><news:publication_date>2016-11-28T07:15:00+01:00"
                "</news:publication_date><news:title>One</news:title></news:news></url>"
            ],
            f" xmlns:news='{NEWS_NS}'",
        )
        return {
            "/robots.txt": "User-agent: *\nSitemap: /news-sitemap.xml\n",
            "/": HOME,
            "/news-sitemap.xml": (news, "application/xml"),
            "/news/one/": story("First story", dated=False),
        }

    _, [record], _ = crawl_site(tmp_path, pages)
    assert (record["published"], record["published_source"]) == ("2016-11-28", "listing")


def test_a_sitemap_cut_short_does_not_fetch_its_half_written_last_address(tmp_path):
    """A sitemap cut off inside its last ``<loc>`` (``?id=1234`` cut to ``?id=12``):
    the half address was fetched, and another story than the one listed emitted as if
    the sitemap named it. The unfinished entry is left out now, and the cut said."""

    def pages(url: Callable[[str], str]) -> dict[str, Answer]:
        whole = urlset(
            [
                f"<url><loc>{url('/story.php')}?id=1200</loc></url>",
                f"<url><loc>{url('/story.php')}?id=1234</loc></url>",
            ]
        )
        cut = whole[: whole.index("?id=1234") + len("?id=12")]
        return {
            "/robots.txt": "User-agent: *\nSitemap: /sitemap.xml\nSitemap: /sitemap.xml.gz\n",
            "/": HOME,
            "/sitemap.xml": (cut, "application/xml"),
            # A gzip stream without its end: Scrapy's gunzip gave what it read, silently.
            "/sitemap.xml.gz": (gzip.compress(cut.encode())[:-8], "application/x-gzip"),
            "/story.php?id=1200": story("The listed story"),
            "/story.php?id=12": story("A story no sitemap names"),
        }

    result, records, fetched = crawl_site(tmp_path, pages)
    assert titles(records) == ["The listed story"]
    assert "/story.php?id=12" not in fetched
    assert result.report["stats"]["sitemaps/cut_short"] == 2
    assert "is cut short (its XML is never closed): 1 entries read, 1 unfinished" in result.log
    assert "is cut short (its gzip stream ends early)" in result.log


def test_a_sitemap_entry_with_a_query_beyond_the_article_s_number_is_fetched(tmp_path):
    """``article.php?id=101&lang=en``: the generic URL rules call a query of two
    parameters "other", and the entry was dropped at DEBUG; a sitemap names the pages a
    site wants found, and the page decides."""

    def pages(url: Callable[[str], str]) -> dict[str, Answer]:
        entry = f"<url><loc>{url('/article.php')}?id=101&amp;lang=en</loc></url>"
        return {
            "/robots.txt": "User-agent: *\nSitemap: /sitemap.xml\n",
            "/": HOME,
            "/sitemap.xml": (urlset([entry]), "application/xml"),
            "/article.php?id=101&lang=en": story("The story"),
        }

    _, records, _ = crawl_site(tmp_path, pages)
    assert titles(records) == ["The story"]


def test_a_lastmod_written_day_first_does_not_skip_an_entry_in_the_date_range(tmp_path):
    """``05/12/2016`` (5 December, a day-first site): read as 12 May, before ``-a since``,
    and the entry skipped. A date the protocol's form does not write decides nothing."""

    def pages(url: Callable[[str], str]) -> dict[str, Answer]:
        entry = f"<url><loc>{url('/news/one/')}</loc><lastmod>05/12/2016</lastmod></url>"
        return {
            "/robots.txt": "User-agent: *\nSitemap: /sitemap.xml\n",
            "/": HOME,
            "/sitemap.xml": (urlset([entry]), "application/xml"),
            "/news/one/": story("First story"),
        }

    result, records, _ = crawl_site(tmp_path, pages, "-a", "since=2016-06-01")
    assert titles(records) == ["First story"]
    assert "date_range/skipped_sitemap_entries" not in result.report["stats"]
