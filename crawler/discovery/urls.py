"""URL helpers: canonical form of an article URL, and the public/served address of a site.

A site is *published* at one origin (``https://eng-archive.aawsat.com``) but may be
*served* from another: a local mirror, a test server. Pages keep linking to the public
origin, so the spider maps every on-site link to the served origin before fetching, and
records keep the public URL so a record's ``url`` and ``id`` do not depend on where the
pages were fetched from.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that never change which article a URL shows.
NOISE_PARAMS = frozenset(
    {
        "replytocom",
        "share",
        "nb",
        "amp",
        "output",
        "fbclid",
        "gclid",
        "mc_cid",
        "mc_eid",
        "ref",
    }
)


def _is_noise_param(name: str) -> bool:
    return name.lower() in NOISE_PARAMS or name.lower().startswith("utm_")


def canonicalize_url(url: str) -> str:
    """Lower-case scheme and host, drop default ports, fragments and noise parameters.

    >>> canonicalize_url("HTTPS://Example.COM:443/a/b/?replytocom=12&utm_source=x#respond")
    'https://example.com/a/b/'
    >>> canonicalize_url("https://example.com/?p=4179")
    'https://example.com/?p=4179'
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host
    if port and not (scheme, port) in {("http", 80), ("https", 443)}:
        netloc = f"{host}:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, True) if not _is_noise_param(k)])
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


DEFAULT_PORTS = frozenset({80, 443})


def _origin_key(url: str) -> tuple[str, int | None]:
    """Host and non-default port, ignoring scheme and a leading ``www.``."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    return host, None if parts.port in DEFAULT_PORTS else parts.port


@dataclass(frozen=True)
class SiteAddress:
    """Where a site is published (``public``) and where this crawl fetches it (``served``)."""

    public: str
    served: str

    @classmethod
    def of(cls, public: str, served: str | None = None) -> SiteAddress:
        return cls(public=_origin(public), served=_origin(served or public))

    @property
    def served_host(self) -> str:
        return urlsplit(self.served).hostname or ""

    def is_on_site(self, url: str) -> bool:
        key = _origin_key(url)
        return key in {_origin_key(self.public), _origin_key(self.served)}

    def to_served(self, url: str) -> str:
        """The URL to fetch for a link found in a page (public or served origin)."""
        return self.served + _path_and_query(url) if self.is_on_site(url) else url

    def to_public(self, url: str) -> str:
        """The published URL of a page fetched from the served origin."""
        return self.public + _path_and_query(url) if self.is_on_site(url) else url

    def served_url(self, path: str) -> str:
        return self.served + "/" + path.lstrip("/")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return urlunsplit((parts.scheme, parts.netloc.lower(), "", "", ""))


def _path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
