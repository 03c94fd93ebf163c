"""The crawl's stats collector: Scrapy's in-memory one, without the per-access shim.

Scrapy's ``StatsCollector`` (2.14 and later) defines ``__getattribute__`` to warn when a
caller still passes the deprecated ``spider`` argument: every attribute read on the
collector, ``self._stats`` inside ``inc_value`` included, goes through a Python function
that first looks up a ``_cached_<name>`` attribute and catches the ``AttributeError``,
and each stats method through a wrapper that inspects its arguments. A crawl calls the
stats a few dozen times a page (Scrapy's downloader stats, the core stats, ours), and
that cost 1.4 µs a call against 0.08 µs without it: 3% of the crawl's process
(py-spy, a sitemap-first crawl of the realistic archive). This collector reads its
attributes as any object does; the methods and their ``spider`` argument are Scrapy's.
"""

from __future__ import annotations

from scrapy.statscollectors import MemoryStatsCollector


class PlainStatsCollector(MemoryStatsCollector):
    """``MemoryStatsCollector`` (``STATS_CLASS``), its attributes read directly.

    >>> from scrapy.utils.test import get_crawler
    >>> stats = PlainStatsCollector(get_crawler())
    >>> stats.inc_value("pages"); stats.inc_value("pages", 2); stats.get_value("pages")
    3
    """

    __getattribute__ = object.__getattribute__
