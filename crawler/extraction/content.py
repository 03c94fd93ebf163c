"""Turn an article's content element into text blocks and images, in document order.

Site-independent: a profile chooses the content element and the boilerplate selectors to
drop; this module flattens what is left into paragraphs (one per block element, or per
run of text separated by a blank ``<br><br>``) and image records. Captions held in a
caption container (``.wp-caption``, ``<figure>``) come out with their image, never as text.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree
from w3lib.url import safe_url_string

from crawler.extraction.processors import (
    bare_credit,
    has_credit,
    normalize_text,
    split_caption_credit,
)

BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "center",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)


@dataclass(frozen=True)
class SelectorSet:
    """Simple CSS selectors (``tag``, ``.class``, ``#id``, ``tag.class``), tested on one
    element at a time as the walker passes it.

    A few set lookups per element: the XPath union of the boilerplate selectors, run
    before the walk, cost more than the rest of the extraction (0.46 ms on a 40 KB page).
    """

    tags: frozenset[str] = frozenset()
    classes: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()
    tagged_classes: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def from_css(cls, selectors: Iterable[str]) -> SelectorSet:
        tags, classes, ids, tagged = set(), set(), set(), set()
        for css in selectors:
            match = _SIMPLE_SELECTOR.fullmatch(css.strip())
            if match is None:
                raise ValueError(f"not a tag, .class, #id or tag.class selector: {css!r}")
            tag, kind, name = match.group("tag"), match.group("kind"), match.group("name")
            if kind == "#" and not tag:
                ids.add(name)
            elif kind == "." and tag:
                tagged.add((tag.lower(), name))
            elif kind == "." and not tag:
                classes.add(name)
            elif tag and not kind:
                tags.add(tag.lower())
            else:
                raise ValueError(f"not a tag, .class, #id or tag.class selector: {css!r}")
        return cls(frozenset(tags), frozenset(classes), frozenset(ids), frozenset(tagged))

    def matches(self, element: etree._Element) -> bool:
        tag = element.tag
        if tag in self.tags or (self.ids and element.get("id") in self.ids):
            return True
        class_attribute = element.get("class")
        if not class_attribute:
            return False
        for name in class_attribute.split():
            if name in self.classes or (tag, name) in self.tagged_classes:
                return True
        return False


_SIMPLE_SELECTOR = re.compile(r"(?P<tag>[a-zA-Z][a-zA-Z0-9]*)?(?:(?P<kind>[.#])(?P<name>[\w-]+))?")


# Blogger's image with its caption is a table (.tr-caption-container), the caption a cell.
CAPTION_CONTAINERS = SelectorSet.from_css(
    (".wp-caption", "figure", ".wp-block-image", ".tr-caption-container")
)
CAPTION_TEXT = SelectorSet.from_css((".wp-caption-text", "figcaption", ".tr-caption"))
DECORATION = SelectorSet.from_css((".wp-smiley", ".emoji", ".avatar"))
# Lazy-loading plugins keep the real address in one of these and a placeholder in src,
# or the real candidates in a srcset of their own (the widest is taken).
IMAGE_SOURCES = ("data-lazy-src", "data-src", "data-original", "data-orig-file")
LAZY_SRCSETS = ("data-srcset", "data-lazy-srcset")
_SRCSET_CANDIDATE = re.compile(r"(\S+?),?\s+(\d+)w\b")
# A <br> becomes LINE_BREAK; two in a row (blank line) end a paragraph, one is a space.
LINE_BREAK = "\x1e"
_PARAGRAPH_BREAK = re.compile(rf"{LINE_BREAK}\s*{LINE_BREAK}")
# Themes and editors label a caption in a few ways; the label is not part of the caption.
CAPTION_LABEL = re.compile(r"^(?:Caption|Photo|Picture|Image)\s*:\s*", flags=re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class TextBlock:
    text: str
    tag: str
    """The block element the text came from (``p``, ``h3``, ``li``, ``blockquote`` ...)."""


@dataclass(frozen=True, slots=True)
class ImageBlock:
    url: str | None
    caption: str | None
    """Caption text from the image's own caption container, a credit written in it still
    attached, but not one its markup sets apart (``credit``)."""
    credit: str | None = None
    """The text of the container's elements whose class names a credit (:func:`names_credit`)."""


Block = TextBlock | ImageBlock
HTTP_URL = re.compile(r"^https?://[^\s/]+/\S*$")
"""What the record schema accepts as a URL (``$defs/httpUrl``)."""


def absolute_http_url(base_url: str, href: str) -> str | None:
    r"""``href`` resolved as a browser resolves it (a backslash is a slash, spaces are
    percent-encoded); None when that is not an http(s) address or when markup leaked into
    the attribute.

    >>> absolute_http_url("https://x.test/a/", "b c.jpg")
    'https://x.test/a/b%20c.jpg'
    >>> absolute_http_url("https://x.test/a/", "https://cdn.test\\img\\1.gif")
    'https://cdn.test/img/1.gif'
    >>> absolute_http_url("https://x.test/a/", '<div class="x"')
    >>> absolute_http_url("https://x.test/a/", "blob:1")
    """
    if "<" in href or ">" in href:
        return None
    url = safe_url_string(urljoin(base_url, href.strip().replace("\\", "/")))
    return url if HTTP_URL.match(url) else None


def image_source(element: etree._Element) -> str | None:
    """The address an ``<img>`` gives for its picture, as written: a lazy-loading
    plugin's real address before the placeholder in ``src``, inline placeholders skipped;
    for a captioned ``<img>`` (in a figure, a WordPress caption) with nothing but a
    placeholder, the one of the ``<img>`` in the ``<noscript>`` beside it, the copy such
    plugins write for browsers without scripts. Not for a bare one: in a list of other
    stories beside the article (correctiv.org's), each story's is one.

    >>> from lxml.html import fragment_fromstring as tag
    >>> image_source(tag('<img src="loader.png" data-srcset="a.jpg 300w, b.jpg?x=1,2 900w">'))
    'b.jpg?x=1,2'
    >>> image_source(tag('<img src="data:image/gif;base64,R0" data-src="/p.jpg">'))
    '/p.jpg'
    >>> lazy = '<img src="data:image/svg+xml,%3Csvg%3E"><noscript><img src="/q.jpg"></noscript>'
    >>> image_source(tag(f"<figure>{lazy}</figure>")[0]), image_source(tag(f"<li>{lazy}</li>")[0])
    ('/q.jpg', None)
    """
    source = own_image_source(element)
    if source is not None or not any(map(CAPTION_CONTAINERS.matches, element.iterancestors())):
        return source
    for beside in (element.getnext(), element.getprevious()):
        if beside is not None and beside.tag == "noscript":
            copy = next(beside.iter("img"), None)
            if copy is not None:
                return own_image_source(copy)
    return None


def own_image_source(element: etree._Element) -> str | None:
    """:func:`image_source` from the ``<img>``'s own attributes alone."""
    for attribute in IMAGE_SOURCES:
        value = (element.get(attribute) or "").strip()
        if value and not value.startswith("data:"):
            return value
    for attribute in LAZY_SRCSETS:
        widths = {url: int(w) for url, w in _SRCSET_CANDIDATE.findall(element.get(attribute) or "")}
        if widths:
            return max(widths, key=widths.__getitem__)
    value = (element.get("src") or "").strip()
    return value if value and not value.startswith("data:") else None


def image_url(element: etree._Element, base_url: str) -> str | None:
    """Absolute address of an ``<img>``, skipping inline placeholders and unusable values."""
    source = image_source(element)
    return absolute_http_url(base_url, source) if source is not None else None


ICON_PIXELS = 100
"""An image declared at most this wide and high is an icon, an avatar or a pixel: article
photos are declared larger, or not at all."""
IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|bmp|tiff?)$", flags=re.IGNORECASE)
SVG_FILE = re.compile(r"\.svg(?:$|[?#])", flags=re.IGNORECASE)
"""A vector image: the site's icons and logos; an article's photos are bitmaps."""
DRAWING_FILE = re.compile(r"\.(?:png|gif)$", flags=re.IGNORECASE)
"""A PNG or GIF: a drawing or a screenshot; a photo is a JPEG or WebP, whatever its name."""
DECORATION_FILE_WORDS = frozenset(
    "icon icons ico favicon logo btn button arrow arrows bullet divider separator blank "  # noqa: SIM905
    "spacer shim sprite load loader loading preload banner placeholder pixel transparent "
    "ornament close rating stars".split()
)
"""Words of a PNG's or GIF's file name that say it is the site's own: an icon, a logo, a
button, an arrow, a divider, a spacer ("shim.gif"), a loading animation, a close button
("icons/close.png"), a rating's stars ("review_4_stars_vg247.png")."""
DECORATION_FOLDER = re.compile(r"/(?:icons?|sprites?|buttons?)/", flags=re.IGNORECASE)
"""A folder of the site's drawings: icons, sprites, buttons."""
TRACKER = re.compile(r"/(?:counter|beacon|pixel|spaceball)(?:[./?]|$)", flags=re.IGNORECASE)
"""A counter's or tracker's address, whatever its format: rferl.org's
"livetracker…/counter.lt?PageType=1…", ukrinform's "/counter/news/3103218?rnd=…", Yahoo's
"spaceball.gif"."""
SHARE_ICON_WORDS = frozenset(
    "facebook fb twitter tweet instagram linkedin xing pinterest whatsapp telegram youtube "  # noqa: SIM905
    "rss feed share email mail print sns on off".split()
)
"""Words of a PNG's or GIF's file name that, with nothing else but sizes, name a share or
follow button ("facebook.png", "twitter-32.png"); a screenshot's name says more
("facebook-privacy-settings.png")."""
THEME_FILES = re.compile(r"/wp-content/(?:plugins|themes)/|/wp-includes/")
"""WordPress's folders of its plugins' and themes' files, whose images are the site's
(a ratings plugin's stars, "wp-postratings/images/stars_crystal/rating_on.gif"); a
post's images are uploads."""
_CAMEL_CASE = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NOT_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]+")
ATTACHMENT_PAGE = re.compile(r"/attachment/|[?&]attachment_id=")
"""WordPress's page of one image, in its plain forms (an image linked to it is the
article's)."""


def file_name_words(source: str) -> tuple[str, set[str]]:
    """An image address's file name and its lower-case words, however they are joined.

    >>> name, words = file_name_words("/layout/logoOtempo.png?v=2")
    >>> name, sorted(words)
    ('logoOtempo.png', ['logo', 'otempo'])
    """
    name = source.split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[-1]
    words = _NOT_ALPHANUMERIC.split(_CAMEL_CASE.sub(" ", name.rsplit(".", 1)[0]))
    return name, {word.lower() for word in words if word}


def is_share_button_name(words: set[str]) -> bool:
    """Whether a file name's words (:func:`file_name_words`) are a share button's and
    sizes, nothing else (:data:`SHARE_ICON_WORDS`).

    >>> is_share_button_name({"twitter", "32"}), is_share_button_name({"facebook", "privacy"})
    (True, False)
    """
    named = {word for word in words if not word.isdigit()}
    return bool(named) and named <= SHARE_ICON_WORDS


def names_decoration(source: str) -> bool:
    """Whether an image's address is a PNG or GIF whose file name names it an icon, a
    logo, a button or a spacer (:data:`DECORATION_FILE_WORDS`), in any case and joined in
    any way (a photo's name does not count: a JPEG of a company's logo is news), or a
    drawing in a folder of icons (:data:`DECORATION_FOLDER`). Or any image named as a share
    button is (:data:`SHARE_ICON_WORDS`: "sns_share_24.jpg"), any image of a WordPress
    plugin or theme (:data:`THEME_FILES`), and a counter (:data:`TRACKER`).

    >>> names_decoration("/img/ico/ico-email.png"), names_decoration("/layout/logoOtempo.png")
    (True, True)
    >>> names_decoration("/images/android-icon-192x192.png?v=2"), names_decoration("Blank.gif")
    (True, True)
    >>> names_decoration("/2015/08/alibaba-logo-getty-1024-683.jpg")
    False
    >>> names_decoration("/uploads/protest-iconic-square.png")
    False
    >>> names_decoration("/images/facebook.png"), names_decoration("/up/facebook-privacy-settings.png")
    (True, False)
    >>> names_decoration("/wp-content/plugins/wp-postratings/images/stars_crystal/rating_on.gif")
    True

    A counter or tracker, whatever its format, or a drawing in a folder of icons:

    >>> names_decoration("https://livetracker.example/counter.lt?PageType=1&RecordId=3")
    True
    >>> names_decoration("/counter/news/3103218?rnd=348683416"), names_decoration("/icons/x.png")
    (True, True)
    >>> names_decoration("/news/2020/vote-counter-protest.jpg")
    False
    """
    name, words = file_name_words(source)
    if THEME_FILES.search(source) or TRACKER.search(source) or is_share_button_name(words):
        return True
    if not DRAWING_FILE.search(name):
        return False
    return bool(words & DECORATION_FILE_WORDS) or DECORATION_FOLDER.search(source) is not None


PICTURE_WORDS = frozenset(
    {"image", "img", "photo", "picture", "pic", "preview", "thumb", "thumbnail"}
)
SITE_IMAGE_WORDS = (
    DECORATION_FILE_WORDS
    | {"default", "fallback", "avatar"}
    | {f"no{word}" for word in PICTURE_WORDS}
)
"""Words of the file name of a site's stand-in for a story's picture, in any format: the
image its pages give for sharing when a story has none ("opengraph_default.png",
"givewell_fb_logo.jpg", business-standard.com's "nopreview.png"); "no" before a picture's
word says so too ("no-image.jpg")."""
AVATAR_FOLDER = re.compile(r"/(?:avatars?|blavatar|profile_images)/", flags=re.IGNORECASE)
"""A folder of avatars: a person's or a site's picture (Gravatar's, Twitter's)."""


def says_no_picture(words: set[str]) -> bool:
    """Whether a file name's words (:func:`file_name_words`) are "no" and a picture's
    word, and sizes: a site's stand-in.

    >>> says_no_picture({"no", "image", "600x400"}), says_no_picture({"no"})
    (True, False)
    >>> says_no_picture({"no", "deal", "brexit", "photo"})
    False
    """
    named = {word for word in words if not any(c.isdigit() for c in word)}
    pictures = named & PICTURE_WORDS
    return bool(pictures) and named == {"no", *pictures}


def names_site_image(source: str) -> bool:
    """Whether an image's file name says it is the site's stand-in for a story's picture
    (:data:`SITE_IMAGE_WORDS`; or a share button's words alone, :data:`SHARE_ICON_WORDS`:
    rechtambild.de's "facebook.jpg"), whatever its format, or it is an avatar or a
    theme's file.

    >>> names_site_image("https://blog.givewell.org/images/givewell_fb_logo.jpg")
    True
    >>> names_site_image("https://secure.gravatar.com/blavatar/55bf72?s=200")
    True
    >>> names_site_image("https://www.rechtambild.de/facebook.jpg")
    True
    >>> names_site_image("https://thehill.com/sites/default/files/noemkristi_lead.jpg")
    False
    >>> names_site_image("https://x.org/images/nopreview.png"), names_site_image("/no-image.jpg")
    (True, True)
    >>> names_site_image("https://x.org/2020/03/no-deal-brexit-photo.jpg")
    False
    """
    words = file_name_words(source)[1]
    return bool(
        words & SITE_IMAGE_WORDS
        or says_no_picture(words)
        or is_share_button_name(words)
        or AVATAR_FOLDER.search(source)
        or THEME_FILES.search(source)
    )


def declared_size(element: etree._Element) -> int | None:
    """The larger of an image's ``width`` and ``height`` attributes, in pixels; None when
    neither is a number of pixels.

    >>> from lxml.html import fragment_fromstring as tag
    >>> declared_size(tag('<img width="32" height="24px">'))
    32
    >>> declared_size(tag('<img width="100%">')), declared_size(tag('<img>'))
    (None, None)
    """
    sizes = [
        int(value.removesuffix("px"))
        for value in (element.get("width"), element.get("height"))
        if value and value.strip().removesuffix("px").isdigit()
    ]
    return max(sizes) if sizes else None


LIGHTBOX = re.compile(
    r"lightbox|fancybox|chocolat|photoswipe|colorbox|magnific|zoom", re.IGNORECASE
)
"""A link that opens the image itself, larger, over the page (its class or ``rel``)."""


def page_paths(*urls: str) -> tuple[str, ...]:
    """The paths of a page's own addresses (its URL, canonical, ``og:url``), without a
    trailing slash, with the query where there is one (``/watch?v=…`` names one page of
    many); the site's root is not one (a canonical that names the home page says nothing
    about which links lead away).

    >>> page_paths("https://news.test/a/story/", "https://news.test/", "https://cdn.test/a/story")
    ('/a/story',)
    >>> page_paths("https://video.test/watch?v=x1")
    ('/watch?v=x1',)
    """
    parts = (urlsplit(url) for url in urls)
    paths = (
        f"{path}?{part.query}" if part.query else path
        for part in parts
        if (path := part.path.rstrip("/"))
    )
    return tuple(dict.fromkeys(paths))


def links_elsewhere(element: etree._Element, page_url: str, own: tuple[str, ...]) -> bool:
    """True when the image is a link to another page: a teaser of another article, a
    share or social button, an author's avatar, an advertiser's banner. An image linked
    to its own file (or a lightbox that shows it), its attachment page, the page itself
    or a place on it is the article's. ``own``: the paths of the page's own addresses
    (:func:`page_paths`; compared without the host, which a copy of the page changes).

    >>> from lxml.html import fragment_fromstring as tag
    >>> page = "https://news.test/2020/05/story/"
    >>> own = page_paths(page)
    >>> def linked(a): return links_elsewhere(tag(a)[0], page, own)
    >>> linked('<a href="/2020/05/other-story/"><img src="t.jpg"></a>')
    True
    >>> linked('<a href="mailto:?subject=Story"><img src="m.png"></a>')
    True
    >>> linked('<a href="/uploads/photo-1024.jpg"><img src="p.jpg"></a>')
    False
    >>> linked('<a href="#gallery-2"><img src="p.jpg"></a>')
    False
    >>> linked('<a href="/2020/05/story/photo-2/"><img src="p.jpg"></a>')
    False
    >>> linked('<a class="lightbox" href="https://cdn.test/i/93f1"><img src="p.jpg"></a>')
    False
    >>> linked('<a href="/2020/05/story/?page=2"><img src="p.jpg"></a>')
    True
    """
    link = next(element.iterancestors("a"), None)
    href = (link.get("href") or "").strip() if link is not None else ""
    if not href or href.startswith(("#", "javascript:")):
        return False
    assert link is not None
    if LIGHTBOX.search(f"{link.get('class') or ''} {link.get('rel') or ''}"):
        return False
    target = absolute_http_url(page_url, href)
    if target is None:  # mailto:, whatsapp:, sms: share buttons
        return True
    parts = urlsplit(target)
    path = parts.path.rstrip("/")
    address = f"{path}?{parts.query}" if parts.query else path
    # The page itself, or a page beneath it: WordPress's attachment page of an image of
    # the post is the post's address and the image's slug.
    return not (
        IMAGE_FILE.search(parts.path)
        or ATTACHMENT_PAGE.search(target)
        or any(address == page or address.startswith(f"{page}/") for page in own)
    )


CHROME_PLACE = re.compile(
    r"share|social|sns|logo|newsletter|subscri|paywall|print-(?:header|footer)|weather|login|"
    r"author|byline|avatar|headshot",
    flags=re.IGNORECASE,
)
"""A class or id word of a place that holds the site's chrome, not the article's images:
share and follow buttons, the site's logo, sign-up and paywall boxes, a print-only header,
the byline's portrait of the author. ("sidebar" is not one: layouts name the article's column for the sidebar beside it,
``l-sidebar-fixed``, ``has-sidebar``.)"""


def in_chrome_place(element: etree._Element, roots: Collection[etree._Element]) -> bool:
    """True when an element around the image, below the content's root (``roots``), has a
    class or id that names a place for the site's chrome (:data:`CHROME_PLACE`). A BEM
    modifier (``--social-icons-left``) says how a block looks, not what it is, and the
    image's own class says what can be done with it (``img-share``): neither counts.

    >>> from lxml.html import fragment_fromstring as tag
    >>> content = tag('<div><ul class="storyShare"><li><img src="fb.png"></li></ul></div>')
    >>> in_chrome_place(content.find(".//img"), {content})
    True
    >>> content = tag('<div><header class="hd hd--social-right"><img src="a.jpg"></header></div>')
    >>> in_chrome_place(content.find(".//img"), {content})
    False
    """
    node = element.getparent()
    while node is not None and node not in roots:
        words = [token.split("--")[0] for token in (node.get("class") or "").split()]
        if CHROME_PLACE.search(" ".join([*words, node.get("id") or ""])):
            return True
        node = node.getparent()
    return False


def _is_decoration(
    element: etree._Element,
    page_url: str,
    own: tuple[str, ...],
    roots: Collection[etree._Element],
) -> bool:
    """Emoji, avatars, icons (a drawing whose file name says it is one), tracking
    pixels, links to other pages and images in the site's chrome are not part of the
    article."""
    source = image_source(element) or ""
    if DECORATION.matches(element) or SVG_FILE.search(source) or names_decoration(source):
        return True
    size = declared_size(element)
    return (
        (size is not None and size <= ICON_PIXELS)
        or links_elsewhere(element, page_url, own)
        or in_chrome_place(element, roots)
    )


def _kept_elements(element: etree._Element, drop: SelectorSet) -> Iterator[etree._Element]:
    """``element``'s descendant elements in document order, minus dropped subtrees.

    Iterative (an explicit stack), like every walker here: a page nested 50,000 elements
    deep must not hit Python's recursion limit.
    """
    stack = list(reversed(element))
    while stack:
        child = stack.pop()
        if isinstance(child.tag, str) and not drop.matches(child):
            yield child
            stack.extend(reversed(child))


_CREDIT_CLASS = re.compile(r"(?:^|[-_])credits?(?:$|[-_])|[a-z]Credits?$")


def names_credit(element: etree._Element) -> bool:
    """Whether an element's class names a credit: ``credit``, ``caption__credit``,
    ``article__mm-image-credit``, ``photoCredit``; not ``accreditation``.

    >>> from lxml.html import fragment_fromstring as tag
    >>> [names_credit(tag(f"<span class='{c}'>x</span>")) for c in
    ...  ("media__credit", "photoCredit", "content-header__accreditation", "caption")]
    [True, True, False, False]
    """
    return any(_CREDIT_CLASS.search(name) for name in (element.get("class") or "").split())


def _kept_text(
    element: etree._Element, drop: SelectorSet, skipped: Collection[etree._Element] = ()
) -> Iterator[str]:
    """``element``'s text pieces, minus dropped subtrees and ``skipped`` ones (their tails
    are kept)."""
    stack: list[etree._Element | str] = [element]
    while stack:
        item = stack.pop()
        if isinstance(item, str):  # a tail
            yield item
            continue
        if item.text:
            yield item.text
        pending: list[etree._Element | str] = []
        for child in item:
            if isinstance(child.tag, str) and not drop.matches(child) and child not in skipped:
                pending.append(child)
            if child.tail:
                pending.append(child.tail)
        stack.extend(reversed(pending))


_WALK, _VISIT, _TEXT, _FLUSH = range(4)
"""What the flattener's work stack holds: (step, element or text, block tag)."""
_Step = tuple[int, Any, str]


class _Flattener:
    def __init__(
        self,
        base_url: str,
        drop: SelectorSet,
        roots: Collection[etree._Element],
        own_urls: Iterable[str] = (),
    ) -> None:
        self.base_url = base_url
        self.own = page_paths(base_url, *own_urls)
        self.drop = drop
        self.roots = roots  # what is flattened: the places around an image are below it
        self.blocks: list[Block] = []
        self._run: list[str] = []
        self._run_tag = "p"

    def flush(self) -> None:
        if not self._run:
            return
        run = "".join(self._run)
        for chunk in _PARAGRAPH_BREAK.split(run) if LINE_BREAK in run else (run,):
            text = normalize_text(chunk)
            if text:
                self.blocks.append(TextBlock(text, self._run_tag))
        self._run = []

    def add_image(
        self, element: etree._Element, caption: str | None, credit: str | None = None
    ) -> None:
        self.flush()
        self.blocks.append(ImageBlock(image_url(element, self.base_url), caption, credit))

    def caption_container(self, element: etree._Element) -> None:
        kept = [element, *_kept_elements(element, self.drop)]
        images = [
            img
            for img in kept
            if img.tag == "img" and not _is_decoration(img, self.base_url, self.own, self.roots)
        ]
        # The caption's own element; else, beside an image, the container's text is its
        # caption whatever holds it (a theme that drops the caption class).
        caption_nodes = [node for node in kept if CAPTION_TEXT.matches(node)]
        if not caption_nodes and images:
            caption_nodes = [element]
        # A credit its markup sets apart is no part of the caption, in it or beside it
        # (cnbc.com's "Alex Wong | Getty Images" before the caption, with no space). A
        # caption element named for both that holds a credit of its own holds the two
        # (slate.com's figcaption.image__caption-credit): the credit is the inner one.
        credits = {node for node in kept if names_credit(node)}
        credits -= {
            node
            for node in credits
            if CAPTION_TEXT.matches(node) and any(map(names_credit, node.iterdescendants()))
        }
        credits = {
            node for node in credits if not any(map(credits.__contains__, node.iterancestors()))
        }
        caption = normalize_text(
            " ".join(" ".join(_kept_text(n, self.drop, credits)) for n in caption_nodes)
        )
        credit = bare_credit(
            " ".join(" ".join(_kept_text(n, self.drop)) for n in kept if n in credits)
        )
        if not images:
            # A caption container without an image still holds a caption, not body text.
            self.flush()
            self.blocks.append(ImageBlock(None, caption, credit))
            return
        for index, img in enumerate(images):
            self.add_image(img, caption if index == 0 else None, credit if index == 0 else None)

    def _uncaptioned_image(self) -> bool:
        last = self.blocks[-1] if self.blocks else None
        return isinstance(last, ImageBlock) and last.url is not None and last.caption is None

    def caption_last_image(self, element: etree._Element) -> None:
        """``element``'s text as the caption of the image just before it."""
        last = self.blocks[-1]
        assert isinstance(last, ImageBlock)
        caption = normalize_text(" ".join(_kept_text(element, self.drop)))
        self.blocks[-1] = ImageBlock(last.url, caption)

    def walk(self, element: etree._Element, block_tag: str) -> None:
        """Flatten ``element``'s content, depth first with an explicit stack."""
        self.run([(_WALK, element, block_tag)])

    def run(self, stack: list[_Step]) -> None:
        """Do the steps on ``stack``, last first, and the steps they add."""
        while stack:
            step, node, tag = stack.pop()
            if step == _VISIT:  # the most frequent steps first
                self.visit(node, tag, stack)
            elif step == _TEXT:
                self._append(node, tag)
            elif step == _WALK:
                stack.extend(reversed(self._children(node, tag)))
            else:
                self.flush()

    @staticmethod
    def _children(element: etree._Element, block_tag: str) -> list[_Step]:
        steps: list[_Step] = [(_TEXT, element.text, block_tag)] if element.text else []
        for child in element:
            if isinstance(child.tag, str):
                steps.append((_VISIT, child, block_tag))
            if child.tail:
                steps.append((_TEXT, child.tail, block_tag))
        return steps

    def visit(self, element: etree._Element, block_tag: str, stack: list[_Step]) -> None:
        """Handle one element; what is inside it goes on ``stack``."""
        if self.drop.matches(element):
            return
        tag = element.tag.lower()
        if tag == "br":
            self._run.append(LINE_BREAK)
        elif tag == "img":
            if not _is_decoration(element, self.base_url, self.own, self.roots):
                self.add_image(element, None)
        elif CAPTION_CONTAINERS.matches(element):
            self.caption_container(element)
        elif tag in BLOCK_TAGS:
            self.flush()
            if self._uncaptioned_image() and CAPTION_TEXT.matches(element):
                # A caption right after its image, in a container that is not marked as one.
                self.caption_last_image(element)
                return
            inner_tag = tag if tag != "div" else block_tag
            if len(element) == 0:  # most paragraphs: one text node, one block
                text = normalize_text(element.text)
                if text:
                    self.blocks.append(TextBlock(text, inner_tag))
                return
            stack.append((_FLUSH, None, inner_tag))  # after the block's content
            stack.append((_WALK, element, inner_tag))
        else:
            stack.append((_WALK, element, block_tag))

    def _append(self, text: str, block_tag: str) -> None:
        if not self._run:
            if text.isspace():  # the indentation between blocks: nothing to normalize
                return
            self._run_tag = block_tag
        self._run.append(text)


def content_blocks(
    content: etree._Element, drop: SelectorSet, base_url: str, own_urls: Iterable[str] = ()
) -> list[Block]:
    """Text blocks and images of ``content``, minus the subtrees ``drop`` matches (the
    content element itself is always kept). The tree is not modified. ``own_urls``: the
    page's addresses besides ``base_url`` (canonical, ``og:url``), which an image of the
    article may link to (:func:`links_elsewhere`)."""
    flattener = _Flattener(base_url, drop, (content,), own_urls)
    flattener.walk(content, "p")
    flattener.flush()
    return flattener.blocks


def element_blocks(
    elements: Iterable[etree._Element], drop: SelectorSet, base_url: str
) -> list[Block]:
    """Text blocks and images of each of ``elements`` in turn, each element included (an
    ``<img>`` or a ``<figure>`` among them is an image), minus what ``drop`` matches."""
    visited = [element for element in elements if isinstance(element.tag, str)]
    flattener = _Flattener(base_url, drop, [element.getparent() for element in visited])
    steps: list[_Step] = []
    for element in visited:
        steps += [(_VISIT, element, "p"), (_FLUSH, None, "p")]
    flattener.run(steps[::-1])
    return flattener.blocks


@dataclass(frozen=True)
class LineRules:
    """What a site's stray lines look like: theme chrome, bylines, archive media ids."""

    chrome: re.Pattern[str]
    byline: re.Pattern[str] | None = None
    media_id: re.Pattern[str] | None = None
    list_heading: re.Pattern[str] | None = None
    """A heading whose list is chrome too ("Related posts:" over links to other posts)."""


class ArticleBody:
    """Splits content blocks into body paragraphs, images with captions, and media ids.

    A caption outside a caption container is recognised by position and form: it follows
    a media-id line or an image with no body paragraph in between, and ends with a photo
    credit (or is labelled "Caption:"). It belongs to the uncaptioned image of that group,
    or, when it comes first, to the image that follows it. Chrome lines, bylines and the
    headline repeated in the content are dropped.
    """

    def __init__(self, rules: LineRules) -> None:
        self.rules = rules
        self.paragraphs: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.media_ids: list[str] = []
        self._group: list[dict[str, str | None]] = []  # images since the last paragraph
        self._in_figure_group = False  # a Media ID or image came after the last paragraph

    @classmethod
    def split(cls, blocks: list[Block], title: str | None, rules: LineRules) -> ArticleBody:
        body = cls(rules)
        in_chrome_list = False  # the list items under a chrome list heading
        for block in blocks:
            if isinstance(block, ImageBlock):
                body._add_image(block)
            elif not (in_chrome_list and block.tag == "li"):
                in_chrome_list = bool(rules.list_heading and rules.list_heading.match(block.text))
                body._add_text(block.text, title)
        return body

    def _without_media_id(self, text: str) -> str:
        """``text`` less a leading "Media ID: N", whose id is recorded."""
        media_id = self.rules.media_id.match(text) if self.rules.media_id else None
        if media_id is None:
            return text
        self.media_ids.append(media_id.group(1))
        return text[media_id.end() :]

    def _add_image(self, block: ImageBlock) -> None:
        caption_text = self._without_media_id(block.caption or "")
        labelled = CAPTION_LABEL.match(caption_text)
        caption, credit = split_caption_credit(
            caption_text[labelled.end() :] if labelled else caption_text
        )
        credit = block.credit or credit
        known = next((i for i in self.images if block.url and i["url"] == block.url), None)
        if known is not None:  # the featured image repeated inside the content
            if known["caption"] is None:
                known["caption"], known["credit"] = caption, credit
            return
        waiting = next((i for i in self._group if i["url"] is None), None)
        if waiting is not None and caption is None and credit is None:
            waiting["url"] = block.url
            return
        image = {"url": block.url, "caption": caption, "credit": credit}
        self.images.append(image)
        self._group.append(image)
        self._in_figure_group = True

    def _add_text(self, text: str, title: str | None) -> None:
        rules = self.rules
        rest = self._without_media_id(text)
        if rest is not text:  # a Media ID line; any text after the id is the caption
            self._in_figure_group = True
            if rest:
                labelled = CAPTION_LABEL.match(rest)
                self._add_caption(rest[labelled.end() :] if labelled else rest)
            return
        labelled = CAPTION_LABEL.match(text)
        if labelled or (self._in_figure_group and has_credit(text)):
            self._add_caption(text[labelled.end() :] if labelled else text)
            return
        byline = rules.byline.match(text) if rules.byline else None
        if rules.chrome.match(text) or byline or (title and text == title):
            return
        self._group = []
        self._in_figure_group = False
        self.paragraphs.append(text)

    def _add_caption(self, text: str) -> None:
        caption, credit = split_caption_credit(text)
        image = next((i for i in self._group if i["caption"] is None), None)
        if image is None:
            image = {"url": None, "caption": None, "credit": None}
            self.images.append(image)
            self._group.append(image)
        image["caption"], image["credit"] = caption, credit
        self._in_figure_group = any(i["caption"] is None for i in self._group)
