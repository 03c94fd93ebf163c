"""Spider traps: the rules that keep a crawl of an old archive finite.

A site that answers 200 for any ``/page/N/``, a calendar widget that links every day and
every month back to 1990, links carrying a session id that changes on every view: each
turns a finite archive into an endless one. The spider (``archive.py``) asks
:class:`TrapRules` before it follows a listing; each rule is general (none names a site
or a trap), and each is counted (``traps/<rule>``) and logged when it fires:

- **pagination adds nothing** (``traps/pagination_stopped``): a listing page reached by
  pagination that links no article the page before it did not link (empty, or the same
  posts again) is the end of that listing: its own pagination links are not followed.
- **date archives where posts exist** (``traps/date_archives_deferred``,
  ``traps/date_archives_skipped``): a day, month or year archive is followed only once a
  post is known to be published in that period (from listings and article pages), so
  the archive's own dates bound it and nothing outside them is requested; one waits
  until such a post turns up, and is dropped if none has by the end.
- **session ids and tracking parameters** (``traps/session_ids_stripped``,
  ``traps/tracking_params_stripped``) are stripped from every URL
  (``crawler/discovery/urls.py``), so a new session id is not a new page.
- **a budget per URL pattern** (``traps/pattern_budget_exhausted``), the last resort:
  at most ``ARCHIVE_LISTING_PATTERN_BUDGET`` listing pages per pattern (the path with
  every number as ``N``: ``/category/news/page/N/``). Article pages have no budget.
- **a pattern of no articles** (``traps/not_article_pattern``): a link whose URL no rule
  calls a listing is followed as a possible article, the page deciding; a calendar's
  ``/calendar/2015/03/``, a section's ``/world/2/``, each linking the next without end,
  were followed for ever. Once ``ARCHIVE_NOT_ARTICLE_PATTERN_BUDGET`` pages (200) of one
  pattern were read in a row and none was an article, no more links of that pattern
  are followed (a sitemap's or a listing's entries still are).
"""

from __future__ import annotations

import logging
import re
import zlib
from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from crawler.compact_set import CompactIntSet, url_fingerprint
from crawler.reporting import stats_keys

logger = logging.getLogger(__name__)

LISTING_POSTS = "listing_posts"
"""Request meta: fingerprints of the articles the page that paginated to it linked."""
DEFAULT_PATTERN_BUDGET = 20_000
"""Listing pages per URL pattern: far above any real listing's (a 100,000-post home page
paginated by 10 is 10,000 pages), far below a trap's endless supply."""
_PAGE_SUFFIX = re.compile(r"/page/\d+/?$")
_DAY_ARCHIVE = re.compile(r"/(\d{4})/(\d{2})/(\d{2})(?:/page/\d+)?/?$")
_NUMBER = re.compile(r"\d+")
DEFAULT_NOT_ARTICLE_PATTERN_BUDGET = 200
"""Pages of one URL pattern read, none an article, after which its links are not
followed: far above a site's section fronts and pages (a few dozen share a pattern), far
below a calendar's or an endless pager's supply."""

NOISE_RULES = {
    "session_id": ("session_ids_stripped", "a session id"),
    "tracking": ("tracking_params_stripped", "tracking parameters"),
}
"""What :func:`crawler.discovery.urls.stripped_noise` found → (rule, how it is logged)."""

Period = tuple[int, int | None, int | None]
"""A date archive's year, month (None for a year archive) and day (None for a month)."""


def listing_chain(url: str) -> str:
    """The listing a page belongs to: its path without the ``/page/N/`` suffix.

    >>> listing_chain("https://x.org/category/news/page/4/"), listing_chain("https://x.org/")
    ('/category/news/', '/')
    """
    path = urlsplit(url).path or "/"
    return _PAGE_SUFFIX.sub("/", path)


def fingerprints(urls: Iterable[str]) -> list[int]:
    """Small, stable (process-independent) fingerprints of URLs, for request meta."""
    return sorted({zlib.crc32(url.encode()) for url in urls})


def url_pattern(url: str) -> str:
    """The URL with every number as ``N`` and query values dropped.

    >>> url_pattern("https://x.org/2016/05/page/12/?paged=3&cat=news")
    '/N/N/page/N/?cat&paged'
    """
    parts = urlsplit(url)
    names = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
    return _NUMBER.sub("N", parts.path) + ("?" + "&".join(names) if names else "")


def archive_period(url: str, month_period: tuple[int, int | None]) -> Period:
    """The period of a date archive whose year and month the site profile found.

    >>> archive_period("https://x.org/2016/05/21/", (2016, 5))
    (2016, 5, 21)
    >>> archive_period("https://x.org/2016/05/page/2/", (2016, 5))
    (2016, 5, None)
    """
    day = _DAY_ARCHIVE.search(urlsplit(url).path)
    return (*month_period, int(day.group(3)) if day else None)


class TrapRules:
    """The trap rules of one crawl, with what they know: days with posts, archives
    waiting for one, listing pages per pattern."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.pattern_budget = crawler.settings.getint(
            "ARCHIVE_LISTING_PATTERN_BUDGET", DEFAULT_PATTERN_BUDGET
        )
        self.post_periods: set[Period] = set()
        self.waiting: dict[Period, set[str]] = defaultdict(set)
        self.waiting_urls: set[str] = set()
        """Every URL of ``waiting``, to ask whether one waits without its period."""
        self.pattern_counts: dict[str, int] = defaultdict(int)
        self.not_article_budget = crawler.settings.getint(
            "ARCHIVE_NOT_ARTICLE_PATTERN_BUDGET", DEFAULT_NOT_ARTICLE_PATTERN_BUDGET
        )
        self.not_articles: dict[str, int] = defaultdict(int)
        """Pages read of each URL pattern in a row that were no article."""
        self.spent_patterns: set[str] = set()
        """Patterns whose links are no longer followed, logged once each."""
        self.listings = CompactIntSet()
        """Listing URLs counted, by :func:`url_fingerprint`: there is one listing page for
        every two articles of an archive, and only membership is asked."""
        self.logged: set[str] = set()

    @property
    def stats(self) -> StatsCollector:
        return self.crawler.stats  # set once the crawl starts, after the spider is made

    def _fired(self, rule: str, message: str, *args: object, count: int = 1) -> None:
        """Count a rule; log its first firing at INFO, later ones at DEBUG."""
        self.stats.inc_value(f"{stats_keys.TRAPS}{rule}", count)
        level = logging.DEBUG if rule in self.logged else logging.INFO
        self.logged.add(rule)
        logger.log(level, message + " (counted as traps/%s)", *args, rule)

    # -- pagination ---------------------------------------------------------------------

    def pagination_ends(self, url: str, meta: dict[str, object], posts: Collection[str]) -> bool:
        """Whether the listing page at ``url``, linking ``posts``, ends its pagination."""
        previous = meta.get(LISTING_POSTS)
        if not isinstance(previous, list):
            return False  # the first page of a listing, or reached from elsewhere
        if set(fingerprints(posts)) - set(previous):
            return False
        self._fired(
            "pagination_stopped",
            "%s links no article the page before it did not: not paginating further",
            url,
        )
        return True

    # -- date archives ------------------------------------------------------------------

    def posts_on(self, days: Iterable[date | None]) -> list[str]:
        """Record days on which posts are published; returns the waiting archive URLs
        those days open, to be requested now."""
        opened: list[str] = []
        for day in days:
            if day is None:
                continue
            for period in ((day.year, None, None), (day.year, day.month, None),
                           (day.year, day.month, day.day)):  # fmt: skip
                if period not in self.post_periods:
                    self.post_periods.add(period)
                    urls = self.waiting.pop(period, ())
                    self.waiting_urls.difference_update(urls)
                    opened.extend(urls)
        return opened

    def is_waiting(self, url: str) -> bool:
        """Whether a date archive already waits for a post in its period."""
        return url in self.waiting_urls

    def date_archive_allowed(self, url: str, period: Period) -> bool:
        """Whether to follow a date archive now; if not, it waits for a post in its period."""
        if period in self.post_periods:
            return True
        self.waiting[period].add(url)
        self.waiting_urls.add(url)
        self._fired(
            "date_archives_deferred",
            "No post known in %s yet: %s waits for one",
            "-".join(f"{part:02d}" for part in period if part is not None),
            url,
        )
        return False

    def skip_waiting_archives(self) -> None:
        """At the end of the crawl: the archives still waiting had no post; say so."""
        urls = sorted(url for waiting in self.waiting.values() for url in waiting)
        self.waiting.clear()
        self.waiting_urls.clear()
        if urls:
            self._fired(
                "date_archives_skipped",
                "%d date archives not followed, no post known to be published in their period "
                "(e.g. %s): a post they alone list is not found",
                len(urls),
                ", ".join(urls[:3]),
                count=len(urls),
            )

    # -- patterns -----------------------------------------------------------------------

    def within_budget(self, url: str) -> bool:
        """Count a new listing URL against its pattern; False once the budget is spent."""
        key = url_fingerprint(url)
        if key in self.listings:
            return True  # counted already; the duplicate filter has the last word
        pattern = url_pattern(url)
        self.pattern_counts[pattern] += 1
        if self.pattern_counts[pattern] <= self.pattern_budget:
            self.listings.add(key)
            return True
        if self.pattern_counts[pattern] == self.pattern_budget + 1:
            logger.warning(
                "More than %d listing pages match %s: a trap? Not following more of them "
                "(ARCHIVE_LISTING_PATTERN_BUDGET; counted as traps/pattern_budget_exhausted)",
                self.pattern_budget,
                pattern,
            )
        self.stats.inc_value(stats_keys.TRAPS_PATTERN_BUDGET_EXHAUSTED)
        return False

    def page_read(self, url: str, is_article: bool) -> None:
        """Note that the page at ``url``, fetched as a possible article, was one or not."""
        pattern = url_pattern(url)
        if is_article:
            self.not_articles.pop(pattern, None)
        elif self.not_articles[pattern] < self.not_article_budget:
            self.not_articles[pattern] += 1

    def article_pattern_spent(self, url: str) -> bool:
        """Whether a link to ``url``, a possible article, is not to be followed: the last
        :attr:`not_article_budget` pages of its pattern read were none an article (see
        the module docstring). Logged once per pattern, each counted."""
        pattern = url_pattern(url)
        read = self.not_articles.get(pattern, 0)
        if read < self.not_article_budget:
            return False
        if pattern not in self.spent_patterns:
            self.spent_patterns.add(pattern)
            logger.warning(
                "The last %d pages matching %s read were none an article: a trap? Not "
                "following more links like %s (ARCHIVE_NOT_ARTICLE_PATTERN_BUDGET; counted "
                "as traps/not_article_pattern)",
                read,
                pattern,
                url,
            )
        self.stats.inc_value(stats_keys.TRAPS_NOT_ARTICLE_PATTERN)
        return True

    # -- URL noise ----------------------------------------------------------------------

    def noise_stripped(self, url: str, kinds: tuple[str, ...]) -> None:
        """Count a link whose session id or tracking parameters were stripped."""
        for kind in kinds:
            rule, what = NOISE_RULES[kind]
            self._fired(rule, "Stripped %s from %s", what, url)
