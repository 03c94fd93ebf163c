"""Python's cyclic garbage collector, set for a long crawl (``ARCHIVE_GC_THRESHOLD``).

CPython runs its cyclic collector on counts of new container objects: the youngest
generation at every 700 more of them, and a collection of every generation (which
traverses every tracked object) after ten of the middle one's, once the objects promoted
since the last are a quarter of those it holds. A crawl's process holds a large heap for
the whole crawl (every imported module and class, the coverage ledger, link caches, the
scheduler's queue) and makes thousands of short-lived objects a page (responses,
requests, records), few of them in reference cycles: at 700 the youngest generation is
collected several times a page, and objects still in use by the page in progress (a
response waiting for its reading, a record in the pipelines) are promoted, to be
traversed again by later, larger collections.

When the crawl's engine starts, :class:`CollectorSettings` moves every object made until
then (start-up: about 150,000) out of the collector's reach with :func:`gc.freeze`, and
sets the youngest generation's threshold to ``ARCHIVE_GC_THRESHOLD`` (default 10,000;
0 keeps Python's). Garbage in cycles is still collected, only in larger batches: a
crawl's peak memory does not change measurably, and the pages themselves are freed with
their responses, outside the collector (``drop_parsed_page``). The extraction workers do
the same once they have imported the extraction code (``crawler/runtime/extraction_pool.py``).
"""

from __future__ import annotations

import gc
import logging
from typing import Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)


def set_collector(threshold: int) -> None:
    """Freeze the objects made so far and collect the youngest generation every
    ``threshold`` new objects (the older generations' thresholds are kept)."""
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(threshold, middle, oldest)


class CollectorSettings:
    """Sets the collector when the engine starts (see the module docstring)."""

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        threshold = crawler.settings.getint("ARCHIVE_GC_THRESHOLD")
        if threshold <= 0:
            raise NotConfigured("ARCHIVE_GC_THRESHOLD is 0: Python's collector settings")
        extension = cls(threshold)
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        return extension

    def engine_started(self) -> None:
        set_collector(self.threshold)
        logger.debug("Garbage collector: start-up objects frozen, threshold %d", self.threshold)
