"""Site suffixes no single page names: a title segment repeated across a site's pages."""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from typing import Any, NamedTuple, Self
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from crawler.reporting import stats_keys

logger = logging.getLogger(__name__)

# "Headline | Sport", "Headline – Section Name": a separator with spaces around it, then a
# short segment free of separators. "Covid-19" or "Fact Check: …" have no spaced separator.
_TRAILING_SEGMENT = re.compile(
    r"^(?P<headline>\S.*?)\s+[|\-\u2013\u2014\u00b7\u2022/»]\s+"
    r"(?P<segment>[^|\-\u2013\u2014\u00b7\u2022/»]{2,40})$"
)
REPEATS = 2
"""Different pages of one site that must end with a segment before it counts as the site's."""


class TitleSplit(NamedTuple):
    headline: str
    segment: str


def trailing_segment(title: str | None) -> TitleSplit | None:
    """The title's last `` <separator> segment``, when what is left is a headline.

    >>> trailing_segment("Why jazz matters | Sport")
    TitleSplit(headline='Why jazz matters', segment='Sport')
    >>> trailing_segment("Covid-19 cases rise"), trailing_segment("Sport | News")
    (None, None)
    """
    match = _TRAILING_SEGMENT.match(title or "")
    if match is None or len(match["headline"].split()) < 3:
        return None
    return TitleSplit(match["headline"].strip(), match["segment"].strip())


class SiteTitleSuffixPipeline:
    """Removes a trailing title segment ("… | Sport") once :data:`REPEATS` different pages
    of the same host have ended with it: a suffix the site adds that no page names as its
    own (the profile already strips the site names a page gives). Titles of the pages
    before it repeats keep it. Counted as ``title/site_suffix_removed``.
    """

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats
        self.headlines: defaultdict[tuple[str, str], set[str]] = defaultdict(set)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        split = trailing_segment(adapter.get("title"))
        if split is None:
            return item
        key = (urlsplit(adapter.get("url") or "").hostname or "", split.segment.casefold())
        seen = self.headlines[key]
        if len(seen) < REPEATS:
            seen.add(split.headline)
        if len(seen) >= REPEATS:
            adapter["title"] = split.headline
            self.stats.inc_value(stats_keys.TITLE_SITE_SUFFIX_REMOVED)
        return item
