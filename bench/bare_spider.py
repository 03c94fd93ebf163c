"""The baseline: the fastest fair bare Scrapy spider, with nothing of ours in it. It
fetches every page of an archive and extracts nothing (run it outside the project folder,
so Scrapy's defaults apply rather than ``crawler/settings.py``).

    scrapy runspider bench/bare_spider.py -a base_url=http://127.0.0.1:8080/

It follows every link to the site (its public origin or ``base_url``) whose path is a
page (ends in ``/``) and has no query, except feeds and ``/wp-*`` folders; links to the
public origin are rebased to ``base_url`` by a string prefix swap. A page repeats the
site's menus and sidebars (hundreds of links on a real archive), so each link is looked
up in a plain set of the absolute ``href`` strings already seen before any other work,
and a ``Request`` is yielded only for a URL not seen before: repeats never reach Scrapy's
spider middlewares and duplicate filter. Links are read with one compiled XPath over the parsed
page (no ``Selector`` per link). Like our spider it obeys robots.txt and uses 16
connections, no delay, sets Python's garbage collector as ours does and, as ours does,
lets a parsed page go with its response.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from scrapy import Request, Spider
from scrapy.http import Response, TextResponse

PUBLIC_ORIGIN = "https://eng-archive.aawsat.com"
LINK_HREFS = etree.XPath("//a/@href", smart_strings=False)
GC_THRESHOLD = 10_000  # ours: ARCHIVE_GC_THRESHOLD


def set_collector_as_ours() -> None:
    """The garbage collector set as ours sets it (``crawler/runtime/collector.py``): any
    spider could, and with Python's defaults this one was ~6% slower."""
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, middle, oldest)


class BareSpider(Spider):
    name = "bare"
    custom_settings = {  # noqa: RUF012 (Scrapy reads a plain dict)
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_ITEMS": 16,  # as ours: Scrapy's 100 start 100 asyncio tasks per page
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "DOWNLOAD_DELAY": 0,
        "FEED_EXPORT_ENCODING": "utf-8",
        "LOG_LEVEL": "INFO",
        "ROBOTSTXT_OBEY": True,
        "TELNETCONSOLE_ENABLED": False,
    }

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")
        self.allowed_domains = [urlsplit(self.base_url).hostname or ""]
        self.seen_hrefs: set[str] = set()
        self.seen_urls: set[str] = set()

    async def start(self) -> Any:
        set_collector_as_ours()
        yield Request(self.base_url + "/")

    def parse(self, response: Response) -> Iterator[Request]:
        if not isinstance(response, TextResponse):
            return
        seen_hrefs, seen_urls = self.seen_hrefs, self.seen_urls
        hrefs = LINK_HREFS(response.selector.root)
        # Freed with the response, as ours frees a page (drop_parsed_page): the cached
        # selector refers back to the response, a cycle only the cyclic collector frees.
        response._cached_selector = None
        for href in hrefs:
            if href in seen_hrefs:
                continue
            if href.startswith(("http://", "https://")):  # a relative one means one per page
                seen_hrefs.add(href)
            url = response.urljoin(href)
            if url.startswith(PUBLIC_ORIGIN):
                url = self.base_url + url[len(PUBLIC_ORIGIN) :]
            if url not in seen_urls and self._is_page(url):
                seen_urls.add(url)
                yield Request(url)

    def _is_page(self, url: str) -> bool:
        parts = urlsplit(url)
        return (
            url.startswith(self.base_url)
            and not parts.query
            and parts.path.endswith("/")
            and "/feed/" not in parts.path
            and not parts.path.startswith("/wp-")
        )
