"""One crawl shared by several ``scrapy crawl`` processes through a Redis server.

    scrapy crawl aawsat -s DISTRIBUTED_REDIS_URL=redis://host:6379/0 -O worker-1.jsonl

Every worker started with the same ``DISTRIBUTED_REDIS_URL`` (same spider, same
``base_url``, same ``-a`` arguments) takes requests from one shared queue and checks each
new request against one shared seen-set, both scrapy-redis's (its scheduler, priority
queue and duplicate filter), so each page is fetched by one worker only. Each worker
writes its own output; the union of the outputs is the crawl.

scrapy-redis 0.9.1 runs on Scrapy 2.19 with these differences, handled here:

- it passes ``spider=`` to every stats call and calls ``Spider.log()``, both deprecated
  in Scrapy 2.19: :class:`RedisScheduler` hands it a stats adapter that drops the
  argument, and opens the queue without ``Spider.log()``;
- its scheduler wipes the shared queue and seen-set when a worker closes unless
  ``SCHEDULER_PERSIST`` is set, so the first worker to finish would delete what the
  others still need; and a worker whose own queue is momentarily empty closes although
  another worker is about to push new requests. Here every worker marks itself busy in
  Redis before taking a request and idle once it has nothing left; a worker closes only
  when the shared queue is empty and no worker is busy. ``SCHEDULER_PERSIST`` and
  ``SCHEDULER_FLUSH_ON_START`` are not used (with several workers both lose work), nor is
  ``RedisSpider``'s ``MAX_IDLE_TIME``, which counts from its first request: our spiders
  start from the site, not from URLs pushed into Redis;
- the old-slug copy of an article and the article itself may be fetched by two
  workers; :class:`SharedDedupePipeline` makes the emitted-URL and emitted-text checks
  of :class:`~pipelines.dedupe.DedupeArticlePipeline` shared too.

A crawl's state lives in Redis under its name, ``DISTRIBUTED_CRAWL_NAME`` (default: the
spider's name): see :class:`CrawlKeys`. A crawl stopped before its end (Ctrl-C, a kill)
is resumed by starting workers again. A finished crawl is marked finished and keeps its
seen-set, so a worker started late does nothing instead of crawling everything again; to
run it again, give the new run another name or clear the old one:

    python -m crawler.distributed clear redis://host:6379/0 aawsat

A worker killed while busy is taken for idle once its mark expires
(``DISTRIBUTED_WORKER_TIMEOUT``); the requests it had taken are lost, as with any
scrapy-redis crawl.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from typing import Self

from redis import Redis
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request
from scrapy.settings import BaseSettings
from scrapy.statscollectors import StatsCollector
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.misc import load_object
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from crawler.clock import utc_now

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CrawlKeys:
    """The Redis keys of one shared crawl, all under its name."""

    name: str

    @property
    def requests(self) -> str:
        """scrapy-redis's request queue (a sorted set by priority)."""
        return f"{self.name}:requests"

    @property
    def dupefilter(self) -> str:
        """scrapy-redis's seen-set: fingerprints of every request ever queued."""
        return f"{self.name}:dupefilter"

    @property
    def workers(self) -> str:
        """Busy workers, each scored by when its mark expires."""
        return f"{self.name}:workers"

    @property
    def emitted_urls(self) -> str:
        return f"{self.name}:emitted-urls"

    @property
    def emitted_texts(self) -> str:
        """Content hash → URL of the record emitted with that text."""
        return f"{self.name}:emitted-texts"

    @property
    def finished(self) -> str:
        """When the crawl finished (ISO 8601 UTC); absent while it runs or was stopped."""
        return f"{self.name}:finished"

    def all(self) -> tuple[str, ...]:
        return (
            self.requests,
            self.dupefilter,
            self.workers,
            self.emitted_urls,
            self.emitted_texts,
            self.finished,
        )

    @classmethod
    def of(cls, settings: BaseSettings, spider_name: str) -> Self:
        """The keys of ``DISTRIBUTED_CRAWL_NAME``, or of the spider's name."""
        return cls(settings.get("DISTRIBUTED_CRAWL_NAME") or spider_name)


class DistributedCrawl:
    """Scrapy add-on (``ADDONS``): with ``DISTRIBUTED_REDIS_URL`` set, the crawl is shared.

    It puts scrapy-redis's components in place of Scrapy's scheduler and duplicate
    filter and of the dedupe pipeline; without the setting it changes nothing.
    """

    def update_settings(self, settings: BaseSettings) -> None:
        url = settings.get("DISTRIBUTED_REDIS_URL")
        if not url:
            return
        settings.set("REDIS_URL", url, priority="addon")
        settings.set("SCHEDULER", RedisScheduler, priority="addon")
        settings.set("DUPEFILTER_CLASS", RFPDupeFilter, priority="addon")
        # scrapy-redis fills in %(spider)s when the spider opens.
        keys = CrawlKeys(settings.get("DISTRIBUTED_CRAWL_NAME") or "%(spider)s")
        settings.set("SCHEDULER_QUEUE_KEY", keys.requests, priority="addon")
        settings.set("SCHEDULER_DUPEFILTER_KEY", keys.dupefilter, priority="addon")
        # By import path: the pipelines package sits above crawler/ and is not imported here.
        settings.replace_in_component_priority_dict(
            "ITEM_PIPELINES",
            load_object("pipelines.dedupe.DedupeArticlePipeline"),
            load_object("pipelines.dedupe.SharedDedupePipeline"),
        )


class StatsWithoutSpiderArgument:
    """The stats calls scrapy-redis makes, without the ``spider`` argument that Scrapy
    2.19 deprecates (``stats.inc_value(key, spider=spider)``)."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    def inc_value(
        self, key: str, count: int = 1, start: int = 0, spider: Spider | None = None
    ) -> None:
        self.stats.inc_value(key, count, start)


# Atomic on the server, and timed by the server's clock, so workers on machines whose
# clocks differ agree on when a mark expires.
MARK_BUSY = """
local now = tonumber(redis.call('TIME')[1])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
"""
# The queue key exists exactly while it holds a request (Redis deletes empty lists and
# sorted sets), whatever queue class is configured.
CRAWL_DONE = """
local now = tonumber(redis.call('TIME')[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('ZCARD', KEYS[2]) > 0 then
    return 0
end
return 1
"""


class SharedWorkers:
    """Which workers of the crawl hold work: a sorted set of worker ids scored by expiry.

    A worker marks itself busy before it takes its first request from the shared queue
    and renews the mark while busy; it removes the mark only when it is idle, which
    Scrapy decides only when the shared queue is empty too. So at any moment every
    request still to be done is in the queue or held by a worker marked busy, and
    "queue empty and nobody busy", read atomically, means the crawl is done.
    """

    def __init__(self, server: Redis, keys: CrawlKeys, timeout: float) -> None:
        self.server = server
        self.keys = keys
        self.timeout = timeout
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}"
        self.busy = False
        self._mark_busy = server.register_script(MARK_BUSY)
        self._crawl_done = server.register_script(CRAWL_DONE)

    def mark_busy(self) -> None:
        self._mark_busy(keys=[self.keys.workers], args=[self.worker_id, self.timeout])
        self.busy = True

    def renew(self) -> None:
        """Keep the busy mark from expiring while this worker holds work."""
        if self.busy:
            self.mark_busy()

    def mark_idle(self) -> None:
        self.server.zrem(self.keys.workers, self.worker_id)
        self.busy = False

    def crawl_done(self) -> bool:
        """Nothing queued and no worker busy, read in one step."""
        return bool(self._crawl_done(keys=[self.keys.requests, self.keys.workers]))

    def finished_at(self) -> str | None:
        value = self.server.get(self.keys.finished)
        return value.decode() if isinstance(value, bytes) else value

    def mark_finished(self) -> None:
        """The crawl is over: its seen-set stays, so a late worker has nothing to fetch."""
        self.server.set(self.keys.finished, utc_now())
        self.server.delete(self.keys.workers)


class RedisScheduler(Scheduler):
    """scrapy-redis's scheduler for workers that finish together (see the module doc)."""

    workers: SharedWorkers
    crawler: Crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        scheduler = cls.from_settings(crawler.settings)
        scheduler.crawler = crawler
        scheduler.stats = StatsWithoutSpiderArgument(crawler.stats)
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider: Spider) -> None:
        """Scrapy-redis's ``open``, logging without the deprecated ``Spider.log()``."""
        self.spider = spider
        self.queue = load_object(self.queue_cls)(
            server=self.server,
            spider=spider,
            key=self.queue_key % {"spider": spider.name},
            serializer=self.serializer,
        )
        if not self.df:
            self.df = load_object(self.dupefilter_cls).from_spider(spider)
        settings = self.crawler.settings
        keys = CrawlKeys.of(settings, spider.name)
        timeout = settings.getfloat("DISTRIBUTED_WORKER_TIMEOUT")
        self.workers = SharedWorkers(self.server, keys, timeout)
        self.renewal = create_looping_call(self.workers.renew)
        self.renewal.start(timeout / 3, now=False)
        redis_url = settings.get("DISTRIBUTED_REDIS_URL")
        finished_at = self.workers.finished_at()
        if finished_at:
            logger.warning(
                "Shared crawl %r finished at %s: this worker has nothing to fetch. To crawl "
                "again, set another DISTRIBUTED_CRAWL_NAME or clear it: "
                "python -m crawler.distributed clear %s %s",
                keys.name,
                finished_at,
                redis_url,
                keys.name,
            )
            return
        logger.info(
            "Shared crawl %r on %s as worker %s: %d requests already queued",
            keys.name,
            redis_url,
            self.workers.worker_id,
            len(self.queue),
        )

    def enqueue_request(self, request: Request) -> bool:
        queued = super().enqueue_request(request)
        if not queued:
            self.crawler.stats.inc_value("dupefilter/filtered")
        return queued

    def next_request(self) -> Request | None:
        if not self.workers.busy:
            self.workers.mark_busy()  # before taking: never a moment with work unaccounted
        request = super().next_request()
        if request is not None:
            self.crawler.stats.inc_value("distributed/requests_taken")
        return request

    def spider_idle(self) -> None:
        """Idle here, but the crawl goes on while another worker may still add requests."""
        self.workers.mark_idle()
        if not self.workers.crawl_done():
            self.crawler.stats.inc_value("distributed/idle_waits")
            raise DontCloseSpider

    def close(self, reason: str) -> None:
        if self.renewal.running:
            self.renewal.stop()
        self.workers.mark_idle()
        name = self.workers.keys.name
        if reason == "finished" and self.workers.crawl_done():
            if not self.workers.finished_at():
                self.workers.mark_finished()
                logger.info("Shared crawl %r finished", name)
        else:
            logger.info(
                "Shared crawl %r stopped (%s): its state stays in Redis; start workers "
                "again to resume it",
                name,
                reason,
            )


def clear_crawl(server: Redis, keys: CrawlKeys) -> int:
    """Delete every key of the crawl; returns how many existed."""
    return int(server.delete(*keys.all()))
