"""The article record: one line of the output JSON Lines, schema v2.

Field order here is the order of keys in every output line. The JSON Schema in
``crawler/schema/article-v2.schema.json`` is the contract; ``docs/schema.md`` documents
each field. Every field has a default so an item loader can start from an empty item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 2

PAGE_URL = "_page_url"
"""The attribute a record addressed by its page's ``rel=canonical`` (another URL than the
page's own) keeps the page's own public URL in: outside its fields, so never output, but
pickled with it. Where the record goes if that canonical turns out to be other articles'
too, a template's mistake (``pipelines/dedupe.py``)."""


@dataclass(kw_only=True)
class ArticleItem:
    """One archived article."""

    schema_version: int = SCHEMA_VERSION
    id: str | None = None
    """Stable id: ``<site>-`` + 16 hex digits of SHA-256 of ``url``."""
    url: str | None = None
    """Canonical, absolute, public URL of the article."""
    fetched_url: str | None = None
    """URL the page was actually fetched from (after redirects)."""
    fetched_at: str | None = None
    """When the page was fetched, ISO 8601 UTC."""
    site: str | None = None
    """Name of the site profile that extracted the page."""
    title: str | None = None
    """Headline, without the site-name suffix of the ``<title>`` tag."""
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    """Publication date, ISO 8601, with only the precision the page gives."""
    published_raw: str | None = None
    """Publication date exactly as found (on the page, or on the listing it came from)."""
    published_source: str | None = None
    """Where ``published`` came from: ``page``, ``listing``, ``month_archive``; None without one."""
    published_precision: str | None = None
    """How precise ``published`` is: ``instant``, ``day`` or ``month``; None without one."""
    modified: str | None = None
    modified_raw: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    media_id: str | None = None
    """The archive's own "Media ID: N" number, as a string."""
    post_id: str | None = None
    """The CMS's internal post id (WordPress ``postid-N``), as a string."""
    language: str | None = None
    images: list[dict[str, Any]] = field(default_factory=list)
    """``{"url", "caption", "credit"}`` per image, in document order."""
    body: str | None = None
    """Plain-text paragraphs separated by one blank line (``"\\n\\n"``)."""
    word_count: int | None = None
    content_hash: str | None = None
    """``sha256:`` + hex digest of title and body; changes when the text changes."""
    extractor: dict[str, str] | None = None
    """``{"name": profile name, "version": profile version}``."""
    version: int = 1
    """1 when first emitted; raised each time an incremental run finds the text changed."""
    previous_hash: str | None = None
    """The ``content_hash`` this version replaces, or None for version 1."""
    capture: dict[str, str] | None = None
    """Wayback provenance ``{"timestamp", "url"}`` when the page came from an archive capture."""


def note_page_url(item: ArticleItem, url: str) -> None:
    """Keep ``url``, the public URL of the page ``item`` was read from, with it."""
    vars(item)[PAGE_URL] = url


def page_url(item: Any) -> str | None:
    """The public URL of the page ``item`` was read from, when its ``url`` is another one
    (its canonical's); None otherwise, or for a record of another kind (a dict).

    >>> item = ArticleItem(url="https://x.org/a/")
    >>> page_url(item), page_url({"url": "https://x.org/a/"})
    (None, None)
    >>> note_page_url(item, "https://x.org/a/?amp=1"); page_url(item)
    'https://x.org/a/?amp=1'
    """
    url = getattr(item, "__dict__", {}).get(PAGE_URL)
    return url if isinstance(url, str) else None
