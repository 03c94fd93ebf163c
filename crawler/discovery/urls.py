"""URL helpers: canonical form of an article URL, and the public/served address of a site.

A site is *published* at one origin (``https://eng-archive.aawsat.com``) but may be
*served* from another: a local mirror, a test server. Pages keep linking to the public
origin, so the spider maps every on-site link to the served origin before fetching, and
records keep the public URL so a record's ``url`` and ``id`` do not depend on where the
pages were fetched from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that never change which article a URL shows: comment replies, share
# buttons, views, and the tracking parameters of newsletters, ads, social sites and the
# sites' own links to their stories (wired.com's itm_campaign, cbsnews.com's intcid,
# cbssports.com's ftag, French sites' xtor, the New York Times' smid).
NOISE_PARAMS = frozenset(
    {
        "replytocom",
        "share",
        "nb",
        "amp",
        "output",
        "ref",
        "rssfeed",
        # click ids
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "_ga",
        "_gl",
        # campaign ids
        "mc_cid",
        "mc_eid",
        "mkt_tok",
        "cmpid",
        "icid",
        "intcid",
        "intcmp",
        "ncid",
        "ocid",
        "xtor",
        "smid",
        "smtyp",
        "ftag",
        "ttag",
        "pk_campaign",
        "pk_kwd",
    }
)
NOISE_PREFIXES = ("utm_", "itm_", "mtm_")
"""Campaign parameters of Google Analytics, of sites' own story links, and of Matomo."""
# Session ids that PHP, Java servlets, ASP, ColdFusion and shop systems put in links: a
# new value on every view makes every page a new URL (a spider trap).
SESSION_PARAMS = frozenset(
    {
        "phpsessid",
        "jsessionid",
        "sessionid",
        "session_id",
        "sessid",
        "aspsessionid",
        "cfid",
        "cftoken",
        "zenid",
        "oscsid",
    }
)
_SESSION_PATH_PARAM = re.compile(r";(?:jsessionid|phpsessid|sessionid|sid)=[^/;?#]*", re.IGNORECASE)
"""A session id in a path segment (``/a/;jsessionid=ABC``), as servlet containers add."""


SESSION_TOKEN = re.compile(r"[0-9A-Za-z]{20,}")
"""A session id's value: 20 letters and digits or more (phpBB's ``sid``: 32 hex digits)."""


def is_session_token(name: str, value: str) -> bool:
    """Whether a ``sid`` parameter holds a session id (:data:`SESSION_TOKEN`): phpBB and
    many PHP sites put one in every link, new on every view, a spider trap that lost
    two thirds of a site's stories. A ``sid`` that names a story (Slash's
    ``?sid=05/12/01/123``, a number) is kept.

    >>> is_session_token("sid", "8f14e45fceea167a5a36dedd4bea2543"), is_session_token("SID", "12")
    (True, False)
    >>> is_session_token("sid", "05/12/01/1234213"), is_session_token("id", "8f14e45fceea167a5a36")
    (False, False)
    """
    return name.lower() == "sid" and SESSION_TOKEN.fullmatch(value) is not None


def _is_noise_param(name: str, value: str = "") -> bool:
    lowered = name.lower()
    return (
        lowered in NOISE_PARAMS
        or lowered in SESSION_PARAMS
        or lowered.startswith(NOISE_PREFIXES)
        or is_session_token(lowered, value)
    )


def stripped_noise(url: str) -> tuple[str, ...]:
    """What :func:`canonicalize_url` drops from ``url`` besides its fragment: ``session_id``
    and/or ``tracking`` (any other noise parameter), for counting.

    >>> stripped_noise("https://x.org/a/;jsessionid=F00?utm_source=y&id=3")
    ('session_id', 'tracking')
    >>> stripped_noise("https://x.org/a/?PHPSESSID=1"), stripped_noise("https://x.org/a/?p=2")
    (('session_id',), ())
    >>> stripped_noise("https://x.org/a/?sid=8f14e45fceea167a5a36dedd4bea2543")
    ('session_id',)
    """
    parts = urlsplit(url)
    pairs = [(name.lower(), value) for name, value in parse_qsl(parts.query, True)]
    session = _SESSION_PATH_PARAM.search(parts.path) or any(
        n in SESSION_PARAMS or is_session_token(n, v) for n, v in pairs
    )
    tracking = any(_is_noise_param(n) and n not in SESSION_PARAMS for n, _ in pairs)
    return ("session_id",) * bool(session) + ("tracking",) * tracking


DEFAULT_PORTS = frozenset({80, 443})
SCHEME_PORTS = {"http": 80, "https": 443}


_PLAIN_URL = re.compile(
    r"(?P<scheme>https?)://[a-z0-9.-]+(?::(?P<port>[1-9][0-9]{0,4}))?/[^?#;\s]*"
)
"""An http(s) URL with a lower-case host, a path and nothing else that
:func:`canonicalize_url` could change: no query, fragment, ``;`` or white space."""


def _is_canonical(url: str) -> bool:
    """Whether :func:`canonicalize_url` returns ``url`` as it is, known without taking the
    URL apart: most URLs a crawl meets are already canonical, and taking one apart and
    putting it together again costs ten times this check. A port is kept unless it is
    the scheme's default (or not a port at all); anything else takes the long way.

    >>> _is_canonical("https://x.org/a/b/"), _is_canonical("http://127.0.0.1:8000/a/")
    (True, True)
    >>> _is_canonical("https://x.org:443/a/"), _is_canonical("https://X.org/a/")
    (False, False)
    >>> _is_canonical("https://x.org/a/?p=2"), _is_canonical("https://x.org")
    (False, False)
    """
    match = _PLAIN_URL.fullmatch(url)
    if match is None:
        return False
    port = match["port"]
    return port is None or (int(port) <= 65535 and SCHEME_PORTS[match["scheme"]] != int(port))


def canonicalize_url(url: str) -> str:
    """Lower-case scheme and host, drop default ports, fragments, session ids and noise
    parameters.

    >>> canonicalize_url("HTTPS://Example.COM:443/a/b/?replytocom=12&utm_source=x#respond")
    'https://example.com/a/b/'
    >>> canonicalize_url("https://example.com/a/;jsessionid=0AF3?PHPSESSID=9&page=2")
    'https://example.com/a/?page=2'
    >>> canonicalize_url("https://example.com/?p=4179")
    'https://example.com/?p=4179'
    >>> canonicalize_url("https://example.com/story/a/?itm_campaign=BottomRelatedStories")
    'https://example.com/story/a/'
    >>> canonicalize_url("https://example.com/news/?sid=8f14e45fceea167a5a36dedd4bea2543")
    'https://example.com/news/'
    """
    return url if _is_canonical(url) else _canonical_form(url)


def ascii_host(host: str) -> str:
    """A host name in ASCII, as DNS and HTTP know it: an internationalized one in its
    IDNA form (``xn--``), as Scrapy requests it. The same site, listed once as
    ``müller.example`` and once as ``xn--mller-kva.example``, had two URLs and two ids for
    each story, and an Arabic or Chinese host name no ``site`` at all (every record dropped).

    >>> ascii_host("müller.example"), ascii_host("أخبار.مصر"), ascii_host("x.org")
    ('xn--mller-kva.example', 'xn--igbicxr.xn--wgbh1c', 'x.org')
    """
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:  # not a name IDNA can write: left as it is
        return host


def _canonical_form(url: str) -> str:
    """:func:`canonicalize_url` the long way: the URL taken apart and put together again."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = ascii_host((parts.hostname or "").lower())
    port = parts.port
    netloc = host
    if port and not (scheme, port) in {("http", 80), ("https", 443)}:
        netloc = f"{host}:{port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, True) if not _is_noise_param(k, v)]
    )
    path = _SESSION_PATH_PARAM.sub("", parts.path) if ";" in parts.path else parts.path
    return urlunsplit((scheme, netloc, path or "/", query, ""))


URL_CACHE_SIZE = 4096
"""URLs whose forms (served, public, on the site or not) are kept: every page repeats the
site's menus and sidebars, so a few thousand links recur on every page; bounded, so memory
does not grow with the archive."""


class RecentUrls:
    """A bounded set of URLs: every URL added or found since ``size`` URLs ago is kept, at
    most ``2 * size`` in all.

    Two generations instead of a least-recently-used order: a URL is looked up in a plain
    set, with no bookkeeping on a hit. When ``size`` URLs have been added since the last
    turn, the current set becomes the previous one and a new one starts; a URL found in
    the previous set moves back into the current one, and what was not found again by the
    next turn is dropped.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._current: set[str] = set()
        self._previous: set[str] = set()

    def add(self, url: str) -> None:
        if len(self._current) >= self.size:
            self._previous, self._current = self._current, set()
        self._current.add(url)

    def __contains__(self, url: object) -> bool:
        return url in self._current or self._found_again(url)

    def _found_again(self, url: object) -> bool:
        if url not in self._previous:
            return False
        self._previous.discard(url)
        self.add(url)
        return True


def _strict_origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host (without a leading ``www.``) and port (the scheme's default if none)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or SCHEME_PORTS.get(scheme)
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower().removeprefix("www."), port


def same_origin(url: str, origin: str) -> bool:
    """Whether ``url`` is at ``origin``: same scheme, host and port (a leading ``www.`` aside).
    The one change allowed is an upgrade from ``http`` to ``https`` on default ports, as a
    site that moved to HTTPS redirects.

    >>> same_origin("http://127.0.0.1:8000/a/", "http://127.0.0.1:8000")
    True
    >>> same_origin("http://127.0.0.1:8001/a/", "http://127.0.0.1:8000")
    False
    >>> same_origin("https://www.x.org/a/", "http://x.org"), same_origin("http://x.org/", "https://x.org")
    (True, False)
    """
    scheme, host, port = _strict_origin(url)
    allowed_scheme, allowed_host, allowed_port = _strict_origin(origin)
    if host != allowed_host or port is None:
        return False
    if (scheme, port) == (allowed_scheme, allowed_port):
        return True
    return (allowed_scheme, allowed_port, scheme, port) == ("http", 80, "https", 443)


def origin_key(url: str) -> tuple[str, int | None]:
    """Host and non-default port, ignoring scheme and a leading ``www.``."""
    parts = urlsplit(url)
    host = ascii_host((parts.hostname or "").lower()).removeprefix("www.")
    return host, None if parts.port in DEFAULT_PORTS else parts.port


@dataclass(frozen=True)
class SiteAddress:
    """Where a site is published (``public``) and where this crawl fetches it (``served``)."""

    public: str
    served: str

    @classmethod
    def of(cls, public: str, served: str | None = None) -> SiteAddress:
        return cls(public=origin(public), served=origin(served or public))

    @property
    def served_host(self) -> str:
        return urlsplit(self.served).hostname or ""

    @cached_property
    def _origin_keys(self) -> frozenset[tuple[str, int | None]]:
        return frozenset({origin_key(self.public), origin_key(self.served)})

    @cached_property
    def _prefixes(self) -> tuple[str, str]:
        """A URL that starts with one of these has the host and port of that origin."""
        return self.public + "/", self.served + "/"

    def is_on_site(self, url: str) -> bool:
        """Whether ``url`` has the host and port of either origin (scheme and ``www.``
        aside). Most URLs asked about start with one of the origins themselves: they are
        on the site without being taken apart.

        >>> copy = SiteAddress.of("https://x.example", "http://127.0.0.1:8000")
        >>> copy.is_on_site("http://127.0.0.1:8000/a/"), copy.is_on_site("http://www.x.example")
        (True, True)
        >>> copy.is_on_site("https://x.example.org/"), copy.is_on_site("http://127.0.0.1:8001/")
        (False, False)
        """
        keys = self._origin_keys  # first: an address that is not one raises, as it did
        return url.startswith(self._prefixes) or origin_key(url) in keys

    def to_served(self, url: str) -> str:
        """The URL to fetch for a link found in a page (public or served origin)."""
        return self.served + self._tail(url) if self.is_on_site(url) else url

    def to_public(self, url: str) -> str:
        """The published URL of a page fetched from the served origin."""
        return self.public + self._tail(url) if self.is_on_site(url) else url

    def _tail(self, url: str) -> str:
        """:func:`_path_and_query` of an on-site ``url``; for one that starts with either
        origin, what follows it when that needs no cleaning, without taking it apart.

        >>> copy = SiteAddress.of("https://x.example", "http://127.0.0.1:8000")
        >>> copy._tail("http://127.0.0.1:8000/a/?p=2"), copy._tail("https://x.example/a/?")
        ('/a/?p=2', '/a/')
        """
        for prefix in self._prefixes:
            if url.startswith(prefix) and _is_plain_tail(tail := url[len(prefix) - 1 :]):
                return tail
        return _path_and_query(url)

    def served_url(self, path: str) -> str:
        return self.served + "/" + path.lstrip("/")


def origin(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return urlunsplit((parts.scheme, parts.netloc.lower(), "", "", ""))


def _path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))


def _is_plain_tail(tail: str) -> bool:
    """Whether :func:`_path_and_query` gives back ``tail`` (a path, query and fragment) as
    it is: it starts with one ``/`` (Python versions put back a ``//`` differently), has
    no tab or line break (``urlsplit`` drops them; any character that is not printable
    takes the long way), and no empty query or fragment (whose ``?`` or ``#`` is dropped).

    >>> _is_plain_tail("/a/b/?p=2#c"), _is_plain_tail("/a/?"), _is_plain_tail("/a?#c")
    (True, False, False)
    >>> _is_plain_tail("//a/"), _is_plain_tail("/a\\tb/")
    (False, False)
    """
    return (
        tail[:1] == "/"
        and tail[1:2] != "/"
        and tail.isprintable()
        and not tail.endswith(("?", "#"))
        and "?#" not in tail
    )
