"""Site-independent page metadata: JSON-LD, OpenGraph / ``article:*`` meta, link relations.

Profiles read these as the first signals in their priority order; every accessor returns
``None`` or an empty list when the page lacks the signal, never raises.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from lxml import etree

logger = logging.getLogger(__name__)

ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "BlogPosting",
        "ReportageNewsArticle",
        "OpinionNewsArticle",
        "AnalysisNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "Report",
    }
)

PUBLISHER_TYPES = frozenset({"WebSite", "Organization", "NewsMediaOrganization"})


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def first_text(value: object) -> str | None:
    """``value`` if it is text, else the first text of a list or a JSON-LD value object
    (``{"@value": …}``): a JSON-LD field read as text, as pages write it.

    >>> first_text(["A", "B"]), first_text({"@value": "A"}), first_text(True), first_text("A")
    ('A', 'A', None, 'A')
    """
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return next((item for item in map(first_text, value) if item), None)
    if isinstance(value, dict):
        return first_text(value.get("@value"))
    return None


def _types(node: dict[str, Any]) -> set[str]:
    return {str(t) for t in _as_list(node.get("@type"))}


def _flatten_jsonld(data: Any) -> list[dict[str, Any]]:
    """Every JSON-LD node, ``@graph`` members after their parent, in document order
    (iterative: a graph nested past the recursion limit is no error)."""
    nodes: list[dict[str, Any]] = []
    stack = list(reversed(_as_list(data)))
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            nodes.append(item)
            stack.extend(reversed(_as_list(item.get("@graph"))))
    return nodes


@dataclass
class PageMetadata:
    """What a page says about itself in ``<head>`` and structured data."""

    meta: dict[str, list[str]] = field(default_factory=dict)
    jsonld_nodes: list[dict[str, Any]] = field(default_factory=list)
    canonical: str | None = None
    shortlink: str | None = None
    language: str | None = None

    def first(self, name: str) -> str | None:
        """First non-empty ``<meta property|name=...>`` content."""
        return next((v for v in self.meta.get(name.lower(), []) if v.strip()), None)

    def all(self, name: str) -> list[str]:
        return [v for v in self.meta.get(name.lower(), []) if v.strip()]

    @cached_property
    def article(self) -> dict[str, Any]:
        """The JSON-LD node describing the article, or ``{}``. Found once: every field asks
        for it, and the nodes do not change once :func:`read_metadata` has read them."""
        return next((n for n in self.jsonld_nodes if _types(n) & ARTICLE_TYPES), {})

    def _resolve(self, value: Any) -> Any:
        """Follow a bare ``{"@id": ...}`` reference to its node in the graph."""
        if isinstance(value, dict) and set(value) == {"@id"}:
            return next((n for n in self.jsonld_nodes if n.get("@id") == value["@id"]), value)
        return value

    def article_text(self, key: str) -> str | None:
        value = first_text(self.article.get(key))
        return value if value and value.strip() else None

    def article_names(self, key: str) -> list[str]:
        """Names of the people or strings under ``key`` (``author``, ``creator``)."""
        names = []
        for value in _as_list(self.article.get(key)):
            value = self._resolve(value)
            if isinstance(value, str):
                names.append(value)
            elif isinstance(value, dict) and isinstance(value.get("name"), str):
                names.append(value["name"])
        return names

    def article_people(self, key: str) -> list[str]:
        """Names under ``key`` (``author``) that the page types as a ``Person``.

        >>> PageMetadata(jsonld_nodes=[{"@type": "BlogPosting", "author": [
        ...     {"@type": "Person", "name": "Sam Okafor"}, {"@type": "Organization", "name": "X"}]}]
        ... ).article_people("author")
        ['Sam Okafor']
        """
        return [
            value["name"]
            for value in map(self._resolve, _as_list(self.article.get(key)))
            if isinstance(value, dict)
            and value.get("@type") == "Person"
            and isinstance(value.get("name"), str)
        ]

    def image_captions(self) -> list[str]:
        """What the page says its images show: ``og:image:alt``, ``twitter:image:alt`` and
        the caption and description of the article's JSON-LD images.

        >>> PageMetadata(
        ...     meta={"og:image:alt": ["A school bus."]},
        ...     jsonld_nodes=[{"@type": "NewsArticle", "image": {"caption": "Fans."}}],
        ... ).image_captions()
        ['A school bus.', 'Fans.']
        """
        captions = [*self.all("og:image:alt"), *self.all("twitter:image:alt")]
        for image in map(self._resolve, _as_list(self.article.get("image"))):
            if isinstance(image, dict):
                captions += [
                    value
                    for value in (image.get("caption"), image.get("description"))
                    if isinstance(value, str) and value.strip()
                ]
        return captions

    def article_images(self) -> list[tuple[str, str | None]]:
        """The article's JSON-LD images (a URL, an ``ImageObject``'s ``url`` or
        ``contentUrl``, or a list of them), each with its caption if it has one.

        >>> PageMetadata(jsonld_nodes=[{"@type": "NewsArticle", "image": [
        ...     "https://x.org/a.jpg", {"@type": "ImageObject", "url": "/b.jpg", "caption": "Fans."}
        ... ]}]).article_images()
        [('https://x.org/a.jpg', None), ('/b.jpg', 'Fans.')]
        """
        images = []
        for image in map(self._resolve, _as_list(self.article.get("image"))):
            if isinstance(image, dict):
                url = next(
                    (v for v in _as_list(image.get("url") or image.get("contentUrl")) if v),
                    None,
                )
                caption = image.get("caption")
                caption = caption if isinstance(caption, str) and caption.strip() else None
            else:
                url, caption = image, None
            if isinstance(url, str) and url.strip():
                images.append((url.strip(), caption))
        return images

    def publisher_names(self) -> list[str]:
        """Names the site gives itself in JSON-LD: its WebSite and Organization nodes and the
        article's publisher."""
        nodes = [*self.jsonld_nodes, *map(self._resolve, _as_list(self.article.get("publisher")))]
        return [
            node["name"]
            for node in nodes
            if isinstance(node, dict)
            and _types(node) & PUBLISHER_TYPES
            and isinstance(node.get("name"), str)
        ]

    def article_keywords(self) -> list[str]:
        keywords = self.article.get("keywords")
        if isinstance(keywords, str):
            return [k for k in keywords.split(",") if k.strip()]
        return [k for k in _as_list(keywords) if isinstance(k, str)]

    def article_sections(self) -> list[str]:
        return [s for s in _as_list(self.article.get("articleSection")) if isinstance(s, str)]


def element_value(element: etree._Element) -> str:
    """What a microdata property says: a ``<meta>``'s ``content``, else the element's text.

    >>> from lxml import html
    >>> [element_value(e) for e in html.fromstring("<p><meta content='A'><b>B <i>C</i></b></p>")]
    ['A', 'B C']
    """
    if element.tag == "meta":
        return element.get("content") or ""
    return "".join(element.itertext())


LONE_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
"""A JSON escape of half a UTF-16 pair: a cut emoji (a script that cut a string in the
middle of one, then wrote it as JSON). Python decodes one left alone into a string that
no UTF-8 writer can write, and the record it reached was lost from every output."""
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def json_document(text: str | bytes) -> Any:
    """``json.loads(text)``, with the halves of UTF-16 pairs that ``text`` escapes alone
    taken out of its strings (whole pairs are one character already).

    >>> json_document('{"name": "Jay \\\\udc00Son", "mood": "\\\\ud83d\\\\ude00"}')
    {'name': 'Jay Son', 'mood': '😀'}
    """
    document = json.loads(text)
    source = text if isinstance(text, str) else text.decode("latin-1")  # for the escapes
    return without_lone_surrogates(document) if LONE_SURROGATE_ESCAPE.search(source) else document


def without_lone_surrogates(value: Any) -> Any:
    """``value`` (a decoded JSON document) with every lone surrogate out of its strings."""
    if isinstance(value, str):
        return LONE_SURROGATE.sub("", value)
    if isinstance(value, list):
        return [without_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {
            without_lone_surrogates(key): without_lone_surrogates(item)
            for key, item in value.items()
        }
    return value


def read_metadata(root: etree._Element) -> PageMetadata:
    """Collect meta tags, JSON-LD nodes and link relations from a parsed page's root.

    One pass over the three tags, in document order (the first canonical wins): four
    separate ``//`` queries walked the whole tree four times.
    """
    metadata = PageMetadata()
    for element in root.iter("meta", "link", "script"):
        if element.tag == "meta":
            content = element.get("content")
            name = element.get("property") or element.get("name") or element.get("itemprop")
            if content is not None and name:
                metadata.meta.setdefault(name.strip().lower(), []).append(content)
        elif element.tag == "link":
            rel, href = element.get("rel"), element.get("href")
            if href is not None and rel == "canonical" and metadata.canonical is None:
                metadata.canonical = href
            elif href is not None and rel == "shortlink" and metadata.shortlink is None:
                metadata.shortlink = href
        elif element.get("type") == "application/ld+json" and element.text:
            try:
                metadata.jsonld_nodes.extend(_flatten_jsonld(json_document(element.text)))
            except (ValueError, RecursionError):  # not JSON, or nested past json's limit
                logger.debug("ignoring JSON-LD that does not parse")
    if root.tag == "html":
        metadata.language = root.get("lang")
    return metadata
