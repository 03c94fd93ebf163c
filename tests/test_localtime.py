"""Publication dates in the publisher's own time zone: the record the generic profile gives
for a page that states its time only in UTC, one signal (or disagreement) at a time.

Each case is a page shape seen on the publication-date benchmark (fixtures/publication-dates).
"""

from __future__ import annotations

import json

import pytest
from scrapy.http import HtmlResponse

from crawler.sites.generic import GenericArticlePage
from pipelines.normalize import normalize_article


def published(url: str, head: str = "", body: str = "", lang: str = "") -> tuple[str, str]:
    lang_attribute = f' lang="{lang}"' if lang else ""
    html = (
        f"<html{lang_attribute}><head><title>A story</title>{head}</head>"
        f"<body><article><h1>A story</h1>{body}<p>{'Some words of the story. ' * 20}</p>"
        "</article></body></html>"
    )
    item = GenericArticlePage(HtmlResponse(url=url, body=html.encode())).to_item()
    normalize_article(item)
    return item.published, item.published_raw


def jsonld_date(value: str) -> str:
    data = {"@type": "NewsArticle", "headline": "A story", "datePublished": value}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def meta(name: str, content: str) -> str:
    return f'<meta property="{name}" content="{content}">'


@pytest.mark.parametrize(
    ("url", "head", "body", "lang", "expected"),
    [
        pytest.param(
            "https://www.lagazzettadelmezzogiorno.it/news/1265473/x.html",
            jsonld_date("2020-12-05T23:15:00Z"),
            "",
            "",
            "2020-12-06T00:15:00+01:00",
            id="country-code-domain",
        ),
        pytest.param(
            "https://example.com/story",
            jsonld_date("2020-08-25T00:23:33Z") + meta("og:locale", "fr_CA"),
            "",
            "fr",
            "2020-08-24T20:23:33-04:00",
            id="og-locale-country",
        ),
        pytest.param(
            "https://example.com/story",
            jsonld_date("2020-06-28T22:00:00Z")
            + meta("article:modified_time", "2020-06-29T09:00+03:00"),
            "",
            "",
            "2020-06-29T01:00:00+03:00",
            id="offset-of-another-date-on-the-page",
        ),
        pytest.param(
            "https://www.tass.example.it/story",
            jsonld_date("2020-06-29T00:16:15+03:00"),
            "",
            "",
            "2020-06-29T00:16:15+03:00",
            id="the-offset-the-page-gives-is-kept",
        ),
        pytest.param(
            "https://example.com/story",
            jsonld_date("2020-05-02T02:54:29Z") + meta("og:locale", "en_US"),
            "",
            "en-US",
            "2020-05-02T02:54:29+00:00",
            id="wordpress-default-locale-is-no-evidence",
        ),
        pytest.param(
            "https://example.com/story",
            jsonld_date("2020-02-18T02:18:11Z") + meta("og:locale", "es_ES"),
            "",
            "en-GB",
            "2020-02-18T02:18:11+00:00",
            id="locales-naming-two-countries-cancel",
        ),
        pytest.param(
            "https://example.com/2020/02/18/aktres/",
            jsonld_date("2020-02-18T00:25:09Z") + meta("og:locale", "pt_BR"),
            "",
            "",
            "2020-02-18T00:25:09+00:00",
            id="url-day-overrules-a-country-zone-that-disagrees",
        ),
        pytest.param(
            "https://laopinion.example.com/2020/02/17/tenemos/",
            jsonld_date("2020-02-18T02:18:11Z") + meta("og:locale", "es_ES"),
            "",
            "",
            "2020-02-17",
            id="url-day-alone-when-no-known-zone-agrees",
        ),
        pytest.param(
            "https://www.washingtonpost.example.com/politics/2020/07/08/c3d22ec8_story.html",
            jsonld_date("2020-07-09T10:04:04Z"),
            "",
            "",
            "2020-07-09T10:04:04+00:00",
            id="url-day-no-newsroom-clock-showed-is-the-filing-day",
        ),
        pytest.param(
            "https://au.news.example.com/story-222249752.html",
            jsonld_date("2020-10-28T22:22:49Z"),
            '<time datetime="2020-10-28T22:22:49.000Z">28 October 2020</time>',
            "en-AU",
            "2020-10-28T22:22:49+00:00",
            id="the-day-the-page-shows-overrules-the-country",
        ),
        pytest.param(
            # msn.com: the edition in the path says where the site files the story, and a
            # script's render time ("dt: 2019-11-20T04:07:50") is no day the page shows
            "https://www.msn.example.com/en-us/news/us/flu-shots/ar-BBWZedJ",
            "",
            '<time datetime="2019-11-19T10:36:00.000Z">1 day ago</time>'
            "<script>var az = {dt: '2019-11-20T04:07:50.1636617Z'};</script>",
            "",
            "2019-11-19T05:36:00-05:00",
            id="the-edition-in-the-path-names-the-country",
        ),
    ],
)
def test_utc_time_in_the_sites_zone(url, head, body, lang, expected):
    assert published(url, head, body, lang)[0] == expected


def test_the_first_signal_that_parses_is_used_and_the_raw_value_kept():
    head = meta("article:published_time", "الأربعاء، 07 أكتوبر 2020 - 12:09 م")
    html_time = '<time class="entry-date" datetime="2020-10-07T12:09:00+02:00">7/10</time>'
    assert published("https://example.com/story", head, html_time) == (
        "2020-10-07T12:09:00+02:00",
        "2020-10-07T12:09:00+02:00",
    )


def test_a_zone_name_after_the_offset_is_read():
    head = jsonld_date("2020-09-26T12:07:40+02:00CET")
    assert published("https://www.nu.example.nl/f1/6080021/x.html", head) == (
        "2020-09-26T12:07:40+02:00",
        "2020-09-26T12:07:40+02:00CET",
    )
