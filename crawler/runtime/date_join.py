"""The post-crawl join of listing dates into the output (see :mod:`crawler.discovery.dates`).

A listing can be read after the article it dates was written. When the crawl ends,
:class:`ListingDateResolution` gives every record of the output that has no date of its
own the best date the whole crawl saw, rewriting the output crash-safely.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self
from urllib.parse import unquote, urlsplit

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from crawler.discovery.dates import date_record
from crawler.reporting import stats_keys
from crawler.runtime.feeds import replace_durably
from crawler.runtime.parquet import part_versions, rewrite_records
from crawler.runtime.run import ArchiveRun

logger = logging.getLogger(__name__)


def local_jsonlines_feeds(feeds: dict[Any, dict[str, Any]]) -> tuple[list[Path], list[str]]:
    """The feeds (``FEEDS``) that are local JSON Lines files, and the URIs of the others.

    >>> local_jsonlines_feeds({"out.jsonl": {"format": "jsonlines"}, "s3://b/x.jl": {"format": "jsonlines"},
    ...                        "file:///tmp/a.jl": {"format": "jl"}, "x.csv": {"format": "csv"}})
    ([PosixPath('out.jsonl'), PosixPath('/tmp/a.jl')], ['s3://b/x.jl', 'x.csv'])
    """
    local, other = [], []
    for uri, options in feeds.items():
        text = str(uri)
        parts = urlsplit(text)
        is_file = parts.scheme in ("", "file") or (len(parts.scheme) == 1 and os.name == "nt")
        if options.get("format") in ("jsonlines", "jsonl", "jl") and is_file and "%(" not in text:
            local.append(Path(unquote(parts.path)) if parts.scheme == "file" else Path(text))
        else:
            other.append(text)
    return local, other


KEEP, REWRITE, REMOVE = "keep", "rewrite", "remove"
"""What the post-crawl join does with a record: leave it, write it with its new date, or
remove it (dated outside the crawl's ``-a since/until`` range)."""


def resolve_output(path: Path, resolve: Callable[[dict[str, Any]], str]) -> int:
    """Rewrite (or remove) the records of a JSON Lines file as ``resolve`` says; returns how
    many changed. Crash-safe like the feed: the new file is written beside the old one,
    ``fsync``-ed, then renamed over it, so a kill at any point leaves one whole file. A
    line that is not a JSON object is kept as it is."""
    changed = 0
    partial = path.with_name(path.name + ".resolving")
    with path.open("rb") as source, partial.open("wb") as target:
        for line in source:
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


DATE_FIELDS = ("published", "published_raw", "published_source", "published_precision")


def recount_quality(stats: StatsCollector, before: dict[str, Any], record: dict[str, Any]) -> None:
    """The corpus quality counts (``quality/``, ``crawler/reporting/corpus_quality.py``) were
    taken when the record was written: move it to its new date source."""
    stats.inc_value(f"{stats_keys.QUALITY_DATES}{before['published_source'] or 'none'}", -1)
    stats.inc_value(f"{stats_keys.QUALITY_DATES}{record['published_source']}")
    for field in DATE_FIELDS:
        if not before[field] and record.get(field):
            stats.inc_value(f"{stats_keys.QUALITY_PRESENT}{field}")


def parquet_feeds(feeds: dict[Any, dict[str, Any]]) -> list[Path]:
    """The feeds (``FEEDS``) written as Parquet files."""
    return [Path(str(uri)) for uri, options in feeds.items() if options.get("format") == "parquet"]


class ListingDateResolution:
    """When the crawl ends, gives every record of the output that has no date of its own
    the best date the whole crawl saw in listings (see the module docstring); counted as
    ``dates/resolved_after_crawl/<source>``. A record kept while undated whose date is now
    outside ``-a since/until`` is removed (``articles/filtered/out_of_date_range_after_crawl``),
    so a date range gives the same output whatever order pages came in. Only local JSON Lines
    feeds can be rewritten: with any other feed (Parquet, stdout) nothing is rewritten, so
    the outputs agree, and a WARNING says so when records were written undated."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.earlier_parts: set[tuple[Path, int]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        """Parquet parts already there (a resumed crawl's) are never rewritten."""
        feeds = self.crawler.settings.getdict("FEEDS")
        self.earlier_parts = set().union(*(part_versions(path) for path in parquet_feeds(feeds)))

    def spider_closed(self, spider: Spider) -> None:
        run = ArchiveRun.of(self.crawler)
        ledger, sites = run.dates, run.sites
        if not ledger or sites is None:
            return
        listed_key = sites.listed_key
        assert self.crawler.stats is not None
        stats = self.crawler.stats
        feeds = self.crawler.settings.getdict("FEEDS")
        local, other = local_jsonlines_feeds(feeds)
        parquet = parquet_feeds(feeds)
        unjoined = [uri for uri in other if Path(str(uri)) not in parquet]
        if unjoined and stats.get_value(stats_keys.DATES_UNDATED):
            logger.warning(
                "Listing dates read after their articles were written are not joined into %s",
                ", ".join(unjoined),
            )
        date_range = run.date_range

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

        for path in parquet:
            try:
                resolved = rewrite_records(
                    path, lambda r: resolve_once(r) == REWRITE, self.earlier_parts
                )
            except (OSError, ValueError) as error:
                stats.inc_value(stats_keys.DATES_RESOLUTION_FAILED)
                logger.error("Could not join listing dates into %s: %s", path, error)
                continue
            counted = True
            if resolved:
                logger.info("Dates from listings joined into %d records of %s", resolved, path)
        for path in local:
            try:
                resolved = resolve_output(path, resolve_once)
            except OSError as error:
                stats.inc_value(stats_keys.DATES_RESOLUTION_FAILED)
                logger.error("Could not join listing dates into %s: %s", path, error)
                continue
            if resolved:
                logger.info("Dates from listings joined into %d records of %s", resolved, path)
            counted = True
