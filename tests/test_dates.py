"""Dates from listings: the ledger, and the post-crawl join over the output file."""

from __future__ import annotations

import itertools
import json

from crawler.discovery.dates import DateLedger, date_record
from crawler.runtime.date_join import KEEP, REWRITE, resolve_output

POST = "https://eng-archive.aawsat.com/a/b/post/"
SIGHTINGS = [
    (POST, None, (2013, 10)),  # the month archive, whose posts show no date
    (POST, "Oct 18, 2013", None),  # a category listing
    (POST, "Oct 18, 2013", (2013, 10)),  # the month archive, with dates shown
    ("https://eng-archive.aawsat.com/other/", "Jan 2, 2014", None),
]


def test_the_ledger_gives_the_same_date_whatever_order_listings_are_read_in():
    answers = set()
    for order in itertools.permutations(SIGHTINGS):
        ledger = DateLedger()
        for sighting in order:
            ledger.listed(*sighting)
        answers.add(ledger.date_for([POST]))
    assert len(answers) == 1
    (answer,) = answers
    assert (answer.published, answer.raw, answer.source) == (
        "2013-10-18",
        "Oct 18, 2013",
        "listing",
    )


def test_a_page_date_is_never_replaced_and_an_implausible_listing_date_is_not_taken():
    ledger = DateLedger()
    ledger.listed(POST, "Oct 18, 2013", None)
    dated = {"published": "2013-10-17T08:00:00+00:00", "fetched_at": "2026-01-01T00:00:00Z"}
    assert date_record(dated, ledger, [POST]) is None
    assert (dated["published_source"], dated["published_precision"]) == ("page", "instant")
    ledger.listed("https://x/future/", "Jan 1, 2031", None)
    undated = {"published": None, "fetched_at": "2026-01-01T00:00:00Z"}
    assert date_record(undated, ledger, ["https://x/future/"]) is None
    assert undated["published"] is None


def test_the_output_is_rewritten_only_where_a_record_gains_a_date(tmp_path):
    ledger = DateLedger()
    ledger.listed(POST, None, (2013, 10))
    lines = [
        json.dumps({"url": POST, "published": None, "fetched_at": "2026-01-01T00:00:00Z"}),
        '{"url": "https://x/y/", "published": "2014-01-02", "extra": "caf\\u00e9"}',
        '{"torn": ',
    ]
    output = tmp_path / "articles.jsonl"
    output.write_text("\n".join(lines) + "\n")

    def resolve(record):
        return KEEP if date_record(record, ledger, [record.get("url", "")]) is None else REWRITE

    assert resolve_output(output, resolve) == 1
    written = output.read_text().splitlines()
    assert json.loads(written[0])["published"] == "2013-10"
    assert json.loads(written[0])["published_source"] == "month_archive"
    assert written[1:] == lines[1:]  # byte for byte, the torn line too
    assert resolve_output(output, resolve) == 0  # nothing left to join
    assert [path.name for path in tmp_path.iterdir()] == ["articles.jsonl"]
