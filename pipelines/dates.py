"""Where the publication date came from, and a date from the listings when the page has none."""

from __future__ import annotations

from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler

from crawler.discovery.dates import date_record
from crawler.reporting import stats_keys
from crawler.runtime.run import ArchiveRun


class ListingDatePipeline:
    """Sets ``published_source`` and ``published_precision``. A record whose page gave no
    date takes the date a listing printed beside the post, else the month of a month
    archive that lists it, from what the crawl has read so far (the rest is joined when the
    crawl ends, ``crawler/discovery/dates.py``); counted as ``dates/from_<source>``, and
    ``dates/undated`` when there is none yet. With ``JOBDIR``, the dates the crawl knows
    are on disk before the record is written."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.run = ArchiveRun.of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        sites = self.run.sites
        adapter = ItemAdapter(item)
        # Made only if the record needs a listing's date: most pages give their own.
        keys = (
            sites.listed_key(adapter[f])
            for f in ("url", "fetched_url")
            if sites is not None and adapter.get(f)
        )
        # Read per item: a distributed crawl swaps in a shared ledger when it opens.
        source = date_record(item, self.run.dates, keys)
        self.run.dates.sync()  # the dates known when the record is written reach the disk first
        assert self.crawler.stats is not None
        if source is not None:
            self.crawler.stats.inc_value(f"{stats_keys.DATES_FROM}{source}")
        elif not adapter.get("published"):
            self.crawler.stats.inc_value(stats_keys.DATES_UNDATED)
        return item
