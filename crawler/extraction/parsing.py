"""A page's parsed tree (``response.selector``) and base URL, as Scrapy makes them, without
decoding the page first where the bytes already say what the text would.

Scrapy's ``response.selector`` decodes the whole body (``response.text``), and parsel then
strips that text, removes its NULs and encodes it back to UTF-8 for lxml: three more
passes over the page, for bytes that, on a page in UTF-8, are the body's own. And
``get_base_url`` decodes the whole page to read ``<base href>`` in its first 4096
characters. :func:`page_selector` and :func:`page_base_url` give the same selector and
base URL, from the bytes, whenever the bytes are provably those Scrapy would reach; any
other page (another encoding, invalid bytes, NULs, unusual whitespace at its ends) goes
the long way, through Scrapy.
"""

from __future__ import annotations

import codecs
import re

from lxml import etree, html
from scrapy.http import HtmlResponse, TextResponse
from scrapy.selector import Selector
from scrapy.utils.response import get_base_url
from w3lib.encoding import http_content_type_encoding, read_bom
from w3lib.html import get_base_url as get_base_url_in_text

BASE_SCAN_CHARS = 4096
"""The characters of a page's text that Scrapy's ``get_base_url`` reads."""
UTF8_CHECK_BYTES = 16384
"""Bytes of a page decoded at a time to check that it is UTF-8 (:func:`is_utf8`): a
slice's text stays in the processor's cache, and only slices holding a character
beyond Latin-1 are made of two-byte characters. (Measured on the realistic archive's
55 KB pages: 7 µs, against 12 µs for one ``bytes.decode`` and 25 µs for
``response.text``; 4 KB slices: 9 µs, 64 KB: 12 µs.)"""


def is_utf8(body: bytes) -> bool:
    """Whether ``body`` is valid UTF-8, the answer of a strict ``body.decode("utf-8")``,
    without building the page's text: it is decoded a slice at a time, a character cut
    by a slice's end carried to the next, and each slice's text dropped.

    >>> is_utf8(b"caf\\xc3\\xa9 " * 9000), is_utf8(b"caf\\xc3 " * 9000), is_utf8(b"")
    (True, False, True)
    """
    view = memoryview(body)
    start = 0
    try:
        while start < len(body):
            stop = start + UTF8_CHECK_BYTES
            start += codecs.utf_8_decode(view[start:stop], "strict", stop >= len(body))[1]
    except UnicodeDecodeError:
        return False
    return True


def text_decoding(response: TextResponse) -> tuple[str | None, int]:
    """The encoding Scrapy decodes ``response.text`` with, as w3lib names it (None if it
    does not know the response's), and where in the body the text starts: w3lib's
    ``html_to_unicode`` follows a byte order mark, which it skips, else the response's
    encoding.

    >>> page = HtmlResponse("https://x.org/", body=b"<p>x</p>", encoding="UTF8")
    >>> text_decoding(page), text_decoding(page.replace(body=b"\\xef\\xbb\\xbf<p>x</p>"))
    (('utf-8', 0), ('utf-8', 3))
    >>> text_decoding(page.replace(body=b"\\xff\\xfe<\\x00p\\x00"))
    ('utf-16-le', 2)
    """
    bom_encoding, bom = read_bom(response.body)
    if bom_encoding is not None and bom is not None:
        return bom_encoding, len(bom)
    return http_content_type_encoding(f"charset={response.encoding}"), 0


def page_base_url(response: TextResponse) -> str:
    """Scrapy's ``get_base_url(response)`` (``<base href>`` in the page's first 4096
    characters, else its URL) without decoding the whole page to read them: in UTF-8
    they are among the first ``4 * 4096`` bytes of the text.

    >>> page = b"<html><head><base href='/b/'></head><body>" + b"\\xc3\\xa9" * 9000
    >>> page_base_url(HtmlResponse("https://x.org/a/", body=page, encoding="utf-8"))
    'https://x.org/b/'
    """
    encoding, start = text_decoding(response)
    if encoding != "utf-8":
        return get_base_url(response)
    head = response.body[start : start + 4 * BASE_SCAN_CHARS]
    try:
        # Not final: a character the slice cuts is left out, after the 4096th.
        text, _ = codecs.utf_8_decode(head, "strict", False)
    except UnicodeDecodeError:  # Scrapy replaces the bytes; its answer is the one to give
        return get_base_url(response)
    return get_base_url_in_text(text[:BASE_SCAN_CHARS], response.url, response.encoding)


def utf8_markup(response: TextResponse) -> bytes | None:
    """The bytes parsel gives lxml for Scrapy's ``response.selector`` of an HTML page
    (``response.text`` stripped, its NULs removed, encoded in UTF-8), when they are the
    body's own: a page decoded as UTF-8 (after a byte order mark, if any) that is valid
    UTF-8, has no NUL, and no whitespace at its ends but ASCII's (the only whitespace
    ``bytes.strip`` knows). None for any other page.

    >>> utf8_markup(HtmlResponse("https://x.org/", body=b"\\xef\\xbb\\xbf\\n<p>\\xc3\\xa9</p> ",
    ...     encoding="utf-8"))
    b'<p>\\xc3\\xa9</p>'
    >>> utf8_markup(HtmlResponse("https://x.org/", body=b"<p>\\xe9</p>", encoding="utf-8"))
    >>> utf8_markup(HtmlResponse("https://x.org/", body=b"<p>\\xe9</p>", encoding="cp1252"))
    >>> utf8_markup(HtmlResponse("https://x.org/", body=b"\\xc2\\xa0<p>x</p>", encoding="utf-8"))
    """
    if not isinstance(response, HtmlResponse):  # parsel guesses the type of any other
        return None
    encoding, start = text_decoding(response)
    body = response.body
    if encoding != "utf-8" or b"\x00" in body or not is_utf8(body):
        return None
    markup = (body[start:] if start else body).strip()
    ends = (markup[:1] + markup[-1:]).decode("ascii", "replace")
    if not markup or ends.strip() != ends or not ends.isascii():
        return None
    return markup


def html_markup(response: TextResponse) -> bytes | None:
    """The bytes lxml parses for Scrapy's ``response.selector`` of an HTML page: the
    body's own when they are (:func:`utf8_markup`), else its text stripped, without NULs,
    encoded in UTF-8, as parsel makes them. None for an empty page, or one that is not
    HTML (parsel guesses the type of any other response).

    >>> html_markup(HtmlResponse("https://x.org/", body=b" <p>\\xe9</p>", encoding="cp1252"))
    b'<p>\\xc3\\xa9</p>'
    """
    if not isinstance(response, HtmlResponse):
        return None
    markup = utf8_markup(response)
    if markup is None:
        markup = response.text.strip().replace("\x00", "").encode("utf-8")
    return markup or None


def _html_classes() -> etree.ElementNamespaceClassLookup:
    """lxml.html's classes for a tree's nodes (``HtmlElementClassLookup``'s: an
    ``HtmlElement``, a ``FormElement`` for a form...), looked up in C. lxml.html's own
    lookup is a Python method, called for every node lxml hands to Python: 5% of an
    article's extraction (the content walk meets every element of the article)."""
    lookup = etree.ElementNamespaceClassLookup(
        etree.ElementDefaultClassLookup(
            element=html.HtmlElement,
            comment=html.HtmlComment,
            pi=html.HtmlProcessingInstruction,
            entity=html.HtmlEntity,
        )
    )
    lookup.get_namespace(None).update(html.HtmlElementClassLookup._default_element_classes)
    return lookup


HTML_CLASSES = _html_classes()


PARSER_MAX_DEPTH = 2048
"""The nesting at which libxml2 stops parsing even with its ``XML_PARSE_HUGE`` option
(``huge_tree``): an element with that many ancestors is refused, and the rest of the page
with it. Without the option the limit is 256 (:data:`DEFAULT_PARSER_MAX_DEPTH`)."""
DEFAULT_PARSER_MAX_DEPTH = 256
"""libxml2's nesting limit without ``huge_tree``, as other libraries parse (trafilatura)."""


def nesting_depth(root: etree._Element) -> int:
    """How deep the last element of ``root``'s tree lies (ancestors it has): when libxml2
    stops at its nesting limit, the element it stopped in is the last, at the limit's
    depth. A page's closing elements are shallow; one old page's unclosed ``<font>`` in
    each paragraph nests each paragraph in the one before.

    >>> nesting_depth(parse_html(b"<div><div><p>a</p></div></div><p>b</p>", "https://x.org/"))
    2
    >>> nesting_depth(parse_html(b"<p><font>a" * 3000, "https://x.org/")) == PARSER_MAX_DEPTH - 1
    True
    """
    depth = 0
    element = root
    while len(element):
        element = element[-1]
        depth += 1
    return depth


def stopped_at_nesting_limit(root: etree._Element) -> bool:
    """Whether libxml2 stopped parsing ``root``'s page at its nesting limit
    (:data:`PARSER_MAX_DEPTH`), leaving out what came after."""
    return nesting_depth(root) >= PARSER_MAX_DEPTH - 1


def parse_html(markup: bytes, base_url: str) -> etree._Element:
    """The tree of ``markup`` (UTF-8), as parsel parses an HTML page's text: lxml.html's
    parser (:data:`HTML_CLASSES`), recovering, an empty page ``<html/>``. A page whose
    markup goes on after a ``</body>`` (:func:`content_after_body`) is parsed again without
    its ``</body>`` and ``</html>`` tags, as a browser reads on past them.

    >>> root = parse_html(b"<form><p>A &amp; B", "https://x.org/a/")
    >>> type(root[0][0]).__name__, root[0][0][0].text, root.getroottree().docinfo.URL
    ('FormElement', 'A & B', 'https://x.org/a/')
    >>> root = parse_html(b"<div id=story><p>a</p></body><p>b</p></div>", "https://x.org/a/")
    >>> root.xpath("string(//div)")
    'ab'
    """
    # Without the table of id attributes libxml2 keeps for XPath's id() (never used here:
    # a CSS "#x" is "@id = 'x'"): 4% of the parse of a realistic archive page.
    parser = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True, collect_ids=False)
    parser.set_element_class_lookup(HTML_CLASSES)
    root = etree.fromstring(markup, parser=parser, base_url=base_url)
    if root is None:
        root = etree.fromstring(b"<html/>", parser=parser, base_url=base_url)
    elif content_after_body(root):
        root = etree.fromstring(DOCUMENT_END.sub(b"", markup), parser=parser, base_url=base_url)
    return root


DOCUMENT_END = re.compile(rb"</(?:body|html)\s*>", re.IGNORECASE)
"""The end tags a browser reads on past, to the end of the page."""
AFTER_BODY = frozenset({"script", "noscript", "style", "link", "meta", "iframe", "img"})
"""What servers and CDNs append to a page after its ``</body>``: none of it its text."""


def content_after_body(root: etree._Element) -> bool:
    """Whether libxml2 put elements of the page after its ``<body>``, as it does with
    what follows a ``</body>`` that comes early (an ad's code pasted with the end of its
    page): it closes every element still open, the story's container too, and the rest
    of the story lies outside it, where a browser reads on inside it. A few siblings of
    ``<body>`` at most are looked at.

    >>> content_after_body(etree.HTML("<p>a</p></body><script>ga()</script>"))
    False
    >>> content_after_body(etree.HTML("<div><p>a</p></body><p>b</p></div>"))
    True
    """
    body = root.find("body")
    return body is not None and any(
        isinstance(element.tag, str) and element.tag not in AFTER_BODY
        for element in body.itersiblings()
    )


def deep_html_tree(markup: bytes, base_url: str) -> html.HtmlElement:
    """The tree of ``markup`` (UTF-8) as trafilatura's parser makes it (lxml.html's
    classes, comments and processing instructions left out), but nested as deep as
    libxml2 goes (:data:`PARSER_MAX_DEPTH`): trafilatura reads a tree it is given as it
    reads its own.

    >>> root = deep_html_tree(b"<p><font>a<!-- x -->" * 300 + b"<p>end", "https://x.org/")
    >>> root.text_content().count("a"), root.text_content()[-3:]
    (300, 'end')
    """
    parser = html.HTMLParser(
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
        huge_tree=True,
    )
    return html.document_fromstring(markup, parser=parser, base_url=base_url)


INLINE_TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "dfn", "em", "font", "i", "kbd",
    "mark", "nobr", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup",
    "time", "tt", "u", "var",
})  # fmt: skip
"""Elements inside a line of text; any other element (``<br>``, a block) ends a line. A
page may leave them open: a browser's parser closes them with the paragraph they are in,
libxml2's nests the next paragraph in them."""
NESTED_PARAGRAPHS = etree.XPath("//p[ancestor::p]")


def unnest_paragraphs(root: etree._Element) -> int:
    """Move each ``<p>`` that libxml2 nested in an open ``<p>`` through line elements left
    open (``<p><font>a<p><font>b``: :data:`INLINE_TAGS`) to follow that paragraph, with what
    follows it in there, as a browser's parser does (a ``<p>`` closes an open ``<p>``).
    Returns how many moved. A reader of paragraphs (trafilatura) takes a nested one's text
    for its outer one's: a page of unclosed ``<font>`` would be one paragraph.

    >>> root = parse_html(b"<div><p><font>a<p><font>b</font>c<p>d</div>e", "https://x.org/")
    >>> unnest_paragraphs(root), [p.text_content() for p in root.iter("p")]
    (1, ['a', 'bc', 'd'])
    >>> root.xpath("string(//div)"), root.xpath("string(//body)")
    ('abcd', 'abcde')
    """
    moved_count = 0
    for inner in NESTED_PARAGRAPHS(root):  # document order: an outer one before its inner
        between = []
        parent = inner.getparent()
        while parent is not None and parent.tag in INLINE_TAGS:
            between.append(parent)
            parent = parent.getparent()
        if parent is None or parent.tag != "p":
            continue  # nested in a block (a <div> in a <p>): not a paragraph left open
        moved = [inner, *inner.itersiblings()]
        for element in between:
            moved.extend(element.itersiblings())
        tail, parent.tail = parent.tail, None
        anchor = parent
        for element in moved:
            anchor.addnext(element)
            anchor = element
        if tail:
            anchor.tail = (anchor.tail or "") + tail
        moved_count += 1
    return moved_count


def page_selector(response: TextResponse) -> Selector:
    """``response.selector``, the same tree with the same base URL, parsed as
    :func:`parse_html` parses (read on past a ``</body>`` that markup follows) from the
    bytes Scrapy would parse (:func:`html_markup`): on a 55 KB page in UTF-8 its own
    bytes, without decoding and re-encoding them. Scrapy keeps it, as it keeps its own,
    for whatever asks the response for it next.

    >>> page = "<div>Café</p></body><p>suite</p></div>".encode("cp1252")
    >>> page_selector(HtmlResponse("https://x.org/", body=page, encoding="cp1252")).xpath("string(//div)").get()
    'Cafésuite'
    """
    if response._cached_selector is None:
        markup = html_markup(response)
        if markup is not None:
            root = parse_html(markup, page_base_url(response))
            selector = Selector(type="html", root=root)
            selector.response = response
            response._cached_selector = selector
    return response.selector


AMP_IMAGE_TAGS = ("amp-img", "amp-anim")
AMP_IMAGE_MARK = b"<amp-"
"""In the bytes of a page that may have AMP images: no search of the tree without it."""


def amp_images_as_img(root: etree._Element) -> None:
    """Name an AMP page's images ``<img>``, as every reader here knows images:
    ``<amp-img src width height>`` (and ``<amp-anim>``, a GIF) is AMP's ``<img>``, and an
    article's photos were left out of AMP pages' records. What an AMP image holds (a
    ``<noscript>`` copy of it, a placeholder) goes with its tag.

    >>> root = html.fromstring('<figure><amp-img src="/a.jpg" width="800" height="600">'
    ...     '<noscript><img src="/a.jpg"></noscript></amp-img><figcaption>Waves</figcaption></figure>')
    >>> amp_images_as_img(root)
    >>> html.tostring(root)
    b'<figure><img src="/a.jpg" width="800" height="600"><figcaption>Waves</figcaption></figure>'
    """
    for element in list(root.iter(*AMP_IMAGE_TAGS)):
        element.text = None
        for child in list(element):
            element.remove(child)
        element.tag = "img"


HTML_END_TAGS = (b"</html", b"</HTML")
PAGE_TRAILER = re.compile(
    rb"(?:\s+|<!--.*?-->|</?(?:body|html)\b[^>]*>|<img\b[^>]*>"
    rb"|<(script|noscript|style|iframe)\b.*?</\1\s*>)*",
    re.IGNORECASE | re.DOTALL,
)
"""What may follow a page's ``</html>``: whitespace, comments, and the scripts, styles and
pixels that servers and CDNs append to pages, none of them text."""


def early_html_end(body: bytes) -> bool:
    """Whether ``body`` has an ``</html>`` that markup follows: an old template's doubled
    end, the end of a page pasted in (an ad's, a widget's). A browser ignores it and reads
    on; libxml2 stops at one it cannot match with an ``<html>``, and the rest of the page,
    the rest of the story, is not read. One in a script or a comment is none. Two reverse
    searches of the bytes on most pages, about 15 µs.

    >>> early_html_end(b"<html><body><p>a</p></body></html>\\n<script>ga()</script>\\n")
    False
    >>> early_html_end(b"<html><body><p>a</p><div></body></HTML></div><p>b</p></body></html>")
    True
    >>> early_html_end(b"<html><body><p>a</p></html><p>b</p>")
    True
    >>> early_html_end(b"<html><body><script>w('</html>')</script><p>b</p></body></html>")
    False
    """
    last = next((end for end in map(body.rfind, HTML_END_TAGS) if end >= 0), -1)
    if last < 0:
        return False
    closed = body.find(b">", last)
    trailer = PAGE_TRAILER.match(body, closed + 1) if closed >= 0 else None
    if (trailer is None or trailer.end() != len(body)) and not in_script_or_comment(body, last):
        return True  # markup follows the page's last one
    position = last
    while (found := max(body.rfind(tag, 0, position) for tag in HTML_END_TAGS)) >= 0:
        if not in_script_or_comment(body, found):
            return True
        position = found
    return False


def read_past_html_end(body: bytes, encoding: str) -> bytes | None:
    """``body`` without its ``</body>`` and ``</html>`` tags when an ``</html>`` comes
    early (:func:`early_html_end`) and libxml2, stopping there, would leave text of the
    page out; None otherwise (a pasted document with its own ``<html>``, whose end libxml2
    reads as nested in the page).

    >>> read_past_html_end(b"<html><body><p>a</p></body></html><p>b</p></body></html>", "utf-8")
    b'<html><body><p>a</p><p>b</p>'
    >>> read_past_html_end(b"<html><body><p>a</p><div><html>ad</html></div><p>b</p>", "utf-8")
    """
    if not early_html_end(body):
        return None
    read_on = DOCUMENT_END.sub(b"", body)
    return read_on if text_length(read_on, encoding) > text_length(body, encoding) else None


def text_length(body: bytes, encoding: str) -> int:
    """How many characters of text libxml2 reads in the page ``body``."""
    markup = body.decode(encoding, "replace").encode("utf-8")
    root = etree.fromstring(markup, etree.HTMLParser(recover=True, encoding="utf-8"))
    return 0 if root is None else len(root.xpath("string()"))


def in_script_or_comment(body: bytes, position: int) -> bool:
    """Whether ``position`` of ``body`` is inside a ``<script>`` or a comment: its nearest
    opening before it comes after its nearest closing.

    >>> in_script_or_comment(b"<SCRIPT>w('</html>')", 11), in_script_or_comment(b"<!-- x --></html>", 10)
    (True, False)
    """

    def last(*marks: bytes) -> int:
        return max(body.rfind(mark, 0, position) for mark in marks)

    return last(b"<script", b"<SCRIPT") > last(b"</script", b"</SCRIPT") or last(b"<!--") > last(
        b"-->"
    )
