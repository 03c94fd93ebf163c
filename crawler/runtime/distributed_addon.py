"""The Scrapy add-on that makes a crawl a shared one (``DISTRIBUTED_REDIS_URL``,
:mod:`crawler.runtime.distributed`).

It is apart from that module so that a crawl that is not shared does not import redis and
scrapy-redis: about 90 ms of every crawl's start-up, measured with ``python -X importtime``.
"""

from __future__ import annotations

from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object


class DistributedCrawl:
    """Scrapy add-on (``ADDONS``): with ``DISTRIBUTED_REDIS_URL`` set, the crawl is shared.

    It puts scrapy-redis's duplicate filter and
    :class:`~crawler.runtime.distributed.RedisScheduler` in place of Scrapy's,
    ``pipelines.dedupe.SharedDedupePipeline`` in place of the dedupe pipeline, and gives
    the crawler its ``DISTRIBUTED_WORKER_ID``; without the setting it changes nothing (and
    imports nothing of Redis).
    """

    def update_settings(self, settings: BaseSettings) -> None:
        url = settings.get("DISTRIBUTED_REDIS_URL")
        if not url:
            return
        from scrapy_redis.dupefilter import RFPDupeFilter

        from crawler.runtime.distributed import CrawlKeys, RedisScheduler, new_worker_id

        settings.set("REDIS_URL", url, priority="addon")
        settings.set("SCHEDULER", RedisScheduler, priority="addon")
        # Over the project's own (crawler/settings.py), which keeps fingerprints in memory.
        settings.set("DUPEFILTER_CLASS", RFPDupeFilter, priority="project")
        settings.set("DISTRIBUTED_WORKER_ID", new_worker_id(), priority="addon")
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
