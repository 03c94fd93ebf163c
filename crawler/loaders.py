"""Item loader for articles: field-generic cleaning, declared next to each field.

Input processors run on every value added with ``add_value``/``add_css``/``add_xpath``;
output processors run once, at ``load_item``. Profiles add each field's signals in
priority order, so ``TakeFirst`` keeps the best signal the page has. Site quirks are a
subclass that composes extra processors (see ``crawler/sites/aawsat.py``).
"""

from __future__ import annotations

from typing import Any

from itemloaders.processors import Compose, Identity, Join, MapCompose, TakeFirst
from scrapy.http import TextResponse
from scrapy.loader import ItemLoader

from crawler.items import ArticleItem
from crawler.processors import normalize_text, unique


def language_code(value: str) -> str | None:
    """Primary language subtag of an ``<html lang>`` or ``og:locale`` value.

    >>> language_code("en-US"), language_code("ar_SA")
    ('en', 'ar')
    """
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return code if code.isalpha() and 2 <= len(code) <= 3 else None


def digits(value: str) -> str | None:
    """The value if it is a decimal id, else ``None``.

    >>> digits(" 55351211 "), digits("n/a")
    ('55351211', None)
    """
    value = value.strip()
    return value if value.isdigit() else None


class ArticleLoader(ItemLoader):
    """Loads an :class:`ArticleItem`; values are cleaned text unless declared otherwise."""

    default_item_class = ArticleItem
    default_input_processor = MapCompose(normalize_text)
    default_output_processor = TakeFirst()

    authors_out = Compose(unique)
    tags_out = Compose(unique)
    language_in = MapCompose(language_code)
    media_id_in = MapCompose(normalize_text, digits)
    post_id_in = MapCompose(normalize_text, digits)
    images_in = Identity()
    images_out = Identity()
    body_out = Join("\n\n")
    extractor_in = Identity()

    def __init__(self, response: TextResponse | None = None, **kwargs: Any) -> None:
        if response is not None:
            # The response's own parsed tree: Scrapy's ItemLoader would parse the page again.
            kwargs.setdefault("selector", response.selector)
        super().__init__(response=response, **kwargs)
