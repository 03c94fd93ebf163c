"""Plain-text page dumps → schema-v2 records (crawler/cli/textdump.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict

import pytest

from crawler.cli.textdump import EXTRACTOR, parse_dump, schema_problems
from pipelines.validate import article_validator
from qa.fixtures import FIXTURES, page_cases

SEED_DUMP = FIXTURES / "aawsat" / "seed" / "asharq-al-awsat-article-dump.txt"
(SEED_CASE,) = [case for case in page_cases() if "us-disregards-russian-proposal" in case.name]
SEED_URL = SEED_CASE.checks["url"]
SUFFIX = " | ASHARQ AL-AWSAT English Archive 2005 -2017"
# What a page dump holds, so what it must give exactly as the HTML crawl of the same page.
DUMP_FIELDS = (
    "schema_version",
    "id",
    "url",
    "site",
    "title",
    "media_id",
    "language",
    "body",
    "word_count",
    "content_hash",
    "version",
    "previous_hash",
    "capture",
)


@pytest.fixture(scope="module")
def seed_record():
    return asdict(parse_dump(SEED_DUMP.read_text(), SEED_URL))


@pytest.fixture(scope="module")
def html_record():
    return SEED_CASE.record()


@pytest.mark.parametrize("field", DUMP_FIELDS)
def test_seed_dump_gives_what_the_html_crawl_of_the_same_article_gives(
    field, seed_record, html_record
):
    assert seed_record[field] == html_record[field]


def test_seed_dump_image_has_the_html_caption_and_credit_and_no_url(seed_record, html_record):
    assert [(i["caption"], i["credit"]) for i in seed_record["images"]] == [
        (i["caption"], i["credit"]) for i in html_record["images"]
    ]
    assert [i["url"] for i in seed_record["images"]] == [None]


def test_seed_dump_invents_nothing_it_does_not_hold(seed_record):
    assert seed_record["authors"] == []
    assert seed_record["tags"] == []
    for field in ("published", "published_raw", "modified", "modified_raw", "section"):
        assert seed_record[field] is None, field
    assert seed_record["post_id"] is None
    assert seed_record["fetched_url"] == SEED_URL
    assert seed_record["extractor"] == EXTRACTOR


def test_seed_dump_body_has_no_boilerplate(seed_record):
    body = seed_record["body"]
    for chrome in ("Select Page", "Media ID", "Asharq Al-awsat", "REUTERS", "Putin (R)"):
        assert chrome not in body
    assert body.startswith("Russia recently proposed")
    assert body.endswith("a western official from the coalition said.")


def test_seed_dump_record_is_schema_v1_valid(seed_record):
    article_validator().validate(seed_record)


def test_a_byline_line_gives_authors_date_and_section():
    (case,) = [c for c in page_cases() if c.name.endswith("live-from-lebanon")]
    checks = case.checks
    dump = "\n".join(
        [
            "Middle-east Arab News Opinion | Asharq Al-awsat",
            checks["title"] + SUFFIX,
            "Select Page",
            checks["title"],
            "by Diana Moukalled | Jun 27, 2014 | Opinion",
            "",
            *checks["paragraphs"],
        ]
    )
    record = asdict(parse_dump(dump, checks["url"]))
    for field in ("url", "title", "authors", "published", "section", "media_id", "images"):
        assert record[field] == checks[field], field
    assert record["body"] == "\n\n".join(checks["paragraphs"])
    assert record["published_raw"] == "Jun 27, 2014"
    assert schema_problems(parse_dump(dump, checks["url"])) == []


def test_staff_byline_slug_is_the_paper():
    dump = "A Headline" + SUFFIX + "\nby theaawsat | May 21, 2016 | Middle East\nText."
    record = parse_dump(dump, "https://eng-archive.aawsat.com/theaawsat/news-middle-east/x/")
    assert record.authors == ["Asharq Al-Awsat"]
    assert record.published == "2016-05-21"


def test_without_a_url_the_record_is_not_schema_v1_and_says_why():
    item = parse_dump(SEED_DUMP.read_text())
    assert item.url is None
    assert item.id is None
    assert schema_problems(item) == ["empty_fetched_url", "empty_id", "empty_url"]


def test_a_dump_of_chrome_only_has_no_title_or_body():
    item = parse_dump("Middle-east Arab News Opinion | Asharq Al-awsat\nSelect Page\n", SEED_URL)
    assert item.title is None
    assert item.body is None
    assert {"empty_title", "empty_body"} <= set(schema_problems(item))


def run_textdump(*args: str, cwd=FIXTURES.parent) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crawler.textdump", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        check=False,
    )


def test_command_writes_valid_records_for_dumps_with_urls_and_reports_the_rest(tmp_path):
    other = tmp_path / "no-url.txt"
    other.write_text(SEED_DUMP.read_text())
    urls = tmp_path / "urls.json"
    urls.write_text(json.dumps({SEED_DUMP.name: SEED_URL}))
    output = tmp_path / "dumps.jsonl"

    done = run_textdump(str(SEED_DUMP), str(other), "--urls", str(urls), "-o", str(output))

    assert done.returncode == 1
    (line,) = output.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    article_validator().validate(record)
    assert record["url"] == SEED_URL
    assert "\\u" not in line  # UTF-8 text, as the crawl writes it
    assert f"{other}: not written, not a schema-v2 record: empty_fetched_url" in done.stderr
    assert "give --url or --urls" in done.stderr
    assert "1 of 2 dumps written" in done.stderr


def test_command_with_url_writes_to_stdout_and_exits_0():
    done = run_textdump(str(SEED_DUMP), "--url", SEED_URL)
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["title"] == SEED_CASE.checks["title"]


def test_command_refuses_one_url_for_several_dumps():
    done = run_textdump(str(SEED_DUMP), str(SEED_DUMP), "--url", SEED_URL)
    assert done.returncode == 2
    assert "--url names the URL of one dump" in done.stderr
