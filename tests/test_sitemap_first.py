"""The phases of ``-a discovery=sitemap-first`` (``crawler/spiders/sitemap_first.py``),
driven as the spider drives them: which listing pages are read, when, and what the stats
say. Whole crawls are in ``tests/test_discovery.py``."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.reporting import stats_keys
from crawler.spiders.sitemap_first import SECTION_PRIORITY, SitemapFirst

SITE = "https://x.org"
POST = f"{SITE}/salma-idrissi/profiles/the-glassblowers-of-hebron/"
MAY_2007 = (2007, 5)


class Site:
    """What the spider tells the phases: each listed article's sources, and the articles
    the listings read so far have dated."""

    def __init__(self) -> None:
        self.sources: dict[str, set[str]] = {}
        self.dated: set[str] = set()

    def phases(self, queue_limit: int = 1000, sitemap_named: bool = True) -> SitemapFirst:
        """The phases, a sitemap having named another post (``sitemap_named``) or not."""
        first = SitemapFirst(
            get_crawler(settings_dict={"ARCHIVE_SITEMAP_FIRST_QUEUE_LIMIT": queue_limit}),
            lambda url: "/category/" in url,
            self.dated.__contains__,
            self.sources.values,
            lambda key: "sitemap" not in self.sources.get(key, {"sitemap"}),
        )
        if sitemap_named:
            first.sitemap_listed(f"{SITE}/another-post/", None)
        return first


def admit(first: SitemapFirst, path: str, month: tuple[int, int] | None = None) -> bool:
    """Whether the listing page at ``path`` is read now."""
    return first.admit(Request(SITE + path), "/page/" not in path, month)


def next_reads(first: SitemapFirst) -> list[str] | None:
    """What the crawl reads when it is next idle (as the spider's ``spider_idle`` asks):
    the paths of the next phase that has any, or None when the crawl ends."""
    released: list[Request] | None = []
    while released is not None and not released:
        released = first.next_phase()
    return None if released is None else [request.url.removeprefix(SITE) for request in released]


def test_a_month_archive_walked_for_a_date_is_read_until_the_page_that_dates_the_post():
    site = Site()
    site.sources[POST] = {"sitemap", "listing"}
    first = site.phases()
    first.sitemap_listed(POST, "2007-05-22T09:00:00+00:00")
    first.article_read(POST, dated=False)
    assert not admit(first, "/2007/05/", MAY_2007)
    assert admit(first, "/category/profiles/")  # read with the sitemaps
    assert admit(first, "/category/profiles/page/2/")  # a category is read to its end
    # The sitemaps and the category listings are read; they named the same posts, and
    # did not date this one.
    assert next_reads(first) == ["/2007/05/"]
    assert admit(first, "/2007/05/page/2/", MAY_2007)  # page 1 did not date it either
    site.dated.add(POST)  # page 2 did
    assert not admit(first, "/2007/05/page/3/", MAY_2007)
    assert next_reads(first) is None
    stats = first.stats.get_stats()
    assert stats[stats_keys.DISCOVERY_MONTHS_WALKED_FOR_DATES] == 1
    assert stats[stats_keys.DISCOVERY_PAGINATION_SKIPPED] == 1


def test_a_sitemap_lastmod_is_kept_only_until_the_page_shows_a_date():
    """One per sitemap article would grow with the archive; most pages show a date."""
    site = Site()
    first = site.phases()
    first.sitemap_listed(POST, "2007-05-22T09:00:00+00:00")
    first.sitemap_listed(f"{SITE}/undated/", "2007-05-22T09:00:00+00:00")
    first.article_read(POST, dated=True)
    first.article_read(f"{SITE}/undated/", dated=False)
    assert list(first.lastmod_months) == [f"{SITE}/undated/"]


def test_an_undated_post_fetched_before_its_sitemap_entry_is_read_gets_its_month_walked():
    """A section listing read ahead of the sitemaps can make the request that fetches a
    post: the month to walk comes from its sitemap entry, whenever that is read."""
    site = Site()
    site.sources[POST] = {"sitemap", "listing"}
    first = site.phases()
    assert admit(first, "/category/profiles/")
    first.article_read(POST, dated=False)  # fetched through the category listing
    assert not admit(first, "/2007/05/", MAY_2007)
    first.sitemap_listed(POST, "2007-05-22T09:00:00+00:00")  # the sitemap, read later
    assert next_reads(first) == ["/2007/05/"]


def test_a_post_an_earlier_run_wrote_undated_gets_its_month_walked_though_not_fetched_again():
    """A resumed job does not fetch a written article again: had its run stopped before
    the dates phase, its record would stay undated."""
    site = Site()
    site.sources[POST] = {"sitemap", "listing"}
    first = site.phases()
    first.written_undated([POST])
    first.sitemap_listed(POST, "2007-05-22T09:00:00+00:00")
    assert not admit(first, "/2007/05/", MAY_2007)
    assert next_reads(first) == ["/2007/05/"]


@pytest.mark.parametrize(
    ("sources", "other_listings_read"),
    [
        ({"sitemap", "listing"}, False),
        ({"listing"}, True),  # a post no sitemap names
        ({"sitemap"}, True),  # a post no category lists
    ],
)
def test_other_listings_are_read_only_when_the_sitemaps_and_the_categories_disagree(
    sources, other_listings_read
):
    site = Site()
    site.sources[POST] = sources
    first = site.phases()
    assert first.defer_sitemap(Request(f"{SITE}/post_tag-sitemap.xml"))
    assert not first.defer_sitemap(Request(f"{SITE}/category-sitemap.xml"))
    assert not admit(first, "/tag/syria/")
    assert not admit(first, "/")
    assert admit(first, "/category/profiles/")
    assert not admit(first, "/tag/syria/page/2/")  # never an older page of a tag
    others = next_reads(first)
    stats = first.stats.get_stats()
    if other_listings_read:
        assert others == ["/post_tag-sitemap.xml", "/tag/syria/", "/"]
        assert admit(first, "/author/theaawsat/")  # met on those: read too
        assert stats_keys.DISCOVERY_FIRST_PAGES_SKIPPED not in stats
    else:
        assert others is None
        assert stats[stats_keys.DISCOVERY_FIRST_PAGES_SKIPPED] == 2
        assert stats[stats_keys.DISCOVERY_LISTING_SITEMAPS_SKIPPED] == 1
    assert stats[stats_keys.DISCOVERY_PAGINATION_SKIPPED] == 1


def test_section_listing_pages_are_read_from_the_start_ahead_of_the_articles():
    first = Site().phases()
    section, tag = Request(f"{SITE}/category/profiles/page/7/"), Request(f"{SITE}/tag/syria/")
    assert first.admit(section, first_page=False, month=None)
    assert section.priority == SECTION_PRIORITY > 10  # an article request's priority
    assert not first.admit(tag, first_page=True, month=None)
    assert tag.priority == 0


def queued(first: SitemapFirst, requests: int) -> None:
    """The scheduler's memory queue holds ``requests`` (as Scrapy counts it)."""
    first.stats.set_value(stats_keys.SCHEDULER_ENQUEUED_MEMORY, requests + 10)
    first.stats.set_value(stats_keys.SCHEDULER_DEQUEUED_MEMORY, 10)


def test_a_post_only_a_section_names_waits_while_the_memory_queue_is_full():
    site = Site()
    first = site.phases(queue_limit=4)
    site.sources[POST] = {"listing"}  # no sitemap named it yet
    site.sources[f"{SITE}/named/"] = {"listing", "sitemap"}  # the sitemap's request has it
    queued(first, 3)
    assert not first.puts_off(POST)
    queued(first, 4)
    assert first.puts_off(POST)
    assert not first.puts_off(f"{SITE}/named/")
    assert first.stats.get_value(stats_keys.DISCOVERY_ARTICLES_PUT_OFF) == 1
    # Requested once the queue is down to half the limit, as many as fill it to that.
    assert first.due_articles() == []
    queued(first, 1)
    assert first.due_articles() == [POST]
    assert first.due_articles() == []


def test_a_post_put_off_is_not_requested_once_a_sitemap_named_it():
    site = Site()
    first = site.phases(queue_limit=2)
    later = f"{SITE}/named-later/"
    site.sources |= {POST: {"listing"}, later: {"listing"}}
    queued(first, 2)
    assert first.puts_off(POST)
    assert first.puts_off(later)
    site.sources[later].add("sitemap")  # a sitemap read since requested it
    assert first.due_articles(every=True) == [POST]


def test_nothing_is_put_off_before_a_sitemap_named_a_post_nor_after_the_sitemaps():
    """Before: a site without sitemaps would read its categories first and its posts only
    after (the crawl goes on as a full one then). After: the queue is the phase's."""
    site = Site()
    site.sources[POST] = {"listing"}
    first = site.phases(queue_limit=1, sitemap_named=False)
    queued(first, 5)
    assert not first.puts_off(POST)
    first.sitemap_listed(f"{SITE}/another-post/", None)
    assert first.puts_off(POST)
    assert first.next_phase() is not None  # the sitemaps and sections are read
    assert not first.puts_off(POST)


# -- the posts API (crawler/discovery/posts_api.py) -----------------------------------------


def test_the_section_listings_wait_for_the_posts_api_and_are_not_read_when_it_lists_the_posts():
    site = Site()
    site.sources[POST] = {"sitemap", "posts_api"}
    first = site.phases()
    first.ask_posts_api()
    assert not admit(first, "/category/profiles/")  # held while the API is asked
    assert first.defer_sitemap(Request(f"{SITE}/category-sitemap.xml"))  # and its sitemap
    first.posts_api_listed(1)
    assert not admit(first, "/category/opinion/")  # a listing like the others now
    assert not admit(first, "/category/opinion/page/2/")
    assert not admit(first, "/tag/syria/")
    assert first.defer_sitemap(Request(f"{SITE}/wp-sitemap-taxonomies-category-1.xml"))
    assert not first.defer_sitemap(Request(f"{SITE}/post-sitemap.xml"))
    assert next_reads(first) is None  # the sitemaps and the API agree: nothing more
    stats = first.stats.get_stats()
    assert stats[stats_keys.DISCOVERY_FIRST_PAGES_SKIPPED] == 3
    assert stats[stats_keys.DISCOVERY_PAGINATION_SKIPPED] == 1
    assert stats[stats_keys.DISCOVERY_LISTING_SITEMAPS_SKIPPED] == 2


def test_a_post_only_the_posts_api_lists_has_the_first_pages_read_sections_among_them():
    site = Site()
    site.sources[POST] = {"posts_api"}  # no sitemap names it
    first = site.phases()
    first.ask_posts_api()
    first.posts_api_listed(1)
    assert first.defer_sitemap(Request(f"{SITE}/category-sitemap.xml"))
    assert not admit(first, "/category/profiles/")
    assert not admit(first, "/tag/syria/")
    assert next_reads(first) == ["/category-sitemap.xml", "/category/profiles/", "/tag/syria/"]
    assert first.stats.get_value(stats_keys.DISCOVERY_SECTIONS_ONLY) == 1
    assert not admit(first, "/category/profiles/page/2/")  # first pages only, as any listing


@pytest.mark.parametrize("listed_before_failing", [0, 100])
def test_the_section_listings_held_for_the_posts_api_are_read_when_it_fails(
    listed_before_failing,
):
    first = Site().phases()
    first.ask_posts_api()
    if listed_before_failing:
        first.posts_api_listed(listed_before_failing)
    assert not admit(first, "/category/profiles/")
    assert not admit(first, "/category/profiles/page/3/")  # met on an article page
    assert not admit(first, "/tag/syria/")
    assert first.defer_sitemap(Request(f"{SITE}/category-sitemap.xml"))
    assert first.defer_sitemap(Request(f"{SITE}/post_tag-sitemap.xml"))
    released = first.posts_api_unavailable()
    assert [request.url.removeprefix(SITE) for request in released] == [
        "/category-sitemap.xml",
        "/category/profiles/",
        "/category/profiles/page/3/",
    ]
    assert {request.priority for request in released[1:]} == {SECTION_PRIORITY}
    assert admit(first, "/category/opinion/")  # read as soon as met, from now on
    assert not admit(first, "/tag/syria/")  # still held, with its sitemap
    assert not first.defer_sitemap(Request(f"{SITE}/wp-sitemap-taxonomies-category-1.xml"))
    assert [request.url for request in first.deferred_sitemaps] == [f"{SITE}/post_tag-sitemap.xml"]


def test_a_posts_api_request_that_never_reached_the_site_releases_the_sections_when_idle():
    """Its request dropped before the download (by a middleware that sends no errback)."""
    first = Site().phases()
    first.ask_posts_api()
    assert not admit(first, "/category/profiles/")
    assert next_reads(first) == ["/category/profiles/"]


def test_a_post_only_the_posts_api_named_waits_while_the_memory_queue_is_full():
    """The API, 100 posts a page read ahead of the articles, may name every post of the
    archive before the first sitemap is read."""
    site = Site()
    site.sources[POST] = {"posts_api"}
    first = site.phases(queue_limit=4, sitemap_named=False)
    first.ask_posts_api()
    queued(first, 4)
    assert not first.puts_off(POST)  # nothing listed yet: this is no list's post
    first.posts_api_listed(100)
    assert first.puts_off(POST)
    queued(first, 1)
    assert first.due_articles() == [POST]
