"""Walks a site's archive and hands article pages to the site profile.

The spider only decides what to fetch. Sources (``-a source=``):

- ``site`` (default): the home page, every listing linked from a page (categories, tags,
  authors, date archives, with their pagination), the sitemaps named in robots.txt
  (index → sub-sitemaps), and every article those lead to;
- ``-a url=URL`` / ``-a urls=FILE``: exactly the listed article pages, nothing else;
- ``wayback``: the site's captures in the Wayback Machine (``crawler/spiders/wayback.py``).

``-a discovery=sitemap-first`` reads a site's sitemaps first and only the listings that can
add what they lack (``crawler/spiders/sitemap_first.py``); ``full`` (the default) reads
every listing to its last page.

``-a unsure=extract`` extracts the pages that show no sign of an article too (a site that
marks up none); by default they are counted and skipped.

``-a since=`` / ``-a until=`` limit discovery and output to a publication-date range;
``-a state=PATH`` makes runs incremental (``crawler/runtime/incremental.py``). What a page *means* is
the profile's job; what a record *looks like* is the pipelines' job.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import sqlite3
import zlib
from collections.abc import AsyncIterator, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Self, cast
from urllib.parse import urljoin, urlsplit

from lxml import etree
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, IgnoreRequest, UsageError
from scrapy.http import Response, TextResponse, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip, gzip_magic_number
from twisted.python.failure import Failure

from crawler.clock import utc_now
from crawler.discovery.daterange import DateRange, iso_day
from crawler.discovery.multisite import CrawlSites, HostSites, site_at
from crawler.discovery.posts_api import NotAPostsList, posts_page_url, read_posts_page
from crawler.discovery.sitemaps import (
    SITEMAP_INDEX,
    SitemapEntry,
    SitemapReading,
    read_sitemap,
    robots_sitemap_urls,
    sitemap_day,
)
from crawler.discovery.urllist import UrlList, parse_url_list, read_url_list
from crawler.discovery.urls import (
    URL_CACHE_SIZE,
    RecentUrls,
    SiteAddress,
    origin,
    stripped_noise,
)
from crawler.extraction.parsing import PARSER_MAX_DEPTH
from crawler.extraction.processors import parse_date
from crawler.items import ArticleItem
from crawler.reporting import stats_keys
from crawler.reporting.outcomes import Outcome, OutcomeKind
from crawler.runtime.bot_walls import BotWall
from crawler.runtime.exit_status import RunRefused, record_failure
from crawler.runtime.extraction_pool import (
    ArticleJob,
    ArticleReading,
    ListingJob,
    ListingReading,
    PageLinks,
    PageReader,
    read_article,
)
from crawler.runtime.incremental import ArticleState
from crawler.runtime.locks import local_feed_paths
from crawler.runtime.middlewares import (
    EmptyBody,
    HostUnreachable,
    OffSiteRefused,
    RedirectLoop,
    TooManyRedirects,
    TruncatedGzip,
    is_truncated_gzip,
    record_bot_wall,
)
from crawler.runtime.resume import AlreadyWritten
from crawler.runtime.run import ArchiveRun
from crawler.sites.base import (
    NO_ARTICLE_MARKUP,
    ListingEntry,
    SiteProfile,
    UrlKind,
    is_site_root,
)
from crawler.sites.generic import HOME_PAGE
from crawler.spiders.late_retries import LateRetries
from crawler.spiders.sitemap_first import (
    LISTING_SOURCE,
    MODES,
    POSTS_API_SOURCE,
    SECTION_PRIORITY,
    SITEMAP_SOURCE,
    SitemapFirst,
)
from crawler.spiders.traps import (
    LISTING_POSTS,
    TrapRules,
    archive_period,
    fingerprints,
    listing_chain,
)
from crawler.spiders.wayback import REDIRECT_STATUSES, Capture, WaybackSource, listed_capture

logger = logging.getLogger(__name__)

ARTICLE_PRIORITY = 10
"""Fetch known articles before more listings, so output grows steadily on long crawls."""
SOURCES = ("site", "wayback")
UNSURE_CHOICES = ("skip", "extract")
"""``-a unsure=``: what a crawl does with a page that shows no sign of an article."""
HAS_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
"""An absolute URL's start (``https:``, ``ftp:``); without it a sitemap ``<loc>`` is relative."""
SITEMAPS_AFTER = "sitemaps_after"
"""Request meta of a sitemap a sitemap index named: the index's sitemaps to read after it."""
SITEMAP_MAX_URLS = 50_000
"""The sitemap protocol's limit on the URLs of one sitemap file."""
POSTS_API_PAGE = "posts_api_page"
"""Request meta of a page of the site's posts API: its number, from 1."""
PAST_THE_LAST_PAGE = (400, 404)
"""What WordPress (400, ``rest_post_invalid_page_number``) or a static copy (404) answers
for a page of the posts API after its last."""
LISTED_SOURCES = frozenset({LISTING_SOURCE, POSTS_API_SOURCE})
"""Sources that list an article with its publication date."""
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
URL_LIST_ERRORS_SHOWN = 10
"""Bad lines of a URL list logged in full; the rest are counted in one line."""


@lru_cache(maxsize=URL_CACHE_SIZE)
def is_on_site(address: SiteAddress, url: str) -> bool:
    return address.is_on_site(url)


@lru_cache(maxsize=URL_CACHE_SIZE)
def url_noise(url: str) -> tuple[str, ...]:
    """Session ids and tracking parameters the canonical form of ``url`` drops."""
    return stripped_noise(url)


LinkTarget = tuple[str, UrlKind]
"""Where a link leads: the URL to fetch, and whether it is an article or a listing."""


class LinkTargets(dict[str, LinkTarget | None]):
    """What each absolute link ``href`` of a site leads to: a :data:`LinkTarget`, or None
    for a link not followed; every href decided or found since ``size`` decisions ago is
    kept, at most ``2 * size`` in all.

    A site's pages repeat the same hundreds of links (menus, sidebars, the Archives
    widget, the tag cloud), so a link met before costs one plain dict lookup here
    (``targets[href]``, KeyError when it was not decided yet) instead of ``urljoin``,
    canonicalization and classification. Only absolute hrefs are kept: what a relative one
    means depends on the page it is on.

    Bounded by two generations, as :class:`RecentUrls`: a hit is a lookup with no
    bookkeeping; an href of the previous generation found again moves back into the
    current one (``__missing__``, on a miss of the current one only).
    """

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size
        self._previous: dict[str, LinkTarget | None] = {}

    def __missing__(self, href: str) -> LinkTarget | None:
        target = self._previous.pop(href)  # KeyError: not decided yet
        self._keep(href, target)
        return target

    def __setitem__(self, href: str, target: LinkTarget | None) -> None:
        if href.startswith(("http://", "https://")):
            self._keep(href, target)

    def _keep(self, href: str, target: LinkTarget | None) -> None:
        if len(self) >= self.size:
            self._previous = dict(self)
            self.clear()
        super().__setitem__(href, target)


def header_text(response: Response, name: str) -> str | None:
    """A response header as text, or None when absent."""
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def has_date(item: ArticleItem) -> bool:
    """Whether the article's page gave it a publication date (as the normalize pipeline
    will read it)."""
    return bool(item.published or (item.published_raw and parse_date(item.published_raw)))


LOGIN_PAGE = re.compile(
    r"wp-login\.php|log-?in|sign-?in|log-?on|login\.(?:php|aspx?|jsp|html?)", re.IGNORECASE
)
"""The last path segment of a site's login page, where it sends a reader it will not show
an article without an account."""


def check_base_url(base_url: str) -> None:
    """A usage error for an ``-a base_url`` that would crawl another site than the one
    meant: empty (it crawled the live site), or with a path (it crawled the host's root).
    One that is no http(s) URL is :class:`SiteAddress`'s to name.

    >>> check_base_url("http://127.0.0.1:8000/")
    >>> check_base_url("http://127.0.0.1:8000/mirror/")
    Traceback (most recent call last):
    scrapy.exceptions.UsageError: -a base_url=http://127.0.0.1:8000/mirror/: a site is \
crawled from its root; serve the copy at the root of a host (http://127.0.0.1:8000/)
    """
    if not base_url.strip():
        raise UsageError("-a base_url= is empty: give the address to fetch the site from")
    parts = urlsplit(base_url.strip())
    if parts.scheme.lower() in ("http", "https") and (parts.path.strip("/") or parts.query):
        root = f"{parts.scheme}://{parts.netloc}/"
        raise UsageError(
            f"-a base_url={base_url}: a site is crawled from its root; serve the copy at the "
            f"root of a host ({root})"
        )


def is_login_page(url: str) -> bool:
    """Whether ``url`` is a site's login page (:data:`LOGIN_PAGE`).

    >>> is_login_page("https://x.org/wp-login.php?redirect_to=%2Fnews%2F"), is_login_page(
    ...     "https://x.org/account/sign-in/"), is_login_page("https://x.org/news/login-woes/")
    (True, True, False)
    """
    return LOGIN_PAGE.fullmatch(urlsplit(url).path.rstrip("/").rpartition("/")[2]) is not None


def is_local_host(host: str) -> bool:
    """Whether ``host`` is this machine or a private network's: a site served from there
    is a copy (a mirror, a test server), and the hosts its pages name on the internet
    are the original's, which the crawl of a copy does not contact.

    >>> [is_local_host(h) for h in ("127.0.0.1", "localhost", "10.0.0.7", "::1", "cdn.example.org")]
    [True, True, True, True, False]
    """
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def repeats_text(page_body: str | None, record_body: str | None) -> bool:
    """Whether a later page's text is the story's first page again (a pager of the
    story's comments that shows the story on each page, a site answering any page number
    with the first page): the record opens with the page's first two paragraphs (an
    editor's note over every page is one), whatever follows them there.

    >>> repeats_text("A.\\n\\nB.\\n\\nA comment.", "A.\\n\\nB.\\n\\nC."), repeats_text("A.\\n\\nD.", "A.\\n\\nB.")
    (True, False)
    >>> repeats_text("A.\\n\\nB", "A.\\n\\nBC.")
    False
    """
    if not page_body or not record_body:
        return False
    opening = "\n\n".join(page_body.split("\n\n", 2)[:2])
    return record_body.startswith(opening) and record_body[len(opening) :][:2] in ("", "\n\n")


def failed_request(failure: Failure) -> Request:
    """The request an errback's failure is about (Scrapy sets it on the Failure)."""
    request: Request = failure.request  # type: ignore[attr-defined]
    return request


def failure_kind(failure: Failure) -> str:
    """How a request failed, as ``articles/failed/<kind>`` names it: ``http_503``,
    ``host_unreachable``, ``robots_forbidden``, ``truncated_gzip``, ``empty_body``,
    ``off_site_redirect``, ``redirect_loop``, ``too_many_redirects``, else the exception's
    name."""
    if failure.check(HttpError):
        return f"http_{cast(HttpError, failure.value).response.status}"
    if failure.check(HostUnreachable):  # logged once, for the host
        return "host_unreachable"
    if failure.check(IgnoreRequest) and "robots" in str(failure.value).lower():
        return "robots_forbidden"
    if failure.check(TruncatedGzip):
        return "truncated_gzip"
    if failure.check(EmptyBody):
        return "empty_body"
    if failure.check(OffSiteRefused):
        return "off_site_redirect"
    if failure.check(RedirectLoop):
        return "redirect_loop"
    if failure.check(TooManyRedirects):
        return "too_many_redirects"
    return failure.type.__name__ if failure.type else "error"


def open_state(path: str | None, replaced: Iterable[Path] = ()) -> ArticleState | None:
    """The incremental state store at ``path`` (``-a state=PATH``), or None without one.
    Refused (:class:`RunRefused`) with an output this crawl ``replaced`` (``-O``) that
    holds records while the store knows articles: the records of the run that wrote them,
    which this run would not emit again (it emits what is new or changed), were lost for
    good, the report saying "Coverage 100%"."""
    if not path:
        return None
    try:
        state = ArticleState(path)
    except sqlite3.DatabaseError as error:
        raise RunRefused(
            f"the incremental state {path} cannot be read ({error}); restore it from a "
            "backup, or move it away to start a new state (which emits every article again)"
        ) from None
    holding = [output for output in replaced if output.is_file() and output.stat().st_size]
    if len(state) and holding:
        state.close()
        raise RunRefused(
            f"-O {holding[0]} would empty the records of an earlier run, which the "
            f"incremental state {path} counts as emitted and this run would not emit "
            "again: write this run to a new file, or append to it with -o"
        )
    logger.info("Incremental state %s: %d articles known", path, len(state))
    return state


MAX_ARTICLE_PAGES = 50
"""Pages of one article split in pages read for its record, unless ``ARCHIVE_MAX_ARTICLE_PAGES``
says otherwise."""
LATER_PAGE = "later_page"
"""Why a page is not a record of its own: it is a later page of an article split in pages."""


@dataclass(frozen=True)
class ArticlePages:
    """An article split in pages, being read: the record so far (its first page and the
    pages read after it), and the pages still to read."""

    item: ArticleItem
    key: str
    """The article's listed key (its first page's canonical public URL)."""
    later: tuple[str, ...]
    """The pages still to read, in order (served URLs)."""
    first_url: str
    """The first page's URL, for the log."""
    read: int = 1
    """Pages read so far, the first included."""
    repeated: frozenset[str] = frozenset()
    """Paragraphs two of its pages print: each page's, not the story's."""

    def joined(self, page: ArticleItem) -> ArticlePages:
        """These pages with ``page``, the next one, read: its text after the record's,
        its images after the record's (those not already there). A paragraph a later page
        prints again is every page's, not the story's (an affiliate notice, a series'
        note at the top of each page): it had opened the record once a page, three times
        in a story of three pages; it is in the record no more.

        >>> from crawler.items import ArticleItem
        >>> first = ArticlePages(ArticleItem(body="Notice.\\n\\nOne."), "k", ("p2", "p3"), "p1")
        >>> later = first.joined(ArticleItem(body="Notice.\\n\\nTwo."))
        >>> later.joined(ArticleItem(body="Notice.\\n\\nThree.")).item.body
        'One.\\n\\nTwo.\\n\\nThree.'
        """
        item = self.item
        earlier = item.body.split("\n\n") if item.body else []
        added = page.body.split("\n\n") if page.body else []
        repeated = self.repeated | (set(earlier) & set(added))
        kept = [text for text in (*earlier, *added) if text not in repeated]
        item.body = "\n\n".join(kept) if kept else None
        known = {image.get("url") for image in item.images}
        item.images.extend(image for image in page.images if image.get("url") not in known)
        return replace(self, later=self.later[1:], read=self.read + 1, repeated=repeated)


class ArchiveSpider(Spider):
    """Crawls the archive of ``profile``'s site; ``-a base_url=URL`` fetches it from a copy."""

    # A class attribute of each site's spider; `scrapy crawl archive` sets it per run.
    profile: SiteProfile
    arguments: tuple[str, ...] = (
        "base_url",
        "since",
        "until",
        "url",
        "urls",
        "state",
        "recheck",
        "unsure",
        "source",
        "discovery",
    )
    """The spider's ``-a`` arguments: any other is a usage error."""
    traps: TrapRules
    reader: PageReader
    """Reads article and listing pages, in this process or in worker processes
    (``crawler/runtime/extraction_pool.py``)."""

    def __init__(
        self,
        *args: Any,
        base_url: str | None = None,
        since: str | None = None,
        until: str | None = None,
        url: str | None = None,
        urls: str | None = None,
        state: str | None = None,
        recheck: str = "false",
        unsure: str = "skip",
        source: str = "site",
        discovery: str = "full",
        hosts: HostSites | None = None,
        **kwargs: Any,
    ) -> None:
        if kwargs:  # a misspelt -a name (-a sinc=2016-01-01) was ignored without a word
            raise UsageError(
                f"-a {min(kwargs)}=: scrapy crawl {self.name} has no such argument "
                f"(its arguments: {', '.join(sorted(self.arguments))})"
            )
        super().__init__(*args)
        self.job: dict[str, str] = {
            "spider": self.name,
            **{
                name: value
                for name, value in (
                    ("base_url", base_url),
                    ("since", since),
                    ("until", until),
                    ("url", url),
                    ("urls", urls),
                    ("source", source),
                    ("discovery", discovery),
                )
                if value
            },
        }
        """What the crawl crawls, as its command says: a ``JOBDIR`` is resumed only by
        the same job (``crawler/runtime/resume.py``)."""
        if source not in SOURCES:
            raise UsageError(f"-a source={source!r}: expected one of {', '.join(SOURCES)}")
        if unsure not in UNSURE_CHOICES:
            raise UsageError(f"-a unsure={unsure!r}: expected one of {', '.join(UNSURE_CHOICES)}")
        if discovery not in MODES:
            raise UsageError(f"-a discovery={discovery!r}: expected one of {', '.join(MODES)}")
        if discovery != "full" and (url or urls or source != "site"):
            raise UsageError(
                f"-a discovery={discovery} discovers a site's articles from its sitemaps and "
                "listings: it has no meaning with -a url=, -a urls= or -a source=wayback"
            )
        self.discovery_mode = discovery
        if url and urls:
            raise UsageError("-a url= and -a urls= together: give one URL or one list")
        if base_url is not None:
            check_base_url(base_url)
        if hosts is None:
            try:
                self.address = SiteAddress.of(self.profile.public_origin, base_url)
            except ValueError as error:
                raise UsageError(f"-a base_url: {error}; e.g. http://127.0.0.1:8000/") from None
        self.sites = (
            CrawlSites(site=site_at(self.address, self.profile))
            if hosts is None
            else CrawlSites(hosts=hosts)
        )
        """The crawl's one site, ``profile``'s at ``address``; or the sites of a multi-site
        URL list (``crawler/discovery/multisite.py``)."""
        try:
            self.date_range = DateRange.from_args(since, until)
        except ValueError as error:
            raise UsageError(str(error)) from None
        self.source = source
        self.follow_links = not (url or urls)
        self.url_list = self._read_url_list(url, urls) if not self.follow_links else None
        # Not `self.state`: Scrapy's SpiderState keeps its dict there (with JOBDIR).
        self.state_path = state
        self.recheck = recheck.strip().lower() in TRUE_WORDS
        self.extract_unsure = not self.follow_links or unsure == "extract"
        """Whether a page with no sign of an article (``no_article_markup``) is extracted:
        in a URL list, the user says it is one; in a crawl, ``-a unsure=extract`` says
        the site marks up none of its articles."""
        self.scheduled = RecentUrls(URL_CACHE_SIZE)
        self.link_targets = LinkTargets(URL_CACHE_SIZE)
        # A multi-site list: each request carries its site (meta["site_address"]).
        self.allowed_domains = [self.address.served_host] if hosts is None else []
        self.wayback: WaybackSource | None = None
        self.run: ArchiveRun
        """The crawl's state, shared with the pipelines and extensions (made in
        :meth:`from_crawler`)."""
        self.sitemap_first: SitemapFirst | None = None
        self.late_retries: LateRetries | None = None
        self.sitemaps_requested: set[str] = set()
        """Sitemap URLs requested (a few hundred at most): one named twice is read once."""
        self.sitemap_origins: set[str] = set()
        """Other origins robots.txt names sitemaps at (a CDN's, a subdomain's)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        spider.traps = TrapRules(crawler)
        spider.reader = PageReader.from_crawler(crawler)
        if spider.discovery_mode == "sitemap-first":
            if crawler.settings.get("DISTRIBUTED_REDIS_URL"):
                raise UsageError(
                    "-a discovery=sitemap-first holds listings back until this worker is "
                    "idle, which workers sharing a crawl cannot agree on: use it with one "
                    "process"
                )
            spider.sitemap_first = SitemapFirst(
                crawler,
                spider.profile.section_listing,
                spider._is_dated,
                spider._listed_sources,
                spider._awaits_fetch,
            )
        spider.late_retries = LateRetries.from_crawler(crawler)
        if spider.sitemap_first is not None or spider.late_retries is not None:
            crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        allowed_origins = [spider.address.served] if spider.sites.hosts is None else None
        spider.run = ArchiveRun.start(
            crawler,
            spider.sites,
            spider.date_range,
            open_state(
                spider.state_path or crawler.settings.get("ARCHIVE_STATE"),
                local_feed_paths(crawler.settings, only_overwritten=True),
            ),
            allowed_origins,
        )
        listed = spider.url_list.urls if spider.url_list is not None else []
        if spider.source == "wayback" or any(map(spider._listed_capture, listed)):
            spider.wayback = WaybackSource.from_spider(spider, crawler.settings)
            spider.allowed_domains.append(spider.wayback.host)
            if allowed_origins is not None:  # else a URL list spanning sites: by domain
                allowed_origins.append(spider.wayback.endpoint)
        return spider

    @property
    def discovery_in_jobdir(self) -> bool:
        """Whether ``JOBDIR``'s saved queue and seen-set hold this crawl's discovery
        progress (``crawler/runtime/resume.py``). Sitemap-first's phases live in memory:
        resumed from them, with its sitemaps in the seen-set, it would take the archive
        for one without sitemaps and read every listing."""
        return self.sitemap_first is None

    def request_scheduled(self, request: Request) -> None:
        """Remember the URLs the engine schedules (see :meth:`_already_scheduled`).

        Retries (``dont_filter``) skip the duplicate filter, and redirects skip the spider
        middlewares: neither says what a later request for the same URL would meet.
        """
        if not request.dont_filter and "redirect_urls" not in request.meta:
            self.scheduled.add(request.url)

    def request_dropped(self, request: Request) -> None:
        """A request the scheduler dropped as a duplicate: for an article's redirect to
        the site's home page, which the crawl has fetched already (a site that sends its
        deleted stories there), the article's outcome, where it was lost without a word;
        for its redirect to another page the crawl fetches by its own address (an article
        moved, its new address in the sitemap), that page's outcome is the article's,
        where it was "never reached" in the coverage report."""
        hops = request.meta.get("redirect_urls")
        if (
            hops
            and request.callback == self.parse_article
            and not self._redirected_away(hops[0], request.url)
        ):
            key = self.sites.listed_key(hops[0])
            self.run.coverage.follows(key, self.sites.listed_key(request.url))

    def _redirected_away(self, first_url: str, url: str) -> bool:
        """Whether the article page at ``first_url``, redirected to ``url``, is one the
        site will not show: redirected to its home page (the story is gone: unavailable,
        as a 404 is) or to its login page (blocked, as by a bot wall). If so it is counted,
        logged and recorded in the coverage report."""
        key = self.sites.listed_key(first_url)
        if is_site_root(urlsplit(url)) and not is_site_root(urlsplit(first_url)):
            self.crawler.stats.inc_value(f"{stats_keys.PAGES_NOT_ARTICLE}{HOME_PAGE}")
            self.run.coverage.outcome(key, Outcome(OutcomeKind.NOT_ARTICLE, HOME_PAGE))
            logger.info("Not an article (%s): %s redirects to the home page", HOME_PAGE, first_url)
            return True
        if is_login_page(url):
            self.article_blocked(key, "login")
            logger.warning("Article behind a login: %s redirects to %s", first_url, url)
            return True
        return False

    def spider_idle(self) -> None:
        """Nothing left to fetch: sitemap-first discovery's next phase starts with the
        listings it held back (``crawler/spiders/sitemap_first.py``); after the last one,
        the pages held for a late retry are asked again once they are due
        (``crawler/spiders/late_retries.py``)."""
        released: list[Request] | None = None
        if self.sitemap_first is not None:
            # The posts of section listings put off are requested before the phase ends.
            released = self._article_requests(self.sitemap_first.due_articles(every=True))
            while released is not None and not released:  # a phase with nothing to read
                released = self.sitemap_first.next_phase()
        if released is None and self.late_retries is not None:
            released = self.late_retries.due()
            if released == []:
                self.late_retries.wake_when_due(self._crawl_all)
        if released is None:
            return
        self._crawl_all(released)
        raise DontCloseSpider  # and, with nothing released yet, asked again in a moment

    def _late_fetched(self, response: Response) -> None:
        """Count ``response`` as recovered if its request was held for a late round
        (a Wayback CDX answer, once it is read: :meth:`WaybackSource.answered`)."""
        if self.late_retries is not None:
            self.late_retries.fetched(response.meta)

    def _crawl_all(self, requests: list[Request]) -> None:
        for request in requests:
            self.crawler.engine.crawl(request)

    def _is_dated(self, key: str) -> bool:
        return self.run.dates.date_for([key]) is not None

    def _awaits_fetch(self, key: str) -> bool:
        """Whether the listed article ``key`` is named by no sitemap and still to be
        fetched: no outcome yet (emitted, failed, known, out of the date range...)."""
        entry = self.run.coverage.entries.get(key)
        return entry is not None and entry.outcome is None and SITEMAP_SOURCE not in entry.sources

    def _put_off_articles_due(self) -> list[Request]:
        """Requests for the posts sitemap-first discovery put off that the memory queue has
        room for now (asked on every page read, articles and listings alike)."""
        if self.sitemap_first is None or not self.sitemap_first.put_off:
            return []
        return self._article_requests(self.sitemap_first.due_articles())

    def _article_requests(self, keys: Iterable[str]) -> list[Request]:
        """Requests for the listed articles ``keys`` (canonical public URLs)."""
        return [request for key in keys if (request := self._article_request(key)) is not None]

    def _listed_sources(self) -> Iterator[frozenset[str]]:
        """The sources of each listed article the crawl wants (one out of the date range
        is not wanted, whoever lists it)."""
        for entry in self.run.coverage.entries.values():
            if entry.outcome is None or entry.outcome.kind is not OutcomeKind.OUT_OF_DATE_RANGE:
                yield entry.sources

    def closed(self, reason: str) -> None:
        if self.late_retries is not None:
            self.late_retries.close()
        if reason == "finished":
            self.traps.skip_waiting_archives()
        if self.run.article_state is not None:
            self.run.article_state.close()
        self._report_site_moved()

    def _report_site_moved(self) -> None:
        """A site whose home page redirects to another site and that gave no article has
        moved there: an ERROR says so, with the two ways on, and the crawl exits 1
        (``failures/site_moved``), where it ended as an empty run among WARNING lines."""
        moved_to = self.run.home_moved_to
        if moved_to is None or self.crawler.stats.get_value("item_scraped_count"):
            return
        record_failure(self.crawler.stats, stats_keys.FAILURE_SITE_MOVED)
        logger.error(
            "The site's home page redirects to another site, %s, and no article was "
            "found: the site seems to have moved. To crawl the new site, give its address "
            "(scrapy crawl archive -a base_url=%s/); to crawl the site as it was, read it "
            "from the Wayback Machine (-a source=wayback)",
            moved_to,
            origin(moved_to),
        )

    async def start(self) -> AsyncIterator[Request]:
        if not self.follow_links:
            for request in self._url_list_requests():
                yield request
        elif self.wayback is not None:
            for request in self.wayback.start_requests():
                yield request
        else:
            if self.sitemap_first is not None:
                # Not fetched again, so not read here: their months are walked for dates.
                written = self.run.written.undated
                self.sitemap_first.written_undated(map(self.sites.listed_key, written))
            yield Request(
                self.address.served_url("robots.txt"),
                callback=self.parse_robots,
                errback=self.robots_failed,
            )
            if (
                self.sitemap_first is not None
                and self.profile.posts_api is not None
                and self.settings.getbool("ARCHIVE_POSTS_API")
            ):
                self.sitemap_first.ask_posts_api()
                yield self._posts_api_request(1)
            home = self._gated_listing(self.address.served_url("/"))
            if home is not None:
                yield home

    # -- URL lists --------------------------------------------------------------------

    @staticmethod
    def _read_url_list(url: str | None, urls: str | None) -> UrlList:
        """The URLs of ``-a url=`` / ``-a urls=``, read when the spider is made: a missing
        or unreadable file, or one with no valid URL among its lines, is a usage error
        before anything starts or is overwritten (a list of none, comments and blank lines
        only, is a crawl of nothing)."""
        try:
            found, errors = read_url_list(urls) if urls else parse_url_list(url or "")
        except FileNotFoundError as error:
            raise UsageError(str(error)) from None
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(f"-a urls={urls}: cannot read it ({error})") from None
        except ValueError as error:  # a table with no column of URLs
            raise UsageError(f"-a urls={urls}: {error}") from None
        if errors and not found:  # a wrong file or a typo: not an empty list to crawl
            raise UsageError(
                f"-a {'urls' if urls else 'url'}={urls or url}: no valid URL in it "
                f"({len(errors)} bad {'lines' if len(errors) > 1 else 'line'}; {errors[0]})"
            )
        return UrlList("urls" if urls else "url", urls or url or "", found, errors)

    def _listed_capture(self, url: str) -> Capture | None:
        """The Wayback Machine capture a listed URL links to, if it is one."""
        return listed_capture(url, self.crawler.settings.get("WAYBACK_ENDPOINT"))

    def _url_list_requests(self) -> Iterator[Request]:
        assert self.url_list is not None
        listed = self.url_list
        stats = self.crawler.stats
        for error in listed.errors[:URL_LIST_ERRORS_SHOWN]:
            logger.error("-a %s: %s", listed.argument, error)
        if len(listed.errors) > URL_LIST_ERRORS_SHOWN:
            logger.error(
                "-a %s: %d more bad lines not shown (%d in all, counted as url_list/invalid)",
                listed.argument,
                len(listed.errors) - URL_LIST_ERRORS_SHOWN,
                len(listed.errors),
            )
        if listed.errors:
            stats.inc_value(stats_keys.URL_LIST_INVALID, len(listed.errors))
        if not listed.urls:
            stats.set_value(stats_keys.URL_LIST_EMPTY, 1)
            logger.warning("-a %s=%s lists no URL to crawl", listed.argument, listed.source)
        for url in listed.urls:
            capture = self._listed_capture(url)
            if capture is not None:  # an archive link: read from the archive, as linked
                assert self.wayback is not None  # made for the list (from_crawler)
                stats.inc_value(stats_keys.URL_LIST_CAPTURES)
                url = capture.original
            if self.sites.hosts is None and not self.address.is_on_site(url):
                stats.inc_value(stats_keys.URL_LIST_OFF_SITE)
                logger.error("Not on %s, skipped: %s", self.profile.public_origin, url)
                continue
            stats.inc_value(stats_keys.URL_LIST_URLS)
            if capture is not None and self.wayback is not None:
                request = self.wayback.listed_capture_request(capture)
            elif self.source == "wayback" and self.wayback is not None:
                request = self.wayback.article_request(url, "url_list")  # not the site
            else:
                request = self._article_request(url, source="url_list")
            if request is not None:
                yield request

    # -- sitemaps ---------------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterator[Request]:
        urls = robots_sitemap_urls(response.body, response.url)
        if not urls:
            logger.info("robots.txt names no sitemap; trying %s", self.profile.fallback_sitemaps)
            yield from self._fallback_sitemaps()
        for url in urls:
            if not is_on_site(self.address, url):
                self._admit_sitemap_origin(url)  # else refused by the host guard, counted
            yield self._sitemap_request(url)

    def _admit_sitemap_origin(self, url: str) -> None:
        """Let the crawl read the sitemaps at ``url``'s origin, another than the site's:
        the sitemaps protocol lets a site's robots.txt name sitemaps on any host (a CDN,
        a subdomain), and some news sites keep them there. Their entries are read as any
        sitemap's (the site's own pages only); that host's robots.txt is obeyed. Not for a
        copy of the site (``-a base_url`` serving another origin than the public one, or a
        site on this machine or a private network naming a host on the internet): that
        host would be the live web's. Counted as ``sitemaps/other_origin``."""
        allowed = self.run.allowed_origins
        if allowed is None or self.address.served != self.address.public:
            return
        try:
            named = origin(url)
        except ValueError:  # not HTTP(S): refused and counted by the host guard
            return
        if is_local_host(self.address.served_host) and not is_local_host(
            urlsplit(named).hostname or ""
        ):
            return  # a copy of a site on this machine names the original's sitemaps
        if named not in self.sitemap_origins:
            self.sitemap_origins.add(named)
            allowed.append(named)
            self.crawler.stats.inc_value(stats_keys.SITEMAPS_OTHER_ORIGIN)
            logger.info("robots.txt names sitemaps at %s: read, the site's pages in them", named)

    def _withdraw_sitemap_origin(self, url: str) -> None:
        """A sitemap at another origin that names no page of the site (a robots.txt copied
        from another site's): no more of that origin's sitemaps are read, where its index
        could name thousands. Counted as ``sitemaps/other_origin_unrelated``."""
        named = origin(url)
        if named in self.sitemap_origins:
            self.sitemap_origins.discard(named)
            if self.run.allowed_origins is not None and named in self.run.allowed_origins:
                self.run.allowed_origins.remove(named)
            self.crawler.stats.inc_value(stats_keys.SITEMAPS_OTHER_ORIGIN_UNRELATED)
            logger.warning(
                "Sitemap %s names no page of this site: no more sitemaps read at %s", url, named
            )

    def _is_sitemap_site(self, url: str) -> bool:
        """Whether ``url`` is on the site or at an origin robots.txt names sitemaps at."""
        return is_on_site(self.address, url) or (
            bool(self.sitemap_origins)
            and url.startswith(tuple(f"{named}/" for named in self.sitemap_origins))
        )

    def robots_failed(self, failure: Failure) -> Iterator[Request]:
        logger.warning(
            "robots.txt could not be read (%s); trying fallback sitemaps",
            failure.getErrorMessage(),
        )
        yield from self._fallback_sitemaps()

    def _fallback_sitemaps(self) -> Iterator[Request]:
        for path in self.profile.fallback_sitemaps:
            yield self._sitemap_request(self.address.served_url(path))

    def _sitemap_request(self, url: str, after: Sequence[str] | None = None) -> Request:
        """A sitemap's request; ``after``, for a sitemap an index named: those to read next."""
        served = self.address.to_served(url)
        self.sitemaps_requested.add(served)
        if after is None:
            return Request(served, callback=self.parse_sitemap)
        return Request(
            served,
            callback=self.parse_sitemap,
            errback=self.sitemap_failed,
            meta={SITEMAPS_AFTER: list(after)},
        )

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """Every entry of a sitemap or sitemap index; then the next sitemap of the index
        that named this one.

        The sitemaps an index names are read one at a time, each requested when the one
        before it has been read (the rest travel in the request's meta, so a paused or
        shared crawl keeps them): a post sitemap turns into a thousand article requests at
        once, and sixteen read together held sixteen thousand of them, and their parsed
        trees, in memory."""
        meta = response.request.meta if response.request is not None else {}
        named = []
        for request in self._sitemap_entries(response):
            # An index's on-site sitemap waits its turn; any other request goes now (an
            # off-site or non-HTTP one to be refused and counted by the guards).
            if request.callback == self.parse_sitemap and self._is_sitemap_site(request.url):
                named.append(request.url)
            else:
                yield request
        yield from self._next_sitemap(named + list(meta.get(SITEMAPS_AFTER, ())))

    def sitemap_failed(self, failure: Failure) -> Iterator[Request]:
        """Errback of a sitemap an index named: the next one is read all the same."""
        request = failed_request(failure)
        logger.warning("Sitemap %s could not be read: %s", request.url, failure.getErrorMessage())
        self.crawler.stats.inc_value(stats_keys.SITEMAPS_FAILED)
        yield from self._next_sitemap(request.meta.get(SITEMAPS_AFTER, ()))

    def _next_sitemap(self, urls: Sequence[str]) -> Iterator[Request]:
        """The request for the first of ``urls`` not requested yet, carrying the rest
        (sitemap-first discovery may hold some back)."""
        for position, url in enumerate(urls):
            if url not in self.sitemaps_requested:
                request = self._sitemap_request(url, after=urls[position + 1 :])
                if self.sitemap_first is None or not self.sitemap_first.defer_sitemap(request):
                    yield request
                    return

    def _sitemap_entries(self, response: Response) -> Iterator[Request]:
        """Requests for the entries of a sitemap or sitemap index. A malformed sitemap never
        raises: it is counted under ``sitemaps/invalid/<reason>`` and logged, relative
        ``<loc>`` values are resolved against the sitemap's URL (``sitemaps/relative_loc``),
        an entry that cannot be a URL is skipped (``sitemaps/bad_loc``), and a sitemap over
        the protocol's 50,000 URLs is read whole but counted (``sitemaps/over_limit``)."""
        sitemap, gzip_cut = self._read_sitemap(response)
        stats = self.crawler.stats
        if isinstance(sitemap, str):
            stats.inc_value(f"{stats_keys.SITEMAPS_INVALID}{sitemap}")
            logger.warning("Ignoring invalid sitemap %s (%s)", response.url, sitemap)
            return
        stats.inc_value(f"{stats_keys.SITEMAPS}{sitemap.kind}")
        count = relative = on_site = 0
        elsewhere = sitemap.kind != SITEMAP_INDEX and not is_on_site(self.address, response.url)
        try:
            for entry in sitemap.entries:
                count += 1
                loc = entry.loc
                if loc and not HAS_SCHEME.match(loc):
                    relative += 1
                    loc = response.urljoin(loc)
                if elsewhere and loc:
                    on_site += is_on_site(self.address, loc)
                yield from self._sitemap_entry(response, sitemap.kind, loc, entry)
        except (ValueError, TypeError, etree.LxmlError) as error:
            stats.inc_value(stats_keys.SITEMAPS_INVALID_UNREADABLE_ENTRY)
            logger.warning(
                "Stopped reading sitemap %s after %d entries: %s", response.url, count, error
            )
        if gzip_cut or sitemap.cut:
            self.run.faults.record(
                stats_keys.SITEMAPS_CUT_SHORT,
                "Sitemap %s is cut short (%s): %d entries read, %d unfinished left out; "
                "the entries after the cut are missing",
                response.url,
                "its gzip stream ends early" if gzip_cut else "its XML is never closed",
                count,
                sitemap.unfinished,
            )
        if relative:
            stats.inc_value(stats_keys.SITEMAPS_RELATIVE_LOC, relative)
            logger.warning(
                "%d relative <loc> values in sitemap %s, resolved against its URL",
                relative,
                response.url,
            )
        if elsewhere and count and not on_site:
            self._withdraw_sitemap_origin(response.url)
        if count > SITEMAP_MAX_URLS:
            stats.inc_value(stats_keys.SITEMAPS_OVER_LIMIT)
            logger.warning(
                "Sitemap %s lists %d URLs, over the protocol's %d; all were read",
                response.url,
                count,
                SITEMAP_MAX_URLS,
            )

    def _sitemap_entry(
        self, response: Response, kind: str, loc: str, entry: SitemapEntry
    ) -> Iterator[Request]:
        stats = self.crawler.stats
        if self._sitemap_entry_out_of_range(entry):
            stats.inc_value(stats_keys.DATE_RANGE_SKIPPED_SITEMAP_ENTRIES)
            return
        request: Request | None
        try:
            if not loc:
                raise ValueError("empty <loc>")
            if kind == SITEMAP_INDEX:  # the host guard refuses off-site and non-HTTP ones
                request = Request(self.address.to_served(loc), callback=self.parse_sitemap)
                followed = True
            else:
                url_kind = self._sitemap_url_kind(loc)
                followed = url_kind in (UrlKind.ARTICLE, UrlKind.LISTING)
                if url_kind is UrlKind.ARTICLE and sitemap_day(entry.published):
                    # A news sitemap's or a feed's publication date: a listing's, for a
                    # page that shows none.
                    self.run.dates.listed(self.sites.listed_key(loc), entry.published, None)
                # The posts API and the other sitemaps name the same posts: a post already
                # scheduled is noted as this sitemap's too, and no Request is built for it.
                request = self._request_for(loc, url_kind, source="sitemap", lastmod=entry.lastmod)
            on_site = followed or is_on_site(self.address, loc)
        except ValueError as error:  # "http://[::1", a port out of range...
            self.run.faults.record(
                stats_keys.SITEMAPS_BAD_LOC,
                "Not a URL in sitemap %s: %r (%s)",
                response.url,
                loc,
                error,
            )
            return
        if followed:
            if request is not None and not self._already_scheduled(request):
                yield request
            return
        if on_site:
            stats.inc_value(stats_keys.SITEMAPS_SKIPPED_URLS)
            logger.debug("Sitemap entry is not an article or listing: %s", loc)
        else:
            self.run.faults.record(
                stats_keys.SITEMAPS_SKIPPED_URLS,
                "Off-site or non-HTTP URL in sitemap %s, not followed: %s",
                response.url,
                loc,
            )

    def _read_sitemap(self, response: Response) -> tuple[SitemapReading | str, bool]:
        """The sitemap (:func:`~crawler.discovery.sitemaps.read_sitemap`), or why it is
        not one (``gzip_error`` too); and whether its gzip stream is cut short (Scrapy's
        ``gunzip`` gives what it could read without a word)."""
        body: bytes = response.body
        if not gzip_magic_number(response):
            declared_xml = isinstance(response, XmlResponse) or response.url.endswith(".xml")
            return read_sitemap(body, declared_xml), False
        try:
            body = gunzip(response.body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        except (OSError, EOFError, ValueError, zlib.error):
            return "gzip_error", False
        return read_sitemap(body, declared_xml=True), is_truncated_gzip(response.body, body)

    def _sitemap_entry_out_of_range(self, entry: SitemapEntry) -> bool:
        """Whether a sitemap entry is outside the date range for sure: published outside
        it, or last modified before it starts. A date written in no certain form
        (:func:`~crawler.discovery.sitemaps.sitemap_day`) rules nothing out."""
        if self.date_range.is_open:  # dates parsed only for a range to check them against
            return False
        published = sitemap_day(entry.published)
        if published is not None:
            return not self.date_range.contains(published)
        return self.date_range.modified_before(sitemap_day(entry.lastmod))

    def _sitemap_url_kind(self, url: str) -> UrlKind | None:
        """What an on-site URL a sitemap names is (:meth:`_url_kind`); one the site's
        URL rules call neither article nor listing for its query alone
        (``article.php?id=101&lang=en``) is an article if it would be one without it: a
        sitemap names the pages a site wants found, and the page decides."""
        kind = self._url_kind(url)
        if kind is not UrlKind.OTHER or "?" not in url:
            return kind
        without_query = urlsplit(url)._replace(query="").geturl()
        return UrlKind.ARTICLE if self._url_kind(without_query) is UrlKind.ARTICLE else kind

    # -- the posts API (sitemap-first) --------------------------------------------------

    def _posts_api_request(self, page: int) -> Request:
        """Page ``page`` of the site's posts API (``crawler/discovery/posts_api.py``), read
        ahead of the articles, as a section listing is."""
        assert self.profile.posts_api is not None
        api_url = self.address.served_url(self.profile.posts_api)
        return Request(
            posts_page_url(api_url, page),
            callback=self.parse_posts_api,
            errback=self.posts_api_failed,
            priority=SECTION_PRIORITY,
            meta={POSTS_API_PAGE: page, "handle_httpstatus_list": list(PAST_THE_LAST_PAGE)},
        )

    def parse_posts_api(self, response: Response) -> Iterator[Request]:
        """A page of the posts API: every post it lists, dated in the date ledger as a
        listing's post is, then the next page; an answer that is not one means the site
        has no such API (or it failed), and the section listings are read instead."""
        assert self.sitemap_first is not None
        page = int(response.meta[POSTS_API_PAGE])
        if response.status in PAST_THE_LAST_PAGE:
            if page == 1:
                yield from self._posts_api_unavailable(response.url, f"HTTP {response.status}")
            else:  # the previous page was full and the last
                self._posts_api_listed_all(page - 1)
            return
        try:
            listed = read_posts_page(response.body, header_text(response, "X-WP-TotalPages"))
        except NotAPostsList as error:
            yield from self._posts_api_unavailable(response.url, str(error))
            return
        if page == 1 and not listed.posts:  # a plugin that hides the posts answers []
            yield from self._posts_api_unavailable(response.url, "it lists no post")
            return
        stats = self.crawler.stats
        stats.inc_value(stats_keys.DISCOVERY_POSTS_API_PAGES)
        self.sitemap_first.posts_api_listed(len(listed.posts))
        skipped = listed.unreadable
        for post in listed.posts:
            try:
                is_article = self._url_kind(post.link) is UrlKind.ARTICLE
            except ValueError:  # "http://[::1", a port out of range...
                is_article = False
            if not is_article:
                skipped += 1
                continue
            stats.inc_value(stats_keys.DISCOVERY_POSTS_API_POSTS)
            entry = ListingEntry(post.link, published=post.day)
            request = self._listed_article_request(entry, POSTS_API_SOURCE)
            if request is not None:
                yield request
        if skipped:
            stats.inc_value(stats_keys.DISCOVERY_POSTS_API_SKIPPED, skipped)
            logger.warning(
                "%d entries of %s are not on-site article links: skipped", skipped, response.url
            )
        if listed.is_last(page):
            self._posts_api_listed_all(page)
        else:
            yield self._posts_api_request(page + 1)

    def _listed_article_request(
        self, entry: ListingEntry, source: str, month: tuple[int, int] | None = None
    ) -> Request | None:
        """The request for a post a listing (``month``: a month archive's) or the posts
        API lists, its date noted in the date ledger first; None if it is not to be
        fetched now (scheduled already, out of the date range, known, put off)."""
        self.run.dates.listed(self.sites.listed_key(entry.url), entry.published, month)
        request = self._article_request(
            entry.url, source=source, entry=entry, unless_scheduled=True
        )
        return None if request is None or self._already_scheduled(request) else request

    def _posts_api_listed_all(self, pages: int) -> None:
        assert self.sitemap_first is not None
        logger.info(
            "The posts API listed %d posts in %d pages: the section listings are read only "
            "if it and the sitemaps disagree",
            self.sitemap_first.api_posts,
            pages,
        )

    def posts_api_failed(self, failure: Failure) -> Iterator[Request]:
        """Errback of the posts API's pages (refused by robots.txt, a server error after
        its retries, 401 or 403 where a plugin closes it...)."""
        yield from self._posts_api_unavailable(
            failed_request(failure).url, failure.getErrorMessage()
        )

    def _posts_api_unavailable(self, url: str, why: str) -> Iterator[Request]:
        assert self.sitemap_first is not None
        listed = self.sitemap_first.api_posts
        self.crawler.stats.set_value(stats_keys.DISCOVERY_POSTS_API_UNAVAILABLE, 1)
        released = self.sitemap_first.posts_api_unavailable()
        if listed:
            logger.warning(
                "The posts API failed at %s (%s) after listing %d posts: reading the %d "
                "section listings met so far, and every one met later",
                url,
                why,
                listed,
                len(released),
            )
        else:
            logger.info("No posts API at %s (%s): the section listings list the posts", url, why)
        yield from released

    # -- listings ---------------------------------------------------------------------

    async def parse_listing(self, response: Response) -> AsyncIterator[Request]:
        """A listing page: read (parsed, its posts and links listed) by the reader, in this
        process or a worker; what it means for the crawl is decided here."""
        self._late_fetched(response)
        for request in self._put_off_articles_due():
            yield request
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value(stats_keys.PAGES_NOT_HTML)
            return
        job = ListingJob(self.profile.listing_page, self.address.to_public(response.url))
        listing = await self.reader.read(job, response)
        self.note_read_past_html_end(listing, response.url)
        for request in self._listing_requests(response, listing):
            yield request

    def _listing_requests(self, response: Response, listing: ListingReading) -> Iterator[Request]:
        """What the listing page read as ``listing`` leads to: its posts, its older page
        (unless every post predates ``-a since``), its links and the date archives its
        posts open."""
        entries = listing.entries
        year, month_number = self.profile.archive_period(response.url) or (0, None)
        month = (year, month_number) if month_number is not None else None  # a month archive
        handled = set()
        for entry in entries:
            request = self._listed_article_request(entry, LISTING_SOURCE, month)
            handled.add(self.sites.served_key(entry.url))
            if request is not None:
                yield request
        older = listing.older_page_url
        if older and not self.date_range.is_open and self.date_range.all_before(listing.days):
            self.crawler.stats.inc_value(stats_keys.DATE_RANGE_PAGINATION_STOPPED)
            logger.info(
                "Every post on %s predates -a since: not following older pages", response.url
            )
            handled.add(self.sites.served_key(older))
        posts = set(handled)
        links = list(self._follow_links(listing.links, skip=handled, articles=posts))
        chain = listing_chain(response.url)
        if older and self.sites.served_key(older) not in handled:
            links += self._older_page_by_query(older, chain)
        meta = response.request.meta if response.request is not None else {}
        ends = self.traps.pagination_ends(response.url, meta, posts)
        for request in links:
            if request.callback == self.parse_listing and listing_chain(request.url) == chain:
                if ends:
                    continue
                request.meta[LISTING_POSTS] = fingerprints(posts)
            yield request
        yield from self._open_date_archives(listing.days)

    def _older_page_by_query(self, older: str, chain: str) -> Iterator[Request]:
        """The request for a listing's older page at its own path that no link rule
        follows: one its query names in a way no rule knows (``/news/?p=2``: ``p`` is a
        WordPress post's id at the root, ``/news.aspx?pageindex=2``), which the listing
        names as its next page. Its stories had been lost, unless other pages linked them."""
        if listing_chain(older) != chain or not urlsplit(older).query:
            return
        if self._url_kind(older) is not UrlKind.OTHER:
            return  # followed as a link, if at all
        request = self._listing_request(older)
        if request is not None and not self._already_scheduled(request):
            yield request

    def listing_failed(self, failure: Failure) -> Failure | None:
        """Errback of listing requests: a failure that may pass is held for a late retry
        (``crawler/spiders/late_retries.py``); any other goes on as if there were no
        errback (Scrapy logs and counts it)."""
        request = failed_request(failure)
        if self.late_retries is not None and self.late_retries.hold(
            request, failure, "Listing page", failure_kind(failure)
        ):
            return None
        return failure

    def _open_date_archives(self, days: Iterable[date | None]) -> Iterator[Request]:
        """Requests for the date archives that posts published on ``days`` open."""
        for url in self.traps.posts_on(days):
            request = self._gated_listing(url)
            if request is not None:
                yield request

    # -- articles -----------------------------------------------------------------------

    async def parse_article(self, response: Response) -> AsyncIterator[Request | ArticleItem]:
        """An article page: read (parsed, extracted, its links listed) by the reader, in
        this process or a worker; what it means for the crawl is decided here."""
        self._late_fetched(response)
        for request in self._put_off_articles_due():
            yield request
        if response.status == 304:
            self.not_modified(response)
            return
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value(stats_keys.PAGES_NOT_HTML)
            self.run.coverage.outcome(
                self.sites.listed_key(response.url), Outcome(OutcomeKind.NOT_ARTICLE, "not_html")
            )
            logger.warning("Not an HTML page at an article URL: %s", response.url)
            return
        hops = response.meta.get("redirect_urls")
        if hops and self._redirected_away(hops[0], response.url):
            return
        reading = await self._read_article(response, self.extract_unsure)
        # Its later pages are read for its record, not followed as links (nor later).
        later_pages = [self.sites.served_key(url) for url in reading.later_pages]
        for url in later_pages:
            self.scheduled.add(url)
        if reading.links is not None:
            for request in self._follow_links(reading.links, skip=later_pages):
                yield request
        first_url = (response.meta.get("redirect_urls") or [response.url])[0]
        key = self.sites.listed_key(first_url)
        if first_url != response.url:
            self.run.coverage.alias(self.sites.listed_key(response.url), key)
        reason = reading.reason
        self.traps.page_read(response.url, reason is None)
        if reason is not None and self._behind_wall(reading.wall, response.url, key):
            return
        if reason is None and reading.first_page is not None:
            for request in self._later_page(key, response.url, reading.first_page):
                yield request
            return
        if reason is not None and not self._extracted_unsure(reason, response.url):
            self.crawler.stats.inc_value(f"{stats_keys.PAGES_NOT_ARTICLE}{reason}")
            self.run.coverage.outcome(key, Outcome(OutcomeKind.NOT_ARTICLE, reason))
            logger.info("Not an article (%s): %s", reason, response.url)
            if reading.older_page and reading.links is not None:
                chain = listing_chain(response.url)
                for request in self._older_page_by_query(reading.older_page, chain):
                    yield request
            return
        if self.run.article_state is not None:
            self.run.article_state.seen_response(
                self.sites.to_public(response.url),
                header_text(response, "ETag"),
                header_text(response, "Last-Modified"),
            )
        if reading.error is not None:
            self.extraction_failed(key, response.url, reading.error)
            return
        assert reading.item is not None
        item = self.extracted(reading.item, response.url)
        if reason is None and self._behind_wall(reading.wall, response.url, key):
            return
        if reason is None and later_pages:
            pages = ArticlePages(item, key, tuple(later_pages), response.url)
            limit = max(
                self.crawler.settings.getint("ARCHIVE_MAX_ARTICLE_PAGES", MAX_ARTICLE_PAGES), 1
            )
            if pages.read + len(pages.later) > limit:
                self._pages_over_limit(pages, limit)
                pages = replace(pages, later=pages.later[: limit - pages.read])
            if pages.later:
                yield self._next_page_request(pages, response)
                return
        for output in self._emitted(item, key):
            yield output

    def _extracted_unsure(self, reason: str | None, url: str) -> bool:
        """Whether a page that only looks unlike an article (``reason``) is extracted all
        the same, counted and logged: a URL list says "these are articles", and -a
        unsure=extract that the site's articles have no markup; an unsure guess does not
        overrule either."""
        if reason != NO_ARTICLE_MARKUP or not self.extract_unsure:
            return False
        listed = not self.follow_links
        self.crawler.stats.inc_value(
            f"{stats_keys.URL_LIST_EXTRACTED_UNSURE if listed else stats_keys.PAGES_EXTRACTED_UNSURE}{reason}"
        )
        logger.info(
            "Extracted as %s, though it looks unlike an article (%s): %s",
            "listed" if listed else "asked (-a unsure=extract)",
            reason,
            url,
        )
        return True

    async def _read_article(self, response: TextResponse, extract_unsure: bool) -> ArticleReading:
        """The reading of an article page, by the reader (in a worker or this process); a
        parse cut short is counted."""
        site = self.sites.site_of(response.url)
        job = ArticleJob(
            site.profile.article_page,
            site.address.to_public(response.url),
            links=self.follow_links,
            extract_unsure=extract_unsure,
        )
        reading = await self.reader.read(job, response)
        self.note_parse_faults(reading, response.url)
        return reading

    def _emitted(self, item: ArticleItem, key: str) -> Iterator[ArticleItem | Request]:
        """The record of the listed article ``key``, counted, and the requests for the date
        archives its day opens."""
        self.crawler.stats.inc_value(stats_keys.ARTICLES_EXTRACTED)
        if self.sitemap_first is not None:
            self.sitemap_first.article_read(key, has_date(item))
        yield item
        yield from self._open_date_archives([iso_day(item.published)])

    # -- articles split in pages ----------------------------------------------------------

    def _later_page(self, key: str, url: str, first_page: str) -> Iterator[Request]:
        """A later page of an article split in pages, reached by itself (a link, a list):
        not a record of its own; the article's first page is fetched, which reads the
        pages after it."""
        self.crawler.stats.inc_value(f"{stats_keys.PAGES_NOT_ARTICLE}{LATER_PAGE}")
        self.run.coverage.outcome(key, Outcome(OutcomeKind.NOT_ARTICLE, LATER_PAGE))
        logger.info("A later page of the article at %s, read from there: %s", first_page, url)
        request = self._article_request(self.sites.to_public(first_page), unless_scheduled=True)
        if request is not None and not self._already_scheduled(request):
            yield request

    def _next_page_request(self, pages: ArticlePages, response: Response) -> Request:
        """The request for the next unread page of ``pages``: never filtered as seen (a
        link may have scheduled it before), or the record would wait for it forever."""
        meta = {"article_pages": pages}
        if "site_address" in response.meta:
            meta["site_address"] = response.meta["site_address"]
        return Request(
            pages.later[0],
            callback=self.parse_article_page,
            errback=self.article_page_failed,
            priority=ARTICLE_PRIORITY,
            dont_filter=True,
            meta=meta,
        )

    async def parse_article_page(self, response: Response) -> AsyncIterator[Request | ArticleItem]:
        """A later page of an article split in pages: its text and images joined to the
        record, then the next page, or the record when it was the last."""
        pages: ArticlePages = response.meta["article_pages"]
        if not isinstance(response, TextResponse):
            for output in self._pages_missing(pages, response.url, "not_html"):
                yield output
            return
        # A later page is read whatever it looks like: its first page said it is one.
        reading = await self._read_article(response, extract_unsure=True)
        if reading.links is not None:
            for request in self._follow_links(reading.links, skip=pages.later):
                yield request
        repeated = reading.item is not None and repeats_text(reading.item.body, pages.item.body)
        if reading.item is None or not reading.item.body or reading.first_page is None or repeated:
            if reading.error is not None:
                logger.error("Extraction failed for %s\n%s", response.url, reading.error.rstrip())
            # No later page of an article: a site that answers any page number with the
            # first page, a redirect to it, a pager of the story's comments that shows the
            # story again on each page; its text is not added again.
            why = (
                "extraction_error"
                if reading.error is not None
                else "not_a_later_page"
                if reading.first_page is None or repeated
                else reading.reason or "no_text"
            )
            for output in self._pages_missing(pages, response.url, why):
                yield output
            return
        pages = pages.joined(reading.item)
        self.crawler.stats.inc_value(stats_keys.ARTICLES_PAGES_JOINED)
        if pages.later:
            yield self._next_page_request(pages, response)
            return
        for output in self._emitted(pages.item, pages.key):
            yield output

    def article_page_failed(self, failure: Failure) -> Iterator[Request | ArticleItem]:
        """Errback of a later page's request: the record is emitted with the pages read."""
        request = failed_request(failure)
        pages: ArticlePages = request.meta["article_pages"]
        return self._pages_missing(pages, request.url, failure_kind(failure))

    def _pages_over_limit(self, pages: ArticlePages, limit: int) -> None:
        """An article whose page links name more pages than ``limit`` (a trap, a theme's
        mistake): the pages after the limit are not read, counted and logged."""
        left_out = pages.read + len(pages.later) - limit
        self.crawler.stats.inc_value(stats_keys.ARTICLES_PAGES_MISSING, left_out)
        logger.warning(
            "The article at %s names %d pages; its record holds the first %d "
            "(ARCHIVE_MAX_ARTICLE_PAGES)",
            pages.first_url,
            pages.read + len(pages.later),
            limit,
        )

    def _pages_missing(
        self, pages: ArticlePages, url: str, why: str
    ) -> Iterator[Request | ArticleItem]:
        """The page at ``url`` of ``pages`` could not be read (``why``): the record is
        emitted with the pages before it, and what it lacks is counted and logged."""
        self.crawler.stats.inc_value(stats_keys.ARTICLES_PAGES_MISSING, len(pages.later))
        logger.warning(
            "Page %s of the article at %s not read (%s): its record holds %d of its %d pages",
            url,
            pages.first_url,
            why,
            pages.read,
            pages.read + len(pages.later),
        )
        return self._emitted(pages.item, pages.key)

    def _behind_wall(self, vendor: str | None, url: str, key: str) -> bool:
        """Whether the page at ``url`` is the bot wall of ``vendor``
        (``crawler/runtime/bot_walls.py``): if so it is counted, logged and recorded as
        blocked, and nothing is emitted."""
        if vendor is None:
            return False
        record_bot_wall(self.crawler, vendor, url)
        self.article_blocked(key, vendor)
        return True

    def article_blocked(self, key: str, vendor: str) -> None:
        """A listed article the site hid behind a bot wall: unavailable to this crawl, to be
        fetched again (the run and coverage reports list it)."""
        self.crawler.stats.inc_value(f"{stats_keys.ARTICLES_BLOCKED}{vendor}")
        self.crawler.stats.inc_value(f"{stats_keys.SITES_BLOCKED}{self.sites.site_of(key).name}")
        self.run.coverage.outcome(key, Outcome(OutcomeKind.BLOCKED, vendor))

    def not_modified(self, response: Response) -> None:
        """A conditional re-check answered ``304 Not Modified``: the article is as the
        state has it; nothing was downloaded, nothing is extracted or emitted."""
        key = self.sites.listed_key((response.meta.get("redirect_urls") or [response.url])[0])
        self.crawler.stats.inc_value(stats_keys.STATE_NOT_MODIFIED)
        self.run.coverage.outcome(key, Outcome(OutcomeKind.NOT_MODIFIED))
        if self.run.article_state is not None:
            self.run.article_state.confirm(key, utc_now())
        logger.debug("Not modified since the last run: %s", response.url)

    def extraction_failed(self, key: str, url: str, error: str) -> None:
        """Extraction raised (``error``: its traceback): counted, and logged as
        ``logger.exception`` would log it, whichever process it was raised in."""
        self.crawler.stats.inc_value(stats_keys.ARTICLES_DROPPED_EXTRACTION_ERROR)
        self.run.coverage.outcome(key, Outcome(OutcomeKind.DROPPED, "extraction_error"))
        logger.error("Extraction failed for %s\n%s", url, error.rstrip("\n"))

    def note_parse_faults(self, reading: ArticleReading, url: str) -> None:
        """A page whose parse stopped at libxml2's nesting limit: what came after is in no
        field of its record. Counted and logged; the record keeps what was read. And one
        read on past an early ``</html>`` (:meth:`note_read_past_html_end`)."""
        if reading.cut_short:
            self.run.faults.record(
                stats_keys.FAULTS_CONTENT_NESTED_TOO_DEEP,
                "Markup nested %d levels deep: the parser stopped there, and the rest of "
                "the page is not read: %s",
                PARSER_MAX_DEPTH,
                url,
            )
        self.note_read_past_html_end(reading, url)

    def note_read_past_html_end(self, reading: ArticleReading | ListingReading, url: str) -> None:
        """A page with an ``</html>`` that text follows, where libxml2 stops: it was read
        on past it, as a browser reads it (``crawler/runtime/extraction_pool.py``
        ``read_on``). Counted and logged."""
        if reading.read_past_html_end:
            self.run.faults.record(
                stats_keys.FAULTS_CONTENT_EARLY_HTML_END,
                "An </html> before the end of %s (a template's doubled one, a pasted page's"
                " end): read on past it, as a browser does",
                url,
            )

    def extracted(self, item: ArticleItem, url: str) -> ArticleItem:
        """The record of the page at ``url``, with what only the crawl knows."""
        item.fetched_at = utc_now()
        item.site = self.sites.site_of(url).name  # the generic profile's: its host's name
        return item

    def article_failed(self, failure: Failure) -> None:
        """Errback of article requests: the failure's kind goes to the coverage ledger,
        for the article URL that was listed (the first of a redirect chain)."""
        request = failed_request(failure)
        listed_url = (request.meta.get("redirect_urls") or [request.url])[0]
        key = self.sites.listed_key(listed_url)
        if failure.check(AlreadyWritten):  # a resumed crawl: the article is in the output
            self.run.coverage.outcome(key, Outcome(OutcomeKind.ALREADY_WRITTEN))
            return
        if failure.check(BotWall):  # logged by the middleware that found it
            self.article_blocked(key, cast(BotWall, failure.value).vendor)
            return
        kind = failure_kind(failure)
        if self.late_retries is not None and self.late_retries.hold(
            request, failure, "Article page", kind
        ):
            return
        self.crawler.stats.inc_value(f"{stats_keys.ARTICLES_FAILED}{kind}")
        self.crawler.stats.inc_value(f"{stats_keys.SITES_FAILED}{self.sites.site_of(key).name}")
        if listed_url != request.url:
            logger.warning(
                "Article page failed (%s): %s (redirected to %s)", kind, listed_url, request.url
            )
        else:
            logger.warning("Article page failed (%s): %s", kind, request.url)
        self.run.coverage.outcome(key, Outcome(OutcomeKind.FAILED, kind))

    # -- the Wayback Machine (crawler/spiders/wayback.py does the work) ------------------

    def parse_wayback_index(self, response: Response) -> Iterator[Request]:
        assert self.wayback is not None
        yield from self.wayback.parse_index(response)

    def parse_wayback_captures(
        self, response: Response, key: str, tried: Capture | None = None
    ) -> Iterator[Request]:
        assert self.wayback is not None
        yield from self.wayback.parse_captures(response, key, tried)

    def wayback_query_failed(self, failure: Failure) -> None:
        """Errback of CDX queries: one whose failure may pass is held for a late retry;
        else it failed for good."""
        assert self.wayback is not None
        request, kind = failed_request(failure), failure_kind(failure)
        if self.late_retries is None or not self.late_retries.hold(
            request, failure, "Wayback CDX query", kind
        ):
            self.wayback.query_failed(request, kind)

    def parse_wayback_capture(
        self,
        response: Response,
        key: str,
        capture: Capture,
        remaining: list[Capture] | None,
        tried: int = 1,
    ) -> Iterator[Request | ArticleItem]:
        """A raw capture: the article, or a named skip and the next capture to try."""
        assert self.wayback is not None
        self._late_fetched(response)
        self.wayback.tried(capture)
        reason: str | None = None
        item = None
        location = response.headers.get("Location")
        if response.status in REDIRECT_STATUSES and location:
            yield from self.wayback.redirected(
                key, capture, location.decode("latin-1"), remaining, tried
            )
            return
        if response.status in REDIRECT_STATUSES:
            reason = "redirect"
        elif not isinstance(response, TextResponse):
            reason = "not_html"
        else:
            page_class = self.sites.site_of(key).profile.article_page
            job = ArticleJob(page_class, key, links=False, extract_unsure=self.extract_unsure)
            reading = read_article(job, response)
            self.note_parse_faults(reading, response.url)
            if reading.later_pages:
                self.crawler.stats.inc_value(
                    stats_keys.ARTICLES_PAGES_MISSING, len(reading.later_pages)
                )
                logger.warning(
                    "The capture %s is the first of %d pages of its article; the record "
                    "holds it alone (captures of later pages are not looked up)",
                    response.url,
                    len(reading.later_pages) + 1,
                )
            # A wall: the Wayback Machine captured a bot wall, not the page.
            reason = "bot_wall" if reading.wall is not None else reading.reason
            # A capture that only looks unlike an article is the article's last resort:
            # an older capture may show it as one (a URL that served a listing later).
            last = remaining == []
            if reason == NO_ARTICLE_MARKUP and self.extract_unsure and not last:
                self.wayback.unsure_capture(key, capture)
            if reading.error is not None:
                self.extraction_failed(key, response.url, reading.error)
            elif reading.item is not None and (
                reason is None or (last and self._extracted_unsure(reason, response.url))
            ):
                reason = None
                item = self.extracted(reading.item, key)  # the site's, not the archive's
        if reason is not None:
            self.wayback.skip(capture, reason)
            request = self.wayback.after_capture(key, capture, remaining, tried)
            if request is not None:
                yield request
            return
        if item is not None:
            self.crawler.stats.inc_value(stats_keys.ARTICLES_EXTRACTED)
            item.capture = self.wayback.used(capture)
            # The record's fetched_url is the capture's: its outcome belongs to the listed URL
            # (an old slug's record is folded into its canonical article's by URL).
            self.run.coverage.alias(self.sites.listed_key(response.url), key)
            yield item

    def wayback_capture_failed(self, failure: Failure) -> Iterator[Request]:
        """Errback of captures: the next capture to try is asked for at once, where older
        ones are known (a capture archived empty, or that storage cannot serve, had been
        asked for 8 times over a minute first); else one whose failure may pass is held
        for a late retry."""
        assert self.wayback is not None
        request = failed_request(failure)
        kwargs = request.cb_kwargs
        if (
            not kwargs["remaining"]
            and self.late_retries is not None
            and self.late_retries.hold(request, failure, "Wayback capture", failure_kind(failure))
        ):
            return
        self.wayback.skip(
            kwargs["capture"], f"failed_{failure.type.__name__ if failure.type else 'error'}"
        )
        older = self.wayback.after_capture(
            kwargs["key"], kwargs["capture"], kwargs["remaining"], kwargs.get("tried", 1)
        )
        if older is not None:
            yield older

    # -- requests -------------------------------------------------------------------

    def _follow_links(
        self, links: PageLinks, skip: Collection[str] = (), articles: set[str] | None = None
    ) -> Iterator[Request]:
        """Requests for a page's links to follow; ``articles`` collects the URLs of all
        its article links, scheduled before or not."""
        seen = set(skip)
        # A link to a page already scheduled is dropped before any Request is built: the
        # Request would be dropped as scheduled, whatever the state or the date range say.
        filtered = 0
        # Hundreds of links a page, most of them met before: names looked up once.
        link_targets, scheduled = self.link_targets, self.scheduled
        settled = self.sitemap_first.settled if self.sitemap_first is not None else None
        for href in links.hrefs:
            try:
                target = link_targets[href]
            except KeyError:
                url = urljoin(links.base_url, href)
                target = self._link_target(url)
                noise = ("?" in url or ";" in url) and url_noise(url)
                if not noise:
                    link_targets[href] = target
                elif target is None or target[0] not in seen:  # counted each time it is met
                    self.traps.noise_stripped(url, noise)
            if target is None or target[0] in seen:
                continue
            served, kind = target
            if settled is not None and settled(served):
                continue
            if served in scheduled:
                seen.add(served)
                if articles is not None and kind is UrlKind.ARTICLE:
                    articles.add(served)
                filtered += 1
                continue
            if self.traps.is_waiting(served):  # a date archive: its Request would be dropped
                filtered += 1  # and counted, each time it is met (see _listing_request)
                continue
            request = self._request_for(served, kind)
            if request is not None and request.url not in seen:
                seen.add(request.url)
                if articles is not None and request.callback == self.parse_article:
                    articles.add(request.url)
                if not self._already_scheduled(request):
                    yield request
        if filtered:
            self.crawler.stats.inc_value(stats_keys.DUPEFILTER_FILTERED, filtered)

    def _already_scheduled(self, request: Request) -> bool:
        """Whether the engine recently scheduled a request for the same URL; if so, it is
        counted as ``dupefilter/filtered`` and not yielded.

        A page links to its site's menus, sidebars and recent posts, so most links lead
        to pages already scheduled. Yielded, such a request would go through the spider
        middlewares (which decide by URL, as they did for the first one) to the scheduler,
        whose duplicate filter would drop and count it; this skips that work only.
        """
        if request.url not in self.scheduled:
            return False
        self.crawler.stats.inc_value(stats_keys.DUPEFILTER_FILTERED)
        return True

    def _request_for(
        self,
        url: str,
        kind: UrlKind | None,
        source: str | None = None,
        lastmod: str | None = None,
    ) -> Request | None:
        """A request for an on-site article or listing URL of ``kind``
        (:meth:`_url_kind`); ``None`` for anything else, and for an article already
        scheduled (counted as :meth:`_already_scheduled` counts it). ``lastmod`` is a
        sitemap's last-modified date for the URL."""
        if kind is UrlKind.ARTICLE:
            if source is None and self.traps.article_pattern_spent(url):
                return None
            entry = ListingEntry(url, published=lastmod) if source else None
            return self._article_request(
                url, source=source, entry=entry, lastmod=lastmod, unless_scheduled=True
            )
        if kind is UrlKind.LISTING:
            return self._listing_request(url)
        return None

    def _url_kind(self, url: str) -> UrlKind | None:
        """What an on-site URL is; None for a URL off the site."""
        if not url.startswith(("http://", "https://")) or not is_on_site(self.address, url):
            return None
        return self.profile.classify_url(self.sites.served_key(url))

    def _link_target(self, url: str) -> LinkTarget | None:
        """The URL to fetch for an on-site article or listing URL, and which it is; None
        for anything else, and for a date archive out of the date range (counted here:
        a link's target is looked up once, and every page repeats the archives widget)."""
        kind = self._url_kind(url)
        if kind is UrlKind.ARTICLE:
            return self.sites.served_key(url), kind
        if kind is UrlKind.LISTING:
            served = self.sites.served_key(url)
            period = self.profile.archive_period(served)
            return None if self._out_of_date_range(period) else (served, kind)
        return None

    def _out_of_date_range(self, period: tuple[int, int | None] | None) -> bool:
        """Whether a listing of ``period`` (a date archive's year and month, None for
        any other listing) is one the date range excludes (counted as
        ``date_range/skipped_archives``)."""
        if period and not self.date_range.overlaps_month(*period):
            self.crawler.stats.inc_value(stats_keys.DATE_RANGE_SKIPPED_ARCHIVES)
            return True
        return False

    def _listing_request(self, url: str) -> Request | None:
        served = self.sites.served_key(url)
        period = self.profile.archive_period(served)
        if self._out_of_date_range(period):
            return None
        if period:
            if self.traps.is_waiting(served):
                # Counted as the duplicate filter counts it once the archive is scheduled.
                self.crawler.stats.inc_value(stats_keys.DUPEFILTER_FILTERED)
                return None
            if not self.traps.date_archive_allowed(served, archive_period(served, period)):
                return None
        if not self.traps.within_budget(served):
            return None
        return self._gated_listing(served)

    def _gated_listing(self, url: str) -> Request | None:
        """The request for the listing page at ``url``, unless sitemap-first discovery
        holds it back or skips it."""
        request = Request(url, callback=self.parse_listing, errback=self.listing_failed)
        if self.sitemap_first is None:
            return request
        period = self.profile.archive_period(request.url)
        month = (period[0], period[1]) if period is not None and period[1] is not None else None
        first_page = listing_chain(request.url) == (urlsplit(request.url).path or "/")
        return request if self.sitemap_first.admit(request, first_page, month) else None

    def _article_request(
        self,
        url: str,
        source: str | None = None,
        entry: ListingEntry | None = None,
        lastmod: str | None = None,
        unless_scheduled: bool = False,
    ) -> Request | None:
        """Request an article page, unless the date range or the state rules it out.

        An article the state knows is fetched again only with ``-a recheck=true`` or when
        a sitemap's ``lastmod`` is later than its last fetch, and then conditionally: the
        server answers ``304 Not Modified`` (no body) when the page has not changed.
        ``unless_scheduled``: None, counted as :meth:`_already_scheduled` counts it, for a
        URL already scheduled, rather than a Request the caller would drop (a listing's
        posts are mostly on other listings too).
        """
        stats, key = self.crawler.stats, self.sites.listed_key(url)
        if source == "sitemap" and self.sitemap_first is not None:
            self.sitemap_first.sitemap_listed(key, lastmod)
        if source:
            self.run.coverage.listed(
                key, source, entry.section if entry else None, entry.published if entry else None
            )
        # Dates are parsed only for a range to check them against (dateutil is slow).
        in_range_check = source in LISTED_SOURCES and not self.date_range.is_open
        day = iso_day(entry.published) if entry is not None and in_range_check else None
        if day and not self.date_range.contains(day):
            stats.inc_value(stats_keys.DATE_RANGE_SKIPPED_LISTED_ARTICLES)
            self.run.coverage.outcome(key, Outcome(OutcomeKind.OUT_OF_DATE_RANGE))
            return None
        known = (
            self.run.article_state.validators(key) if self.run.article_state is not None else None
        )
        if known is not None and not self.recheck:
            if not (source == "sitemap" and known.modified_since_fetch(lastmod)):
                stats.inc_value(stats_keys.STATE_SKIPPED_KNOWN)
                self.run.coverage.outcome(key, Outcome(OutcomeKind.KNOWN))
                return None
            stats.inc_value(stats_keys.STATE_SITEMAP_MODIFIED)
            logger.info("Sitemap lastmod %s is after the last fetch: re-checking %s", lastmod, url)
        headers = known.conditional_headers() if known is not None else {}
        served = self.sites.served_key(url)
        if unless_scheduled and served in self.scheduled:
            stats.inc_value(stats_keys.DUPEFILTER_FILTERED)
            return None
        if (
            source in LISTED_SOURCES
            and self.sitemap_first is not None
            and self.sitemap_first.puts_off(key)
        ):
            return None
        address = None if self.sites.hosts is None else self.sites.site_of(url).address
        return Request(
            served,
            callback=self.parse_article,
            errback=self.article_failed,
            priority=ARTICLE_PRIORITY,
            headers=headers or None,
            meta=({"site_address": (address.public, address.served)} if address else {})
            | ({"handle_httpstatus_list": [304]} if headers else {}),
        )
