"""Sitemaps read as search engines read them: the forms the sitemaps protocol allows and
Google accepts, and what a sitemap says of each page beyond its address.

Scrapy's own reader (``scrapy.utils.sitemap``) knows XML sitemaps and sitemap indexes,
and keeps an entry's direct children only. A crawl lost, each time without a word:

- the sites whose robots.txt writes a ``Sitemap`` line another way than Scrapy's
  (``Sitemap :``, ``site-map:``, a byte order mark before the first line), which
  Google's own parser reads (:func:`robots_sitemap_urls`);
- the sites whose sitemap is a text file of URLs, or an RSS or Atom feed, both forms the
  protocol and Google allow (:func:`read_sitemap`);
- a Google News sitemap's ``<news:publication_date>``, a page's publication date where
  its own page may show none (:attr:`SitemapEntry.published`);
- and, in a sitemap cut short (a dropped connection, a full disk), the last entry's
  half-written ``<loc>``, which was fetched as a URL: a 404, or another article than the
  one listed (``?id=1234`` cut to ``?id=12``). An entry whose element the file never
  closes is left out and counted (:attr:`SitemapReading.unfinished`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO
from urllib.parse import urljoin

from lxml import etree

from crawler.discovery.daterange import iso_day

BOM = b"\xef\xbb\xbf"

ROBOTS_SITEMAP_KEYS = frozenset({"sitemap", "site-map"})
"""The keys of a robots.txt line naming a sitemap, as Google's parser reads them (it
accepts the ``site-map`` misspelling)."""


def robots_sitemap_urls(body: bytes, base_url: str) -> list[str]:
    """The sitemap URLs a robots.txt names, in its order, as Google's robots.txt parser
    reads them: a key matched whatever its case and the spaces around it, a byte order
    mark skipped, a comment cut off, a relative URL resolved against the robots.txt's own.

    >>> robots = (BOM + b"Sitemap: https://x.org/a.xml\\n"
    ...     b"User-agent: *\\nDisallow: /wp-admin/ # the admin\\n"
    ...     b"  sitemap : /b.xml  \\r\\nSite-map:https://x.org/c.xml # news\\n"
    ...     b"Sitemap-Index: https://x.org/d.xml\\nSitemap:\\n")
    >>> robots_sitemap_urls(robots, "https://x.org/robots.txt")
    ['https://x.org/a.xml', 'https://x.org/b.xml', 'https://x.org/c.xml']
    """
    urls = []
    text = body.removeprefix(BOM).decode("utf-8", errors="replace")
    for line in text.splitlines():
        key, colon, value = line.partition("#")[0].partition(":")
        if colon and key.strip().lower() in ROBOTS_SITEMAP_KEYS and value.strip():
            urls.append(urljoin(base_url, value.strip()))
    return urls


@dataclass(frozen=True)
class SitemapEntry:
    """A page (or, in an index, a sitemap) a sitemap names."""

    loc: str
    lastmod: str | None = None
    """When the page last changed, as written (``<lastmod>``, an Atom entry's ``<updated>``)."""
    published: str | None = None
    """When the page was published, as written, where the sitemap says:
    ``<news:publication_date>`` of a Google News sitemap, a feed item's ``<pubDate>``
    (RSS), ``<dc:date>`` (RSS 1.0) or ``<published>`` (Atom)."""


URLSET, SITEMAP_INDEX, FEED, TEXT = "urlset", "sitemapindex", "feed", "text"

FEED_ROOTS = {"rss": "item", "RDF": "item", "feed": "entry"}
"""A feed's root element and its entries' elements: RSS 2.0, RSS 1.0 (RDF), Atom."""

ENTRY_ELEMENTS = {URLSET: "url", SITEMAP_INDEX: "sitemap", **FEED_ROOTS}

XML_START = re.compile(
    rb"\s*(?:<\?xml|<!--|<!DOCTYPE|<(?:[\w.-]+:)?(?:urlset|sitemapindex|rss|RDF|feed)\b)"
)
"""How an XML sitemap or feed starts, its declaration or comment or root first."""

URL_LINE = re.compile(rb"\s*https?://\S+\s*(?:\n|$)", re.IGNORECASE)
ABSOLUTE_URL = re.compile(r"https?://\S+$", re.IGNORECASE)


def local_name(tag: object) -> str:
    """An element's name without its namespace (a comment's or an entity's: empty).

    >>> local_name("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"), local_name("loc")
    ('loc', 'loc')
    """
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


@dataclass
class SitemapReading:
    """A sitemap's kind (``urlset``, ``sitemapindex``, ``feed`` or ``text``) and its
    entries, read as they are iterated."""

    kind: str
    entries: Iterator[SitemapEntry]
    cut: bool = False
    """An XML file that ends before its root element does: cut short."""
    unfinished: int = field(default=0)
    """Entries of a file cut short that it never closes, left out: their ``<loc>`` may be
    cut too. Known once :attr:`entries` is read to its end."""


def looks_like_xml(body: bytes) -> bool:
    """Whether ``body`` starts as an XML sitemap or feed does.

    >>> looks_like_xml(BOM + b'\\n <?xml version="1.0"?><urlset/>'), looks_like_xml(b"<urlset>")
    (True, True)
    >>> looks_like_xml(b"<!DOCTYPE html><html>"), looks_like_xml(b"https://x.org/a/")
    (False, False)
    """
    head = body[:1024].removeprefix(BOM)
    return bool(XML_START.match(head)) and not head.lstrip().lower().startswith(b"<!doctype html")


def is_url_list(body: bytes) -> bool:
    """Whether ``body`` is a text sitemap: its first line that is not blank a URL.

    >>> is_url_list(b"\\nhttps://x.org/a/\\nhttps://x.org/b/\\n"), is_url_list(b"<html>")
    (True, False)
    """
    return bool(URL_LINE.match(body.removeprefix(BOM).lstrip()))


def read_sitemap(body: bytes, declared_xml: bool) -> SitemapReading | str:
    """The sitemap in ``body`` (its bytes inflated), or why it is not one: ``empty``,
    ``not_xml`` (an HTML page, a PDF...), ``not_a_sitemap`` (XML of another kind, an HTML
    page at a ``.xml`` URL). ``declared_xml``: the server or the URL says XML; a body
    that starts as a sitemap is read whatever it is served as.

    >>> sitemap = read_sitemap(b"https://x.org/a/\\n\\nhttps://x.org/b/", declared_xml=False)
    >>> sitemap.kind, [entry.loc for entry in sitemap.entries]
    ('text', ['https://x.org/a/', 'https://x.org/b/'])
    >>> read_sitemap(b"<!DOCTYPE html><p>Not found</p>", declared_xml=False)
    'not_xml'
    >>> read_sitemap(b"<html><p>Not found</p></html>", declared_xml=True)
    'not_a_sitemap'
    """
    if not body.strip():
        return "empty"
    if is_url_list(body):
        return SitemapReading(TEXT, _text_entries(body))
    if not declared_xml and not looks_like_xml(body):
        return "not_xml"
    try:
        events = etree.iterparse(
            BytesIO(body),
            events=("start", "end"),
            recover=True,
            remove_comments=True,
            resolve_entities=False,
            remove_blank_text=True,
            collect_ids=False,
            remove_pis=True,
        )
        _, root = next(events)
    except (StopIteration, etree.LxmlError):
        return "not_xml"
    kind = local_name(root.tag)
    if kind not in ENTRY_ELEMENTS:
        return "not_a_sitemap"  # e.g. an HTML page at a .xml URL
    closed = closed_entries(body, root, ENTRY_ELEMENTS[kind])
    reading = SitemapReading(FEED if kind in FEED_ROOTS else kind, iter(()), closed is not None)
    reading.entries = _xml_entries(events, ENTRY_ELEMENTS[kind], closed, reading)
    return reading


def closed_entries(body: bytes, root: etree._Element, element: str) -> int | None:
    """How many ``element`` entries ``body`` closes, when it does not close its ``root``
    (a file cut short); None for a whole file. Only the end tags are counted: a cut
    file's entries are its first ones, in order.

    >>> cut = b"<urlset><url><loc>/a/</loc></url><url><loc>/b/</loc></url><url><loc>/c"
    >>> root = etree.fromstring(b"<urlset/>")
    >>> closed_entries(cut, root, "url"), closed_entries(cut + b"</loc></url></urlset>", root, "url")
    (2, None)
    """
    prefix = re.escape(root.prefix.encode()) + b":" if root.prefix else b""
    root_end = re.compile(rb"</" + prefix + re.escape(local_name(root.tag).encode()) + rb"\s*>")
    if root_end.search(body, max(0, len(body) - 4096)):
        return None
    return len(re.findall(rb"</" + prefix + re.escape(element.encode()) + rb"\s*>", body))


def _xml_entries(
    events: Iterator[tuple[str, etree._Element]],
    element: str,
    closed: int | None,
    reading: SitemapReading,
) -> Iterator[SitemapEntry]:
    read = 0
    for event, node in events:
        if event != "end" or local_name(node.tag) != element:
            continue
        read += 1
        if closed is not None and read > closed:
            reading.unfinished += 1
            continue
        entry = _feed_entry(node) if element in ("item", "entry") else _sitemap_entry(node)
        node.clear()  # a 50,000-URL sitemap is not held whole
        if entry is not None:
            yield entry


def _child(node: etree._Element, name: str) -> etree._Element | None:
    """``node``'s first child of that name, whatever its namespace."""
    return next((child for child in node if local_name(child.tag) == name), None)


def _child_text(node: etree._Element, name: str) -> str | None:
    child = _child(node, name)
    return None if child is None else (child.text or "").strip()


def _sitemap_entry(node: etree._Element) -> SitemapEntry | None:
    """A ``<url>`` or ``<sitemap>`` element's entry; None without a ``<loc>``."""
    loc = _child_text(node, "loc")
    if loc is None:
        return None
    news = _child(node, "news")
    published = _child_text(news, "publication_date") if news is not None else None
    return SitemapEntry(loc, _child_text(node, "lastmod") or None, published or None)


def _feed_entry(node: etree._Element) -> SitemapEntry | None:
    """An RSS ``<item>``'s or Atom ``<entry>``'s entry: its link (Atom: the
    ``alternate`` one, the page itself; RSS without one: its ``<guid>`` when that is
    the page's address), when it was published and updated.

    >>> item = etree.fromstring("<item><link/><guid>https://x.org/a/</guid>"
    ...     "<pubDate>Tue, 15 Nov 2016 09:30:00 GMT</pubDate></item>")
    >>> _feed_entry(item)
    SitemapEntry(loc='https://x.org/a/', lastmod=None, published='Tue, 15 Nov 2016 09:30:00 GMT')
    >>> _feed_entry(etree.fromstring("<item><guid isPermaLink='false'>https://x.org/a/</guid></item>"))
    """
    loc = _child_text(node, "link")
    if not loc:
        links = [child for child in node if local_name(child.tag) == "link"]
        alternate = [link for link in links if link.get("rel", "alternate") == "alternate"]
        loc = next((link.get("href") for link in alternate if link.get("href")), None)
    guid = _child(node, "guid")
    if not loc and guid is not None and guid.get("isPermaLink", "true") != "false":
        text = (guid.text or "").strip()
        loc = text if ABSOLUTE_URL.match(text) else None
    if not loc:
        return None
    published = next(
        (text for name in ("pubDate", "published", "date") if (text := _child_text(node, name))),
        None,
    )
    return SitemapEntry(loc, _child_text(node, "updated") or None, published)


def _text_entries(body: bytes) -> Iterator[SitemapEntry]:
    """A text sitemap's URLs, one a line (UTF-8, as the protocol says); a line that is no
    absolute URL (a comment, a title) is none."""
    for line in body.removeprefix(BOM).decode("utf-8", errors="replace").splitlines():
        if ABSOLUTE_URL.match(line.strip()):
            yield SitemapEntry(line.strip())


W3C_DAY = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")
MONTH_NAME = re.compile(r"[A-Za-z]{3}")


def sitemap_day(value: str | None) -> date | None:
    """The day a sitemap's date names, where it names one for sure: the protocol's W3C
    Datetime (``2016-05-12``, ``2016-05-12T10:00+03:00``), or a feed's RFC 822 date with
    its month named. A date written another way (``05/12/2016``: May 12 or December 5?)
    names none, and decides nothing: no entry is skipped on a guess.

    >>> sitemap_day("2016-05-12T10:00+03:00"), sitemap_day("Tue, 10 Jun 2003 04:00:00 GMT")
    (datetime.date(2016, 5, 12), datetime.date(2003, 6, 10))
    >>> sitemap_day("05/12/2016"), sitemap_day("2016-13-45"), sitemap_day(None)
    (None, None, None)
    """
    if not value:
        return None
    found = W3C_DAY.match(value)
    if found:
        try:
            return date(*map(int, found.groups()))
        except ValueError:
            return None
    return iso_day(value) if MONTH_NAME.search(value) else None
