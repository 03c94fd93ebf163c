"""Resume a crawl after any stop, a Ctrl-C or a ``kill -9``, losing and repeating nothing.

    scrapy crawl aawsat -o articles.jsonl -s JOBDIR=crawls/aawsat    # run it again to resume

Scrapy saves ``JOBDIR``'s request queue only on a clean stop, but marks every URL as seen
the moment it is queued; after a hard kill a resumed crawl therefore finds nothing left
to do and "finishes" with most of the archive never fetched. So:

- :class:`CrashSafeResume` writes a marker into ``JOBDIR`` when a crawl opens and removes
  it once Scrapy has saved the queue at close. A marker found at start means the last run
  was killed: its seen-set and queue are discarded and discovery (listings, sitemaps:
  cheap) runs again. The same is done after a clean stop when the spider's discovery
  keeps its progress in memory rather than in the queue (its ``discovery_in_jobdir`` is
  False: sitemap-first's phases): resumed from the saved queue, with its sitemaps in the
  seen-set, it would take the archive for one without sitemaps and read every listing.
  It also reads the articles already in the appended (``-o``) JSON Lines output, the one
  record of what is done that a kill cannot falsify.
- :class:`SkipWrittenArticlesMiddleware` never requests a page whose URL is the ``url`` or
  ``fetched_url`` of a record already in the output, and
  :class:`SkipWrittenRedirectsMiddleware` never follows a redirect to one.
- :class:`WrittenArticlesPipeline` drops a record whose canonical URL or text is already
  in the output (e.g. an old-slug page that names an article written by an earlier run).

With several appended outputs (``-o articles.jsonl -o articles.parquet``) a kill can
leave an article in one and not the other: the JSON Lines file has the records of
Parquet's row group not yet written, or the one caught between the two writes. An
article is then written only once *every* output holds it; the add-on
:class:`ResumeEachOutput` gives each output an ``item_filter``
(:class:`NotInThisOutput`), so the article fetched again is written only to the outputs
that lack it (``resume/already_in_output/<path>``: the records an output refused). In the
coverage report and the record counts it is emitted once, by the run that completed it.

The listing dates the job's runs have seen are kept in ``JOBDIR`` too, for the date join
at the end of the crawl (:class:`crawler.runtime.date_join.DateJournal`).

Stats: ``resume/unclean_stop``, ``resume/discovery_restarted``, ``resume/written_articles``,
``resume/unreadable_lines``, ``resume/skipped_articles``, ``resume/duplicates/url|content``,
``resume/already_in_output/<path>`` (and
``resume/torn_line_bytes_cut`` from :mod:`crawler.runtime.feeds`,
``resume/listing_dates_*`` from :mod:`crawler.runtime.date_join`).
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import shutil
import struct
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn, Self
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from scrapy import Request, Spider, signals
from scrapy.core.scheduler import Scheduler
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.extensions.feedexport import ItemFilter
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.job import job_dir
from twisted.internet.defer import Deferred

from crawler.reporting import stats_keys
from crawler.reporting.outcomes import DropArticle, DropReason, Outcome, OutcomeKind
from crawler.runtime.exit_status import RunRefused, record_failure
from crawler.runtime.feeds import LINE_FORMATS
from crawler.runtime.locks import FileLock, local_feed_paths
from crawler.runtime.run import ArchiveRun
from crawler.runtime.written import WrittenArticles, url_key

logger = logging.getLogger(__name__)

RUNNING_MARKER = "crawl-running"
"""File in ``JOBDIR`` that exists exactly while a crawl has not closed cleanly."""
OUTPUT_FAILED = "output not written"
"""How the marker starts when the last run stopped because its output failed."""
JOBDIR_LOCK = "crawl.lock"
JOB_FILE = "crawl-job.json"
"""The job a ``JOBDIR`` holds: its spider and the arguments that say what it crawls."""
"""File in ``JOBDIR`` locked (``flock``) by the crawl using the folder."""
LIFO_SIZE = struct.Struct(">L")
"""queuelib's record length and count format in a ``LifoDiskQueue`` file."""
RESUMABLE_FORMATS = LINE_FORMATS | {"parquet", "csv"}
"""Feed formats whose records a resumed crawl reads back."""
JOBDIR_REQUEST_STATE = ("requests.seen", "requests.queue")
"""What Scrapy keeps in ``JOBDIR`` about requests: the seen-set and the pending queue."""


RESUMED_OUTPUT = "resumed_output"
"""The key of a feed's options (``FEEDS``) that holds its :class:`ResumedOutput`."""


def appended_feed_paths(settings: BaseSettings) -> dict[str, Path]:
    """Local JSON Lines and Parquet feeds this crawl appends to (``-o out.jsonl``, not
    ``-O``): each one's path, by its ``FEEDS`` URI."""
    paths = {}
    for uri, options in settings.getdict("FEEDS").items():
        uri = str(uri)
        scheme = urlsplit(uri).scheme
        if scheme not in {"", "file"} or (options or {}).get("overwrite"):
            continue
        if (options or {}).get("format") in RESUMABLE_FORMATS:
            paths[uri] = Path(urlsplit(uri).path if scheme == "file" else uri)
    return paths


def appended_line_feeds(settings: BaseSettings) -> list[Path]:
    """The paths of :func:`appended_feed_paths`."""
    return list(appended_feed_paths(settings).values())


@dataclass(eq=False)
class ResumedOutput:
    """One of several appended outputs: what its earlier runs wrote to it (read by
    :class:`CrashSafeResume`), and how many records of this run it refused for that."""

    path: Path
    written: WrittenArticles = field(default_factory=WrittenArticles, repr=False)
    refused: int = 0


def resumed_outputs(settings: BaseSettings) -> list[ResumedOutput]:
    """The outputs :class:`ResumeEachOutput` gave a :class:`NotInThisOutput` filter."""
    feeds = settings.getdict("FEEDS").values()
    return [options[RESUMED_OUTPUT] for options in feeds if RESUMED_OUTPUT in (options or {})]


class NotInThisOutput(ItemFilter):
    """Feed item filter (``FEEDS`` option ``item_filter``): refuses a record whose article
    its own output already holds, so an article that a kill left in only some outputs is
    written to the others alone. Item classes (``item_classes``) are filtered as by
    Scrapy's own filter."""

    def __init__(self, feed_options: dict[str, Any] | None) -> None:
        super().__init__(feed_options)
        self.output: ResumedOutput = (feed_options or {})[RESUMED_OUTPUT]

    def accepts(self, item: Any) -> bool:
        if not super().accepts(item):
            return False
        if self.output.written.holds(ItemAdapter(item)):
            self.output.refused += 1
            return False
        return True


class ResumeEachOutput:
    """Scrapy add-on (``ADDONS``): with two or more appended outputs, each gets the
    :class:`NotInThisOutput` filter (a feed with an ``item_filter`` of its own keeps it,
    and is then not filtered). With one output, or ``ARCHIVE_RESUME_FROM_OUTPUT = False``,
    nothing changes."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.getbool("ARCHIVE_RESUME_FROM_OUTPUT"):
            return
        paths = appended_feed_paths(settings)
        if len(paths) < 2:
            return
        feeds = settings.getdict("FEEDS")
        for uri, path in paths.items():
            options = dict(feeds[uri] or {})
            if "item_filter" in options:
                logger.warning(
                    "Feed %s has an item_filter of its own: on resume it may get again "
                    "articles it already holds",
                    uri,
                )
                continue
            options |= {"item_filter": NotInThisOutput, RESUMED_OUTPUT: ResumedOutput(path)}
            feeds[uri] = options
        settings.set("FEEDS", feeds, priority=settings.getpriority("FEEDS") or "addon")


class CrashSafeResume:
    """Extension: detects a killed previous run in ``JOBDIR`` and reads what the output holds.

    ``ARCHIVE_RESUME_FROM_OUTPUT = False`` turns off reading the output (every article is
    then fetched and emitted again); the ``JOBDIR`` repair always runs.
    """

    def __init__(
        self,
        settings: BaseSettings,
        stats: StatsCollector,
        discovery_in_jobdir: bool = True,
        job: dict[str, Any] | None = None,
    ) -> None:
        self.stats = stats
        self.feeds = appended_line_feeds(settings)
        self.outputs = resumed_outputs(settings)
        self.jobdir = job_dir(settings)
        self.unclean_stop = self.output_failed = self.discovery_restarted = False
        self.lock: FileLock | None = None
        self.written = self.read_outputs(settings)
        if self.jobdir:
            self.lock = FileLock.acquire(
                Path(self.jobdir, JOBDIR_LOCK),
                f"JOBDIR {self.jobdir} is in use by another crawl",
                "wait for it to finish, or give this one another JOBDIR",
            )
            check_not_overwritten(Path(self.jobdir), settings)
            if job is not None:
                check_job(Path(self.jobdir), job)
            marker = Path(self.jobdir, RUNNING_MARKER)
            self.unclean_stop = marker.exists()
            saved = any(Path(self.jobdir, name).exists() for name in JOBDIR_REQUEST_STATE)
            if self.unclean_stop:
                self.output_failed = marker.read_text().startswith(OUTPUT_FAILED)
                discard_request_state(Path(self.jobdir))
            elif saved and not discovery_in_jobdir:
                self.discovery_restarted = True
                discard_request_state(Path(self.jobdir))
            else:
                check_saved_queue(Path(self.jobdir))
            discard_unreadable_spider_state(Path(self.jobdir))
            started = datetime.now(UTC).isoformat(timespec="seconds")
            marker.write_text(f"pid {os.getpid()}, started {started}\n")

    def read_outputs(self, settings: BaseSettings) -> WrittenArticles:
        """What the output holds; of several outputs, what every one holds."""
        if not settings.getbool("ARCHIVE_RESUME_FROM_OUTPUT"):
            return WrittenArticles()
        if not self.outputs:
            return WrittenArticles.read(self.feeds)
        for output in self.outputs:
            output.written = WrittenArticles.read([output.path])
        return WrittenArticles.in_every([output.written for output in self.outputs])

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        # The spider is made before the extensions (Scrapy's Crawler.crawl_async).
        in_jobdir = getattr(crawler.spider, "discovery_in_jobdir", True)
        job = getattr(crawler.spider, "job", None)
        extension = cls(crawler.settings, crawler.stats, in_jobdir, job)
        ArchiveRun.of(crawler).written = extension.written
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        if self.output_failed:
            self._discarded(
                stats_keys.RESUME_AFTER_OUTPUT_ERROR,
                logging.WARNING,
                "the previous run stopped because its output could not be written",
                "so the articles it did not write are fetched again",
            )
        elif self.unclean_stop:
            self._discarded(
                stats_keys.RESUME_UNCLEAN_STOP,
                logging.WARNING,
                "the previous run did not stop cleanly (killed?), so its request queue was lost",
                "discovery starts again",
            )
        elif self.discovery_restarted:
            self._discarded(
                stats_keys.RESUME_DISCOVERY_RESTARTED,
                logging.INFO,
                "this discovery keeps its progress in memory, not in JOBDIR",
                "discovery starts again",
            )
        if self.written.count:
            self.stats.set_value(stats_keys.RESUME_WRITTEN_ARTICLES, self.written.count)
            logger.info(
                "Resuming: %d articles already in %s will not be fetched or emitted again",
                self.written.count,
                ", ".join(map(str, self.feeds)),
            )
        for output in self.outputs:
            extra = output.written.count - self.written.count
            if extra > 0:
                logger.info(
                    "%s holds %d articles not in every output: fetched again, and written "
                    "only to the outputs that lack them",
                    output.path,
                    extra,
                )
        if self.written.unreadable_lines:
            self.stats.set_value(stats_keys.RESUME_UNREADABLE_LINES, self.written.unreadable_lines)
            logger.warning(
                "%d lines of %s are not article records; left as they are",
                self.written.unreadable_lines,
                ", ".join(map(str, self.feeds)),
            )

    def _discarded(self, stat: str, level: int, before: str, now: str) -> None:
        """Count and log that the saved seen-set and queue were discarded: ``before``, what
        the last run left; ``now``, what this one does instead."""
        self.stats.set_value(stat, 1)
        logger.log(
            level, "JOBDIR %s: %s; discarded its seen-set and queue, %s", self.jobdir, before, now
        )

    def spider_closed(self, spider: Spider, reason: str) -> None:
        for output in self.outputs:
            if output.refused:
                key = f"{stats_keys.RESUME_ALREADY_IN_OUTPUT}{output.path}"
                self.stats.set_value(key, output.refused)
        # Scrapy has saved JOBDIR's queue by now (the scheduler closes before this signal).
        if not self.jobdir:
            return
        marker = Path(self.jobdir, RUNNING_MARKER)
        if self.stats.get_value(f"{stats_keys.FAILURES}jobdir"):
            pass  # its queue was not saved: the marker stays, as after a kill
        elif self.stats.get_value(stats_keys.FAILURES_OUTPUT):
            # The seen-set holds articles whose records were not written: the next run
            # must discard it as after a kill, and rediscover them.
            marker.write_text(f"{OUTPUT_FAILED}: {reason}\n")
        else:
            marker.unlink(missing_ok=True)
        if self.lock is not None:
            self.lock.release()


class JobdirSafety:
    """Scrapy add-on (``ADDONS``): :class:`JobdirSafeScheduler` in place of Scrapy's own
    scheduler (not of another, a distributed crawl's); and a ``JOBDIR`` that cannot be
    made refused (:class:`RunRefused`) before any component makes it, where Scrapy's
    SpiderState failed with a traceback."""

    def update_settings(self, settings: BaseSettings) -> None:
        if jobdir := settings.get("JOBDIR"):
            try:
                Path(jobdir).mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise RunRefused(
                    f"cannot create JOBDIR {jobdir} ({error.strerror or error}): give the "
                    "crawl a folder it can write"
                ) from None
        if settings.get("SCHEDULER") in (Scheduler, DEFAULT_SCHEDULER):
            settings.set("SCHEDULER", JobdirSafeScheduler, priority="addon")


DEFAULT_SCHEDULER = "scrapy.core.scheduler.Scheduler"


class JobdirSafeScheduler(Scheduler):
    """Scrapy's scheduler, stopping the crawl when ``JOBDIR``'s request queue cannot be
    written (a full disk): Scrapy's own logged a traceback at every push and pop, fetched
    nothing more, and hung through Ctrl-C until ``kill -9``. Now one ERROR,
    ``failures/jobdir``, the crawl stops (``finish_reason: jobdir_error``, exit 1), the
    requests it holds kept in memory, and ``JOBDIR`` is left marked as after a kill: the
    same command, once there is room, discovers again what was not written."""

    jobdir_failed = False

    def _dqpush(self, request: Request) -> bool:
        try:
            return super()._dqpush(request)
        except OSError as error:
            self._jobdir_failed(error)
            return False  # into the memory queue

    def _dqpop(self) -> Request | None:
        try:
            return super()._dqpop()
        except OSError as error:
            self._jobdir_failed(error)
            return None

    def close(self, reason: str) -> Deferred[None] | None:
        if self.jobdir_failed:
            self.dqs = None  # its state cannot be written: the next run rediscovers
        return super().close(reason)

    def _jobdir_failed(self, error: OSError) -> None:
        if self.jobdir_failed:
            return
        self.jobdir_failed = True
        logger.error(
            "Cannot write JOBDIR's request queue (%s): the crawl stops. Every record written "
            "is complete; run the same command again once there is room",
            error.strerror or error,
        )
        assert self.crawler is not None
        assert self.crawler.stats is not None
        record_failure(self.crawler.stats, "jobdir")
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason="jobdir_error"))


def check_not_overwritten(jobdir: Path, settings: BaseSettings) -> None:
    """Refuse (:class:`RunRefused`) to run a job ``jobdir`` holds a run of (its queue, its
    seen-set or its job file) with an output it would empty (``-O``): resumed, the job
    fetched only what the last run left, and the records that run wrote were thrown away
    (135 of 300 after a Ctrl-C; every one, rerun once finished), with exit status 0."""
    overwritten = local_feed_paths(settings, only_overwritten=True)
    ran = any((jobdir / name).exists() for name in (*JOBDIR_REQUEST_STATE, JOB_FILE))
    if overwritten and ran:
        raise RunRefused(
            f"JOBDIR {jobdir} holds a run of this job, whose records -O {overwritten[0]} would "
            f"empty: resume it with -o {overwritten[0]}, or remove {jobdir} to start the "
            "job over"
        )


def check_job(jobdir: Path, job: dict[str, Any]) -> None:
    """Refuse (:class:`RunRefused`) to resume ``jobdir`` with another job than its own
    (:data:`JOB_FILE`): another spider, site or date range. A resumed crawl of the wrong
    job mixed its records into the output (another profile's, with other ids) and took
    the old job's queue for its own. A ``JOBDIR`` of none yet takes this job's."""
    path = jobdir / JOB_FILE
    try:
        saved = json.loads(path.read_text())
    except FileNotFoundError:
        jobdir.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(job, sort_keys=True) + "\n")
        return
    except (OSError, ValueError):
        saved = None
    if saved != json.loads(json.dumps(job)):
        raise RunRefused(
            f"JOBDIR {jobdir} holds another crawl's job ({describe_job(saved)}), not this one "
            f"({describe_job(job)}): resume it with its own command, or give this crawl "
            "another JOBDIR"
        )


def describe_job(job: object) -> str:
    """A job as its command's words: ``scrapy crawl aawsat -a since=2016-01-01``.

    >>> describe_job({"spider": "archive", "base_url": "http://127.0.0.1:8000/"})
    'scrapy crawl archive -a base_url=http://127.0.0.1:8000/'
    >>> describe_job(None)
    'unreadable'
    """
    if not isinstance(job, dict):
        return "unreadable"
    arguments = " ".join(
        f"-a {name}={value}" for name, value in sorted(job.items()) if name != "spider"
    )
    return f"scrapy crawl {job.get('spider')}" + (f" {arguments}" if arguments else "")


SPIDER_STATE = "spider.state"
"""Where Scrapy's SpiderState keeps ``spider.state`` (which no spider here uses)."""


def discard_unreadable_spider_state(jobdir: Path) -> None:
    """Remove ``JOBDIR``'s ``spider.state`` when it cannot be read back (a full disk
    left it empty: Scrapy writes it in place), with a WARNING: Scrapy failed on it at every
    later run of the job, which exited 1 saying it lost data, the corpus whole."""
    path = jobdir / SPIDER_STATE
    try:
        with path.open("rb") as file:
            pickle.load(file)
    except FileNotFoundError:
        return
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, AttributeError) as error:
        path.unlink(missing_ok=True)
        logger.warning(
            "JOBDIR %s: %s cannot be read back (%s: a disk that was full?); removed (no "
            "spider here keeps anything in it)",
            jobdir,
            SPIDER_STATE,
            type(error).__name__,
        )


def check_saved_queue(jobdir: Path) -> None:
    """Refuse to resume from a request queue Scrapy cannot read back (a file damaged on
    disk or by hand): Scrapy would fail on it at every scheduler tick, and the crawl would
    hang. The message names the file and how to recover; nothing is discarded silently."""
    queue = jobdir / "requests.queue"
    active = queue / "active.json"
    if not active.exists():
        return
    try:
        slots = json.loads(active.read_text())
        if not all(isinstance(priorities, list) for priorities in slots.values()):
            raise ValueError("a slot without a list of priorities")
    except (ValueError, AttributeError, OSError) as error:
        raise_corrupt(jobdir, active, f"not the queue's index: {error}")
    # One file per priority ("10", "-10"), in one folder per download slot.
    for file in sorted(queue.rglob("*")):
        if file.is_file() and file.name.lstrip("-").isdigit():
            problem = lifo_queue_problem(file)
            if problem:
                raise_corrupt(jobdir, file, problem)


def lifo_queue_problem(path: Path) -> str | None:
    """What is wrong with a saved disk queue of Scrapy's default kind (queuelib's
    ``LifoDiskQueue``: a count, then records each followed by its length); None if
    nothing is. Other queue kinds (folders) are left to Scrapy.

    The file is walked back from its end, record by record, without reading the records.
    """
    if path.is_dir():
        return None
    try:
        with path.open("rb") as file:
            header = file.read(LIFO_SIZE.size)
            if len(header) < LIFO_SIZE.size:
                return "shorter than its header"
            (count,) = LIFO_SIZE.unpack(header)
            end = file.seek(0, os.SEEK_END)
            for _ in range(count):
                if end - LIFO_SIZE.size < LIFO_SIZE.size:
                    return f"holds fewer than the {count} requests its header counts"
                file.seek(end - LIFO_SIZE.size)
                (size,) = LIFO_SIZE.unpack(file.read(LIFO_SIZE.size))
                end -= LIFO_SIZE.size + size
                if end < LIFO_SIZE.size:
                    return "a request's length points outside the file"
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    if end != LIFO_SIZE.size:
        return f"{end - LIFO_SIZE.size} bytes more than its {count} requests"
    return None


def raise_corrupt(jobdir: Path, file: Path, problem: str) -> NoReturn:
    raise RunRefused(
        f"JOBDIR {jobdir}: {file} is corrupt ({problem}). To resume, restore the JOBDIR "
        f"from a backup; or delete {jobdir / 'requests.queue'} and {jobdir / 'requests.seen'} "
        "and run again: the listings and sitemaps are read again, and articles already in "
        "the -o output are not fetched again"
    )


def discard_request_state(jobdir: Path) -> None:
    """Remove Scrapy's seen-set and request queue from ``jobdir``; other state stays."""
    for name in JOBDIR_REQUEST_STATE:
        path = jobdir / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def require_written(crawler: Crawler) -> None:
    """``NotConfigured`` when the output of earlier runs holds nothing (it is read by
    :class:`CrashSafeResume`, an extension, before Scrapy makes any middleware or
    pipeline): a component that skips what is written is then not installed at all,
    rather than asked about every request or record."""
    written = ArchiveRun.of(crawler).written
    if not (written.url_keys or written.urls or written.content_hashes):
        raise NotConfigured  # no "Disabled" warning: most crawls resume nothing


class SkipWrittenArticlesMiddleware:
    """Spider middleware: a request for a page already in the output is dropped before it
    is scheduled, counted as ``resume/skipped_articles``. (Dropped here, not refused in the
    downloader, so it never reaches an errback as a failure.)"""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.run = ArchiveRun.of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        require_written(crawler)
        return cls(crawler)

    def is_written(self, output: object) -> bool:
        if not isinstance(output, Request):
            return False
        if url_key(output.url) not in self.run.written.url_keys:
            return False
        self.stats.inc_value(stats_keys.RESUME_SKIPPED_ARTICLES)
        logger.debug("Already in the output, not fetched again: %s", output.url)
        sites = self.run.sites
        if sites is not None:  # the article is in the corpus: covered
            self.run.coverage.outcome(
                sites.listed_key(output.url), Outcome(OutcomeKind.ALREADY_WRITTEN)
            )
        return True

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for output in start:
            if not self.is_written(output):
                yield output

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        return (output for output in result if not self.is_written(output))

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for output in result:
            if not self.is_written(output):
                yield output


class AlreadyWritten(IgnoreRequest):
    """A redirect that leads to a page already in the output; an errback can tell it apart
    from a failure with ``failure.check(AlreadyWritten)``."""


class SkipWrittenRedirectsMiddleware:
    """Downloader middleware: a redirect (``/old-slug/`` → ``/post/``) to a page already in
    the output is not followed, counted as ``resume/skipped_articles``. Redirects do not
    pass the spider middlewares, so :class:`SkipWrittenArticlesMiddleware` cannot see them.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.run = ArchiveRun.of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        require_written(crawler)
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if request.meta.get("redirect_urls") and url_key(request.url) in self.run.written.url_keys:
            self.stats.inc_value(stats_keys.RESUME_SKIPPED_ARTICLES)
            logger.info("Redirect to a page already in the output, not followed: %s", request.url)
            raise AlreadyWritten(f"already in the output: {request.url}")


class WrittenArticlesPipeline:
    """Item pipeline: drops a record whose URL or text an earlier run already wrote,
    counted as ``resume/duplicates/url`` or ``resume/duplicates/content``."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.run = ArchiveRun.of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        require_written(crawler)
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if adapter.get("url") in self.run.written.urls:
            self._drop(
                DropReason.ALREADY_WRITTEN_URL, "url", f"{adapter['url']} is already in the output"
            )
        if adapter.get("content_hash") in self.run.written.content_hashes:
            self._drop(
                DropReason.ALREADY_WRITTEN_CONTENT,
                "content",
                f"{adapter['url']} has the text of an article in the output",
            )
        return item

    def _drop(self, reason: DropReason, key: str, message: str) -> None:
        self.stats.inc_value(f"{stats_keys.RESUME_DUPLICATES}{key}")
        raise DropArticle(reason, message, log_level="INFO")
