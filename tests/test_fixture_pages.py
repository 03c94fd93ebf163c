"""Golden tests over every article page of the fixture mirrors, one test per field."""

from __future__ import annotations

from dataclasses import fields

import pytest

from crawler.items import ArticleItem
from pipelines.validate import article_validator
from qa.fixtures import FIXTURES, PageCase, page_cases

CASES = page_cases()
FIELDS = [f.name for f in fields(ArticleItem)]
# checks.json keys that describe the page rather than a record field.
CHECK_NOTES = {"hazards", "duplicate_of", "paragraphs", "crawl_published"}
# Strings that are theme, site or widget chrome: never part of any article body.
BOILERPLATE = (
    "Select Page",
    "Media ID",
    "ASHARQ AL-AWSAT English Archive",
    "Middle-east Arab News Opinion",
    "Share this",
    "Leave a Reply",
    "Submit a Comment",
    "Submit Comment",
    "Recent Posts",
    "Older Entries",
    "Designed by Elegant Themes",
    "Powered by WordPress",
    "Advertisement",
    "Related posts",
    "platform.twitter.com",  # an embedded tweet's script (its text is the generic profile's body)
    "REUTERS",
    "(AFP)",
    "AP Photo",
)

_records: dict[str, dict] = {}


def record_of(case: PageCase) -> dict:
    if case.name not in _records:
        _records[case.name] = case.record()
    return _records[case.name]


def test_there_are_enough_cases():
    assert len(CASES) >= 20


@pytest.mark.parametrize(
    ("case", "field"),
    [(case, field) for case in CASES for field in FIELDS],
    ids=[f"{case.name}-{field}" for case in CASES for field in FIELDS],
)
def test_golden_field(case: PageCase, field: str):
    assert record_of(case)[field] == case.expected()[field]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_golden_has_no_extra_or_missing_fields(case: PageCase):
    assert sorted(case.expected()) == sorted(FIELDS)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hand_written_checks(case: PageCase):
    record, checks = record_of(case), case.checks
    for key in sorted(set(checks) - CHECK_NOTES):
        assert record[key] == checks[key], key
    assert record["body"] == "\n\n".join(checks["paragraphs"])


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_record_is_schema_valid_and_free_of_boilerplate(case: PageCase):
    record = {**record_of(case), "fetched_at": "2026-01-01T00:00:00Z"}
    article_validator().validate(record)
    leaks = [text for text in BOILERPLATE if text.lower() in record["body"].lower()]
    assert leaks == []


def test_seed_article_body_is_exactly_the_text_of_the_real_page_dump():
    dump = (FIXTURES / "aawsat" / "seed" / "asharq-al-awsat-article-dump.txt").read_text()
    text = dump[dump.index("Russia recently proposed") :]
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    (case,) = [c for c in CASES if "us-disregards-russian-proposal" in c.name]
    record = record_of(case)
    assert record["body"] == "\n\n".join(paragraphs)
    assert record["title"] == "U.S. Disregards Russian Proposal on Joint Strikes in Syria"
    assert record["media_id"] == "55351211"
    assert [(i["caption"][:24], i["credit"]) for i in record["images"]] == [
        ("Russian President Vladim", "REUTERS")
    ]
