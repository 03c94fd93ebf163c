"""Derive the normalized fields of a record from what the profile extracted."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime, timedelta
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from crawler.discovery.urls import canonicalize_url
from crawler.extraction.processors import EARLIEST_DATE, parse_date
from crawler.extraction.text_facts import text_facts
from crawler.items import SCHEMA_VERSION
from crawler.reporting import stats_keys

logger = logging.getLogger(__name__)


def stable_id(site: str, url: str) -> str:
    """Same site and canonical URL, same id, on every run.

    >>> stable_id("aawsat", "https://eng-archive.aawsat.com/a/b/c/")
    'aawsat-513f42a3b25a2b00'
    """
    return f"{site}-{hashlib.sha256(url.encode()).hexdigest()[:16]}"


def _moment(value: str) -> datetime:
    """An ISO month, date or datetime as an aware UTC datetime (a bare date or a month:
    its start, UTC)."""
    moment = datetime.fromisoformat(f"{value}-01" if len(value) == len("2016-05") else value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def reference_time(adapter: ItemAdapter) -> datetime:
    """When the page was seen: its capture time for an archive copy, else its fetch time."""
    capture = adapter.get("capture") or {}
    if capture.get("timestamp"):
        return datetime.strptime(capture["timestamp"], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    if adapter.get("fetched_at"):
        return _moment(adapter["fetched_at"])
    return datetime.now(UTC)


ZONE_AHEAD_MOST = timedelta(hours=14)
"""The furthest a time zone is ahead of UTC (Kiribati's UTC+14)."""


def is_local_time(iso: str) -> bool:
    """Whether an ISO date holds a time with no UTC offset.

    >>> is_local_time("2016-05-21T09:14:00"), is_local_time("2016-05-21T09:14:00+03:00")
    (True, False)
    >>> is_local_time("2016-05-21"), is_local_time("2016-05-21T09:14:00Z")
    (False, False)
    """
    return "T" in iso and datetime.fromisoformat(iso).tzinfo is None


def date_problem(iso: str, seen_at: datetime) -> str | None:
    """Why a parsed date cannot be the article's: ``after_fetch`` or ``before_1990``.

    >>> seen = datetime(2026, 11, 25, tzinfo=UTC)
    >>> date_problem("2016-05-21", seen), date_problem("2031-01-01", seen)
    (None, 'after_fetch')
    >>> date_problem("1970-01-01T00:00:00+00:00", seen), date_problem("2016-05", seen)
    ('before_1990', None)
    >>> date_problem("2026-11-25T02:00:00", seen), date_problem("2026-11-25T02:00:00Z", seen)
    (None, 'after_fetch')
    """
    moment = _moment(iso)
    if moment.date() < EARLIEST_DATE:
        return "before_1990"
    # A bare date is a whole day: it is too late only if the day starts after the fetch.
    # A time with no offset is the site's local time, in any zone: up to 14 hours ahead
    # of UTC (a capture two hours after a story of UTC+3 had rejected its time).
    if moment - (ZONE_AHEAD_MOST if is_local_time(iso) else timedelta()) > seen_at:
        return "after_fetch"
    return None


def normalize_article(item: Any) -> list[tuple[str, str]]:
    """Fill the derived fields of ``item`` in place: canonical ``url``, ISO ``published`` and
    ``modified``, ``word_count``, ``content_hash``, ``id``, ``schema_version``.

    Returns ``(field, reason)`` for each date left null although the page had a raw value:
    ``unparsed``, or an implausible date (``after_fetch``, ``before_1990``). The raw value
    is kept in ``<field>_raw``.
    """
    adapter = ItemAdapter(item)
    rejected = []
    if adapter.get("url"):
        adapter["url"] = canonicalize_url(adapter["url"])
    seen_at = reference_time(adapter)
    for field in ("published", "modified"):
        raw = adapter.get(f"{field}_raw")
        # A profile may have read the date already (in the site's time zone, say).
        iso = adapter.get(field) or (parse_date(raw) if raw else None)
        problem = ("unparsed" if iso is None else date_problem(iso, seen_at)) if raw else None
        adapter[field] = None if problem else iso
        if problem:
            rejected.append((field, problem))
    # Worked out with the record in the extraction worker, when it was made there.
    facts = text_facts(item)
    adapter["word_count"] = facts.word_count
    adapter["content_hash"] = facts.content_hash
    if adapter.get("url") and adapter.get("site"):
        adapter["id"] = stable_id(adapter["site"], adapter["url"])
    adapter["schema_version"] = SCHEMA_VERSION
    return rejected


class NormalizeArticlePipeline:
    """Runs :func:`normalize_article` on every record.

    A raw date that does not parse, or that cannot be right (after the page was fetched or
    captured, before 1990), leaves the ISO field null, keeps the raw value, and is logged
    and counted as ``normalize/rejected_date/<field>/<reason>``.
    """

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        for field, reason in normalize_article(item):
            adapter = ItemAdapter(item)
            self.stats.inc_value(f"{stats_keys.NORMALIZE_REJECTED_DATE}{field}/{reason}")
            logger.warning(
                "Rejected %s date %r (%s) at %s",
                field,
                adapter[f"{field}_raw"],
                reason,
                adapter.get("url"),
            )
        return item
