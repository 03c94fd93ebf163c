"""Log lines that name the page, not the whole record (bodies run to thousands of words)."""

from __future__ import annotations

import logging
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from scrapy.logformatter import LogFormatter, LogFormatterResult


def level_number(level: str | int) -> int:
    """A ``LOG_LEVEL`` as the number ``logging`` compares.

    >>> level_number("INFO"), level_number("debug"), level_number(logging.WARNING)
    (20, 10, 30)
    """
    return level if isinstance(level, int) else logging.getLevelNamesMapping()[level.upper()]


class ArticleLogFormatter(LogFormatter):
    """Scrapy's log lines, a record named by its URL; and the page's and the record's
    DEBUG lines ("Crawled (200)", "Scraped") not made at all when ``LOG_LEVEL`` hides
    them: Scrapy makes each log record before its handler drops it by level, and at two a
    page that was 2% of the crawl's process (a ``None`` tells Scrapy to log nothing).

    >>> from scrapy.http import HtmlResponse
    >>> page, record = HtmlResponse("https://x.org/a/", body=b""), {"url": "https://x.org/a/"}
    >>> ArticleLogFormatter("DEBUG").scraped(record, page)["args"]["url"]
    'https://x.org/a/'
    >>> ArticleLogFormatter("INFO").scraped(record, page) is None
    True
    """

    def __init__(self, log_level: str | int = logging.DEBUG) -> None:
        self.shows_debug = level_number(log_level) <= logging.DEBUG

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.settings.get("LOG_LEVEL"))

    def crawled(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> LogFormatterResult | None:
        if not self.shows_debug:
            return None
        return super().crawled(request, response, spider)

    def dropped(
        self, item: Any, exception: BaseException, response: Any, spider: Any = None
    ) -> LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        result["msg"] = "Dropped: %(exception)s"
        return result

    def scraped(  # type: ignore[override]
        self, item: Any, response: Any, spider: Any = None
    ) -> LogFormatterResult | None:
        if not self.shows_debug:
            return None
        result = super().scraped(item, response, spider)
        result["msg"] = "Scraped %(url)s from %(src)s"
        result["args"] = {**dict(result["args"]), "url": ItemAdapter(item).get("url")}
        return result
