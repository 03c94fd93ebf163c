"""The state of one archive crawl, in one typed object the crawler owns.

The spider parses its ``-a`` arguments into an :class:`ArchiveRun` when Scrapy makes it
(``ArchiveSpider.from_crawler``); every pipeline, middleware and extension then gets the
same run with ``ArchiveRun.of(crawler)`` in its own ``from_crawler``, and never reads
attributes of the spider. What the run holds, and who writes it:

============================  ===========================================================
``sites``                     the site and its addresses (``-a base_url``), or the sites
                              of a URL list spanning sites: the spider
``date_range``                ``-a since`` / ``-a until``: the spider
``article_state``             the incremental state store (``-a state=PATH``): the spider
``allowed_origins``           the origins requests may go to (the host guard reads them)
``coverage``                  the coverage ledger: the spider, the coverage report, resume
``dates``                     the listing dates (``crawler/discovery/dates.py``): the
                              spider; a distributed crawl shares it through Redis
``written``                   what the output of earlier runs holds: the resume extension
``faults``                    the fault log: the middlewares and the spider
============================  ===========================================================

A crawl whose spider is not an archive spider gets a run with no ``sites``: the
components that need a site then leave the item or request alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from scrapy.crawler import Crawler

from crawler.discovery.daterange import DateRange
from crawler.discovery.dates import DateLedger
from crawler.discovery.multisite import CrawlSites
from crawler.reporting.ledger import CoverageLedger
from crawler.runtime.faults import FaultLog
from crawler.runtime.incremental import ArticleState
from crawler.runtime.written import WrittenArticles

_RUNS: WeakKeyDictionary[Crawler, ArchiveRun] = WeakKeyDictionary()
"""Each crawler's run, gone with the crawler."""


@dataclass(eq=False)
class ArchiveRun:
    """What one crawl knows about its site and its progress (see the module docstring)."""

    faults: FaultLog
    sites: CrawlSites | None = None
    date_range: DateRange = field(default_factory=DateRange)
    article_state: ArticleState | None = None
    allowed_origins: list[str] | None = None
    """``scheme://host[:port]`` a request may go to; None: any of the spider's
    ``allowed_domains``, or for a multi-site list, the site each request names."""
    coverage: CoverageLedger = field(default_factory=CoverageLedger)
    dates: DateLedger = field(default_factory=DateLedger)
    written: WrittenArticles = field(default_factory=WrittenArticles)
    home_moved_to: str | None = None
    """Where the site's home page redirects, when that is another site (refused)."""

    @classmethod
    def start(
        cls,
        crawler: Crawler,
        sites: CrawlSites,
        date_range: DateRange,
        article_state: ArticleState | None = None,
        allowed_origins: list[str] | None = None,
    ) -> ArchiveRun:
        """The run of an archive spider's crawl, made once, when Scrapy makes the spider
        (before any other component asks for it)."""
        if crawler in _RUNS:
            raise RuntimeError("the crawl's run was made before its spider")
        run = _RUNS[crawler] = cls(
            FaultLog(crawler),
            sites=sites,
            date_range=date_range,
            article_state=article_state,
            allowed_origins=allowed_origins,
        )
        return run

    @classmethod
    def of(cls, crawler: Crawler) -> ArchiveRun:
        """The crawler's run; one with no sites when its spider did not make one."""
        run = _RUNS.get(crawler)
        if run is None:
            run = _RUNS[crawler] = cls(FaultLog(crawler))
        return run
