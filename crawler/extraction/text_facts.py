"""What the pipelines derive from a record's title and body, worked out where the record
is made.

The normalize pipeline counts the body's words and hashes the title and body
(``word_count``, ``content_hash``); the validate pipeline checks that both are Unicode NFC.
On the benchmark archive's articles (9,000 characters, 1,500 words) that is about 0.1 ms
a record, most of the two pipelines' time, spent in the crawl's process: the busy one,
which also downloads, schedules and writes. The record itself is made in an extraction
worker (``crawler/runtime/extraction_pool.py``), whose core has time to spare. So the
worker works these facts out with the record (:func:`note_text_facts`), they cross to
the crawl's process with it, and the pipelines take them from there (:func:`text_facts`)
as long as the record's title and body are the very strings they were worked out from.
A pipeline that changes either (the site title suffix) has them worked out again. The
values are the same either way; only the process that computes them changes.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from typing import Any

from itemadapter import ItemAdapter

from crawler.extraction.processors import word_count

SHA256 = "sha256:"
"""How a ``content_hash`` starts: the hash function, then its hex digest."""

NOTED = "_text_facts"
"""The attribute a record's noted facts are kept in: outside its fields, so never output
(``pipelines/output.py`` reads the fields), but pickled with it."""


def content_hash(title: str | None, body: str | None) -> str:
    """Fingerprint of the article text: changes exactly when title or body change.

    >>> content_hash("T", "B")[:23]
    'sha256:c467a8e4991deeb4'
    """
    text = f"{title or ''}\n\n{body or ''}"
    return SHA256 + hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class TextFacts:
    """A title and body, and what the pipelines derive from them."""

    title: str | None
    body: str | None
    word_count: int
    content_hash: str
    not_nfc: tuple[str, ...]
    """The text fields (``title``, ``body``) that are not Unicode NFC."""

    @classmethod
    def of(cls, title: str | None, body: str | None) -> TextFacts:
        """Worked out now.

        >>> facts = TextFacts.of("Cafe\\u0301 talk", "One — two.")
        >>> facts.word_count, facts.not_nfc
        (2, ('title',))
        """
        texts = {"title": title, "body": body}
        return cls(
            title,
            body,
            word_count(body or ""),
            content_hash(title, body),
            tuple(
                field
                for field, text in texts.items()
                if isinstance(text, str) and not unicodedata.is_normalized("NFC", text)
            ),
        )

    def holds_for(self, title: str | None, body: str | None) -> bool:
        """Whether these are the facts of ``title`` and ``body``: the same strings (not
        equal ones: an equality test would read both texts through, a tenth of the work
        saved)."""
        return self.title is title and self.body is body


def note_text_facts(item: Any) -> None:
    """Work out the facts of ``item``'s title and body now, and keep them with it (an
    object with attributes: a dataclass record)."""
    adapter = ItemAdapter(item)
    vars(item)[NOTED] = TextFacts.of(adapter.get("title"), adapter.get("body"))


def text_facts(item: Any) -> TextFacts:
    """The facts of the title and body ``item`` (a record of any kind ``ItemAdapter``
    reads) has now: those noted with it if it still has the same title and body, else
    worked out now.

    >>> from crawler.items import ArticleItem
    >>> item = ArticleItem(title="Headline | Sport", body="A body.")
    >>> note_text_facts(item)
    >>> text_facts(item) is vars(item)[NOTED]
    True
    >>> item.title = "Headline"
    >>> text_facts(item) is vars(item)[NOTED], text_facts(item) == TextFacts.of("Headline", "A body.")
    (False, True)
    >>> text_facts({"title": "T", "body": "B"}).content_hash == content_hash("T", "B")
    True
    """
    adapter = ItemAdapter(item)
    title, body = adapter.get("title"), adapter.get("body")
    noted = getattr(item, "__dict__", {}).get(NOTED)
    if isinstance(noted, TextFacts) and noted.holds_for(title, body):
        return noted
    return TextFacts.of(title, body)
