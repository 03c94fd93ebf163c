"""The crawl's fault log: every fault counted in the stats, and logged loudly only for the
first few of its kind (see ``crawler/runtime/middlewares.py`` for the kinds)."""

from __future__ import annotations

import logging
import weakref
from collections import Counter

from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

LOUD_FAULTS_PER_KIND = 20
"""Faults of one kind logged at WARNING; later ones go to DEBUG (the count stays exact)."""


class FaultLog:
    """Counts a fault in the stats and logs it, loudly only for the first few of its kind.

    Made with the crawl's run, before Scrapy makes the stats collector: it finds the
    collector through the crawler when a fault is recorded. The reference is weak because
    the crawler keeps the run that keeps this log.
    """

    def __init__(self, crawler: Crawler) -> None:
        self._crawler = weakref.ref(crawler)
        self.logged: Counter[str] = Counter()

    def record(self, key: str, message: str, *args: object) -> None:
        crawler = self._crawler()
        assert crawler is not None  # a fault happens during the crawl
        assert crawler.stats is not None
        crawler.stats.inc_value(key)
        kind = key.rsplit("/", 1)[0] if key.count("/") > 1 else key
        self.logged[kind] += 1
        if self.logged[kind] <= LOUD_FAULTS_PER_KIND:
            logger.warning(message, *args)
            if self.logged[kind] == LOUD_FAULTS_PER_KIND:
                logger.warning("Further %s faults are counted but logged at DEBUG only", kind)
        else:
            logger.debug(message, *args)
