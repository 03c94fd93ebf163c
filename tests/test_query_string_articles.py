"""A site of the PHP years, whose articles are numbers in a query
(``news_view.html?idx=1``): a crawl that follows links fetches them, with their tracking
parameters stripped, and leaves the other queries alone (a list's filters and pages,
which multiply without end on some sites; an article's second page)."""

from __future__ import annotations

import json

import pytest
from pytest_httpserver import HTTPServer

from qa.fixtures import run_crawl
from tests.conftest import serve_mirror

SITE = "https://gazette.example"
STORY = "<p>" + "The council met on Monday and voted on the budget for next year. " * 6 + "</p>"
HOME = (
    "<html><head><title>The Old Gazette</title></head><body><h1>The Old Gazette</h1><ul>"
    "<li><a href='/news/news_view.html?idx=1'>Council votes budget</a></li>"
    "<li><a href='news/news_view.html?idx=2&amp;utm_source=home'>Harbour reopens</a></li>"
    "<li><a href='/news/news_view.html?idx=2#comments'>2 comments</a></li>"
    "<li><a href='/news/news_view.html?idx=1&amp;page=2'>Council votes budget, page 2</a></li>"
    "<li><a href='/news/news_list.html?bc=03&amp;page=2'>Politics, page 2</a></li>"
    "<li><a href='/story/mayor-resigns/?itm_campaign=Related'>Mayor resigns</a></li>"
    "</ul></body></html>"
)


def article(title: str) -> str:
    return (
        f"<html><head><title>{title} - The Old Gazette</title>"
        "<meta property='og:type' content='article'></head><body>"
        f"<article><h1>{title}</h1><p class='date'>May 14, 2010</p>{STORY * 4}</article>"
        "</body></html>"
    )


@pytest.fixture(scope="module")
def site(mirror_server, tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    (root / "index.html").write_text(HOME)
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    news = root / "news"
    news.mkdir()
    (news / "news_view.html?idx=1").write_text(article("Council votes budget"))
    (news / "news_view.html?idx=2").write_text(article("Harbour reopens"))
    (news / "news_view.html?idx=1&page=2").write_text(article("Council votes budget"))
    (news / "news_list.html?bc=03&page=2").write_text(HOME)
    story = root / "story" / "mayor-resigns"
    story.mkdir(parents=True)
    (story / "index.html").write_text(article("Mayor resigns"))
    serve_mirror(mirror_server, root)
    return mirror_server.url_for("/")


def test_articles_named_by_a_number_in_the_query_are_crawled(site, mirror_server, tmp_path):
    mirror_server.clear_log()
    result = run_crawl("archive", site, tmp_path, "-a", f"site_url={SITE}")
    assert result.returncode == 0, result.log[-3000:]
    records = [json.loads(line) for line in result.output.splitlines()]
    assert sorted((record["url"], record["title"]) for record in records) == [
        (f"{SITE}/news/news_view.html?idx=1", "Council votes budget"),
        (f"{SITE}/news/news_view.html?idx=2", "Harbour reopens"),
        (f"{SITE}/story/mayor-resigns/", "Mayor resigns"),
    ]
    fetched = sorted(request.full_path.rstrip("?") for request, _ in mirror_server.log)
    assert fetched == [
        "/",
        "/news/news_view.html?idx=1",
        "/news/news_view.html?idx=2",
        "/robots.txt",
        "/sitemap.xml",
        "/sitemap_index.xml",
        "/story/mayor-resigns/",
        "/wp-sitemap.xml",
    ]
    assert result.report["stats"]["traps/tracking_params_stripped"] == 2


@pytest.mark.parametrize(
    "pages",
    [("page=1", "page=2", "page=3"), ("start=10", "start=20", "start=30")],
    ids=["page", "start"],
)
def test_a_listing_paged_by_its_query_is_followed_to_its_end(tmp_path, pages):
    """A section paged as Drupal and many a CMS page it (``/news/?page=1``, the pager's
    ``rel=next``), or as Joomla pages it, by the first story's offset (``?start=10``):
    its later pages are listings, followed while they list new stories; they were not
    followed at all, and the stories only they list were not found. Its last page
    answered again for any later number (page 2 repeats page 1) ends it."""
    second, third, fourth = pages
    root = tmp_path / "site"
    root.mkdir()
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")

    def listing(stories: list[str], next_page: str | None) -> str:
        items = "".join(f"<li><a href='/story/{s}/'>The story of {s}</a></li>" for s in stories)
        pager = (
            f"<a href='{next_page}' rel='next' title='Go to next page'>Next ›</a>"
            if next_page
            else ""
        )
        return f"<html><head><title>News | The Gazette</title></head><body><ul>{items}</ul>{pager}</body></html>"

    (root / "index.html").write_text(listing([], "/news/"))
    (root / "news").mkdir()
    (root / "news" / "index.html").write_text(listing(["harbour", "council"], f"/news/?{second}"))
    (root / f"news?{second}").write_text(listing(["bridge", "school"], f"/news/?{third}"))
    (root / f"news?{third}").write_text(listing(["bridge", "school"], f"/news/?{fourth}"))
    for story in ("harbour", "council", "bridge", "school"):
        (root / "story" / story).mkdir(parents=True)
        (root / "story" / story / "index.html").write_text(article(f"The story of {story}"))
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        serve_mirror(server, root)
        result = run_crawl(
            "archive", server.url_for("/"), tmp_path / "crawl", "-a", f"site_url={SITE}"
        )
        fetched = {request.full_path.rstrip("?") for request, _ in server.log}
    finally:
        server.stop()
    assert result.returncode == 0, result.log[-3000:]
    titles = sorted(json.loads(line)["title"] for line in result.output.splitlines())
    assert titles == [f"The story of {s}" for s in ("bridge", "council", "harbour", "school")]
    assert {f"/news/?{second}", f"/news/?{third}"} <= fetched
    assert f"/news/?{fourth}" not in fetched
