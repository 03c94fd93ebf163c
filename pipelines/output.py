"""Hand the finished record to the feed exporter as a plain, ordered dict."""

from __future__ import annotations

import logging
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class ArticleOutputPipeline:
    """Last pipeline: counts ``articles/emitted`` and warns when no feed will write them."""

    def __init__(self, stats: StatsCollector, has_feed: bool) -> None:
        self.stats = stats
        self.has_feed = has_feed

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats, bool(crawler.settings.getdict("FEEDS")))

    def open_spider(self) -> None:
        if not self.has_feed:
            logger.warning("No output feed configured: add -O articles.jsonl to keep the articles")

    def process_item(self, item: Any) -> dict[str, Any]:
        self.stats.inc_value("articles/emitted")
        return ItemAdapter(item).asdict()
