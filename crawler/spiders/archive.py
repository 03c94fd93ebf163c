"""Walks a site's archive and hands article pages to the site profile.

The spider only decides what to fetch: the home page, every listing linked from a page
(categories, tags, authors, date archives, with their pagination), the sitemaps named in
robots.txt (index → sub-sitemaps), and every article those lead to. What a page *means*
is the profile's job; what a record *looks like* is the pipelines' job.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

from lxml import etree
from scrapy import Request, Spider
from scrapy.exceptions import UsageError
from scrapy.http import Response, TextResponse, XmlResponse
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure

from crawler.items import ArticleItem
from crawler.sites.base import SiteProfile, UrlKind
from crawler.urls import SiteAddress, canonicalize_url

logger = logging.getLogger(__name__)

ARTICLE_PRIORITY = 10
"""Fetch known articles before more listings, so output grows steadily on long crawls."""


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class ArchiveSpider(Spider):
    """Crawls the archive of ``profile``'s site; ``-a base_url=URL`` fetches it from a copy."""

    profile: ClassVar[SiteProfile]

    def __init__(self, *args: Any, base_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        try:
            self.address = SiteAddress.of(self.profile.public_origin, base_url)
        except ValueError as error:
            raise UsageError(f"-a base_url: {error}; e.g. http://127.0.0.1:8000/") from None
        self.allowed_domains = [self.address.served_host]

    async def start(self) -> AsyncIterator[Request]:
        yield Request(
            self.address.served_url("robots.txt"),
            callback=self.parse_robots,
            errback=self.robots_failed,
        )
        yield Request(self.address.served_url("/"), callback=self.parse_listing)

    # -- sitemaps -------------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterator[Request]:
        urls = list(sitemap_urls_from_robots(response.body, base_url=response.url))
        if not urls:
            logger.info("robots.txt names no sitemap; trying %s", self.profile.fallback_sitemaps)
            yield from self._fallback_sitemaps()
        for url in urls:
            yield self._sitemap_request(url)

    def robots_failed(self, failure: Failure) -> Iterator[Request]:
        logger.warning(
            "robots.txt could not be read (%s); trying fallback sitemaps", failure.getErrorMessage()
        )
        yield from self._fallback_sitemaps()

    def _fallback_sitemaps(self) -> Iterator[Request]:
        for path in self.profile.fallback_sitemaps:
            yield self._sitemap_request(self.address.served_url(path))

    def _sitemap_request(self, url: str) -> Request:
        return Request(self.address.to_served(url), callback=self.parse_sitemap)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        sitemap = self._read_sitemap(response)
        if sitemap is None:
            self.crawler.stats.inc_value("sitemaps/invalid")
            logger.warning("Ignoring invalid sitemap %s", response.url)
            return
        self.crawler.stats.inc_value(f"sitemaps/{sitemap.type}")
        for entry in sitemap:
            loc = entry.get("loc", "").strip()
            if not loc:
                continue
            if sitemap.type == "sitemapindex":
                yield self._sitemap_request(loc)
                continue
            request = self._request_for(loc)
            if request is None:
                self.crawler.stats.inc_value("sitemaps/skipped_urls")
            else:
                yield request

    def _read_sitemap(self, response: Response) -> Sitemap | None:
        body: bytes | None = response.body
        if gzip_magic_number(response):
            try:
                body = gunzip(response.body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except OSError:
                return None
        elif not isinstance(response, XmlResponse) and not response.url.endswith(".xml"):
            body = None
        if not body:
            return None
        try:
            sitemap = Sitemap(body)
        except (AttributeError, ValueError, etree.XMLSyntaxError):
            return None
        return sitemap if sitemap.type in {"sitemapindex", "urlset"} else None

    # -- listings and articles -------------------------------------------------------

    def parse_listing(self, response: Response) -> Iterator[Request]:
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("pages/not_html")
            return
        yield from self._follow_links(response)

    def parse_article(self, response: Response) -> Iterator[Request | ArticleItem]:
        stats = self.crawler.stats
        if not isinstance(response, TextResponse):
            stats.inc_value("pages/not_html")
            logger.warning("Not an HTML page at an article URL: %s", response.url)
            return
        yield from self._follow_links(response)
        page = self.profile.article_page(response, self.address.to_public(response.url))
        reason = page.not_article_reason()
        if reason is not None:
            stats.inc_value(f"pages/not_article/{reason}")
            logger.info("Not an article (%s): %s", reason, response.url)
            return
        try:
            item = page.to_item()
        except Exception:
            # One broken page must not end a crawl of thousands; it is logged and counted.
            stats.inc_value("articles/dropped/extraction_error")
            logger.exception("Extraction failed for %s", response.url)
            return
        item.fetched_at = utc_now()
        stats.inc_value("articles/extracted")
        yield item

    def _follow_links(self, response: TextResponse) -> Iterator[Request]:
        seen: set[str] = set()
        for href in response.xpath("//a/@href").getall():
            request = self._request_for(response.urljoin(href))
            if request is not None and request.url not in seen:
                seen.add(request.url)
                yield request

    def _request_for(self, url: str) -> Request | None:
        """A request for an on-site article or listing URL; ``None`` for anything else."""
        if not url.startswith(("http://", "https://")) or not self.address.is_on_site(url):
            return None
        url = canonicalize_url(self.address.to_served(url))
        kind = self.profile.classify_url(url)
        if kind is UrlKind.ARTICLE:
            return Request(url, callback=self.parse_article, priority=ARTICLE_PRIORITY)
        if kind is UrlKind.LISTING:
            return Request(url, callback=self.parse_listing)
        return None
