"""``scrapy crawl archive -a base_url=URL [-a site=NAME]``: any site's archive; and
``scrapy crawl archive -a urls=FILE``: the article pages of a list spanning sites, each
extracted by its host's profile (``crawler/discovery/multisite.py``;
``-a base_urls=PUBLIC=SERVED,...`` fetches some sites from copies).

With ``-a site=NAME`` the registered profile of that site extracts the pages (and
``base_url`` may point at a copy of the site); without it the generic profile does, for
the site at ``base_url``. When ``base_url`` is a copy of a site published elsewhere, give
the published address as ``-a site_url=URL`` so the copy's absolute links count as
on-site and records carry the published URLs. Every other option works as for the site
spiders.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import UsageError

from crawler.discovery.multisite import HostSites, parse_base_urls
from crawler.sites import get_profile
from crawler.sites.generic import generic_profile
from crawler.spiders.archive import ArchiveSpider, is_local_host

logger = logging.getLogger(__name__)


class GenericArchiveSpider(ArchiveSpider):
    name = "archive"
    arguments = (*ArchiveSpider.arguments, "site", "site_url", "base_urls")

    def __init__(
        self,
        *args: Any,
        site: str | None = None,
        base_url: str | None = None,
        site_url: str | None = None,
        base_urls: str | None = None,
        **kwargs: Any,
    ) -> None:
        hosts = None
        if (kwargs.get("urls") or kwargs.get("url")) and not (site or base_url or site_url):
            try:
                hosts = HostSites(parse_base_urls(base_urls))
            except ValueError as error:
                raise UsageError(str(error)) from None
        elif base_urls:
            raise UsageError("-a base_urls= goes with -a urls=FILE alone (else use -a base_url=)")
        elif site:
            try:
                self.profile = get_profile(site)
            except KeyError as error:
                raise UsageError(str(error.args[0])) from None
        elif base_url or site_url:
            if site_url and not site_url.strip().lower().startswith(("http://", "https://")):
                raise UsageError(
                    f"-a site_url: not an http(s) URL: {site_url!r}; e.g. https://www.example.org/"
                )
            self.profile = generic_profile(site_url or base_url or "")
        else:
            raise UsageError(
                "scrapy crawl archive needs -a base_url=URL (or -a site=NAME, or -a urls=FILE)"
            )
        super().__init__(*args, base_url=base_url, hosts=hosts, **kwargs)
        self.job |= {
            name: value
            for name, value in (("site", site), ("site_url", site_url), ("base_urls", base_urls))
            if value
        }
        self.copy_without_site_url = bool(
            base_url and not site_url and not site and is_local_host(self.address.served_host)
        )
        """A copy on this machine or network crawled with no published address: its
        pages' absolute links to the published site are off-site, not followed."""

    def closed(self, reason: str) -> None:
        super().closed(reason)
        if self.copy_without_site_url and not self.crawler.stats.get_value("item_scraped_count"):
            logger.warning(
                "No article found at %s. If it serves a copy of a site published elsewhere "
                "(its pages link to that site's address, off-site here), give that address "
                "as -a site_url=https://…/",
                self.address.served,
            )
