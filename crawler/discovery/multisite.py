"""``scrapy crawl archive -a urls=FILE`` with no ``base_url``: a URL list spanning sites.

Each URL belongs to the site at its origin (scheme, host and port; ``www.`` aside). That
site's pages are extracted by the profile registered for the host (``crawler/sites``),
else by the generic profile; records carry the profile's name as ``site``, or, for a
generic host, the host itself as a name (``levantreview_example``), so ids and reports
tell the sites apart. ``-a base_urls=PUBLIC=SERVED,...`` fetches some of the sites from
copies, as ``base_url`` does for one site: the list may name either address, and records
keep the public one.

Robots.txt and politeness are per host already (Scrapy reads each host's robots.txt and
keeps a download slot per host); each request carries its site's address in
``meta["site_address"]``, so the off-site guard (``crawler/runtime/middlewares.py``) refuses a
redirect from one site to another.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import lru_cache

from crawler.discovery.urls import (
    URL_CACHE_SIZE,
    SiteAddress,
    canonicalize_url,
    origin,
    origin_key,
)
from crawler.sites import PROFILES, SiteProfile
from crawler.sites.generic import GENERIC_PROFILE_NAME, generic_profile


@dataclass(frozen=True)
class Site:
    """One site of a URL list: what its records are called, where it is, who reads it."""

    name: str
    address: SiteAddress
    profile: SiteProfile


def site_name(public_origin: str) -> str:
    """A ``site`` value for a host no profile knows: its host (and port) as a name.

    >>> site_name("https://www.LevantReview.example")
    'levantreview_example'
    >>> site_name("http://127.0.0.1:8001"), site_name("https://أخبار.مصر")
    ('127_0_0_1_8001', 'xn_igbicxr_xn_wgbh1c')
    """
    host, port = origin_key(public_origin)
    return re.sub(r"[^a-z0-9]+", "_", f"{host}_{port}" if port else host).strip("_")


def parse_base_urls(text: str | None) -> dict[str, str]:
    """``PUBLIC=SERVED`` pairs, comma-separated, as public origin → served origin.

    >>> parse_base_urls("https://a.example=http://127.0.0.1:8001/")
    {'https://a.example': 'http://127.0.0.1:8001'}
    """
    pairs: dict[str, str] = {}
    for pair in filter(None, (part.strip() for part in (text or "").split(","))):
        public, equals, served = pair.partition("=")
        if not equals:
            raise ValueError(f"-a base_urls: expected PUBLIC=SERVED, got {pair!r}")
        pairs[origin(public)] = origin(served)
    return pairs


def site_at(address: SiteAddress, profile: SiteProfile) -> Site:
    """The site ``profile`` reads at ``address``, named by its profile, or by its host when
    no profile knows it (the generic profile's): every site the generic profile reads had
    the ``site`` "generic", and an article crawled from a list of sites another ``site`` and
    ``id`` than the same article crawled from its site.

    >>> site_at(SiteAddress.of("https://levantreview.example"),
    ...     generic_profile("https://levantreview.example")).name
    'levantreview_example'
    """
    if profile.name == GENERIC_PROFILE_NAME:
        return Site(site_name(address.public), address, profile)
    return Site(profile.name, address, profile)


class HostSites:
    """The site of each URL of a multi-site list, found by its origin."""

    def __init__(self, base_urls: dict[str, str] | None = None) -> None:
        self.addresses = [SiteAddress.of(p, s) for p, s in (base_urls or {}).items()]
        self.registered = {origin_key(p.public_origin): p for p in PROFILES.values()}

    @lru_cache(maxsize=1024)  # noqa: B019 (one instance per crawl, kept as long as it)
    def site_of(self, url: str) -> Site:
        address = next((a for a in self.addresses if a.is_on_site(url)), None) or SiteAddress.of(
            origin(url)
        )
        profile = self.registered.get(origin_key(address.public))
        return site_at(address, profile or generic_profile(address.public))


@lru_cache(maxsize=URL_CACHE_SIZE)
def served_key(address: SiteAddress, url: str) -> str:
    """Canonical form of the URL to fetch for ``url``."""
    return canonicalize_url(address.to_served(url))


@lru_cache(maxsize=URL_CACHE_SIZE)
def public_key(address: SiteAddress, url: str) -> str:
    """Canonical form of the published URL of ``url``: one string object for equal keys
    (``sys.intern``), as the coverage ledger, the listing dates and the duplicate check
    each keep every article's, for the whole crawl."""
    return sys.intern(canonicalize_url(address.to_public(url)))


@dataclass(frozen=True)
class CrawlSites:
    """The sites a crawl covers: its one ``site``, or with ``hosts`` (a URL list spanning
    sites) the site of each URL's host; and the forms of a URL on them.

    >>> copy = SiteAddress.of("https://x.example", "http://127.0.0.1:8000/")
    >>> sites = CrawlSites(Site("x", copy, generic_profile("https://x.example")))
    >>> sites.listed_key("http://127.0.0.1:8000/a/b/?utm_source=feed")
    'https://x.example/a/b/'
    >>> sites.to_public("http://127.0.0.1:8000/a/b/")
    'https://x.example/a/b/'
    """

    site: Site | None = None
    hosts: HostSites | None = None

    def site_of(self, url: str) -> Site:
        """The site ``url`` belongs to."""
        if self.hosts is not None:
            return self.hosts.site_of(url)
        assert self.site is not None, "a crawl covers one site or a list of hosts"
        return self.site

    def to_public(self, url: str) -> str:
        """The published URL of a page fetched from ``url``."""
        return self.site_of(url).address.to_public(url)

    def listed_key(self, url: str) -> str:
        """The coverage ledger's key for a URL: canonical and public."""
        return public_key(self.site_of(url).address, url)

    def served_key(self, url: str) -> str:
        """Canonical form of the URL to fetch for ``url``."""
        return served_key(self.site_of(url).address, url)
