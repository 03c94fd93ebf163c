"""Drop records that break the output contract, saying which field and why."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, NamedTuple, Self

import fastjsonschema
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from crawler.extraction.text_facts import TextFacts, text_facts
from crawler.reporting import stats_keys
from crawler.reporting.outcomes import DropArticle, DropReason
from pipelines.output import plain_record

# jsonschema names what is wrong with a record the fast check refused: imported then,
# not with the pipeline (its import and the schema check were 0.06-0.16 s of every
# crawl's start, depending on the machine).
if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

logger = logging.getLogger(__name__)

SCHEMA_FILE = "article-v2.schema.json"


@cache
def article_check() -> Callable[[dict[str, Any]], Any]:
    """Schema v2 compiled to Python code (fastjsonschema): a fast yes/no, about 20 times
    faster than jsonschema on a valid record. Compiled as draft-07, which has every keyword
    the schema uses; its patterns run on Python's ``re``, as jsonschema's do."""
    schema = {**article_schema(), "$schema": "http://json-schema.org/draft-07/schema#"}
    return fastjsonschema.compile(refs_inlined(nullable_rewritten(schema, schema["$defs"])))


def refs_inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with each reference to one of its ``$defs`` replaced by the definition:
    the same records pass. The compiled check calls a function for each reference, and
    for each item of a list (an author, a tag, an image's caption and credit) formats the
    item's name for it first, an error message's, with ``str.format(**locals())`` over
    the whole check's variables: 40% of the check's time on a valid record.

    >>> refs_inlined({"$defs": {"d": {"type": "string"}}, "items": {"$ref": "#/$defs/d"}})
    {'items': {'type': 'string'}}
    """
    defs = schema.get("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, list):
            return [inline(item) for item in node]
        if not isinstance(node, dict):
            return node
        reference = node.get("$ref", "")
        if node.keys() == {"$ref"} and reference.startswith("#/$defs/"):
            return inline(defs[reference.removeprefix("#/$defs/")])
        return {key: inline(value) for key, value in node.items() if key != "$defs"}

    inlined: dict[str, Any] = inline(schema)
    return inlined


TYPE_SPECIFIC = frozenset(
    {
        "type",
        "description",
        "minLength",
        "pattern",
        "minimum",
        "items",
        "uniqueItems",
        "properties",
        "required",
        "additionalProperties",
    }
)
"""Keywords (and an annotation) that say nothing of a value of another type than theirs:
``pattern`` passes a number, ``required`` passes a string, and each passes null."""


def nullable_rewritten(schema: Any, defs: dict[str, Any]) -> Any:
    """``schema`` with every ``oneOf: [X, {"type": "null"}]`` whose ``X`` (or the definition
    it refers to) has a type other than null written so that the same records pass with
    no exception raised inside the check. The compiled ``oneOf`` tries every branch and
    raises an exception for each that fails, a compiled ``anyOf`` for each it tries
    before one passes: on a valid record, half the time of its check.

    An ``X`` with a type and only :data:`TYPE_SPECIFIC` keywords takes null among its
    types; any other ``X`` stays a branch, of ``anyOf`` (no value is both).

    >>> defs = {"d": {"type": "string", "pattern": "^[0-9]+$"}}
    >>> nullable_rewritten({"oneOf": [{"$ref": "#/$defs/d"}, {"type": "null"}]}, defs)
    {'type': ['string', 'null'], 'pattern': '^[0-9]+$'}
    >>> nullable_rewritten({"oneOf": [{"enum": ["a"], "type": "string"}, {"type": "null"}]}, {})
    {'anyOf': [{'enum': ['a'], 'type': 'string'}, {'type': 'null'}]}
    >>> nullable_rewritten({"oneOf": [{"type": "number"}, {"type": "integer"}]}, {})
    {'oneOf': [{'type': 'number'}, {'type': 'integer'}]}
    """
    if isinstance(schema, list):
        return [nullable_rewritten(item, defs) for item in schema]
    if not isinstance(schema, dict):
        return schema
    rewritten = {key: nullable_rewritten(value, defs) for key, value in schema.items()}
    branches = rewritten.get("oneOf")
    if isinstance(branches, list) and len(branches) == 2 and {"type": "null"} in branches:
        other = branches[0] if branches[1] == {"type": "null"} else branches[1]
        ref = other.get("$ref", "") if isinstance(other, dict) else ""
        target = (
            nullable_rewritten(defs.get(ref.removeprefix("#/$defs/"), {}), defs) if ref else other
        )
        if not isinstance(target, dict) or target.get("type") in (None, "null"):
            return rewritten
        if (
            rewritten.keys() == {"oneOf"}
            and isinstance(target["type"], str)
            and target.keys() <= TYPE_SPECIFIC
        ):
            return {**target, "type": [target["type"], "null"]}
        rewritten["anyOf"] = rewritten.pop("oneOf")
    return rewritten


def is_valid_article(record: dict[str, Any]) -> bool:
    try:
        article_check()(record)
    except fastjsonschema.JsonSchemaValueException:
        return False
    return True


@cache
def article_schema() -> dict[str, Any]:
    """Schema v2 (``crawler/schema/article-v2.schema.json``)."""
    schema: dict[str, Any] = json.loads(
        resources.files("crawler.schema").joinpath(SCHEMA_FILE).read_text()
    )
    return schema


@cache
def article_validator() -> Draft202012Validator:
    """The validator for schema v2, checked to be a valid schema."""
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(article_schema())
    return Draft202012Validator(article_schema())


class FieldProblem(NamedTuple):
    """What is wrong with a record, and in which field."""

    reason: DropReason
    field: str

    def __str__(self) -> str:
        """As counted and logged: ``missing_title``."""
        return self.reason.about(self.field)


def drop_reason(error: ValidationError) -> FieldProblem:
    """A short, countable reason: ``missing_title``, ``empty_body``, ``invalid_published``.

    >>> from jsonschema.exceptions import ValidationError
    >>> str(drop_reason(ValidationError("'title' is a required property",
    ...     validator="required", validator_value=["title"], instance={})))
    'missing_title'
    """
    if error.validator == "required":
        missing = [field for field in error.validator_value if field not in (error.instance or {})]
        return FieldProblem(DropReason.MISSING, missing[0] if missing else "field")
    field = next((str(part) for part in error.absolute_path), "record")
    if error.instance in ("", None, []) or error.validator == "minLength":
        return FieldProblem(DropReason.EMPTY, field)
    return FieldProblem(DropReason.INVALID, field)


def text_policy_errors(facts: TextFacts) -> list[FieldProblem]:
    """Text fields must already be Unicode NFC (the schema cannot say so).

    >>> [str(problem) for problem in text_policy_errors(TextFacts.of("Cafe\\u0301", "B"))]
    ['not_nfc_title']
    """
    return [FieldProblem(DropReason.NOT_NFC, field) for field in facts.not_nfc]


class ValidateArticlePipeline:
    """Validates each record against JSON Schema v2; a failing record is dropped, logged
    with its URL and reason, and counted as ``articles/dropped/<reason>``."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        record = plain_record(item)
        errors = []
        if not is_valid_article(record):  # jsonschema names the reasons
            errors = sorted(
                article_validator().iter_errors(record), key=lambda e: list(e.absolute_path)
            )
        # NFC checked with the record in the extraction worker, when it was made there.
        problems = [drop_reason(error) for error in errors] + text_policy_errors(text_facts(item))
        if problems:
            first = problems[0]
            self.stats.inc_value(f"{stats_keys.ARTICLES_DROPPED}{first}")
            details = "; ".join(error.message[:200] for error in errors) or str(first)
            message = f"{record.get('fetched_url')}: {details}"
            raise DropArticle(first.reason, message, field=first.field)
        return item
