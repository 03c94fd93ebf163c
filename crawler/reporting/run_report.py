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

from crawler.reporting.corpus_quality import quality_lines, quality_summary
from crawler.reporting.progress import duration

logger = logging.getLogger(__name__)

# (label, stats key prefix); a prefix ending in "/" lists every key under it.
REPORT_LINES = (
    ("pages fetched", "downloader/response_count"),
    ("responses by status", "downloader/response_status_count/"),
    ("articles extracted", "articles/extracted"),
    ("articles emitted", "articles/emitted"),
    ("articles emitted, by site", "sites/emitted/"),
    ("articles dropped, by site", "sites/dropped/"),
    ("article pages failed, by site", "sites/failed/"),
    ("articles dropped", "articles/dropped/"),
    ("article pages failed", "articles/failed/"),
    ("articles filtered out", "articles/filtered/"),
    ("duplicate articles", "articles/duplicates/"),
    ("pages that are not articles", "pages/not_article/"),
    ("URL-list pages extracted though unlike articles", "url_list/extracted_unsure/"),
    ("listed articles (listings, sitemaps, URL lists)", "coverage/listed"),
    ("listed articles missing from the output", "coverage/missing"),
    ("pages that are not HTML", "pages/not_html"),
    ("dates rejected (kept raw)", "normalize/rejected_date/"),
    ("dates from listings (when the page has none)", "dates/"),
    ("incremental state (new, changed, not modified...)", "state/"),
    ("sitemaps read", "sitemaps/urlset"),
    ("sitemap indexes read", "sitemaps/sitemapindex"),
    ("invalid sitemaps", "sitemaps/invalid/"),
    ("relative sitemap URLs resolved", "sitemaps/relative_loc"),
    ("sitemap entries that are not URLs", "sitemaps/bad_loc"),
    ("sitemaps over 50,000 URLs", "sitemaps/over_limit"),
    ("sitemap URLs skipped", "sitemaps/skipped_urls"),
    ("HTTP errors on other pages", "httperror/response_ignored_status_count/"),
    ("download errors", "downloader/exception_type_count/"),  # robots refusals listed apart
    ("faults (by kind)", "faults/"),
    ("spider traps avoided (by rule)", "traps/"),
    ("resume", "resume/"),
    ("forbidden by robots.txt", "robotstxt/forbidden"),
    ("off-site requests filtered", "offsite/filtered"),
    ("spider errors", "spider_exceptions/"),
    ("failures (data lost or not written: exit status 1)", "failures/"),
    ("records not written (output failed)", "output/records_lost"),
    ("log errors", "log_count/ERROR"),
)


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
    pages, articles = stats.get("downloader/response_count", 0), stats.get("articles/emitted", 0)
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
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.item_dropped, signal=signals.item_dropped)
        return extension

    def item_scraped(self, item: Any) -> None:
        self.count_by_site("emitted", item)

    def item_dropped(self, item: Any) -> None:
        self.count_by_site("dropped", item)

    def count_by_site(self, what: str, item: Any) -> None:
        """``sites/<what>/<site>``: a URL list can span sites (records say which)."""
        assert self.crawler.stats is not None
        site = ItemAdapter(item).get("site") or "unknown"
        self.crawler.stats.inc_value(f"sites/{what}/{site}")

    def spider_closed(self, spider: Spider, reason: str) -> None:
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        lines = report_lines(stats) + quality_lines(quality_summary(stats))
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
