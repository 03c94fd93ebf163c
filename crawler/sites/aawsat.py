"""Asharq Al-Awsat English Archive 2005-2017 (WordPress, Divi theme).

What is known of the markup is in ``fixtures/aawsat/README.md``. Real pages vary: classic
Divi posts show ``h1.entry-title`` and ``p.post-meta`` ("by AUTHOR | Mon D, YYYY |
Section"); builder posts often hide both, so every field reads several signals in
priority order (JSON-LD, OpenGraph/``article:*`` meta, visible markup, ``<title>``, the
permalink ``/<author-slug>/<category-slug>/<post-slug>/``) and survives any one missing.

Twelve years of theme and plugin versions mark up the featured media differently, so it is
found by what it is, not by a class name: the images the post shows before its content, and
beside them the lines that say what they are ("Media ID: N", a caption labelled "Caption:"
or "Photo:" or ending with a photo credit), in whatever elements hold them.
``tests/test_markup_mutations.py`` holds the profile to that.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property
from typing import ClassVar
from urllib.parse import urlsplit

from itemloaders.processors import MapCompose
from lxml import etree

from crawler.extraction.content import (
    CAPTION_LABEL,
    ArticleBody,
    ImageBlock,
    LineRules,
    SelectorSet,
    TextBlock,
    content_blocks,
    element_blocks,
)
from crawler.extraction.loaders import ArticleLoader
from crawler.extraction.processors import (
    has_credit,
    normalize_text,
    slug_to_name,
    split_authors,
    strip_title_suffix,
)
from crawler.sites.base import (
    ArticlePage,
    ListingEntry,
    ListingPage,
    PostPages,
    SiteProfile,
    UrlKind,
    css_filter,
    css_query,
    css_query_within,
    css_text,
    css_text_within,
    first_nonempty,
    page_title,
)
from crawler.sites.wordpress import (
    DIVI_BYLINE,
    WORDPRESS_BOILERPLATE,
    WORDPRESS_POSTS_API,
    WordPressSignals,
    archive_period,
    is_category_listing,
    is_listing,
    is_machinery,
    path_segments,
    post_pages,
)

PUBLIC_ORIGIN = "https://eng-archive.aawsat.com"
SITE_NAMES = ("ASHARQ AL-AWSAT English Archive", "Asharq Al-awsat")
STAFF_SLUG = "theaawsat"
STAFF_BYLINE = "Asharq Al-Awsat"
DEFAULT_LANGUAGE = "en"

# Content: Divi wraps both classic and builder posts in .entry-content, inside the post's
# <article> (searched from the page's article elements, found once) or anywhere.
CONTENT_IN_ARTICLES = css_query_within(".entry-content")
CONTENT = tuple(css_query(css) for css in (".entry-content", "article.et_pb_post", "#left-area"))
# The headline and the post's meta line are in the post's <article> in every theme
# generation that has one: looked for there first (a tenth of a walk of the whole page,
# where sidebars and footers hold most of the elements), then anywhere: 0.05 ms of the
# 1.73 ms a realistic page cost (bench/extract.py pages, A/B in one process, 7 rounds).
HEADLINE_IN_ARTICLES = css_text_within("h1.entry-title")
HEADLINE = css_text("h1.entry-title")
POST_META_IN_ARTICLES = css_query_within(".post-meta")
POST_META = css_query(".post-meta")  # a p, div or span, by theme version
# Within the post-meta elements: one walk of the page finds them for all four.
POST_META_TEXT = etree.XPath("$elements/descendant-or-self::text()", smart_strings=False)
POST_META_AUTHORS = css_query_within(".author a::text, a[rel~=author]::text")
POST_META_CATEGORY = css_query_within("a[rel~=category]::text")
POST_META_DATE = css_query_within(".published::text")
TAG_LINKS_IN_ARTICLES = css_query_within("a[rel~=tag]:not([rel~=category])::text")
# Links that may lead to a term's archive: only those name its kind and slug (XPaths: CSS
# selectors take no parameters). The hrefs are walked, not the links: see
# ``attributes_first`` for why that is faster. Split at an element (``$pivot``): the links
# up to its end (before it, around it, in it), then those after it; together, every link.
_TERM_HREF = "@href[contains(., $slug) and contains(., $kind)]/parent::a"
LINKS_CONTAINING = etree.XPath(f"//a/{_TERM_HREF}")
LINKS_THROUGH = etree.XPath(
    f"($pivot/preceding::a | $pivot/ancestor-or-self::a | $pivot/descendant::a)/{_TERM_HREF}"
)
LINKS_AFTER = etree.XPath(f"$pivot/following::a/{_TERM_HREF}")
# Divi's sidebar.php: the same sidebar on every page, half of a page's bytes, parsed once
# for all the pages that repeat it (crawler/extraction/chrome.py).
DIVI_SIDEBAR = (b'<div id="sidebar"', b"<!-- end #sidebar -->")
# Tested on the page's <article> elements: looking up from the few posts, not down the page.
LISTING_POSTS = css_filter("#left-area article.et_pb_post, .et_pb_posts article")
LISTING_POST_LINK = css_query(".entry-title a::attr(href)")
OLDER_ENTRIES = css_query(".pagination .alignleft a::attr(href)")
# Subtrees of the content element that are never article text.
BOILERPLATE = SelectorSet.from_css(
    (
        *WORDPRESS_BOILERPLATE,
        "button",
        "select",
        "h1.entry-title",
        "p.post-meta",
        ".post-meta",
        ".sd-block",
        ".share-buttons",
        ".et_social_inline",
        ".et_social_inline_bottom",
        ".et_pb_social_media_follow",
        ".addtoany_share_save_container",
        ".a2a_kit",
        ".crp_related",
        ".et_pb_post_nav",
        ".nav-single",
        ".navigation",
        ".post-navigation",
        ".adsbygoogle",
        ".advert",
        ".ad-container",
        ".ad-wrapper",
        ".twitter-tweet",
        ".fb-post",
        ".embed-twitter",
        "#respond",
        ".et_pb_comments_module",
        "#sidebar",
        "#main-footer",
        "#main-header",
    )
)
# Whole paragraphs that are theme or site chrome, whatever element holds them.
CHROME_LINES = re.compile(
    r"^(select page|share this:?|like this:?|related( posts)?:?|advertisement|"
    r"middle-east arab news opinion \| asharq al-awsat|leave a reply|"
    r"submit a comment|\d+ comments?|loading\.\.\.|tags?: .+|short ?link: \S+)$",
    flags=re.IGNORECASE,
)
# A heading over a list of other posts: the list is chrome too, whatever its class.
RELATED_HEADING = re.compile(r"^related( posts| articles)?:?$", flags=re.IGNORECASE)
# "Media ID: 55351211", however labelled or punctuated; a caption may follow on the line.
MEDIA_ID = re.compile(r"^Media\s*ID\s*:?\s*(\d+)\b[\s.,;:|\u2013\u2014-]*", flags=re.IGNORECASE)
LINE_RULES = LineRules(
    chrome=CHROME_LINES, byline=DIVI_BYLINE, media_id=MEDIA_ID, list_heading=RELATED_HEADING
)


def classify_url(url: str) -> UrlKind:
    """Kind of an on-site URL by WordPress permalink rules (``/%author%/%category%/%postname%/``).

    >>> classify_url("https://x/diana-moukalled/opinion/live-from-lebanon/").value
    'article'
    >>> classify_url("https://x/category/opinion/page/830/").value
    'listing'
    >>> [classify_url(u).value for u in ("https://x/about-us/", "https://x/?p=4179")]
    ['other', 'other']
    """
    if urlsplit(url).query:
        return UrlKind.OTHER  # shortlinks, search, previews: never an article page
    segments = path_segments(url)
    if is_machinery(segments):
        return UrlKind.OTHER
    if is_listing(segments):
        return UrlKind.LISTING
    if len(segments) == 3 and "." not in segments[-1]:
        return UrlKind.ARTICLE
    return UrlKind.OTHER


def before_content(content: etree._Element) -> list[etree._Element]:
    """The elements of the post (its ``<article>``) that come before its content element,
    in document order: where every generation of the theme puts the featured image and
    the Media ID and caption beside it (Divi's meta wrapper, a featured-image block, a
    figure, a builder image module). Empty when the content is in no ``<article>``."""
    elements: list[etree._Element] = []
    node = content
    while node.tag != "article":
        parent = node.getparent()
        if parent is None or parent.tag == "body":
            return []
        elements[:0] = reversed(list(node.itersiblings(preceding=True)))
        node = parent
    return elements


def is_figure_text(text: str) -> bool:
    """A line that belongs to a picture: its Media ID, or a caption (labelled, or ending
    with a photo credit)."""
    return bool(MEDIA_ID.match(text) or CAPTION_LABEL.match(text) or has_credit(text))


def staff_byline(name: str) -> str:
    """The staff account's slug stands for the paper itself."""
    return STAFF_BYLINE if name.lower() in {STAFF_SLUG, "the aawsat"} else name


def strip_site_suffix(title: str) -> str:
    return strip_title_suffix(title, SITE_NAMES)


class AawsatArticleLoader(ArticleLoader):
    title_in = MapCompose(normalize_text, strip_site_suffix)
    authors_in = MapCompose(normalize_text, staff_byline)


class AawsatArticlePage(WordPressSignals, ArticlePage):
    name = "aawsat"
    version = "1.0"
    loader_class = AawsatArticleLoader
    chrome_block: ClassVar[tuple[bytes, bytes] | None] = DIVI_SIDEBAR

    # -- page kind ---------------------------------------------------------------

    def not_article_reason(self) -> str | None:
        kind = self.wordpress_page_kind()
        if kind is not None or self.is_single_post():
            return kind
        says_article = (self.metadata.first("og:type") or "").lower() == "article"
        if says_article and self._content is not None:
            return None
        return "no_article_markup"

    def post_pages(self) -> PostPages | None:
        """The pages of the post, from page links in its content: looked for there alone,
        a few dozen elements (the bytes of the whole page cost more to search)."""
        content = self._content
        return None if content is None else post_pages(content, self.base_url, self.own_hosts)

    # -- page parts ---------------------------------------------------------------

    @cached_property
    def _content(self) -> etree._Element | None:
        in_articles = CONTENT_IN_ARTICLES(self.root, elements=self.articles)
        if in_articles:
            return in_articles[0]
        for query in CONTENT:
            found = query(self.root)
            if found:
                return found[0]
        return None

    @cached_property
    def _permalink_slugs(self) -> tuple[str, str] | None:
        """``(author_slug, category_slug)`` from the article's permalink."""
        segments = [s for s in urlsplit(self.public_url).path.split("/") if s]
        return (segments[0], segments[1]) if len(segments) == 3 else None

    @cached_property
    def _post_meta(self) -> list[etree._Element]:
        found: list[etree._Element] = POST_META_IN_ARTICLES(
            self.root, elements=self.articles
        ) or POST_META(self.root)
        return found

    def _term_name(self, kind: str, slug: str) -> str | None:
        """Display name of a category, tag or author: the text of the first link to its
        archive anywhere on the page, else the slug turned into words."""
        for link in self._term_links(kind, slug):
            try:
                path = urlsplit(link.get("href")).path
            except ValueError:  # a malformed href ("http://[::1") names no term
                continue
            segments = [s for s in path.split("/") if s]
            if len(segments) >= 2 and segments[0] == kind and segments[-1] == slug:
                text = normalize_text(" ".join(link.itertext()))
                if text:
                    return text
        return slug_to_name(slug)

    def _term_links(self, kind: str, slug: str) -> Iterator[etree._Element]:
        """The links whose href names ``kind`` and ``slug``, in document order. Those up to
        the end of the content come first, and the rest of the page (sidebars with tag
        clouds and month lists, the footer: most of its links) is searched only if none
        of them is the term's: the post's own meta links, and the header before them, are
        up there. A walk of every link on the page cost more than any other field."""
        pivot = self._content
        if pivot is None:
            rest = LINKS_CONTAINING(self.root, kind=kind, slug=slug)
        else:
            yield from LINKS_THROUGH(self.root, pivot=pivot, kind=kind, slug=slug)
            rest = LINKS_AFTER(self.root, pivot=pivot, kind=kind, slug=slug)
        yield from self.in_page_order(rest, LINKS_CONTAINING, kind=kind, slug=slug)

    @cached_property
    def _visible_byline(self) -> re.Match[str] | None:
        """Divi's "by X | date | Section" line: in ``.post-meta``, else found by its shape
        among the lines before the content (a theme without the class) or at its top."""
        candidates = [" ".join(POST_META_TEXT(self.root, elements=self._post_meta))]
        candidates += [b.text for b in self._before_content_blocks if isinstance(b, TextBlock)]
        candidates += [b.text for b in self._raw_blocks if isinstance(b, TextBlock)][:6]
        for text in candidates:
            match = DIVI_BYLINE.match(normalize_text(text) or "")
            if match:
                return match
        return None

    @cached_property
    def _raw_blocks(self) -> list[TextBlock | ImageBlock]:
        if self._content is None:
            return []
        return content_blocks(self._content, BOILERPLATE, self.public_url)

    @cached_property
    def _article_body(self) -> ArticleBody:
        """Paragraphs, images and media ids of the featured media and the content."""
        headline = self.loader_class.field_value("title", self.title())
        return ArticleBody.split(self._featured_blocks + self._raw_blocks, headline, LINE_RULES)

    @cached_property
    def _before_content_blocks(self) -> list[TextBlock | ImageBlock]:
        """Text blocks and images of the post before its content element."""
        if self._content is None:
            return []
        return element_blocks(before_content(self._content), BOILERPLATE, self.public_url)

    @cached_property
    def _featured_blocks(self) -> list[TextBlock | ImageBlock]:
        """The featured media: images before the content, and the lines beside them that
        say what they are (Media ID, caption, credit), whatever elements hold them; any
        other text there (headline, byline) is not body."""
        return [
            b
            for b in self._before_content_blocks
            if isinstance(b, ImageBlock) or is_figure_text(b.text)
        ]

    # -- fields -------------------------------------------------------------------

    def title(self) -> list[str | None]:
        return list(self._title_signals)

    @property
    def _headline(self) -> str:
        """The text of the first ``h1.entry-title``, ``""`` if none."""
        found: str = HEADLINE_IN_ARTICLES(self.root, elements=self.articles) or HEADLINE(self.root)
        return found

    @cached_property
    def _title_signals(self) -> list[str | None]:
        """Read once: the body needs the headline too (to drop it from the text)."""
        return [
            self.metadata.article_text("headline"),
            self._headline,
            self.metadata.first("og:title"),
            page_title(self.root),
        ]

    def authors(self) -> list[str]:
        byline = self._visible_byline
        return first_nonempty(
            lambda: self.metadata.article_names("author"),
            lambda: POST_META_AUTHORS(self.root, elements=self._post_meta),
            lambda: split_authors(byline.group("authors")) if byline else [],
            lambda: (
                [self._term_name("author", self._permalink_slugs[0])]
                if self._permalink_slugs
                else []
            ),
        )

    def tags(self) -> list[str]:
        return first_nonempty(
            lambda: self.metadata.article_keywords(),
            lambda: self.metadata.all("article:tag"),
            lambda: TAG_LINKS_IN_ARTICLES(self.root, elements=self.articles),
            lambda: [
                name
                for cls in dict.fromkeys(self.post_class_names)
                if cls.startswith("tag-")
                if (name := self._term_name("tag", cls.removeprefix("tag-")))
            ],
        )

    def section(self) -> list[str | None]:
        byline = self._visible_byline
        slugs = self._permalink_slugs
        return [
            *self.metadata.article_sections(),
            self.metadata.first("article:section"),
            self._term_name("category", slugs[1]) if slugs else None,
            next(iter(POST_META_CATEGORY(self.root, elements=self._post_meta)), None),
            byline.group("section") if byline else None,
        ]

    def published_raw(self) -> list[str | None]:
        byline = self._visible_byline
        return [
            self.metadata.article_text("datePublished"),
            self.metadata.first("article:published_time"),
            next(iter(POST_META_DATE(self.root, elements=self._post_meta)), None),
            byline.group("date") if byline else None,
        ]

    def modified_raw(self) -> list[str | None]:
        return [
            self.metadata.article_text("dateModified"),
            self.metadata.first("article:modified_time"),
            self.metadata.first("og:updated_time"),
        ]

    def post_id(self) -> list[str]:
        return self.post_ids()

    def language(self) -> list[str | None]:
        return [*super().language(), DEFAULT_LANGUAGE]

    def media_id(self) -> list[str]:
        return self._article_body.media_ids

    def images(self) -> list[dict[str, str | None]]:
        return self._article_body.images

    def body(self) -> list[str]:
        return self._article_body.paragraphs


class AawsatListingPage(ListingPage):
    """Divi blog listings: ``article.et_pb_post`` entries, "« Older Entries" pagination."""

    chrome_block: ClassVar[tuple[bytes, bytes] | None] = DIVI_SIDEBAR

    def entries(self) -> list[ListingEntry]:
        entries = []
        for post in LISTING_POSTS(self.root, elements=list(self.root.iter("article"))):
            href = next(iter(LISTING_POST_LINK(post)), None)
            if href:
                meta = POST_META(post)
                entries.append(
                    ListingEntry(
                        url=self.urljoin(href),
                        published=next(iter(POST_META_DATE(post, elements=meta)), None),
                        section=next(iter(POST_META_CATEGORY(post, elements=meta)), None),
                    )
                )
        return entries

    def older_page_url(self) -> str | None:
        href = next(iter(OLDER_ENTRIES(self.root)), None)
        return self.urljoin(href) if href else None


PROFILE = SiteProfile(
    public_origin=PUBLIC_ORIGIN,
    article_page=AawsatArticlePage,
    listing_page=AawsatListingPage,
    classify_url=classify_url,
    archive_period=archive_period,
    section_listing=is_category_listing,
    posts_api=WORDPRESS_POSTS_API,
    fallback_sitemaps=("sitemap_index.xml", "wp-sitemap.xml", "sitemap.xml"),
)
