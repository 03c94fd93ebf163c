"""Cancelled Twisted timers, dropped while the crawl runs (``ARCHIVE_TIMER_SWEEP_SECONDS``).

Every download sets a Twisted timer (``DOWNLOAD_TIMEOUT``, 180 s) and every connection
put back in the pool another (its idle timeout, 240 s); both are cancelled a moment later,
when the response is in or the connection is taken again. A cancelled timer stays in the
reactor's heap, about 530 bytes with its bound methods, until the reactor next runs its
due timers (``runUntilCurrent``), which then drops the cancelled ones once they are half
the heap.

Twisted's own reactors run their due timers at every turn of their loop. The asyncio
reactor, Scrapy's default, runs them only when the earliest timer of the heap is due, and
the earliest is a 180 s timeout, cancelled or not: so the heap kept every timer of the
last three minutes of the crawl, about 1.4 for each page fetched. On the benchmark's
archive that was 30,000 timers (16 MB) at the peak of a 20,000-article crawl, against
10,000 for a 5,000-article crawl: the largest part of the crawl's growth with its size.

:class:`TimerSweep` sets a Twisted timer that does nothing, every
``ARCHIVE_TIMER_SWEEP_SECONDS`` (default 1; 0 turns it off), from when the engine starts:
the reactor runs its due timers when it fires, and drops the cancelled ones there. The
heap then holds the live timers and at most a second's cancelled ones.
"""

from __future__ import annotations

from typing import Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings
from twisted.internet import task


def sweep_interval(settings: BaseSettings) -> float:
    """``ARCHIVE_TIMER_SWEEP_SECONDS``, when the sweep is on.

    >>> from scrapy.settings import Settings
    >>> sweep_interval(Settings({"ARCHIVE_TIMER_SWEEP_SECONDS": "0.5"}))
    0.5
    >>> sweep_interval(Settings({"ARCHIVE_TIMER_SWEEP_SECONDS": 0}))
    Traceback (most recent call last):
    scrapy.exceptions.NotConfigured: ARCHIVE_TIMER_SWEEP_SECONDS is 0: cancelled timers kept
    """
    interval = settings.getfloat("ARCHIVE_TIMER_SWEEP_SECONDS")
    if interval <= 0:
        raise NotConfigured("ARCHIVE_TIMER_SWEEP_SECONDS is 0: cancelled timers kept")
    return interval


def wake_reactor() -> None:
    """Nothing: the reactor running a timer is the point (see the module docstring)."""


class TimerSweep:
    """Lets the reactor drop its cancelled timers every ``interval`` seconds."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.call = task.LoopingCall(wake_reactor)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(sweep_interval(crawler.settings))
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_started(self) -> None:
        self.call.start(self.interval, now=False)

    def engine_stopped(self) -> None:
        if self.call.running:
            self.call.stop()
