"""``-a source=wayback``: read a site's archive from the Wayback Machine's captures.

1. Enumerate the site's URLs with the CDX API: prefix match on the host, HTML only,
   status 200, collapsed per URL, ``from``/``to`` from ``-a since``/``-a until``, paging
   through the whole result with resume keys.
2. For each article URL, list its captures (newest first) and fetch them in raw form
   (``/web/<timestamp>id_/<url>``: no toolbar, no link rewriting) until one is a real
   article: redirects, soft-404s and pages without article markup are skipped, counted
   by reason, and the next capture is tried.

Records keep the original article URL as ``url`` and carry ``capture`` provenance.
The endpoint is the ``WAYBACK_ENDPOINT`` setting; politeness towards the archive is the
``DOWNLOAD_SLOTS`` entry for its host in ``crawler/settings.py``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.settings import BaseSettings

from crawler.discovery.daterange import DateRange
from crawler.discovery.multisite import CrawlSites
from crawler.discovery.urls import SiteAddress
from crawler.reporting import stats_keys
from crawler.reporting.outcomes import Outcome, OutcomeKind
from crawler.runtime.run import ArchiveRun
from crawler.sites.base import SiteProfile, UrlKind

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class Capture:
    timestamp: str
    original: str
    status: str
    mimetype: str


def cdx_rows(response: Response) -> tuple[list[dict[str, str]], str | None]:
    """Rows of a CDX ``output=json`` answer as dicts, and the resume key if more follow."""
    text = response.text.strip()
    data: list[list[str]] = json.loads(text) if text else []
    if not data:
        return [], None
    header, rows, resume_key = data[0], data[1:], None
    if len(rows) >= 2 and rows[-2] == [] and len(rows[-1]) == 1:
        resume_key, rows = rows[-1][0], rows[:-2]
    return [dict(zip(header, row, strict=False)) for row in rows if row], resume_key


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
    def parse_wayback_index(self) -> Callable[..., Any]: ...
    @property
    def parse_wayback_captures(self) -> Callable[..., Any]: ...
    @property
    def parse_wayback_capture(self) -> Callable[..., Any]: ...
    @property
    def wayback_capture_failed(self) -> Callable[..., Any]: ...


class WaybackSource:
    """Builds the CDX and capture requests; the spider's callbacks delegate here."""

    def __init__(self, spider: WaybackSpider, endpoint: str, page_size: int) -> None:
        self.spider = spider
        self.endpoint = endpoint.rstrip("/")
        self.page_size = page_size
        self.public_host = urlsplit(spider.address.public).hostname or ""
        self.urls_seen: set[str] = set()

    @classmethod
    def from_spider(cls, spider: WaybackSpider, settings: BaseSettings) -> WaybackSource:
        return cls(
            spider, settings.get("WAYBACK_ENDPOINT"), settings.getint("WAYBACK_CDX_PAGE_SIZE")
        )

    @property
    def host(self) -> str:
        return urlsplit(self.endpoint).hostname or ""

    @property
    def stats(self) -> Any:
        return self.spider.crawler.stats

    def _date_params(self) -> list[tuple[str, str]]:
        date_range = self.spider.date_range
        params = []
        if date_range.since:
            params.append(("from", f"{date_range.since:%Y%m%d}"))
        if date_range.until:
            params.append(("to", f"{date_range.until:%Y%m%d}235959"))
        return params

    def _cdx_url(self, params: list[tuple[str, str]]) -> str:
        return f"{self.endpoint}/cdx/search/cdx?{urlencode(params)}"

    def start_requests(self) -> Iterator[Request]:
        yield self.index_request(resume_key=None)

    def index_request(self, resume_key: str | None) -> Request:
        """One page of the site's URL index."""
        params = [
            ("url", f"{self.public_host}/"),
            ("matchType", "prefix"),
            ("output", "json"),
            ("fl", "original,timestamp,statuscode,mimetype"),
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
            self._cdx_url(params), callback=self.spider.parse_wayback_index, dont_filter=True
        )

    def parse_index(self, response: Response) -> Iterator[Request]:
        rows, resume_key = cdx_rows(response)
        self.stats.inc_value(stats_keys.WAYBACK_INDEX_PAGES)
        for row in rows:
            key = self.spider.sites.listed_key(row["original"])
            if key in self.urls_seen or not self.spider.address.is_on_site(key):
                continue
            self.urls_seen.add(key)
            if self.spider.profile.classify_url(key) is not UrlKind.ARTICLE:
                self.stats.inc_value(stats_keys.WAYBACK_URLS_NOT_ARTICLES)
                continue
            self.stats.inc_value(stats_keys.WAYBACK_ARTICLE_URLS)
            self.spider.run.coverage.listed(key, "wayback")
            yield self.captures_request(key, row["original"])
        if resume_key:
            yield self.index_request(resume_key)

    def captures_request(self, key: str, original: str) -> Request:
        """Every capture of one URL; redirects and errors included, to be skipped by name."""
        parts = urlsplit(original)
        params = [
            ("url", f"{parts.hostname}{parts.path or '/'}"),
            ("matchType", "exact"),
            ("output", "json"),
            ("fl", "timestamp,original,statuscode,mimetype"),
            *self._date_params(),
        ]
        return Request(
            self._cdx_url(params),
            callback=self.spider.parse_wayback_captures,
            cb_kwargs={"key": key},
            dont_filter=True,
        )

    def parse_captures(self, response: Response, key: str) -> Iterator[Request]:
        rows, _ = cdx_rows(response)
        captures = sorted(
            (
                Capture(
                    r["timestamp"], r["original"], r.get("statuscode", ""), r.get("mimetype", "")
                )
                for r in rows
            ),
            key=lambda c: c.timestamp,
            reverse=True,
        )
        request = self.next_capture_request(key, captures)
        if request is not None:
            yield request

    def next_capture_request(self, key: str, captures: list[Capture]) -> Request | None:
        """Request the newest remaining capture that may be an article; None when none is."""
        for index, capture in enumerate(captures):
            if capture.status != "200":
                reason = (
                    "redirect" if capture.status.startswith("3") else f"status_{capture.status}"
                )
                self.skip(capture, reason)
            elif capture.mimetype != "text/html":
                self.skip(capture, "not_html")
            else:
                return Request(
                    f"{self.endpoint}/web/{capture.timestamp}id_/{capture.original}",
                    callback=self.spider.parse_wayback_capture,
                    errback=self.spider.wayback_capture_failed,
                    cb_kwargs={"key": key, "capture": capture, "remaining": captures[index + 1 :]},
                    meta={"dont_redirect": True, "handle_httpstatus_list": list(REDIRECT_STATUSES)},
                    dont_filter=True,
                    priority=10,
                )
        self.stats.inc_value(stats_keys.WAYBACK_URLS_WITHOUT_USABLE_CAPTURE)
        self.spider.run.coverage.outcome(key, Outcome(OutcomeKind.FAILED, "no_usable_capture"))
        logger.warning("No usable capture of %s in the Wayback Machine", key)
        return None

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
