"""``-a discovery=sitemap-first``: the sitemaps first, then only the listings that can add
what they lack.

A full crawl (``-a discovery=full``, the default) reads every listing to its last page:
categories, tags, authors and month archives list the same posts over and over (on the
benchmark archive, 0.5 listing pages per article). The sitemaps already name every post
a site chose to list; what they lack is a post they leave out, and the publication date
of a post whose page shows none (Divi builder posts): sitemaps carry only ``lastmod``,
the last *modification*. This mode reads the listings for those two things only, in
phases, each one started when the crawl would otherwise be idle:

1. **sitemaps and sections**: robots.txt, the sitemaps it names (or the profile's
   fallbacks), every article they list, and the section listings (WordPress categories),
   every page. Every WordPress post has a category and category listings print each
   post's date, so the section listings find the posts no sitemap names and date the ones
   whose page has no date. They are also the check of the sitemaps: two lists of every
   post, made apart, that should agree. A section listing is read in full whatever the
   sitemaps say, so it is read from the start, each page ahead of the articles waiting
   (:data:`SECTION_PRIORITY`): a category's pages can only be read one after another (each
   names the next), and a long one read after the articles would be a crawl's last
   seconds with one request at a time. Other listings met meanwhile (links on article
   pages) are held back, and so are the sitemaps that name only tag or author listings
   (:func:`names_tags_or_authors`).

   **The posts API.** Where the profile names one (WordPress's REST API,
   ``crawler/discovery/posts_api.py``) and ``ARCHIVE_POSTS_API`` is on, it is asked at
   the start, and the section listings wait for its answer. Where it answers, it takes
   their place: a list of every post made apart from the sitemaps, each post with its
   date, 100 a request against a category listing's 10 (on the benchmark archive, 15
   requests where the section listings were 153 pages and the month archives walked
   for dates 83); a section listing is then a listing like the others, and the sitemaps
   that name only section listings are held back with the tag and author ones. Where it
   is not there (404, an HTML page, an empty list, robots.txt refuses it) or fails part
   way (a server error after its retries), those sitemaps and the section listings held
   back are read, and every section listing met after
   (``discovery/posts_api/unavailable``).
2. **first pages**, only when they disagree (a post only a category lists, or one only a
   sitemap names: a sitemap that misses posts, or posts kept off the category listings):
   the first page of every other listing (home, tags, authors, month archives), with the
   held sitemaps of tag and author (and section) listings. The newest posts of each,
   which a cached sitemap may not have yet, and posts a site keeps off its category
   listings. Their older pages are skipped. When the two agree, none of these is read.
3. **dates**: for each article still undated, the month archive of its sitemap
   ``lastmod``, page by page until the page that dates it: a post is published before it
   is modified, so that archive lists it when it was not edited in a later month.

The trade-off: where the sitemaps and the category listings name the same posts, a post
that neither names and that only a tag, author or month archive listing or the home page
shows is not found (a site would have to leave it out of both lists); where they
disagree, such a post is found only on the first page of one of those listings. An
undated article modified after its month is dated only when a category listing (or, when
read, a first page) prints its date. Should the sitemap phase list no article at all (no
sitemap, or none readable, and no posts API), the crawl goes on as a full one
(``discovery/fell_back_to_full``); a site with a posts API and no sitemap has its posts
from the API and the first page of every listing (phase 2: nothing agrees with the API).

**Queued articles.** The section listings run ahead of the articles, ten posts a page, so
on a large archive they name posts far faster than they are fetched, mostly posts a
sitemap not read yet names too: on a 20,000-article archive 4,800 article requests were
waiting at once, about 2.5 KB each in memory (its URL, headers, meta, the queue's share).
The posts API, a hundred posts a page, named all 50,000 of a 50,000-article archive
before the first sitemap was read (the crawl's peak RSS 212 MB against 111 MB at 5,000).
While more than ``ARCHIVE_SITEMAP_FIRST_QUEUE_LIMIT`` requests wait in memory, a post a
section listing or the API names and no sitemap has named yet is not requested: it stays in the
coverage ledger (which lists it anyway) and in a queue of its key, and is requested once
the waiting requests are down to half the limit, unless a sitemap named it meanwhile (and
so requested it) or the crawl reached it otherwise; any left are requested before the
next phase. With ``JOBDIR`` the waiting requests are on disk, and nothing is put off
(unless the limit is 0, which puts off every such post until the phase ends).

The section listings are read to their last page all the same, although the sitemaps
name most of their posts: a sitemap that misses posts often misses old ones (a plugin
that lists only recent posts, an index cut short), which are on the last pages, so no
early stop can tell a complete sitemap from one that lost its oldest entries; and those
pages print the dates that builder posts' own pages lack.

**Resuming.** These phases live in memory, not in ``JOBDIR``: a resumed job starts them
again (``crawler/runtime/resume.py`` discards the saved queue: the spider's
``discovery_in_jobdir`` is False), and the articles earlier runs wrote undated count as
read undated here (:meth:`SitemapFirst.written_undated`), since their pages are not
fetched again.

Counted: ``discovery/posts_api/pages``, ``discovery/posts_api/posts`` and
``discovery/posts_api/skipped`` (what the posts API listed), ``discovery/listings_held``
(listing pages held back),
``discovery/listed_by_sections_only`` and ``discovery/listed_by_sitemaps_only`` (the
disagreement), ``discovery/first_pages_skipped`` (first pages of other listings never read),
``discovery/listing_sitemaps_skipped`` (sitemaps of listings never read),
``discovery/pagination_skipped`` (older pages of a non-section listing not read, each
once), ``discovery/articles_put_off`` (posts of section listings requested later, see
above) and ``discovery/months_walked_for_dates``.
"""

from __future__ import annotations

import enum
import logging
import re
from collections import deque
from collections.abc import Callable, Collection, Iterable
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from crawler.reporting import stats_keys

logger = logging.getLogger(__name__)

MODES = ("full", "sitemap-first")
Month = tuple[int, int]
SECTION_PRIORITY = 20
"""Request priority of a section listing page: above an article's (10), so a category's
chain of pages moves on while thousands of sitemap articles wait."""
SITEMAP_SOURCE, LISTING_SOURCE, POSTS_API_SOURCE = "sitemap", "listing", "posts_api"
"""How the coverage ledger names an article's sources: a sitemap, a listing page, the
site's posts API (``crawler/discovery/posts_api.py``)."""


TAG_OR_AUTHOR_SITEMAP = re.compile(
    r"/(?:(?:post_tag|author)-sitemap\d*|wp-sitemap-(?:taxonomies-post_tag|users)-\d+)\.xml$"
)
"""The sitemaps of tag and author listings: Yoast's and Rank Math's ``post_tag-sitemap.xml``
and ``author-sitemap.xml``, WordPress's ``wp-sitemap-taxonomies-post_tag-1.xml`` and
``wp-sitemap-users-1.xml``."""
SECTION_SITEMAP = re.compile(r"/(?:category-sitemap\d*|wp-sitemap-taxonomies-category-\d+)\.xml$")
"""The sitemaps of section (category) listings: Yoast's and Rank Math's
``category-sitemap.xml``, WordPress's ``wp-sitemap-taxonomies-category-1.xml``."""


def names_tags_or_authors(url: str) -> bool:
    """Whether a sitemap's URL says it names tag or author listings (and no post).

    >>> names_tags_or_authors("https://x.org/post_tag-sitemap.xml")
    True
    >>> names_tags_or_authors("https://x.org/wp-sitemap-users-1.xml")
    True
    >>> [names_tags_or_authors(f"https://x.org/{name}") for name in (
    ...     "post-sitemap2.xml", "category-sitemap.xml", "wp-sitemap-posts-post-1.xml")]
    [False, False, False]
    """
    return TAG_OR_AUTHOR_SITEMAP.search(url) is not None


def names_sections(url: str) -> bool:
    """Whether a sitemap's URL says it names section (category) listings (and no post).

    >>> [names_sections(f"https://x.org/{name}") for name in (
    ...     "category-sitemap.xml", "wp-sitemap-taxonomies-category-1.xml")]
    [True, True]
    >>> [names_sections(f"https://x.org/{name}") for name in (
    ...     "post-sitemap.xml", "post_tag-sitemap.xml", "wp-sitemap-posts-post-1.xml")]
    [False, False, False]
    """
    return SECTION_SITEMAP.search(url) is not None


class Phase(enum.Enum):
    SITEMAPS = "sitemaps"
    """The sitemaps, their articles, and the section listings."""
    FIRST_PAGES = "first_pages"
    """The first pages of the other listings: read only when the sitemaps and the section
    listings disagree."""
    DATES = "dates"
    FULL = "full"
    """No sitemap listed an article: every listing is read, as in a full crawl."""


def lastmod_month(lastmod: str | None) -> Month | None:
    """The ``(year, month)`` of a sitemap ``lastmod`` (W3C datetime), if it has one.

    >>> lastmod_month("2013-10-18T05:00:00+00:00"), lastmod_month("2013-10"), lastmod_month("")
    ((2013, 10), (2013, 10), None)
    >>> lastmod_month("yesterday") is None
    True
    """
    text = (lastmod or "").strip()
    if len(text) < 7 or text[4] != "-" or not (text[:4] + text[5:7]).isdigit():
        return None
    month = int(text[5:7])
    return (int(text[:4]), month) if 1 <= month <= 12 else None


def disagreement(sources: Iterable[Collection[str]]) -> tuple[int, int]:
    """How many listed articles only a section listing lists, and how many only a sitemap
    names, from each article's sources (``listing``, ``sitemap``).

    >>> disagreement([{"sitemap", "listing"}, {"sitemap"}, {"listing"}, {"listing"}, set()])
    (2, 1)
    >>> disagreement([{"sitemap", "posts_api"}, {"posts_api"}])  # the API lists as sections do
    (1, 0)
    """
    sections_only = sitemaps_only = 0
    for named in sources:
        in_sitemap = SITEMAP_SOURCE in named
        in_listing = LISTING_SOURCE in named or POSTS_API_SOURCE in named
        sections_only += in_listing and not in_sitemap
        sitemaps_only += in_sitemap and not in_listing
    return sections_only, sitemaps_only


class PostsApi(enum.Enum):
    """Where the crawl stands with the site's posts API."""

    NOT_ASKED = "not_asked"
    """The profile names none, or ``ARCHIVE_POSTS_API`` is off: the section listings list."""
    ASKING = "asking"
    """Its first page is not answered yet: the section listings wait."""
    LISTING = "listing"
    """It answered: it lists the posts, and a section listing is one like the others."""
    UNAVAILABLE = "unavailable"
    """None there, or it failed: the section listings list the posts."""


class SitemapFirst:
    """The phases of one sitemap-first crawl: what is held back, what was skipped, and
    which undated articles still need a month archive."""

    def __init__(
        self,
        crawler: Crawler,
        is_section_listing: Callable[[str], bool],
        is_dated: Callable[[str], bool],
        listed_sources: Callable[[], Iterable[Collection[str]]],
        awaits_fetch: Callable[[str], bool],
    ) -> None:
        self.crawler = crawler
        self.is_section_listing = is_section_listing
        self.is_dated = is_dated
        """Whether the listings read so far dated an article (by canonical public URL)."""
        self.listed_sources = listed_sources
        """The sources of each listed article the crawl wants."""
        self.phase = Phase.SITEMAPS
        self.held: dict[str, tuple[Request, Month | None]] = {}
        """First pages of the other listings not read yet: the request and its archive
        month (a month archive's first page is read for dates even when the others are
        not)."""
        self.skipped: dict[str, tuple[Request, Month | None]] = {}
        """Older pages of non-section listings not read: the request and its archive month."""
        self.first_pages_read = False
        self.deferred_sitemaps: list[Request] = []
        """Sitemaps of tag and author listings, read only with those listings' first pages;
        and of section listings while the posts API lists the posts (or is being asked)."""
        self.sitemap_articles = 0
        self.lastmod_months: dict[str, Month] = {}
        """The month of each sitemap article's ``lastmod``, by canonical public URL: kept
        for every one whose page was not read yet or showed no date, since the request
        that fetches an article may come from a listing (a section listing read first)."""
        self.months: dict[Month, Month] = {}
        """One tuple per month, shared by all the articles of that month."""
        self.undated: set[str] = set()
        """Articles whose page showed no date, by canonical public URL."""
        self.walked_months: dict[Month, list[str]] = {}
        """The month archives read for dates, with the undated articles each may date."""
        self.queue_limit = crawler.settings.getint("ARCHIVE_SITEMAP_FIRST_QUEUE_LIMIT")
        self.awaits_fetch = awaits_fetch
        """Whether a listed article no sitemap names is yet to be fetched (by key)."""
        self.put_off: deque[str] = deque()
        """Articles of section listings not requested yet, by key (the ledger's object),
        oldest first: see "Queued articles" above."""
        self.posts_api = PostsApi.NOT_ASKED
        self.api_posts = 0
        """Posts the site's posts API listed."""

    @property
    def stats(self) -> StatsCollector:
        return self.crawler.stats  # set once the crawl starts, after the spider is made

    def settled(self, url: str) -> bool:
        """Whether a listing URL is held back or skipped: a link to it needs no more work."""
        return url in self.held or url in self.skipped

    def admit(self, request: Request, first_page: bool, month: Month | None) -> bool:
        """Whether to request a listing page now; if not, it is held back (the first page
        of a listing other than a section's until the section listings are read) or, an
        older page of a non-section listing, skipped. A section listing page is always
        read, ahead of the articles (:data:`SECTION_PRIORITY`)."""
        url = request.url
        if self.phase is Phase.FULL:
            return True
        if self.is_section_listing(url) and self.posts_api in (
            PostsApi.NOT_ASKED,
            PostsApi.UNAVAILABLE,
        ):
            request.priority = SECTION_PRIORITY
            return True
        if self.phase is not Phase.SITEMAPS and (
            self._dates(month) or (first_page and self.first_pages_read)
        ):
            return True
        if first_page:
            self._hold(self.held, url, (request, month))
            if self.phase is Phase.DATES:  # met on a month archive walked for dates
                self.stats.set_value(stats_keys.DISCOVERY_FIRST_PAGES_SKIPPED, len(self.held))
        elif url not in self.skipped:
            self.skipped[url] = (request, month)
            if self.phase is not Phase.SITEMAPS:  # a full crawl may read it yet
                self.stats.set_value(stats_keys.DISCOVERY_PAGINATION_SKIPPED, len(self.skipped))
        return False

    def ask_posts_api(self) -> None:
        """The crawl asks the site's posts API for its first page: until it answers, the
        section listings wait (held back, as other listings are)."""
        self.posts_api = PostsApi.ASKING

    def posts_api_listed(self, posts: int) -> None:
        """A page of the posts API listed ``posts`` posts."""
        if self.posts_api is PostsApi.ASKING:
            self.posts_api = PostsApi.LISTING
        self.api_posts += posts

    def posts_api_unavailable(self) -> list[Request]:
        """The posts API is not there, or failed part way: the sitemaps of section listings
        and the section listings held back meanwhile, to read now (the listings ahead of the
        articles, as ever)."""
        self.posts_api = PostsApi.UNAVAILABLE
        deferred = self.deferred_sitemaps
        released = [sitemap for sitemap in deferred if names_sections(sitemap.url)]
        self.deferred_sitemaps = [
            sitemap for sitemap in deferred if not names_sections(sitemap.url)
        ]
        for waiting in (self.held, self.skipped):
            for url, (request, _month) in list(waiting.items()):
                if self.is_section_listing(url):
                    request.priority = SECTION_PRIORITY
                    released.append(request)
                    del waiting[url]
        return released

    @property
    def posts_list(self) -> str:
        """What this crawl checks the sitemaps against, for its log lines."""
        if self.posts_api is PostsApi.LISTING:
            return "the posts API"
        return "the section listings"

    def _hold(self, held: dict[str, Any], url: str, value: Any) -> None:
        if url not in held:
            held[url] = value
            self.stats.inc_value(stats_keys.DISCOVERY_LISTINGS_HELD)

    def _dates(self, month: Month | None) -> bool:
        """Whether a page of the month archive may date an article still undated: a month
        walked for dates stops at the page that dated its last one."""
        undated = self.walked_months.get(month) if month is not None else None
        return bool(undated) and not all(map(self.is_dated, undated or ()))

    def defer_sitemap(self, request: Request) -> bool:
        """Whether to hold a sitemap back: one of tag or author listings is read only when
        the first pages of those listings are (the sitemaps and the section listings
        disagree), since naming those listings is all it does. So is one of section
        listings while the posts API is asked or lists the posts: the section listings
        are then held as the others are, and it is read with them, or as soon as the API
        turns out not to be there (:meth:`posts_api_unavailable`)."""
        if self.phase is Phase.FULL or self.first_pages_read:
            return False
        url = request.url
        sections_held = self.posts_api in (PostsApi.ASKING, PostsApi.LISTING)
        if not (names_tags_or_authors(url) or (sections_held and names_sections(url))):
            return False
        self.deferred_sitemaps.append(request)
        return True

    def sitemap_listed(self, key: str, lastmod: str | None) -> None:
        """A sitemap names the article ``key`` (canonical public URL), with ``lastmod``."""
        self.sitemap_articles += 1
        month = lastmod_month(lastmod)
        if month is not None:
            self.lastmod_months[key] = self.months.setdefault(month, month)

    def queued_in_memory(self) -> int:
        """Requests waiting in the scheduler's memory queue (Scrapy's own counts)."""
        stats = self.stats
        return int(stats.get_value(stats_keys.SCHEDULER_ENQUEUED_MEMORY, 0)) - int(
            stats.get_value(stats_keys.SCHEDULER_DEQUEUED_MEMORY, 0)
        )

    def puts_off(self, key: str) -> bool:
        """Whether a post ``key`` of a section listing or of the posts API is to be
        requested later rather than now: the sitemaps are being read, none named it yet,
        and the memory queue is full. Not before a sitemap or the API named a post: the
        section listings of a site with neither are the crawl's only list."""
        if (
            self.phase is not Phase.SITEMAPS
            or not (self.sitemap_articles or self.api_posts)
            or self.queued_in_memory() < self.queue_limit
            or not self.awaits_fetch(key)
        ):
            return False
        self.put_off.append(key)
        self.stats.inc_value(stats_keys.DISCOVERY_ARTICLES_PUT_OFF)
        return True

    def due_articles(self, every: bool = False) -> list[str]:
        """The keys of put-off posts to request now, each still to be fetched: as many as
        bring the memory queue up to half its limit, or ``every`` one left."""
        room = len(self.put_off) if every else self.queue_limit // 2 - self.queued_in_memory()
        due: list[str] = []
        while room > len(due) and self.put_off:
            key = self.put_off.popleft()
            if self.awaits_fetch(key):
                due.append(key)
        return due

    def article_read(self, key: str, dated: bool) -> None:
        """An article's page was read: ``dated``, whether it shows a date. Only an undated
        one may need its sitemap ``lastmod`` month (most pages show a date)."""
        if not dated:
            if self.phase is not Phase.FULL:
                self.undated.add(key)
        elif key not in self.undated:
            self.lastmod_months.pop(key, None)

    def written_undated(self, keys: Iterable[str]) -> None:
        """Articles an earlier run of the job wrote with no date (``JOBDIR``, ``-o``): this
        run does not read their pages again, so they count as read here undated, and the
        dates phase walks the month archive of their sitemap ``lastmod``."""
        for key in keys:
            self.article_read(key, dated=False)

    def next_phase(self) -> list[Request] | None:
        """At an idle moment: the requests the next phase starts with, or None when the
        crawl has no phase left."""
        if self.phase is Phase.SITEMAPS:
            return self._after_sitemaps()
        if self.phase is Phase.FIRST_PAGES:
            return self._after_first_pages()
        return None

    def _after_sitemaps(self) -> list[Request]:
        if self.posts_api is PostsApi.ASKING:  # its request never reached the site
            return self.posts_api_unavailable()
        if self.sitemap_articles or self.api_posts:
            return self._after_sections()
        self.phase = Phase.FULL
        self.stats.set_value(stats_keys.DISCOVERY_FELL_BACK_TO_FULL, 1)
        released = list(self.deferred_sitemaps)
        for waiting in (self.held, self.skipped):
            released += [request for request, _month in waiting.values()]
            waiting.clear()
        logger.warning(
            "No sitemap listed an article: discovering from every listing, as "
            "-a discovery=full does (%d listing pages held back)",
            len(released),
        )
        return released

    def _after_sections(self) -> list[Request]:
        if self.skipped:
            self.stats.set_value(stats_keys.DISCOVERY_PAGINATION_SKIPPED, len(self.skipped))
        sections_only, sitemaps_only = disagreement(self.listed_sources())
        self.stats.set_value(stats_keys.DISCOVERY_SECTIONS_ONLY, sections_only)
        self.stats.set_value(stats_keys.DISCOVERY_SITEMAPS_ONLY, sitemaps_only)
        if not sections_only and not sitemaps_only:
            self.phase = Phase.FIRST_PAGES  # with nothing to read: on to the dates
            if self.deferred_sitemaps:
                self.stats.set_value(
                    stats_keys.DISCOVERY_LISTING_SITEMAPS_SKIPPED, len(self.deferred_sitemaps)
                )
            logger.info(
                "The sitemaps and %s name the same articles: not reading the %d other "
                "listings (tags, authors, month archives, home) nor %d sitemaps that name "
                "only listings",
                self.posts_list,
                len(self.held),
                len(self.deferred_sitemaps),
            )
            return []
        self.phase = Phase.FIRST_PAGES
        self.first_pages_read = True
        logger.info(
            "%d articles only %s list, %d only a sitemap names: reading the first page of "
            "the %d other listings (tags, authors, month archives, home)",
            sections_only,
            self.posts_list,
            sitemaps_only,
            len(self.held),
        )
        released = self.deferred_sitemaps + [request for request, _month in self.held.values()]
        self.held.clear()
        return released

    def _after_first_pages(self) -> list[Request]:
        self.phase = Phase.DATES
        for key in self.undated:
            month = self.lastmod_months.get(key)
            if month is not None and not self.is_dated(key):
                self.walked_months.setdefault(month, []).append(key)
        logger.debug("Undated after the listings: %s", self.walked_months)
        self.undated.clear()
        self.lastmod_months.clear()
        self.stats.set_value(stats_keys.DISCOVERY_MONTHS_WALKED_FOR_DATES, len(self.walked_months))
        released = []
        for waiting in (self.held, self.skipped):
            for url, (request, month) in list(waiting.items()):
                if month in self.walked_months:
                    released.append(request)
                    del waiting[url]
        self.stats.set_value(stats_keys.DISCOVERY_PAGINATION_SKIPPED, len(self.skipped))
        if self.held:
            self.stats.set_value(stats_keys.DISCOVERY_FIRST_PAGES_SKIPPED, len(self.held))
        logger.info(
            "Listings read: reading %d month archives, page by page until each has dated "
            "the articles their pages and listings leave undated",
            len(self.walked_months),
        )
        return released
