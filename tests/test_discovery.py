"""Discovery options end to end: date ranges, URL lists, incremental state, coverage.

Each test crawls the fixture archive (served by pytest-httpserver) with `scrapy crawl` in a
subprocess and checks what was fetched, what was emitted, and what the reports say.
"""

from __future__ import annotations

import csv
import itertools
import json
import pickle
import re
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from bench.synthetic import write_archive
from crawler.capture.mirror import Mirror, crawl_command
from crawler.discovery.posts_api import posts_page_url
from crawler.discovery.urllist import parse_url_table
from crawler.reporting import stats_keys
from crawler.runtime.feeds import csv_record
from crawler.runtime.parquet import part_paths, read_records
from qa import crawl_launcher
from qa.fixtures import FIXTURES, CrawlResult, page_cases, run_crawl
from tests.fault_server import FaultServer

MIRROR = FIXTURES / "aawsat" / "site"
ORIGIN = "https://eng-archive.aawsat.com"
CASES = [case for case in page_cases() if case.site.name == "aawsat"]
ARTICLES = {case.checks["url"]: case.checks for case in CASES if "duplicate_of" not in case.checks}
BOOKBINDERS = "/thaer-abbas/features/the-last-bookbinders-of-damascus/"
SEED = "/theaawsat/news-middle-east/us-disregards-russian-proposal-on-joint-strikes-in-syria/"
DAVOS = "/theaawsat/world/davos-panel-weighs-the-future-of-global-trade/"  # in the sitemap only


class FixtureSite:
    """The fixture mirror (or another archive's), with overrides a test can set (status,
    body) by path, or by path and query (``/a/?page=2``), which goes first."""

    def __init__(self, server: HTTPServer, root: Path = MIRROR) -> None:
        self.server = server
        self.mirror = Mirror(root)
        self.overrides: dict[str, tuple[int, bytes]] = {}
        server.expect_request(re.compile(r"^/.*")).respond_with_handler(self.respond)

    def respond(self, request: Request) -> Response:
        with_query = f"{request.path}?{request.query_string.decode()}"
        override = self.overrides.get(with_query) or self.overrides.get(request.path)
        if override is not None:
            status, body = override
            return Response(body, status=status, content_type="text/html; charset=UTF-8")
        served = self.mirror.respond(request.full_path, request.headers)
        return Response(served.body, status=served.status, headers=list(served.headers.items()))

    def crawl(self, workdir: Path, *args: str) -> tuple[CrawlResult, list[str]]:
        self.server.clear_log()
        result = run_crawl("aawsat", self.server.url_for("/"), workdir, *args)
        assert result.returncode == 0, result.log[-4000:]
        return result, [request.path for request, _ in self.server.log]


@pytest.fixture(scope="module")
def site(mirror_server):
    return FixtureSite(mirror_server)


@pytest.fixture(autouse=True)
def _no_overrides(site):
    site.overrides.clear()


def records(result: CrawlResult) -> list[dict]:
    return [json.loads(line) for line in result.output.splitlines()]


def paths(urls) -> set[str]:
    return {url.removeprefix(ORIGIN) for url in urls}


# -- date range --------------------------------------------------------------------------


def test_since_stops_pagination_and_skips_old_archives(site, tmp_path):
    result, fetched = site.crawl(tmp_path, "-a", "since=2016-01-01")
    emitted = records(result)
    # Posts with no date on their page are judged by the date their listings give them
    # (the one dated only by a 2007 month archive is never reached: that archive is skipped).
    dated = {url: checks.get("crawl_published", checks) for url, checks in ARTICLES.items()}
    wanted = {url for url, date in dated.items() if date["published"] >= "2016-01-01"}
    assert {r["url"] for r in emitted} == wanted
    for record in emitted:
        assert record["published"] is None or record["published"] >= "2016-01-01"
    # Page 3 of Middle East lists only posts from before 2016: page 4 is never fetched.
    assert "/category/news-middle-east/page/3/" in fetched
    assert "/category/news-middle-east/page/4/" not in fetched
    # ...nor the 2005 article that only page 4 lists, nor month archives before 2016.
    assert (
        "/theaawsat/news-middle-east/drafting-committee-asks-for-more-time-on-charter/"
        not in fetched
    )
    assert [p for p in fetched if re.match(r"^/20(0\d|1[0-5])/", p)] == []
    assert "/2016/05/" in fetched
    stats = result.report["stats"]
    assert stats[stats_keys.DATE_RANGE_PAGINATION_STOPPED] >= 1
    # Each pre-2016 date archive the pages link to is counted once, not once a page: every
    # page repeats the Archives widget.
    old_archives = {
        match.group(1)
        for page in MIRROR.rglob("*.html")
        for match in re.finditer(
            rf'href="{ORIGIN}(/20(?:0\d|1[0-5])/(?:\d\d/)*)"', page.read_text(errors="replace")
        )
    }
    assert stats[stats_keys.DATE_RANGE_SKIPPED_ARCHIVES] == len(old_archives) > 1
    assert stats[stats_keys.DATE_RANGE_SKIPPED_SITEMAP_ENTRIES] >= 1
    # A post a listing dates may be reached first by another link and kept undated: it is
    # removed when the crawl ends, so every record in the output has its date.
    assert all(record["published"] for record in emitted)


def test_until_keeps_only_older_articles(site, tmp_path):
    result, fetched = site.crawl(tmp_path, "-a", "until=2010-12-31")
    emitted = records(result)
    # Posts with no date on their page are judged by the date their listings give them.
    wanted = {
        url
        for url, checks in ARTICLES.items()
        if checks.get("crawl_published", checks)["published"] <= "2010-12-31"
    }
    assert {r["url"] for r in emitted} == wanted
    assert [p for p in fetched if re.match(r"^/20(1[1-7])/", p)] == []
    # Only tag listings show this 2015 article, with its date: it is never fetched.
    assert (
        "/theaawsat/news-middle-east/aid-convoy-reaches-besieged-town-near-damascus/" not in fetched
    )
    # Undated links (sidebar, sitemap) do lead to newer articles: fetched, then filtered out.
    assert BOOKBINDERS in fetched
    assert result.report["stats"][stats_keys.ARTICLES_FILTERED_OUT_OF_DATE_RANGE] >= 1


def test_a_bad_date_is_a_usage_error(site, tmp_path):
    result = run_crawl("aawsat", site.server.url_for("/"), tmp_path, "-a", "since=2016-13-01")
    assert result.returncode != 0
    assert "-a since='2016-13-01': expected a date as YYYY-MM-DD" in result.log


# -- sitemap-first discovery --------------------------------------------------------------

GOLDEN = FIXTURES / "aawsat" / "crawl"
"""The full crawl's output and stats (``make golden``)."""
DATED = ("url", "published", "published_raw", "published_source", "published_precision")


def dated_articles(lines: list[str]) -> list[tuple]:
    return sorted(tuple(record.get(field) for field in DATED) for record in map(json.loads, lines))


def listing_family(path: str) -> str | None:
    """``category``, ``tag``, ``author``, ``month`` or ``home`` for a listing path."""
    if path == "/":
        return "home"
    match = re.match(r"^/(category|tag|author)/", path) or re.match(r"^/(\d{4})/\d{2}/", path)
    return None if match is None else "month" if match.group(1).isdigit() else match.group(1)


def test_sitemap_first_emits_every_article_and_date_of_a_full_crawl_with_fewer_requests(
    site, tmp_path
):
    result, fetched = site.crawl(tmp_path, "-a", "discovery=sitemap-first")
    golden_lines = (GOLDEN / "expected.jsonl").read_text().splitlines()
    assert dated_articles(result.output.splitlines()) == dated_articles(golden_lines)
    stats = result.report["stats"]
    full = json.loads((GOLDEN / "expected-stats.json").read_text())
    assert stats["downloader/request_count"] < full["downloader/response_count"]
    assert fetched.count("/robots.txt") == 1
    # The sitemaps, their articles and the category listings to their last page first,
    # each category page ahead of the articles waiting.
    families = [listing_family(path) for path in fetched]
    first_other = next(n for n, family in enumerate(families) if family not in {None, "category"})
    assert DAVOS in fetched[:first_other]  # named by the sitemap only
    assert "/category/news-middle-east/page/4/" in fetched  # the only page of a 2005 post
    # They disagree: three posts only a category lists (one of them the 2005 post), one
    # only the sitemap names (Davos). So the first page of every other listing is read,
    # after the category listings, with the sitemaps that name tag and author listings.
    assert disagreement(stats) == (3, 1)
    last_category = max(n for n, family in enumerate(families) if family == "category")
    assert set(families[:last_category]) == {None, "category"}
    assert {path for path in fetched[last_category:] if path.endswith(".xml")} == {
        "/post_tag-sitemap.xml",
        "/author-sitemap.xml",
    }
    assert fetched.index("/post_tag-sitemap.xml") > last_category
    assert {"/tag/syria/", "/author/theaawsat/", "/2016/05/", "/"} <= set(fetched)
    skipped = {"/tag/lebanon/page/2/", "/tag/syria/page/2/", "/author/theaawsat/page/2/"}
    assert not skipped & set(fetched)
    assert stats["discovery/pagination_skipped"] == len(skipped)
    assert coverage_of(tmp_path)["coverage"] == 1.0


def test_sitemap_first_without_a_sitemap_reads_every_listing(site, tmp_path):
    robots = (MIRROR / "robots.txt").read_bytes()
    site.overrides["/robots.txt"] = (200, re.sub(rb"(?m)^Sitemap:.*\n", b"", robots))
    for path in ("/sitemap_index.xml", "/wp-sitemap.xml", "/sitemap.xml"):
        site.overrides[path] = (404, b"Not Found")
    result, fetched = site.crawl(tmp_path, "-a", "discovery=sitemap-first")
    # Everything a full crawl finds but the post only the sitemap names, with its date.
    golden_lines = (GOLDEN / "expected.jsonl").read_text().splitlines()
    wanted = [line for line in golden_lines if DAVOS not in line]
    assert dated_articles(result.output.splitlines()) == dated_articles(wanted)
    assert "/tag/lebanon/page/2/" in fetched
    assert result.report["stats"]["discovery/fell_back_to_full"] == 1
    assert "No sitemap listed an article: discovering from every listing" in result.log


SYNTHETIC_ARTICLES = 200
"""A benchmark archive (``bench/synthetic.py``) whose sitemaps and category listings both
name every post; some posts are dated only by their month archive (a few of those not at
all: their month has no other post, so no page links its archive)."""


POSTS_API = "/wp-json/wp/v2/posts"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Iterator[FixtureSite]:
    root = tmp_path_factory.mktemp("synthetic")
    write_archive(root, SYNTHETIC_ARTICLES)
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield FixtureSite(server, root)
    server.clear()
    server.stop()


@pytest.fixture(scope="module")
def synthetic_full(synthetic, tmp_path_factory) -> tuple[CrawlResult, list[str]]:
    """A full crawl of the synthetic archive, to compare sitemap-first crawls with."""
    return synthetic.crawl(tmp_path_factory.mktemp("full"))


def sitemap_first_crawl(
    site: FixtureSite, full: CrawlResult, workdir: Path, *args: str
) -> tuple[dict, Counter[str | None], list[str]]:
    """A sitemap-first crawl of ``site``, checked to emit the articles ``full`` emitted with
    the same dates: its stats, how many pages of each listing family it fetched, and the
    paths it fetched."""
    result, fetched = site.crawl(workdir, "-a", "discovery=sitemap-first", *args)
    assert dated_articles(result.output.splitlines()) == dated_articles(full.output.splitlines())
    assert coverage_of(workdir)["coverage"] == 1.0
    return result.report["stats"], Counter(map(listing_family, fetched)), fetched


def disagreement(stats: dict) -> tuple[int, int]:
    """How many articles only a section listing listed, and only a sitemap named."""
    return stats[stats_keys.DISCOVERY_SECTIONS_ONLY], stats[stats_keys.DISCOVERY_SITEMAPS_ONLY]


def test_sitemap_first_reads_no_other_listing_where_the_sitemaps_and_sections_agree(
    synthetic, synthetic_full, tmp_path
):
    full, full_fetched = synthetic_full
    synthetic.overrides[POSTS_API] = (404, b"Not Found")  # a WordPress without its REST API
    stats, families, fetched = sitemap_first_crawl(synthetic, full, tmp_path)
    assert stats[stats_keys.DISCOVERY_POSTS_API_UNAVAILABLE] == 1
    assert stats[stats_keys.ITEM_SCRAPED_COUNT] == SYNTHETIC_ARTICLES
    assert disagreement(stats) == (0, 0)
    # No tag, author or home page, nor the sitemaps naming tag and author listings...
    assert (families["tag"], families["author"], families["home"]) == (0, 0, 0)
    assert stats[stats_keys.DISCOVERY_FIRST_PAGES_SKIPPED] > 0
    assert "/post_tag-sitemap.xml" not in fetched
    assert "/author-sitemap.xml" not in fetched
    assert stats[stats_keys.DISCOVERY_LISTING_SITEMAPS_SKIPPED] == 2
    # ...and a month archive only for a post no other page dates (tests/test_sitemap_first.py
    # has one read to the page that dates it).
    months = [path for path in fetched if listing_family(path) == "month"]
    assert 0 < len(months) <= stats[stats_keys.DISCOVERY_MONTHS_WALKED_FOR_DATES]
    assert stats["downloader/request_count"] < full.report["stats"]["downloader/request_count"]
    assert fetched.count("/robots.txt") == 1
    assert full_fetched.count("/robots.txt") == 1


def assert_dated_as_well(lines: list[str], full_lines: list[str]) -> dict[str, tuple]:
    """The articles of ``lines`` are those of the full crawl's ``full_lines``, each dated as
    well: by the same page or listing date; where the full crawl had only a month archive's
    month, that or a listing's day in that month; where it had none, none or a listing's
    day (the posts API dates every post it lists). Returns each article's ``(published,
    source, precision)``, by URL (``published_raw`` left out: it says where a listed date
    came from, ``Oct 18, 2013`` from a category listing, ``2013-10-18`` from the
    API)."""

    def by_url(records: list[str]) -> dict[str, tuple]:
        raw = DATED.index("published_raw")
        return {a[0]: a[1:raw] + a[raw + 1 :] for a in dated_articles(records)}

    dates, full_dates = by_url(lines), by_url(full_lines)
    assert dates.keys() == full_dates.keys()
    for url, (published, source, _precision) in full_dates.items():
        if source in ("page", "listing"):
            assert dates[url] == full_dates[url], url
        elif dates[url] != full_dates[url]:
            assert dates[url][1:] == ("listing", "day"), url
            assert published is None or dates[url][0].startswith(published), url
    return dates


def test_sitemap_first_reads_the_posts_api_in_place_of_every_listing(
    synthetic, synthetic_full, tmp_path
):
    full, _ = synthetic_full
    synthetic.overrides.clear()
    result, fetched = synthetic.crawl(tmp_path, "-a", "discovery=sitemap-first")
    lines = result.output.splitlines()
    # The articles of a full crawl, which reads every listing, dated as well; and every
    # one dated, where a full crawl leaves some posts undated (their month archive is
    # linked from nowhere) and dates others by their month archive's month alone.
    dates = assert_dated_as_well(lines, full.output.splitlines())
    assert all(published for published, *_ in dates.values())
    full_sources = Counter(r["published_source"] for r in map(json.loads, full.output.splitlines()))
    assert full_sources[None] > 0
    assert full_sources["month_archive"] > 0
    listed = [r for r in map(json.loads, lines) if r["published_source"] == "listing"]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", r["published_raw"]) for r in listed)
    assert coverage_of(tmp_path)["coverage"] == 1.0
    # Two pages of the API (X-WP-TotalPages: 2), and not one listing page.
    stats = result.report["stats"]
    assert fetched.count(POSTS_API) == stats[stats_keys.DISCOVERY_POSTS_API_PAGES] == 2
    assert stats[stats_keys.DISCOVERY_POSTS_API_POSTS] == SYNTHETIC_ARTICLES
    assert Counter(map(listing_family, fetched)).keys() == {None}
    # Nor the sitemaps that name only listings: of tags, authors, and categories.
    assert not {"/post_tag-sitemap.xml", "/author-sitemap.xml", "/category-sitemap.xml"} & {
        *fetched
    }
    assert stats[stats_keys.DISCOVERY_LISTING_SITEMAPS_SKIPPED] == 3
    assert stats[stats_keys.DISCOVERY_MONTHS_WALKED_FOR_DATES] == 0
    assert disagreement(stats) == (0, 0)
    assert stats[stats_keys.ITEM_SCRAPED_COUNT] == SYNTHETIC_ARTICLES
    assert max(Counter(path for path in fetched if path != POSTS_API).values()) == 1
    assert "The posts API listed 200 posts in 2 pages" in result.log


def test_sitemap_first_without_sitemaps_takes_the_posts_from_the_posts_api(
    synthetic, synthetic_full, tmp_path
):
    """Nothing agrees with the API, so the first page of every listing is read too; no
    fall back to a full crawl."""
    full, _ = synthetic_full
    synthetic.overrides.clear()
    robots = (synthetic.mirror.root / "robots.txt").read_bytes()
    synthetic.overrides["/robots.txt"] = (200, re.sub(rb"(?m)^Sitemap:.*\n", b"", robots))
    for path in ("/sitemap_index.xml", "/wp-sitemap.xml", "/sitemap.xml"):
        synthetic.overrides[path] = (404, b"Not Found")
    result, fetched = synthetic.crawl(tmp_path, "-a", "discovery=sitemap-first")
    assert_dated_as_well(result.output.splitlines(), full.output.splitlines())
    stats = result.report["stats"]
    assert disagreement(stats) == (SYNTHETIC_ARTICLES, 0)
    assert stats_keys.DISCOVERY_FELL_BACK_TO_FULL not in stats
    families = Counter(map(listing_family, fetched))
    assert families["category"] > 0
    assert families["home"] == 1
    assert "/category/news-middle-east/page/2/" not in fetched  # first pages only


ROBOTS_REFUSING_THE_API = b"User-agent: *\nDisallow: /wp-admin/\nDisallow: /wp-json/\n"


@pytest.mark.parametrize(
    ("failing", "answer", "why"),
    [
        (1, (200, b"<!DOCTYPE html><html><body>Home</body></html>"), "not JSON"),
        (2, (500, b"Internal Server Error"), "500 Internal Server Error"),
        (1, (200, b"[]"), "it lists no post"),
        ("/robots.txt", (200, ROBOTS_REFUSING_THE_API), "Forbidden by robots.txt"),
    ],
    ids=["an-html-page", "a-server-error-on-page-2", "an-empty-list", "refused-by-robots-txt"],
)
def test_sitemap_first_reads_the_section_listings_where_the_posts_api_fails(
    synthetic, synthetic_full, tmp_path, failing, answer, why
):
    full, _ = synthetic_full
    synthetic.overrides.clear()
    if isinstance(failing, int):
        synthetic.overrides[posts_page_url(POSTS_API, failing)] = answer
    else:  # robots.txt, with the sitemap index it names
        robots = answer[1] + (synthetic.mirror.root / "robots.txt").read_bytes().split(b"\n\n")[-1]
        synthetic.overrides[failing] = (answer[0], robots)
    result, fetched = synthetic.crawl(tmp_path, "-a", "discovery=sitemap-first")
    assert_dated_as_well(result.output.splitlines(), full.output.splitlines())
    assert coverage_of(tmp_path)["coverage"] == 1.0
    stats = result.report["stats"]
    assert stats[stats_keys.DISCOVERY_POSTS_API_UNAVAILABLE] == 1
    assert Counter(map(listing_family, fetched))["category"] > 0  # every page of each
    assert fetched.count("/category-sitemap.xml") == 1
    assert why in result.log


@pytest.mark.parametrize("queue_limit", [None, 0], ids=["default", "every-post-put-off"])
def test_sitemap_first_finds_an_old_post_the_sitemaps_leave_out(
    synthetic, synthetic_full, tmp_path, queue_limit
):
    """A sitemap that lost a post: the category listings still list it (and date it), and
    the first page of every other listing is read too, the sitemaps being incomplete.

    Fetched once, with the sitemaps and the categories, before any of those first pages
    (which list it here too): also when it is put off, as while the memory queue is full
    (``ARCHIVE_SITEMAP_FIRST_QUEUE_LIMIT=0``: every such post waits for the phase's end)."""
    synthetic.overrides[POSTS_API] = (404, b"Not Found")  # a WordPress without its REST API
    sitemap = (synthetic.mirror.root / "post-sitemap1.xml").read_text()
    oldest = re.search(r"<url>\s*<loc>([^<]+)</loc>.*?</url>\s*", sitemap, re.DOTALL)
    assert oldest is not None
    synthetic.overrides["/post-sitemap1.xml"] = (200, sitemap.replace(oldest.group(0), "").encode())
    limit = (
        () if queue_limit is None else ("-s", f"ARCHIVE_SITEMAP_FIRST_QUEUE_LIMIT={queue_limit}")
    )
    stats, families, fetched = sitemap_first_crawl(synthetic, synthetic_full[0], tmp_path, *limit)
    post = oldest.group(1).removeprefix(ORIGIN)
    assert fetched.count(post) == 1
    other_listings = [
        i
        for i, path in enumerate(fetched)
        if listing_family(path) in ("tag", "author", "month", "home")
    ]
    assert fetched.index(post) < other_listings[0]
    assert stats.get(stats_keys.DISCOVERY_ARTICLES_PUT_OFF) == (1 if queue_limit == 0 else None)
    assert disagreement(stats) == (1, 0)
    assert families["tag"] > 0
    assert families["author"] > 0
    assert families["home"] == 1
    assert "/post_tag-sitemap.xml" in fetched
    assert "/author-sitemap.xml" in fetched


def test_an_index_s_sitemaps_are_read_in_turn_and_a_failed_one_does_not_stop_the_rest(
    site, tmp_path
):
    site.overrides["/page-sitemap.xml"] = (404, b"Not Found")
    result, fetched = site.crawl(tmp_path)
    sitemaps = [path for path in fetched if path.endswith("-sitemap.xml")]
    index_order = ["/post", "/page", "/category", "/post_tag", "/author"]
    assert sitemaps == [f"{name}-sitemap.xml" for name in index_order]
    # Each one is requested from the one before it (its referer), once that one was read.
    referers = {request.path: request.headers.get("Referer", "") for request, _ in site.server.log}
    for before, after in itertools.pairwise(sitemaps):
        assert referers[after].endswith(before), (after, referers[after])
    assert result.report["stats"]["sitemaps/failed"] == 1
    assert re.search(r"Sitemap \S+/page-sitemap\.xml could not be read", result.log)
    golden_lines = (GOLDEN / "expected.jsonl").read_text().splitlines()
    assert dated_articles(result.output.splitlines()) == dated_articles(golden_lines)


@pytest.mark.parametrize("obey", ["True", "False"])
def test_robots_txt_is_fetched_once_and_the_sitemaps_it_names_are_read(site, tmp_path, obey):
    """The robots.txt middleware's response answers the spider's own request for it."""
    result, fetched = site.crawl(tmp_path, "-s", f"ROBOTSTXT_OBEY={obey}")
    assert fetched.count("/robots.txt") == 1
    assert ORIGIN + DAVOS in {record["url"] for record in records(result)}  # sitemap only
    reused = result.report["stats"].get(stats_keys.ROBOTSTXT_REUSED)
    assert reused == (1 if obey == "True" else None)


def test_discovery_is_checked_before_the_crawl_starts(site, tmp_path):
    result = run_crawl("aawsat", site.server.url_for("/"), tmp_path, "-a", "discovery=sitemap")
    assert result.returncode != 0
    assert "-a discovery='sitemap': expected one of full, sitemap-first" in result.log


# -- URL lists ------------------------------------------------------------------------------


def test_url_list_crawls_exactly_its_valid_lines(site, tmp_path):
    url_file = tmp_path / "urls.txt"
    url_file.write_text(
        "# my reading list\n"
        f"{ORIGIN}{SEED}\n"
        "\n"
        "not a url\n"
        f"{ORIGIN}{BOOKBINDERS}?utm_source=newsletter  # from the newsletter\n"
        "https://twitter.com/aawsat_eng/status/1\n"
        f"{ORIGIN}/about-us/\n"
    )
    result, fetched = site.crawl(tmp_path, "-a", f"urls={url_file}")
    assert paths(r["url"] for r in records(result)) == {SEED, BOOKBINDERS}
    assert sorted(set(fetched)) == sorted({"/robots.txt", SEED, BOOKBINDERS, "/about-us/"})
    assert "-a urls: line 4: not an http(s) URL: 'not a url'" in result.log
    assert "Not on https://eng-archive.aawsat.com, skipped: https://twitter.com" in result.log
    stats = result.report["stats"]
    assert (
        stats[stats_keys.URL_LIST_URLS],
        stats[stats_keys.URL_LIST_INVALID],
        stats[stats_keys.URL_LIST_OFF_SITE],
    ) == (
        3,
        1,
        1,
    )
    # A listed page that WordPress itself calls a page (About) is still not an article.
    assert stats["pages/not_article/wp_page"] == 1
    assert not any(key.startswith(stats_keys.URL_LIST_EXTRACTED_UNSURE) for key in stats)


def test_a_table_of_urls_is_read_from_its_column_of_urls(site, tmp_path):
    """A ``.csv`` export (a dataset's, a spreadsheet's): its header names the URL column;
    a title holding the delimiter is quoted. Each line was a bad URL before."""
    table = tmp_path / "export.csv"
    table.write_text(
        "title,URL,published\n"
        f'"Seed, a story",{ORIGIN}{SEED},2016-01-01\n'
        f"Bookbinders,{ORIGIN}{BOOKBINDERS},2016-01-02\n"
        "Broken,not a url,\n"
    )
    result, _ = site.crawl(tmp_path, "-a", f"urls={table}")
    assert paths(r["url"] for r in records(result)) == {SEED, BOOKBINDERS}
    assert "-a urls: line 4: not an http(s) URL: 'not a url'" in result.log
    assert result.report["stats"][stats_keys.URL_LIST_URLS] == 2


def test_a_table_the_csv_module_cannot_read_is_a_value_error_naming_its_line():
    """A field over the csv module's 128 KiB limit raised ``_csv.Error`` from the spider's
    start, with a traceback; it is a usage error naming the line now."""
    table = "url,text\nhttps://x.org/a/," + "x" * 200_000 + "\n"
    with pytest.raises(ValueError, match=r"^line 2: not read as a table \(field larger"):
        parse_url_table(table)


def test_single_url(site, tmp_path):
    result, fetched = site.crawl(tmp_path, "-a", f"url={ORIGIN}{SEED}")
    assert paths(r["url"] for r in records(result)) == {SEED}
    assert sorted(set(fetched)) == ["/robots.txt", SEED]


# -- incremental state -----------------------------------------------------------------------


def test_a_resumable_incremental_crawl_keeps_scrapys_spider_state_beside_its_own(site, tmp_path):
    """``-a state=PATH`` (our incremental state) and ``JOBDIR`` (where Scrapy's SpiderState
    keeps ``spider.state`` between runs) work together: neither takes the other's place."""
    state, jobdir = tmp_path / "state.sqlite", tmp_path / "job"
    result, _ = site.crawl(
        tmp_path / "run",
        *("-a", f"url={ORIGIN}{SEED}", "-a", f"state={state}", "-s", f"JOBDIR={jobdir}"),
    )
    assert paths(r["url"] for r in records(result)) == {SEED}
    assert result.report["stats"][stats_keys.STATE_NEW] == 1
    assert pickle.loads((jobdir / "spider.state").read_bytes()) == {}  # saved by SpiderState


def test_incremental_runs_emit_only_new_and_changed_articles(site, tmp_path):
    state = tmp_path / "state.sqlite"
    site.overrides[DAVOS] = (404, b"<html><body class='error404'></body></html>")
    first, _ = site.crawl(tmp_path / "1", "-a", f"state={state}")
    assert len(records(first)) == len(ARTICLES) - 1
    assert stats_keys.STATE_SKIPPED_KNOWN not in first.report["stats"]

    site.overrides.clear()  # the article appears on the site
    second, fetched = site.crawl(tmp_path / "2", "-a", f"state={state}")
    assert paths(r["url"] for r in records(second)) == {DAVOS}
    assert records(second)[0]["version"] == 1
    known_articles = paths(ARTICLES) - {DAVOS}
    assert known_articles.isdisjoint(fetched)  # nothing already emitted is fetched again
    assert second.report["stats"][stats_keys.STATE_SKIPPED_KNOWN] >= len(known_articles)

    original = (MIRROR / SEED.strip("/") / "index.html").read_bytes()
    site.overrides[SEED] = (200, original.replace(b"Russia recently proposed", b"Russia proposed"))
    site.server.clear_log()
    third = run_crawl(
        "aawsat",
        site.server.url_for("/"),
        tmp_path / "3",
        "-a",
        f"state={state}",
        "-a",
        "recheck=true",
    )
    (changed,) = records(third)
    assert changed["url"] == ORIGIN + SEED
    assert changed["version"] == 2
    assert changed["previous_hash"] == next(
        r["content_hash"] for r in records(first) if r["url"] == ORIGIN + SEED
    )
    assert changed["body"].startswith("Russia proposed to the U.S.-led coalition")
    # The server honours conditional requests: every other known article answers 304.
    article_pages = {case.url_path for case in CASES}
    article_bodies = [
        request.path
        for request, response in site.server.log
        if request.path in article_pages and response.status_code == 200
    ]
    assert article_bodies == [SEED]
    stats = third.report["stats"]
    assert stats[stats_keys.STATE_NOT_MODIFIED] == len(CASES) - 1  # every article page but SEED
    assert stats_keys.STATE_UNCHANGED not in stats

    # Without recheck, a sitemap lastmod after the last fetch re-checks that article only.
    edited = "/tariq-al-hamad/opinion/the-long-road-to-municipal-elections/"
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat(timespec="seconds")
    sitemap = (MIRROR / "post-sitemap.xml").read_bytes()
    site.overrides["/post-sitemap.xml"] = (
        200,
        sitemap.replace(b"2006-03-03T06:00:00+00:00", tomorrow.encode()),
    )
    fourth, fetched = site.crawl(tmp_path / "4", "-a", f"state={state}")
    assert [path for path in fetched if path in article_pages] == [edited]
    stats = fourth.report["stats"]
    assert (stats[stats_keys.STATE_SITEMAP_MODIFIED], stats[stats_keys.STATE_NOT_MODIFIED]) == (
        1,
        1,
    )
    assert records(fourth) == []  # the server said 304: the page had not really changed


# -- coverage ------------------------------------------------------------------------------


def coverage_of(result_dir: Path) -> dict:
    return json.loads((result_dir / "coverage" / "aawsat.json").read_text())


def test_full_crawl_covers_every_listed_article(site, tmp_path):
    result, _ = site.crawl(tmp_path)
    coverage = coverage_of(tmp_path)
    assert coverage["coverage"] == 1.0
    assert coverage["missing"] == 0
    assert [(e["url"], e["outcome"]) for e in coverage["not_in_output"]] == [
        (ORIGIN + "/theaawsat/features/deleted-story/", "failed:http_404")
    ]
    assert "coverage 100.0%" in (tmp_path / "coverage" / "aawsat.txt").read_text()
    page = (tmp_path / "coverage" / "aawsat.html").read_text()
    assert "<svg" in page
    assert "Middle East" in page
    assert result.report["stats"][stats_keys.COVERAGE_MISSING] == 0


def test_coverage_names_exactly_the_article_that_did_not_make_it(site, tmp_path):
    site.overrides[SEED] = (500, b"Internal Server Error")
    site.crawl(tmp_path, "-s", "RETRY_TIMES=0", "-s", "ARCHIVE_LATE_RETRY_ROUNDS=0")
    coverage = coverage_of(tmp_path)
    missing = [e for e in coverage["not_in_output"] if e["status"] == "missing"]
    assert [(e["url"], e["outcome"]) for e in missing] == [(ORIGIN + SEED, "failed:http_500")]
    assert coverage["missing"] == 1
    row = next(
        r for r in coverage["rows"] if r["section"] == "Middle East" and r["month"] == "2016-05"
    )
    assert row["missing"] == 1


def test_a_crawl_that_lists_no_article_writes_an_empty_coverage_report(site, tmp_path):
    result, fetched = site.crawl(tmp_path, "-a", "url=https://twitter.com/somebody")
    assert fetched == []
    assert "Error caught on signal handler" not in result.log
    coverage = coverage_of(tmp_path)
    assert (coverage["listed"], coverage["missing"], coverage["rows"]) == (0, 0, [])
    assert (
        "coverage 100.0%: 0 of 0 listed articles"
        in (tmp_path / "coverage" / "aawsat.txt").read_text()
    )


def test_an_article_an_earlier_run_already_wrote_is_covered_not_missing(site, tmp_path):
    """A resumed (``-o``) run fetches an old-slug page whose record is the article already
    in the output: dropped as ``already_written_url``, and covered."""
    output = tmp_path / "articles.jsonl"
    for number, path in enumerate((BOOKBINDERS, "/theaawsat/features/damascus-bookbinders/")):
        workdir = tmp_path / str(number)
        command = crawl_command(
            "aawsat",
            site.server.url_for("/"),
            [
                "-a",
                f"url={ORIGIN}{path}",
                "-o",
                str(output),
                "-s",
                f"ARCHIVE_COVERAGE_DIR={workdir / 'coverage'}",
            ],
        )
        done = crawl_launcher.run(command, FIXTURES.parent, timeout=120)
        assert done.returncode == 0, done.stderr[-4000:]
    assert "Dropped: already_written_url" in done.stderr
    coverage = coverage_of(workdir)
    assert (coverage["listed"], coverage["covered"], coverage["missing"]) == (1, 1, 0)
    assert len(output.read_text().splitlines()) == 1


# -- dates from listings ------------------------------------------------------------------------

UNDATED = {
    case.checks["url"]: case.checks["crawl_published"]
    for case in CASES
    if "crawl_published" in case.checks
}
"""Builder posts with no date on their page, and the date the crawl must give them."""
DATE_FIELDS = ("published", "published_raw", "published_source", "published_precision")


def test_a_listing_read_after_its_article_was_emitted_still_dates_it(tmp_path):
    """The listings that date an undated post are held back until the sitemap has led to the
    post: it is emitted without a date, then given the listing's when the crawl ends, in
    the JSON Lines, the Parquet output (whose only row group is written at the end), the
    CSV and the JSON array (closed when its feed closes, which may come after the join)."""
    # In the sitemap, and dated only by these listings (the other undated posts are linked
    # from listings alone, so holding those back would hold the post back too).
    post = "/amir-taheri/opinion/the-limits-of-a-charm-offensive/"
    late = ("/category/opinion/", "/author/amir-taheri/", "/2013/10/")

    def after_the_article(handler, attempt: int) -> bool:
        deadline = time.monotonic() + 30
        while not server.attempts[post] and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)  # the article's answer reaches the spider first
        return False

    server = FaultServer(MIRROR, dict.fromkeys(late, after_the_article))
    with server.running():
        # Enough connections that the held listings do not hold up the sitemap's articles.
        result = run_crawl(
            "aawsat",
            server.base_url,
            tmp_path,
            *("-O", str(tmp_path / "articles.parquet")),
            *("-O", str(tmp_path / "articles.csv")),
            *("-O", str(tmp_path / "articles.json")),
            *("-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"),
        )
    assert result.returncode == 0, result.log[-4000:]
    dated = {r["url"]: {f: r[f] for f in DATE_FIELDS} for r in records(result)}
    assert {url: dated[url] for url in UNDATED} == UNDATED
    in_parquet = {
        r["url"]: {f: r[f] for f in DATE_FIELDS}
        for r in read_records(part_paths(tmp_path / "articles.parquet"))
    }
    assert in_parquet == dated
    with (tmp_path / "articles.csv").open(newline="", encoding="utf-8") as table:
        rows = [csv_record(row) for row in csv.DictReader(table)]
    assert {r["url"]: {f: r[f] for f in DATE_FIELDS} for r in rows} == dated
    in_array = json.loads((tmp_path / "articles.json").read_text())
    assert {r["url"]: {f: r[f] for f in DATE_FIELDS} for r in in_array} == dated
    stats = result.report["stats"]
    assert stats["dates/resolved_after_crawl/listing"] == 1  # the post was emitted undated
    assert "Dates from listings joined into" in result.log
