"""The aawsat profile on pages that are not articles, and on signals missing one by one."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from crawler.sites.aawsat import AawsatArticlePage
from qa.fixtures import FIXTURES, mirror_response

MIRROR = FIXTURES / "aawsat" / "site"
ORIGIN = "https://eng-archive.aawsat.com"
SEED = "/theaawsat/news-middle-east/us-disregards-russian-proposal-on-joint-strikes-in-syria/"


def page(path: str) -> AawsatArticlePage:
    return AawsatArticlePage(mirror_response(MIRROR, path, ORIGIN + path))


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/about-us/", "wp_page"),
        ("/contact-us/", "wp_page"),
        (SEED + "putin-shoigu/", "attachment"),
        ("/theaawsat/features/deleted-story/", "not_found"),
        ("/", "listing"),
        ("/category/opinion/", "listing"),
        ("/tag/syria/", "listing"),
        ("/author/amir-taheri/", "listing"),
        ("/2016/05/", "listing"),
        (SEED, None),
    ],
)
def test_page_kind(path, reason):
    assert page(path).not_article_reason() == reason


def test_windows_1252_declared_only_in_meta_decodes():
    response = page("/theaawsat/features/cairos-booksellers-weather-the-summer-slump/").response
    assert response.headers[b"Content-Type"] == b"text/html"
    assert response.encoding == "cp1252"
    item = page("/theaawsat/features/cairos-booksellers-weather-the-summer-slump/").to_item()
    assert "\ufffd" not in item.body
    assert "“" in item.body


def minimal_page(head: str = "", body: str = "", url: str = ORIGIN + SEED) -> AawsatArticlePage:
    html = (
        f"<html><head>{head}</head><body class='single single-post postid-7'>"
        f"<article id='post-7' class='et_pb_post post type-post'>{body}</article></body></html>"
    )
    return AawsatArticlePage(HtmlResponse(url=url, body=html.encode(), encoding="utf-8"))


CONTENT = "<div class='entry-content'><p>Beirut, Asharq Al-Awsat—The text.</p></div>"


@pytest.mark.parametrize(
    ("head", "body", "title"),
    [
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "From LD"}'
            '</script><meta property="og:title" content="From OG"><title>From title</title>',
            "<h1 class='entry-title'>From H1</h1>",
            "From LD",
        ),
        (
            '<meta property="og:title" content="From OG"><title>T</title>',
            "<h1 class='entry-title'>From H1</h1>",
            "From H1",
        ),
        (
            '<meta property="og:title" content="From OG | ASHARQ AL-AWSAT English Archive">'
            "<title>T</title>",
            "",
            "From OG",
        ),
        (
            "<title>Only the tag - ASHARQ AL-AWSAT English Archive 2005 -2017</title>",
            "",
            "Only the tag",
        ),
        ("", "", None),
    ],
)
def test_title_signals_in_priority_order(head, body, title):
    assert minimal_page(head, body + CONTENT).to_item().title == title


def test_missing_everything_but_the_permalink_still_gives_authors_and_section():
    item = minimal_page(body=CONTENT, url=ORIGIN + "/amir-taheri/opinion/a-post/").to_item()
    assert item.authors == ["Amir Taheri"]
    assert item.section == "Opinion"
    assert item.published_raw is None
    assert item.body == "Beirut, Asharq Al-Awsat—The text."


@pytest.mark.parametrize(
    "content",
    [
        # Media ID, image, caption / image, Media ID, caption / Media ID, caption, image
        "<p>Media ID: 5</p><img src='/p.jpg'><p>Smoke over Aleppo./ REUTERS</p><p>Body.</p>",
        "<img src='/p.jpg'><p>Media ID: 5</p><p>Smoke over Aleppo./ REUTERS</p><p>Body.</p>",
        "<p>Media ID: 5</p><p>Smoke over Aleppo./ REUTERS</p><img src='/p.jpg'><p>Body.</p>",
    ],
)
def test_media_id_caption_and_image_pair_up_in_any_order(content):
    item = minimal_page(body=f"<div class='entry-content'>{content}</div>").to_item()
    assert item.media_id == "5"
    assert item.images == [
        {"url": ORIGIN + "/p.jpg", "caption": "Smoke over Aleppo.", "credit": "REUTERS"}
    ]
    assert item.body == "Body."


def test_a_caption_without_any_image_element_is_kept_as_an_image_without_url():
    content = "<div class='entry-content'><p>Media ID: 5</p><p>Gaza (AFP)</p><p>Body.</p></div>"
    item = minimal_page(body=content).to_item()
    assert item.images == [{"url": None, "caption": "Gaza", "credit": "AFP"}]
    assert item.body == "Body."


def test_a_body_paragraph_ending_in_an_agency_name_stays_in_the_body():
    content = "<div class='entry-content'><p>First.</p><p>Officials spoke to (AFP)</p></div>"
    assert minimal_page(body=content).to_item().body == "First.\n\nOfficials spoke to (AFP)"
