"""Emit only articles published inside the crawl's ``-a since`` / ``-a until`` range."""

from __future__ import annotations

import logging
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.reporting import stats_keys
from crawler.reporting.outcomes import DropArticle, DropReason
from crawler.runtime.run import ArchiveRun

logger = logging.getLogger(__name__)


class DateRangePipeline:
    """Checks each article's own ``published`` date against the crawl's date range.

    Out of range: dropped as ``out_of_date_range`` (counted ``articles/filtered/...``); a
    date known only to the month (``published_precision`` ``month``) is out of range when
    no day of its month is in it.
    No date at all: kept, since nothing says it is out of range, and counted as
    ``date_range/undated_kept`` so a user can find them.
    Not installed when the range is open (no ``-a since`` / ``-a until``): it would pass
    every record on, at a cost per record.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.date_range = ArchiveRun.of(crawler).date_range

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if ArchiveRun.of(crawler).date_range.is_open:
            raise NotConfigured  # no "Disabled" warning: an open range is the default
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        date_range = self.date_range
        adapter = ItemAdapter(item)
        published = adapter.get("published")
        if not published:
            self.crawler.stats.inc_value(stats_keys.DATE_RANGE_UNDATED_KEPT)
            logger.info("Kept an article with no date despite the date range: %s", adapter["url"])
            return item
        if not date_range.admits(published):
            self._drop(adapter, published)
        return item

    def _drop(self, adapter: ItemAdapter, published: str) -> None:
        self.crawler.stats.inc_value(stats_keys.ARTICLES_FILTERED_OUT_OF_DATE_RANGE)
        raise DropArticle(
            DropReason.OUT_OF_DATE_RANGE,
            f"{adapter['url']} published {published}",
            log_level="INFO",
        )
