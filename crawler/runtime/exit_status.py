"""The crawl's exit status: non-zero whenever it lost data or could not write.

A crawl can run to its end and still have lost articles: a spider callback raised, an
extension's signal handler failed, the output could not be written (disk full), the
start requests could not be read. Scrapy logs each and exits 0. Here each is counted as
``failures/<kind>`` in the crawl stats the moment it happens, and ``scrapy crawl``
(``crawler/cli/scrapy_commands/crawl.py``) turns the counts into the process exit status:

==  ===========================================================================
0   the crawl finished and nothing was lost
1   something was lost or not written (the run report and ``failures/`` say what), or
    the crawl was interrupted (Ctrl-C): the rest of the archive is not read yet
2   a usage error: bad arguments, nothing was started (one line, no traceback)
3   refused to start: the job folder or output is in use, unwritable or corrupt
==  ===========================================================================

Other components record their own failures with :func:`record_failure`.
"""

from __future__ import annotations

import logging
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import deferred_from_coro

from crawler.reporting import stats_keys

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_REFUSED = 0, 1, 2, 3
INTERRUPTED = "shutdown"
"""Scrapy's ``finish_reason`` of a crawl stopped by a signal (Ctrl-C, SIGTERM)."""

SIGNAL_HANDLER_LOGGER = "scrapy.utils.signal"
"""Scrapy logs an exception raised by a signal handler (an extension) here, at ERROR."""
ENGINE_LOGGER = "scrapy.core.engine"


class RunRefused(Exception):
    """The crawl must not start (its job folder or output is in use, unwritable or
    corrupt); the message says why and what to do. ``scrapy crawl`` prints it as one
    line and exits 3, before anything was fetched or written."""


def record_failure(stats: StatsCollector, kind: str, count: int = 1) -> None:
    """Count a failure that loses data (``failures/<kind>``); the crawl will exit non-zero."""
    stats.inc_value(f"{stats_keys.FAILURES}{kind}", count)


def output_failed(
    crawler: Crawler | None, error: OSError, what: str, advice: str, lost_key: str, lost: int
) -> None:
    """An output could not be written (``what``: ``error``), and ``lost`` of its records
    (counted as ``lost_key``) with it: that is logged with ``advice``, the failure
    ``output`` is counted, and the crawl stops (``finish_reason: output_error``), its
    ``JOBDIR`` kept as after a kill."""
    logger.error("Cannot write %s (%s): the crawl stops. %s", what, error.strerror or error, advice)
    if crawler is None:
        return
    if crawler.stats is not None:
        record_failure(crawler.stats, "output")
        crawler.stats.inc_value(lost_key, lost)
    if crawler.engine is not None and crawler.engine.spider is not None:
        deferred_from_coro(crawler.engine.close_spider_async(reason="output_error"))


def failures(stats: dict[str, Any]) -> dict[str, int]:
    """Every failure of a finished crawl, by kind, from its stats.

    >>> failures({"failures/output": 2, "spider_exceptions/count": 1, "finish_reason": "x"})
    {'output': 2, 'spider_error': 1}
    >>> failures({"finish_reason": "finished", "item_scraped_count": 3})
    {}
    >>> failures({"finish_reason": "shutdown"})
    {'interrupted': 1}

    A crawl that started and never closed (a second Ctrl-C, a forced shutdown) is
    interrupted too: it exited 0 with part of the corpus.

    >>> failures({"start_time": "2026-12-05T10:00:00"})
    {'interrupted': 1}
    """
    prefix = stats_keys.FAILURES
    found = {k.removeprefix(prefix): v for k, v in stats.items() if k.startswith(prefix)}
    if stats.get("finish_reason") == INTERRUPTED or never_closed(stats):
        # Stopped part-way (Ctrl-C, SIGTERM): the archive's rest was not read, and a
        # script's `scrapy crawl … && next_step` went on with part of the corpus.
        found["interrupted"] = 1
    if stats.get(stats_keys.SPIDER_EXCEPTIONS_COUNT):
        found["spider_error"] = stats[stats_keys.SPIDER_EXCEPTIONS_COUNT]
    return found


def never_closed(stats: dict[str, Any]) -> bool:
    """Whether a crawl started and was stopped before it closed: no finish reason."""
    return "start_time" in stats and "finish_reason" not in stats


def exit_code(stats: dict[str, Any]) -> int:
    """The process exit status of a crawl that ran (see the module docstring)."""
    return EXIT_FAILED if failures(stats) else EXIT_OK


class _FailureLogHandler(logging.Handler):
    """Counts the ERROR records Scrapy logs when an extension or the start requests fail."""

    def __init__(self, stats: StatsCollector) -> None:
        super().__init__(logging.ERROR)
        self.stats = stats

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == SIGNAL_HANDLER_LOGGER:  # counted by the exception's type
            error_type = record.exc_info[0] if record.exc_info else None
            record_failure(
                self.stats, f"extension_error/{getattr(error_type, '__name__', 'error')}"
            )
        elif record.name == ENGINE_LOGGER and str(record.msg).startswith("Error while reading"):
            record_failure(self.stats, "start_error")


class ExitStatus:
    """Extension: counts extension errors, item pipeline errors and start errors as
    failures, and logs every failure of the run at its end."""

    def __init__(self, crawler: Crawler) -> None:
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.handler = _FailureLogHandler(crawler.stats)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        for name in (SIGNAL_HANDLER_LOGGER, ENGINE_LOGGER):
            logging.getLogger(name).addHandler(extension.handler)
        crawler.signals.connect(extension.item_error, signal=signals.item_error)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def item_error(self, *args: Any, **kwargs: Any) -> None:
        record_failure(self.stats, "pipeline_error")

    def engine_stopped(self) -> None:
        for name in (SIGNAL_HANDLER_LOGGER, ENGINE_LOGGER):
            logging.getLogger(name).removeHandler(self.handler)
        found = failures(self.stats.get_stats())
        if found:
            logger.error(
                "The crawl lost data or could not write it (%s): exit status %d",
                ", ".join(f"{kind}: {count}" for kind, count in sorted(found.items())),
                EXIT_FAILED,
            )
