"""End-of-crawl report: what was fetched, emitted, dropped and why, from the crawl stats."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy import Spider, signals
from scrapy.crawler import Crawler

from crawler.reporting import stats_keys
from crawler.reporting.corpus_quality import quality_lines, quality_summary
from crawler.reporting.ledger import CoverageLedger
from crawler.reporting.outcomes import OutcomeKind
from crawler.reporting.progress import duration
from crawler.runtime.run import ArchiveRun
from crawler.sites.base import NO_ARTICLE_MARKUP

logger = logging.getLogger(__name__)

# (label, stats key prefix); a prefix ending in "/" lists every key under it.
REPORT_LINES = (
    ("pages fetched", stats_keys.DOWNLOADER_RESPONSE_COUNT),
    ("responses by status", stats_keys.DOWNLOADER_RESPONSE_STATUS_COUNT),
    ("articles extracted", stats_keys.ARTICLES_EXTRACTED),
    ("articles emitted", stats_keys.ARTICLES_EMITTED),
    ("articles emitted, by site", stats_keys.SITES_EMITTED),
    ("articles dropped, by site", stats_keys.SITES_DROPPED),
    ("article pages failed, by site", stats_keys.SITES_FAILED),
    ("articles dropped", stats_keys.ARTICLES_DROPPED),
    ("article pages failed", stats_keys.ARTICLES_FAILED),
    ("pages asked again at the end (their retries failed)", stats_keys.LATE_RETRY_HELD),
    ("pages asked again and fetched", stats_keys.LATE_RETRY_RECOVERED),
    ("article pages behind a bot wall (not extracted; listed below)", stats_keys.ARTICLES_BLOCKED),
    ("article pages behind a bot wall, by site", stats_keys.SITES_BLOCKED),
    ("articles filtered out", stats_keys.ARTICLES_FILTERED),
    ("duplicate articles", stats_keys.ARTICLES_DUPLICATES),
    ("pages that are not articles", stats_keys.PAGES_NOT_ARTICLE),
    ("URL-list pages extracted though unlike articles", stats_keys.URL_LIST_EXTRACTED_UNSURE),
    (
        "pages extracted though unlike articles (-a unsure=extract)",
        stats_keys.PAGES_EXTRACTED_UNSURE,
    ),
    ("listed articles (listings, sitemaps, URL lists)", stats_keys.COVERAGE_LISTED),
    ("listed articles missing from the output", stats_keys.COVERAGE_MISSING),
    ("pages that are not HTML", stats_keys.PAGES_NOT_HTML),
    ("dates rejected (kept raw)", stats_keys.NORMALIZE_REJECTED_DATE),
    ("dates from listings (when the page has none)", stats_keys.DATES),
    ("incremental state (new, changed, not modified...)", stats_keys.STATE),
    ("sitemaps read", stats_keys.SITEMAPS_URLSET),
    ("sitemap indexes read", stats_keys.SITEMAPS_SITEMAPINDEX),
    ("invalid sitemaps", stats_keys.SITEMAPS_INVALID),
    ("relative sitemap URLs resolved", stats_keys.SITEMAPS_RELATIVE_LOC),
    ("sitemap entries that are not URLs", stats_keys.SITEMAPS_BAD_LOC),
    ("sitemaps over 50,000 URLs", stats_keys.SITEMAPS_OVER_LIMIT),
    ("sitemap URLs skipped", stats_keys.SITEMAPS_SKIPPED_URLS),
    ("HTTP errors on other pages", stats_keys.HTTPERROR_RESPONSE_IGNORED_STATUS_COUNT),
    ("download errors", stats_keys.DOWNLOADER_EXCEPTION_TYPE_COUNT),  # robots refusals listed apart
    ("faults (by kind)", stats_keys.FAULTS),
    ("spider traps avoided (by rule)", stats_keys.TRAPS),
    ("resume", stats_keys.RESUME),
    ("forbidden by robots.txt", stats_keys.ROBOTSTXT_FORBIDDEN),
    ("off-site requests filtered", stats_keys.OFFSITE_FILTERED),
    ("spider errors", stats_keys.SPIDER_EXCEPTIONS),
    ("failures (data lost or not written: exit status 1)", stats_keys.FAILURES),
    ("records not written (output failed)", stats_keys.OUTPUT_RECORDS_LOST),
    ("log errors", stats_keys.LOG_COUNT_ERROR),
)


WALLED_URLS_SHOWN = 20
"""Article URLs behind a bot wall that the report names; the coverage report has them all."""


def walled_lines(ledger: CoverageLedger) -> list[str]:
    """The article pages a bot wall hid, to fetch again (another time, address or network,
    or from a Wayback Machine capture).

    >>> from crawler.reporting.outcomes import Outcome
    >>> ledger = CoverageLedger()
    >>> ledger.outcome("https://a.example/x/", Outcome(OutcomeKind.BLOCKED, "cloudflare"))
    >>> ledger.outcome("https://a.example/y/", Outcome(OutcomeKind.EMITTED))
    >>> walled_lines(ledger)
    ['behind a bot wall, to fetch again: 1', '  https://a.example/x/ (cloudflare)']
    """
    walled = sorted(
        (url, entry.outcome.detail)
        for url, entry in ledger.entries.items()
        if entry.outcome is not None and entry.outcome.kind is OutcomeKind.BLOCKED
    )
    if not walled:
        return []
    lines = [f"behind a bot wall, to fetch again: {len(walled)}"]
    lines += [f"  {url} ({vendor})" for url, vendor in walled[:WALLED_URLS_SHOWN]]
    if len(walled) > WALLED_URLS_SHOWN:
        lines.append(f"  … {len(walled) - WALLED_URLS_SHOWN} more in the coverage report")
    return lines


def unsure_lines(stats: dict[str, Any]) -> list[str]:
    """What to do about pages skipped for showing no sign of an article, if any were: a
    site that marks up none of its articles loses them all.

    >>> unsure_lines({"pages/not_article/no_article_markup": 27})
    ['pages with no sign of an article, not extracted: 27 (if they are articles, -a unsure=extract extracts them)']
    >>> unsure_lines({"pages/not_article/listing": 3})
    []
    """
    skipped = stats.get(f"{stats_keys.PAGES_NOT_ARTICLE}{NO_ARTICLE_MARKUP}", 0)
    if not skipped:
        return []
    hint = (
        f"pages with no sign of an article, not extracted: {skipped} (if they are articles, "
        "-a unsure=extract extracts them)"
    )
    return [hint]


def timing_lines(stats: dict[str, Any], now: datetime) -> list[str]:
    """Elapsed time since the crawl started, and the average rates over it.

    >>> from datetime import timedelta
    >>> start = datetime(2026, 1, 1, tzinfo=UTC)
    >>> stats = {"start_time": start, "downloader/response_count": 7200, "articles/emitted": 1800}
    >>> timing_lines(stats, start + timedelta(hours=1))
    ['elapsed: 60 min (3,600 s)', 'average rates: 2.00 pages/s, 0.50 articles/s, 1,800 articles/h']
    """
    start = stats.get("start_time")
    if not isinstance(start, datetime):
        return []
    seconds = max((now - start).total_seconds(), 1e-6)
    pages, articles = (
        stats.get(stats_keys.DOWNLOADER_RESPONSE_COUNT, 0),
        stats.get(stats_keys.ARTICLES_EMITTED, 0),
    )
    rates = (
        f"{pages / seconds:.2f} pages/s, {articles / seconds:.2f} articles/s, "
        f"{articles / seconds * 3600:,.0f} articles/h"
    )
    elapsed = duration(seconds) + (f" ({seconds:,.0f} s)" if seconds >= 90 else "")
    return [f"elapsed: {elapsed}", f"average rates: {rates}"]


def report_lines(stats: dict[str, Any], now: datetime | None = None) -> list[str]:
    """The report as text lines; a stat that is absent is shown as 0 or omitted."""
    lines = timing_lines(stats, now or datetime.now(UTC))
    for label, key in REPORT_LINES:
        if key.endswith("/"):
            parts = {
                k.removeprefix(key): v
                for k, v in sorted(stats.items())
                if k.startswith(key) and not k.endswith((".IgnoreRequest", ".AlreadyWritten"))
            }
            total = sum(parts.values())
            detail = ", ".join(f"{name}: {count}" for name, count in parts.items())
            lines.append(f"{label}: {total}" + (f" ({detail})" if detail else ""))
        else:
            lines.append(f"{label}: {stats.get(key, 0)}")
    return lines


class RunReport:
    """Logs the report when the spider closes; the numbers are the crawl's own stats.

    With ``ARCHIVE_REPORT_FILE=path`` it also writes the report and every stat as JSON,
    for scripts that check a crawl.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.report_file = crawler.settings.get("ARCHIVE_REPORT_FILE")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.item_dropped, signal=signals.item_dropped)
        return extension

    def item_dropped(self, item: Any) -> None:
        """``sites/dropped/<site>``: a URL list can span sites (records say which). The
        output pipeline counts ``sites/emitted/<site>``: one signal handler less for every
        record."""
        assert self.crawler.stats is not None
        site = ItemAdapter(item).get("site") or "unknown"
        self.crawler.stats.inc_value(f"{stats_keys.SITES_DROPPED}{site}")

    def spider_closed(self, spider: Spider, reason: str) -> None:
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        lines = [
            *report_lines(stats),
            *quality_lines(quality_summary(stats)),
            *walled_lines(ArchiveRun.of(self.crawler).coverage),
            *unsure_lines(stats),
        ]
        logger.info("Run report (%s, finished: %s):\n  %s", spider.name, reason, "\n  ".join(lines))
        if self.report_file:
            report = {
                "spider": spider.name,
                "finish_reason": reason,
                "report": lines,
                "stats": {
                    key: value
                    for key, value in sorted(stats.items())
                    if isinstance(value, int | float | str)
                },
            }
            Path(self.report_file).write_text(json.dumps(report, indent=2) + "\n")
