"""Emit each article once: by canonical URL, and by text for copies under other URLs.

A page's ``rel=canonical`` gives its record's URL, so that an old slug's page, an AMP or
print copy, are one article with the page they name. Some templates name one URL on many
stories (an unrendered ``{permalink}``, ``/index.php``, the section's root, one story's
address copied into the template): every record after the first took it, and was dropped
as its duplicate, with nothing but an INFO line to say that most of the site was lost. A
record whose URL was emitted with another title is another article: it keeps the URL of
the page it was read from, counted as ``faults/canonical/shared``.
"""

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
from crawler.discovery.urls import canonicalize_url
from crawler.extraction.text_facts import SHA256
from crawler.items import page_url
from crawler.reporting import stats_keys
from crawler.reporting.outcomes import DropArticle, DropReason
from crawler.runtime.parquet import CommitWhenWritten
from pipelines.normalize import stable_id

if TYPE_CHECKING:  # imported for a shared crawl only (crawler/runtime/distributed_addon.py)
    from redis import Redis

    from crawler.runtime.distributed import CrawlKeys

logger = logging.getLogger(__name__)


DUPLICATE_STATS = {DropReason.DUPLICATE_URL: "url", DropReason.DUPLICATE_CONTENT: "content"}
"""What a duplicate shares with an emitted record, as counted: ``articles/duplicates/<it>``."""

SAME_ARTICLE = "url"
"""A claim's answer: a record of the same title was emitted under the URL."""
OTHER_ARTICLE = "other_article"
"""A claim's answer: a record of another title was emitted under the URL."""


def comparable_title(title: str | None) -> str:
    """A record's title, spacing and case aside: two records with the same URL and not the
    same of these are two articles.

    >>> comparable_title(" Harbour  Reopens ") == comparable_title("harbour reopens")
    True
    """
    return " ".join((title or "").split()).casefold()


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
    now (normalize ran first), so it is caught by URL. A record whose URL came from its
    page's canonical and was emitted with another title is kept at the page's own URL
    instead (:meth:`readdress`). Memory holds fingerprints only: the URL's 64 bits, and
    those of the URL with its title (:class:`~crawler.compact_set.CompactIntSet`, about
    20 bytes each), and the first 64 bits of the content hash with the URL emitted with
    it (the coverage ledger's object; :class:`~crawler.compact_set.CompactIntMap`, about
    30 bytes, where a dict of 128-bit ints took 95): this pipeline keeps them for every
    article of the crawl.
    """

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats
        self.urls = CompactIntSet()
        """The URLs emitted, by :func:`url_fingerprint` (membership is all it is asked)."""
        self.titled_urls = CompactIntSet()
        """The URLs emitted, each with its record's :func:`comparable_title`, by fingerprint."""
        self.content_hashes: CompactIntMap[str] = CompactIntMap()
        """The URL emitted with each text, by :func:`text_key`."""
        self.shared_canonicals = CompactIntSet()
        """The canonical URLs found shared, by fingerprint: each is logged once."""
        self.borrowed: CompactIntMap[str] = CompactIntMap()
        """The page each URL a page's canonical gave its record was read from, by the URL's
        fingerprint: the one to name if that canonical turns out shared (few: most pages
        name their own URL)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        found = self.claim(adapter["url"], adapter.get("title"), adapter["content_hash"])
        own_url = page_url(item)
        own_url = canonicalize_url(own_url) if own_url else None
        if found == OTHER_ARTICLE and own_url not in (None, adapter["url"]):
            self.readdress(adapter, own_url)
            found = self.claim(adapter["url"], adapter.get("title"), adapter["content_hash"])
        if found == SAME_ARTICLE:
            self._drop(
                DropReason.DUPLICATE_URL,
                f"{adapter['fetched_url']} is {adapter['url']}, already emitted",
            )
        if found == OTHER_ARTICLE:  # the page's own URL: a record that took it came first
            self._drop(
                DropReason.DUPLICATE_URL,
                f"{adapter['fetched_url']} is {adapter['url']}, emitted before for an article of"
                " another title (a page whose rel=canonical named this URL): dropped, as a URL"
                " is emitted once",
                log_level="WARNING",
            )
        if found:
            self._drop(
                DropReason.DUPLICATE_CONTENT, f"{adapter['url']} has the same text as {found}"
            )
        if own_url not in (None, adapter["url"]):
            self.borrowed[url_fingerprint(adapter["url"])] = adapter["fetched_url"]
        return item

    def claim(self, url: str, title: str | None, content_hash: str) -> str | None:
        """Take ``url`` and the text of ``content_hash`` for this record unless a record
        emitted before has either: None, :data:`SAME_ARTICLE` or :data:`OTHER_ARTICLE` (one
        has the URL, with the same title or another), or the URL emitted with the text."""
        url_key = url_fingerprint(url)
        titled_key = url_fingerprint(f"{url}\n{comparable_title(title)}")
        if url_key in self.urls:
            return SAME_ARTICLE if titled_key in self.titled_urls else OTHER_ARTICLE
        text = text_key(content_hash)
        same_text = self.content_hashes.get(text)
        if same_text is not None:
            return same_text
        self.urls.add(url_key)
        self.titled_urls.add(titled_key)
        self.content_hashes[text] = sys.intern(url)  # the coverage ledger's key object, mostly
        return None

    def readdress(self, adapter: ItemAdapter, own_url: str) -> None:
        """Give the record of ``adapter`` its page's own URL, and the id that goes with it:
        the canonical it had was emitted for an article of another title."""
        canonical = adapter["url"]
        adapter["url"] = own_url
        adapter["id"] = stable_id(adapter["site"], own_url)
        self.stats.inc_value(stats_keys.FAULTS_CANONICAL_SHARED)
        canonical_key = url_fingerprint(canonical)
        first = canonical_key not in self.shared_canonicals
        self.shared_canonicals.add(canonical_key)
        if not first:
            logger.debug("%s is kept at its own URL, %s", adapter["fetched_url"], own_url)
            return
        emitted_from = self.borrowed.get(canonical_key)
        logger.warning(
            "%s names %s as its canonical URL, as a page of another article did: kept at its"
            " own URL, %s (later pages naming it are counted as %s)%s",
            adapter["fetched_url"],
            canonical,
            own_url,
            stats_keys.FAULTS_CANONICAL_SHARED,
            f"; the record emitted under it first, read from {emitted_from}, keeps it"
            if emitted_from
            else "",
        )

    def _drop(self, reason: DropReason, message: str, log_level: str = "INFO") -> None:
        self.stats.inc_value(f"{stats_keys.ARTICLES_DUPLICATES}{DUPLICATE_STATS[reason]}")
        raise DropArticle(reason, message, log_level=log_level)


# KEYS: emitted URLs, emitted texts, this worker's claims, emitted URLs' titles.
# ARGV: URL, content hash, the record's comparable_title.
# Claims a record's URL and text for this worker unless some worker emitted or claimed
# either: returns nil, 'url' (the URL, with the same title: a crawl begun before titles
# were kept has none), 'other_article' (the URL, with another title), or the URL of the
# record emitted with the same text.
CLAIM_RECORD = """
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then
    local titled = redis.call('HGET', KEYS[4], ARGV[1])
    if titled and titled ~= ARGV[3] then return 'other_article' end
    return 'url'
end
local same_text = redis.call('HGET', KEYS[2], ARGV[2])
if same_text then return same_text end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
return false
"""

# Same KEYS. ARGV: URL. Withdraws this worker's claim on the URL, if it holds one.
WITHDRAW_CLAIM = """
local digest = redis.call('HGET', KEYS[3], ARGV[1])
if not digest then return 0 end
redis.call('SREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
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
        self.claim_keys = [
            keys.emitted_urls,
            keys.emitted_texts,
            keys.claims(worker_id),
            keys.emitted_titles,
        ]
        self.claim_script = server.register_script(CLAIM_RECORD)
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

    def claim(self, url: str, title: str | None, content_hash: str) -> str | None:
        found = self.claim_script(
            keys=self.claim_keys, args=[url, content_hash, comparable_title(title)]
        )
        return found.decode() if isinstance(found, bytes) else found

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
