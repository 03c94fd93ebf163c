"""A page read without its sidebar (crawler/extraction/chrome.py) gives the record and the
links the whole page gives: on every aawsat fixture page, and on synthetic archive pages of
every theme generation."""

from __future__ import annotations

from functools import cache

import pytest
from scrapy.http import HtmlResponse, TextResponse

from bench.extract import synthetic_pages
from crawler.extraction.chrome import LINK_HREFS, ChromeCache, parse_without_chrome
from crawler.extraction.parsing import page_selector, utf8_markup
from crawler.sites.aawsat import PROFILE, AawsatArticlePage, AawsatListingPage
from crawler.sites.base import UrlKind
from qa.fixtures import FIXTURES, page_cases

BLOCK = (b'<div id="sidebar"', b"<!-- end #sidebar -->")


class WholePage(AawsatArticlePage):
    """The aawsat profile reading every article page whole."""

    chrome_block = None


class WholeListing(AawsatListingPage):
    """The aawsat profile reading every listing page whole."""

    chrome_block = None


@cache
def pages() -> list[tuple[str, TextResponse, str]]:
    """The aawsat fixture's article pages, a synthetic archive's article pages."""
    fixture = [
        (case.name, case.response(), case.public_url)
        for case in page_cases()
        if case.site.name == "aawsat"
    ]
    synthetic = [(url, response, url) for response, url in synthetic_pages(60)[0]]
    return fixture + synthetic


@cache
def listings() -> list[tuple[str, TextResponse, str]]:
    """The aawsat fixture's listing pages, a synthetic archive's listing pages."""
    site = FIXTURES / "aawsat" / "site"
    fixture = []
    for path in sorted(site.rglob("index.html")):
        url = (
            PROFILE.public_origin
            + "/"
            + path.relative_to(site).as_posix().removesuffix("index.html")
        )
        if PROFILE.classify_url(url) is UrlKind.LISTING:
            body = path.read_bytes()
            fixture.append((url, HtmlResponse(url, body=body, encoding="utf-8"), url))
    synthetic = [(url, response, url) for response, url in synthetic_pages(60)[1]]
    return fixture + synthetic


def test_every_page_is_read_without_its_sidebar() -> None:
    """Pages in UTF-8 and in a charset they lie about (cut from their text) alike: the
    comparisons below compare something."""
    whole = [name for name, response, url in pages() if not AawsatArticlePage(response, url).chrome]
    assert not whole
    assert sum(utf8_markup(response) is None for _, response, _ in pages()) >= 3


def test_same_record_and_links_as_the_whole_page() -> None:
    differ = []
    for name, response, url in pages():
        cut = AawsatArticlePage(response.replace(), url)
        whole = WholePage(response.replace(), url)
        if cut.to_item() != whole.to_item():
            differ.append(f"{name}: record")
        if cut.link_hrefs() != LINK_HREFS(page_selector(response.replace()).root):
            differ.append(f"{name}: links")
    assert not differ


def test_same_listing_reading_and_links_as_the_whole_page() -> None:
    differ = []
    for name, response, url in listings():
        cut = AawsatListingPage(response.replace(), url)
        whole = WholeListing(response.replace(), url)
        if (cut.entries(), cut.older_page_url()) != (whole.entries(), whole.older_page_url()):
            differ.append(f"{name}: reading")
        if cut.link_hrefs() != LINK_HREFS(page_selector(response.replace()).root):
            differ.append(f"{name}: links")
    assert not differ
    assert all(AawsatListingPage(r, u).chrome for _, r, u in listings())


def page(sidebar: bytes, body: bytes = b"<p>Text</p>") -> bytes:
    return (
        b"<html><head><title>T</title></head><body><div id='left-area'>" + body + b"</div>"
        b'<div id="sidebar">' + sidebar + b"</div> <!-- end #sidebar -->"
        b'<footer><a href="/about/">About</a></footer></body></html>'
    )


def test_a_sidebar_is_parsed_once_for_all_the_pages_that_repeat_it() -> None:
    cache = ChromeCache()
    sidebar = b'<ul><li><a href="/2016/05/">May 2016</a></li></ul>'
    first = parse_without_chrome(page(sidebar, b"<p>One</p>"), "https://x.org/a/", BLOCK, cache)
    second = parse_without_chrome(page(sidebar, b"<p>Two</p>"), "https://x.org/b/", BLOCK, cache)
    assert first is not None
    assert second is not None
    assert first[1] is second[1]
    assert cache.parsed == 1
    other = parse_without_chrome(
        page(sidebar.replace(b"05", b"06")), "https://x.org/", BLOCK, cache
    )
    assert other is not None
    assert other[1].hrefs == ["/2016/06/"]
    assert cache.parsed == 2


@pytest.mark.parametrize(
    "sidebar",
    [
        b"<article><h2>A post in the sidebar</h2></article>",
        b'<script type="application/ld+json">{"@type": "NewsArticle"}</script>',
        b"<h1>Headline</h1>",
    ],
)
def test_a_sidebar_holding_article_parts_stays_in_the_page(sidebar: bytes) -> None:
    assert parse_without_chrome(page(sidebar), "https://x.org/", BLOCK, ChromeCache()) is None


def test_a_sidebar_with_a_widgets_stylesheet_is_still_cut_out() -> None:
    sidebar = b"<link rel='stylesheet' href='/w.css'><a href='/tag/x/'>X</a>"
    assert parse_without_chrome(page(sidebar), "https://x.org/", BLOCK, ChromeCache())


def test_a_page_without_the_sidebar_or_with_it_in_a_comment_or_script_is_read_whole() -> None:
    commented = b"<html><body><!-- " + page(b"") + b" --></body></html>"
    scripted = b"<html><body><script>var s = '" + page(b"") + b"';</script></body></html>"
    for markup in (b"<html><body><p>No sidebar</p></body></html>", commented, scripted):
        response = HtmlResponse("https://x.org/a/b/c/", body=markup, encoding="utf-8")
        assert AawsatArticlePage(response).chrome is None


def test_the_profile_cuts_out_divis_sidebar() -> None:
    assert AawsatArticlePage.chrome_block == BLOCK


def test_a_term_named_only_in_the_sidebar_keeps_its_name() -> None:
    """A builder post shows no category: its section is named by the first link to the
    category's archive, here the sidebar's (before the footer's)."""
    body = b'<article class="et_pb_post"><div class="entry-content"><p>Text</p></div></article>'
    sidebar = b'<a href="https://x.org/category/news-mideast/">Middle East</a>'
    markup = page(sidebar, body).replace(
        b'<a href="/about/">About</a>', b'<a href="/category/news-mideast/">Region</a>'
    )
    url = "https://x.org/theaawsat/news-mideast/a-post/"
    response = HtmlResponse(url, body=markup, encoding="utf-8")
    cut, whole = AawsatArticlePage(response.replace()), WholePage(response.replace())
    assert cut.chrome is not None
    assert cut.section() == whole.section() == [None, "Middle East", None, None]
