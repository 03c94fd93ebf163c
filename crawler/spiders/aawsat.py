"""``scrapy crawl aawsat``: the Asharq Al-Awsat English Archive 2005-2017."""

from __future__ import annotations

from crawler.sites.aawsat import PROFILE
from crawler.spiders.archive import ArchiveSpider


class AawsatSpider(ArchiveSpider):
    name = PROFILE.name
    profile = PROFILE
