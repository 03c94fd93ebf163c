"""Downloader middlewares that keep a long crawl on its site and make every fault visible.

Plain Scrapy drops many faults silently or at DEBUG: a redirect loop vanishes into the
duplicate filter, a too-long redirect chain, an off-site request and a robots.txt refusal
are DEBUG lines, invalid UTF-8 becomes U+FFFD, a retry that recovers leaves no trace above
DEBUG. Here each fault is counted in the stats under ``faults/<kind>/<detail>`` and logged
by the crawl's :class:`~crawler.runtime.faults.FaultLog` (``WARNING`` for the first few of a
kind, then ``DEBUG``, so an hours-long crawl against a sick server keeps a readable log
while the counts stay exact).

=========================  ==========================================================
``faults/http/<status>``    a retryable status (500, 503, 429...): retried, then kept
``faults/download/<kind>``  timeout, connection_lost, data_loss (truncated body),
                            too_large (``DOWNLOAD_MAXSIZE``), connection_refused, dns...
``faults/retry_after``      a retry that waited for the server's ``Retry-After``
``faults/decompression``    a compressed body over ``DOWNLOAD_MAXSIZE`` (gzip bomb)
``faults/redirect/<kind>``  loop, too_many (over ``REDIRECT_MAX_TIMES``)
``faults/off_site/<via>``   a request (``request``) or redirect (``redirect``) leaving
                            the site's host, refused
``faults/bad_scheme``       a non-HTTP(S) URL (``file:``, ``ftp:``...), refused
``faults/unreachable_host/<kind>``  a host that never answered and refused every
                            connection (``connection_refused``) or has no address
                            (``dns``): given up on, its other requests dropped
``faults/bot_wall/<vendor>``  a bot-protection challenge or block page instead of the
                            page (``crawler/runtime/bot_walls.py``): not retried, not
                            extracted; an article's errback gets :class:`BotWall`
``faults/content/<kind>``   empty (an empty HTML 200, retried), invalid_bytes (not valid
                            in its charset), charset_conflict (HTTP header vs
                            ``<meta>``), charset_overruled (a charset other than
                            UTF-8 declared over UTF-8 bytes: read as UTF-8),
                            charset_undeclared (none declared, the bytes not UTF-8:
                            guessed as a browser would, :func:`legacy_charset`),
                            xml_entities (a sitemap declaring entities, refused),
                            malformed_xml (not well-formed: read as far as it goes),
                            file_as_text (an image, PDF or archive served as text:
                            not read as a page),
                            untyped_html (an HTML page served as
                            application/octet-stream: read as HTML),
                            refresh_not_followed (a page with a story's worth
                            of text whose meta refresh waits, or with a
                            ``Refresh`` header: read, the refresh not followed),
                            nested_too_deep (an article page past libxml2's 2,048
                            levels: counted by the spider, the record keeps what came
                            before)
=========================  ==========================================================
"""

from __future__ import annotations

import asyncio
import codecs
import email.utils
import logging
import math
import re
import time
import zlib
from typing import NamedTuple, Self
from urllib.parse import urlsplit

from charset_normalizer import from_bytes
from lxml import etree
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.downloadermiddlewares.useragent import UserAgentMiddleware
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import get_meta_refresh
from twisted.internet import error as twisted_errors
from twisted.internet.defer import Deferred
from w3lib.encoding import (
    html_body_declared_encoding,
    read_bom,
    resolve_encoding,
)

from crawler.discovery.multisite import CrawlSites
from crawler.discovery.urls import same_origin
from crawler.extraction.language import MIN_CHARACTERS, language_scores
from crawler.extraction.parsing import html_markup, is_utf8, parse_html, text_decoding
from crawler.reporting import stats_keys
from crawler.runtime.bot_walls import BotWall, response_headers, wall_vendor
from crawler.runtime.exit_status import record_failure
from crawler.runtime.faults import FaultLog
from crawler.runtime.run import ArchiveRun

logger = logging.getLogger(__name__)

HTTP_SCHEMES = frozenset({"http", "https"})
REUSED = "reused"
"""The flag of a response that answers a request without a download (robots.txt asked for
twice): no exchange with the site took place."""


# -- staying on the site --------------------------------------------------------------


class OffSiteRefused(IgnoreRequest):
    """A request (or a redirect) to another site than the crawl's."""


class RedirectLoop(IgnoreRequest):
    """A redirect back to a URL of its own chain."""


class TooManyRedirects(IgnoreRequest):
    """A redirect chain longer than ``REDIRECT_MAX_TIMES``."""


class HostGuardMiddleware(OffsiteMiddleware):
    """Replaces Scrapy's ``OffsiteMiddleware``: refuses any request not over HTTP(S) or
    outside the spider's origins, also those that Scrapy lets through because they are
    ``dont_filter`` (a retried request that then redirects off-site). Every request,
    redirect and meta refresh passes here.

    A spider with ``allowed_origins`` (``scheme://host[:port]``) is held to them: same
    scheme, host and port (:func:`crawler.discovery.urls.same_origin`), so a site cannot
    steer the crawler to another port of its own host. Other spiders are held to their
    ``allowed_domains``, as by Scrapy.

    A request of a multi-site URL list carries its site's address in
    ``meta["site_address"]`` (public and served origins) and must stay on that site, but
    for a redirect: a listed URL that redirects to another site (a link shortener's, a
    feed proxy's, a site that moved to another domain) is followed there, as a reader's
    browser follows it, and the request then belongs to the site it reached (its robots.txt
    and politeness). That is counted (``url_list/redirected_off_site``) and logged at
    INFO. Only ``meta={"allow_offsite": True}``, set deliberately in code, opts a request
    out.
    """

    run: ArchiveRun
    faults: FaultLog
    on_origin: tuple[list[str] | None, tuple[str, ...]] = (None, ())
    """The allowed origins, and the URL prefixes (``origin/``) that are surely on one of
    them: a URL that starts so has that origin's scheme, host and port, and is let through
    on a string comparison (every request passes here twice: scheduled and downloaded)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        guard = super().from_crawler(crawler)
        guard.run = ArchiveRun.of(crawler)
        guard.faults = guard.run.faults
        return guard

    def on_origin_prefixes(self) -> tuple[str, ...]:
        origins = self.run.allowed_origins
        if origins != self.on_origin[0]:
            prefixes = tuple(
                f"{origin}/"
                for origin in origins or ()
                if urlsplit(origin).scheme.lower() in HTTP_SCHEMES
                and same_origin(f"{origin}/", origin)
            )
            self.on_origin = (list(origins) if origins is not None else None, prefixes)
        return self.on_origin[1]

    def request_scheduled(self, request: Request, spider: Spider) -> None:
        """Scrapy's check as a request is scheduled, which drops a refused one without a
        word to its errback: a redirect is checked when it is downloaded instead, so that
        its article is a failure the coverage report names (``off_site_redirect``), where
        it was ``not_reached``."""
        if not request.meta.get("redirect_urls"):
            self.process_request(request)

    # Scrapy >= 2.14 calls components without the deprecated ``spider`` argument that its
    # base classes still declare; hence the override ignores below.
    def process_request(self, request: Request) -> None:  # type: ignore[override]
        spider = self.crawler.spider
        assert spider is not None
        meta = request.meta
        if meta.get("allow_offsite"):
            return
        if "site_address" not in meta and request.url.startswith(self.on_origin_prefixes()):
            return
        scheme = urlsplit(request.url).scheme.lower()
        if scheme not in HTTP_SCHEMES:
            self.faults.record(
                stats_keys.FAULTS_BAD_SCHEME, "Refused a %s: URL: %s", scheme, request.url
            )
            raise IgnoreRequest(f"not an HTTP(S) URL: {request.url}")
        site_address = request.meta.get("site_address")
        origins = list(site_address) if site_address else self.run.allowed_origins
        if origins is not None:
            if any(same_origin(request.url, origin) for origin in origins):
                return
            if site_address and meta.get("redirect_urls") and self.run.sites is not None:
                self._moves_to_site(request, self.run.sites)
                return
        elif self.should_follow(request, spider):
            return
        via = "redirect" if request.meta.get("redirect_urls") else "request"
        if via == "redirect" and not site_address:
            self._site_moved(request)
        self.stats.inc_value(stats_keys.OFFSITE_FILTERED)
        self.faults.record(
            f"{stats_keys.FAULTS_OFF_SITE}{via}",
            "Refused an off-site %s to %s (allowed: %s)",
            via,
            request.url,
            ", ".join(origins or getattr(spider, "allowed_domains", None) or []),
        )
        raise OffSiteRefused(f"off-site: {request.url}")

    def _site_moved(self, request: Request) -> None:
        """Note where the site's home page redirects, when that is another site: a site
        that moved there (a new domain, a new CMS), unless the crawl finds its articles
        all the same (the spider tells at the end)."""
        home = request.meta["redirect_urls"][0]
        if urlsplit(home).path in ("", "/") and self.run.home_moved_to is None:
            self.run.home_moved_to = request.url

    def _moves_to_site(self, request: Request, sites: CrawlSites) -> None:
        """A listed URL of a list spanning sites redirected to another site: the request
        is that site's now."""
        address = sites.site_of(request.url).address
        request.meta["site_address"] = (address.public, address.served)
        self.stats.inc_value(stats_keys.URL_LIST_REDIRECTED_OFF_SITE)
        logger.info(
            "Followed a listed URL's redirect to another site: %s -> %s",
            request.meta["redirect_urls"][0],
            request.url,
        )


DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"
"""The rules of a host whose robots.txt is unreachable (RFC 9309 2.3.1.4)."""


class ReportedRobotsFaults(logging.Filter):
    """Leaves out Scrapy's "Error downloading <request>" and its traceback, some forty
    lines, where robots.txt could not be fetched for a network fault: the crawl reports
    that in one line (:meth:`LoggedRobotsTxtMiddleware._robots_error`, or
    :class:`UnreachableHostMiddleware` for a host given up on). Any other error there keeps
    Scrapy's line and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not (
            isinstance(record.msg, str)
            and record.msg.startswith("Error downloading")
            and error is not None
            and download_fault_kind(error) in NETWORK_FAULT_KINDS
        )


REPORTED_ROBOTS_FAULTS = ReportedRobotsFaults()
SCRAPY_ROBOTS_LOGGER = logging.getLogger("scrapy.downloadermiddlewares.robotstxt")


class LoggedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with each refusal logged at INFO, not DEBUG
    (counted by Scrapy as ``robotstxt/forbidden``): a disallowed section is a policy,
    not a fault, but a crawl that skips part of a site must say so.

    The spider asks for robots.txt too (it names the sitemaps): that request is answered
    with the response this middleware fetched for the rules (``robotstxt/reused``, the
    log line flagged ``reused``; a WARC holds the one exchange), so a site is asked for
    it once, not twice. Scrapy counts the answer in ``downloader/response_count``, as it
    counts a cached one, and not in ``downloader/request_count``.

    A robots.txt that still answers a server error (5xx, or 429) after its retries is
    unreachable, and RFC 9309 (2.3.1.4) has the crawler then assume complete disallow.
    Scrapy would parse the error page as the rules, which allow everything: here it is
    taken as ``Disallow: /``, logged (ERROR) and counted (``robotstxt/unreachable``), and
    nothing else is fetched from that host. So is a robots.txt that could not be fetched
    at all after its retries (a timeout, a connection reset: a network error, which the
    RFC puts with server errors), where Scrapy allows everything; a host that refuses
    connections or has no address is given up on anyway (:class:`UnreachableHostMiddleware`).
    A 4xx still means no rules (RFC 9309 2.3.1.3), and so does a robots.txt request that a
    middleware refused (an off-site redirect).

    Scrapy keeps a host's rules for the whole crawl; RFC 9309 (2.4) asks crawlers not to
    use them for more than 24 hours, and a 12-year archive crawled at the pace a site asks
    for can take days. Rules older than ``ARCHIVE_ROBOTSTXT_MAX_AGE`` seconds (86,400) are
    fetched again before the host's next request (``robotstxt/refreshed``, an INFO line):
    a section disallowed since is no longer fetched, a Crawl-delay added since is kept.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        if REPORTED_ROBOTS_FAULTS not in SCRAPY_ROBOTS_LOGGER.filters:
            SCRAPY_ROBOTS_LOGGER.addFilter(REPORTED_ROBOTS_FAULTS)
        self.fetched: dict[str, Response] = {}
        """robots.txt responses by URL, one per host."""
        self.max_age = crawler.settings.getfloat("ARCHIVE_ROBOTSTXT_MAX_AGE")
        self.read_at: dict[str, float] = {}
        """``time.monotonic()`` when each host's rules were read, by netloc."""

    async def process_request(self, request: Request) -> Response | None:  # type: ignore[override]
        url = urlparse_cached(request)
        read_at = self.read_at.get(url.netloc)
        if read_at is not None and time.monotonic() - read_at > self.max_age:
            self._forget(url.netloc, url.scheme)
        await super().process_request(request)  # fetches robots.txt, once per host
        fetched = self.fetched.get(request.url)
        if fetched is None or request.meta.get("dont_obey_robotstxt"):
            return None
        self.crawler.stats.inc_value(stats_keys.ROBOTSTXT_REUSED)
        return fetched.replace(request=request, flags=[*fetched.flags, REUSED])

    def process_response(self, request: Request, response: Response) -> Response:
        """Keeps the robots.txt response fetched for the rules (asked with
        ``dont_obey_robotstxt``, answered at the URL asked for)."""
        if (
            request.url.endswith("/robots.txt")  # a string test first: this sees every page
            and request.meta.get("dont_obey_robotstxt")
            and urlsplit(request.url).path == "/robots.txt"
            and response.url == request.url
        ):
            self.fetched.setdefault(request.url, response)
            if response.status >= 500 or response.status == 429:
                return self.unreachable(response)
        return response

    async def robot_parser(self, request: Request) -> RobotParser | None:
        """The rules for ``request``'s host, to every request that waited for them.

        Scrapy's middleware (2.19) has each request that comes while robots.txt is being
        fetched await the same Deferred turned into a Future, which consumes the result:
        the first waiter got the rules and every other one None, which allows anything.
        A URL list's or a shared crawl's first requests (several at once) went unchecked.
        Once the fetch is done the rules (or None: no rules) are in ``_parsers``."""
        parser = await super().robot_parser(request)
        settled = self._parsers.get(urlparse_cached(request).netloc, parser)
        return parser if isinstance(settled, Deferred) else settled

    def _forget(self, netloc: str, scheme: str) -> None:
        """Drop ``netloc``'s rules, too old to use: its next request fetches them again."""
        del self.read_at[netloc]
        if not isinstance(self._parsers.get(netloc), Deferred):  # not being fetched already
            self._parsers.pop(netloc, None)
            self.fetched.pop(f"{scheme}://{netloc}/robots.txt", None)
            self.crawler.stats.inc_value(stats_keys.ROBOTSTXT_REFRESHED)
            logger.info(
                "robots.txt of %s was read over %g s ago (ARCHIVE_ROBOTSTXT_MAX_AGE): "
                "reading it again",
                netloc,
                self.max_age,
            )

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        await super()._parse_robots(response, netloc, request)
        self.read_at[netloc] = time.monotonic()

    def unreachable(self, response: Response) -> Response:
        """The robots.txt ``response`` is a server error: the rules read from it are
        :data:`DISALLOW_ALL` (the spider's own request still gets the real answer)."""
        what = f"robots.txt at {response.url} answered HTTP {response.status}"
        self._disallow_all(urlsplit(response.url).netloc, what)
        return response.replace(body=DISALLOW_ALL)

    def _disallow_all(self, netloc: str, what: str | None) -> None:
        """Count a host whose robots.txt is unreachable and log ``what`` happened (None: it
        is logged elsewhere)."""
        self.crawler.stats.inc_value(stats_keys.ROBOTSTXT_UNREACHABLE)
        if what is not None:
            logger.error(
                "%s after its retries: taken as 'Disallow: /' (RFC 9309), nothing else is "
                "fetched from %s; crawl again once it answers",
                what,
                netloc,
            )

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        """robots.txt was not fetched: refused by a middleware (no rules, as in Scrapy), or
        a network error after its retries (:data:`DISALLOW_ALL`)."""
        self.read_at[netloc] = time.monotonic()  # the answer for now: asked again later
        if isinstance(exc, IgnoreRequest):
            super()._robots_error(exc, netloc)
            return
        kind = download_fault_kind(exc)
        # A host given up on as unreachable is logged so, once, by that middleware.
        given_up = kind in UNREACHABLE_KINDS
        what = f"robots.txt of {netloc} could not be fetched ({kind.replace('_', ' ')})"
        self._disallow_all(netloc, None if given_up else what)
        parser = self._parserimpl.from_crawler(self.crawler, DISALLOW_ALL)
        waiting = self._parsers[netloc]
        self._parsers[netloc] = parser
        if isinstance(waiting, Deferred):
            waiting.callback(parser)

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest:
            logger.info("Forbidden by robots.txt: %s", request.url)
            raise


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
NO_CONTACT = "no contact URL set"


class ContactUserAgentMiddleware(UserAgentMiddleware):
    """Sends ``USER_AGENT`` with ``{contact_url}`` replaced by ``ARCHIVE_CONTACT_URL``, so a
    site's operators can see who crawls them and how to reach them; warns when a crawl
    of a site that is not on loopback has no contact URL set."""

    contact_url: str | None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = super().from_crawler(crawler)
        middleware.contact_url = crawler.settings.get("ARCHIVE_CONTACT_URL")
        middleware.user_agent = user_agent(crawler.settings["USER_AGENT"], middleware.contact_url)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        super().spider_opened(spider)
        hosts = set(getattr(spider, "allowed_domains", None) or [])
        if not self.contact_url and not hosts <= LOOPBACK_HOSTS:
            logger.warning(
                "No contact URL in the User-Agent: set -s ARCHIVE_CONTACT_URL=<a page of "
                "yours> so the site's operators can reach you"
            )


def user_agent(template: str, contact_url: str | None) -> str:
    """``template`` with ``{contact_url}`` filled in.

    >>> user_agent("bot/1 (+{contact_url})", "https://example.org/bot")
    'bot/1 (+https://example.org/bot)'
    >>> user_agent("bot/1 (+{contact_url})", None)
    'bot/1 (+no contact URL set)'
    """
    return template.replace("{contact_url}", contact_url or NO_CONTACT)


# -- redirects ------------------------------------------------------------------------


class RedirectFaultsMixin:
    """Turns the redirect middlewares' silent outcomes into counted, logged faults: a
    redirect back to a URL of its own chain (a loop, otherwise dropped unseen by the
    duplicate filter) and a chain longer than ``REDIRECT_MAX_TIMES`` (a DEBUG line)."""

    crawler: Crawler

    def process_response(self, request: Request, response: Response) -> Request | Response:
        faults = ArchiveRun.of(self.crawler).faults
        try:
            result = super().process_response(request, response)  # type: ignore[misc]
        except IgnoreRequest as refused:
            faults.record(
                stats_keys.FAULTS_REDIRECT_TOO_MANY,
                "Gave up after %d redirects at %s",
                request.meta.get("redirect_times", 0),
                request.url,
            )
            raise TooManyRedirects(str(refused)) from refused
        if isinstance(result, Request) and result.url in {
            *result.meta.get("redirect_urls", ()),
            result.url if result.url == request.url else "",
        }:
            faults.record(
                stats_keys.FAULTS_REDIRECT_LOOP,
                "Redirect loop: %s leads back to %s",
                request.url,
                result.url,
            )
            raise RedirectLoop(f"redirect loop at {result.url}")
        return result


class FaultAwareRedirectMiddleware(RedirectFaultsMixin, RedirectMiddleware):  # type: ignore[misc]
    """Scrapy's ``RedirectMiddleware`` with loops and over-long chains counted."""


META_REFRESH_SCAN_CHARS = 4096
"""The characters of a page's text that Scrapy's ``get_meta_refresh`` reads
(``scrapy/utils/response.py``)."""
ASCII_BYTE_ENCODINGS = frozenset({"utf-8", "cp1252"})
"""Encodings (as w3lib resolves them; it reads ASCII and Latin-1 as cp1252) in which every
ASCII character of the text is its own byte of the body, at most 4 bytes per character."""


def may_declare_refresh(response: TextResponse) -> bool:
    """Whether Scrapy's ``get_meta_refresh`` could find a refresh in ``response``: False
    only when the bytes its text comes from lack ``refresh`` in any case.

    Scrapy decodes the whole page (``response.text``) and scans its first characters for
    ``<meta>`` tags, taking only one whose attributes hold ``refresh`` (lower-cased; no
    other character lower-cases to those letters). In UTF-8 and cp1252 those letters are
    bytes of the body, within the first ``4 * 4096`` bytes (after a 3-byte byte order
    mark): on nearly every page a search of those bytes gives the same answer for a
    tenth of the cost. Any other encoding or byte order mark: True, Scrapy decides.

    >>> page = b"<html><head><meta charset='utf-8'><title>Caf\\xc3\\xa9</title></head>"
    >>> may_declare_refresh(HtmlResponse("https://x.org/", body=page))
    False
    >>> may_declare_refresh(HtmlResponse("https://x.org/",
    ...     body=b'<meta http-equiv="REFRESH" content="0; url=/b/">'))
    True
    >>> may_declare_refresh(HtmlResponse("https://x.org/", body=page, encoding="utf-16"))
    True
    """
    encoding, start = text_decoding(response)
    if encoding not in ASCII_BYTE_ENCODINGS:
        return True
    return b"refresh" in response.body[: start + 4 * META_REFRESH_SCAN_CHARS].lower()


REFRESH_PAGE_WORDS = 50
"""Words of its own (:func:`own_words`) that make a page with a delayed refresh a page to
read. A refresh stub says a sentence ("This page has moved; you will be taken there in 5
seconds, or click here": under 20 words), and what a site's template adds around one is
mostly links (menus, lists of headlines) or in its header and footer: the fixture
archive's contact page, in the full template, has 24 words of its own; its shortest story
59. It is also the length under which the corpus report calls a record's body short
(``SHORT_BODY_WORDS``, crawler/reporting/corpus_quality.py): a story's worth of text."""

OWN_TEXT = etree.XPath(
    "//body//text()[not(ancestor::a or ancestor::nav or ancestor::header or ancestor::footer"
    " or ancestor::aside or ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::template)]",
    smart_strings=False,
)
"""The text of a page's ``<body>`` that is its own, not its site's: outside links (menus,
headline lists), ``<nav>``, ``<header>``, ``<footer>`` and ``<aside>``, and not code."""


def own_words(root: etree._Element) -> int:
    """Words of the page ``root`` that are its own (:data:`OWN_TEXT`), up to
    :data:`REFRESH_PAGE_WORDS` (a page's count stops there: a long page costs no more).

    >>> from crawler.extraction.parsing import parse_html
    >>> stub = (b"<html><head><meta http-equiv=refresh content='5; url=/new/'></head><body>"
    ...     b"<header><a href=/>The Gazette</a><nav><a href=/world/>World</a></nav></header>"
    ...     b"<p>This page has moved. You will be taken to its new address in five seconds,"
    ...     b" or <a href=/new/>follow this link</a></p>"
    ...     b"<footer><p>Copyright 2016 The Gazette. All rights reserved.</p></footer>")
    >>> own_words(parse_html(stub, "https://x.org/old/"))
    16
    >>> brief = b"<body><h1>Ferry timetable changed</h1><p>" + b"The ferry leaves later. " * 12
    >>> own_words(parse_html(brief, "https://x.org/a/")) == REFRESH_PAGE_WORDS
    True
    """
    words = 0
    for text in OWN_TEXT(root):
        words += len(text.split())
        if words >= REFRESH_PAGE_WORDS:
            return REFRESH_PAGE_WORDS
    return words


def is_page_to_read(response: HtmlResponse) -> bool:
    """Whether ``response`` has a story's worth of text of its own
    (:data:`REFRESH_PAGE_WORDS`): a page a reader reads while its refresh waits, not a
    stub that only sends them on."""
    markup = html_markup(response)
    return markup is not None and own_words(parse_html(markup, response.url)) >= REFRESH_PAGE_WORDS


REFRESH_HEADER = re.compile(
    r"\s*(\d+(?:\.\d*)?)\s*[;,]\s*(?:url\s*=\s*)?(.*)", re.IGNORECASE | re.DOTALL
)


def refresh_header(value: bytes | None) -> tuple[float, str] | None:
    """The delay and target (as written) of an HTTP ``Refresh`` header, the header form of
    ``<meta http-equiv="refresh">``; None without one, or without a target (a reload).

    >>> refresh_header(b"0; url=/2016/03/20/moved/"), refresh_header(b"5;URL='https://x.org/b'")
    ((0.0, '/2016/03/20/moved/'), (5.0, 'https://x.org/b'))
    >>> refresh_header(b"300"), refresh_header(b"soon; url=/x/"), refresh_header(None)
    (None, None, None)
    """
    match = REFRESH_HEADER.fullmatch(value.decode("latin-1")) if value else None
    if match is None:
        return None
    url = match[2].strip().strip("'\"").strip()
    return (float(match[1]), url) if url else None


META_REFRESH = "meta refresh"
HEADER_REFRESH = "Refresh header"


class PageRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's ``MetaRefreshMiddleware`` that reads a page to read and follows a stub's
    ``Refresh`` header (:class:`FaultAwareMetaRefreshMiddleware`)."""

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        """The request the page's refresh leads to, or the page itself."""
        if (
            not isinstance(response, HtmlResponse)
            or request.meta.get("dont_redirect", False)
            or request.method == "HEAD"
            or urlparse_cached(request).scheme not in HTTP_SCHEMES
        ):
            return response
        interval, url = get_meta_refresh(response, ignore_tags=self._ignore_tags)
        via = META_REFRESH
        if url is None or interval is None:
            header = refresh_header(response.headers.get(b"Refresh"))
            if header is None:
                return response
            interval, url, via = header[0], response.urljoin(header[1]), HEADER_REFRESH
        if urlsplit(url).scheme not in HTTP_SCHEMES or interval >= self._maxdelay:
            return response
        if (interval > 0 or via == HEADER_REFRESH) and is_page_to_read(response):
            ArchiveRun.of(self.crawler).faults.record(
                stats_keys.FAULTS_CONTENT_REFRESH_NOT_FOLLOWED,
                "A page to read at %s refreshes after %g s to %s; read as it is, "
                "its %s not followed",
                response.url,
                interval,
                url,
                via,
            )
            return response
        redirected = self._redirect_request_using_get(request, response, url)
        return self._redirect(redirected, request, via)


class FaultAwareMetaRefreshMiddleware(RedirectFaultsMixin, PageRefreshMiddleware):
    """Scrapy's ``MetaRefreshMiddleware`` with loops and over-long chains counted; a page
    that cannot declare a refresh (:func:`may_declare_refresh`) is handed on as Scrapy's
    middleware would hand it on, without decoding and scanning it first: that was a
    tenth of a millisecond of the crawl's process per page.

    A page with a story's worth of text (:func:`is_page_to_read`) whose refresh waits
    (``content="30; url=/"``: back to the front page, a reload with a cache-buster) is
    read, its refresh not followed (``faults/content/refresh_not_followed``): a browser
    shows the page during the wait, and Scrapy followed any refresh under
    ``METAREFRESH_MAXDELAY`` (100 s), so the story was lost (and a URL list's record was
    made of the front page). A stub still leads to its target, and a refresh of 0 s too
    (a browser leaves the page before it is shown).

    A page with no meta refresh is refreshed by its HTTP ``Refresh`` header
    (:func:`refresh_header`), which Scrapy ignores (the stub's target was never fetched),
    when it is a stub; a page to read is read as it is, whatever the delay (the header
    is new to the crawl: a story it read is not lost to it), and counted as above."""

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if (
            isinstance(response, HtmlResponse)
            and b"Refresh" not in response.headers
            and not may_declare_refresh(response)
        ):
            return response
        return super().process_response(request, response)


GZIP_ENCODINGS = frozenset({b"gzip", b"x-gzip"})
GZIP_MAGIC = b"\x1f\x8b"


def last_encoding(response: Response) -> bytes:
    """The content coding applied last (the one to undo first), lowercase; empty if none."""
    codings = b",".join(response.headers.getlist("Content-Encoding")).split(b",")
    return codings[-1].strip().lower()


def is_truncated_gzip(compressed: bytes, decompressed: bytes) -> bool:
    """Whether a gzip body ended before its stream did: Scrapy's ``gunzip`` gives what it
    could read of a cut-off stream without a word. A whole stream ends with the size of
    what it holds (modulo 2**32); where that disagrees (a cut stream, or several
    concatenated: rare), the stream is decompressed again strictly to tell.

    >>> import gzip
    >>> page = b"<p>" + b"A paragraph of the story. " * 400 + b"</p>"
    >>> whole = gzip.compress(page)
    >>> is_truncated_gzip(whole, page), is_truncated_gzip(whole[:-30], page[:9000])
    (False, True)
    >>> is_truncated_gzip(whole + gzip.compress(b"<p>more</p>"), page + b"<p>more</p>")
    False
    """
    if len(compressed) >= 8 and int.from_bytes(compressed[-4:], "little") == len(decompressed) % (
        1 << 32
    ):
        return False
    try:
        whole = zlib.decompressobj(wbits=31)
        data = compressed
        while data:
            whole.decompress(data)
            if not whole.eof:
                return True
            data = whole.unused_data
            whole = zlib.decompressobj(wbits=31)
    except zlib.error:
        return True
    return False


NOT_TEXT_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
"""Control bytes that no text page holds (tab, line feed, form feed, carriage return and
escape can be in one); a compressed stream's bytes are near-random, 1 in 10 of them one
of these."""
TEXT_SAMPLE_BYTES = 1024


def reads_as_text(body: bytes) -> bool:
    """Whether ``body`` opens as text (a page as a server sends it), not a compressed
    stream: its first :data:`TEXT_SAMPLE_BYTES` bytes hold none of :data:`NOT_TEXT_BYTES`
    (1,024 near-random bytes would hold none about once in 10**46).

    >>> import zlib
    >>> page = b"<!DOCTYPE html>\\n<html><body><p>Caf\\xc3\\xa9</p></body></html>"
    >>> reads_as_text(page), reads_as_text(zlib.compress(page * 40))
    (True, False)
    """
    return NOT_TEXT_BYTES.search(body, 0, TEXT_SAMPLE_BYTES) is None


class TruncatedGzip(IgnoreRequest):
    """A gzip body still cut short after its retries: the page is not kept."""


class BombSafeHttpCompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's decompression, which already stops at ``DOWNLOAD_MAXSIZE``; the stopped
    body (a gzip bomb) is also counted as ``faults/decompression``. And two faults of
    servers that Scrapy meets differently:

    - a body said to be gzip that is not (no gzip header: the page itself, as a
      misconfigured server sends it) failed with ``BadGzipFile`` after its retries, the
      article lost; it is read as it came (``faults/content/not_compressed``); so is a
      body said to be ``deflate``, ``br`` or ``zstd`` that does not decode in it and reads
      as text (:func:`reads_as_text`), which failed with the decoder's error (``error``,
      ``ZstdError``). A body that reads as neither, a broken stream, still fails;
    - a gzip body cut short (its length right, its stream not) gave the part Scrapy could
      read, a shorter page without a word; it is retried, then given up, as a body
      shorter than its ``Content-Length`` is (``faults/download/truncated_gzip``).
    """

    def __init__(self, *, crawler: Crawler) -> None:
        super().__init__(crawler=crawler)
        self.crawler = crawler

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        coding = last_encoding(response)
        gzipped = coding in GZIP_ENCODINGS and request.method != "HEAD"
        if gzipped and response.body and not response.body.startswith(GZIP_MAGIC):
            return self._not_compressed(response, coding)
        try:
            decoded = super().process_response(request, response)
        except IgnoreRequest:
            if self.stats is not None:
                self.stats.inc_value(stats_keys.FAULTS_DECOMPRESSION)
            raise
        except Exception:
            # Each decoder fails its own way (zlib.error, brotli.error, ZstdError): a
            # page that reads as text was not compressed, whatever its header says.
            if not reads_as_text(response.body):
                raise
            return self._not_compressed(response, coding)
        if (
            gzipped
            and isinstance(decoded, Response)
            and decoded is not response
            and is_truncated_gzip(response.body, decoded.body)
        ):
            return self._truncated(request, response)
        return decoded

    def _not_compressed(self, response: Response, coding: bytes) -> Response:
        ArchiveRun.of(self.crawler).faults.record(
            stats_keys.FAULTS_CONTENT_NOT_COMPRESSED,
            "Said to be %s, not compressed at %s; read as it came",
            coding.decode("latin-1"),
            response.url,
        )
        headers = response.headers.copy()
        del headers["Content-Encoding"]
        return response.replace(headers=headers)

    def _truncated(self, request: Request, response: Response) -> Request:
        spider = self.crawler.spider
        assert spider is not None
        retry = get_retry_request(request, spider=spider, reason="truncated_gzip")
        ArchiveRun.of(self.crawler).faults.record(
            stats_keys.FAULTS_DOWNLOAD_TRUNCATED_GZIP,
            "Gzip body cut short at %s (%s)",
            response.url,
            "will retry" if retry else "given up: the partial page is not kept",
        )
        if retry is None:
            raise TruncatedGzip(f"gzip body cut short: {response.url}")
        return retry


# -- download faults and retries ------------------------------------------------------

DOWNLOAD_FAULT_KINDS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    # Most specific first: a truncated body also loses its connection.
    ((DownloadTimeoutError, twisted_errors.TimeoutError, TimeoutError), "timeout"),
    ((ResponseDataLossError,), "data_loss"),
    ((DownloadConnectionRefusedError, twisted_errors.ConnectionRefusedError), "connection_refused"),
    ((CannotResolveHostError, twisted_errors.DNSLookupError), "dns"),
    (
        (
            twisted_errors.ConnectionLost,
            twisted_errors.ConnectionDone,
            ConnectionResetError,
            ConnectionAbortedError,
        ),
        "connection_lost",
    ),
    ((DownloadCancelledError,), "cancelled"),
    ((DownloadFailedError,), "failed"),
)


def download_fault_kind(exception: BaseException) -> str:
    """A short name for a download exception, e.g. ``timeout`` or ``too_large``.

    Scrapy wraps Twisted's transport errors (``DownloadFailedError`` from a
    ``ResponseFailed`` holding the failures), so the wrapped reasons are looked at first.
    """
    if isinstance(exception, DownloadCancelledError) and "max size" in str(exception):
        return "too_large"
    cause = exception.__cause__
    wrapped = [getattr(reason, "value", reason) for reason in getattr(cause, "reasons", [])]
    for types, kind in DOWNLOAD_FAULT_KINDS:
        if any(isinstance(candidate, types) for candidate in [exception, *wrapped, cause]):
            return kind
    return type(exception).__name__


NETWORK_FAULT_KINDS = frozenset(kind for _, kind in DOWNLOAD_FAULT_KINDS)
"""The download faults :func:`download_fault_kind` names (any other is its type's name)."""
UNREACHABLE_KINDS = frozenset({"connection_refused", "dns"})
"""Download faults that mean no connection to the host at all. Not a timeout: a host that
accepts connections may answer other pages (a robots.txt that hangs while pages load)."""


class HostUnreachable(IgnoreRequest):
    """A request dropped because its host was given up on (:class:`UnreachableHostMiddleware`)."""


class UnreachableHostMiddleware:
    """Gives up on a host that never answered: once a request to it fails for good (its
    retries spent) without a connection (refused, or no such host name) and nothing ever
    came back from it, every other request to it is dropped at once
    (:class:`HostUnreachable`), where each would have failed the same way after its own
    retries. A mistyped ``base_url`` took 2 min 22 s to end: robots.txt twice, the home
    page and three fallback sitemaps, four attempts each, AutoThrottle's ~6 s apart.

    Logged once per host at ERROR and counted as ``faults/unreachable_host/<kind>``; each
    dropped request as ``faults/unreachable_host/requests_dropped``. Like any page a site
    fails to serve, it is not a failure of the crawl (its exit status stays 0): the run
    and coverage reports say what was not fetched.
    A host that answered once (any status, a redirect too) is never given up on: a crawl
    rides out its site's outage with its retries, as before.

    Sits right after the host guard: a dropped request goes no further; and its
    ``process_exception`` runs after the retry middleware's, so it sees only failures
    that are final.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.answered: set[str] = set()
        """Hosts (``host[:port]``) that sent any response."""
        self.given_up: dict[str, str] = {}
        """Hosts given up on, and why."""
        crawler.signals.connect(self.headers_received, signal=signals.headers_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def headers_received(self, request: Request) -> None:
        """Any response's headers, before any middleware (a redirect's too)."""
        self.answered.add(urlparse_cached(request).netloc)

    def process_request(self, request: Request) -> None:
        if not self.given_up:  # every request passes here
            return
        host = urlparse_cached(request).netloc
        if host in self.given_up:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(stats_keys.FAULTS_UNREACHABLE_HOST_DROPPED)
            raise HostUnreachable(f"{host} is unreachable ({self.given_up[host]})")

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, IgnoreRequest):
            return
        host = urlparse_cached(request).netloc
        kind = download_fault_kind(exception)
        if kind not in UNREACHABLE_KINDS or host in self.answered or host in self.given_up:
            return
        self.given_up[host] = kind
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(f"{stats_keys.FAULTS_UNREACHABLE_HOST}{kind}")
        origins = ArchiveRun.of(self.crawler).allowed_origins
        if origins and urlsplit(origins[0]).netloc == host:
            # The site itself never answered: nothing of it was read (a typo in its port,
            # a server down), where the crawl exited 0 and -O emptied the last output.
            record_failure(stats, "site_unreachable")
        wayback = urlsplit(self.crawler.settings.get("WAYBACK_ENDPOINT") or "").netloc
        logger.error(
            "Cannot reach %s (%s, %d attempts at %s): nothing more is requested from it. "
            "Check the address, or crawl again once it answers%s",
            host,
            kind.replace("_", " "),
            request.meta.get("retry_times", 0) + 1,
            request.url,
            # A site gone for good is often still in the archive.
            ""
            if host == wayback
            else "; if the site is gone, read it from the Wayback Machine (-a source=wayback)",
        )


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or an HTTP date).

    >>> retry_after_seconds(b"120")
    120.0
    >>> retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0)
    10.0
    >>> retry_after_seconds(b"soon") is None, retry_after_seconds(b"\\xb9") is None  # "¹"
    (True, True)
    """
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isascii() and text.isdigit():  # not "¹", which str.isdigit() takes for a digit
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class DownloadFaultsMiddleware:
    """Counts and logs what the retry middleware is about to retry (or give up on): a
    retryable HTTP status, a failed download. Sits just before ``RetryMiddleware`` (550).

    A ``429``/``503`` with ``Retry-After`` holds its retry back that long, at most
    ``ARCHIVE_RETRY_AFTER_MAX`` seconds (Scrapy alone retries at once).
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.faults = ArchiveRun.of(crawler).faults
        self.retry_codes = {int(code) for code in settings.getlist("RETRY_HTTP_CODES")}
        self.retry_enabled = settings.getbool("RETRY_ENABLED")
        self.max_retry_times = settings.getint("RETRY_TIMES")
        self.retry_after_max = settings.getfloat("ARCHIVE_RETRY_AFTER_MAX")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in self.retry_codes:
            return response
        will_retry = self._will_retry(request)
        self.faults.record(
            f"{stats_keys.FAULTS_HTTP}{response.status}",
            "HTTP %d from %s (%s)",
            response.status,
            request.url,
            "will retry" if will_retry else "not retried",
        )
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if will_retry and wait:
            wait = min(wait, self.retry_after_max)
            self.crawler.stats.inc_value(stats_keys.FAULTS_RETRY_AFTER)
            logger.info("Waiting %.1f s before retrying %s (Retry-After)", wait, request.url)
            await asyncio.sleep(wait)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, IgnoreRequest):
            return  # a refusal by a middleware, not a download fault
        kind = download_fault_kind(exception)
        self.faults.record(
            f"{stats_keys.FAULTS_DOWNLOAD}{kind}",
            "Download failed (%s) for %s (%s)",
            kind,
            request.url,
            "will retry" if self._will_retry(request) else "not retried",
        )

    def _will_retry(self, request: Request) -> bool:
        if not self.retry_enabled or request.meta.get("dont_retry"):
            return False
        limit = request.meta.get("max_retry_times", self.max_retry_times)
        return request.meta.get("retry_times", 0) < limit


# -- content ----------------------------------------------------------------------------

WALL_STATUSES = frozenset({403, 429, 503})
"""The statuses bot-protection services serve their challenge and block pages with (a
wall served with 200 is found by the spider, once extraction finds no article)."""


def record_bot_wall(crawler: Crawler, vendor: str, url: str) -> None:
    """Count and log a page answered with a bot wall: one line naming the vendor and URL."""
    ArchiveRun.of(crawler).faults.record(
        f"{stats_keys.FAULTS_BOT_WALL}{vendor}",
        "Bot wall (%s) instead of the page at %s: not extracted; fetch it again later "
        "(another time, address or network) or from a Wayback Machine capture",
        vendor,
        url,
    )


class BotWallMiddleware:
    """A 403, 429 or 503 HTML page that is a bot wall (a Cloudflare "Just a moment...",
    a DataDome or PerimeterX CAPTCHA, Akamai's "Access Denied") is not an error to
    retry: it is counted as ``faults/bot_wall/<vendor>``, logged once, and handed to the
    request's errback as :class:`BotWall` (the retry middleware would ask the wall again
    three times). Sits before ``DownloadFaultsMiddleware`` on the way back."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in WALL_STATUSES or not isinstance(response, HtmlResponse):
            return response
        vendor = wall_vendor(response.body, response_headers(response))
        if vendor is None:
            return response
        record_bot_wall(self.crawler, vendor, response.url)
        raise BotWall(vendor, response.url)


XML_ENTITY_DECLARATION = re.compile(rb"<!DOCTYPE[^>\[]*\[.*?<!ENTITY", flags=re.DOTALL)
"""A DTD that declares entities: the shape of an entity-expansion ("billion laughs") bomb."""


def xml_syntax_error(body: bytes) -> str | None:
    """Why ``body`` is not well-formed XML, or ``None``. Text before the XML declaration
    is ignored: Yoast, for one, writes a comment there and every reader copes."""
    start = body.find(b"<?xml")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        etree.fromstring(body[start:] if start > 0 else body, parser=parser)
    except etree.XMLSyntaxError as error:
        return str(error)
    return None


def decodes_cleanly(body: bytes, encoding: str) -> bool:
    try:
        codecs.decode(body, encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def is_blank(body: bytes) -> bool:
    """Whether ``body`` is empty or only whitespace, without copying it as ``strip`` does.

    >>> is_blank(b""), is_blank(b" \\r\\n\\t"), is_blank(b"\\n<html>")
    (True, True, False)
    """
    return not body or body.isspace()


def text_decodes_cleanly(response: TextResponse) -> bool:
    """Whether the body is valid in ``response.encoding`` (a strict decode succeeds),
    without making the page's text: the crawl's process does not need it when a worker
    reads the page. ASCII bytes are valid in UTF-8 and cp1252 (the names w3lib resolves
    them to); UTF-8 is checked by :func:`is_utf8`; any other encoding is decoded."""
    body, encoding = response.body, response.encoding
    if encoding in ASCII_BYTE_ENCODINGS and body.isascii():
        return True
    if encoding == "utf-8":
        return is_utf8(body)
    return decodes_cleanly(body, encoding)


def header_charset(response: TextResponse) -> str | None:
    content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
    match = re.search(r"charset=[\"']?([\w.:-]+)", content_type, flags=re.IGNORECASE)
    return resolve_encoding(match.group(1)) if match else None


def is_utf8_name(encoding: str) -> bool:
    """Whether ``encoding`` names UTF-8 (``utf-8-sig`` too: the same text without a byte
    order mark); an unknown name does not.

    >>> is_utf8_name("utf-8"), is_utf8_name("UTF8"), is_utf8_name("cp1252"), is_utf8_name("x")
    (True, True, False, False)
    """
    try:
        return codecs.lookup(encoding).name in {"utf-8", "utf-8-sig"}
    except LookupError:
        return False


def is_utf8_under_another_charset(body: bytes, encoding: str) -> bool:
    """Whether ``body``, about to be decoded as ``encoding``, is UTF-8 text under another
    charset's name: ``encoding`` is not UTF-8, the body has no byte order mark (the
    byte-level truth, never overruled), has bytes beyond ASCII (ASCII reads the same in
    the charsets pages declare) and is valid UTF-8 throughout. Text in a single-byte or
    EUC/Shift-JIS-style charset almost never is once it has non-ASCII bytes: every lead
    byte would have to be followed by exactly the right continuation bytes, all through
    the page.

    >>> is_utf8_under_another_charset("Café “x”".encode(), "cp1252")
    True
    >>> is_utf8_under_another_charset("Café “x”".encode("cp1252"), "cp1252")
    False
    >>> is_utf8_under_another_charset("한국".encode("euc-kr"), "cp949")
    False
    >>> is_utf8_under_another_charset(b"Cafe", "cp1252")
    False
    >>> is_utf8_under_another_charset("Café".encode(), "utf-8")
    False
    >>> is_utf8_under_another_charset(b"\\xef\\xbb\\xbf" + "Café".encode(), "cp1252")
    False
    """
    return (
        not is_utf8_name(encoding)
        and not body.isascii()
        and read_bom(body)[0] is None
        and is_utf8(body)
    )


BINARY_MEDIA_TOP_TYPES = frozenset({"image", "audio", "video", "font"})
BINARY_MEDIA_TYPES = frozenset({"application/pdf", "application/octet-stream", "application/zip"})


UNTYPED_MEDIA_TYPE = "application/octet-stream"
"""What a server says of a file whose type it does not know: a misconfigured one, of its
HTML pages too."""
HTML_START = re.compile(
    rb"(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL
)


BINARY_SIGNATURES = (
    b"\xff\xd8\xff",  # JPEG
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"%PDF-",
    b"PK\x03\x04",  # ZIP, and the office formats in one
    b"\x1f\x8b",  # gzip, not undone (no Content-Encoding said so)
)
"""How the files a server may send in place of a page begin, whatever it calls them."""


def is_file_in_disguise(response: Response) -> bool:
    """Whether a response its server calls text is a file: its body opens with the
    signature of one (:data:`BINARY_SIGNATURES`: an image, a PDF, an archive).

    >>> page = HtmlResponse("https://x.org/", body=b"\\xff\\xd8\\xff\\xe0JFIF", encoding="utf-8")
    >>> is_file_in_disguise(page), is_file_in_disguise(page.replace(body=b"<p>x</p>"))
    (True, False)
    """
    return response.body.startswith(BINARY_SIGNATURES)


def media_type(response: Response) -> str:
    """The media type the response declares (``Content-Type`` without its parameters)."""
    content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
    return content_type.split(";", 1)[0].strip()


def is_untyped_html(response: Response) -> bool:
    """Whether the response is an HTML page its server calls ``application/octet-stream``:
    its body opens as an HTML document does (``<!DOCTYPE html``, ``<html``).

    >>> page = HtmlResponse("https://x.org/", body=b"\\n<!DOCTYPE html><p>x</p>",
    ...     headers={"Content-Type": "application/octet-stream"})
    >>> is_untyped_html(page), is_untyped_html(page.replace(body=b"%PDF-1.4"))
    (True, False)
    """
    return media_type(response) == UNTYPED_MEDIA_TYPE and bool(
        HTML_START.match(response.body[:1024])
    )


def is_binary(response: Response) -> bool:
    """Whether the declared media type is a document or file that is never text (an HTML
    page declared ``application/octet-stream`` is text: :func:`is_untyped_html`)."""
    declared = media_type(response)
    if declared in BINARY_MEDIA_TYPES:
        return not is_untyped_html(response)
    return declared.split("/", 1)[0] in BINARY_MEDIA_TOP_TYPES


def as_binary(response: TextResponse) -> Response:
    """The same response as a plain ``Response``, which the spider knows is not HTML."""
    return Response(
        url=response.url,
        status=response.status,
        headers=response.headers,
        body=response.body,
        flags=response.flags,
        request=response.request,
        ip_address=response.ip_address,
        protocol=response.protocol,
    )


class CharsetFault(NamedTuple):
    """A page decoded with another charset than Scrapy resolved: the stats key, the log
    line (its first argument the page's URL, then ``args``) and the encoding to use."""

    key: str
    message: str
    args: tuple[str, ...]
    encoding: str


LOCALE_CHARSETS = {
    **dict.fromkeys(("ar", "fa"), "windows-1256"),
    **dict.fromkeys(
        ("ba", "be", "bg", "kk", "ky", "mk", "ru", "sah", "sr", "tg", "tt", "uk"), "windows-1251"
    ),
    **dict.fromkeys(("cs", "hr", "sk"), "windows-1250"),
    **dict.fromkeys(("hu", "pl", "sl"), "iso-8859-2"),
    **dict.fromkeys(("et", "lt", "lv"), "windows-1257"),
    **dict.fromkeys(("ku", "tr"), "windows-1254"),
    "el": "iso-8859-7",
    "he": "windows-1255",
    "ja": "shift_jis",
    "ko": "euc-kr",
    "th": "windows-874",
    "vi": "windows-1258",
    "zh": "gb18030",
}
"""The charset a browser gives a page that declares none, by the language of its locale:
the HTML standard's table of suggested defaults (13.2.3.2); windows-1252 for the others,
and Big5 for Chinese in Taiwan and Hong Kong (:data:`TRADITIONAL_CHINESE`)."""
TRADITIONAL_CHINESE = frozenset({"tw", "hk", "mo", "hant"})
DEFAULT_LEGACY_CHARSET = "windows-1252"
HTML_LANG = re.compile(
    rb"<html\b[^>]*?\slang\s*=\s*[\"']?([a-z]{2,3})(?:[-_]([a-z]{2,4}))?", re.IGNORECASE
)
HTML_LANG_SCAN_BYTES = 4096
"""Bytes read for ``<html lang>``, as w3lib reads a ``<meta>`` charset."""
GUESS_TIE = 0.02
"""How much more "chaos" (charset_normalizer's measure of implausible text, 0 to 1) than
the best guess's a preferred charset may read to be taken instead."""


def legacy_charset(body: bytes) -> str:
    """The charset of a page that declares none and is not UTF-8: among the charsets
    charset_normalizer finds its text as plausible in as in its best guess (within
    :data:`GUESS_TIE`), the one a browser would default to for the page's language
    (:data:`LOCALE_CHARSETS`): its ``<html lang>``, else the language its text reads as
    (:func:`charset_of_text`); else windows-1252, the web's most common legacy charset;
    else charset_normalizer's best. Its best alone, which Scrapy decodes with, takes
    windows-1250 over windows-1252 on a tie: "crème" read as "crčme", "não" as "năo".

    >>> legacy_charset("<p>Le café crème est très apprécié, où l’on déjeune tôt.</p>".encode("cp1252"))
    'windows-1252'
    >>> legacy_charset("<p>Вчера в Москве прошло совещание по экономике страны.</p>".encode("cp1251"))
    'cp1251'
    >>> legacy_charset('<html lang="pl"><p>Zażółć gęślą jaźń, powiedział żółw w Łodzi.</p>'.encode("cp1250"))
    'cp1250'
    """
    preferred = [DEFAULT_LEGACY_CHARSET]
    language = HTML_LANG.search(body[:HTML_LANG_SCAN_BYTES])
    if language is not None:
        code, region = language.group(1).decode().lower(), (language.group(2) or b"").decode()
        traditional = code == "zh" and region.lower() in TRADITIONAL_CHINESE
        preferred.insert(
            0, "big5" if traditional else LOCALE_CHARSETS.get(code, DEFAULT_LEGACY_CHARSET)
        )
    matches = from_bytes(body)
    best = matches.best()
    if best is None:  # no charset reads it cleanly: what a browser would use, bytes replaced
        return preferred[0]
    tied = [match for match in matches if match.chaos <= best.chaos + GUESS_TIE]
    if language is None and len(tied) > 1:
        told = charset_of_text(body, [str(match.encoding) for match in tied])
        if told is not None:
            preferred.insert(0, told)
    for charset in preferred:
        name = codecs.lookup(charset).name
        for match in tied:
            if name in {codecs.lookup(candidate).name for candidate in match.could_be_from_charset}:
                return charset
    return str(best.encoding)


TEXT_GUESSES = 8
"""The plausible charsets a page's text is read in to tell its language, best first."""
TEXT_SCAN_BYTES = 65536
"""The start of the page read in each charset: its text's language shows there, and a
huge page is not decoded eight times over."""
TEXT_CHARACTERS = 1000
"""The text read in each: enough to tell a language (and a third of the time of the
3,000 characters the record's language is told from), for every page of a site that
declares no charset."""
NOT_TEXT = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.IGNORECASE | re.DOTALL)


def charset_of_text(body: bytes, charsets: list[str]) -> str | None:
    """The charset a browser would default to for the language the page's text reads as
    (:data:`LOCALE_CHARSETS`), read in each of ``charsets`` (those it is equally plausible
    in): the language read with the best score per character. Turkish in windows-1254
    reads as windows-1252 too ("açýkladý" for "açıkladı"), and Hebrew in windows-1255 as
    Mac Greek or KOI8-R, all of them clean bytes; as Turkish and as Hebrew they read best.
    None for a text too short to tell (:data:`~crawler.extraction.language.MIN_CHARACTERS`).

    >>> turkish = "Hükümet dün ekonomiye yönelik yeni önlemleri açıkladı. " * 5
    >>> charset_of_text(turkish.encode("cp1254"), ["cp1252", "cp1254", "cp1250"])
    'windows-1254'
    """
    start = body[:TEXT_SCAN_BYTES]
    texts = {start.decode(charset, "replace"): charset for charset in charsets[:TEXT_GUESSES]}
    if len(texts) == 1:  # they read it alike (an English page's quotes): nothing to tell
        return None
    told: dict[str, float] = {}
    for markup in texts:
        text = " ".join(NOT_TEXT.sub(" ", markup).split())
        if len(text) < MIN_CHARACTERS:
            return None
        text = text[:TEXT_CHARACTERS]
        scores = language_scores(text)
        language = max(scores, key=scores.__getitem__)
        locale_charset = LOCALE_CHARSETS.get(language, DEFAULT_LEGACY_CHARSET)
        told[locale_charset] = max(
            told.get(locale_charset, -math.inf), scores[language] / len(text)
        )
    return max(told, key=told.__getitem__) if told else None


CONFLICT = "Charset conflict at %s: HTTP header says %s, <meta> says %s; decoding as %s"
UNDECLARED = "No charset declared at %s, and the bytes are not UTF-8; decoding as %s"
OVERRULED = "Charset overruled at %s: %s, but the bytes are UTF-8; decoding as utf-8"


def charset_fault(response: HtmlResponse) -> CharsetFault | None:
    """What the crawl decodes ``response`` with instead of what Scrapy resolved, and
    the one fault that is; None (nearly every page) to decode it as Scrapy would.

    An HTTP charset contradicting the ``<meta>`` one: whichever of the two the bytes are
    valid in, UTF-8 first (``charset_conflict``). Then, if the charset the page would be
    decoded with (the one chosen, or the one Scrapy resolved: header, then ``<meta>``) is
    not UTF-8 but the bytes are (:func:`is_utf8_under_another_charset`): UTF-8
    (``charset_overruled``, naming both charsets of a conflict). trafilatura reads such
    pages right; a stale ``AddDefaultCharset ISO-8859-1`` or a copied ``<meta>`` would
    otherwise turn every "é" into "Ã©". A page that declares no charset and is not UTF-8:
    the charset a browser would read it in (:func:`legacy_charset`, ``charset_undeclared``).
    A byte order mark decides alone. A page Scrapy
    decodes as UTF-8 costs nothing but what Scrapy resolves anyway; only one declaring
    another charset has its bytes checked.

    >>> page = "<meta charset='iso-8859-1'><p>Café</p>".encode()
    >>> charset_fault(HtmlResponse("https://x.org/", body=page)).args
    ('the <meta> says cp1252',)
    >>> charset_fault(HtmlResponse("https://x.org/", body=page.decode().encode("latin-1")))
    """
    body = response.body
    declared = header_charset(response)
    in_page = None
    if declared:
        in_page = html_body_declared_encoding(body)
        meta = resolve_encoding(in_page) if in_page else None
        if meta and codecs.lookup(declared) != codecs.lookup(meta):
            if read_bom(body)[0] is not None:
                return None  # the byte order mark decides, whatever either says
            candidates = sorted(
                {declared, meta}, key=lambda name: codecs.lookup(name).name != "utf-8"
            )
            chosen = next((c for c in candidates if decodes_cleanly(body, c)), declared)
            if is_utf8_under_another_charset(body, chosen):
                both = f"the HTTP header says {declared}, the <meta> says {meta}"
                return CharsetFault(
                    stats_keys.FAULTS_CONTENT_CHARSET_OVERRULED, OVERRULED, (both,), "utf-8"
                )
            return CharsetFault(
                stats_keys.FAULTS_CONTENT_CHARSET_CONFLICT,
                CONFLICT,
                (declared, meta, chosen),
                chosen,
            )
    encoding = response.encoding
    if encoding == "utf-8":
        return None
    if (
        not declared
        and read_bom(body)[0] is None
        and html_body_declared_encoding(body) is None
        and not body.isascii()
        and not is_utf8(body)
    ):
        charset = legacy_charset(body)
        return CharsetFault(
            stats_keys.FAULTS_CONTENT_CHARSET_UNDECLARED, UNDECLARED, (charset,), charset
        )
    if not is_utf8_under_another_charset(body, encoding):
        return None
    if not declared:
        in_page = html_body_declared_encoding(body)
    by = (
        "the HTTP header"
        if declared == encoding
        else "the <meta>"
        if in_page == encoding
        else "the response"
    )
    return CharsetFault(
        stats_keys.FAULTS_CONTENT_CHARSET_OVERRULED, OVERRULED, (f"{by} says {encoding}",), "utf-8"
    )


def decoded_as_crawled(response: HtmlResponse) -> HtmlResponse:
    """``response`` decoded with the charset the crawl decodes it with
    (:func:`charset_fault`), for code that reads a page outside a crawl (tests, benches).

    >>> page = "<meta charset='iso-8859-1'><title>Café</title>".encode()
    >>> decoded_as_crawled(HtmlResponse("https://x.org/", body=page)).css("title::text").get()
    'Café'
    """
    fault = charset_fault(response)
    return response if fault is None else response.replace(encoding=fault.encoding)


class EmptyBody(IgnoreRequest):
    """An HTML page still empty after its retries: a failure that may pass (an overloaded
    server's blank 200), held for the late round as a 503 is."""


class ContentFaultsMiddleware:
    """Checks the (decompressed) body of each 200 response before the spider sees it.

    - a PDF, image or other binary type is handed on as a plain ``Response``: Scrapy
      would guess "text" for some of them, and the spider would parse bytes as HTML;

    - an empty HTML page (an overloaded server's blank 200) is retried like a 503, and
      fails as one after its retries (:class:`EmptyBody`);
    - bytes that are not valid in the page's charset are counted: Scrapy would replace
      them with U+FFFD without a word;
    - the charset a page is decoded with is settled once (:func:`charset_fault`), one
      fault at most: an HTTP charset that contradicts the page's ``<meta>`` is counted,
      and the page is decoded with whichever of the two its bytes are valid in (UTF-8
      first); a charset other than UTF-8 (declared, or the two of a conflict) over bytes
      that are valid UTF-8, not all ASCII, is overruled: counted, and the page read as
      UTF-8; one that declares no charset and is not UTF-8 is counted, and read in the
      charset a browser would read it in. A byte order mark decides alone;
    - an XML response that declares entities (an expansion bomb) is refused, one that is
      not well-formed (a cut-off sitemap) is counted.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.faults = ArchiveRun.of(crawler).faults

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status != 200 or not isinstance(response, TextResponse):
            return response
        if is_binary(response):
            return as_binary(response)
        # A gzipped sitemap served as XML or text is read as one (the spider undoes the gzip).
        if (
            not isinstance(response, XmlResponse)
            and not urlsplit(response.url).path.endswith(".gz")
            and is_file_in_disguise(response)
        ):
            self.faults.record(
                stats_keys.FAULTS_CONTENT_FILE_AS_TEXT,
                "A file (%r…) served as %s at %s; not read as a page",
                response.body[:8],
                media_type(response) or "text",
                response.url,
            )
            return as_binary(response)
        if is_untyped_html(response):
            self.faults.record(
                stats_keys.FAULTS_CONTENT_UNTYPED_HTML,
                "An HTML page served as %s at %s; read as HTML",
                UNTYPED_MEDIA_TYPE,
                response.url,
            )
        if isinstance(response, HtmlResponse) and is_blank(response.body):
            return self._empty_page(request, response)
        if response.body.startswith(GZIP_MAGIC):
            return response  # a gzipped sitemap served as XML or text: the spider inflates it
        if isinstance(response, XmlResponse) or response.url.endswith(".xml"):
            self._check_xml(response)
        if isinstance(response, HtmlResponse):
            response = self._settle_charset(response)
        if not text_decodes_cleanly(response):
            self.faults.record(
                stats_keys.FAULTS_CONTENT_INVALID_BYTES,
                "Bytes not valid %s in %s; shown as U+FFFD",
                response.encoding,
                response.url,
            )
        return response

    def _check_xml(self, response: TextResponse) -> None:
        if XML_ENTITY_DECLARATION.search(response.body[:65536]):
            self.faults.record(
                stats_keys.FAULTS_CONTENT_XML_ENTITIES,
                "Refused %s: it declares XML entities (an expansion bomb?)",
                response.url,
            )
            raise IgnoreRequest(f"XML with entity declarations: {response.url}")
        error = xml_syntax_error(response.body)
        if error:
            self.faults.record(
                stats_keys.FAULTS_CONTENT_MALFORMED_XML,
                "Malformed XML in %s (%s); the spider reads what it can",
                response.url,
                error,
            )

    def _empty_page(self, request: Request, response: Response) -> Request:
        spider = self.crawler.spider
        assert spider is not None
        retry = get_retry_request(request, spider=spider, reason="empty_body")
        self.faults.record(
            stats_keys.FAULTS_CONTENT_EMPTY,
            "Empty page (HTTP 200, no body) at %s (%s)",
            response.url,
            "will retry" if retry else "given up",
        )
        if retry is None:
            # A failure, as a 503's last retry is: handed on, the blank page was read as a
            # page without an article, and an article's was not asked again at the end.
            raise EmptyBody(f"empty page: {response.url}")
        return retry

    def _settle_charset(self, response: HtmlResponse) -> HtmlResponse:
        fault = charset_fault(response)
        if fault is None:
            return response
        self.faults.record(fault.key, fault.message, response.url, *fault.args)
        return response.replace(encoding=fault.encoding)


__all__ = [
    "BombSafeHttpCompressionMiddleware",
    "BotWallMiddleware",
    "ContactUserAgentMiddleware",
    "ContentFaultsMiddleware",
    "DownloadFaultsMiddleware",
    "EmptyBody",
    "FaultAwareMetaRefreshMiddleware",
    "FaultAwareRedirectMiddleware",
    "HostGuardMiddleware",
    "LoggedRobotsTxtMiddleware",
    "TruncatedGzip",
]
