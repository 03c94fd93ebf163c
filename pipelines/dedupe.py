"""Emit each article once: by canonical URL, and by text for copies under other URLs."""

from __future__ import annotations

import hashlib
import logging
import sys
from typing import TYPE_CHECKING, Any, Self

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from crawler.compact_set import CompactIntMap, CompactIntSet, url_fingerprint
from crawler.extraction.text_facts import SHA256
from crawler.reporting import stats_keys
from crawler.reporting.outcomes import DropArticle, DropReason
from crawler.runtime.parquet import CommitWhenWritten

if TYPE_CHECKING:  # imported for a shared crawl only (crawler/runtime/distributed_addon.py)
    from redis import Redis

    from crawler.runtime.distributed import CrawlKeys

logger = logging.getLogger(__name__)


DUPLICATE_STATS = {DropReason.DUPLICATE_URL: "url", DropReason.DUPLICATE_CONTENT: "content"}
"""What a duplicate shares with an emitted record, as counted: ``articles/duplicates/<it>``."""


def text_key(content_hash: str) -> int:
    """The first 64 bits of a record's ``content_hash`` (``sha256:`` and hex digits), as
    the int the duplicate check keeps: two of a crawl's 100,000 texts share it with odds of
    about 3 in 10 billion, as two URLs share a :func:`url_fingerprint`. A hash in any other
    form (normalize writes none) is hashed again, the same way.

    >>> text_key("sha256:" + "0" * 15 + "1" + "f" * 48)
    1
    >>> text_key("h1") == text_key("h1") != text_key("h2")
    True
    """
    if not (content_hash.startswith(SHA256) and len(content_hash) == len(SHA256) + 64):
        content_hash = SHA256 + hashlib.sha256(content_hash.encode()).hexdigest()
    return int(content_hash[len(SHA256) : len(SHA256) + 16], 16)


class DedupeArticlePipeline:
    """Drops a record whose ``url`` or ``content_hash`` was already emitted in this crawl,
    counting ``articles/duplicates/url`` or ``articles/duplicates/content``.

    An old-slug page whose ``rel=canonical`` names the real article has the real URL by
    now (normalize ran first), so it is caught by URL. Memory holds fingerprints only: the
    URL's 64 bits (:class:`~crawler.compact_set.CompactIntSet`, about 20 bytes), and the
    first 64 bits of the content hash with the URL emitted with it (the coverage ledger's
    object; :class:`~crawler.compact_set.CompactIntMap`, about 30 bytes, where a dict of
    128-bit ints took 95): this pipeline keeps them for every article of the crawl.
    """

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats
        self.urls = CompactIntSet()
        """The URLs emitted, by :func:`url_fingerprint` (membership is all it is asked)."""
        self.content_hashes: CompactIntMap[str] = CompactIntMap()
        """The URL emitted with each text, by :func:`text_key`."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        url, digest = adapter["url"], adapter["content_hash"]
        url_key = url_fingerprint(url)
        if url_key in self.urls:
            self._drop(
                DropReason.DUPLICATE_URL, f"{adapter['fetched_url']} is {url}, already emitted"
            )
        text = text_key(digest)
        same_text = self.content_hashes.get(text)
        if same_text is not None:
            self._drop(DropReason.DUPLICATE_CONTENT, f"{url} has the same text as {same_text}")
        self.urls.add(url_key)
        url = sys.intern(url)  # the coverage ledger's key object, for most records
        self.content_hashes[text] = url
        return item

    def _drop(self, reason: DropReason, message: str) -> None:
        self.stats.inc_value(f"{stats_keys.ARTICLES_DUPLICATES}{DUPLICATE_STATS[reason]}")
        raise DropArticle(reason, message, log_level="INFO")


# KEYS: emitted URLs, emitted texts, this worker's claims. ARGV: URL, content hash.
# Claims a record's URL and text for this worker unless some worker emitted or claimed
# either: returns nil, 'url', or the URL of the record emitted with the same text.
CLAIM_RECORD = """
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 'url' end
local same_text = redis.call('HGET', KEYS[2], ARGV[2])
if same_text then return same_text end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
return false
"""

# Same KEYS. ARGV: URL. Withdraws this worker's claim on the URL, if it holds one.
WITHDRAW_CLAIM = """
local digest = redis.call('HGET', KEYS[3], ARGV[1])
if not digest then return 0 end
redis.call('SREM', KEYS[1], ARGV[1])
if redis.call('HGET', KEYS[2], digest) == ARGV[1] then redis.call('HDEL', KEYS[2], digest) end
redis.call('HDEL', KEYS[3], ARGV[1])
return 1
"""


class SharedDedupePipeline(DedupeArticlePipeline):
    """:class:`DedupeArticlePipeline` across all workers of the crawl:
    a record whose URL or text some worker already emitted (or claimed, and is writing)
    is dropped and counted.

    The claim is this worker's until the record is on disk in every output (committed at
    ``item_scraped``, handled after the feed exporter's, which connected first; for a
    record a Parquet output holds for its row group, once that is written:
    :class:`crawler.runtime.parquet.CommitWhenWritten`) and withdrawn if a later pipeline
    drops the record; a gone worker's open claims are withdrawn with its requests.
    """

    def __init__(self, crawler: Crawler, server: Redis, keys: CrawlKeys, worker_id: str) -> None:
        super().__init__(crawler.stats)
        self.server = server
        self.claim_keys = [keys.emitted_urls, keys.emitted_texts, keys.claims(worker_id)]
        self.claim = server.register_script(CLAIM_RECORD)
        self.withdraw = server.register_script(WITHDRAW_CLAIM)
        self.commits = CommitWhenWritten(crawler, self.commit_claims)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        from scrapy_redis.connection import get_redis_from_settings

        from crawler.runtime.distributed import CrawlKeys, new_worker_id

        assert crawler.spider is not None
        settings = crawler.settings
        keys = CrawlKeys.of(settings, crawler.spider.name)
        worker_id = settings.get("DISTRIBUTED_WORKER_ID") or new_worker_id()
        pipeline = cls(crawler, get_redis_from_settings(settings), keys, worker_id)
        crawler.signals.connect(pipeline.item_written, signal=signals.item_scraped)
        crawler.signals.connect(pipeline.item_not_written, signal=signals.item_dropped)
        crawler.signals.connect(pipeline.item_not_written, signal=signals.item_error)
        return pipeline

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        url, digest = adapter["url"], adapter["content_hash"]
        found = self.claim(keys=self.claim_keys, args=[url, digest])
        if isinstance(found, bytes):
            found = found.decode()
        if found == "url":
            self._drop(
                DropReason.DUPLICATE_URL, f"{adapter['fetched_url']} is {url}, already emitted"
            )
        if found:
            self._drop(DropReason.DUPLICATE_CONTENT, f"{url} has the same text as {found}")
        return item

    def item_written(self, item: Any) -> None:
        """The outputs have the record, or hold it for a Parquet row group."""
        self.commits.scraped(ItemAdapter(item)["url"])

    def commit_claims(self, urls: list[str]) -> None:
        """Every output has these records on disk: the claims are the crawl's for good."""
        self.server.hdel(self.claim_keys[2], *urls)

    def item_not_written(self, item: Any, exception: BaseException | None = None) -> None:
        """Dropped or failed after this pipeline claimed it: another copy may be emitted."""
        if isinstance(exception, DropArticle) and exception.kind in DUPLICATE_STATS:
            return  # dropped here, on another record's claim, which stays
        url = ItemAdapter(item).get("url")
        if url:
            self.withdraw(keys=self.claim_keys, args=[url])
