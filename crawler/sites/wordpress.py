"""What every WordPress site shares: URL rules, body classes, post ids, page kinds.

Site profiles for WordPress sites (aawsat, the generic profile) build on these, so a rule
about WordPress itself is written once.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import cached_property
from urllib.parse import urljoin, urlsplit

from lxml import etree
from scrapy.http import TextResponse

from crawler.extraction.chrome import Chrome
from crawler.extraction.metadata import PageMetadata
from crawler.sites.base import PostPages, css_filter

# First path segments that are WordPress machinery, never content.
RESERVED_FIRST_SEGMENTS = frozenset(
    {
        "wp-content",
        "wp-includes",
        "wp-admin",
        "wp-json",
        "feed",
        "comments",
        "search",
        "trackback",
        "embed",
        "xmlrpc.php",
        "wp-login.php",
        "wp-cron.php",
        "rss",
        "cdn-cgi",
    }
)
# Last path segments that turn a post URL into its feed, AMP or embed view.
NON_ARTICLE_LAST_SEGMENTS = frozenset({"feed", "amp", "trackback", "embed", "rss", "rss2", "atom"})
LISTING_FIRST_SEGMENTS = frozenset({"category", "tag", "author", "page"})
WORDPRESS_POSTS_API = "/wp-json/wp/v2/posts"
"""WordPress's REST API list of posts (``crawler/discovery/posts_api.py``)."""
LISTING_BODY_CLASSES = frozenset(
    {"archive", "blog", "home", "search", "category", "tag", "author", "date"}
)
_PAGINATION = re.compile(r"/page/\d+$")
# Divi's post meta line, "by AUTHOR | Mon D, YYYY | Section" (et_pb_postinfo_meta), any
# part after the author optional; builder layouts repeat it inside the content. The authors
# are at most BYLINE_AUTHORS_CHARS long: a paragraph that starts with "By" ("By most
# accounts, the law worked...") is a sentence, not a byline.
BYLINE_AUTHORS_CHARS = 60
DIVI_BYLINE = re.compile(
    rf"^by\s+(?P<authors>[^|]{{1,{BYLINE_AUTHORS_CHARS}}}?)\s*"
    r"(?:\|\s*(?P<date>[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4})\s*)?"
    r"(?:\|\s*(?P<section>[^|]+?)\s*)?(?:\|\s*\d+ comments?\s*)?$",
    flags=re.IGNORECASE,
)
# Embeds, share and related-post widgets, author boxes: text inside a post's content that
# is never article text, and that main-content extractors keep unless told.
WORDPRESS_WIDGETS = (
    ".sharedaddy",
    ".sd-sharing-enabled",
    ".sharing",
    ".social-share",
    "#jp-relatedposts",
    ".jp-relatedposts",
    ".yarpp-related",
    ".related-posts",
    "blockquote.twitter-tweet",
    "blockquote.instagram-media",
    ".wp-block-embed-twitter",
    ".et_pb_author_box",
    ".author-box",
    ".author-info",
    ".about-author",
    ".author-bio",
    ".saboxplugin-wrap",
)
# Subtrees of a post's content that are never article text on any WordPress site: scripts
# and forms, the widgets above, comments, ads. Profiles add their theme's own.
WORDPRESS_BOILERPLATE = (
    "script",
    "style",
    "noscript",
    "iframe",
    "form",
    "nav",
    "aside",
    *WORDPRESS_WIDGETS,
    ".et-single-post-ad",
    "ins.adsbygoogle",
    ".ad",
    ".ads",
    ".advertisement",
    "#comment-wrap",
    "#comments",
    ".comments-area",
    ".comment-respond",
    ".commentlist",
    ".comment-list",
)
# The HTML parser makes one <body>, the root's child: a path to it, not a walk of the page.
_BODY_CLASSES = etree.XPath("/html/body/@class", smart_strings=False)
_POST_ARTICLES = css_filter("article.et_pb_post, article.post, article.type-post")
_POST_ELEMENT_ID = re.compile(r"^post-(\d+)$")
# Body classes only WordPress writes: post, page and attachment ids, page templates.
_WORDPRESS_BODY_CLASS = re.compile(
    r"^(?:(?:postid|page-id|attachmentid)-\d+|page-template(?:-.+)?)$"
)
# Links to WordPress's own folders or its REST API, in the page's head or its resources.
_WORDPRESS_RESOURCES = etree.XPath(
    "boolean(//link[@rel='https://api.w.org/' or contains(@href, '/wp-content/') "
    "or contains(@href, '/wp-includes/')] | //script[contains(@src, '/wp-content/') "
    "or contains(@src, '/wp-includes/')] | //img[contains(@src, '/wp-content/')])"
)
_DATE_ARCHIVE = re.compile(r"(?P<year>\d{4})(?:/(?P<month>\d{2})(?:/\d{2})?)?")


def path_segments(url: str) -> list[str]:
    return [segment for segment in urlsplit(url).path.split("/") if segment]


def is_machinery(segments: list[str]) -> bool:
    """WordPress internals, feeds and embeds: never an article or a listing."""
    return bool(segments) and (
        segments[0] in RESERVED_FIRST_SEGMENTS or segments[-1] in NON_ARTICLE_LAST_SEGMENTS
    )


def is_listing(segments: list[str]) -> bool:
    """Home, category/tag/author archives, date archives, and their pagination."""
    if not segments or segments[0] in LISTING_FIRST_SEGMENTS:
        return True
    path = _PAGINATION.sub("", "/" + "/".join(segments)).lstrip("/")
    return _DATE_ARCHIVE.fullmatch(path) is not None


def is_category_listing(url: str) -> bool:
    """Whether a listing URL is a category archive, any page of it: every WordPress post has
    a category, so the category archives together list every post.

    >>> is_category_listing("https://x/category/opinion/page/3/"), is_category_listing("https://x/tag/iraq/")
    (True, False)
    """
    segments = path_segments(url)
    return bool(segments) and segments[0] == "category"


def archive_period(url: str) -> tuple[int, int | None] | None:
    """``(year, month)`` of a WordPress date archive URL.

    >>> archive_period("https://x/2016/05/page/2/"), archive_period("https://x/2016/")
    ((2016, 5), (2016, None))
    >>> archive_period("https://x/2016/05/12/a-post/") is None
    True
    """
    path = _PAGINATION.sub("", urlsplit(url).path.rstrip("/")).strip("/")
    match = _DATE_ARCHIVE.fullmatch(path)
    if not match:
        return None
    month = match.group("month")
    return int(match.group("year")), int(month) if month else None


# A post split in pages (<!--nextpage-->): wp_link_pages() links them, each link classed
# post-page-numbers (WordPress 5.1 on, in a p.post-nav-links) or in a theme's .page-links.
PAGE_LINK_MARKERS = (b"post-page-numbers", b"page-links")
_PAGE_LINK_BLOCK_CLASSES = frozenset({"page-links", "post-nav-links"})
_NUMBER = re.compile(r"\b\d{1,3}\b")


def page_links_block(scope: etree._Element) -> etree._Element | None:
    """The first block of ``wp_link_pages()`` links in ``scope``: the parent of a link
    classed ``post-page-numbers``, or of a link in an element classed ``page-links`` or
    ``post-nav-links``. Only links are looked at: an article's content holds a few, and
    an XPath query would cost its own set-up several times over."""
    for link in scope.iter("a"):
        if "post-page-numbers" in (link.get("class") or "").split():
            return link.getparent()
        parent = link.getparent()
        if parent is not None and not _PAGE_LINK_BLOCK_CLASSES.isdisjoint(
            (parent.get("class") or "").split()
        ):
            return parent
    return None


def post_pages(scope: etree._Element, base_url: str, hosts: Collection[str]) -> PostPages | None:
    """The pages of the post whose page ``scope`` is (or is in), from the first block of
    page links in it (:func:`page_links_block`): the linked numbers and the one not linked
    (this page) must be 1 to N, the links on one of the page's ``hosts`` (where it is
    served, where it is published); None otherwise (a post on one page, "Next page" links
    alone, a block that is something else).

    >>> from crawler.extraction.parsing import parse_html
    >>> page = (b'<div class="entry-content"><p>Text.</p><p class="post-nav-links">Pages: '
    ...     b'<span class="post-page-numbers current">1</span> '
    ...     b'<a class="post-page-numbers" href="/story/2/">2</a> '
    ...     b'<a class="post-page-numbers" href="/story/3/">3</a></p></div>')
    >>> pages = post_pages(parse_html(page, "https://x.org/story/"), "https://x.org/story/", {"x.org"})
    >>> pages.current, pages.later, pages.first
    (1, ['https://x.org/story/2/', 'https://x.org/story/3/'], None)
    >>> old = b'<div class="page-links">Pages: <a href="/story/"><span>1</span></a> <span>2</span></div>'
    >>> pages = post_pages(parse_html(old, "https://x.org/story/2/"), "https://x.org/story/2/", {"x.org"})
    >>> pages.current, pages.later, pages.first
    (2, [], 'https://x.org/story/')
    >>> post_pages(parse_html(b"<p>Text.</p>", "https://x.org/"), "https://x.org/", {"x.org"})
    >>> broken = b'<p class="post-nav-links"><a class="post-page-numbers" href="http://[::1">2</a></p>'
    >>> post_pages(parse_html(broken, "https://x.org/"), "https://x.org/", {"x.org"})
    """
    block = page_links_block(scope)
    if block is None:
        return None
    urls: dict[int, str] = {}
    for link in block.iter("a"):
        text, href = link.text_content().strip(), link.get("href")
        if not text.isdigit() or not href:
            continue
        try:
            url = urljoin(base_url, href.strip())
            host = urlsplit(url).netloc
        except ValueError:  # "http://[::1": no page of this post
            return None
        if host not in hosts:
            return None
        urls[int(text)] = url
    unlinked = {int(n) for n in _NUMBER.findall(block.text_content())} - urls.keys()
    if len(unlinked) != 1 or not urls:
        return None
    current = unlinked.pop()
    if sorted([*urls, current]) != list(range(1, len(urls) + 2)):
        return None
    return PostPages(current, urls)


class WordPressSignals:
    """Page-level WordPress signals, for article page objects that have ``root`` (the
    page's lxml tree) and ``metadata``."""

    root: etree._Element
    chrome: Chrome | None
    metadata: PageMetadata
    response: TextResponse
    base_url: str
    public_url: str

    @cached_property
    def articles(self) -> list[etree._Element]:
        """The page's ``<article>`` elements in document order, found once: the queries
        about posts start from them (``elements=``) instead of walking the page again."""
        return list(self.root.iter("article"))

    @cached_property
    def body_classes(self) -> set[str]:
        return set(" ".join(_BODY_CLASSES(self.root)).split())

    @cached_property
    def post_class_names(self) -> list[str]:
        """The post element's classes in page order (``tag-*`` in the post's tag order)."""
        articles = _POST_ARTICLES(self.root, elements=self.articles)
        return (articles[0].get("class") or "").split() if articles else []

    @cached_property
    def article_classes(self) -> set[str]:
        return set(self.post_class_names)

    def is_single_post(self) -> bool:
        classes = self.body_classes
        return "single-post" in classes or ("single" in classes and "post" in self.article_classes)

    @cached_property
    def is_wordpress(self) -> bool:
        """Whether anything besides common class names says WordPress made the page: its
        generator meta, a class only WordPress writes, or links to ``wp-content``,
        ``wp-includes`` or the WordPress REST API. ``page``, ``home`` or ``archive`` alone
        are class names any site may use."""
        if (self.metadata.first("generator") or "").lower().startswith("wordpress"):
            return True
        if any(_WORDPRESS_BODY_CLASS.match(name) for name in self.body_classes):
            return True
        chrome = self.chrome
        return bool(_WORDPRESS_RESOURCES(self.root)) or (
            chrome is not None and bool(chrome.found(_WORDPRESS_RESOURCES))
        )

    def wordpress_page_kind(self) -> str | None:
        """Why the page is not a single post (``not_found``, ``attachment``, ``wp_page``,
        ``listing``); None for a single post, when WordPress says nothing, or when the
        page is not WordPress's (its body classes then mean what that site means)."""
        kind = self._body_class_page_kind()
        return kind if kind is not None and self.is_wordpress else None

    def _body_class_page_kind(self) -> str | None:
        classes = self.body_classes
        if "error404" in classes:
            return "not_found"
        if "attachment" in classes:
            return "attachment"
        if self.is_single_post():
            return None
        if "page" in classes or "page-template-default" in classes:
            return "wp_page"
        if classes & LISTING_BODY_CLASSES:
            return "listing"
        return None

    def post_pages(self) -> PostPages | None:
        """The pages of the post this page is one of, when it is split in pages. The
        page's bytes are looked at first: most pages have no page links, and a search of
        bytes costs less than a walk of the tree."""
        body = self.response.body
        if not any(marker in body for marker in PAGE_LINK_MARKERS):
            return None
        return post_pages(self.root, self.base_url, self.own_hosts)

    @property
    def own_hosts(self) -> set[str]:
        """The hosts the page is at: where it is served, where it is published."""
        return {urlsplit(self.base_url).netloc, urlsplit(self.public_url).netloc}

    def post_ids(self) -> list[str]:
        """The post id from body class ``postid-N``, ``<article id="post-N">``, ``?p=N``."""
        ids = [c.removeprefix("postid-") for c in self.body_classes if c.startswith("postid-")]
        ids_given = (a.get("id") for a in self.articles)
        article_id = next(
            (m.group(1) for i in ids_given if i and (m := _POST_ELEMENT_ID.match(i))), None
        )
        shortlink = re.search(r"[?&]p=(\d+)", self.metadata.shortlink or "")
        return [*ids, article_id or "", shortlink.group(1) if shortlink else ""]
