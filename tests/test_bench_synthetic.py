"""The benchmark's synthetic archive (bench/synthetic.py) has the fixture site's shape:
30-60 KB article pages that extract to valid records, on-site links that all resolve,
and sitemaps that name every article."""

from __future__ import annotations

import re

from itemadapter import ItemAdapter
from scrapy.http import HtmlResponse
from scrapy.utils.sitemap import Sitemap

from bench.synthetic import (
    posts_list_headers,
    synthetic_cases,
    templates,
    theme_generation,
    write_archive,
)
from crawler.clock import utc_now
from crawler.sites.aawsat import PROFILE
from pipelines.normalize import normalize_article
from pipelines.validate import article_validator

ARTICLES = 30
ORIGIN = PROFILE.public_origin
LINK = re.compile(rf'href="{re.escape(ORIGIN)}(/[^"?#]*/)"')


def test_every_article_page_extracts_to_a_valid_record(tmp_path):
    write_archive(tmp_path, ARTICLES)
    validator = article_validator()
    for number, case in enumerate(synthetic_cases(ARTICLES)):
        body = (tmp_path / case["path"].strip("/") / "index.html").read_bytes()
        assert 30_000 <= len(body) <= 60_000, case["path"]
        url = ORIGIN + case["path"]
        response = HtmlResponse(url, body=body, headers={"Content-Type": "text/html"})
        page = PROFILE.article_page(response, url)
        assert page.not_article_reason() is None
        item = page.to_item()
        item.fetched_at = utc_now()
        normalize_article(item)
        validator.validate(ItemAdapter(item).asdict())
        assert item.url == url
        assert item.title.endswith(f"({number})")


def test_listings_link_only_to_pages_that_exist_and_sitemaps_name_every_article(tmp_path):
    write_archive(tmp_path, ARTICLES)
    listing_pages = [*tmp_path.glob("category/**/index.html"), tmp_path / "index.html"]
    assert any("/page/" in str(path) for path in listing_pages)  # paginated
    for listing in listing_pages:
        for path in LINK.findall(listing.read_text()):
            if not path.startswith(("/feed/", "/preview/", "/wp-")) and "/feed/" not in path:
                assert (tmp_path / path.strip("/") / "index.html").is_file(), (listing, path)
    index = Sitemap((tmp_path / "sitemap_index.xml").read_bytes())
    named = set()
    for entry in index:
        sitemap = Sitemap((tmp_path / entry["loc"].removeprefix(ORIGIN + "/")).read_bytes())
        named |= {url["loc"] for url in sitemap}
    assert {ORIGIN + case["path"] for case in synthetic_cases(ARTICLES)} <= named


def test_nginx_sends_the_posts_list_headers_wordpress_sends(tmp_path):
    """Every page of the archive's posts API is served with WordPress's ``X-WP-Total``
    and ``X-WP-TotalPages``, as saved with its first page; no API, no such headers."""
    write_archive(tmp_path / "site", 250)
    assert posts_list_headers(tmp_path / "site") == {"X-WP-Total": "250", "X-WP-TotalPages": "3"}
    assert posts_list_headers(tmp_path) == {}


def test_articles_take_the_markup_of_their_dates_theme_generation():
    cases = synthetic_cases(300)
    template_years = {case["key"]: int(case["date"][:4]) for case in templates()}
    for case in cases:
        template_year = template_years[case["key"].rsplit("-", 1)[0]]
        assert theme_generation(int(case["date"][:4])) == theme_generation(template_year)
    keys = {case["key"].rsplit("-", 1)[0] for case in cases}
    assert {"generation-2013", "generation-2016", "generation-2017"} <= keys


def test_the_light_archive_has_the_fixture_sidebar_and_twelve_months(tmp_path):
    write_archive(tmp_path, ARTICLES, light=True)
    page = (tmp_path / "index.html").read_text()
    assert "tag_cloud" not in page
    assert "widget_authors" not in page
    months = [path for path in tmp_path.glob("20??/??") if path.is_dir()]
    assert len(months) == 12
