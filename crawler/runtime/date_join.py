"""The post-crawl join of listing dates into the output (see :mod:`crawler.discovery.dates`).

A listing can be read after the article it dates was written. When the crawl ends,
:class:`ListingDateResolution` gives every record of the output that has no date of its
own the best date the whole job saw, rewriting the output crash-safely. It survives a
kill at any point:

- with ``JOBDIR``, every date the ledger learns is appended to
  ``JOBDIR/listing-dates.jsonl`` (:class:`DateJournal`) and read back by the run that
  resumes the job, which therefore knows every date the killed run saw, even from
  listings it does not read again;
- the join covers the whole output, the records of earlier runs of the job included (every
  Parquet part, not only this run's);
- each file is replaced whole (written beside it, ``fsync``-ed, renamed), and the join
  only ever sets a record's date to what the ledger gives, so running it again over a
  partly joined output (a kill between two files) finishes it and changes nothing else.
  The ``JOBDIR`` marker of an unclean stop is removed only after the join
  (:class:`crawler.runtime.resume.CrashSafeResume`).
"""

from __future__ import annotations

import csv
import json
import logging
import os
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any, Self
from urllib.parse import unquote, urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from scrapy.utils.job import job_dir

from crawler.discovery.dates import DateLedger, date_record
from crawler.reporting import stats_keys
from crawler.runtime.durable import replace_durably
from crawler.runtime.exit_status import record_failure
from crawler.runtime.feeds import (
    LINE_FORMATS,
    csv_cell,
    csv_record,
    cut_torn_last_line,
)
from crawler.runtime.parquet import rewrite_parts, write_pending_row_groups
from crawler.runtime.run import ArchiveRun
from crawler.runtime.written import csv_rows

logger = logging.getLogger(__name__)


DATE_JOURNAL = "listing-dates.jsonl"
"""File in ``JOBDIR``: every listing date and month archive the job's runs have seen."""


def local_feed_files(
    feeds: dict[Any, dict[str, Any]], formats: Collection[str] = LINE_FORMATS
) -> tuple[list[Path], list[str]]:
    """The feeds (``FEEDS``) that are local files in one of ``formats`` (JSON Lines unless
    told), and the URIs of the others.

    >>> local_feed_files({"out.jsonl": {"format": "jsonlines"}, "s3://b/x.jl": {"format": "jsonlines"},
    ...                   "file:///tmp/a.jl": {"format": "jl"}, "x.csv": {"format": "csv"}})
    ([PosixPath('out.jsonl'), PosixPath('/tmp/a.jl')], ['s3://b/x.jl', 'x.csv'])
    >>> local_feed_files({"x.csv": {"format": "csv"}, "y.jl": {"format": "jl"}}, {"csv"})
    ([PosixPath('x.csv')], ['y.jl'])
    """
    local, other = [], []
    for uri, options in feeds.items():
        text = str(uri)
        parts = urlsplit(text)
        is_file = parts.scheme in ("", "file") or (len(parts.scheme) == 1 and os.name == "nt")
        if options.get("format") in formats and is_file and "%(" not in text:
            local.append(Path(unquote(parts.path)) if parts.scheme == "file" else Path(text))
        else:
            other.append(text)
    return local, other


KEEP, REWRITE, REMOVE = "keep", "rewrite", "remove"
"""What the post-crawl join does with a record: leave it, write it with its new date, or
remove it (dated outside the crawl's ``-a since/until`` range)."""


def resolving_path(path: Path) -> Path:
    """Where an output's records are rewritten before the new file replaces it."""
    return path.with_name(path.name + ".resolving")


def resolve_output(
    path: Path,
    resolve: Callable[[dict[str, Any]], str],
    kept: Callable[[bytes], bool] = lambda line: False,
) -> int:
    """Rewrite (or remove) the records of a JSON Lines file as ``resolve`` says; returns how
    many changed. Crash-safe like the feed: the new file is written beside the old one,
    ``fsync``-ed, then renamed over it, so a kill at any point leaves one whole file. A
    line that is not a JSON object is kept as it is, and so is a line that ``kept`` says
    ``resolve`` would keep, without being parsed."""
    changed = 0
    partial = resolving_path(path)
    with path.open("rb") as source, partial.open("wb") as target:
        for line in source:
            if kept(line):
                target.write(line)
                continue
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            action = resolve(record) if isinstance(record, dict) else KEEP
            if action == REMOVE:
                changed += 1
                continue
            if action == REWRITE:
                changed += 1
                line = json.dumps(record, ensure_ascii=False).encode() + b"\n"
            target.write(line)
    if not changed:
        partial.unlink()
        return 0
    replace_durably(partial, path)
    return changed


def resolve_lines(path: Path, resolve: Callable[[dict[str, Any]], str]) -> int:
    """:func:`resolve_output` for a crawl's JSON Lines output: a line dated by its own page
    is kept without being parsed."""
    return resolve_output(path, resolve, kept=dated_by_its_page)


def resolve_parquet(path: Path, resolve: Callable[[dict[str, Any]], str]) -> int:
    """:func:`resolve_output` for the parts of a Parquet output: each part in which a
    record changes is replaced whole; returns how many records changed."""
    changed = 0

    def counted(record: dict[str, Any]) -> str:
        nonlocal changed
        action = resolve(record)
        changed += action != KEEP
        return action

    rewrite_parts(path, lambda records: revised_part(records, counted))
    return changed


def revised_part(
    records: list[dict[str, Any]], resolve: Callable[[dict[str, Any]], str]
) -> list[dict[str, Any]] | None:
    """The records of a Parquet part as ``resolve`` says (see :func:`resolve_output`), or
    None when none changes.

    >>> revised_part([{"n": 1}, {"n": 2}], lambda r: REMOVE if r["n"] == 2 else KEEP)
    [{'n': 1}]
    >>> revised_part([{"n": 1}], lambda r: KEEP) is None
    True
    """
    actions = [resolve(record) for record in records]
    if all(action == KEEP for action in actions):
        return None
    return [record for record, action in zip(records, actions, strict=True) if action != REMOVE]


DATE_FIELDS = ("published", "published_raw", "published_source", "published_precision")


def dated_by_its_page(line: bytes) -> bool:
    r"""Whether a JSON Lines record, as the feed writes it, has a publication date from its
    own page: the join never changes such a record (:func:`date_record` keeps a page's
    date), so it is copied without being parsed (most records; parsing them all was most
    of the join's time). The keys are matched as the record's own: inside a JSON string
    every quote is escaped, so neither text can be part of a value.

    >>> dated_by_its_page(b'{"published": "2016-05-21", "published_source": "page"}')
    True
    >>> dated_by_its_page(b'{"published": null, "published_source": "page"}')
    False
    >>> dated_by_its_page(b'{"published": "2016-05", "published_source": "month_archive"}')
    False
    >>> dated_by_its_page(
    ...     b'{"body": "\\"published_source\\": \\"page\\"", "published": "2016-05", '
    ...     b'"published_source": "month_archive"}'
    ... )
    False
    """
    return (
        b'"published_source": "page"' in line
        and b'"published": "' in line
        and b'"published": ""' not in line
    )


def recount_quality(stats: StatsCollector, before: dict[str, Any], record: dict[str, Any]) -> None:
    """The corpus quality counts (``quality/``, ``crawler/reporting/corpus_quality.py``) were
    taken when the record was written: move it to its new date source."""
    stats.inc_value(f"{stats_keys.QUALITY_DATES}{before['published_source'] or 'none'}", -1)
    stats.inc_value(f"{stats_keys.QUALITY_DATES}{record['published_source']}")
    for field in DATE_FIELDS:
        if not before[field] and record.get(field):
            stats.inc_value(f"{stats_keys.QUALITY_PRESENT}{field}")


def resolve_csv(path: Path, resolve: Callable[[dict[str, Any]], str]) -> int:
    """:func:`resolve_output` for a CSV output (:class:`crawler.runtime.feeds.RecordCsvExporter`):
    each row read back as its record (:func:`csv_record`), a rewritten one written again
    (:func:`csv_cell`), the file replaced as crash-safely; returns how many changed."""
    changed = 0
    partial = resolving_path(path)
    with (
        path.open(newline="", encoding="utf-8") as source,
        partial.open("w", newline="", encoding="utf-8") as target,
    ):
        rows, writer = csv_rows(source), csv.writer(target)
        header = list(rows.fieldnames or [])
        writer.writerow(header)
        for row in rows:
            # A row cut short, or of extra cells, is read for the cells it has.
            cells = {name: row[name] for name in header if row.get(name) is not None}
            record = csv_record(cells)
            action = resolve(record)
            if action != KEEP:
                changed += 1
            if action == REMOVE:
                continue
            if action == REWRITE:
                cells = {name: csv_cell(record.get(name)) for name in header}
            writer.writerow([cells.get(name, "") for name in header])
    if not changed:
        partial.unlink()
        return 0
    replace_durably(partial, path)
    return changed


def json_array_lines(path: Path) -> tuple[list[bytes], bool]:
    """The records of a JSON array output (``-O articles.json``) as Scrapy's exporter writes
    it (``FEED_EXPORT_INDENT`` 0, its default: ``[``, a record a line, a comma after each
    but the last, ``]``), a line each, and whether its closing bracket is written yet (the
    exporter writes it when its feed closes). Any other layout raises ``ValueError``.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "a.json"
    >>> _ = path.write_bytes(b'[\\n{"n": 1},\\n{"n": 2}')
    >>> json_array_lines(path)
    ([b'{"n": 1}', b'{"n": 2}'], False)
    >>> _ = path.write_bytes(b'[\\n{"n": 1},\\n{"n": 2}\\n]')
    >>> json_array_lines(path)[1]
    True
    """
    data = path.read_bytes()
    if not data.startswith(b"[\n"):
        raise ValueError(ONE_RECORD_A_LINE)
    closed = data.endswith(b"\n]")
    body = data[2 : -2 if closed else None]
    return [line.removesuffix(b",") for line in body.split(b"\n") if line], closed


ONE_RECORD_A_LINE = "not a JSON array of one record a line (FEED_EXPORT_INDENT 0)"


def array_record(line: bytes) -> dict[str, Any]:
    """A line of a JSON array output (:func:`json_array_lines`) as its record.

    >>> array_record(b'{"n": 1}')
    {'n': 1}
    >>> array_record(b'  "title": "x",')  # FEED_EXPORT_INDENT 2: a field a line
    Traceback (most recent call last):
    ValueError: not a JSON array of one record a line (FEED_EXPORT_INDENT 0)
    """
    try:
        record = json.loads(line)
    except ValueError:
        record = None
    if isinstance(record, dict):
        return record
    raise ValueError(ONE_RECORD_A_LINE)


def resolve_json_array(path: Path, resolve: Callable[[dict[str, Any]], str]) -> int:
    """:func:`resolve_output` for a closed JSON array output (:func:`json_array_lines`).

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "a.json"
    >>> _ = path.write_bytes(b'[\\n{"n": 1},\\n{"n": 2},\\n{"n": 3}\\n]')
    >>> resolve_json_array(path, lambda r: REMOVE if r["n"] == 3 else KEEP), json.loads(path.read_text())
    (1, [{'n': 1}, {'n': 2}])
    """
    lines, closed = json_array_lines(path)
    if not closed:
        raise ValueError("the JSON array is not closed yet")
    changed = 0
    kept: list[bytes] = []
    for line in lines:
        record = array_record(line)
        action = resolve(record)
        changed += action != KEEP
        if action == REWRITE:
            kept.append(json.dumps(record, ensure_ascii=False).encode())
        elif action == KEEP:
            kept.append(line)
    if not changed:
        return 0
    partial = resolving_path(path)
    partial.write_bytes(b"[\n" + b",\n".join(kept) + b"\n]")
    replace_durably(partial, path)
    return changed


def replaced_unwritten(feeds: dict[Any, dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    """The feeds (``FEEDS``) but those that ``-O`` replaces and this run left unwritten:
    they still hold the old output, which the feed's close empties.

    >>> replaced_unwritten({"a.jsonl": {"overwrite": True}, "b.jsonl": {}})
    {'b.jsonl': {}}
    """
    return {uri: options for uri, options in feeds.items() if not options.get("overwrite")}


class DateJournal:
    """``JOBDIR/listing-dates.jsonl``: what a :class:`DateLedger` learns, as it learns it.

    One JSON line per value the ledger gains (a post listed for the first time, or with a
    lesser date): ``{"url": "https://…/post/", "date": "Oct 18, 2013"}``, with
    ``"month": "2013-10"`` from a month archive. Each line is one ``write()`` (on disk after
    a kill: the kernel has it), ``fsync``-ed before the next record is written (so a power
    cut keeps every date known when a record was written) and when the crawl closes. The
    ledger only keeps least values, so reading the lines back in any order gives it again;
    a last line torn by a kill in mid-write is cut off first.
    """

    def __init__(self, path: Path, stats: StatsCollector) -> None:
        self.path = path
        self.stats = stats
        self.fd: int | None = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.unsynced = False

    @staticmethod
    def read_back(path: Path, ledger: DateLedger, stats: StatsCollector) -> int:
        """Give ``ledger`` every date of the journal at ``path`` (if any); returns how many
        lines were read. Counts ``resume/listing_dates_torn_bytes_cut`` and
        ``resume/listing_dates_unreadable_lines``."""
        if not path.exists():
            return 0
        cut = cut_torn_last_line(path)
        if cut:
            stats.inc_value(stats_keys.RESUME_LISTING_DATES_TORN_BYTES_CUT, cut)
            logger.warning("Cut a torn last line (%d bytes) from %s", cut, path)
        read = unreadable = 0
        with path.open("rb") as lines:
            for line in lines:
                entry = journal_entry(line)
                if entry is None:
                    unreadable += 1
                    continue
                ledger.listed(*entry)
                read += 1
        if unreadable:
            stats.inc_value(stats_keys.RESUME_LISTING_DATES_UNREADABLE_LINES, unreadable)
            logger.warning("%d lines of %s are not listing dates; skipped", unreadable, path)
        return read

    def noted(self, key: str, raw_date: str | None, month: tuple[int, int] | None) -> None:
        if self.fd is None:
            return
        entry: dict[str, str] = {"url": key}
        if raw_date:
            entry["date"] = raw_date
        if month is not None:
            entry["month"] = f"{month[0]:04d}-{month[1]:02d}"
        line = memoryview(json.dumps(entry, ensure_ascii=False).encode() + b"\n")
        try:
            written = 0
            while written < len(line):
                written += os.write(self.fd, line[written:])
        except OSError as error:
            self.failed(error)
            return
        self.unsynced = True

    def sync(self) -> None:
        if self.fd is None or not self.unsynced:
            return
        try:
            os.fsync(self.fd)
        except OSError as error:
            self.failed(error)
            return
        self.unsynced = False

    def failed(self, error: OSError) -> None:
        """A write that failed (disk full): the journal stops; the crawl goes on, and its
        own join still has every date (a resumed run reads its listings again)."""
        logger.error(
            "Cannot write to %s (%s): listing dates seen from now on are not kept for a "
            "resumed run",
            self.path,
            error.strerror or error,
        )
        self.stats.inc_value(stats_keys.RESUME_LISTING_DATES_WRITE_FAILED)
        self.close()

    def close(self) -> None:
        if self.fd is None:
            return
        self.sync()
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def journal_entry(line: bytes) -> tuple[str, str | None, tuple[int, int] | None] | None:
    """The ``(key, raw_date, month)`` of a journal line, or None if it is not one.

    >>> journal_entry(b'{"url": "https://x/a/", "date": "Oct 18, 2013", "month": "2013-10"}\\n')
    ('https://x/a/', 'Oct 18, 2013', (2013, 10))
    >>> journal_entry(b'{"url": "https://x/a/", "month": "10/2013"}\\n') is None
    True
    """
    try:
        entry = json.loads(line)
        key, raw_date, month = entry["url"], entry.get("date"), entry.get("month")
        if not isinstance(key, str) or not isinstance(raw_date, str | None):
            return None
        if month is None:
            return key, raw_date, None
        year, number = (int(part) for part in month.split("-"))
        return key, raw_date, (year, number)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


class ListingDateResolution:
    """When the crawl ends, gives every record of the output that has no date of its own
    the best date the whole job saw in listings (see the module docstring); counted as
    ``dates/resolved_after_crawl/<source>``. A record kept while undated whose date is now
    outside ``-a since/until`` is removed (``articles/filtered/out_of_date_range_after_crawl``),
    so a date range gives the same output whatever order pages came in. Local JSON Lines
    and Parquet feeds are rewritten: with any other feed (stdout, S3) nothing is rewritten,
    and a WARNING says so when records were written undated.

    With ``JOBDIR``, keeps the ledger in ``JOBDIR/listing-dates.jsonl`` (:class:`DateJournal`)
    and reads it back when a job resumes (``resume/listing_dates_read``)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.journal: DateJournal | None = None
        self.open_json_arrays: list[Path] = []
        """JSON array outputs to join into once their feed has closed them."""
        self.resolve_later: Callable[[dict[str, Any]], str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.feed_exporter_closed, signal=signals.feed_exporter_closed)
        return extension

    def spider_opened(self) -> None:
        """With ``JOBDIR``: the dates earlier runs of the job saw, and a journal of new ones."""
        run = ArchiveRun.of(self.crawler)
        jobdir = job_dir(self.crawler.settings)
        if run.sites is None or not jobdir:
            return
        ledger = run.dates  # a distributed crawl's shared ledger: it is made before this
        assert self.crawler.stats is not None
        path = Path(jobdir, DATE_JOURNAL)
        read = DateJournal.read_back(path, ledger, self.crawler.stats)
        if read:
            self.crawler.stats.set_value(stats_keys.RESUME_LISTING_DATES_READ, read)
            logger.info("Listing dates: %d seen by earlier runs, read back from %s", read, path)
        self.journal = ledger.journal = DateJournal(path, self.crawler.stats)

    def spider_closed(self) -> None:
        try:
            self.join()
        finally:
            if self.journal is not None:
                self.journal.close()

    def feed_exporter_closed(self) -> None:
        """Join the dates into the JSON arrays the feed exporter closed after the join."""
        assert self.resolve_later is not None or not self.open_json_arrays
        for path in self.open_json_arrays:
            assert self.resolve_later is not None
            self.rewritten(path, resolve_json_array, self.resolve_later)

    def rewritten(
        self,
        path: Path,
        rewrite: Callable[[Path, Callable[[dict[str, Any]], str]], int],
        resolve: Callable[[dict[str, Any]], str],
    ) -> bool:
        """Whether ``rewrite`` joined the dates into ``path`` (a failure is logged and
        counted)."""
        try:
            resolved = rewrite(path, resolve)
        except (OSError, ValueError) as error:
            self.failed(path, error)
            return False
        if resolved:
            logger.info("Dates from listings joined into %d records of %s", resolved, path)
        return True

    def failed(self, path: Path, error: Exception) -> None:
        """The dates could not be joined into ``path`` (no room to rewrite it): counted as
        a failure (exit status 1: its records lack dates the crawl knew; it exited 0), and
        the half-written new file removed from the disk it filled."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(stats_keys.DATES_RESOLUTION_FAILED)
        record_failure(self.crawler.stats, "date_join")
        resolving_path(path).unlink(missing_ok=True)
        logger.error(
            "Could not join listing dates into %s: %s; its records keep the dates they were "
            "written with (with JOBDIR, the same command joins them once it can)",
            path,
            error,
        )

    def join(self) -> None:
        run = ArchiveRun.of(self.crawler)
        ledger, sites = run.dates, run.sites
        if not ledger or sites is None:
            return
        listed_key = sites.listed_key
        assert self.crawler.stats is not None
        stats = self.crawler.stats
        feeds = self.crawler.settings.getdict("FEEDS")
        if not stats.get_value(stats_keys.ITEM_SCRAPED_COUNT):
            feeds = replaced_unwritten(feeds)
        local, other = local_feed_files(feeds)
        parquet, _ = local_feed_files(feeds, {"parquet"})
        csv_files, _ = local_feed_files(feeds, {"csv"})
        json_files, _ = local_feed_files(feeds, {"json"})
        rewritten = {*parquet, *csv_files, *json_files}
        unjoined = [uri for uri in other if Path(str(uri)) not in rewritten]
        if unjoined and stats.get_value(stats_keys.DATES_UNDATED):
            logger.warning(
                "Listing dates read after their articles were written are not joined into %s",
                ", ".join(unjoined),
            )
        # The join must see every record before the reports count them.
        write_pending_row_groups(self.crawler)
        date_range = run.date_range
        # Records an earlier run of the job wrote are not in this run's quality counts.
        earlier = run.written.urls

        def resolve(record: dict[str, Any]) -> str:
            keys = [listed_key(record[f]) for f in ("url", "fetched_url") if record.get(f)]
            before = {field: record.get(field) for field in DATE_FIELDS}
            source = date_record(record, ledger, keys)
            if source is None:
                return KEEP
            if not date_range.admits(record["published"]):
                # Kept while undated; its date now says it is outside -a since/until.
                stats.inc_value(stats_keys.ARTICLES_FILTERED_OUT_OF_DATE_RANGE_AFTER_CRAWL)
                logger.info(
                    "Removed, dated %s by a listing: %s", record["published"], record.get("url")
                )
                return REMOVE
            stats.inc_value(f"{stats_keys.DATES_RESOLVED_AFTER_CRAWL}{source}")
            if record.get("url") not in earlier:
                recount_quality(stats, before, record)
            return REWRITE

        counted = False  # each record is counted once, in the first output rewritten

        def resolve_once(record: dict[str, Any]) -> str:
            return resolve(record) if not counted else resolve_quietly(record)

        def resolve_quietly(record: dict[str, Any]) -> str:
            keys = [listed_key(record[f]) for f in ("url", "fetched_url") if record.get(f)]
            if date_record(record, ledger, keys) is None:
                return KEEP
            return REWRITE if date_range.admits(record["published"]) else REMOVE

        rewrites = [(path, resolve_parquet) for path in parquet]
        rewrites += [(path, resolve_csv) for path in csv_files]
        for path, rewrite in rewrites:
            counted |= self.rewritten(path, rewrite, resolve_once)
        for path in json_files:
            # Scrapy closes a JSON array (its "]") when its feed closes, which may come
            # after this: its records are counted now, and it is rewritten once closed.
            try:
                lines, closed = json_array_lines(path)
                records = [] if closed else list(map(array_record, lines))
            except (OSError, ValueError) as error:
                self.failed(path, error)
                continue
            if closed:
                counted |= self.rewritten(path, resolve_json_array, resolve_once)
                continue
            for record in records:
                resolve_once(record)
            counted = True
            self.open_json_arrays.append(path)
        self.resolve_later = resolve_quietly
        for path in local:
            counted |= self.rewritten(path, resolve_lines, resolve_once)
