"""Derive the normalized fields of a record from what the profile extracted."""

from __future__ import annotations

import hashlib
import logging
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from crawler.items import SCHEMA_VERSION
from crawler.processors import parse_date, word_count
from crawler.urls import canonicalize_url

logger = logging.getLogger(__name__)


def stable_id(site: str, url: str) -> str:
    """Same site and canonical URL, same id, on every run.

    >>> stable_id("aawsat", "https://eng-archive.aawsat.com/a/b/c/")
    'aawsat-513f42a3b25a2b00'
    """
    return f"{site}-{hashlib.sha256(url.encode()).hexdigest()[:16]}"


def content_hash(title: str | None, body: str | None) -> str:
    """Fingerprint of the article text: changes exactly when title or body change."""
    text = f"{title or ''}\n\n{body or ''}"
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def normalize_article(item: Any) -> list[str]:
    """Fill the derived fields of ``item`` in place: canonical ``url``, ISO ``published`` and
    ``modified``, ``word_count``, ``content_hash``, ``id``, ``schema_version``.

    Returns the names of the date fields whose raw value did not parse (left null).
    """
    adapter = ItemAdapter(item)
    unparsed = []
    if adapter.get("url"):
        adapter["url"] = canonicalize_url(adapter["url"])
    for field in ("published", "modified"):
        raw = adapter.get(f"{field}_raw")
        adapter[field] = parse_date(raw) if raw else None
        if raw and adapter[field] is None:
            unparsed.append(field)
    body = adapter.get("body") or ""
    adapter["word_count"] = word_count(body)
    adapter["content_hash"] = content_hash(adapter.get("title"), body)
    if adapter.get("url") and adapter.get("site"):
        adapter["id"] = stable_id(adapter["site"], adapter["url"])
    adapter["schema_version"] = SCHEMA_VERSION
    return unparsed


class NormalizeArticlePipeline:
    """Runs :func:`normalize_article` on every record.

    A raw date that does not parse leaves the ISO field null, keeps the raw value, and
    is logged and counted as ``normalize/unparsed_date/<field>``.
    """

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        for field in normalize_article(item):
            adapter = ItemAdapter(item)
            self.stats.inc_value(f"normalize/unparsed_date/{field}")
            logger.warning(
                "Unparsed %s date %r at %s", field, adapter[f"{field}_raw"], adapter.get("url")
            )
        return item
