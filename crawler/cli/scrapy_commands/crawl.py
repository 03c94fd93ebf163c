"""``scrapy crawl``, with an exit status that tells what happened (``crawler/runtime/exit_status.py``).

Scrapy's own ``crawl`` exits 0 after a crawl that lost articles, and 1 with a traceback
after a bad ``-a`` argument. This one, installed through ``COMMANDS_MODULE``, runs the
crawl the same way, then:

- bad arguments (the spider raises ``UsageError``), a spider name no spider has, a
  ``-s`` value that is not of its setting's type, or Scrapy's reactorless mode
  (``TWISTED_REACTOR_ENABLED=False``, :data:`NEEDS_REACTOR`): one line on stderr, exit 2;
- a refused start (``RunRefused``: job folder or output in use, unwritable, corrupt):
  one line on stderr, exit 3;
- a crawl that ran: exit 1 when it counted a failure (``failures/…``, spider errors), else 0.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawler.runtime.exit_status import (
    EXIT_FAILED,
    EXIT_REFUSED,
    EXIT_USAGE,
    RunRefused,
    exit_code,
    never_closed,
)

logger = logging.getLogger(__name__)

NEEDS_REACTOR = (
    "TWISTED_REACTOR_ENABLED=False (Scrapy's experimental reactorless mode) is not "
    "supported: the feed's fsync timer, the WARC writer and the timer sweep run on "
    "Twisted's asyncio reactor, Scrapy's default"
)
"""Why a reactorless crawl is refused before it starts: without the reactor, it stopped
with an ``ImportError`` traceback when the first of those was built."""


SETTING_GETTERS = frozenset(
    {"getbool", "getint", "getfloat", "getlist", "getdict", "getdictorlist"}
)


def is_setting_value_error(error: BaseException) -> bool:
    """Whether ``error`` was raised reading a setting's value as its type (Scrapy's
    ``settings.getfloat("DOWNLOAD_DELAY")`` of ``-s DOWNLOAD_DELAY=abc``): a usage
    error, not the crawl's.

    >>> from scrapy.settings import Settings
    >>> try:
    ...     Settings({"DOWNLOAD_DELAY": "abc"}).getfloat("DOWNLOAD_DELAY")
    ... except ValueError as error:
    ...     is_setting_value_error(error)
    True
    >>> is_setting_value_error(ValueError("elsewhere"))
    False
    """
    trace = error.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_name in SETTING_GETTERS:
            return True
        trace = trace.tb_next
    return False


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) < 1:
            raise UsageError
        if len(args) > 1:
            raise UsageError("running 'scrapy crawl' with more than one spider is not supported")
        assert self.crawler_process
        assert self.settings is not None
        if not self.settings.getbool("TWISTED_REACTOR_ENABLED", True):
            sys.stderr.write(f"scrapy crawl: error: {NEEDS_REACTOR}\n")
            self.exitcode = EXIT_USAGE
            return
        try:
            crawler = self._create_crawler(args[0])
        except KeyError:  # Scrapy's "Spider not found", with a traceback
            names = ", ".join(sorted(self.crawler_process.spider_loader.list()))
            sys.stderr.write(f"scrapy crawl: error: no spider {args[0]!r}; the spiders: {names}\n")
            self.exitcode = EXIT_USAGE
            return
        self.start_error: BaseException | None = None
        running = self.crawler_process.crawl(crawler, **opts.spargs)
        if isinstance(running, Deferred):
            running.addErrback(self._keep_start_error)
        elif isinstance(running, asyncio.Future):
            running.add_done_callback(self._task_done)
        self.crawler_process.start()
        self.exitcode = self._exit_status(crawler)

    def _task_done(self, task: asyncio.Future[Any]) -> None:
        if not task.cancelled():
            self.start_error = task.exception()  # retrieved: asyncio does not log it again

    def _keep_start_error(self, failure: Failure) -> None:
        self.start_error = failure.value

    def _exit_status(self, crawler: Crawler) -> int:
        error = self.start_error
        if isinstance(error, UsageError):
            sys.stderr.write(f"scrapy crawl: error: {error}\n")
            return EXIT_USAGE
        if isinstance(error, RunRefused):
            sys.stderr.write(f"scrapy crawl: refused: {error}\n")
            return EXIT_REFUSED
        if isinstance(error, (ValueError, TypeError)) and is_setting_value_error(error):
            sys.stderr.write(f"scrapy crawl: error: a -s setting's value: {error}\n")
            return EXIT_USAGE
        if error is not None:
            logger.error("The crawl could not start", exc_info=error)
            return EXIT_FAILED
        assert self.crawler_process is not None
        if self.crawler_process.bootstrap_failed:
            return EXIT_FAILED
        stats = crawler.stats.get_stats()
        if never_closed(stats):
            logger.error(
                "The crawl was stopped before it closed (a second Ctrl-C, a forced shutdown): "
                "its outputs hold what it wrote, and no run report or end-of-crawl date join "
                "was made: exit status 1"
            )
        return exit_code(stats)
