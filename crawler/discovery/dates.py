"""A date for every article that has one anywhere: the dates listings print beside posts.

Some articles show no date on their own page (Divi builder posts on the aawsat archive),
while every category, tag and author listing prints "Mon D, YYYY" beside each post, and
month archives (``/2013/10/``) place each post in a month. The spider notes both in a
:class:`DateLedger` as it reads listings; a record whose page gave no date takes, in
order:

1. ``listing``: the date a listing prints beside the post (day precision);
2. ``month_archive``: the month of a month archive that lists it (``"2013-10"``, month
   precision: the day is unknown).

``published_source`` says where the date came from (``page``, ``listing``,
``month_archive``) and ``published_precision`` how precise it is (``instant``, ``day``,
``month``). A listing can be read after the article was emitted, so the join is done
twice: when the record is made (:class:`pipelines.dates.ListingDatePipeline`), with what
is known then, and once more over the finished output when the crawl ends
(:class:`ListingDateResolution`), with everything the crawl saw. The ledger only grows and
keeps the least value of each kind, so the output is the same whatever order pages came in.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self
from urllib.parse import unquote, urlsplit

from itemadapter import ItemAdapter
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from crawler.discovery.daterange import DateRange
from crawler.extraction.processors import parse_date
from crawler.runtime.parquet import part_versions, rewrite_records

logger = logging.getLogger(__name__)

PAGE, LISTING, MONTH_ARCHIVE = "page", "listing", "month_archive"


def precision_of(iso: str) -> str:
    """How precise an ISO 8601 date is.

    >>> precision_of("2016-05-21T09:14:00+00:00"), precision_of("2014-06-27"), precision_of("2013-10")
    ('instant', 'day', 'month')
    """
    if "T" in iso:
        return "instant"
    return "day" if len(iso) == len("2014-06-27") else "month"


@dataclass(frozen=True)
class ListedDate:
    """A date for an article from outside its page."""

    published: str
    """ISO 8601: ``"2013-10-18"`` from a listing, ``"2013-10"`` from a month archive."""
    raw: str
    """As shown: the listing's ``"Oct 18, 2013"``, or the month archive's ``"2013/10"``."""
    source: str


class DateLedger:
    """Listing dates and month archives of listed articles, by canonical public URL.

    Raw listing text is kept and parsed only for the records that need it (dateutil is
    slow, and most pages carry their own date). When two listings disagree, the least
    value is kept, whatever the order they were read in.
    """

    def __init__(self) -> None:
        self.listing_dates: dict[str, str] = {}
        self.months: dict[str, tuple[int, int]] = {}

    def __len__(self) -> int:
        return len(self.listing_dates.keys() | self.months.keys())

    def listed(self, key: str, raw_date: str | None, month: tuple[int, int] | None) -> None:
        """A listing shows the article at ``key``, with ``raw_date`` beside it; ``month``
        is the ``(year, month)`` of the listing when it is a month archive."""
        if raw_date and raw_date.strip():
            known = self.listing_dates.get(key)
            self.listing_dates[key] = (
                raw_date.strip() if known is None else min(known, raw_date.strip())
            )
        if month is not None:
            known_month = self.months.get(key)
            self.months[key] = month if known_month is None else min(known_month, month)

    def date_for(self, keys: Iterable[str]) -> ListedDate | None:
        """The best date any listing gave for an article known under ``keys``.

        >>> ledger = DateLedger()
        >>> ledger.listed("https://x/a/", None, (2013, 10))
        >>> ledger.date_for(["https://x/a/"])
        ListedDate(published='2013-10', raw='2013/10', source='month_archive')
        >>> ledger.listed("https://x/a/", "Oct 18, 2013", None)
        >>> ledger.date_for(["https://x/old-a/", "https://x/a/"])
        ListedDate(published='2013-10-18', raw='Oct 18, 2013', source='listing')
        """
        keys = list(keys)
        for key in keys:
            raw = self.listing_dates.get(key)
            parsed = parse_date(raw) if raw else None
            if raw and parsed:
                return ListedDate(parsed[:10], raw, LISTING)
        for key in keys:
            if key in self.months:
                year, month = self.months[key]
                return ListedDate(
                    f"{year:04d}-{month:02d}", f"{year:04d}/{month:02d}", MONTH_ARCHIVE
                )
        return None


def plausible(iso: str, fetched_at: str | None) -> bool:
    """A listing's date can be the article's: not before 1990, not after the fetch.

    >>> plausible("2013-10-18", "2026-01-01T00:00:00Z"), plausible("2031-01", "2026-01-01T00:00:00Z")
    (True, False)
    >>> plausible("1970-01-01", None)
    False
    """
    return iso >= "1990" and (not fetched_at or iso <= fetched_at[: len(iso)])


def date_record(record: Any, ledger: DateLedger, keys: Iterable[str]) -> str | None:
    """Set ``published_source`` and ``published_precision`` of a record (an item or a dict);
    when its page gave no date, take the ledger's (if :func:`plausible`). Returns the source
    of a date taken from the ledger that the record did not have yet, else None."""
    adapter = ItemAdapter(record)
    if adapter.get("published") and adapter.get("published_source") in (None, PAGE):
        adapter["published_source"] = PAGE
        adapter["published_precision"] = precision_of(adapter["published"])
        return None
    found = ledger.date_for(keys)
    if found is None or not plausible(found.published, adapter.get("fetched_at")):
        return None
    if (adapter.get("published"), adapter.get("published_source")) == (
        found.published,
        found.source,
    ):
        return None
    adapter["published"] = found.published
    adapter["published_raw"] = found.raw
    adapter["published_source"] = found.source
    adapter["published_precision"] = precision_of(found.published)
    return found.source


# -- the post-crawl resolution over the output --------------------------------------------


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
        target.flush()
        os.fsync(target.fileno())
    if not changed:
        partial.unlink()
        return 0
    partial.replace(path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return changed


DATE_FIELDS = ("published", "published_raw", "published_source", "published_precision")


def recount_quality(stats: StatsCollector, before: dict[str, Any], record: dict[str, Any]) -> None:
    """The corpus quality counts (``quality/``, ``crawler/reporting/corpus_quality.py``) were
    taken when the record was written: move it to its new date source."""
    stats.inc_value(f"quality/dates/{before['published_source'] or 'none'}", -1)
    stats.inc_value(f"quality/dates/{record['published_source']}")
    for field in DATE_FIELDS:
        if not before[field] and record.get(field):
            stats.inc_value(f"quality/present/{field}")


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
        ledger: DateLedger | None = getattr(spider, "dates", None)
        listed_key: Callable[[str], str] | None = getattr(spider, "listed_key", None)
        if not ledger or listed_key is None:
            return
        assert self.crawler.stats is not None
        stats = self.crawler.stats
        feeds = self.crawler.settings.getdict("FEEDS")
        local, other = local_jsonlines_feeds(feeds)
        parquet = parquet_feeds(feeds)
        unjoined = [uri for uri in other if Path(str(uri)) not in parquet]
        if unjoined and stats.get_value("dates/undated"):
            logger.warning(
                "Listing dates read after their articles were written are not joined into %s",
                ", ".join(unjoined),
            )
        date_range: DateRange = getattr(spider, "date_range", None) or DateRange()

        def resolve(record: dict[str, Any]) -> str:
            keys = [listed_key(record[f]) for f in ("url", "fetched_url") if record.get(f)]
            before = {field: record.get(field) for field in DATE_FIELDS}
            source = date_record(record, ledger, keys)
            if source is None:
                return KEEP
            if not date_range.admits(record["published"]):
                # Kept while undated; its date now says it is outside -a since/until.
                stats.inc_value("articles/filtered/out_of_date_range_after_crawl")
                logger.info(
                    "Removed, dated %s by a listing: %s", record["published"], record.get("url")
                )
                return REMOVE
            stats.inc_value(f"dates/resolved_after_crawl/{source}")
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
                stats.inc_value("dates/resolution_failed")
                logger.error("Could not join listing dates into %s: %s", path, error)
                continue
            counted = True
            if resolved:
                logger.info("Dates from listings joined into %d records of %s", resolved, path)
        for path in local:
            try:
                resolved = resolve_output(path, resolve_once)
            except OSError as error:
                stats.inc_value("dates/resolution_failed")
                logger.error("Could not join listing dates into %s: %s", path, error)
                continue
            if resolved:
                logger.info("Dates from listings joined into %d records of %s", resolved, path)
            counted = True
