"""Article URLs a site redirects to its home page (a deleted story) or to its login page
(a story for members): crawled with the generic spider, from a URL list and from the
home page's links, as users crawl."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Response

from qa.fixtures import CrawlResult, run_crawl

LINKS = "<a href='/news/gone/'>Gone</a> <a href='/news/members/'>Members</a> <a href='/news/fine/'>Fine</a>"
HOME = (
    "<html><head><title>Town News</title><link rel='canonical' href='/'></head><body>"
    "<h1>Latest news</h1><article><h2>Harbour council meets</h2><p>The harbour council met "
    "on Tuesday evening to argue about the budget for the sea wall, again.</p></article>"
    f"{LINKS}</body></html>"
)
LOGIN = (
    "<html><head><title>Log In ‹ Town News — WordPress</title></head><body class='login'>"
    "<form><label>Username or Email Address</label><input name='log'></form></body></html>"
)
STORY = (
    "<html><head><title>The harbour reopens - Town News</title>"
    "<meta property='og:type' content='article'></head><body><article>"
    "<h1>The harbour reopens</h1><time datetime='2016-11-30T08:00:00Z'>30 November 2016</time>"
    + "<p>The harbour reopened on Tuesday after a winter of repairs to its walls, and the "
    "fishing boats went out before dawn.</p>" * 5 + "</article></body></html>"
)


@contextmanager
def site() -> Iterator[HTTPServer]:
    """A site that sends ``/news/gone/`` to its home page, ``/news/members/`` to its login
    page, and serves ``/news/fine/``."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        html = "text/html; charset=utf-8"
        server.expect_request("/").respond_with_data(HOME, content_type=html)
        server.expect_request("/news/fine/").respond_with_data(STORY, content_type=html)
        server.expect_request("/wp-login.php").respond_with_data(LOGIN, content_type=html)
        server.expect_request("/news/gone/").respond_with_response(
            Response(status=302, headers={"Location": "/"})
        )
        server.expect_request("/news/members/").respond_with_response(
            Response(
                status=302, headers={"Location": "/wp-login.php?redirect_to=%2Fnews%2Fmembers%2F"}
            )
        )
        server.expect_request(re.compile(".*")).respond_with_data("", status=404)
        yield server
    finally:
        server.stop()


def titles(result: CrawlResult) -> list[str]:
    return [json.loads(line)["title"] for line in result.output.splitlines()]


def test_listed_articles_redirected_to_the_home_or_login_page_are_not_records(tmp_path: Path):
    """From a URL list: the home page's teasers and the login form were each emitted as the
    listed article's record ("Latest news", "Log In"), at INFO, the coverage at 100%."""
    with site() as server:
        listed = tmp_path / "urls.txt"
        listed.write_text(
            "".join(
                server.url_for(path) + "\n"
                for path in ("/news/gone/", "/news/members/", "/news/fine/")
            )
        )
        result = run_crawl("archive", server.url_for("/"), tmp_path, "-a", f"urls={listed}")
    assert result.returncode == 0, result.log[-3000:]
    assert titles(result) == ["The harbour reopens"]
    stats = result.report["stats"]
    assert stats["pages/not_article/home_page"] == 1
    assert stats["articles/blocked/login"] == 1
    assert "/news/gone/ redirects to the home page" in result.log
    assert "Article behind a login: " + server.url_for("/news/members/") in result.log


def test_an_article_redirected_to_the_home_page_already_fetched_is_counted(tmp_path: Path):
    """From the home page's links: the redirect to the home page, fetched already, was
    dropped as a duplicate, and the story lost without a log line or a stat."""
    with site() as server:
        result = run_crawl("archive", server.url_for("/"), tmp_path)
    assert result.returncode == 0, result.log[-3000:]
    assert titles(result) == ["The harbour reopens"]
    stats = result.report["stats"]
    assert stats["pages/not_article/home_page"] == 1
    assert stats["articles/blocked/login"] == 1


def test_a_moved_article_listed_at_both_addresses_is_covered_at_both(tmp_path: Path):
    """A story moved to a new address, listed at the old one and the new (a URL list from
    two exports; a site's older lists and its sitemap): the old one's redirect, dropped as
    a duplicate of the new, left it "never reached", the coverage under 100%."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        server.expect_request("/news/fine/").respond_with_data(
            STORY, content_type="text/html; charset=utf-8"
        )
        server.expect_request("/2016/11/harbour/").respond_with_response(
            Response(status=301, headers={"Location": "/news/fine/"})
        )
        server.expect_request(re.compile(".*")).respond_with_data("", status=404)
        listed = tmp_path / "urls.txt"
        # The new address first: the old one's redirect comes once it is scheduled.
        listed.write_text(
            server.url_for("/news/fine/") + "\n" + server.url_for("/2016/11/harbour/") + "\n"
        )
        result = run_crawl("archive", server.url_for("/"), tmp_path, "-a", f"urls={listed}")
    finally:
        server.stop()
    assert result.returncode == 0, result.log[-3000:]
    assert titles(result) == ["The harbour reopens"]
    coverage = json.loads((tmp_path / "coverage" / "archive.json").read_text())
    assert (coverage["listed"], coverage["covered"], coverage["missing"]) == (2, 2, 0)
