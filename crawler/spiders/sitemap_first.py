"""``-a discovery=sitemap-first``: the sitemaps first, then only the listings that can add
what they lack.

A full crawl (``-a discovery=full``, the default) reads every listing to its last page:
categories, tags, authors and month archives list the same posts over and over (on the
benchmark archive, 0.5 listing pages per article). The sitemaps already name every post
a site chose to list; what they lack is a post they leave out, and the publication date
of a post whose page shows none (Divi builder posts): sitemaps carry only ``lastmod``,
the last *modification*. This mode reads the listings for those two things only, in
phases, each one started when the crawl would otherwise be idle:

1. **sitemaps**: robots.txt, the sitemaps it names (or the profile's fallbacks), and every
   article they list. Listings met meanwhile (the home page, links on article pages, the
   listing sitemaps) are held back.
2. **listings**: the section listings (WordPress categories), every page: every WordPress
   post has a category and category listings print each post's date, so this finds the
   posts no sitemap names and dates the ones whose page has no date. And the first page
   of every other listing (home, tags, authors, month archives): the newest posts of
   each, which a cached sitemap may not have yet, and posts a site keeps off its category
   listings. Their older pages are skipped.
3. **dates**: for each article still undated, every page of the month archive of its
   sitemap ``lastmod``: a post is published before it is modified, so that archive lists
   it when it was not edited in a later month.

The trade-off: an article that no sitemap names, that no section listing lists and that
is not on the first page of a tag, author, month archive or the home page is not found,
and an undated article modified after its month is dated only when a section listing or
a first page prints its date. Should the sitemap phase list no article at all (no
sitemap, or none readable), the crawl goes on as a full one
(``discovery/fell_back_to_full``).

Counted: ``discovery/listings_held`` (listing pages held back during the sitemap phase),
``discovery/pagination_skipped`` (older pages of a non-section listing not read, each
once) and ``discovery/months_walked_for_dates``.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from crawler.reporting import stats_keys

logger = logging.getLogger(__name__)

MODES = ("full", "sitemap-first")
LASTMOD_META = "sitemap_lastmod"
"""Request meta of an article request: its sitemap ``lastmod``, which dates the month
archive to read when its page shows no date."""

Month = tuple[int, int]


class Phase(enum.Enum):
    SITEMAPS = "sitemaps"
    LISTINGS = "listings"
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


class SitemapFirst:
    """The phases of one sitemap-first crawl: what is held back, what was skipped, and
    which undated articles still need a month archive."""

    def __init__(self, crawler: Crawler, is_section_listing: Callable[[str], bool]) -> None:
        self.crawler = crawler
        self.is_section_listing = is_section_listing
        self.phase = Phase.SITEMAPS
        self.held: dict[str, Request] = {}
        self.skipped: dict[str, tuple[Request, Month | None]] = {}
        """Older pages of non-section listings not read: the request and its archive month."""
        self.sitemap_articles = 0
        self.undated: dict[str, Month | None] = {}
        """Articles whose page showed no date, by canonical public URL: their sitemap
        ``lastmod`` month."""
        self.walked_months: set[Month] = set()

    @property
    def stats(self) -> StatsCollector:
        return self.crawler.stats  # set once the crawl starts, after the spider is made

    def settled(self, url: str) -> bool:
        """Whether a listing URL is held back or skipped: a link to it needs no more work."""
        return url in self.held or url in self.skipped

    def admit(self, request: Request, first_page: bool, month: Month | None) -> bool:
        """Whether to request a listing page now; if not, it is held back until the
        sitemaps are read, or (an older page of a non-section listing) skipped."""
        url = request.url
        if self.phase is Phase.FULL:
            return True
        if self.phase is Phase.SITEMAPS:
            if url not in self.held:
                self.held[url] = request
                self.stats.inc_value(stats_keys.DISCOVERY_LISTINGS_HELD)
            return False
        if first_page or self.is_section_listing(url) or month in self.walked_months:
            return True
        if url not in self.skipped:
            self.skipped[url] = (request, month)
            self.stats.set_value(stats_keys.DISCOVERY_PAGINATION_SKIPPED, len(self.skipped))
        return False

    def sitemap_listed(self) -> None:
        self.sitemap_articles += 1

    def undated_article(self, key: str, lastmod: str | None) -> None:
        """An article whose page shows no date; ``lastmod`` is its sitemap's, if any."""
        if self.phase is not Phase.FULL:
            self.undated[key] = lastmod_month(lastmod)

    def next_phase(self, is_dated: Callable[[str], bool]) -> list[Request] | None:
        """At an idle moment: the requests the next phase starts with, or None when the
        crawl has no phase left. ``is_dated`` says whether listings dated an article."""
        if self.phase is Phase.SITEMAPS:
            released = list(self.held.values())
            self.held.clear()
            if not self.sitemap_articles:
                self.phase = Phase.FULL
                self.stats.set_value(stats_keys.DISCOVERY_FELL_BACK_TO_FULL, 1)
                logger.warning(
                    "No sitemap listed an article: discovering from every listing, as "
                    "-a discovery=full does (%d listing pages held back)",
                    len(released),
                )
                return released
            self.phase = Phase.LISTINGS
            logger.info(
                "Sitemaps read (%d articles listed): reading the section listings to the end "
                "and the first page of the others (%d held back)",
                self.sitemap_articles,
                len(released),
            )
            return released
        if self.phase is Phase.LISTINGS:
            self.phase = Phase.DATES
            self.walked_months = {
                month
                for key, month in self.undated.items()
                if month is not None and not is_dated(key)
            }
            logger.debug(
                "Undated after the listings: %s",
                sorted(key for key, month in self.undated.items() if month in self.walked_months),
            )
            self.undated.clear()
            self.stats.set_value(
                stats_keys.DISCOVERY_MONTHS_WALKED_FOR_DATES, len(self.walked_months)
            )
            released = [
                self.skipped.pop(url)[0]
                for url, (_request, month) in list(self.skipped.items())
                if month in self.walked_months
            ]
            self.stats.set_value(stats_keys.DISCOVERY_PAGINATION_SKIPPED, len(self.skipped))
            logger.info(
                "Listings read: reading every page of %d month archives for articles their "
                "pages and listings leave undated",
                len(self.walked_months),
            )
            return released
        return None
