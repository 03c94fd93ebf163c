"""Live progress of a crawl: how far through the archive it is, how fast, and when it ends.

Every ``ARCHIVE_PROGRESS_INTERVAL`` seconds (default 30; 0 turns it off) one INFO line::

    articles 1,234 written / ~10,500 listed (11.8%) · 3.2 pages/s · 41 faults · ETA 47 min

*Listed* is how many articles the listings, sitemaps, URL lists or Wayback index have named
so far (the coverage ledger); it is an estimate (``~``) while discovery goes on, and the
line ends with ``(total still growing)`` while it rose over the recent window. The ETA is
the listed articles not yet settled (emitted, dropped, failed or skipped), divided by the
rate at which articles were settled over the last ``RATE_WINDOW`` samples; *faults* sums the
``faults/`` stats. On an interactive terminal (stderr is a TTY) a tqdm bar shows the same
figures, redrawn every second, with log lines printed above it; never when the output is
redirected, or with ``ARCHIVE_PROGRESS_BAR=False``.
"""

from __future__ import annotations

import logging
import sys
import time
from collections import deque
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector
from scrapy.utils.asyncio import create_looping_call

from crawler.reporting import stats_keys
from crawler.reporting.ledger import CoverageLedger
from crawler.runtime.run import ArchiveRun

logger = logging.getLogger(__name__)

RATE_WINDOW = 10
"""Samples the recent rates are measured over (5 minutes at the default interval)."""
BAR_REFRESH = 1.0
"""Seconds between redraws of the terminal bar."""


@dataclass(frozen=True)
class Sample:
    """The crawl's counters at one moment."""

    at: float
    written: int
    listed: int
    settled: int
    pages: int
    faults: int


def count(number: int) -> str:
    """
    >>> count(10500)
    '10,500'
    """
    return f"{number:,}"


def duration(seconds: float) -> str:
    """A remaining or elapsed time, rounded to what a reader can use.

    >>> [duration(s) for s in (42, 2820, 12000, 200000)]
    ['42 s', '47 min', '3 h 20 min', '55 h 33 min']
    """
    if seconds < 90:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


class Progress:
    """The recent samples of one crawl, and the progress line they give."""

    def __init__(self, window: int = RATE_WINDOW) -> None:
        self.samples: deque[Sample] = deque(maxlen=window + 1)

    def add(self, sample: Sample) -> None:
        self.samples.append(sample)

    def rate(self, counter: str) -> float | None:
        """Per second over the window; None before two samples."""
        if len(self.samples) < 2:
            return None
        first, last = self.samples[0], self.samples[-1]
        elapsed = last.at - first.at
        if elapsed <= 0:
            return None
        delta: int = getattr(last, counter) - getattr(first, counter)
        return delta / elapsed

    def growing(self) -> bool:
        return len(self.samples) > 1 and self.samples[-1].listed > self.samples[0].listed

    def eta(self) -> float | None:
        """Seconds until every listed article is settled at the recent rate; None when
        nothing was settled over the window."""
        last, rate = self.samples[-1], self.rate("settled")
        if not rate or rate <= 0:
            return None
        return max(last.listed - last.settled, 0) / rate

    def line(self) -> str:
        """
        >>> progress = Progress()
        >>> progress.add(Sample(0, 1000, 10_000, 1100, 3000, 40))
        >>> progress.add(Sample(60, 1234, 10_500, 1300, 3192, 41))
        >>> progress.line()
        'articles 1,234 written / ~10,500 listed (11.8%) · 3.2 pages/s · 41 faults · ETA 46 min (total still growing)'
        """
        last = self.samples[-1]
        share = f" ({last.written / last.listed:.1%})" if last.listed else ""
        parts = [f"articles {count(last.written)} written / ~{count(last.listed)} listed{share}"]
        pages = self.rate("pages")
        parts.append(f"{pages:.1f} pages/s" if pages is not None else "… pages/s")
        parts.append(f"{count(last.faults)} faults")
        eta = self.eta()
        parts.append(f"ETA {duration(eta)}" if eta is not None else "ETA unknown")
        return " · ".join(parts) + (" (total still growing)" if self.growing() else "")


def sample(stats: StatsCollector, ledger: CoverageLedger, at: float) -> Sample:
    """The counters now: stats, and the crawl's coverage ledger."""
    listed, settled = ledger.progress()
    values = stats.get_stats()
    return Sample(
        at=at,
        written=values.get(stats_keys.ARTICLES_EMITTED, 0),
        listed=listed,
        settled=settled,
        pages=values.get(stats_keys.DOWNLOADER_RESPONSE_COUNT, 0),
        faults=sum(v for k, v in values.items() if k.startswith(stats_keys.FAULTS)),
    )


class TerminalBar:
    """A tqdm bar of settled over listed articles, with log lines printed above it."""

    def __init__(self) -> None:
        from tqdm import tqdm
        from tqdm.contrib.logging import logging_redirect_tqdm

        self.bar = tqdm(
            total=0,
            dynamic_ncols=True,
            file=sys.stderr,
            # Settled / listed articles and the crawl's own figures, not tqdm's rate of
            # bar updates.
            bar_format="{percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} settled [{elapsed}{postfix}]",
        )
        self.redirect: AbstractContextManager[None] = logging_redirect_tqdm(
            loggers=[logging.getLogger()]
        )
        self.redirect.__enter__()

    def show(self, progress: Progress) -> None:
        last = progress.samples[-1]
        self.bar.total = last.listed
        self.bar.n = last.settled
        pages, eta = progress.rate("pages"), progress.eta()
        self.bar.set_postfix_str(
            f"{count(last.written)} written · {pages or 0:.1f} pages/s · "
            f"{count(last.faults)} faults · ETA {duration(eta) if eta is not None else '?'}"
            + (" · total growing" if progress.growing() else ""),
            refresh=False,
        )
        self.bar.refresh()

    def close(self) -> None:
        self.bar.close()
        self.redirect.__exit__(None, None, None)


class CrawlProgress:
    """Extension: logs the progress line every ``ARCHIVE_PROGRESS_INTERVAL`` seconds."""

    def __init__(self, crawler: Crawler, interval: float, bar: bool) -> None:
        self.crawler = crawler
        self.run = ArchiveRun.of(crawler)
        self.interval = interval
        self.progress = Progress()
        self.bar: TerminalBar | None = None
        self.want_bar = bar
        self.ticks = 0
        self.task: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        interval = crawler.settings.getfloat("ARCHIVE_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured("ARCHIVE_PROGRESS_INTERVAL is 0")
        bar = crawler.settings.getbool("ARCHIVE_PROGRESS_BAR") and sys.stderr.isatty()
        extension = cls(crawler, interval, bar)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.progress.add(self.sample_now())  # rates are measured from the start
        if self.want_bar:
            self.bar = TerminalBar()
        tick = min(self.interval, BAR_REFRESH) if self.bar else self.interval
        self.ticks_per_line = max(round(self.interval / tick), 1)
        self.task = create_looping_call(self.tick)
        self.task.start(tick, now=False)

    def sample_now(self) -> Sample:
        assert self.crawler.stats is not None
        return sample(self.crawler.stats, self.run.coverage, time.monotonic())

    def tick(self) -> None:
        self.ticks += 1
        now = self.sample_now()
        if self.ticks % self.ticks_per_line == 0:
            self.progress.add(now)
            logger.info("%s", self.progress.line())
        if self.bar is not None:
            shown = Progress()
            for earlier in self.progress.samples:
                shown.add(earlier)
            shown.add(now)
            self.bar.show(shown)

    def spider_closed(self, spider: Spider) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        if self.bar is not None:
            self.bar.close()
