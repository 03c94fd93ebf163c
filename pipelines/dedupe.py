"""Emit each article once: by canonical URL, and by text for copies under other URLs."""

from __future__ import annotations

import logging
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from pipelines.drop import DropArticle

logger = logging.getLogger(__name__)


class DedupeArticlePipeline:
    """Drops a record whose ``url`` or ``content_hash`` was already emitted in this crawl,
    counting ``articles/duplicates/url`` or ``articles/duplicates/content``.

    An old-slug page whose ``rel=canonical`` names the real article has the real URL by
    now (normalize ran first), so it is caught by URL. Memory holds fingerprints only.
    """

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats
        self.urls: set[str] = set()
        self.content_hashes: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        url, digest = adapter["url"], adapter["content_hash"]
        if url in self.urls:
            self._drop("url", f"{adapter['fetched_url']} is {url}, already emitted")
        if digest in self.content_hashes:
            self._drop("content", f"{url} has the same text as {self.content_hashes[digest]}")
        self.urls.add(url)
        self.content_hashes[digest] = url
        return item

    def _drop(self, key: str, message: str) -> None:
        self.stats.inc_value(f"articles/duplicates/{key}")
        raise DropArticle(f"duplicate_{key}", message, log_level="INFO")
