"""Titles, authors and dates the generic profile gives for page shapes seen on real pages."""

from __future__ import annotations

import json

from scrapy.http import HtmlResponse

from crawler.items import ArticleItem
from crawler.sites.generic import GenericArticlePage
from pipelines.title_suffix import SiteTitleSuffixPipeline

STORY = "<p>" + "Some words of the story. " * 20 + "</p>"


def record(head: str, body: str, url: str = "https://www.example-news.de/a/story") -> dict:
    html = f"<html><head>{head}</head><body><article>{body}{STORY}</article></body></html>"
    item = GenericArticlePage(HtmlResponse(url=url, body=html.encode())).to_item()
    return {"title": item.title, "authors": item.authors, "published": item.published}


def jsonld(**data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_the_visible_headline_wins_over_an_seo_variant():
    head = "<title>Disney+ glitches blamed on heavy demand - LA Times</title>"
    head += '<meta property="og:title" content="Disney+ glitches: exec says we had some issues">'
    body = "<h1>Site Name</h1><h1>‘We had some issues,’ exec says on Disney+ glitches</h1>"
    assert record(head, body)["title"] == "‘We had some issues,’ exec says on Disney+ glitches"


def test_an_h1_that_is_the_site_name_is_not_the_headline():
    head = "<title>Jangan Membenci Satu Kaum | Kabar Islam</title>"
    head += '<meta property="og:site_name" content="Kabar Islam">'
    assert record(head, "<h1>Kabar Islam</h1>")["title"] == "Jangan Membenci Satu Kaum"


def test_double_encoded_entities_and_the_publisher_suffix_are_removed():
    head = "<title>Sch&amp;ouml;ne &amp;quot;neue&amp;quot; Chips - Golem.de</title>"
    head += jsonld(
        **{"@type": "NewsArticle", "publisher": {"@type": "Organization", "name": "Golem.de"}}
    )
    assert record(head, "")["title"] == 'Schöne "neue" Chips'


def test_the_host_name_is_a_site_name_too():
    assert (
        record("<title>Wahl in Bayern | example-news.de</title>", "")["title"] == "Wahl in Bayern"
    )


def test_the_sites_own_name_is_not_an_author_and_the_next_signal_is_used():
    head = jsonld(**{"@type": "NewsArticle", "headline": "Story", "author": {"name": "STERN.de"}})
    head += '<meta property="og:site_name" content="stern.de">'
    head += '<meta name="author" content="Von Anna Schmidt und Peter Weber, Redakteurin">'
    assert record(head, "")["authors"] == ["Anna Schmidt", "Peter Weber"]


def test_a_year_found_alone_is_no_publication_day():
    """htmldate, reading the text of a page whose markup has no date, gives 1 January of
    a copyright year (seen on 3 of the 200 publication-date benchmark pages)."""
    footer = "<footer><p>Copyright © 2016 Example News. All rights reserved.</p></footer>"
    html = f"<html><head><title>Story</title></head><body><article>{STORY}</article>{footer}"
    item = GenericArticlePage(
        HtmlResponse(url="https://www.example-news.de/a/story", body=html.encode())
    ).to_item()
    assert item.published is None


def test_a_new_years_day_the_markup_gives_is_kept():
    assert record('<meta name="date" content="2020-01-01">', "")["published"] == "2020-01-01"


class CountingStats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str) -> None:
        self.values[key] = self.values.get(key, 0) + 1


def test_a_suffix_repeated_across_a_sites_pages_is_removed_once_it_repeats():
    stats = CountingStats()
    pipeline = SiteTitleSuffixPipeline(stats)  # type: ignore[arg-type]
    titles = [
        ("https://news.example/a", "Wild beat Sabres 4-1 at home | Sport"),
        ("https://news.example/b", "Parise scores twice in the third | Sport"),
        ("https://news.example/c", "Coach says the streak is no accident | Sport"),
        ("https://other.example/d", "Markets rally as oil prices fall | Sport"),
        ("https://news.example/e", "Budget vote delayed - again"),
    ]
    cleaned = [pipeline.process_item(ArticleItem(url=u, title=t)).title for u, t in titles]
    assert cleaned == [
        "Wild beat Sabres 4-1 at home | Sport",
        "Parise scores twice in the third",
        "Coach says the streak is no accident",
        "Markets rally as oil prices fall | Sport",
        "Budget vote delayed - again",
    ]
    assert stats.values == {"title/site_suffix_removed": 2}
