"""`-a source=wayback` end to end, against a loopback Wayback Machine (tests/wayback_archive.py)."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from crawler.reporting import stats_keys
from qa.fake_wayback import WaybackMirror
from qa.fixtures import FIXTURES, run_crawl

ORIGIN = "https://eng-archive.aawsat.com"
CAPTURES = FIXTURES / "wayback" / "captures.json"
SEED = "/theaawsat/news-middle-east/us-disregards-russian-proposal-on-joint-strikes-in-syria/"
BOOKBINDERS = "/thaer-abbas/features/the-last-bookbinders-of-damascus/"
LEBANON = "/diana-moukalled/opinion/live-from-lebanon/"
ELECTIONS = "/tariq-al-hamad/opinion/the-long-road-to-municipal-elections/"


@pytest.fixture(scope="module")
def archive(mirror_server: HTTPServer) -> HTTPServer:
    wayback = WaybackMirror(CAPTURES, FIXTURES / "aawsat" / "site")

    def handler(request: Request) -> Response:
        served = wayback.respond(request.environ["RAW_URI"])
        return Response(served.body, status=served.status, headers=list(served.headers.items()))

    mirror_server.expect_request(re.compile(r"^/.*")).respond_with_handler(handler)
    return mirror_server


def crawl(archive: HTTPServer, tmp_path, *args: str):
    archive.clear_log()
    endpoint = archive.url_for("/").rstrip("/")
    result = run_crawl(
        "aawsat",
        ORIGIN + "/",
        tmp_path,
        "-a",
        "source=wayback",
        "-s",
        f"WAYBACK_ENDPOINT={endpoint}",
        "-s",
        "WAYBACK_CDX_PAGE_SIZE=3",
        *args,
    )
    assert result.returncode == 0, result.log[-4000:]
    records = {
        json.loads(line)["url"].removeprefix(ORIGIN): json.loads(line)
        for line in result.output.splitlines()
    }
    return result, records, [request for request, _ in archive.log], endpoint


def expected_body(path: str) -> str:
    return json.loads(
        (FIXTURES / "aawsat" / "site" / path.strip("/") / "expected.json").read_text()
    )["body"]


def test_best_capture_of_every_article_url_is_used(archive, tmp_path):
    result, records, _requests, endpoint = crawl(archive, tmp_path)
    chosen = {path: record["capture"]["timestamp"] for path, record in records.items()}
    assert chosen == {
        SEED: "20170601120000",  # the newer capture is a soft-404
        BOOKBINDERS: "20170310080000",  # the newer capture is a redirect
        LEBANON: "20150101000000",  # the newer capture has no article markup
        ELECTIONS: "20060401000000",
    }
    for path, record in records.items():
        assert record["url"] == ORIGIN + path  # the original article URL, not the archive's
        assert record["fetched_url"] == record["capture"]["url"]
        assert record["capture"]["url"].startswith(f"{endpoint}/web/{chosen[path]}id_/")
        assert record["body"] == expected_body(path)
    stats = result.report["stats"]
    assert stats[stats_keys.WAYBACK_CAPTURES_USED] == 4
    assert (
        stats[stats_keys.WAYBACK_CAPTURES_TRIED] == 7
    )  # 4 used + soft-404 + listing + the lone soft-404
    assert stats["wayback/captures_skipped/not_found"] == 2
    assert stats["wayback/captures_skipped/listing"] == 1
    assert stats["wayback/captures_skipped/redirect"] == 1
    assert stats[stats_keys.WAYBACK_URLS_WITHOUT_USABLE_CAPTURE] == 1
    assert (
        "No usable capture of https://eng-archive.aawsat.com/theaawsat/features/deleted-story/"
        in result.log
    )


def test_url_index_is_paged_and_captures_are_fetched_raw(archive, tmp_path):
    _, _, requests, _ = crawl(archive, tmp_path)
    index_queries = [
        parse_qs(urlsplit(r.url).query)
        for r in requests
        if r.path == "/cdx/search/cdx"
        and parse_qs(urlsplit(r.url).query).get("matchType") == ["prefix"]
    ]
    assert len(index_queries) == 3  # 9 HTML/200 URLs, 3 per page
    assert index_queries[0]["filter"] == ["statuscode:200", "mimetype:text/html"]
    assert index_queries[0]["collapse"] == ["urlkey"]
    assert [q.get("resumeKey") for q in index_queries] == [None, ["3"], ["6"]]
    replays = [r for r in requests if r.path.startswith("/web/")]
    assert replays
    assert all("id_/" in r.path for r in replays)
    # Listings and WordPress pages in the index are not article URLs: never replayed.
    assert not [r for r in replays if "/about-us/" in r.path or "20170601120500" in r.path]


def test_date_range_is_passed_to_the_cdx_api(archive, tmp_path):
    _, records, requests, _ = crawl(archive, tmp_path, "-a", "since=2016-01-01")
    query = parse_qs(urlsplit(next(r.url for r in requests if r.path == "/cdx/search/cdx")).query)
    assert query["from"] == ["20160101"]
    # Captures before 2016 are not listed, so the 2015 and 2006 captures are never fetched;
    # of those articles only what the archive has after 2016 remains.
    assert ELECTIONS not in records
    assert LEBANON not in records
    assert SEED in records


def test_an_old_slug_folded_into_its_canonical_article_is_covered(tmp_path):
    """An old-slug URL whose capture names the article as canonical gives that article's
    record (a duplicate by URL): it is covered, not ``missing not_reached``."""
    old_slug = "/theaawsat/features/damascus-bookbinders/"
    captures = json.loads(CAPTURES.read_text())
    captures["captures"].append(
        {
            "timestamp": "20170311000000",
            "original": ORIGIN + old_slug,
            "status": 200,
            "page": old_slug,
        }
    )
    captures_file = tmp_path / "captures.json"
    captures_file.write_text(json.dumps(captures))
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        wayback = WaybackMirror(captures_file, FIXTURES / "aawsat" / "site")
        server.expect_request(re.compile(r"^/.*")).respond_with_handler(
            lambda request: Response(
                (served := wayback.respond(request.environ["RAW_URI"])).body,
                status=served.status,
                headers=list(served.headers.items()),
            )
        )
        _result, records, _, _ = crawl(server, tmp_path)
    finally:
        server.stop()
    assert BOOKBINDERS in records
    assert old_slug not in records
    coverage = json.loads((tmp_path / "coverage" / "aawsat.json").read_text())
    assert [(e["url"], e["status"]) for e in coverage["not_in_output"]] == [
        (ORIGIN + "/theaawsat/features/deleted-story/", "missing")  # no usable capture
    ]
    assert coverage["covered"] == 5
