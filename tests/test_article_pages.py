"""Articles split in pages (WordPress's ``<!--nextpage-->``, another site's numbered
pager): one record holding every page, in order, however the crawl reaches them; a page that cannot be read is counted and
logged, and the record keeps the pages before it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from crawler.sites import get_profile
from qa.fixtures import FIXTURES, CrawlResult, run_crawl
from tests.conftest import serve_mirror, serving

SITE = "https://blog.example"
POST = "/2019/05/02/a-long-story/"
PAGES = 3


def page_url(number: int) -> str:
    return POST if number == 1 else f"{POST}{number}/"


def paragraphs(number: int) -> list[str]:
    return [
        f"Page {number}, paragraph {n}: the story goes on, with enough words to be prose."
        for n in range(3)
    ]


NOTICE = "This post contains affiliate links: we may earn a commission when you buy."
"""What each page of the post prints before its text: every page's, not the story's."""


def post_page(number: int) -> str:
    """Page ``number`` of the post as WordPress 5 writes it: ``wp_link_pages()`` after the
    text, the current page a ``<span>``, the others links; a sidebar linking page 2; the
    site's notice (:data:`NOTICE`) above the text of each page."""
    links = " ".join(
        f'<span class="post-page-numbers current">{n}</span>'
        if n == number
        else f'<a href="{SITE}{page_url(n)}" class="post-page-numbers">{n}</a>'
        for n in range(1, PAGES + 1)
    )
    text = "".join(f"<p>{line}</p>" for line in [NOTICE, *paragraphs(number)])
    return (
        "<html><head><title>A long story &#8211; Example Blog</title>"
        f'<link rel="canonical" href="{SITE}{page_url(number)}">'
        '<meta name="generator" content="WordPress 5.2">'
        '<meta property="article:published_time" content="2019-05-02T10:00:00+00:00"></head>'
        '<body class="post-template-default single single-post"><article class="post type-post">'
        '<h1 class="entry-title">A long story</h1><div class="entry-content">'
        f'{text}<p class="post-nav-links">Pages: {links}</p></div></article>'
        f'<aside><a href="{SITE}/">Home</a> <a href="{SITE}{page_url(2)}">Read on</a></aside>'
        "</body></html>"
    )


HOME = (
    '<html><head><title>Example Blog</title><meta name="generator" content="WordPress 5.2">'
    '</head><body class="home blog"><article class="post type-post">'
    f'<h2><a href="{SITE}{POST}">A long story</a></h2></article></body></html>'
)


def write_site(root: Path, pages: range) -> None:
    (root / "index.html").write_text(HOME)
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    for number in pages:
        folder = root / page_url(number).strip("/")
        folder.mkdir(parents=True)
        (folder / "index.html").write_text(post_page(number))


@pytest.fixture(scope="module")
def site(mirror_server, tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    write_site(root, range(1, PAGES + 1))
    serve_mirror(mirror_server, root)
    return mirror_server.url_for("/")


def crawl(base_url: str, tmp_path: Path, *args: str) -> CrawlResult:
    result = run_crawl("archive", base_url, tmp_path, "-a", f"site_url={SITE}", *args)
    assert result.returncode == 0, result.log[-3000:]
    return result


def records(result: CrawlResult) -> list[dict]:
    return [json.loads(line) for line in result.output.splitlines()]


def every_page_in_order() -> str:
    return "\n\n".join(line for n in range(1, PAGES + 1) for line in paragraphs(n))


def test_a_post_split_in_pages_is_one_record_of_every_page(site, tmp_path):
    """Every page's text in order, once; the notice each page prints above its text is not
    the story's (it had opened the record three times)."""
    result = crawl(site, tmp_path)
    [record] = records(result)
    assert (record["url"], record["title"]) == (SITE + POST, "A long story")
    assert record["body"] == every_page_in_order()
    stats = result.report["stats"]
    assert stats["articles/pages_joined"] == PAGES - 1
    # Each later page is fetched once, for the record: neither the page links nor the
    # sidebar's link to page 2 are followed besides.
    assert "pages/not_article/later_page" not in stats


def test_an_article_of_more_pages_than_the_limit_holds_the_first_ones(site, tmp_path):
    """Page links that run to hundreds are a trap, not a story: ``ARCHIVE_MAX_ARTICLE_PAGES``
    (50) pages are read, the rest counted and named."""
    result = crawl(site, tmp_path, "-s", "ARCHIVE_MAX_ARTICLE_PAGES=2")
    [record] = records(result)
    assert record["body"] == "\n\n".join(paragraphs(1) + paragraphs(2))
    assert result.report["stats"]["articles/pages_missing"] == 1
    assert "names 3 pages; its record holds the first 2 (ARCHIVE_MAX_ARTICLE_PAGES)" in result.log


def test_a_later_page_in_a_url_list_gives_the_whole_article(site, tmp_path):
    urls = tmp_path / "urls.txt"
    urls.write_text(f"{SITE}{page_url(2)}\n")
    [record] = records(crawl(site, tmp_path, "-a", f"urls={urls}"))
    assert (record["url"], record["body"]) == (SITE + POST, every_page_in_order())


@pytest.mark.parametrize(
    ("page_3", "why"),
    [
        (None, "http_404"),
        # A site answering any page number with the first page: not added again.
        (post_page(1), "not_a_later_page"),
    ],
    ids=["missing", "the first page again"],
)
def test_a_page_that_cannot_be_read_leaves_the_pages_before_in_the_record(
    mirror_server, tmp_path_factory, tmp_path, page_3, why
):
    root = tmp_path_factory.mktemp("site")
    write_site(root, range(1, PAGES))
    if page_3 is not None:
        (root / page_url(3).strip("/")).mkdir()
        (root / page_url(3).strip("/") / "index.html").write_text(page_3)
    mirror_server.clear()
    serve_mirror(mirror_server, root)
    result = crawl(mirror_server.url_for("/"), tmp_path)
    [record] = records(result)
    assert record["body"] == "\n\n".join(paragraphs(1) + paragraphs(2))
    assert result.report["stats"]["articles/pages_missing"] == 1
    assert f"of the article at {mirror_server.url_for(POST)} not read ({why})" in result.log
    assert "its record holds 2 of its 3 pages" in result.log


def test_the_aawsat_profile_finds_page_links_in_the_post_content():
    """The aawsat profile looks for page links in the post's content alone (a few dozen
    elements, where the page's bytes cost more to search): a Divi theme's ``.page-links``
    after the story's paragraphs."""
    path = "diana-moukalled/opinion/when-the-rubbish-piles-up"
    body = (FIXTURES / "aawsat" / "site" / path / "index.html").read_bytes()
    public = f"https://eng-archive.aawsat.com/{path}/"
    links = (
        '<div class="page-links">Pages: <span>1</span> '
        f'<a href="{public}2/"><span>2</span></a></div></div> <!-- .entry-content -->'
    )
    split = body.replace(b"</div> <!-- .entry-content -->", links.encode(), 1)
    profile = get_profile("aawsat")
    pages = profile.article_page(HtmlResponse(public, body=split, encoding="utf-8"))
    assert pages.post_pages().later == [f"{public}2/"]
    assert (
        profile.article_page(HtmlResponse(public, body=body, encoding="utf-8")).post_pages() is None
    )


def news_page(number: int, pages: int = PAGES) -> str:
    """Page ``number`` of a story on a news site that is no WordPress: its pages are
    ``?page=N`` and its pager numbered links, the current page a ``<span>``."""
    pager = " | ".join(
        f"<span class='current'>{n}</span>"
        if n == number
        else f"<a href='/news/a-long-story{'' if n == 1 else f'?page={n}'}'>{n}</a>"
        for n in range(1, pages + 1)
    )
    text = "".join(f"<p>{line}</p>" for line in paragraphs(number))
    return (
        "<html><head><title>A long story - The Town Courier</title>"
        "<meta property='og:type' content='article'>"
        "<meta property='article:published_time' content='2009-03-02T10:00:00Z'></head>"
        "<body><nav><a href='/'>Home</a></nav><div class='story'><h1>A long story</h1>"
        f"{text}<div class='pagination'>{pager} <a href='?page={min(number + 1, pages)}'>Next"
        "</a></div></div><ol class='most-read'><li><a href='/news/other-story'>2</a></li>"
        "</ol></body></html>"
    )


def test_a_story_a_news_site_splits_in_numbered_pages_is_one_record(tmp_path):
    """A site that is no WordPress, its stories split in ``?page=N`` pages with a
    numbered pager: the record held the first page alone, a third of the story, and
    nothing said so; page 2, linked from the home page, is read for the record, not as
    an article of its own."""
    pages: dict[str | tuple[str, str], str] = {
        ("/news/a-long-story", "" if n == 1 else f"page={n}"): news_page(n)
        for n in range(1, PAGES + 1)
    }
    pages["/"] = (
        "<html><head><title>The Town Courier</title></head><body>"
        "<a href='/news/a-long-story'>A long story</a> "
        "<a href='/news/a-long-story?page=2'>A long story, read on</a></body></html>"
    )
    with serving(pages) as server:
        result = run_crawl("archive", server.url_for("/"), tmp_path)
    assert result.returncode == 0, result.log[-3000:]
    [record] = records(result)
    assert (record["url"], record["title"]) == (
        server.url_for("/news/a-long-story"),
        "A long story",
    )
    assert record["body"] == every_page_in_order()
    assert result.report["stats"]["articles/pages_joined"] == PAGES - 1


def test_a_sections_numbered_pager_is_followed_not_taken_for_an_articles_pages(tmp_path):
    """A section page no profile knows as a listing (``/news/``, read as a page that may
    be an article, and is not one) paged by a numbered pager: its later pages are
    listings, followed for the stories they list, not an article's pages held back."""

    def section(number: int, stories: str) -> str:
        items = "".join(f"<li><a href='/story/{s}/'>The story of {s}</a></li>" for s in stories)
        pager = " ".join(
            f"<span>{n}</span>" if n == number else f"<a href='/news/?page={n}'>{n}</a>"
            for n in range(1, 4)
        )
        return f"<html><head><title>News</title></head><body><ul>{items}</ul>{pager}</body></html>"

    def story(name: str) -> str:
        return (
            f"<html><head><title>The story of {name}</title>"
            "<meta property='og:type' content='article'></head><body><article>"
            f"<h1>The story of {name}</h1>"
            + f"<p>The story of {name} goes on about the harbour and the council.</p>" * 5
            + "</article></body></html>"
        )

    pages: dict[str | tuple[str, str], str] = {
        "/": "<html><head><title>Gazette</title></head><body><a href='/news/'>News</a></body></html>",
        ("/news/", ""): section(1, "ab"),
        ("/news/", "page=2"): section(2, "cd"),
        ("/news/", "page=3"): section(3, "ef"),
    }
    pages |= {f"/story/{name}/": story(name) for name in "abcdef"}
    with serving(pages) as server:
        result = run_crawl("archive", server.url_for("/"), tmp_path)
    assert result.returncode == 0, result.log[-3000:]
    titles = sorted(record["title"] for record in records(result))
    assert titles == [f"The story of {name}" for name in "abcdef"]


def test_a_story_whose_numbered_pages_repeat_it_is_held_once(tmp_path):
    """A pager of the story's comments (``?page=2``, 1-based) whose pages show the story
    again, a comment of its own after it: the story is not its own second page; its text
    is held once, and the page that repeats it counted and logged as no later page."""
    page_1 = news_page(1, pages=2)
    repeat = page_1.replace("<span class='current'>1</span>", "<a href='/news/a-long-story'>1</a>")
    repeat = repeat.replace("<a href='/news/a-long-story?page=2'>2</a>", "<span>2</span>")
    repeat = repeat.replace(
        "<div class='pagination'>",
        "<p>A reader writes: the council should have fixed the harbour wall years ago.</p>"
        "<div class='pagination'>",
    )
    pages: dict[str | tuple[str, str], str] = {
        ("/news/a-long-story", ""): page_1,
        ("/news/a-long-story", "page=2"): repeat,
        "/": "<html><body><a href='/news/a-long-story'>A long story</a></body></html>",
    }
    with serving(pages) as server:
        result = run_crawl("archive", server.url_for("/"), tmp_path)
    assert result.returncode == 0, result.log[-3000:]
    [record] = records(result)
    assert record["body"] == "\n\n".join(paragraphs(1))
    assert result.report["stats"]["articles/pages_missing"] == 1
    assert "(not_a_later_page): its record holds 1 of its 2 pages" in result.log
