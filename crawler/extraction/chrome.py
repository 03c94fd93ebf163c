"""A page's sidebar, parsed once for all the pages that repeat it.

A news archive prints the same sidebar on every page. On the realistic benchmark archive,
Divi's sidebar (a monthly Archives widget of 150 months, a tag cloud, the authors and
the categories) is 417 of a page's 577 elements and half its bytes, and the parse built
it again for every article, although no part of an article is in it. A profile names
the bytes its sidebar starts and ends with (``ParsedPage.chrome_block``); each page is
then parsed without it, a placeholder element (:data:`PLACEHOLDER_TAG`) where it was, and
the sidebar's own bytes are looked up among those already parsed in this process
(:class:`ChromeCache`): parsed only when new, as a tree of its own (:class:`Chrome`).

The page's link targets are the same list, in the same order (the sidebar's spliced in at
the placeholder). A sidebar that holds anything a profile reads besides links (an
``<article>``, a heading, metadata: :data:`ARTICLE_PARTS`) is not cut out: those pages
are parsed whole, as is any page where the block is not found, starts inside a comment
or a script. (A page nested past libxml2's depth limit loses what follows the limit, the
sidebar with it, whether it is parsed whole or cut: without a placeholder in the tree, no
sidebar link is spliced in.) Measured on the realistic archive's pages
(``python -m bench.extract``): the parse stage 0.90 → 0.53 ms.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from crawler.extraction.parsing import parse_html

PLACEHOLDER_TAG = "chrome-block"
"""The element left in the page where its sidebar was cut out."""
PLACEHOLDER = f"<{PLACEHOLDER_TAG}></{PLACEHOLDER_TAG}>".encode()
CHROME_CACHE_SIZE = 16
"""Distinct sidebars kept parsed: a site shows one per theme generation or so; a sidebar
that changes from page to page (a "recent posts" list on a live site) only ever misses."""
KEY_BYTES = 256
"""The last bytes of a sidebar that, with its length, are its key in the cache."""
ARTICLE_PARTS = etree.XPath(
    "boolean(//article | //h1 | //meta | //time | //title"
    " | //link[@rel = 'canonical' or @rel = 'shortlink']"
    " | //script[@type='application/ld+json'] | //*[@itemprop] | //*[@itemscope]"
    " | //*[contains(@class, 'entry-content') or contains(@class, 'entry-title')"
    " or contains(@class, 'post-meta') or contains(@class, 'et_pb_post')"
    " or contains(@class, 'et_pb_text')])"
)
"""What a profile may read on a page besides its links: a sidebar that holds any of it
stays in the page."""
LINK_HREFS = etree.XPath("//a/@href", smart_strings=False)
"""Every link target of a page, as plain strings: what ``response.xpath("//a/@href")
.getall()`` returns, without a ``Selector`` per link."""


@dataclass(frozen=True, eq=False)
class Chrome:
    """A sidebar cut out of pages: its tree and its link targets (its bytes are the
    cache's key)."""

    root: etree._Element
    """Its own tree (lxml wraps it in ``<html><body>``), for the profile's queries of it."""
    hrefs: list[str]
    """Its ``<a href>`` values in page order, as ``//a/@href`` gives them."""
    _found: dict[tuple[etree.XPath, tuple[tuple[str, str], ...]], Any] = field(
        default_factory=dict, repr=False
    )

    def found(self, query: etree.XPath, **variables: str) -> Any:
        """``query(root, **variables)``, run once for each query and variables: the
        sidebar's answer is every page's that repeats it (a term's links, for its name,
        on each page that names it nowhere else: 0.1 ms a page)."""
        key = (query, tuple(sorted(variables.items())))
        try:
            return self._found[key]
        except KeyError:
            answer = self._found[key] = query(self.root, **variables)
            return answer


class ChromeCache:
    """The sidebars parsed in this process, the most recently used :data:`CHROME_CACHE_SIZE`;
    None kept for one that holds :data:`ARTICLE_PARTS`. Looked up by length and last
    bytes (a checksum of the whole costs more than the compare), then compared byte for
    byte: two sidebars that share both only take each other's place."""

    def __init__(self, size: int = CHROME_CACHE_SIZE) -> None:
        self.size = size
        self._chromes: OrderedDict[tuple[int, bytes], tuple[bytes, Chrome | None]] = OrderedDict()
        self.parsed = 0
        """Sidebars parsed so far (the misses)."""

    def get(self, markup: bytes, base_url: str) -> Chrome | None:
        """The parsed sidebar of these bytes, or None when it must stay in its page."""
        key = (len(markup), markup[-KEY_BYTES:])
        found = self._chromes.get(key)
        if found is not None and found[0] == markup:
            self._chromes.move_to_end(key)
            return found[1]
        root = parse_html(markup, base_url)
        chrome = None if ARTICLE_PARTS(root) else Chrome(root, LINK_HREFS(root))
        self.parsed += 1
        self._chromes[key] = (markup, chrome)
        if len(self._chromes) > self.size:
            self._chromes.popitem(last=False)
        return chrome


CHROMES = ChromeCache()


def chrome_span(markup: bytes, block: tuple[bytes, bytes]) -> tuple[int, int] | None:
    """Where the sidebar that starts with ``block[0]`` and ends with ``block[1]`` lies in
    ``markup``; None when it is not there, or starts inside a comment or a script (where
    the parser would not see it as markup).

    >>> block = (b'<div id="sidebar"', b"<!-- end #sidebar -->")
    >>> chrome_span(b'<p>a</p><div id="sidebar">x</div><!-- end #sidebar --><p>b</p>', block)
    (8, 54)
    >>> chrome_span(b'<!-- <div id="sidebar"> --><div id="sidebar"><!-- end #sidebar -->', block)
    >>> chrome_span(b'<div id="sidebar">no end', block)
    """
    start = markup.find(block[0])
    if start < 0:
        return None
    end = markup.find(block[1], start + len(block[0]))
    if end < 0:
        return None
    for opening, closing in ((b"<!--", b"-->"), (b"<script", b"</script")):
        if markup.rfind(opening, 0, start) > markup.rfind(closing, 0, start):
            return None
    return start, end + len(block[1])


def parse_without_chrome(
    markup: bytes, base_url: str, block: tuple[bytes, bytes], cache: ChromeCache = CHROMES
) -> tuple[etree._Element, Chrome] | None:
    """The tree of ``markup`` (UTF-8) with its sidebar cut out, and the sidebar; None when
    the page is to be parsed whole (:func:`chrome_span`, :meth:`ChromeCache.get`).

    >>> block = (b'<div id="sidebar"', b"<!-- end #sidebar -->")
    >>> page = (b'<body><a href="/a">A</a><div id="sidebar"><a href="/s">S</a></div>'
    ...     b'<!-- end #sidebar --><a href="/b">B</a></body>')
    >>> root, chrome = parse_without_chrome(page, "https://x.org/", block)
    >>> [e.tag for e in root.iter("a", PLACEHOLDER_TAG)], chrome.hrefs
    (['a', 'chrome-block', 'a'], ['/s'])
    >>> spliced_hrefs(root, chrome)
    ['/a', '/s', '/b']
    """
    span = chrome_span(markup, block)
    if span is None:
        return None
    start, end = span
    chrome = cache.get(markup[start:end], base_url)
    if chrome is None:
        return None
    return parse_html(markup[:start] + PLACEHOLDER + markup[end:], base_url), chrome


def spliced_hrefs(root: etree._Element, chrome: Chrome) -> list[str]:
    """The ``<a href>`` values of the page ``root`` was cut from, in page order: the
    sidebar's at its placeholder."""
    hrefs: list[str] = []
    for element in root.iter("a", PLACEHOLDER_TAG):
        if element.tag == PLACEHOLDER_TAG:
            hrefs += chrome.hrefs
        else:
            href = element.get("href")
            if href is not None:
                hrefs.append(href)
    return hrefs
