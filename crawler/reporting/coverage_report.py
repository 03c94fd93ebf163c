"""Writes the coverage report at the end of every crawl: JSON, a text table, an HTML page.

``ARCHIVE_COVERAGE_DIR`` (default ``coverage``) names the folder; the files are
``<spider>.json``, ``<spider>.txt`` and ``<spider>.html`` (a chart of articles per month
per section, the table, and every listed article that is not in the output).
An empty value turns the report off.
"""

from __future__ import annotations

import html
import json
import logging
from collections import defaultdict
from pathlib import Path
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.reporting.ledger import COVERED

logger = logging.getLogger(__name__)

TABLE_COLUMNS = ("listed", "covered", "missing", "unavailable", "not_article")
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#9c755f")


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
    lines = [
        headline,
        "",
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    if summary["not_in_output"]:
        lines += ["", "listed but not in the output:"]
        lines += [
            f"  {e['status']:<11} {e['outcome']:<28} {e['url']}" for e in summary["not_in_output"]
        ]
    return "\n".join(lines) + "\n"


def chart_svg(summary: dict[str, Any]) -> str:
    """Stacked bars: covered articles per month, one colour per section."""
    per_month: dict[str, dict[str, int]] = defaultdict(dict)
    sections = sorted({r["section"] for r in summary["rows"]})
    for row in summary["rows"]:
        per_month[row["month"]][row["section"]] = row.get("covered", 0)
    months = sorted(per_month)
    peak = max((sum(v.values()) for v in per_month.values()), default=1) or 1
    bar, gap, height, top = 18, 6, 220, 20
    width = max(400, len(months) * (bar + gap) + 60)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 110}">']
    for index, month in enumerate(months):
        x, y = 40 + index * (bar + gap), top + height
        for section in sections:
            count = per_month[month].get(section, 0)
            if count:
                h = count / peak * height
                y -= h
                colour = PALETTE[sections.index(section) % len(PALETTE)]
                parts.append(
                    f'<rect x="{x}" y="{y:.1f}" width="{bar}" height="{h:.1f}" fill="{colour}">'
                    f"<title>{html.escape(month)} {html.escape(section)}: {count}</title></rect>"
                )
        parts.append(
            f'<text x="{x + bar / 2}" y="{top + height + 8}" font-size="10" '
            f'transform="rotate(60 {x + bar / 2} {top + height + 8})">{html.escape(month)}</text>'
        )
    parts.append(f'<text x="0" y="{top}" font-size="11">{peak}</text>')
    for index, section in enumerate(sections):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect x="{40 + index * 120}" y="{height + 90}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{55 + index * 120}" y="{height + 99}" font-size="11">{html.escape(section)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def html_page(spider_name: str, summary: dict[str, Any]) -> str:
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(str(r.get(c, 0)))}</td>"
            for c in ("section", "month", *TABLE_COLUMNS)
        )
        + "</tr>"
        for r in summary["rows"]
    )
    missing = (
        "".join(
            f"<li><code>{html.escape(e['status'])}</code> {html.escape(e['outcome'])}: "
            f'<a href="{html.escape(e["url"])}">{html.escape(e["url"])}</a></li>'
            for e in summary["not_in_output"]
        )
        or "<li>none</li>"
    )
    head = "".join(f"<th>{c}</th>" for c in ("section", "month", *TABLE_COLUMNS))
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Coverage: {html.escape(spider_name)}</title><style>"
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}</style></head><body>"
        f"<h1>Coverage of the {html.escape(spider_name)} crawl: {summary['coverage']:.1%}</h1>"
        f"<p>{summary['covered']} of {summary['listed']} articles seen on listing pages or "
        f"sitemaps are covered; {summary['missing']} missing; {summary['unavailable']} "
        "unavailable (gone from the site or forbidden by robots.txt); "
        f"{summary['not_articles']} turned out not to be articles.</p>"
        f"<h2>Articles per month and section</h2>{chart_svg(summary)}"
        f"<h2>Table</h2><table><tr>{head}</tr>{rows}</table>"
        f"<h2>Listed but not in the output</h2><ul>{missing}</ul></body></html>\n"
    )


class CoverageReport:
    """Feeds item outcomes into the spider's coverage ledger; writes the report on close."""

    def __init__(self, crawler: Crawler, folder: Path) -> None:
        self.crawler = crawler
        self.folder = folder

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

    def _keys(self, item: Any) -> list[str]:
        spider = self.crawler.spider
        adapter = ItemAdapter(item)
        return [spider.listed_key(adapter[f]) for f in ("fetched_url", "url") if adapter.get(f)]

    def item_scraped(self, item: Any) -> None:
        ledger = getattr(self.crawler.spider, "coverage", None)
        if ledger is None:
            return
        adapter = ItemAdapter(item)
        for key in self._keys(item):
            ledger.outcome(key, "emitted", adapter.get("section"), adapter.get("published"))

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        ledger = getattr(self.crawler.spider, "coverage", None)
        if ledger is None:
            return
        reason = getattr(exception, "reason", "dropped")
        outcome = reason if reason in COVERED else f"dropped:{reason}"
        if reason.startswith("duplicate"):
            outcome = "duplicate"
        ledger.outcome(self._keys(item)[0], outcome)

    def spider_closed(self, spider: Spider) -> None:
        ledger = getattr(spider, "coverage", None)
        if ledger is None:
            return
        summary = ledger.summary()
        stats = self.crawler.stats
        for key in ("listed", "covered", "missing", "unavailable", "not_articles"):
            stats.set_value(f"coverage/{key}", summary[key])
        self.folder.mkdir(parents=True, exist_ok=True)
        base = self.folder / spider.name
        base.with_suffix(".json").write_text(
            json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
        )
        base.with_suffix(".txt").write_text(text_table(summary))
        base.with_suffix(".html").write_text(html_page(spider.name, summary))
        logger.info(
            "Coverage %.1f%% (%d missing); report: %s.{json,txt,html}",
            summary["coverage"] * 100,
            summary["missing"],
            base,
        )
