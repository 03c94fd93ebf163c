"""``-a source=wayback``: read a site's archive from the Wayback Machine's captures.

1. Enumerate the site's URLs with the CDX API: prefix match on the host, HTML only,
   status 200, collapsed per URL, ``from`` from ``-a since``, paging through the whole
   result with resume keys. With ``-a urls=`` (or ``-a url=``), the listed URLs instead,
   of one site or many (``scrapy crawl archive -a urls=…``): dead links read from their
   captures.
2. For each article URL the index names, fetch its first capture of an HTML page with a
   200 (the index row's: the article as it was published, and no query for its
   captures: one request an article, where it took two). If that is no article, or for
   a URL of a list, list its captures (newest first; of consecutive captures with the
   same content, one) and fetch them in raw form (``/web/<timestamp>id_/<url>``: no
   toolbar, no link rewriting) until one is a real article: redirects, soft-404s and
   pages without article markup are skipped, counted by reason, and the next capture is
   tried, up to ``WAYBACK_CAPTURES_PER_URL`` fetched (a gone site's URL can have years of
   captures of a parking page, each a little different).

Records keep the original article URL as ``url`` and carry ``capture`` provenance.
The endpoint is the ``WAYBACK_ENDPOINT`` setting; politeness towards the archive is the
``DOWNLOAD_SLOTS`` entry for its host in ``crawler/settings.py``.

The archive is often busy. A CDX query whose answer is no table (an HTML "temporarily
offline" page served with a 200, a table cut short) is counted
(``faults/wayback/cdx_unreadable``) and asked again as Scrapy retries a 503. A query or
a capture that failed its retries in a way that may pass (a 5xx, a 429, a timeout) is
held and asked again at the end of the crawl (``crawler/spiders/late_retries.py``). Then:

- an index page that still fails ends the list of the site's URLs there: that is an
  ERROR, counted as ``failures/wayback_index`` (the crawl exits 1), since nothing else
  would tell that the URLs after it are missing;
- a URL whose captures cannot be listed is a failed article
  (``articles/failed/wayback_cdx_<kind>``, in the coverage report);
- a capture that cannot be fetched is skipped for the next one to try
  (``wayback/captures_skipped/failed_<kind>``).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote, urlencode, urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import Response
from scrapy.settings import BaseSettings

from crawler.discovery.daterange import DateRange
from crawler.discovery.multisite import CrawlSites
from crawler.discovery.urls import SiteAddress
from crawler.reporting import stats_keys
from crawler.reporting.outcomes import Outcome, OutcomeKind
from crawler.runtime.exit_status import record_failure
from crawler.runtime.run import ArchiveRun
from crawler.sites.base import SiteProfile, UrlKind
from crawler.spiders.late_retries import LateRetries

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = (301, 302, 303, 307, 308)
CDX_UNREADABLE = "cdx_unreadable"
"""Why a CDX answer is asked again: it is no table (``faults/wayback/cdx_unreadable``)."""


@dataclass(frozen=True)
class Capture:
    timestamp: str
    original: str
    status: str
    mimetype: str


def is_fetched(capture: Capture) -> bool:
    """Whether the capture is fetched when its turn comes: a 200 of an HTML page (the
    CDX index tells the others apart)."""
    return capture.status == "200" and capture.mimetype == "text/html"


REPLAY_PATH = re.compile(r"^/web/(?P<timestamp>\d{1,14}\*?|\*)(?:[a-z]{2}_)?/(?P<original>.+)$")
"""A Wayback Machine replay's path: ``/web/<timestamp>[flag_]/<original URL>``; a
timestamp cut short (``/web/2015/…``: the nearest capture) or a calendar
(``/web/2017*/…``) names no one capture. The original as citations write it too: without
its scheme (:data:`HOST_FIRST`), or percent-encoded (:func:`listed_capture`)."""
HOST_FIRST = re.compile(r"[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+(?::\d+)?(?:/|$)")
CAPTURE_TIMESTAMP = re.compile(r"\d{14}")


def listed_capture(url: str, endpoint: str) -> Capture | None:
    """The capture a listed URL replays, when it is the Wayback Machine's (``endpoint``'s,
    or web.archive.org's) with its timestamp: a list of archive links, as citations and
    Wikipedia's references give them.

    >>> listed_capture("https://web.archive.org/web/20150101000000/http://x.org/a/?p=1",
    ...     "https://web.archive.org")
    Capture(timestamp='20150101000000', original='http://x.org/a/?p=1', status='200', mimetype='text/html')
    >>> listed_capture("http://archive.org/web/20150101000000/http://x.org/a/", "https://web.archive.org")
    >>> listed_capture("https://x.org/web/20150101000000/http://x.org/a/", "https://web.archive.org")
    >>> listed_capture("https://web.archive.org/web/2015/http://x.org/a/", "https://web.archive.org")
    Capture(timestamp='2015', original='http://x.org/a/', status='200', mimetype='text/html')

    As older citations write them: the archive's old host name, the original without its
    scheme, or percent-encoded whole:

    >>> [listed_capture(u, "https://web.archive.org").original for u in (
    ...     "http://wayback.archive.org/web/20150101000000/http://x.org/a/",
    ...     "https://web.archive.org/web/20150101000000/x.org/a/",
    ...     "https://web.archive.org/web/20150101000000/http%3A%2F%2Fx.org%2Fa%2F")]
    ['http://x.org/a/', 'http://x.org/a/', 'http://x.org/a/']
    """
    parts = urlsplit(url)
    hosts = {urlsplit(endpoint).netloc, "web.archive.org", "wayback.archive.org"}
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if parts.netloc not in hosts or (found := REPLAY_PATH.match(path)) is None:
        return None
    original = found["original"]
    if original.lower().startswith(("http%3a", "https%3a")):
        original = unquote(original)
    if HOST_FIRST.match(original):
        original = f"http://{original}"
    if not original.startswith(("http://", "https://")):
        return None
    return Capture(found["timestamp"], original, "200", "text/html")


class CdxUnreadable(ValueError):
    """A CDX answer that is no ``output=json`` table: an error page, a table cut short."""


def cdx_rows(body: bytes) -> tuple[list[dict[str, str]], str | None]:
    """Rows of a CDX ``output=json`` answer as dicts, and the resume key if more follow.

    >>> cdx_rows(b'[["original","timestamp"],["http://x.org/a","2015"],[],["k1"]]')
    ([{'original': 'http://x.org/a', 'timestamp': '2015'}], 'k1')
    >>> cdx_rows(b"  "), cdx_rows(b"[]")
    (([], None), ([], None))
    >>> cdx_rows(b"<html><h1>Wayback Machine is temporarily offline</h1>")
    Traceback (most recent call last):
    crawler.spiders.wayback.CdxUnreadable: not JSON: <html><h1>Wayback Machine is temporarily offline</h1>
    >>> cdx_rows(b'[["original","timestamp"],["http://x.org/a","20')
    Traceback (most recent call last):
    crawler.spiders.wayback.CdxUnreadable: not JSON: [["original","timestamp"],["http://x.org/a","20
    >>> cdx_rows(b'[["original","timestamp"],["http://x.org/a"]]')
    ([{'original': 'http://x.org/a'}], None)
    """
    try:
        data = json.loads(body) if body.strip() else []
    except ValueError:  # JSONDecodeError, or bytes that are no Unicode
        raise CdxUnreadable(f"not JSON: {body[:80].decode('utf-8', 'replace')}") from None
    if not isinstance(data, list) or not all(isinstance(row, list) for row in data):
        raise CdxUnreadable(f"not a table: {body[:80].decode('utf-8', 'replace')}")
    if not data:
        return [], None
    header, rows, resume_key = data[0], data[1:], None
    if len(rows) >= 2 and rows[-2] == [] and len(rows[-1]) == 1:
        resume_key, rows = rows[-1][0], rows[:-2]
    # A row of other fields than the header's is one bad row, not a bad answer: the rest of
    # the page and its resume key are read (:meth:`WaybackSource.row_unreadable`).
    return [dict(zip(header, row, strict=False)) for row in rows], resume_key


class WaybackSpider(Protocol):
    """What a Wayback source reads from its spider (read-only). The callbacks must stay
    spider methods: ``JOBDIR`` restores a request's callback by name on the spider."""

    @property
    def crawler(self) -> Crawler: ...
    @property
    def address(self) -> SiteAddress: ...
    @property
    def date_range(self) -> DateRange: ...
    @property
    def profile(self) -> SiteProfile: ...
    @property
    def sites(self) -> CrawlSites: ...
    @property
    def run(self) -> ArchiveRun: ...
    @property
    def late_retries(self) -> LateRetries | None: ...
    @property
    def parse_wayback_index(self) -> Callable[..., Any]: ...
    @property
    def parse_wayback_captures(self) -> Callable[..., Any]: ...
    @property
    def parse_wayback_capture(self) -> Callable[..., Any]: ...
    @property
    def wayback_capture_failed(self) -> Callable[..., Any]: ...
    @property
    def wayback_query_failed(self) -> Callable[..., Any]: ...


class WaybackSource:
    """Builds the CDX and capture requests; the spider's callbacks delegate here."""

    def __init__(
        self, spider: WaybackSpider, endpoint: str, page_size: int, captures_per_url: int
    ) -> None:
        self.spider = spider
        self.endpoint = endpoint.rstrip("/")
        self.page_size = page_size
        self.captures_per_url = captures_per_url
        self.urls_seen: set[str] = set()
        self.resume_keys: set[str] = set()
        """The index's resume keys followed: one it gives again would page it for ever."""
        self.unsure: dict[str, Capture] = {}
        """Of each listed article, its first capture that only looked unlike an article:
        read as it when no other capture is one (:meth:`unsure_capture`)."""

    @classmethod
    def from_spider(cls, spider: WaybackSpider, settings: BaseSettings) -> WaybackSource:
        return cls(
            spider,
            settings.get("WAYBACK_ENDPOINT"),
            settings.getint("WAYBACK_CDX_PAGE_SIZE"),
            settings.getint("WAYBACK_CAPTURES_PER_URL"),
        )

    @property
    def host(self) -> str:
        return urlsplit(self.endpoint).hostname or ""

    @property
    def stats(self) -> Any:
        return self.spider.crawler.stats

    def _date_params(self) -> list[tuple[str, str]]:
        """``-a since`` as the captures' ``from``: a page is captured after it is
        published. Not ``-a until`` as their ``to``: an article published by then is
        often captured only later (each record is checked on its own date)."""
        since = self.spider.date_range.since
        return [("from", f"{since:%Y%m%d}")] if since else []

    def _cdx_url(self, params: list[tuple[str, str]]) -> str:
        return f"{self.endpoint}/cdx/search/cdx?{urlencode(params)}"

    def start_requests(self) -> Iterator[Request]:
        yield self.index_request(resume_key=None)

    def index_request(self, resume_key: str | None) -> Request:
        """One page of the site's URL index."""
        params = [
            ("url", f"{urlsplit(self.spider.address.public).hostname or ''}/"),
            ("matchType", "prefix"),
            ("output", "json"),
            # urlkey too: without it the CDX server's resume key is "-+<timestamp>", which
            # starts the scan over (internetarchive/wayback#121).
            ("fl", "urlkey,original,timestamp,statuscode,mimetype"),
            ("filter", "statuscode:200"),
            ("filter", "mimetype:text/html"),
            ("collapse", "urlkey"),
            ("showResumeKey", "true"),
            ("limit", str(self.page_size)),
            *self._date_params(),
        ]
        if resume_key:
            params.append(("resumeKey", resume_key))
        return Request(
            self._cdx_url(params),
            callback=self.spider.parse_wayback_index,
            errback=self.spider.wayback_query_failed,
            dont_filter=True,
        )

    def parse_index(self, response: Response) -> Iterator[Request]:
        if not response.body.strip() and "resumeKey=" in response.url:
            # The index said more follows: an empty answer is a failed one, not its end
            # (the rest of the site's URLs had been left out, without a word).
            empty = CdxUnreadable("an empty answer to a page the index said follows")
            yield from self.unreadable(response, empty)
            return
        answer = yield from self.cdx_answer(response)
        if answer is None:
            return
        rows, resume_key = answer
        self.stats.inc_value(stats_keys.WAYBACK_INDEX_PAGES)
        for row in rows:
            try:
                key = self.spider.sites.listed_key(row["original"])
                first = Capture(row["timestamp"], row["original"], "200", "text/html")
            except (KeyError, ValueError) as error:
                self.row_unreadable(row, error)
                continue
            if key in self.urls_seen or not self.spider.address.is_on_site(key):
                continue
            if self.spider.profile.classify_url(key) is not UrlKind.ARTICLE:
                self.urls_seen.add(key)
                self.stats.inc_value(stats_keys.WAYBACK_URLS_NOT_ARTICLES)
                continue
            # The index row is the URL's first capture of an HTML page with a 200: read
            # at once, its captures are listed only if it is no article.
            request = self.article_request(row["original"], "wayback", first)
            if request is not None:
                yield request
        if resume_key in self.resume_keys:
            record_failure(self.stats, stats_keys.FAILURE_WAYBACK_INDEX)
            logger.error(
                "The Wayback Machine's index of the site gave the resume key %r again, at "
                "%s: not paging it further, and the URLs it lists after that page are not "
                "crawled",
                resume_key,
                response.url,
            )
        elif resume_key:
            self.resume_keys.add(resume_key)
            yield self.index_request(resume_key)

    def row_unreadable(self, row: dict[str, str], error: Exception) -> None:
        """A row of the index no URL can be made of (a field missing, a port that is no
        number): skipped and counted, where it had ended the index, every URL after it
        lost with "Coverage 100%"."""
        self.stats.inc_value(stats_keys.WAYBACK_INDEX_ROWS_UNREADABLE)
        logger.warning("A row of the Wayback Machine's index is unreadable (%r): %s", error, row)

    def article_request(
        self, url: str, source: str, first: Capture | None = None
    ) -> Request | None:
        """The request for the article at ``url``, listed by ``source`` (the archive's
        index, or the user's URL list: ``-a urls=`` with ``-a source=wayback`` reads each
        listed article from its captures): its ``first`` capture, when the index named
        it, else the query for its captures; None if it was asked for already."""
        key = self.spider.sites.listed_key(url)
        if key in self.urls_seen:
            return None
        self.urls_seen.add(key)
        self.stats.inc_value(stats_keys.WAYBACK_ARTICLE_URLS)
        self.spider.run.coverage.listed(key, source)
        if first is not None:
            return self.capture_request(key, first, None, 0)
        return self.captures_request(key, url)

    def listed_capture_request(self, capture: Capture) -> Request | None:
        """The request for a capture a URL list names (:func:`listed_capture`): that one
        first, the article's other captures if it is no article; a link that names no one
        capture (``/web/2015/…``, ``/web/*/…``), the article's captures."""
        if CAPTURE_TIMESTAMP.fullmatch(capture.timestamp):
            return self.article_request(capture.original, "url_list", capture)
        return self.article_request(capture.original, "url_list")

    def captures_request(self, key: str, original: str, tried: Capture | None = None) -> Request:
        """Every capture of one URL; redirects and errors included, to be skipped by name;
        but the one ``tried`` already."""
        parts = urlsplit(original)
        query = f"?{parts.query}" if parts.query else ""  # a PHP site's article number
        params = [
            ("url", f"{parts.hostname}{parts.path or '/'}{query}"),
            ("matchType", "exact"),
            ("output", "json"),
            ("fl", "timestamp,original,statuscode,mimetype"),
            # Of consecutive captures with the same content, one: a page captured daily
            # for years, unchanged, is not fetched again for each.
            ("collapse", "digest"),
            *self._date_params(),
        ]
        return Request(
            self._cdx_url(params),
            callback=self.spider.parse_wayback_captures,
            errback=self.spider.wayback_query_failed,
            cb_kwargs={"key": key, "tried": tried},
            dont_filter=True,
        )

    def parse_captures(
        self, response: Response, key: str, tried: Capture | None = None
    ) -> Iterator[Request]:
        answer = yield from self.cdx_answer(response)
        if answer is None:
            return
        rows, _ = answer
        captures = sorted(
            (
                Capture(
                    r["timestamp"], r["original"], r.get("statuscode", ""), r.get("mimetype", "")
                )
                for r in rows
                if "timestamp" in r
                and "original" in r  # a row cut short: not a capture
                and (tried is None or r["timestamp"] != tried.timestamp)
            ),
            key=lambda c: c.timestamp,
            reverse=True,
        )
        request = self.next_capture_request(key, captures, 0 if tried is None else 1)
        if request is not None:
            yield request

    def after_capture(
        self, key: str, capture: Capture, remaining: list[Capture] | None, tried: int
    ) -> Request | None:
        """What to ask for once ``capture`` is no article (or failed): the next older of
        the URL's ``remaining`` captures, or, after the index's first capture (whose
        others are not listed yet), the list of the others."""
        if remaining is None:
            return self.captures_request(key, capture.original, tried=capture)
        return self.next_capture_request(key, remaining, tried)

    def next_capture_request(
        self, key: str, captures: list[Capture], tried: int = 0
    ) -> Request | None:
        """Request the newest remaining capture that may be an article, ``tried`` of the
        URL's captures having been fetched; where none is, its newest capture of a
        redirect (a URL listed without its trailing slash, a WordPress shortlink: the
        article is where it leads, :meth:`redirected`); None when neither is, or the URL's
        ``captures_per_url`` were fetched."""
        redirect = None  # the newest capture of a redirect: where the article went
        for index, capture in enumerate(captures):
            if capture.status.startswith("3") and redirect is None:
                redirect = capture
            elif capture.status != "200":
                reason = (
                    "redirect" if capture.status.startswith("3") else f"status_{capture.status}"
                )
                self.skip(capture, reason)
            elif capture.mimetype != "text/html":
                self.skip(capture, "not_html")
            elif tried >= self.captures_per_url:
                left = sum(1 for older in captures[index:] if is_fetched(older))
                self.stats.inc_value(stats_keys.WAYBACK_CAPTURES_NOT_TRIED, left)
                logger.info(
                    "%s: %d older captures not tried (WAYBACK_CAPTURES_PER_URL=%d)",
                    key,
                    left,
                    self.captures_per_url,
                )
                break
            else:
                return self.capture_request(key, capture, captures[index + 1 :], tried)
        if redirect is not None and tried < self.captures_per_url:
            return self.capture_request(key, redirect, [], tried)
        if (unsure := self.unsure.pop(key, None)) is not None:
            return self.capture_request(key, unsure, [], tried)  # the last: extracted
        if redirect is not None:
            self.skip(redirect, "redirect")
        self.stats.inc_value(stats_keys.WAYBACK_URLS_WITHOUT_USABLE_CAPTURE)
        self.spider.run.coverage.outcome(key, Outcome(OutcomeKind.FAILED, "no_usable_capture"))
        logger.warning("No usable capture of %s in the Wayback Machine (%d tried)", key, tried)
        return None

    def unsure_capture(self, key: str, capture: Capture) -> None:
        """``capture`` of the listed article ``key`` looks unlike an article (no article
        markup), and older ones are left to try: if none of them is one, it is fetched
        again, last, and read as the article (a URL list says it is one)."""
        self.unsure.setdefault(key, capture)

    def redirected(
        self,
        key: str,
        capture: Capture,
        location: str,
        remaining: list[Capture] | None,
        tried: int,
    ) -> Iterator[Request]:
        """A capture that replays a redirect to ``location``: the Wayback Machine's own, to
        the capture nearest a timestamp that is none (a citation's), which is fetched; or
        one it archived, to the article's own address (a URL listed without its trailing
        slash, a shortlink), whose captures are read, and whose outcome is the listed
        URL's. Skipped were both: the article lost, or the URL's newest capture read in
        place of the one cited."""
        target = listed_capture(urljoin(f"{self.endpoint}/", location), self.endpoint)
        original = target.original if target else urljoin(capture.original, location)
        target_key = self.spider.sites.listed_key(original)
        if target_key == key:
            if (
                target is not None
                and CAPTURE_TIMESTAMP.fullmatch(target.timestamp)
                and target.timestamp != capture.timestamp
                and tried < self.captures_per_url
            ):
                yield self.capture_request(key, target, remaining, tried)
                return
        elif self.spider.sites.site_of(original).address.is_on_site(original):
            logger.info(
                "Capture %s of %s replays a redirect to %s: reading its captures",
                capture.timestamp,
                key,
                original,
            )
            self.spider.run.coverage.follows(key, target_key)
            request = self.article_request(original, "redirect")
            if request is not None:
                yield request
            return
        self.skip(capture, "redirect")
        request = self.after_capture(key, capture, remaining, tried)
        if request is not None:
            yield request

    def capture_request(
        self, key: str, capture: Capture, remaining: list[Capture] | None, tried: int
    ) -> Request:
        """The raw replay of ``capture``, the URL's ``tried + 1``-th fetched; ``remaining``:
        its older captures, None when they are not listed yet."""
        return Request(
            f"{self.endpoint}/web/{capture.timestamp}id_/{capture.original}",
            callback=self.spider.parse_wayback_capture,
            errback=self.spider.wayback_capture_failed,
            cb_kwargs={
                "key": key,
                "capture": capture,
                "remaining": remaining,
                "tried": tried + 1,
            },
            meta={
                "dont_redirect": True,
                "handle_httpstatus_list": list(REDIRECT_STATUSES),
                # Retried once where older captures are known: the next one is likelier to
                # serve than a capture that failed twice (Scrapy's 3 retries, 4 attempts).
                **({"max_retry_times": 1} if remaining else {}),
            },
            dont_filter=True,
            priority=10,
        )

    def cdx_answer(
        self, response: Response
    ) -> Generator[Request, None, tuple[list[dict[str, str]], str | None] | None]:
        """The rows and resume key of a CDX answer (:func:`cdx_rows`), the query counted as
        answered; None for one that is no table, asked again (:meth:`unreadable`: the
        retry is this generator's to yield)."""
        try:
            answer = cdx_rows(response.body)
        except CdxUnreadable as unreadable:
            yield from self.unreadable(response, unreadable)
            return None
        self.answered(response)
        return answer

    def answered(self, response: Response) -> None:
        """A CDX answer read: recovered, if its query was held for a late round."""
        if self.spider.late_retries is not None:
            self.spider.late_retries.fetched(response.meta)

    def unreadable(self, response: Response, unreadable: CdxUnreadable) -> Iterator[Request]:
        """A CDX answer that is no table: asked again while it has retries left, as
        Scrapy retries a 503; then held for the end of the crawl, or failed."""
        self.stats.inc_value(stats_keys.FAULTS_WAYBACK_CDX_UNREADABLE)
        request = response.request
        assert request is not None  # a callback's response has its request
        retry = get_retry_request(request, spider=self.spider, reason=CDX_UNREADABLE)  # type: ignore[arg-type]
        # Each retry at INFO: the last is a WARNING, or an ERROR if the index fails.
        logger.log(
            logging.INFO if retry is not None else logging.WARNING,
            "The Wayback Machine answered a CDX query with no table (%s)%s: %s",
            unreadable,
            ": asked again" if retry is not None else "",
            response.url,
        )
        if retry is not None:
            yield retry
            return
        late = self.spider.late_retries
        if late is None or not late.hold_passing(request, "Wayback CDX query", CDX_UNREADABLE):
            self.query_failed(request, CDX_UNREADABLE)

    def query_failed(self, request: Request, kind: str) -> None:
        """A CDX query that failed for good (``kind``): an index page ends the list of the
        site's URLs; a URL's captures, its article."""
        if request.callback == self.spider.parse_wayback_index:
            record_failure(self.stats, stats_keys.FAILURE_WAYBACK_INDEX)
            logger.error(
                "The Wayback Machine's index of the site failed (%s) at %s: the URLs it "
                "lists after that page are not crawled",
                kind,
                request.url,
            )
            return
        key = request.cb_kwargs["key"]
        failed = f"wayback_cdx_{kind.removeprefix('cdx_')}"
        self.stats.inc_value(f"{stats_keys.ARTICLES_FAILED}{failed}")
        logger.warning("Captures of %s could not be listed (%s): %s", key, kind, request.url)
        self.spider.run.coverage.outcome(key, Outcome(OutcomeKind.FAILED, failed))

    def skip(self, capture: Capture, reason: str) -> None:
        self.stats.inc_value(f"{stats_keys.WAYBACK_CAPTURES_SKIPPED}{reason}")
        logger.info("Skipped capture %s of %s: %s", capture.timestamp, capture.original, reason)

    def tried(self, capture: Capture) -> None:
        self.stats.inc_value(stats_keys.WAYBACK_CAPTURES_TRIED)

    def used(self, capture: Capture) -> dict[str, str]:
        self.stats.inc_value(stats_keys.WAYBACK_CAPTURES_USED)
        return {
            "timestamp": capture.timestamp,
            "url": f"{self.endpoint}/web/{capture.timestamp}id_/{capture.original}",
        }
