"""One crawl shared by several ``scrapy crawl`` processes through a Redis server.

    scrapy crawl aawsat -s DISTRIBUTED_REDIS_URL=redis://host:6379/0 -O worker-1.jsonl

Every worker started with the same ``DISTRIBUTED_REDIS_URL`` (same spider, same
``base_url``, same ``-a`` arguments) takes requests from one shared queue and checks each
new request against one shared seen-set, both scrapy-redis's (its priority queue and
duplicate filter), so each page is fetched by one worker only. Each worker writes its own
output; the union of the outputs is the crawl.

**Nothing is lost when a worker dies.** scrapy-redis pops a request off the shared queue
and forgets it: a worker killed with ``kill -9`` loses every request it had taken. Here
a worker *leases* requests, the Redis reliable-queue pattern (``LMOVE`` into a
processing list), on the priority queue:

- taking a request moves it, in one server-side step (:data:`TAKE`), from the shared
  queue into the worker's own held set (``<name>:held:<worker>``, with its priority);
- the request is acknowledged (removed from the held set) only once Scrapy is done with
  it: downloaded or failed, its callback's new requests in the shared queue, its article
  through the pipelines and written to the output, or dropped. Scrapy has no signal for
  that moment; the engine drops the request from its in-progress set then, and the
  scheduler, which the engine calls again right after, reads that set
  (:func:`requests_in_progress`). An article a Parquet output holds in memory for its
  row group is not written yet: its request stays leased until the row group is
  (:meth:`RedisScheduler.records_written`), and a worker with nothing to fetch writes
  what its Parquet outputs hold, or the crawl, which ends only when no request is
  leased, would never end;
- every worker renews a heartbeat in ``<name>:workers`` every third of
  ``DISTRIBUTED_WORKER_TIMEOUT``. A worker whose heartbeat is older than that (the
  visibility timeout) is gone: the next worker that looks (:data:`REQUEUE_GONE_WORKERS`)
  puts its held requests back into the shared queue, with their priorities, and
  withdraws the articles it had claimed but not yet written, so the requests are fetched
  again and their articles emitted once, by a live worker;
- a worker holds at most ``DISTRIBUTED_REQUESTS_HELD`` requests (Scrapy alone would take
  ``CONCURRENT_REQUESTS``, 16): that many are fetched again if it dies, and no other
  worker can take them while it lives. Those done and leased until a Parquet row group
  is written do not count: up to ``PARQUET_ROW_GROUP_SIZE`` more are fetched again.

The shared queue is always scrapy-redis's priority queue (a sorted set scored by
``-priority``, taken lowest score first like its ``PriorityQueue.pop``): the spiders fetch
articles before listings, and ``LMOVE`` itself only moves between lists. The move is the
same single atomic step, as a Lua script. Redis Streams were not used: a consumer group
reads in arrival order only.

**The emitted-article check is shared and leased too**
(:class:`pipelines.dedupe.SharedDedupePipeline`):
the old-slug copy of an article and the article itself may be fetched by two workers. A
worker claims an article's URL and text in Redis before it is written, and commits the
claim right after the output has it on disk (``item_scraped``, after the feed exporter,
whose durable storage has written and fsynced the line by then: a distributed crawl
fsyncs every record, ``crawler.runtime.feeds.fsync_interval``; a Parquet output's
record, once its row group is written and fsynced,
:class:`crawler.runtime.parquet.CommitWhenWritten`). A gone worker's
uncommitted claims are withdrawn with its requests, so what it had not written is
emitted by the worker that fetches the page again. A record and its claim cannot be
committed in one step: a worker killed after the line reached its file and before the
commit (the fsync, then one round trip) leaves the record in its file and the article is
emitted again, a duplicate URL in the union of the outputs. That is the one way to get a
duplicate, and an article is never lost.

scrapy-redis 0.9.1 runs on Scrapy 2.19 with these differences, handled here:

- it passes ``spider=`` to every stats call and calls ``Spider.log()``, both deprecated
  in Scrapy 2.19: :class:`RedisScheduler` hands it a stats adapter that drops the
  argument, and opens the queue without ``Spider.log()``;
- its scheduler adds a request to the seen-set, then queues it, two round trips: a worker
  killed between them leaves a request that every worker takes for queued and none
  fetches. Here both are one server-side step (:data:`PUSH_UNSEEN`);
- its scheduler wipes the shared queue and seen-set when a worker closes unless
  ``SCHEDULER_PERSIST`` is set, so the first worker to finish would delete what the
  others still need; and a worker whose own queue is momentarily empty closes although
  another worker is about to push new requests. Here a worker closes only when the
  shared queue is empty and no live worker holds a request (its callbacks may still add
  some). ``SCHEDULER_PERSIST`` and ``SCHEDULER_FLUSH_ON_START`` are not used (with
  several workers both lose work), nor is ``RedisSpider``'s ``MAX_IDLE_TIME``, which
  counts from its first request: our spiders start from the site, not from URLs pushed
  into Redis.

A crawl's state lives in Redis under its name, ``DISTRIBUTED_CRAWL_NAME`` (default: the
spider's name): see :class:`CrawlKeys`. A crawl stopped before its end (Ctrl-C, a kill)
is resumed by starting workers again: a worker that stops puts back what it holds, and a
killed one's requests come back once its heartbeat is older than the timeout. A finished
crawl is marked finished and keeps its seen-set, so a worker started late does nothing
instead of crawling everything again; to run it again, give the new run another name or
clear the old one:

    python -m crawler.distributed clear redis://host:6379/0 aawsat
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any, Self

from itemadapter import ItemAdapter
from redis import Redis
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.statscollectors import StatsCollector
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.misc import load_object
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from crawler.clock import utc_now
from crawler.discovery.dates import UNDATED, DateLedger, ListedDate
from crawler.reporting import stats_keys
from crawler.runtime.parquet import CommitWhenWritten, write_pending_row_groups
from crawler.runtime.run import ArchiveRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CrawlKeys:
    """The Redis keys of one shared crawl, all under its name."""

    name: str

    @property
    def requests(self) -> str:
        """scrapy-redis's request queue (a sorted set scored by ``-priority``)."""
        return f"{self.name}:requests"

    @property
    def dupefilter(self) -> str:
        """scrapy-redis's seen-set: fingerprints of every request ever queued."""
        return f"{self.name}:dupefilter"

    @property
    def workers(self) -> str:
        """Live workers, each scored by when its heartbeat expires (server clock)."""
        return f"{self.name}:workers"

    @property
    def emitted_urls(self) -> str:
        return f"{self.name}:emitted-urls"

    @property
    def emitted_texts(self) -> str:
        """Content hash → URL of the record emitted with that text."""
        return f"{self.name}:emitted-texts"

    @property
    def emitted_titles(self) -> str:
        """URL → the title of the record emitted under it, spacing and case aside."""
        return f"{self.name}:emitted-titles"

    @property
    def finished(self) -> str:
        """When the crawl finished (ISO 8601 UTC); absent while it runs or was stopped."""
        return f"{self.name}:finished"

    @property
    def worker_prefix(self) -> str:
        """``held`` and ``claims`` keys are this prefix, the key's kind, and a worker id."""
        return f"{self.name}:"

    def held(self, worker_id: str) -> str:
        """Requests a worker took and has not finished, scored by their queue score."""
        return f"{self.worker_prefix}held:{worker_id}"

    def claims(self, worker_id: str) -> str:
        """Article URL → content hash a worker claimed and has not written yet."""
        return f"{self.worker_prefix}claims:{worker_id}"

    @property
    def listing_dates(self) -> str:
        """Article URL → the least date a listing printed beside it (``crawler/discovery/dates.py``)."""
        return f"{self.name}:listing-dates"

    @property
    def archive_months(self) -> str:
        """Article URL → the least ``YYYY-MM`` of a month archive that lists it."""
        return f"{self.name}:archive-months"

    def all(self) -> tuple[str, ...]:
        """The crawl-wide keys (per-worker keys are found with :meth:`per_worker_pattern`)."""
        return (
            self.requests,
            self.dupefilter,
            self.workers,
            self.emitted_urls,
            self.emitted_texts,
            self.emitted_titles,
            self.finished,
            self.listing_dates,
            self.archive_months,
        )

    def per_worker_patterns(self) -> tuple[str, ...]:
        return (self.held("*"), self.claims("*"))

    @classmethod
    def of(cls, settings: BaseSettings, spider_name: str) -> Self:
        """The keys of ``DISTRIBUTED_CRAWL_NAME``, or of the spider's name."""
        return cls(settings.get("DISTRIBUTED_CRAWL_NAME") or spider_name)


def new_worker_id() -> str:
    """Host and pid say where a worker runs; the random part keeps ids unique when pids
    repeat (every container's first process is pid 1)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class StatsWithoutSpiderArgument:
    """The stats calls scrapy-redis makes, without the ``spider`` argument that Scrapy
    2.19 deprecates (``stats.inc_value(key, spider=spider)``)."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    def inc_value(
        self, key: str, count: int = 1, start: int = 0, spider: Spider | None = None
    ) -> None:
        self.stats.inc_value(key, count, start)


# The scripts run atomically on the server and read the server's clock, so workers on
# machines whose clocks differ agree on when a heartbeat expires.

# KEYS: the shared queue, this worker's held set. ARGV: held requests now done, which
# leave the held set. Returns the request taken, or nil.
TAKE = """
if #ARGV > 0 then redis.call('ZREM', KEYS[2], unpack(ARGV)) end
local taken = redis.call('ZPOPMIN', KEYS[1])
if #taken == 0 then return false end
redis.call('ZADD', KEYS[2], taken[2], taken[1])
return taken[1]
"""

# KEYS: the seen-set, the shared queue. ARGV: the request's fingerprint, its queue score,
# its encoding. Marks the request seen and queues it, in one step, unless it was seen:
# returns 1 if queued, 0 if seen before.
PUSH_UNSEEN = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

# KEYS: workers. ARGV: worker id, timeout. Returns 0 if the worker had been taken for
# gone (its mark was removed by REQUEUE_GONE_WORKERS), 1 otherwise.
HEARTBEAT = """
local now = tonumber(redis.call('TIME')[1])
local known = redis.call('ZSCORE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
if known then return 1 end
return 0
"""

# Puts a worker's held requests back into the queue, withdraws its unwritten claims and
# forgets it. Shared by the two scripts below.
GIVE_BACK = """
local function give_back(queue, workers, emitted_urls, emitted_texts, emitted_titles, prefix, worker)
    local held = prefix .. 'held:' .. worker
    local entries = redis.call('ZRANGE', held, 0, -1, 'WITHSCORES')
    for i = 1, #entries, 2 do
        redis.call('ZADD', queue, entries[i + 1], entries[i])
    end
    local claims = prefix .. 'claims:' .. worker
    local pending = redis.call('HGETALL', claims)
    for i = 1, #pending, 2 do
        redis.call('SREM', emitted_urls, pending[i])
        redis.call('HDEL', emitted_titles, pending[i])
        if redis.call('HGET', emitted_texts, pending[i + 1]) == pending[i] then
            redis.call('HDEL', emitted_texts, pending[i + 1])
        end
    end
    redis.call('DEL', held, claims)
    redis.call('ZREM', workers, worker)
    return #entries / 2
end
"""

# KEYS: queue, workers, emitted URLs, emitted texts, emitted titles. ARGV: key prefix.
# Returns {worker id, requests put back, ...} for every worker whose heartbeat expired.
REQUEUE_GONE_WORKERS = (
    GIVE_BACK
    + """
local now = tonumber(redis.call('TIME')[1])
local report = {}
for _, worker in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)) do
    local requeued = give_back(KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], ARGV[1], worker)
    table.insert(report, worker)
    table.insert(report, requeued)
end
return report
"""
)

# Same KEYS and ARGV, plus ARGV[2]: the worker that stops. Returns how many it held.
LEAVE = (
    GIVE_BACK
    + """
return give_back(KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], ARGV[1], ARGV[2])
"""
)

# KEYS: queue, workers. ARGV: key prefix. Done when the queue is empty (Redis deletes
# an empty sorted set) and no worker, live or not yet taken for gone, holds a request.
CRAWL_DONE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
for _, worker in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
    if redis.call('EXISTS', ARGV[1] .. 'held:' .. worker) == 1 then return 0 end
end
return 1
"""


class SharedWorkers:
    """This worker's view of the crawl's workers: its heartbeat, its held requests,
    and the gone workers whose requests it puts back."""

    def __init__(self, server: Redis, keys: CrawlKeys, worker_id: str, timeout: float) -> None:
        self.server = server
        self.keys = keys
        self.worker_id = worker_id
        self.timeout = timeout
        self.held_key = keys.held(worker_id)
        self._heartbeat = server.register_script(HEARTBEAT)
        self._requeue_gone = server.register_script(REQUEUE_GONE_WORKERS)
        self._leave = server.register_script(LEAVE)
        self._crawl_done = server.register_script(CRAWL_DONE)

    def heartbeat(self) -> bool:
        """Mark this worker alive for ``timeout`` more seconds; False if it had been taken
        for gone (and its requests put back) since the last heartbeat."""
        return bool(self._heartbeat(keys=[self.keys.workers], args=[self.worker_id, self.timeout]))

    def acknowledge(self, requests: Collection[bytes]) -> None:
        """These held requests are done: they leave the held set."""
        self.server.zrem(self.held_key, *requests)

    def _give_back_keys(self) -> list[str]:
        keys = self.keys
        return [
            keys.requests,
            keys.workers,
            keys.emitted_urls,
            keys.emitted_texts,
            keys.emitted_titles,
        ]

    def requeue_gone_workers(self) -> dict[str, int]:
        """Put back what workers whose heartbeat expired held: worker id → requests."""
        report = self._requeue_gone(keys=self._give_back_keys(), args=[self.keys.worker_prefix])
        ids, counts = report[::2], report[1::2]
        return {
            (w.decode() if isinstance(w, bytes) else w): int(n)
            for w, n in zip(ids, counts, strict=True)
        }

    def leave(self) -> int:
        """Stop as a worker: what it still holds goes back to the queue; returns how many."""
        args = [self.keys.worker_prefix, self.worker_id]
        return int(self._leave(keys=self._give_back_keys(), args=args))

    def crawl_done(self) -> bool:
        """Nothing queued and nothing held, read in one step."""
        keys = [self.keys.requests, self.keys.workers]
        return bool(self._crawl_done(keys=keys, args=[self.keys.worker_prefix]))

    def finished_at(self) -> str | None:
        value = self.server.get(self.keys.finished)
        return value.decode() if isinstance(value, bytes) else value

    def mark_finished(self) -> None:
        """The crawl is over: its seen-set stays, so a late worker has nothing to fetch."""
        self.server.set(self.keys.finished, utc_now())


class LeasedPriorityQueue(PriorityQueue):
    """scrapy-redis's priority queue whose ``take`` leases instead of popping, and whose
    ``push_unseen`` checks the seen-set and queues in one step."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._take = self.server.register_script(TAKE)
        self._push_unseen = self.server.register_script(PUSH_UNSEEN)

    def push_unseen(self, request: Request, seen_key: str, fingerprint: str) -> bool:
        """Queue ``request`` unless its fingerprint is in ``seen_key``, adding it there;
        whether it was queued.

        scrapy-redis adds to the seen-set, then pushes, in two round trips: a worker killed
        between them leaves a request every worker takes for queued and none ever fetches
        (when the killed worker's request is fetched again, its callback's requests are
        all "seen"), and the pages only it led to are lost.
        """
        data = self._encode_request(request)
        keys = [seen_key, self.key]
        return bool(self._push_unseen(keys=keys, args=[fingerprint, -request.priority, data]))

    def take(self, held_key: str, done: Collection[bytes] = ()) -> tuple[Request, bytes] | None:
        """The next request, moved into ``held_key``, with its encoding to acknowledge it
        by; the ``done`` ones are acknowledged in the same round trip."""
        data = self._take(keys=[self.key, held_key], args=list(done))
        if data is None:
            return None
        return self._decode_request(data), data


def requests_in_progress(crawler: Crawler) -> Collection[Request]:
    """The requests the engine has taken and not yet finished with.

    The engine removes a request from its slot's ``inprogress`` set after the callback's
    output was handled (items through the pipelines and ``item_scraped``, new requests
    scheduled) or its failure was. Scrapy 2.19 has no public signal for that moment.
    """
    engine = crawler.engine
    slot = getattr(engine, "_slot", None)
    return slot.inprogress if slot is not None else ()


KEEP_LEAST = """
local known = redis.call('HGET', KEYS[1], ARGV[1])
if not known or ARGV[2] < known then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
"""


def text(value: bytes | str | None) -> str | None:
    """A Redis reply as text (replies are bytes unless the client decodes them)."""
    return value.decode() if isinstance(value, bytes) else value


class SharedDateLedger(DateLedger):
    """The listing dates of every worker: each worker writes what its listings show to
    Redis (keeping the least value, as :class:`DateLedger` does) and reads the others'
    when it dates a record. Workers finish together, when every listing has been read, so
    the join at the end of the crawl sees all of them."""

    def __init__(self, server: Redis, keys: CrawlKeys) -> None:
        super().__init__()
        self.server = server
        self.keys = keys
        self.keep_least = server.register_script(KEEP_LEAST)

    def listed(self, key: str, raw_date: str | None, month: tuple[int, int] | None) -> None:
        super().listed(key, raw_date, month)
        known = self.dates.get(key, UNDATED)
        if raw_date and raw_date.strip() and known.raw is not None:
            self.keep_least(keys=[self.keys.listing_dates], args=[key, known.raw])
        if month is not None and known.month is not None:
            year, number = known.month
            self.keep_least(keys=[self.keys.archive_months], args=[key, f"{year:04d}-{number:02d}"])

    def date_for(self, keys: Iterable[str]) -> ListedDate | None:
        keys = list(keys)
        for key in keys:
            raw = text(self.server.hget(self.keys.listing_dates, key))
            month = text(self.server.hget(self.keys.archive_months, key))
            archive_month = None
            if month:
                year, number = map(int, month.split("-"))
                archive_month = (year, number)
            self.gain(key, raw or None, archive_month)
        return super().date_for(keys)

    def __len__(self) -> int:
        return max(1, super().__len__())  # other workers may know dates this one does not


IDLE_POLL_SECONDS = 0.25
"""How often a worker with nothing to fetch asks the shared queue again."""


class RedisScheduler(Scheduler):
    """scrapy-redis's scheduler with leased requests and workers that finish together
    (see the module doc)."""

    workers: SharedWorkers
    crawler: Crawler
    queue: LeasedPriorityQueue
    df: RFPDupeFilter | None
    commits: CommitWhenWritten

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        scheduler = cls.from_settings(crawler.settings)
        scheduler.crawler = crawler
        scheduler.stats = StatsWithoutSpiderArgument(crawler.stats)
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(scheduler.item_scraped, signal=signals.item_scraped)
        scheduler.commits = CommitWhenWritten(crawler, scheduler.records_written)
        # An idle worker asks the shared queue again at the engine's heartbeat, which
        # Scrapy runs every 5 s: while another worker adds requests, that was up to 5 s
        # of waiting each time the queue ran dry (two workers were slower than one in
        # about half of bench.distributed's runs). Scrapy has no setting for it.
        if crawler.engine is not None and hasattr(crawler.engine, "_SLOT_HEARTBEAT_INTERVAL"):
            crawler.engine._SLOT_HEARTBEAT_INTERVAL = IDLE_POLL_SECONDS
        return scheduler

    def open(self, spider: Spider) -> None:
        """Scrapy-redis's ``open``, with the leased queue and without ``Spider.log()``."""
        self.spider = spider
        self.queue = LeasedPriorityQueue(
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
        worker_id = settings.get("DISTRIBUTED_WORKER_ID") or new_worker_id()
        self.workers = SharedWorkers(self.server, keys, worker_id, timeout)
        run = ArchiveRun.of(self.crawler)
        if run.sites is not None:  # an archive crawl: listing dates are joined across workers
            run.dates = SharedDateLedger(self.server, keys)
        self.max_held = max(1, settings.getint("DISTRIBUTED_REQUESTS_HELD"))
        self.held: dict[Request, bytes] = {}
        self.unwritten_records: dict[Request, int] = {}
        """Held requests with records a Parquet output holds for its row group: how many."""
        self.request_of_unwritten: dict[str, Request] = {}
        """The request of each of those records, by article URL."""
        self.done_unwritten: dict[Request, bytes] = {}
        """Requests the engine is done with, still leased until their records are written."""
        self.workers.heartbeat()
        self.keep_alive_call = create_looping_call(self.keep_alive)
        self.keep_alive_call.start(timeout / 3, now=False)
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
            "Shared crawl %r on %s as worker %s (holds up to %d requests): %d requests "
            "already queued",
            keys.name,
            redis_url,
            worker_id,
            self.max_held,
            len(self.queue),
        )

    def enqueue_request(self, request: Request) -> bool:
        """scrapy-redis's ``enqueue_request``, with the seen-check and the push in one
        step (:meth:`LeasedPriorityQueue.push_unseen`)."""
        assert self.df is not None
        if request.dont_filter:
            self.queue.push(request)
        elif not self.queue.push_unseen(request, self.df.key, self.df.request_fingerprint(request)):
            self.df.log(request, self.spider)
            self.crawler.stats.inc_value(stats_keys.DUPEFILTER_FILTERED)
            return False
        self.crawler.stats.inc_value(stats_keys.SCHEDULER_ENQUEUED_REDIS)
        return True

    def next_request(self) -> Request | None:
        done = self.finished_held()
        if len(self.held) >= self.max_held:
            self.acknowledge(done)
            return None
        taken = self.queue.take(self.workers.held_key, done)
        self.count_acknowledged(done)
        if taken is None:
            return None
        request, data = taken
        self.held[request] = data
        self.crawler.stats.inc_value(stats_keys.SCHEDULER_DEQUEUED_REDIS)
        self.crawler.stats.inc_value(stats_keys.DISTRIBUTED_REQUESTS_TAKEN)
        return request

    def finished_held(self) -> list[bytes]:
        """The held requests the engine is done with, no longer held here; those whose
        records a Parquet output still holds stay leased (:meth:`records_written`)."""
        in_progress = requests_in_progress(self.crawler)
        done = [request for request in self.held if request not in in_progress]
        finished = []
        for request in done:
            data = self.held.pop(request)
            if request in self.unwritten_records:
                self.done_unwritten[request] = data
            else:
                finished.append(data)
        return finished

    def item_scraped(self, item: Any, response: Response | None = None) -> None:
        """A held request's record that a Parquet output holds in memory for its row
        group (:class:`~crawler.runtime.parquet.CommitWhenWritten`) keeps the request
        leased until that is written: a worker killed before then gives it back, and its
        article is fetched and emitted again (acknowledged, it would be lost)."""
        request = response.request if response is not None else None
        url = ItemAdapter(item).get("url")
        if request in self.held and url and self.commits.scraped(url):
            self.request_of_unwritten[url] = request
            self.unwritten_records[request] = self.unwritten_records.get(request, 0) + 1

    def records_written(self, urls: list[str]) -> None:
        """Every output has these records on disk: acknowledge the requests done with."""
        done = []
        for url in urls:
            request = self.request_of_unwritten.pop(url, None)
            if request is None:
                continue  # written at once, or not a held request's
            self.unwritten_records[request] -= 1
            if not self.unwritten_records[request]:
                del self.unwritten_records[request]
                if request in self.done_unwritten:
                    done.append(self.done_unwritten.pop(request))
        self.acknowledge(done)

    def acknowledge(self, done: list[bytes]) -> None:
        if done:
            self.workers.acknowledge(done)
            self.count_acknowledged(done)

    def count_acknowledged(self, done: list[bytes]) -> None:
        if done:
            self.crawler.stats.inc_value(stats_keys.DISTRIBUTED_REQUESTS_ACKNOWLEDGED, len(done))

    def keep_alive(self) -> None:
        """Heartbeat, acknowledgements, and gone workers' requests back in the queue."""
        if not self.workers.heartbeat():
            self.crawler.stats.inc_value(stats_keys.DISTRIBUTED_TAKEN_FOR_GONE)
            logger.error(
                "Worker %s was taken for gone (no heartbeat for %g s, DISTRIBUTED_WORKER_TIMEOUT): "
                "its requests went back to the shared queue and may be fetched twice",
                self.workers.worker_id,
                self.workers.timeout,
            )
        self.acknowledge(self.finished_held())
        for worker_id, requeued in self.workers.requeue_gone_workers().items():
            self.crawler.stats.inc_value(stats_keys.DISTRIBUTED_WORKERS_GONE)
            self.crawler.stats.inc_value(stats_keys.DISTRIBUTED_REQUESTS_REQUEUED, requeued)
            logger.warning(
                "Worker %s is gone (no heartbeat for %g s): its %d held requests are back "
                "in the shared queue",
                worker_id,
                self.workers.timeout,
                requeued,
            )

    def spider_idle(self) -> None:
        """Idle here, but the crawl goes on while another worker may still add requests.

        Records a Parquet output holds are written now: their requests stay leased until
        then, and no worker finishes while any is leased."""
        if self.done_unwritten:
            write_pending_row_groups(self.crawler)
        self.keep_alive()
        if not self.workers.crawl_done():
            self.crawler.stats.inc_value(stats_keys.DISTRIBUTED_IDLE_WAITS)
            raise DontCloseSpider

    def close(self, reason: str) -> None:
        if self.keep_alive_call.running:
            self.keep_alive_call.stop()
        # What a Parquet output holds, on disk before the worker leaves: its requests are
        # acknowledged and its claims committed, not given back.
        write_pending_row_groups(self.crawler)
        self.acknowledge(self.finished_held())
        given_back = self.workers.leave()
        name = self.workers.keys.name
        if reason == "finished" and self.workers.crawl_done():
            if not self.workers.finished_at():
                self.workers.mark_finished()
                logger.info("Shared crawl %r finished", name)
        else:
            logger.info(
                "Shared crawl %r stopped (%s): %d requests this worker held are back in the "
                "queue; its state stays in Redis; start workers again to resume it",
                name,
                reason,
                given_back,
            )


def clear_crawl(server: Redis, keys: CrawlKeys) -> int:
    """Delete every key of the crawl, its workers' too; returns how many existed."""
    names = list(keys.all())
    for pattern in keys.per_worker_patterns():
        names.extend(server.scan_iter(match=pattern))
    return int(server.delete(*names))
