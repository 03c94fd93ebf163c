"""Article and listing pages read in worker processes: a crawl's second core.

Scrapy runs a crawl in one process, so a crawl uses one core however many the machine
has, and reading a page (parsing its HTML; for an article page the profile's
``article_page(...)``, ``not_article_reason()`` and ``to_item()`` and the bot-wall check;
for a listing page the profile's ``listing_page(...)`` entries and older page; for both
the page's link targets) is most of what an archive crawl's process spends. With
``ARCHIVE_EXTRACTION_PROCESSES`` = N > 0 (``crawler/settings.py``), :class:`PageReader`
reads those pages in N worker processes while the crawl's process downloads, follows
links, keeps the coverage ledger and stats and runs the pipelines.

- **What crosses.** The worker function (:func:`read_in_worker`) is pure but for the
  links it has sent: it gets a job
  (:class:`ArticleJob` or :class:`ListingJob`: the profile's page class, pickled by name,
  and the page's published URL), the page's URL, status, headers, body, response class
  and encoding (:class:`PageTask`), and returns the job's small reading.
  :class:`ArticleReading`: why the page is not an article, the bot-wall vendor where the
  spider checks for one, the record (with the word count, content hash and NFC check
  the pipelines derive from its text: ``crawler/extraction/text_facts.py``) or the
  traceback of its extraction error, and the page's link ``href`` values with its base
  URL (each absolute one once per worker: :meth:`PageLinks.unsent`).
  :class:`ListingReading`: the listed posts and their days, the older page, and the
  page's links (all of them). Everything else (the
  ledger, stats, traps, link following through the spider's caches, sitemap-first)
  stays in the crawl's process, so a crawl gives the same records, requests and stats in
  either (but for the counts of links met again, which a worker leaves out). What the
  worker logs (at the crawl's ``LOG_LEVEL`` or above) is logged again in the crawl's
  process.
- **When it starts.** Its workers are forked from the crawl's process as its engine
  starts, before the first request, while the process has one thread: a copy of it, every
  module already imported, up in about 5 ms (no Twisted thread, no executor thread yet:
  a fork copies no lock another thread holds). Pages go to them only once
  ``ARCHIVE_EXTRACTION_POOL_AFTER`` pages (article and listing pages) were read in the
  crawl's process, or as many more wait in the scheduler to be fetched (a sitemap that
  names a thousand posts tells at once that a crawl is big), so a small crawl (and the
  test suite's) reads every page itself and its idle worker is stopped at the end
  (another 5 ms); a crawl refused as it is set up (a corrupt state file, an output in
  use) forks none. Measured on the realistic archive: a worker started then from a
  ``forkserver`` (a fresh interpreter importing Scrapy and the extraction code) was up
  0.4-0.8 s into the crawl, which meanwhile read 150-200 of its pages itself; forked at
  the start, 8 of 8 alternating crawls of its 1,500 articles were faster, 10% less time
  and CPU (medians 2.26 and 2.04 s). Where the process has other threads by then (a
  program that runs crawls in threads), on another platform than Linux, or with
  ``ARCHIVE_EXTRACTION_FORK`` off, the pool starts from the ``forkserver`` once the
  crawl is big, in a thread of its own (the first worker waits 0.3-0.5 s for the
  forkserver's imports; meanwhile the crawl reads its pages itself); a pool that
  replaces a dead one always does (by then the crawl has threads; a restart takes
  10 ms). With ``ARCHIVE_EXTRACTION_POOL_AFTER=0`` every page is read in the pool (for
  tests and measurements).
- **Ctrl-C.** A worker ignores SIGINT: a Ctrl-C in a terminal reaches every process of
  the crawl, and the crawl's process stops gracefully, its workers finishing the pages
  they hold. (Before, a worker's ``KeyboardInterrupt`` came back as its batch's error,
  reached the spider's callback, and the crawl hung at exit.) SIGTERM keeps its default
  action: the executor stops the other workers with it when one dies. A crawl killed
  outright (``kill -9``, the OOM killer) sends its workers no last task: each watches
  the crawl's process in a thread of its own and exits once it is gone
  (:func:`exit_with`), where it used to wait for pages for ever (with its forkserver).
- **Batches, and who waits.** Sending a batch of pages and taking its readings back costs
  the crawl's process about 0.3 ms whatever its size (the executor's threads, locks and
  pipes), so pages go in batches (up to :data:`BATCH_PAGES`): about 0.1 ms a page. Each
  worker has :data:`BATCHES_PER_WORKER` batches at a time, so that it starts the next as
  soon as it is done with one, rather than wait a round trip for it. Only when
  :data:`BEHIND_PAGES` more wait are the workers behind (a busy machine, slow pages), and
  then the crawl's process reads the page itself rather than wait with nothing else to
  do (counted: ``extraction_pool/read_in_crawl_behind``): the pool then adds a core, and
  never makes a crawl wait on it. Pages arrive in bursts (16 connections), so a shorter
  queue would have the crawl's process, the busier one, read pages the worker had time
  for.
- **Faults.** An article's extraction error in a worker is counted and logged as in the
  crawl's process (``articles/dropped/extraction_error`` and the traceback); a page
  whose reading raised in a worker (a listing profile's bug) is read again in the
  crawl's process, where it raises in the spider's callback as without a pool. A worker
  that dies (killed, out of memory), holding pages or idle, breaks the pool: that is
  logged once and counted (``faults/extraction_worker_lost``), a new pool is started,
  and every page the dead one held is read again in it. A page that breaks a second
  pool is read in the crawl's process, as without a pool.
  A batch whose readings cannot come back (one that does not pickle: a profile's bug)
  is a spider error for each of its pages, and the pool is replaced: its worker took
  those pages' links as sent.
- **Costs.** Sending a page and its reading between processes costs the crawl's process
  about 0.1 ms a page, in batches; the workers' CPU time and peak memory are counted
  (``extraction_pool/cpu_seconds``, ``extraction_pool/peak_rss_bytes``) so benchmarks
  charge the crawl for them (``bench/stats.py``).
- **Caveats.** It needs Twisted's asyncio reactor (Scrapy's default); under another the
  pages are read in the crawl's process. A script that runs a crawl with
  ``CrawlerProcess`` must start it under ``if __name__ == "__main__":``, as any program
  that starts processes this way must; ``scrapy crawl`` does. A machine that runs several
  crawls at once has no idle core to give: set ``ARCHIVE_EXTRACTION_PROCESSES=0``.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import multiprocessing.connection
import os
import re
import resource
import signal
import sys
import threading
import time
import traceback
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterator, Sized
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, ClassVar, Generic, Self, TypeVar, cast

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Headers, TextResponse
from scrapy.statscollectors import StatsCollector
from scrapy.utils.reactor import is_asyncio_reactor_installed, is_reactor_installed

from crawler.discovery.daterange import iso_day
from crawler.discovery.urls import URL_CACHE_SIZE, RecentUrls
from crawler.extraction.parsing import read_past_html_end, stopped_at_nesting_limit
from crawler.extraction.text_facts import note_text_facts
from crawler.items import ArticleItem
from crawler.reporting import stats_keys
from crawler.runtime.bot_walls import is_thin, response_headers, wall_vendor
from crawler.runtime.collector import set_collector
from crawler.sites.base import (
    NO_ARTICLE_MARKUP,
    ArticlePage,
    ListingEntry,
    ListingPage,
)

logger = logging.getLogger(__name__)

START_METHOD = "forkserver"
"""How a pool starts once the crawl has threads (see "When it starts")."""
FORK = "fork"
"""How a pool starts at the crawl's start, while it has one thread (:func:`may_fork_workers`)."""
THREADS = Path("/proc/self/task")
"""One entry for each thread of this process (Linux)."""
POOL_TRIES = 2
"""Pools a page is sent to before it is read in the crawl's process: a page that kills
every worker that reads it must not restart pools for ever."""
BATCH_PAGES = 16
"""Pages sent to a worker at once, at most. (Measured on the realistic archive's pages: the
crawl's process spends 0.25-0.5 ms per page sent alone, 0.1 ms per page in batches of 8.
Alternated with 8 in 19 rounds of sitemap-first crawls of its 1,500 articles, 16 was the
faster in all 19: 6% less time to the corpus and 7% less CPU in the crawl's process,
medians of 5 rounds. Most of it is :data:`BEHIND_PAGES`, which follows it: with 16 pages a
batch but 32 waiting as the limit, the gain halved.)"""
BATCHES_PER_WORKER = 2
"""Batches sent to each worker and not back yet, at most: one it reads, one ready next.
(Measured: with one, the crawl's process read 30% of the pages of a crawl of the realistic
archive itself; with two, 1%.)"""
BEHIND_PAGES = 4 * BATCH_PAGES
"""Pages waiting for a worker (beyond those sent) from which the workers are behind. Each
page the crawl's process then reads itself costs it about 0.8 ms more than the 0.1 ms of
sending it: with 32, 12-65 pages of such a crawl were read there, with 64 none to 8."""


def default_processes() -> int:
    """``ARCHIVE_EXTRACTION_PROCESSES`` by default: one worker when this process may run
    on two cores or more (the crawl's process keeps one busy), else none."""
    return 1 if len(os.sched_getaffinity(0)) >= 2 else 0


def sent_once(href: str) -> bool:
    """Whether a worker sends a link ``href`` once (:meth:`PageLinks.unsent`): an absolute
    one with no query, which the crawl's process decides once (``LinkTargets``); not a
    relative one, whose meaning depends on the page, nor one whose query may hold tracking
    parameters, which the spider counts each time it meets one.

    >>> sent_once("https://x.org/a/"), sent_once("b/"), sent_once("https://x.org/?p=1")
    (True, False, False)
    """
    return href.startswith(("http://", "https://")) and "?" not in href and ";" not in href


@dataclass(frozen=True)
class PageLinks:
    """A page's link targets as written (``href`` values), and the base URL a relative
    one is resolved against (``<base href>``, else the page's URL)."""

    hrefs: list[str]
    base_url: str
    repeated: int = 0
    """Links left out as :meth:`unsent` leaves them out."""

    def unsent(self, sent: RecentUrls) -> PageLinks:
        """These links less those in ``sent``, to which the others that are
        :func:`sent_once` are added.

        A worker sends an article page's links once (a site's pages repeat its menus and
        sidebars: hundreds of links a page), so a repeat costs the crawl's process
        nothing; the crawl's process decided each the first time, and what becomes of a
        link it did not follow then (a listing held back, a date archive waiting for a
        post) is its own business, not a later page's.

        >>> sent = RecentUrls(100)
        >>> first = PageLinks(["https://x.org/a/", "b/", "https://x.org/?p=1"], "https://x.org/")
        >>> first.unsent(sent).hrefs
        ['https://x.org/a/', 'b/', 'https://x.org/?p=1']
        >>> second = PageLinks(["https://x.org/a/", "b/", "https://x.org/c/"], "https://x.org/d/")
        >>> again = second.unsent(sent)
        >>> again.hrefs, again.repeated
        (['b/', 'https://x.org/c/'], 1)
        """
        hrefs = []
        for href in self.hrefs:
            if href in sent:
                continue
            if sent_once(href):
                sent.add(href)
            hrefs.append(href)
        return PageLinks(hrefs, self.base_url, len(self.hrefs) - len(hrefs))


@dataclass(frozen=True)
class WorkerUsage:
    """What a worker process has spent so far: CPU seconds and peak resident memory."""

    pid: int
    cpu_seconds: float
    peak_rss_bytes: int

    @classmethod
    def now(cls) -> WorkerUsage:
        """This process's usage (``ru_maxrss`` counts from the fork: the forkserver's
        memory too, which the worker shares)."""
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return cls(os.getpid(), usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024)


@dataclass(frozen=True)
class ArticleReading:
    """What an article page says, as the spider needs it."""

    reason: str | None
    """Why the page is not an article (``not_article_reason()``), or None."""
    wall: str | None
    """The bot-wall vendor of a page that is not an article, or of a thin record's page
    (the two places the spider checks); None when checked and not a wall, or not checked."""
    item: ArticleItem | None
    """The record, when the page was extracted and extraction worked."""
    error: str | None
    """The traceback of the extraction error, when it failed."""
    links: PageLinks | None
    """The page's links, when asked for."""
    cut_short: bool = False
    """Whether the parser stopped at its nesting limit, before the page's end
    (:func:`~crawler.extraction.parsing.stopped_at_nesting_limit`)."""
    first_page: str | None = None
    """The first page of the article this page is a later page of (split in pages)."""
    later_pages: tuple[str, ...] = ()
    """The pages after this one of the article it is the first page of, in order."""
    read_past_html_end: bool = False
    """Whether the page was read on past an early ``</html>`` (:func:`read_on`)."""
    older_page: str | None = None
    """The next page towards older posts of a page that is not an article (a section's
    front at an article's URL), as the profile reads it."""


Page = TypeVar("Page", ArticlePage, ListingPage)
Reading_co = TypeVar("Reading_co", covariant=True)


@dataclass(frozen=True)
class PageJob(ABC, Generic[Page, Reading_co]):
    """How to read a page of one kind (pickled with it when a worker reads it):
    :class:`ArticleJob`, :class:`ListingJob`."""

    POOL_STAT: ClassVar[str]
    """The stat that counts the pages of this kind read in a worker."""
    POOL_CPU_STAT: ClassVar[str]
    """The stat that adds up the workers' CPU seconds reading them."""
    KIND: ClassVar[str]
    """What its pages are, for the log."""
    AHEAD: ClassVar[bool] = False
    """Whether its pages go to a worker ahead of the others waiting: what a listing's
    reading leads to is more pages to fetch (its posts, its older page: a section's pages
    are read one after another), an article's is a record."""
    page_class: type[Page]
    """The site profile's page class for it (pickled by name; the forkserver imports its
    module)."""
    public_url: str
    """The page's published URL."""

    @abstractmethod
    def read(self, response: TextResponse) -> Reading_co:
        """The page's reading: pure, the same in any process."""


@dataclass(frozen=True)
class ArticleJob(PageJob[ArticlePage, ArticleReading]):
    """How to read an article page (``article_page``)."""

    POOL_STAT = stats_keys.EXTRACTION_POOL_ARTICLE_PAGES
    POOL_CPU_STAT = stats_keys.EXTRACTION_POOL_ARTICLE_CPU_SECONDS
    KIND = "article"
    links: bool
    """Whether the spider follows the page's links."""
    extract_unsure: bool
    """Whether a page that only looks unlike an article is extracted all the same."""

    def read(self, response: TextResponse) -> ArticleReading:
        return read_article(self, response)


PLAIN_TEXT = "plain_text"
"""Not-article reason of a text page with no markup at all (a ``.txt`` file, a text
served as HTML): no profile reads one, and its record was dropped as ``empty_body``."""
MARKUP = re.compile(rb"<[!/?a-zA-Z]")
TEXT_MARKUP = re.compile(MARKUP.pattern.decode())


def is_plain_text(response: TextResponse) -> bool:
    """Whether ``response`` is text with no markup in its first 64 KiB: not a tag, a
    comment or a doctype (a page's PHP warnings before its HTML are text, a few lines).

    >>> is_plain_text(TextResponse("https://x.org/a.txt", body=b"Headline\\n\\nA story.", encoding="utf-8"))
    True
    >>> is_plain_text(TextResponse("https://x.org/a/", body=b"\\n<p>A story.</p>", encoding="utf-8"))
    False

    A page in UTF-16 or UTF-32 (its BOM says so) is read as text: its markup's bytes are
    not ASCII's, and it was "plain text", its article lost.

    >>> is_plain_text(TextResponse("https://x.org/a/", body="<p>A story.</p>".encode("utf-16"),
    ...     encoding="utf-16"))
    False
    """
    if response.encoding.lower().replace("_", "-").startswith(("utf-16", "utf-32")):
        return TEXT_MARKUP.search(response.text, 0, 65536) is None
    return MARKUP.search(response.body, 0, 65536) is None


def read_on(response: TextResponse) -> tuple[TextResponse, bool]:
    """``response``, or a copy read on past an ``</html>`` that comes before the page's
    end, where libxml2 would stop (:func:`~crawler.extraction.parsing.read_past_html_end`),
    and whether it is. Looked at here, where the page is read (in a worker when there are
    any), not in the crawl's busy process: two searches of the bytes, 15-25 µs a page."""
    read_past = read_past_html_end(response.body, response.encoding)
    return (response, False) if read_past is None else (response.replace(body=read_past), True)


def read_article(job: ArticleJob, response: TextResponse) -> ArticleReading:
    """Read an article page: its links if ``job.links``; why it is not an article;
    whether a page that is not one is a bot wall; the record, unless the page is not an
    article (but with ``job.extract_unsure``, when it only looks unlike one); whether a
    thin record's page is a bot wall."""
    response, read_past = read_on(response)
    page = job.page_class(response, job.public_url)
    # The page's whole tree, when the page is not read without its sidebar.
    root = page.root if page.chrome is None else None
    reason = PLAIN_TEXT if is_plain_text(response) else page.not_article_reason()
    wall = None
    if reason is not None:
        wall = wall_vendor(response.body, response_headers(response), root)
    item = error = None
    if wall is None and (reason is None or (reason == NO_ARTICLE_MARKUP and job.extract_unsure)):
        try:
            item = page.to_item()
            # What the pipelines derive from its text, worked out here: in a worker, off
            # the crawl's process (crawler/extraction/text_facts.py).
            note_text_facts(item)
        except Exception:  # noqa: BLE001 (the spider logs it with this traceback)
            # One broken page must not end a crawl of thousands: the spider counts it.
            error = traceback.format_exc()
        else:
            if reason is None and is_thin(item.title, item.body):
                wall = wall_vendor(response.body, response_headers(response), root)
    links = PageLinks(page.link_hrefs(), page.base_url) if job.links else None
    cut_short = stopped_at_nesting_limit(page.root)
    # The pages of an article split in pages: a record's only. A section's pager names
    # its own later pages, which are followed as listings.
    pages = page.post_pages() if item is not None else None
    first_page = pages.first if pages is not None else None
    later_pages = tuple(pages.later) if pages is not None and first_page is None else ()
    # A page that is not an article may be a section's front: its pager is followed.
    older_page = page.older_page_url() if reason not in (None, PLAIN_TEXT) else None
    drop_parsed_page(response)
    return ArticleReading(
        reason, wall, item, error, links, cut_short, first_page, later_pages, read_past, older_page
    )


def drop_parsed_page(response: TextResponse) -> None:
    """Let ``response``'s parsed page (an lxml tree, several times the size of the body)
    go as soon as the response goes. Scrapy keeps it as ``response.selector``, a
    ``Selector`` that refers back to the response: a reference cycle, which only Python's
    cyclic garbage collector frees, and that runs on counts of new objects, not on bytes.
    Dead pages piled up: the peak RSS of a 1,500-article crawl of the benchmark archive
    with every page read in the crawl's process was 296 MB, 161 MB with this. Should
    anything ask for the selector again, Scrapy parses the page again."""
    response._cached_selector = None


@dataclass(frozen=True)
class ListingReading:
    """What a listing page says, as the spider needs it."""

    entries: list[ListingEntry]
    """The posts it lists, newest first (``entries()``)."""
    days: list[date | None]
    """Each entry's publication day, when its listed date is one (``iso_day``)."""
    older_page_url: str | None
    """The next page towards older posts (``older_page_url()``)."""
    links: PageLinks
    read_past_html_end: bool = False
    """Whether the page was read on past an early ``</html>`` (:func:`read_on`)."""


@dataclass(frozen=True)
class ListingJob(PageJob[ListingPage, ListingReading]):
    """How to read a listing page (``listing_page``)."""

    POOL_STAT = stats_keys.EXTRACTION_POOL_LISTING_PAGES
    POOL_CPU_STAT = stats_keys.EXTRACTION_POOL_LISTING_CPU_SECONDS
    KIND = "listing"
    AHEAD = True

    def read(self, response: TextResponse) -> ListingReading:
        """The profile's reading of the listing, and the page's links."""
        response, read_past = read_on(response)
        listing = self.page_class(response, self.public_url)
        entries = listing.entries()
        reading = ListingReading(
            entries,
            [iso_day(entry.published) for entry in entries],
            listing.older_page_url(),
            PageLinks(listing.link_hrefs(), listing.base_url),
            read_past,
        )
        drop_parsed_page(response)
        return reading


@dataclass(frozen=True)
class PageTask:
    """A page as it crosses to a worker: its job and what it reads the page from."""

    job: PageJob[Any, object]
    response_class: type[TextResponse]
    url: str
    status: int
    headers: dict[bytes, list[bytes]]
    body: bytes
    encoding: str

    @classmethod
    def of(cls, job: PageJob[Any, object], response: TextResponse) -> PageTask:
        return cls(
            job,
            type(response),
            response.url,
            response.status,
            dict(response.headers),
            response.body,
            response.encoding,
        )

    def response(self) -> TextResponse:
        """The response again, decoded as the crawl's process decoded it."""
        return self.response_class(
            url=self.url,
            status=self.status,
            headers=Headers(self.headers),
            body=self.body,
            encoding=self.encoding,
        )


class _CapturedLogs(logging.Handler):
    """Keeps the records a worker logs while it reads a page, ready to be pickled."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args = record.getMessage(), None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        self.records.append(record)

    @contextmanager
    def capturing(self) -> Iterator[list[logging.LogRecord]]:
        self.records = []
        yield self.records


_worker_logs = _CapturedLogs()


def may_fork_workers() -> bool:
    """Whether the pool's workers may be forked from this process now: on Linux, under
    the asyncio reactor (the pool answers through its loop), while the process has one
    thread. A fork copies every lock as it is, and one another thread held stays held
    for ever in the copy; the threads are counted in ``/proc``, where a C library's
    count too."""
    if sys.platform != "linux" or not is_reactor_installed():
        return False
    try:
        return is_asyncio_reactor_installed() and sum(1 for _ in THREADS.iterdir()) == 1
    except OSError:
        return False


def start_worker(log_level: str, gc_threshold: int) -> None:
    """Initializer of a worker process: log to :data:`_worker_logs` at ``log_level``; the
    garbage collector set as in the crawl's process (``crawler/runtime/collector.py``);
    SIGINT ignored and SIGTERM's default action (see "Ctrl-C"; a forked worker has the
    crawl's handlers, and the crawl's loop's socket as where Python notes a signal); and a
    thread that ends the worker once the crawl's process is gone (:func:`exit_with`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.set_wakeup_fd(-1)
    crawl = multiprocessing.parent_process()
    if crawl is not None and crawl.sentinel is not None:
        watch = threading.Thread(
            target=exit_with, args=(crawl.sentinel,), name="crawl-watch", daemon=True
        )
        watch.start()
    root = logging.getLogger()
    root.handlers = [_worker_logs]
    root.setLevel(log_level)
    if gc_threshold > 0:
        set_collector(gc_threshold)


def exit_with(sentinel: int) -> None:
    """End the worker once the process that started it is gone (``sentinel``: its end
    of a pipe, at end of file then). Killed (``kill -9``, the OOM killer), the crawl sends
    no last task, and its worker waited for one for ever, 60 MB held."""
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def worker_usage() -> WorkerUsage:
    """The worker's first task: the pool is ready once it answers."""
    return WorkerUsage.now()


@dataclass(frozen=True)
class WorkerReading:
    """A page's reading as a worker sends it back."""

    reading: object | None
    """What the page's job read (:meth:`PageJob.read`); None when reading it raised."""
    logs: list[logging.LogRecord]
    """What the worker logged while reading the page."""
    usage: WorkerUsage
    """The worker's usage after reading the page."""
    cpu_seconds: float
    """The worker's CPU time reading the page (its thread's: the executor's own threads
    and the pipe are not in it)."""


_links_sent = RecentUrls(URL_CACHE_SIZE)
"""The links of article pages this worker sent to the crawl's process (PageLinks.unsent)."""


def read_in_worker(tasks: list[PageTask]) -> list[WorkerReading]:
    """Each page's reading, in a worker process, with what it logged and the worker's
    usage; an article page's links with the repeats left out (:meth:`PageLinks.unsent`:
    not a listing page's, whose article links the spider collects on each)."""
    readings = []
    for task in tasks:
        started = time.thread_time()
        with _worker_logs.capturing() as logs:
            try:
                reading = task.job.read(task.response())
            except Exception:  # noqa: BLE001 (read again in the crawl's process, it raises there)
                # Not the batch's exception: the other pages of the batch were read.
                reading = None
        if isinstance(reading, ArticleReading) and reading.links is not None:
            reading = replace(reading, links=reading.links.unsent(_links_sent))
        cpu_seconds = time.thread_time() - started
        readings.append(WorkerReading(reading, list(logs), WorkerUsage.now(), cpu_seconds))
    return readings


@dataclass(eq=False)
class _Waiting:
    """A page waiting for its reading from the pool."""

    task: PageTask
    reading: asyncio.Future[WorkerReading | None]
    """None: the page broke :data:`POOL_TRIES` pools; it is to be read in the crawl's process."""
    tries: int = 0


def _copy_outcome(target: Future[WorkerUsage], source: Future[WorkerUsage]) -> None:
    """``source``'s result or exception, given to ``target``."""
    error = source.exception()
    if error is None:
        target.set_result(source.result())
    else:
        target.set_exception(error)


def _settle(waiting: _Waiting, reading: WorkerReading | None) -> None:
    if not waiting.reading.done():  # not cancelled meanwhile
        waiting.reading.set_result(reading)


class PageReader:
    """Reads the crawl's article and listing pages: in its own process, or in a pool of
    worker processes once the crawl is big enough (see the module docstring)."""

    def __init__(self, crawler: Crawler, processes: int, start_after: int, log_level: str) -> None:
        self.crawler = crawler
        self.processes = processes
        self.start_after = start_after
        self.log_level = log_level
        self.pages = 0
        """Pages asked for so far."""
        self.pool: ProcessPoolExecutor | None = None
        """Set once started (:meth:`_launch`), before :attr:`_ready` is done."""
        self._ready: Future[WorkerUsage] | None = None
        """The first worker's answer: done once the pool is up (or failed to start)."""
        self._launcher: threading.Thread | None = None
        self._usage: dict[int, WorkerUsage] = {}
        self._waiting: deque[_Waiting] = deque()
        self._ahead: deque[_Waiting] = deque()
        """Pages waiting ahead of :attr:`_waiting` (``AHEAD`` jobs)."""
        self._batches = 0
        self.big = False
        """Whether the crawl is big enough for the pool (its pages go to it once it is up)."""
        self.sent_batches = 0
        """Batches sent to the pool so far."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        processes = settings.getint("ARCHIVE_EXTRACTION_PROCESSES")
        reader = cls(
            crawler,
            processes,
            settings.getint("ARCHIVE_EXTRACTION_POOL_AFTER"),
            settings.get("LOG_LEVEL"),
        )
        crawler.signals.connect(reader.close, signal=signals.spider_closed)
        if processes and settings.getbool("ARCHIVE_EXTRACTION_FORK"):
            crawler.signals.connect(reader.engine_started, signal=signals.engine_started)
        return reader

    def engine_started(self) -> None:
        """The crawl is set up (a refused one never gets here) and nothing is fetched yet:
        the workers are forked now if that is safe (see "When it starts")."""
        if may_fork_workers():
            self._fork_workers()

    @property
    def stats(self) -> StatsCollector:
        """The crawl's stats (Scrapy makes them after the spider)."""
        assert self.crawler.stats is not None
        return self.crawler.stats

    async def read(self, job: PageJob[Any, Reading_co], response: TextResponse) -> Reading_co:
        """The page's reading (``job.read(response)``), from a worker once the pool is up."""
        self.pages += 1
        if self.processes and not self.big and self._crawl_is_big():
            self.big = True
            if self._ready is not None:  # forked at the start
                self._log_start()
            elif is_asyncio_reactor_installed():
                self._start(job.page_class)
            else:
                logger.warning(
                    "ARCHIVE_EXTRACTION_PROCESSES needs Twisted's asyncio reactor (Scrapy's "
                    "default): pages are read in the crawl's process"
                )
                self.processes = 0
        every_page = self.start_after == 0
        if self._ready is not None and every_page:  # wait for the pool to be up
            await asyncio.wait([asyncio.wrap_future(self._ready)])
        pool_up = (
            self.big and self._ready is not None and self._ready.done() and self.pool is not None
        )
        if not pool_up or (
            len(self._ahead) + len(self._waiting) >= BEHIND_PAGES and not every_page
        ):
            # Not started, starting (or failed to), or behind: read it here rather than
            # wait with nothing else to do.
            if pool_up:
                self.stats.inc_value(stats_keys.EXTRACTION_POOL_READ_IN_CRAWL_BEHIND)
            return job.read(response)
        task = PageTask.of(job, response)
        waiting = _Waiting(task, asyncio.get_running_loop().create_future())
        (self._ahead if job.AHEAD else self._waiting).append(waiting)
        self._send()
        reading = await waiting.reading
        if reading is None or reading.reading is None:
            # Broke the pools, or raised: read here, where it raises as without a pool.
            return job.read(response)
        return cast(Reading_co, reading.reading)

    def _fork_workers(self) -> None:
        """Fork the pool's workers now, from this process (see "When it starts"); if that
        fails, the pool starts later from the ``forkserver``."""
        pool = self._new_pool(FORK)
        try:
            first = pool.submit(worker_usage)  # forks them: the executor starts them all
        except OSError as error:  # fork() refused: out of memory, or of processes
            pool.shutdown(wait=False)
            logger.warning("Could not fork the extraction workers (%r): starting them later", error)
            return
        ready: Future[WorkerUsage] = Future()
        first.add_done_callback(partial(_copy_outcome, ready))
        self.pool, self._ready = pool, ready

    def _crawl_is_big(self) -> bool:
        """Whether the crawl read ``start_after`` pages, or has more waiting to be fetched
        (a sitemap that names a thousand posts tells at once)."""
        if self.pages > self.start_after:
            return True
        scheduler = self.crawler.engine.scheduler if self.crawler.engine is not None else None
        return isinstance(scheduler, Sized) and len(scheduler) > self.start_after

    def _send(self) -> None:
        """Send the waiting pages, in batches, while the workers hold fewer than
        :data:`BATCHES_PER_WORKER` each."""
        loop = asyncio.get_running_loop()
        slots = self.processes * BATCHES_PER_WORKER
        while self._batches < slots and (self._ahead or self._waiting):
            batch: list[_Waiting] = []
            while len(batch) < BATCH_PAGES and (self._ahead or self._waiting):
                batch.append((self._ahead or self._waiting).popleft())
            pool, sent = self._submit([waiting.task for waiting in batch])
            for waiting in batch:
                waiting.tries += 1
            self._batches += 1
            self.sent_batches += 1
            # Called in the executor's thread: the readings are handled in the reactor's.
            back = partial(self._back, pool, batch)
            sent.add_done_callback(partial(loop.call_soon_threadsafe, back))

    def _submit(
        self, tasks: list[PageTask]
    ) -> tuple[ProcessPoolExecutor, Future[list[WorkerReading]]]:
        """Send ``tasks`` to the pool (returned with the future of their readings), or to a
        new one if a worker of this one died: the executor knows it as soon as the worker
        is gone, and refuses new work, while the readings the worker held tell the
        reactor's thread only when it next runs their callbacks (a page that comes before
        would be lost, and the other pages of its batch would wait for ever); and a worker
        that died holding none (the OOM killer may pick an idle one) has no readings to
        tell it."""
        assert self.pool is not None
        try:
            return self.pool, self.pool.submit(read_in_worker, tasks)
        except BrokenProcessPool:
            self._restart(self.pool)
            return self.pool, self.pool.submit(read_in_worker, tasks)

    def _back(
        self,
        pool: ProcessPoolExecutor,
        batch: list[_Waiting],
        done: Future[list[WorkerReading]],
    ) -> None:
        """A batch's readings are back, or its worker died."""
        self._batches -= 1
        error = done.exception()
        if error is None:
            for waiting, reading in zip(batch, done.result(), strict=True):
                self._took(waiting.task.job, reading)
                _settle(waiting, reading)
        elif isinstance(error, BrokenProcessPool):
            self._restart(pool)
            for waiting in batch:
                if waiting.tries >= POOL_TRIES:
                    _settle(waiting, None)
            self._waiting.extendleft(reversed([w for w in batch if w.tries < POOL_TRIES]))
        else:  # a bug (a reading that does not pickle?): a spider error for each page
            for waiting in batch:
                if not waiting.reading.done():
                    waiting.reading.set_exception(error)
            # Its worker took those pages' links as sent (PageLinks.unsent): the crawl's
            # process would never meet them.
            self._replace(pool, "Readings lost in an extraction worker: starting another")
        self._send()

    def _new_pool(self, start_method: str = START_METHOD) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.processes,
            multiprocessing.get_context(start_method),
            initializer=start_worker,
            initargs=(self.log_level, self.crawler.settings.getint("ARCHIVE_GC_THRESHOLD")),
        )

    def _start(self, page_class: type) -> None:
        # The forkserver imports these once; each worker is a fork of it.
        multiprocessing.get_context(START_METHOD).set_forkserver_preload(
            [__name__, page_class.__module__]
        )
        ready: Future[WorkerUsage] = Future()
        self._ready = ready
        self._launcher = threading.Thread(
            target=self._launch, args=(ready,), name="extraction-pool-start", daemon=True
        )
        self._launcher.start()
        self._log_start()

    def _log_start(self) -> None:
        logger.info(
            "Reading article and listing pages in %d worker process(es) from page %d on "
            "(ARCHIVE_EXTRACTION_PROCESSES)",
            self.processes,
            self.pages,
        )

    def _launch(self, ready: Future[WorkerUsage]) -> None:
        """Start the pool, in a thread of its own: the first worker's start waits until
        the forkserver has imported the extraction code (0.3-0.5 s), and in the reactor's
        thread that stalled the whole crawl (no download, no callback) for as long."""
        try:
            pool = self._new_pool()
            first = pool.submit(worker_usage)
        except Exception as error:  # noqa: BLE001 (no pool: pages are read in the crawl's process)
            logger.warning(
                "The extraction pool did not start (%r): pages are read in the crawl's process",
                error,
            )
            ready.set_exception(error)
            return
        self.pool = pool
        first.add_done_callback(partial(_copy_outcome, ready))

    def _restart(self, broken: ProcessPoolExecutor) -> None:
        """A worker died: every page its pool held fails at once, and the pool takes no
        more; the first to tell (a batch back, or one sent) replaces the pool, and the
        pages are read again in the new one."""
        if self._replace(
            broken,
            "An extraction worker process died (killed, or out of memory?): starting "
            "another and reading its pages again",
        ):
            self.stats.inc_value(stats_keys.FAULTS_EXTRACTION_WORKER_LOST)

    def _replace(self, pool: ProcessPoolExecutor, warning: str) -> bool:
        """A new pool in place of ``pool``, with ``warning`` logged, unless it was replaced
        already; the old one's batches still running come back."""
        if pool is not self.pool:
            return False
        logger.warning(warning)
        pool.shutdown(wait=False)
        self.pool = self._new_pool()
        return True

    def _took(self, job: PageJob[Any, object], reading: WorkerReading) -> None:
        self._usage[reading.usage.pid] = reading.usage
        if reading.reading is None:  # read again in the crawl's process, logging again
            return
        self.stats.inc_value(job.POOL_STAT)
        if isinstance(reading.reading, ArticleReading) and reading.reading.links is not None:
            repeated = reading.reading.links.repeated
            self.stats.inc_value(stats_keys.EXTRACTION_POOL_REPEATED_LINKS, repeated)
        cpu_seconds = self.stats.get_value(job.POOL_CPU_STAT, 0.0) + reading.cpu_seconds
        self.stats.set_value(job.POOL_CPU_STAT, cpu_seconds)
        for record in reading.logs:
            logging.getLogger(record.name).handle(record)

    def close(self) -> None:
        """Stop the workers (each finishes its page first) and count what they spent."""
        if self._launcher is not None:  # a crawl that ended while its pool was starting
            self._launcher.join()
        if self.pool is None:
            return
        started = time.monotonic()
        self.pool.shutdown(wait=True)
        if not self.big:  # forked at the start, and the crawl stayed small: it read nothing
            return
        if self._ready is not None and self._ready.done() and not self._ready.exception():
            first = self._ready.result()
            self._usage.setdefault(first.pid, first)
        usages = self._usage.values()
        self.stats.set_value(
            stats_keys.EXTRACTION_POOL_CPU_SECONDS, sum(u.cpu_seconds for u in usages)
        )
        self.stats.set_value(
            stats_keys.EXTRACTION_POOL_PEAK_RSS_BYTES, sum(u.peak_rss_bytes for u in usages)
        )
        logger.info(
            "Extraction pool stopped (in %.3f s): %s and %s read in it, in %d batches",
            time.monotonic() - started,
            self._pages_read(ArticleJob),
            self._pages_read(ListingJob),
            self.sent_batches,
        )

    def _pages_read(self, job: type[PageJob[Any, object]]) -> str:
        """``"1499 article pages (1.61 ms CPU each)"``: the pages of a kind read in the
        pool, and what the workers spent on each."""
        pages = self.stats.get_value(job.POOL_STAT, 0)
        if not pages:
            return f"0 {job.KIND} pages"
        cpu_ms = 1000 * self.stats.get_value(job.POOL_CPU_STAT, 0.0) / pages
        return f"{pages} {job.KIND} pages ({cpu_ms:.2f} ms CPU each)"
