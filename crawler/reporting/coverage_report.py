"""Writes the coverage report at the end of every crawl: JSON, a text table, an HTML page.

``ARCHIVE_COVERAGE_DIR`` (default ``coverage``) names the folder; the files are
``<spider>.json``, ``<spider>.txt`` and ``<spider>.html`` (``crawler/reporting/coverage_page.py``:
a month × section heatmap over the archive's whole span, the tables, the corpus quality
summary, and every listed article that is not in the output).
An empty value turns the report off.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.discovery.multisite import CrawlSites
from crawler.reporting import stats_keys
from crawler.reporting.corpus_quality import CorpusQuality, quality_lines, quality_summary
from crawler.reporting.coverage_page import TABLE_COLUMNS, html_page
from crawler.reporting.outcomes import DropArticle, Outcome, OutcomeKind
from crawler.runtime.durable import replace_durably
from crawler.runtime.run import ArchiveRun

logger = logging.getLogger(__name__)

EMITTED = Outcome(OutcomeKind.EMITTED)


def text_table(summary: dict[str, Any]) -> str:
    """The per-section, per-month table and the list of what is not in the output."""
    header = ("section", "month", *TABLE_COLUMNS)
    rows = [[str(r.get(c, 0)) for c in header] for r in summary["rows"]]
    widths = [max([len(h), *(len(row[i]) for row in rows)]) for i, h in enumerate(header)]
    headline = (
        f"coverage {summary['coverage']:.1%}: {summary['covered']} of {summary['listed']} listed "
        f"articles covered, {summary['missing']} missing, {summary['unavailable']} unavailable, "
        f"{summary['not_articles']} not articles"
    )
    lines = [headline, ""]
    for site in summary.get("sites", ()):
        lines.append(
            f"  {site['site']}: coverage {site['coverage']:.1%}, {site['covered']} of "
            f"{site['listed']} covered, {site['missing']} missing, "
            f"{site['unavailable']} unavailable, {site['not_articles']} not articles"
        )
    lines += [
        "",
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    if "quality" in summary:
        lines += ["", *quality_lines(summary["quality"])]
    if summary["not_in_output"]:
        lines += ["", "listed but not in the output:"]
        lines += [
            f"  {e['status']:<11} {e['outcome']:<28} {e['url']}" for e in summary["not_in_output"]
        ]
    return "\n".join(lines) + "\n"


class CoverageReport:
    """Feeds item outcomes into the crawl's coverage ledger; writes the report on close."""

    def __init__(self, crawler: Crawler, folder: Path) -> None:
        self.crawler = crawler
        self.folder = folder
        self.run = ArchiveRun.of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        folder = crawler.settings.get("ARCHIVE_COVERAGE_DIR")
        if not folder:
            raise NotConfigured("ARCHIVE_COVERAGE_DIR is empty")
        extension = cls(crawler, Path(folder))
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    @staticmethod
    def _keys(sites: CrawlSites, adapter: ItemAdapter) -> list[str]:
        return [sites.listed_key(adapter[f]) for f in ("fetched_url", "url") if adapter.get(f)]

    def item_scraped(self, item: Any) -> None:
        sites = self.run.sites
        if sites is None:
            return
        adapter = ItemAdapter(item)
        section, published = adapter.get("section"), adapter.get("published")
        for key in self._keys(sites, adapter):
            self.run.coverage.outcome(key, EMITTED, section, published)

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        sites = self.run.sites
        if sites is None:
            return
        outcome = (
            exception.outcome
            if isinstance(exception, DropArticle)
            else Outcome(OutcomeKind.DROPPED, "dropped")  # a plain DropItem names no reason
        )
        self.run.coverage.outcome(self._keys(sites, ItemAdapter(item))[0], outcome)

    def spider_closed(self, spider: Spider) -> None:
        sites = self.run.sites
        if sites is None:  # only archive spiders keep a ledger
            return
        hosts = sites.hosts
        summary = self.run.coverage.summary(
            (lambda url: hosts.site_of(url).name) if hosts else None
        )
        stats = self.crawler.stats
        quality = self.crawler.get_extension(CorpusQuality)
        summary["quality"] = quality_summary(
            stats.get_stats(), quality.short_bodies if quality else None
        )
        for key in ("listed", "covered", "missing", "unavailable", "not_articles"):
            stats.set_value(f"{stats_keys.COVERAGE}{key}", summary[key])
        self.folder.mkdir(parents=True, exist_ok=True)
        base = self.folder / spider.name
        if not summary["listed"] and base.with_suffix(".json").exists():
            # A finished job run again lists nothing: its report stays the job's.
            logger.warning(
                "Coverage: no sitemap, listing or URL list named an article (a finished job "
                "run again?); the report of the last run that did is kept: %s.{json,txt,html}",
                base,
            )
            return
        for suffix, text in (
            (".json", json.dumps(summary, indent=2, ensure_ascii=False) + "\n"),
            (".txt", text_table(summary)),
            (".html", html_page(spider.name, summary)),
        ):
            # Written whole or not at all: a full disk had left an empty archive.json.
            written = base.with_name(f".{base.name}{suffix}.tmp")
            written.write_text(text)
            replace_durably(written, base.with_suffix(suffix))
        if not summary["listed"]:  # not "100% covered": there was nothing to cover
            # Articles reached only through links on other pages may still be emitted.
            logger.warning(
                "Coverage: no sitemap, listing or URL list named an article, so there is "
                "nothing to measure the output against; report: %s.{json,txt,html}",
                base,
            )
            return
        logger.info(
            "Coverage %.1f%% (%d missing); report: %s.{json,txt,html}",
            summary["coverage"] * 100,
            summary["missing"],
            base,
        )
