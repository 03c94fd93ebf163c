"""Dates from listings: the ledger, and the post-crawl join over the output file."""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path

import pytest
from scrapy.statscollectors import StatsCollector
from scrapy.utils.test import get_crawler

import crawler.runtime.parquet as parquet_module
from crawler.discovery.dates import DateLedger, date_record
from crawler.reporting import stats_keys
from crawler.runtime.date_join import (
    DATE_FIELDS,
    DATE_JOURNAL,
    KEEP,
    REWRITE,
    DateJournal,
    resolve_csv,
    resolve_output,
    resolve_parquet,
)
from crawler.runtime.durable import replace_durably
from crawler.runtime.parquet import (
    arrow_schema,
    part_path,
    part_paths,
    read_records,
    records_table,
    write_part,
)
from crawler.runtime.written import csv_rows
from qa.fixtures import crawl_golden_files

EXPECTED_JSONL, _ = crawl_golden_files("aawsat")

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


def test_a_csv_output_with_a_cell_over_128_kib_is_joined(tmp_path):
    """A long read's body in a CSV output: the date join failed on it (the csv module's
    128 KiB cell limit), and the crawl's records kept no date the listings gave."""
    ledger = DateLedger()
    ledger.listed(POST, None, (2013, 10))
    output = tmp_path / "articles.csv"
    with output.open("w", newline="", encoding="utf-8") as table:
        csv.writer(table).writerows([["url", "published", "body"], [POST, "", "word " * 40_000]])

    def resolve(record):
        return KEEP if date_record(record, ledger, [record.get("url", "")]) is None else REWRITE

    default_limit = csv.field_size_limit(128 * 1024)  # as a fresh process has it
    try:
        assert resolve_csv(output, resolve) == 1
    finally:
        csv.field_size_limit(default_limit)
    with output.open(newline="", encoding="utf-8") as table:
        [row] = csv_rows(table)
    assert (row["published"], len(row["body"])) == ("2013-10", 200_000)


# -- the journal in JOBDIR -------------------------------------------------------------------


def test_the_journal_gives_a_resumed_crawl_the_ledger_the_killed_one_had(tmp_path):
    path = tmp_path / DATE_JOURNAL
    stats = StatsCollector(get_crawler())
    killed = DateLedger()
    killed.journal = DateJournal(path, stats)
    for sighting in SIGHTINGS:
        killed.listed(*sighting)
    killed.listed(POST, "Oct 19, 2013", None)  # a greater date: the ledger keeps its own
    killed.journal.close()
    assert len(path.read_text().splitlines()) == 3  # one line per value gained
    with path.open("ab") as journal:
        journal.write(b'{"url": "https://eng-archive.aawsat.com/torn/", "da')  # killed mid-write

    resumed = DateLedger()
    assert DateJournal.read_back(path, resumed, stats) == 3
    assert resumed.dates == killed.dates
    assert stats.get_value(stats_keys.RESUME_LISTING_DATES_TORN_BYTES_CUT) == len(
        b'{"url": "https://eng-archive.aawsat.com/torn/", "da'
    )
    assert path.read_bytes().endswith(b"\n")  # new lines go after the last whole one


# -- the join, killed in mid-run ---------------------------------------------------------------


def undated(record: dict) -> dict:
    """A record as written before the listing that dates it was read."""
    return {**record, **dict.fromkeys(DATE_FIELDS)}


def test_a_join_killed_between_files_is_finished_by_the_next_and_changes_nothing_more(
    tmp_path, monkeypatch
):
    """The golden records, those dated by listings written undated, in a JSON Lines output
    and a Parquet output of one record per part. The join is killed once it has replaced
    one part; run again it finishes (both outputs are the golden records), and run once
    more it rewrites nothing."""
    golden = [
        {**json.loads(line), "fetched_at": "2026-01-01T00:00:00Z"}
        for line in EXPECTED_JSONL.read_text().splitlines()
    ]
    ledger = DateLedger()
    written = []
    for record in golden:
        if record["published_source"] == "listing":
            ledger.listed(record["url"], record["published_raw"], None)
        elif record["published_source"] == "month_archive":
            year, month = map(int, record["published"].split("-"))
            ledger.listed(record["url"], None, (year, month))
        written.append(record if record["published_source"] == "page" else undated(record))
    jsonl, parquet = tmp_path / "out.jsonl", tmp_path / "out.parquet"
    jsonl.write_text("".join(json.dumps(record) + "\n" for record in written))
    for serial, record in enumerate(written):
        write_part(records_table([record], arrow_schema()), part_path(parquet, serial))
    undated_parts = [n for n, record in enumerate(written) if record["published"] is None]
    assert len(undated_parts) == 3

    def join() -> None:
        def resolve(record: dict) -> str:
            return KEEP if date_record(record, ledger, [record["url"]]) is None else REWRITE

        resolve_parquet(parquet, resolve)
        resolve_output(jsonl, resolve)

    class Killed(BaseException):
        """The process ends here."""

    def replaced_then_killed(temporary: Path, path: Path) -> None:
        replace_durably(temporary, path)
        monkeypatch.setattr(parquet_module, "replace_durably", killed)

    def killed(temporary: Path, path: Path) -> None:
        raise Killed

    monkeypatch.setattr(parquet_module, "replace_durably", replaced_then_killed)
    with pytest.raises(Killed):
        join()
    monkeypatch.undo()
    parts = part_paths(parquet)
    still_undated = [
        n for n in undated_parts if next(read_records([parts[n]]))["published"] is None
    ]
    assert still_undated == undated_parts[1:]  # the first part replaced, the next one not yet
    assert jsonl.read_text().count('"published": null') == 3

    join()
    assert [json.loads(line) for line in jsonl.read_text().splitlines()] == golden
    assert list(read_records(part_paths(parquet))) == golden
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["out.jsonl", *(part.name for part in parts)]
    )  # the killed run's temporary file is gone
    versions = {path: path.stat().st_mtime_ns for path in tmp_path.iterdir()}
    join()
    assert {path: path.stat().st_mtime_ns for path in tmp_path.iterdir()} == versions


def test_a_join_killed_in_mid_file_leaves_the_file_whole_and_the_next_finishes_it(tmp_path):
    golden = [json.loads(line) for line in EXPECTED_JSONL.read_text().splitlines()]
    ledger = DateLedger()
    for record in golden:
        if record["published_source"] == "listing":
            ledger.listed(record["url"], record["published_raw"], None)
    written = [undated(r) if r["published_source"] == "listing" else r for r in golden]
    jsonl = tmp_path / "out.jsonl"
    jsonl.write_text("".join(json.dumps(record) + "\n" for record in written))
    before = jsonl.read_bytes()
    read = 0

    def resolve(record: dict) -> str:
        return KEEP if date_record(record, ledger, [record["url"]]) is None else REWRITE

    def killed_halfway(record: dict) -> str:
        nonlocal read
        read += 1
        if read > len(golden) // 2:
            raise KeyboardInterrupt  # the process ends here
        return resolve(record)

    with pytest.raises(KeyboardInterrupt):
        resolve_output(jsonl, killed_halfway)
    assert jsonl.read_bytes() == before
    assert resolve_output(jsonl, resolve) == 2
    assert [json.loads(line) for line in jsonl.read_text().splitlines()] == golden
    assert [path.name for path in tmp_path.iterdir()] == ["out.jsonl"]
