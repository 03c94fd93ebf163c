"""Emit each article once: by canonical URL, and by text for copies under other URLs."""

from __future__ import annotations

import logging
from typing import Any, Self

from itemadapter import ItemAdapter
from redis import Redis
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from scrapy_redis.connection import get_redis_from_settings

from crawler.reporting.outcomes import DropArticle
from crawler.runtime.distributed import CrawlKeys

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


# Claim a record's URL and text for this worker unless some worker emitted either:
# returns nil, 'url', or the URL of the record emitted with the same text.
CLAIM_RECORD = """
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 'url' end
local same_text = redis.call('HGET', KEYS[2], ARGV[2])
if same_text then return same_text end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
return false
"""


class SharedDedupePipeline(DedupeArticlePipeline):
    """:class:`DedupeArticlePipeline` across all workers of the crawl:
    a record whose URL or text some worker already emitted is dropped and counted."""

    def __init__(self, stats: StatsCollector, server: Redis, keys: CrawlKeys) -> None:
        super().__init__(stats)
        self.keys = keys
        self.claim = server.register_script(CLAIM_RECORD)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.spider is not None
        keys = CrawlKeys.of(crawler.settings, crawler.spider.name)
        return cls(crawler.stats, get_redis_from_settings(crawler.settings), keys)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        url, digest = adapter["url"], adapter["content_hash"]
        found = self.claim(
            keys=[self.keys.emitted_urls, self.keys.emitted_texts], args=[url, digest]
        )
        if isinstance(found, bytes):
            found = found.decode()
        if found == "url":
            self._drop("url", f"{adapter['fetched_url']} is {url}, already emitted")
        if found:
            self._drop("content", f"{url} has the same text as {found}")
        return item
