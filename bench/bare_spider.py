"""The baseline: a bare Scrapy spider that follows an archive's links and yields each
page's title and ``//p`` text, with nothing of ours in it (run it outside the project
folder, so Scrapy's defaults apply rather than ``crawler/settings.py``).

    scrapy runspider bench/bare_spider.py -a base_url=http://127.0.0.1:8080/ -O pages.jsonl

It follows every link to the site (its public origin or ``base_url``) whose path is a
page (ends in ``/``) and has no query, except feeds and ``/wp-*`` folders; links to the
public origin are rebased to ``base_url`` by a string prefix swap. Like our spider it
obeys robots.txt and uses 16 connections, no delay.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse

PUBLIC_ORIGIN = "https://eng-archive.aawsat.com"


class BareSpider(Spider):
    name = "bare"
    custom_settings = {  # noqa: RUF012 (Scrapy reads a plain dict)
        "AUTOTHROTTLE_ENABLED": False,
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

    async def start(self) -> Any:
        yield Request(self.base_url + "/")

    def parse(self, response: Response) -> Iterator[Request | dict[str, Any]]:
        if not isinstance(response, TextResponse):
            return
        yield {
            "url": response.url,
            "title": response.xpath("string(//title)").get(),
            "text": " ".join(response.xpath("//p//text()").getall()),
        }
        for href in response.xpath("//a/@href").getall():
            url = response.urljoin(href)
            if url.startswith(PUBLIC_ORIGIN):
                url = self.base_url + url[len(PUBLIC_ORIGIN) :]
            if self._is_page(url):
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
