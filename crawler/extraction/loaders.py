"""Item loader for articles: field-generic cleaning, declared next to each field.

Input processors run on every value added with ``add_value``/``add_css``/``add_xpath``;
output processors run once, at ``load_item``. Profiles add each field's signals in
priority order, so ``TakeFirst`` keeps the best signal the page has. Site quirks are a
subclass that composes extra processors (see ``crawler/sites/aawsat.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from itemadapter import ItemAdapter
from itemloaders import unbound_method
from itemloaders.processors import Compose, Identity, Join, MapCompose, TakeFirst
from itemloaders.utils import arg_to_iter
from scrapy.http import TextResponse
from scrapy.loader import ItemLoader

from crawler.extraction.parsing import page_selector
from crawler.extraction.processors import (
    decode_entities,
    first_section,
    normalize_text,
    tag_list,
    topic_tag,
    unique,
    unique_ignoring_case,
    without_direction_marks_at_ends,
    without_edge_separators,
)
from crawler.items import ArticleItem


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


@cache
def declared_processor(
    loader_class: type[ItemLoader], field_name: str, direction: str
) -> Callable[..., Any]:
    """The processor a loader class declares for a field (``direction`` "in" or "out"),
    resolved as itemloaders does: ``<field>_<direction>``, then the item field's metadata,
    then the loader's default."""
    declared = getattr(loader_class, f"{field_name}_{direction}", None)
    if not declared:
        key = "input_processor" if direction == "in" else "output_processor"
        default = getattr(loader_class, f"default_{key}")
        meta = ItemAdapter.get_field_meta_from_class(loader_class.default_item_class, field_name)
        declared = meta.get(key, default)
    return unbound_method(declared)


class ArticleLoader(ItemLoader):
    """Loads an :class:`ArticleItem`; values are cleaned text unless declared otherwise."""

    default_item_class = ArticleItem
    default_input_processor = MapCompose(normalize_text, without_direction_marks_at_ends)
    default_output_processor = TakeFirst()

    authors_out = Compose(unique)
    tags_in = MapCompose(
        normalize_text,
        decode_entities,
        tag_list,
        topic_tag,
        without_edge_separators,
        without_direction_marks_at_ends,
    )
    tags_out = Compose(unique_ignoring_case)
    section_in = MapCompose(
        normalize_text,
        decode_entities,
        first_section,
        without_edge_separators,
        without_direction_marks_at_ends,
    )
    language_in = MapCompose(normalize_text, language_code)
    media_id_in = MapCompose(normalize_text, digits)
    post_id_in = MapCompose(normalize_text, digits)
    images_in = Identity()
    images_out = Identity()
    # Paragraphs come from the content walker or the extractor, each normalized once
    # already; the validate pipeline's text policy still checks the result.
    body_in = Identity()
    body_out = Join("\n\n")
    extractor_in = Identity()

    def __init__(self, response: TextResponse | None = None, **kwargs: Any) -> None:
        if response is not None:
            # The response's own parsed tree: Scrapy's ItemLoader would parse the page again.
            kwargs.setdefault("selector", page_selector(response))
        super().__init__(response=response, **kwargs)

    @classmethod
    def field_value(cls, field_name: str, values: Any) -> Any:
        """What the record's ``field_name`` would be if ``values`` were added to a loader of
        this class: its declared input then output processors, with no loader built.

        >>> ArticleLoader.field_value("title", [None, "  A  title ", "Other"])
        'A title'
        """
        processed = cls.input_processor(field_name)(arg_to_iter(values))
        return cls.output_processor(field_name)(list(arg_to_iter(processed)) if processed else [])

    @classmethod
    def load_fields(cls, values: Mapping[str, Any]) -> ArticleItem:
        """The item :meth:`load_item` would return after ``add_value(name, value)`` for each
        of ``values``, with no loader built: each field's declared input processor, then its
        output processor on what is left; a field with nothing left keeps its default.

        An item loader passes every value through layers of its own (loader context, an
        ItemAdapter per value) that cost more than the processors do; none of the declared
        processors reads the loader context, so none is given.

        >>> ArticleLoader.load_fields({"title": [None, " A  title "], "body": []}).title
        'A title'
        """
        item = cls.default_item_class()
        adapter = ItemAdapter(item)
        for field_name, value in values.items():
            processed = cls.input_processor(field_name)(arg_to_iter(value))
            if processed:
                output = cls.output_processor(field_name)(list(arg_to_iter(processed)))
                if output is not None:
                    adapter[field_name] = output
        return item

    @classmethod
    def input_processor(cls, field_name: str) -> Callable[..., Any]:
        return declared_processor(cls, field_name, "in")  # type: ignore[arg-type]

    @classmethod
    def output_processor(cls, field_name: str) -> Callable[..., Any]:
        return declared_processor(cls, field_name, "out")  # type: ignore[arg-type]

    # Resolved once per loader class and field: itemloaders resolves them for every value,
    # through a new ItemAdapter of the item each time (a third of the loader's time).
    def get_input_processor(self, field_name: str) -> Callable[..., Any]:
        return self.input_processor(field_name)

    def get_output_processor(self, field_name: str) -> Callable[..., Any]:
        return self.output_processor(field_name)
