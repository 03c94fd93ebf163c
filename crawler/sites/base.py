"""What a site profile is: URL rules for the spider, a page object for extraction.

Profiles hold no host names in their rules: the spider derives the host from the base
URL, so one profile serves the live site, a local mirror and the test server alike.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar, TypeVar
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

from cssselect import parse as parse_css
from cssselect.parser import CombinedSelector, Tree
from lxml import etree
from parsel.csstranslator import HTMLTranslator, css2xpath
from scrapy.http import TextResponse

from crawler.extraction.chrome import (
    LINK_HREFS,
    PLACEHOLDER_TAG,
    Chrome,
    parse_without_chrome,
    spliced_hrefs,
)
from crawler.extraction.loaders import ArticleLoader
from crawler.extraction.metadata import PageMetadata, read_metadata
from crawler.extraction.parsing import (
    AMP_IMAGE_MARK,
    amp_images_as_img,
    html_markup,
    page_base_url,
    page_selector,
)
from crawler.items import ArticleItem, note_page_url

NO_ARTICLE_MARKUP = "no_article_markup"
"""The one not-article reason that is a guess: nothing on the page says "article" (no
article type in its metadata, no ``<article>`` element holding text), but nothing says it
is something else either (WordPress page kinds, listings, 404s are the page's own word).
Many real articles look like this. On a URL list the user has said the page is an
article, so the spider extracts it and counts why it was unsure."""


_PRECEDING_LINKS = etree.XPath("preceding::a")

ROOT_DOCUMENT = re.compile(
    r"(?:index|default)\.(?:html?|shtml|php\d?|aspx?|jsp|cfm)", re.IGNORECASE
)
"""A site root's own document: ``/index.php`` is the home page, as ``/`` is."""
UNRENDERED = re.compile(r"[{}]|%7[bd]", re.IGNORECASE)
"""Braces in a URL the page names: a template's placeholder (``/news/{slug}``) left as
written, the same on every page."""


def is_site_root(address: SplitResult) -> bool:
    """Whether ``address`` is a site's home page: its root, or its root document.

    >>> [is_site_root(urlsplit(u)) for u in ("https://x.org", "https://x.org/index.php",
    ...  "https://x.org/?p=3", "https://x.org/news/")]
    [True, True, False, False]
    """
    path = address.path.strip("/")
    return not address.query and (not path or ROOT_DOCUMENT.fullmatch(path) is not None)


class UrlKind(enum.Enum):
    ARTICLE = "article"
    LISTING = "listing"
    OTHER = "other"


class ParsedPage:
    """A page of a site and its parsed tree: what a profile's page classes read."""

    def __init__(self, response: TextResponse, public_url: str | None = None) -> None:
        self.response = response
        self.public_url = public_url or response.url
        """The page's published URL: the base for resolving its relative links."""

    chrome_block: ClassVar[tuple[bytes, bytes] | None] = None
    """The bytes the site's sidebar starts and ends with, to parse it once for all the
    pages that repeat it (``crawler/extraction/chrome.py``); None: every page whole."""

    @cached_property
    def _trees(self) -> tuple[etree._Element, Chrome | None]:
        trees = self._parsed_trees()
        if AMP_IMAGE_MARK in self.response.body:
            amp_images_as_img(trees[0])
        return trees

    def _parsed_trees(self) -> tuple[etree._Element, Chrome | None]:
        if self.chrome_block is not None:
            markup = html_markup(self.response)
            if markup is not None:
                cut = parse_without_chrome(markup, self.base_url, self.chrome_block)
                if cut is not None:
                    return cut
        return page_selector(self.response).root, None

    def older_page_url(self) -> str | None:
        """The next page towards older posts ("« Older Entries") of a page read as a
        listing, if any: a listing page's, or an article URL's page found to be a listing."""
        return None

    @cached_property
    def base_url(self) -> str:
        """What the page's relative links resolve against: ``<base href>``, else its URL."""
        return page_base_url(self.response)

    @property
    def root(self) -> etree._Element:
        """The page's lxml tree: the response's selector's, for the spider's own link
        queries; without its sidebar when :attr:`chrome` is not None."""
        return self._trees[0]

    @property
    def chrome(self) -> Chrome | None:
        """The sidebar cut out of :attr:`root` (:attr:`chrome_block`), or None."""
        return self._trees[1]

    def link_hrefs(self) -> list[str]:
        """The page's ``<a href>`` values in page order, sidebar included."""
        chrome = self.chrome
        return LINK_HREFS(self.root) if chrome is None else spliced_hrefs(self.root, chrome)

    @cached_property
    def _links_before_chrome(self) -> set[etree._Element] | None:
        """The links of :attr:`root` before the sidebar's placeholder; None without one
        (no sidebar cut out, or past libxml2's depth limit)."""
        if self.chrome is None:
            return None
        placeholder = next(self.root.iter(PLACEHOLDER_TAG), None)
        # lxml gives one object per element while any refers to it: the set holds them.
        return None if placeholder is None else set(_PRECEDING_LINKS(placeholder))

    def in_page_order(
        self, links: Iterable[etree._Element], query: etree.XPath, **variables: str
    ) -> Iterator[etree._Element]:
        """``links`` (elements of :attr:`root`, in document order), with what ``query``
        finds in the sidebar (:meth:`Chrome.found`) where the sidebar was."""
        chrome, before = self.chrome, self._links_before_chrome
        if chrome is None or before is None:
            yield from links
            return
        after = []
        for link in links:
            if link in before:
                yield link
            else:
                after.append(link)
        yield from chrome.found(query, **variables)
        yield from after

    def urljoin(self, href: str) -> str:
        return urljoin(self.public_url, href.strip())


@dataclass(frozen=True)
class PostPages:
    """The pages of a post split in pages, as one of them links them."""

    current: int
    """Which page this one is (1 for the post's own URL)."""
    urls: dict[int, str]
    """The other pages' URLs by number (resolved against the page's base URL)."""

    @property
    def first(self) -> str | None:
        """The post's first page, when this page is a later one."""
        return self.urls.get(1)

    @property
    def later(self) -> list[str]:
        """The pages after this one, in order."""
        return [self.urls[n] for n in sorted(self.urls) if n > self.current]


class ArticlePage(ParsedPage):
    """Extracts one :class:`ArticleItem` from an article response. Subclass per site.

    Each field of the record is a public method named after it (:attr:`FIELDS`) that
    returns the field's signals in priority order, or its one value; :meth:`to_item`
    hands every field to the loader, whose processors clean the signals and keep the
    first (``TakeFirst``). A site overrides the fields its pages show differently, and
    can extend the inherited signals with ``super()``.
    """

    name: ClassVar[str]
    """The profile's name: ``-a site=``, the registry key, and the record's ``site`` (but
    the generic profile's, whose sites are named by their hosts)."""
    version: ClassVar[str]
    loader_class: ClassVar[type[ArticleLoader]] = ArticleLoader
    FIELDS: ClassVar[tuple[str, ...]] = (
        "url",
        "title",
        "authors",
        "published_raw",
        "published",
        "modified_raw",
        "modified",
        "section",
        "tags",
        "post_id",
        "language",
        "media_id",
        "images",
        "body",
    )

    @cached_property
    def metadata(self) -> PageMetadata:
        return read_metadata(self.root)

    def not_article_reason(self) -> str | None:
        """Why this page is not an article (``"listing"``, ``"wp_page"``...), or ``None``;
        :data:`NO_ARTICLE_MARKUP` when the page only fails to look like one."""
        return None

    # -- fields: a page that shows no signal for a field returns an empty list ------

    def url(self) -> str:
        """``rel=canonical`` when it names a page of the same site, else the page's own URL.

        The canonical's path is kept on the page's own origin: old captures and mirrors
        often say ``http://`` or ``www.`` where the published site says ``https://``. A
        canonical naming the site's home page from any other page is a template's mistake
        (every article "is" the home page), not the article's address: each record would
        take the first one's URL and be dropped as its duplicate. So is one holding a
        placeholder (:data:`UNRENDERED`). Other canonicals many stories share are found
        as the records are emitted (``pipelines/dedupe.py``).
        """
        canonical = self.metadata.canonical
        absolute = self.address_named(canonical) if canonical else None
        if (
            absolute is not None
            and self.is_own_site(absolute)
            and not self.is_home(absolute)
            and not UNRENDERED.search(absolute.path)
        ):
            own = urlsplit(self.public_url)
            return urlunsplit((own.scheme, own.netloc, absolute.path, absolute.query, ""))
        return self.public_url

    def address_named(self, named: str) -> SplitResult | None:
        """An address the page names (its canonical, its ``og:url``), resolved against it
        and split; None when it is no URL (``http://[::1``, a port over 65535), which a
        page's markup may well hold.

        >>> from scrapy.http import HtmlResponse
        >>> page = ArticlePage(HtmlResponse("https://x.org/a/b/", body=b"<p>x</p>"))
        >>> page.address_named("/c/").path, page.address_named("http://[::1")
        ('/c/', None)
        """
        try:
            address = urlsplit(self.urljoin(named.strip()))
            address.port  # noqa: B018 (raises for a port that is no number in range)
        except ValueError:
            return None
        return address

    def is_own_site(self, address: SplitResult) -> bool:
        """Whether ``address`` is on the page's own host (``www.`` aside)."""
        own = urlsplit(self.public_url).hostname or ""
        return (address.hostname or "").removeprefix("www.") == own.removeprefix("www.")

    def is_home(self, address: SplitResult) -> bool:
        """Whether ``address`` is a site's root (or its :data:`ROOT_DOCUMENT`), named from
        a page that is not.

        >>> from scrapy.http import HtmlResponse
        >>> page = ArticlePage(HtmlResponse("https://x.org/2020/story/", body=b"<p>x</p>"))
        >>> [page.is_home(urlsplit(url)) for url in ("/", "/index.php", "/index.php?id=2", "/news/")]
        [True, True, False, False]
        """
        return is_site_root(address) and bool(urlsplit(self.public_url).path.strip("/"))

    def title(self) -> list[str | None]:
        return []

    def authors(self) -> list[str]:
        return []

    def published_raw(self) -> list[str | None]:
        return []

    def modified_raw(self) -> list[str | None]:
        return []

    def published(self) -> list[str | None]:
        """The ISO date when the profile reads it itself (in the site's time zone, say);
        empty: the normalize pipeline parses ``published_raw``."""
        return []

    def modified(self) -> list[str | None]:
        return []

    def section(self) -> list[str | None]:
        return []

    def tags(self) -> list[str]:
        return []

    def post_id(self) -> list[str]:
        return []

    def language(self) -> list[str | None]:
        """``<html lang>``, then ``og:locale``."""
        return [self.metadata.language, self.metadata.first("og:locale")]

    def media_id(self) -> list[str]:
        return []

    def images(self) -> list[dict[str, str | None]]:
        return []

    def body(self) -> list[str]:
        """The article's paragraphs, each normalized text, in order."""
        return []

    def post_pages(self) -> PostPages | None:
        """The pages of the article this page is one of, when it is split in pages; None
        (as here) for an article on one page."""
        return None

    def to_item(self) -> ArticleItem:
        return self.load(self.signals())

    def signals(self) -> dict[str, object]:
        """Each field's signals (:attr:`FIELDS`), by field name, as the page shows them."""
        return {field_name: getattr(self, field_name)() for field_name in self.FIELDS}

    def load(self, signals: dict[str, object]) -> ArticleItem:
        """The record: ``signals`` through the loader's processors. One addressed by another
        URL than the page's own (its canonical's) keeps the page's with it
        (:func:`~crawler.items.note_page_url`)."""
        item = self.loader_class.load_fields(
            {
                "site": self.name,
                "extractor": {"name": self.name, "version": self.version},
                "fetched_url": self.response.url,
                **signals,
            }
        )
        if item.url is not None and item.url != self.public_url:
            note_page_url(item, self.public_url)
        return item


T = TypeVar("T")


# A step that tests every element's class or id: ``descendant::*[@class and
# contains(@class, 'x') and contains(concat(' ', normalize-space(@class), ' '), ' x ')]``,
# as parsel translates ``.x`` (and ``*[@id = 'x']`` for ``#x``).
_CLASS_STEP = re.compile(
    r"(?P<axis>descendant-or-self|descendant)::\*\[@class and contains\(@class, '(?P<name>[\w-]+)'\)"
    r" and (?P<exact>contains\(concat\(' ', normalize-space\(@class\), ' '\), ' (?P=name) '\))\]"
)
_ID_STEP = re.compile(r"(?P<axis>descendant-or-self|descendant)::\*\[@id = '(?P<name>[\w-]+)'\]")


def attributes_first(xpath: str) -> str:
    """``xpath`` with each step that tests every element's class or id rewritten to walk
    the class (or id) attributes and test their elements: the same nodes in the same
    order, at a third of the cost. libxml2 builds a node-set for ``@class`` on every
    element of the page (hundreds, on a real theme's page) before it compares anything;
    a page's whole-tree class queries were the profile's largest item after the parse.

    >>> attributes_first("descendant-or-self::*[@id = 'main']/descendant::a")
    "descendant-or-self::*/@id[. = 'main']/parent::*/descendant::a"
    >>> attributes_first(css2xpath(".post-meta"))
    "descendant-or-self::*/@class[contains(., 'post-meta')]/parent::*[contains(concat(' ', normalize-space(@class), ' '), ' post-meta ')]"
    """
    xpath = _CLASS_STEP.sub(
        r"\g<axis>::*/@class[contains(., '\g<name>')]/parent::*[\g<exact>]", xpath
    )
    return _ID_STEP.sub(r"\g<axis>::*/@id[. = '\g<name>']/parent::*", xpath)


def css_query(css: str) -> etree.XPath:
    """A CSS selector (parsel's dialect, ``::text`` and ``::attr()`` included) compiled
    once to an lxml XPath returning elements or plain strings. Profiles run a dozen
    queries per page: parsel compiles each query on every call and wraps every result in
    a Selector, which cost more than the queries themselves.

    >>> from lxml import html
    >>> css_query("p.lead::text")(html.fromstring("<div><p class='x lead'>Hi</p></div>"))
    ['Hi']
    """
    return etree.XPath(attributes_first(css2xpath(css)), smart_strings=False)


def css_query_within(css: str) -> etree.XPath:
    """Like :func:`css_query`, but matched among the descendants of the elements passed as
    ``elements=`` (those another query found): ``css_query_within("a::text")(root,
    elements=css_query(".meta")(root))`` is ``css_query(".meta a::text")(root)``, and
    several such queries walk the page once, to find ``.meta``, instead of once each.

    >>> from lxml import html
    >>> root = html.fromstring("<div><p class='meta'>by <a>A</a></p><a>B</a></div>")
    >>> css_query_within("a::text")(root, elements=css_query(".meta")(root))
    ['A']
    """
    xpath = HTMLTranslator().css_to_xpath(css, prefix="$elements/descendant::")
    return etree.XPath(attributes_first(xpath), smart_strings=False)


def css_filter(css: str) -> etree.XPath:
    """Which of the elements passed as ``elements=`` (those another query found) the
    selector matches, in document order. Descendant combinators become ancestor tests:
    ``#main article.post`` keeps the ``article.post`` elements inside ``#main``, looking
    up from each instead of down the whole page.

    >>> from lxml import html
    >>> root = html.fromstring("<div><p class='a'>1</p><div id='x'><p class='a'>2</p></div></div>")
    >>> [p.text for p in css_filter("p.a")(root, elements=list(root.iter("p")))]
    ['1', '2']
    >>> [p.text for p in css_filter("#x p.a")(root, elements=list(root.iter("p")))]
    ['2']
    """
    translator = HTMLTranslator()

    def step(selector: Tree, axis: str) -> str:
        if isinstance(selector, CombinedSelector):
            if selector.combinator != " ":
                raise ValueError(f"only descendant combinators: {css!r}")
            return f"{step(selector.subselector, axis)}[{step(selector.selector, 'ancestor')}]"
        return f"{axis}::{translator.xpath(selector)}"

    steps = []
    for selector in parse_css(css):
        if selector.pseudo_element:
            raise ValueError(f"no pseudo-elements: {css!r}")
        steps.append("$elements/" + step(selector.parsed_tree, "self"))
    return etree.XPath(" | ".join(steps), smart_strings=False)


def css_text_within(css: str) -> etree.XPath:
    """Like :func:`css_text`, among the descendants of the elements passed as ``elements=``.

    >>> from lxml import html
    >>> root = html.fromstring("<div><h1 class='t'>Menu</h1><article><h1 class='t'>A</h1></article></div>")
    >>> css_text_within("h1.t")(root, elements=list(root.iter("article")))
    'A'
    """
    xpath = HTMLTranslator().css_to_xpath(css, prefix="$elements/descendant::")
    return etree.XPath(f"string(({attributes_first(xpath)})[1])", smart_strings=False)


def css_text(css: str) -> etree.XPath:
    """All the text of the first element ``css`` matches (XPath ``string()``), ``""`` if none.

    >>> from lxml import html
    >>> css_text("h1.entry-title")(html.fromstring("<div><h1 class='entry-title'>A <b>B</b></h1></div>"))
    'A B'
    """
    return etree.XPath(f"string(({attributes_first(css2xpath(css))})[1])", smart_strings=False)


_STRING_VALUE = etree.XPath("string()", smart_strings=False)


def page_title(root: etree._Element) -> str:
    """The text of the page's first ``<title>`` (``css_text("title")``), ``""`` if none. It
    is in ``<head>``: walking the page only up to it costs a fraction of a query, which
    walks on to the end of the page.

    >>> from lxml import html
    >>> page_title(html.fromstring("<html><head><title>A &amp; B</title></head><body><svg><title>x"))
    'A & B'
    """
    first = next(root.iter("title"), None)
    return _STRING_VALUE(first) if first is not None else ""


def first_nonempty(*sources: Callable[[], list[T]]) -> list[T]:
    """Values of the first source that has any; later sources are not evaluated."""
    for source in sources:
        values = source()
        if values:
            return values
    return []


@dataclass(frozen=True)
class ListingEntry:
    """One article as a listing page shows it (title link, byline date, section)."""

    url: str
    published: str | None = None
    """The listing's date for the article, as shown ("Jun 10, 2015")."""
    section: str | None = None


class ListingPage(ParsedPage):
    """Reads a listing page (home, category, tag, author, date archive). Subclass per site."""

    def entries(self) -> list[ListingEntry]:
        return []


@dataclass(frozen=True)
class SiteProfile:
    """Everything the crawler knows about one site; its name is its article page's."""

    public_origin: str
    """Where the site is published, e.g. ``https://eng-archive.aawsat.com``."""
    article_page: type[ArticlePage]
    listing_page: type[ListingPage]
    classify_url: Callable[[str], UrlKind]
    """Kind of an on-site URL, from its path and query alone."""
    archive_period: Callable[[str], tuple[int, int | None] | None]
    """``(year, month)`` of a date-archive URL (``month`` None for a year), else None."""
    fallback_sitemaps: Iterable[str] = ()
    """Sitemap paths to try when robots.txt names none."""
    section_listing: Callable[[str], bool] = lambda _url: False
    """Whether a listing URL (any page) is a section's: the listings that together list
    every post (WordPress categories), read to the end by ``-a discovery=sitemap-first``."""
    posts_api: str | None = None
    """The path of the site's list of every post with its date, WordPress's REST API
    (``crawler/discovery/posts_api.py``): where it answers, ``-a discovery=sitemap-first``
    reads it in place of the section listings."""

    @property
    def name(self) -> str:
        return self.article_page.name
