"""Parquet output (``-O articles.parquet``), as a user loads it: the fixture crawl writes
JSON Lines and Parquet in one run, and pandas must read the same records from both; a
killed crawl keeps its finished row groups, ``-o`` resumes into new parts, and the
resumed run's date join reaches the killed run's parts; ``python -m crawler.convert``
turns either into the other, exactly.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from crawler.capture.mirror import crawl_command
from crawler.cli.convert import main as convert
from crawler.reporting import stats_keys
from crawler.runtime.date_join import DATE_JOURNAL
from crawler.runtime.durable import DurableFile
from crawler.runtime.feeds import RecordCsvExporter, csv_record
from crawler.runtime.parquet import (
    ParquetItemExporter,
    arrow_schema,
    is_parquet_file,
    part_paths,
    read_records,
)
from qa.fixtures import FIXTURES, crawl_golden_files, golden_crawl_lines
from tests.conftest import OUTPUTS_CRAWL_ROW_GROUP
from tests.fault_server import FaultServer, send
from tests.held_article import (
    DATING_LISTINGS,
    HELD_ARTICLE,
    UNDATED_POST,
    held_article_window,
    held_until,
    kill_when,
    scraped_in_log,
    written_undated,
)

EXPECTED_JSONL, _ = crawl_golden_files("aawsat")
MIRROR = FIXTURES / "aawsat" / "site"
DATE_COLUMNS = ("published", "modified", "fetched_at")


def plain(value: Any) -> Any:
    """pyarrow hands list cells to pandas as numpy arrays; compare them as lists."""
    if isinstance(value, np.ndarray | list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def records_in(jsonl: Path) -> int:
    return len(jsonl.read_bytes().splitlines())


def test_the_crawl_writes_complete_row_groups_as_file_parts(outputs_crawl):
    records = records_in(outputs_crawl.jsonl)
    full, rest = divmod(records, OUTPUTS_CRAWL_ROW_GROUP)
    assert full >= 2  # the fixture archive makes several parts
    parts = part_paths(outputs_crawl.parquet)
    names = [part.name for part in parts]
    assert names == ["articles.parquet"] + [
        f"articles-{n:05d}.parquet" for n in range(1, full + bool(rest))
    ]
    rows = [pq.read_metadata(part).num_rows for part in parts]
    assert rows == [OUTPUTS_CRAWL_ROW_GROUP] * full + ([rest] if rest else [])
    for rows_written, part in zip(rows, parts, strict=True):
        assert f"Parquet: {rows_written} records written to {part}" in outputs_crawl.result.log


def test_pandas_reads_the_same_records_from_jsonl_and_parquet(outputs_crawl):
    from_lines = pd.read_json(outputs_crawl.jsonl, lines=True, dtype=False)
    from_parquet = pd.concat(
        [pd.read_parquet(part) for part in part_paths(outputs_crawl.parquet)], ignore_index=True
    )
    # Typed dates: the instant in a timestamp column, the exact text beside it.
    for name in ("published", "modified"):
        assert from_parquet.pop(f"{name}_iso").tolist() == from_lines[name].tolist()
    for name in DATE_COLUMNS:
        assert isinstance(from_parquet[name].dtype, pd.DatetimeTZDtype)
        from_lines[name] = pd.to_datetime(from_lines[name], utc=True, format="ISO8601")
        for frame in (from_lines, from_parquet):
            frame[name] = frame[name].astype("datetime64[us, UTC]")
    for name in ("authors", "tags", "images", "extractor", "capture"):
        from_parquet[name] = from_parquet[name].map(plain)
    for frame in (from_lines, from_parquet):  # a null is None in both (read_json: NaN)
        for name in frame.columns.difference(DATE_COLUMNS):
            frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
    assert list(from_parquet.columns) == list(from_lines.columns)
    pd.testing.assert_frame_equal(from_parquet, from_lines, check_dtype=False)
    assert from_parquet["images"].map(len).sum() > 0  # structs compared, not only empty lists


def test_pandas_reads_the_same_records_from_jsonl_and_csv(outputs_crawl):
    """``-O articles.csv``: the schema's fields as columns, in its order; a list or an object
    as its JSON text (Scrapy's CSV exporter joined a list with commas and wrote an object as
    Python's repr), a null as an empty cell; listing dates joined after the crawl, as into
    the JSON Lines (it warned that they were not)."""
    records = [json.loads(line) for line in outputs_crawl.jsonl.read_text().splitlines()]
    from_csv = pd.read_csv(outputs_crawl.csv, dtype=str, keep_default_na=False)
    assert list(from_csv.columns) == list(records[0])
    rows = from_csv.to_dict("records")
    assert [csv_record(row) for row in rows] == records
    assert any(json.loads(row["images"]) for row in rows)
    assert "not joined into" not in outputs_crawl.result.log


@pytest.mark.parametrize("overwrite", [False, True])
def test_a_csv_appended_to_keeps_one_header(tmp_path, overwrite):
    """``-o articles.csv`` run again went on with a second header row among the records;
    ``-O`` starts the file over, header first."""
    path = tmp_path / "articles.csv"
    for _ in range(2):
        file = DurableFile(path, truncate_first=overwrite)
        exporter = RecordCsvExporter(file, fields_to_export=["title", "authors"])
        exporter.start_exporting()
        exporter.export_item({"title": "Story", "authors": ["Jane Doe"]})
        exporter.finish_exporting()
        file.close()
    with path.open(newline="", encoding="utf-8") as table:
        rows = list(csv.reader(table))
    assert rows.count(["title", "authors"]) == 1
    assert rows[1:] == [["Story", '["Jane Doe"]']] * (1 if overwrite else 2)


def test_the_arrow_schema_follows_the_json_schema():
    schema = arrow_schema()
    assert schema.field("authors").type == pa.list_(pa.field("item", pa.string(), False))
    images = schema.field("images").type.value_type
    assert [f.name for f in images] == ["url", "caption", "credit"]
    assert schema.field("published").type == pa.timestamp("us", tz="UTC")
    assert schema.field("published").nullable
    assert schema.field("published_iso").type == pa.string()
    assert schema.field("word_count").type == pa.int64()
    assert not schema.field("title").nullable


def test_a_record_arrow_cannot_hold_is_left_out_of_its_part_alone(tmp_path, caplog):
    """A value no UTF-8 writer can write (half a UTF-16 pair) in one record of a part cost
    the whole part: every record of it, and a 0-byte file no reader opens."""
    records = [
        {**json.loads(line), "fetched_at": "2026-12-05T10:00:00Z"}
        for line in EXPECTED_JSONL.read_text().splitlines()[:3]
    ]
    broken = {**records[1], "title": "Half an emoji \udc00"}
    with (tmp_path / "a.parquet").open("wb") as file:
        exporter = ParquetItemExporter(file)
        exporter.start_exporting()
        for record in (records[0], broken, records[2]):
            exporter.export_item(record)
        exporter.finish_exporting()
    assert [r["url"] for r in read_records(part_paths(tmp_path / "a.parquet"))] == [
        records[0]["url"],
        records[2]["url"],
    ]
    assert f"Parquet: record {broken['url']} left out, Arrow cannot hold it" in caplog.text


def test_convert_round_trips_the_crawl_output_byte_for_byte(outputs_crawl, tmp_path, capsys):
    crawl_lines = outputs_crawl.jsonl.read_bytes()
    # The crawl's own parts (the first part names them all), back to JSON Lines.
    assert convert([str(outputs_crawl.parquet), str(tmp_path / "back.jsonl")]) == 0
    assert (tmp_path / "back.jsonl").read_bytes() == crawl_lines
    # JSON Lines -> Parquet -> JSON Lines.
    assert convert([str(outputs_crawl.jsonl), str(tmp_path / "one.parquet")]) == 0
    assert convert([str(tmp_path / "one.parquet"), str(tmp_path / "again.jsonl")]) == 0
    assert (tmp_path / "again.jsonl").read_bytes() == crawl_lines
    # JSON Lines -> CSV (the crawl's own CSV, byte for byte) -> JSON Lines.
    assert convert([str(outputs_crawl.jsonl), str(tmp_path / "table.csv")]) == 0
    assert (tmp_path / "table.csv").read_bytes() == outputs_crawl.csv.read_bytes()
    assert convert([str(outputs_crawl.csv), str(tmp_path / "from-csv.jsonl")]) == 0
    assert (tmp_path / "from-csv.jsonl").read_bytes() == crawl_lines
    records = records_in(outputs_crawl.jsonl)
    assert capsys.readouterr().out.splitlines() == [
        f"{records} records written to {tmp_path}/{name}"
        for name in ("back.jsonl", "one.parquet", "again.jsonl", "table.csv", "from-csv.jsonl")
    ]


def test_convert_names_a_csv_row_that_does_not_fit_its_columns(outputs_crawl, tmp_path, capsys):
    table = outputs_crawl.csv.read_text(encoding="utf-8").replace('["', '[oops"', 1)
    (tmp_path / "bad.csv").write_text(table, encoding="utf-8")
    assert convert([str(tmp_path / "bad.csv"), str(tmp_path / "out.jsonl")]) == 2
    error = capsys.readouterr().err
    assert re.search(r"bad\.csv: record 1 \(line \d+\): Expecting value", error), error
    assert not (tmp_path / "out.jsonl").exists()


def test_convert_reads_back_a_csv_cell_longer_than_the_csv_modules_limit(tmp_path):
    """A body over 128 KiB (a long read, a transcript) raised ``field larger than field
    limit`` with a traceback."""
    record = {**json.loads(EXPECTED_JSONL.read_text().splitlines()[0]), "fetched_at": None}
    record["body"] = "\n\n".join(["A paragraph of a very long read, word after word."] * 4000)
    corpus = tmp_path / "long.jsonl"
    corpus.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert convert([str(corpus), str(tmp_path / "long.csv")]) == 0
    assert convert([str(tmp_path / "long.csv"), str(tmp_path / "back.jsonl")]) == 0
    assert json.loads((tmp_path / "back.jsonl").read_text(encoding="utf-8")) == record


def test_a_text_a_spreadsheet_would_run_is_written_as_text_and_read_back_as_it_was(tmp_path):
    """A title ``=HYPERLINK(…)`` (a page's, or an attacker's) was a formula in the reader's
    spreadsheet: it is written after a quote, which spreadsheets hide, and read back
    without it."""
    title = '=HYPERLINK("http://evil.example","click")'
    record = {
        **json.loads(EXPECTED_JSONL.read_text().splitlines()[0]),
        "fetched_at": None,
        "title": title,
        "section": "'Tis the season",
    }
    corpus = tmp_path / "formula.jsonl"
    corpus.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert convert([str(corpus), str(tmp_path / "formula.csv")]) == 0
    with (tmp_path / "formula.csv").open(newline="", encoding="utf-8") as table:
        [row] = csv.DictReader(table)
    assert (row["title"], row["section"]) == (f"'{title}", "''Tis the season")
    assert convert([str(tmp_path / "formula.csv"), str(tmp_path / "back.jsonl")]) == 0
    assert json.loads((tmp_path / "back.jsonl").read_text(encoding="utf-8")) == record


def test_convert_names_the_bad_line_and_writes_nothing(outputs_crawl, tmp_path, capsys):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(outputs_crawl.jsonl.read_bytes() + b"{not json\n")
    assert convert([str(corpus), str(tmp_path / "out.parquet")]) == 2
    bad_line = records_in(outputs_crawl.jsonl) + 1
    assert f"corpus.jsonl: line {bad_line}: not JSON" in capsys.readouterr().err
    foreign = tmp_path / "foreign.jsonl"
    foreign.write_text(json.dumps({"headline": "x"}) + "\n")
    assert convert([str(foreign), str(tmp_path / "out.parquet")]) == 2
    assert "fields not in schema v2: ['headline']" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.jsonl", "foreign.jsonl"]


def assert_both_outputs_are_the_golden(jsonl: Path, parquet: Path, base_url: str) -> None:
    golden = EXPECTED_JSONL.read_text().splitlines()
    assert golden_crawl_lines(jsonl.read_text(), base_url) == golden
    back = parquet.with_name("back.jsonl")
    assert convert([str(parquet), str(back)]) == 0
    assert golden_crawl_lines(back.read_text(), base_url) == golden


def test_a_killed_crawl_keeps_its_parts_and_the_resumed_run_completes_and_dates_them(tmp_path):
    """SIGKILL in the window the date join must survive, forced without timing: the
    undated post is written (its listings are held until it is in the output), then the
    listings' date reaches JOBDIR; one article is held unanswered, so the run cannot reach
    its join, and is killed once every other article is written. The same command then
    finishes the crawl in new parts; its listings no longer print the date (as if
    edited), so only the job's journal has it. Both outputs must end as the uninterrupted
    crawl's; of the killed run's parts, every one whole, and only those of records it
    wrote undated rewritten."""
    jsonl, parquet, job = tmp_path / "out.jsonl", tmp_path / "out.parquet", tmp_path / "job"
    journal = job / DATE_JOURNAL
    resumed = threading.Event()

    def after_the_post(handler: BaseHTTPRequestHandler, attempt: int) -> bool:
        if resumed.is_set():  # the listing without its dates
            served = server.mirror.respond(handler.path, handler.headers)
            body = re.sub(rb'<span class="published">[^<]*</span>', b"", served.body)
            headers = {k: v for k, v in served.headers.items() if k.lower() != "content-length"}
            send(handler, served.status, body, headers)
            return True
        deadline = time.monotonic() + 60
        while not written_undated(jsonl, UNDATED_POST) and time.monotonic() < deadline:
            time.sleep(0.02)
        return False

    golden = EXPECTED_JSONL.read_text().splitlines()

    def all_but_the_held_article_written() -> bool:
        """In both outputs, so that the killed run's parts are all it will ever write (a
        record in one output only: the next test)."""
        written = len(golden) - 1
        return (
            jsonl.exists() and records_in(jsonl) == written and len(part_paths(parquet)) == written
        )

    server = FaultServer(
        MIRROR,
        {**dict.fromkeys(DATING_LISTINGS, after_the_post), HELD_ARTICLE: held_until(resumed)},
    )
    report = tmp_path / "report.json"
    with server.running():
        command = crawl_command(
            "aawsat",
            server.base_url,
            [
                *("-o", str(jsonl), "-o", str(parquet), "-s", f"JOBDIR={job}"),
                *("-s", "PARQUET_ROW_GROUP_SIZE=1", "-s", f"ARCHIVE_REPORT_FILE={report}"),
                *("-s", "ARCHIVE_COVERAGE_DIR=", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"),
            ],
        )
        kill_when(
            command,
            lambda: (
                all_but_the_held_article_written()
                and f'{UNDATED_POST}", "date"' in (journal.read_text() if journal.exists() else "")
            ),
            tmp_path / "killed.log",
        )
        assert all_but_the_held_article_written()
        assert written_undated(jsonl, UNDATED_POST)
        kept = {part: part.read_bytes() for part in part_paths(parquet)}
        assert all(is_parquet_file(part) for part in kept)
        killed_records = {part: next(read_records([part])) for part in kept}
        undated_parts = [part for part, r in killed_records.items() if r["published"] is None]
        assert any(killed_records[p]["url"].endswith(UNDATED_POST) for p in undated_parts)
        resumed.set()
        finished = subprocess.run(command, cwd=FIXTURES.parent, capture_output=True, check=False)
    assert finished.returncode == 0, finished.stderr.decode()[-3000:]
    assert_both_outputs_are_the_golden(jsonl, parquet, server.base_url)
    parts = part_paths(parquet)
    assert parts[: len(kept)] == list(kept)
    assert len(parts) > len(kept)
    rewritten = [part for part, content in kept.items() if part.read_bytes() != content]
    assert rewritten == undated_parts
    assert not list(tmp_path.glob(".*.tmp"))
    stats = json.loads(report.read_text())["stats"]
    assert stats[stats_keys.RESUME_LISTING_DATES_READ] > 0
    resolved = [v for k, v in stats.items() if k.startswith(stats_keys.DATES_RESOLVED_AFTER_CRAWL)]
    assert sum(resolved) == len(undated_parts)


@pytest.mark.parametrize("with_state", [False, True], ids=["job", "job-and-state"])
def test_records_a_kill_left_in_the_json_lines_only_reach_the_parquet_output_on_resume(
    tmp_path, with_state
):
    """``-o x.jsonl -o x.parquet``, killed while the JSON Lines file holds records of the
    Parquet row group not yet written (forced: one article is held unanswered, the kill
    comes once every other one is in the JSON Lines): the resumed run fetches those
    articles again and writes them to the Parquet output alone. Both outputs end as the
    uninterrupted crawl's, each article exactly once. With ``-a state=PATH`` too, the
    store must not have claimed those articles, or the resumed run would skip them."""
    jsonl, parquet, job = tmp_path / "x.jsonl", tmp_path / "x.parquet", tmp_path / "job"
    row_group = 4
    resumed = threading.Event()
    golden, written, in_parquet = held_article_window(row_group)

    def all_but_the_held_article_in_the_json_lines() -> bool:
        return (
            jsonl.exists()
            and records_in(jsonl) == written
            and len(part_paths(parquet)) == in_parquet // row_group
        )

    server = FaultServer(MIRROR, {HELD_ARTICLE: held_until(resumed)})
    report = tmp_path / "report.json"
    with server.running():
        command = crawl_command(
            "aawsat",
            server.base_url,
            [
                *("-o", str(jsonl), "-o", str(parquet), "-s", f"JOBDIR={job}"),
                *("-s", f"PARQUET_ROW_GROUP_SIZE={row_group}"),
                *("-s", f"ARCHIVE_REPORT_FILE={report}", "-s", "ARCHIVE_COVERAGE_DIR="),
                *(("-a", f"state={tmp_path / 'state.sqlite'}") if with_state else ()),
            ],
        )
        kill_when(command, all_but_the_held_article_in_the_json_lines, tmp_path / "killed.log")
        assert all_but_the_held_article_in_the_json_lines()
        assert sum(pq.read_metadata(part).num_rows for part in part_paths(parquet)) == in_parquet
        resumed.set()
        finished = subprocess.run(command, cwd=FIXTURES.parent, capture_output=True, check=False)
    assert finished.returncode == 0, finished.stderr.decode()[-3000:]
    assert_both_outputs_are_the_golden(jsonl, parquet, server.base_url)
    stats = json.loads(report.read_text())["stats"]
    assert stats[stats_keys.RESUME_WRITTEN_ARTICLES] == in_parquet
    assert stats[f"{stats_keys.RESUME_ALREADY_IN_OUTPUT}{jsonl}"] == written - in_parquet
    assert f"{stats_keys.RESUME_ALREADY_IN_OUTPUT}{parquet}" not in stats
    assert stats[stats_keys.ARTICLES_EMITTED] == len(golden) - in_parquet  # each once


@pytest.mark.parametrize("suffix", [".json", ".xml"])
def test_convert_refuses_unknown_formats(tmp_path, capsys, suffix):
    source = tmp_path / f"in{suffix}"
    source.write_text("")
    assert convert([str(source), str(tmp_path / "out.parquet")]) == 2
    assert "unknown format" in capsys.readouterr().err


@pytest.mark.parametrize("with_jsonl", [False, True], ids=["parquet", "parquet-and-jsonl"])
def test_a_kill_with_a_state_store_loses_no_record_of_the_unwritten_row_group(tmp_path, with_jsonl):
    """``-a state=PATH -o x.parquet``, killed while records wait in memory for their row
    group (forced: one article is held unanswered, the kill comes once every other one is
    scraped): the state store must not claim them, so the same command, run again, emits
    them. The output ends as the uninterrupted crawl's, each article exactly once. With
    ``-o x.jsonl`` too (no ``JOBDIR``), which holds them already, it gets none twice."""
    parquet, state, jsonl = tmp_path / "x.parquet", tmp_path / "state.sqlite", tmp_path / "x.jsonl"
    row_group = 4
    resumed = threading.Event()
    golden, written, in_parquet = held_article_window(row_group)
    killed_log = tmp_path / "killed.log"

    def all_but_the_held_article_scraped() -> bool:
        scraped = scraped_in_log(killed_log)
        return scraped == written and len(part_paths(parquet)) == in_parquet // row_group

    server = FaultServer(MIRROR, {HELD_ARTICLE: held_until(resumed)})
    with server.running():
        command = crawl_command(
            "aawsat",
            server.base_url,
            [
                *("-a", f"state={state}", "-o", str(parquet), "-s", "LOG_LEVEL=DEBUG"),
                *("-s", f"PARQUET_ROW_GROUP_SIZE={row_group}", "-s", "ARCHIVE_COVERAGE_DIR="),
                *(("-o", str(jsonl)) if with_jsonl else ()),
            ],
        )
        kill_when(command, all_but_the_held_article_scraped, killed_log)
        assert all_but_the_held_article_scraped()
        resumed.set()
        finished = subprocess.run(command, cwd=FIXTURES.parent, capture_output=True, check=False)
    assert finished.returncode == 0, finished.stderr.decode()[-3000:]
    records = list(read_records(part_paths(parquet)))
    urls = [record["url"] for record in records]
    assert len(urls) == len(set(urls)), "an article was written twice"
    assert len(records) == len(golden), "an article was never written"
    if with_jsonl:
        assert_both_outputs_are_the_golden(jsonl, parquet, server.base_url)
    else:
        back = tmp_path / "back.jsonl"
        assert convert([str(parquet), str(back)]) == 0
        assert golden_crawl_lines(back.read_text(), server.base_url) == golden
