"""`-a source=wayback` end to end, against a loopback Wayback Machine (tests/wayback_archive.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from crawler.reporting import stats_keys
from qa.fake_wayback import WaybackMirror
from qa.fixtures import FIXTURES, CrawlResult, run_crawl

ORIGIN = "https://eng-archive.aawsat.com"
CAPTURES = FIXTURES / "wayback" / "captures.json"
SEED = "/theaawsat/news-middle-east/us-disregards-russian-proposal-on-joint-strikes-in-syria/"
BOOKBINDERS = "/thaer-abbas/features/the-last-bookbinders-of-damascus/"
LEBANON = "/diana-moukalled/opinion/live-from-lebanon/"
ELECTIONS = "/tariq-al-hamad/opinion/the-long-road-to-municipal-elections/"
DELETED = "/theaawsat/features/deleted-story/"


@pytest.fixture(scope="module")
def archive(mirror_server: HTTPServer) -> HTTPServer:
    wayback = WaybackMirror(CAPTURES, FIXTURES / "aawsat" / "site")

    def handler(request: Request) -> Response:
        served = wayback.respond(request.environ["RAW_URI"])
        return Response(served.body, status=served.status, headers=list(served.headers.items()))

    mirror_server.expect_request(re.compile(r"^/.*")).respond_with_handler(handler)
    return mirror_server


Fault = Callable[[str, int], Response | None]
"""Answers a request line (``times``: how often it was asked before) instead of the
archive, or None for the archive's own answer."""


@contextmanager
def wayback_archive(
    captures_file: Path, site: Path = FIXTURES / "aawsat" / "site", fault: Fault | None = None
) -> Iterator[HTTPServer]:
    """A loopback Wayback Machine of the captures in ``captures_file``, replaying the
    mirror at ``site``, that answers with ``fault`` where it gives an answer."""
    wayback = WaybackMirror(captures_file, site)
    asked: dict[str, int] = {}

    def handler(request: Request) -> Response:
        raw = request.environ["RAW_URI"]
        times, asked[raw] = asked.get(raw, 0), asked.get(raw, 0) + 1
        if fault is not None and (answer := fault(raw, times)) is not None:
            return answer
        served = wayback.respond(raw)
        return Response(served.body, status=served.status, headers=list(served.headers.items()))

    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        server.expect_request(re.compile(r"^/.*")).respond_with_handler(handler)
        yield server
    finally:
        server.stop()


def captures_with(tmp_path: Path, *extra: dict) -> Path:
    """The fixture captures and ``extra`` ones, in a file."""
    captures = json.loads(CAPTURES.read_text())
    captures["captures"] += extra
    captures_file = tmp_path / "captures.json"
    captures_file.write_text(json.dumps(captures))
    return captures_file


def crawl(archive: HTTPServer, tmp_path, *args: str, returncode: int = 0):
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
    assert result.returncode == returncode, result.log[-4000:]
    records = {
        json.loads(line)["url"].removeprefix(ORIGIN): json.loads(line)
        for line in result.output.splitlines()
    }
    return result, records, [request for request, _ in archive.log], endpoint


def list_crawl(archive: HTTPServer, tmp_path: Path, listed: Path) -> tuple[CrawlResult, list[dict]]:
    """``scrapy crawl archive -a urls=LISTED -a source=wayback`` against ``archive`` (a URL
    list of any sites), and its records."""
    result = run_crawl(
        "archive",
        None,
        tmp_path,
        *("-a", f"urls={listed}", "-a", "source=wayback"),
        *("-s", f"WAYBACK_ENDPOINT={archive.url_for('/').rstrip('/')}"),
    )
    assert result.returncode == 0, result.log[-3000:]
    return result, [json.loads(line) for line in result.output.splitlines()]


def expected_body(path: str) -> str:
    return json.loads(
        (FIXTURES / "aawsat" / "site" / path.strip("/") / "expected.json").read_text()
    )["body"]


def test_best_capture_of_every_article_url_is_used(archive, tmp_path):
    result, records, _requests, endpoint = crawl(archive, tmp_path)
    chosen = {path: record["capture"]["timestamp"] for path, record in records.items()}
    # Each the first capture of an HTML page with a 200, which the index names: the newer
    # ones (a soft-404, a redirect, a listing) are never fetched nor listed.
    assert chosen == {
        SEED: "20170601120000",
        BOOKBINDERS: "20170310080000",
        LEBANON: "20150101000000",
        ELECTIONS: "20060401000000",
    }
    for path, record in records.items():
        assert record["url"] == ORIGIN + path  # the original article URL, not the archive's
        assert record["fetched_url"] == record["capture"]["url"]
        assert record["capture"]["url"].startswith(f"{endpoint}/web/{chosen[path]}id_/")
        assert record["body"] == expected_body(path)
    stats = result.report["stats"]
    assert stats[stats_keys.WAYBACK_CAPTURES_USED] == 4
    assert stats[stats_keys.WAYBACK_CAPTURES_TRIED] == 5  # 4 used + the lone soft-404
    assert stats["wayback/captures_skipped/not_found"] == 1
    assert stats[stats_keys.WAYBACK_URLS_WITHOUT_USABLE_CAPTURE] == 1
    # One request an article (it took two: its captures listed, then one fetched); the
    # soft-404's URL alone has its captures listed, to look for another.
    queries = [parse_qs(urlsplit(r.url).query) for r in _requests if r.path == "/cdx/search/cdx"]
    assert [q["url"] for q in queries if q["matchType"] == ["exact"]] == [
        ["eng-archive.aawsat.com/theaawsat/features/deleted-story/"]
    ]
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


def test_a_url_list_is_read_from_its_captures_not_from_the_site(archive, tmp_path):
    """``-a urls=`` with ``-a source=wayback``: each listed article (dead links) from its
    best capture, and the site is never asked. The list was fetched from the live site,
    and the Wayback Machine never asked."""
    listed = tmp_path / "dead-links.txt"
    listed.write_text(f"{ORIGIN}{LEBANON}\n{ORIGIN}{BOOKBINDERS}\n")
    result, records, requests, _ = crawl(archive, tmp_path, "-a", f"urls={listed}")
    assert {path: r["capture"]["timestamp"] for path, r in records.items()} == {
        LEBANON: "20150101000000",
        BOOKBINDERS: "20170310080000",
    }
    queries = [parse_qs(urlsplit(r.url).query) for r in requests if r.path == "/cdx/search/cdx"]
    assert [q["matchType"] for q in queries] == [["exact"], ["exact"]]  # no index of the site
    assert "eng-archive.aawsat.com/robots.txt" not in result.log
    stats = result.report["stats"]
    assert stats[stats_keys.WAYBACK_ARTICLE_URLS] == 2
    assert stats.get("downloader/request_count") == len(requests)  # all to the archive


def test_a_url_list_spanning_sites_is_read_from_their_captures(archive, tmp_path):
    """``scrapy crawl archive -a urls=… -a source=wayback``: each URL's captures, read by
    its site's profile; one with none is named. It was a usage error."""
    listed = tmp_path / "dead-links.txt"
    listed.write_text(f"{ORIGIN}{LEBANON}\nhttps://gazette.example/news/view.php?id=3\n")
    result, [record] = list_crawl(archive, tmp_path, listed)
    assert (record["url"], record["site"]) == (ORIGIN + LEBANON, "aawsat")
    assert record["body"] == expected_body(LEBANON)
    assert (
        "No usable capture of https://gazette.example/news/view.php?id=3 in the Wayback Machine"
        in result.log
    )


PLAIN_PAGE = """<html><head><title>Harbour council votes on the sea wall</title></head>
<body><table><tr><td><a href="/">Home</a> | <a href="/news.html">News</a></td></tr>
<tr><td><b>Harbour council votes on the sea wall</b><br>May 12, 2009</td></tr>
<tr><td>{paragraphs}</td></tr><tr><td>Copyright 2009 Old News</td></tr></table></body></html>"""


def test_a_listed_article_without_article_markup_is_extracted_from_its_capture(tmp_path):
    """A URL list says "these are articles": a captured page of a site of 2009 with no
    article markup was extracted from the live site but skipped in every capture."""
    site = tmp_path / "site"
    (site / "2009" / "05").mkdir(parents=True)
    paragraphs = "".join(
        f"<p>The harbour council met on Tuesday about the sea wall, part {n}, and argued "
        "until late into the evening about who should pay for its repair.</p>"
        for n in range(6)
    )
    (site / "2009" / "05" / "plain.html").write_text(PLAIN_PAGE.format(paragraphs=paragraphs))
    original = "http://www.oldnews.example/2009/05/plain.html"
    captures = tmp_path / "captures.json"
    capture = {"timestamp": "20090601000000", "original": original, "status": 200}
    captures.write_text(json.dumps({"captures": [{**capture, "page": "/2009/05/plain.html"}]}))
    listed = tmp_path / "dead-links.txt"
    listed.write_text(original + "\n")
    with wayback_archive(captures, site=site) as server:
        result, [record] = list_crawl(server, tmp_path, listed)
    assert record["title"] == "Harbour council votes on the sea wall"
    assert record["body"].count("The harbour council met") == 6
    assert (
        "Extracted as listed, though it looks unlike an article (no_article_markup)" in result.log
    )


def test_a_listed_url_archived_as_a_redirect_is_read_where_it_leads(tmp_path):
    """A dead link listed without its trailing slash, and a WordPress shortlink, each
    captured only as a redirect to the article: "No usable capture", the article lost. A
    citation's timestamp that is no capture: the Wayback Machine's redirect to the nearest
    was skipped as an archived one, and the URL's newest capture read in its place."""
    lebanon, bookbinders = ORIGIN + LEBANON, ORIGIN + BOOKBINDERS
    captures = captures_with(
        tmp_path,
        {
            "timestamp": "20160101000000",
            "original": lebanon.rstrip("/"),
            "status": 301,
            "location": f"/web/20160101000000id_/{lebanon}",
        },
        {
            "timestamp": "20170601000000",
            "original": f"{ORIGIN}/?p=4242",
            "status": 301,
            "location": f"/web/20170601000000id_/{bookbinders}",
        },
    )
    listed = tmp_path / "dead-links.txt"
    listed.write_text(f"{lebanon.rstrip('/')}\n{ORIGIN}/?p=4242\n")
    with wayback_archive(captures) as server:
        result, records, _, _ = crawl(server, tmp_path, "-a", f"urls={listed}")
    assert {path: r["capture"]["timestamp"] for path, r in records.items()} == {
        LEBANON: "20150101000000",
        BOOKBINDERS: "20170310080000",
    }
    assert "replays a redirect to https://eng-archive.aawsat.com/?p=4242" not in result.log
    assert (
        f"of {ORIGIN}/?p=4242 replays a redirect to {bookbinders}: reading its captures"
        in result.log
    )
    assert "No usable capture" not in result.log
    coverage = json.loads((tmp_path / "coverage" / "aawsat.json").read_text())
    assert (coverage["missing"], coverage["covered"]) == (0, 4)  # the listed and the targets


def test_a_citations_timestamp_is_read_at_the_capture_nearest_it(archive, tmp_path):
    """The Wayback Machine answers a timestamp that is no capture with a redirect to the
    nearest: it was skipped as a capture of a redirect, and the URL's newest capture (the
    2020 listing the URL served by then) read in place of the one cited."""
    listed = tmp_path / "cited.txt"
    listed.write_text(f"https://web.archive.org/web/20150601000000/{ORIGIN}{LEBANON}\n")
    result, records, _, _ = crawl(archive, tmp_path, "-a", f"urls={listed}")
    assert {path: r["capture"]["timestamp"] for path, r in records.items()} == {
        LEBANON: "20150101000000"
    }
    assert "Skipped capture 20150601000000" not in result.log


def test_archive_links_in_a_url_list_are_read_from_the_archive_as_captured(archive, tmp_path):
    """A list of Wayback Machine links (as citations and Wikipedia's references give them),
    in a crawl of the site: each is read as the raw capture it names, its record the
    article's (its URL, its site); one whose capture is no article (a listing by 2020)
    falls back to the article's other captures. They were fetched as pages of the
    archive's own site, toolbar and all."""
    endpoint = archive.url_for("/").rstrip("/")
    listed = tmp_path / "archive-links.txt"
    listed.write_text(
        f"{endpoint}/web/20170601120000/http://eng-archive.aawsat.com:80{SEED}\n"
        f"{endpoint}/web/20200101000000id_/{ORIGIN}{LEBANON}\n"
        f"{endpoint}/web/2017*/{ORIGIN}{BOOKBINDERS}\n"  # no one capture: its best
    )
    archive.clear_log()
    result = run_crawl(
        "aawsat",
        ORIGIN + "/",
        tmp_path,
        *("-a", f"urls={listed}", "-s", f"WAYBACK_ENDPOINT={endpoint}"),
    )
    assert result.returncode == 0, result.log[-3000:]
    records = {
        json.loads(line)["url"].removeprefix(ORIGIN): json.loads(line)
        for line in result.output.splitlines()
    }
    assert {path: r["capture"]["timestamp"] for path, r in records.items()} == {
        SEED: "20170601120000",  # as linked (its newest capture is a soft-404)
        LEBANON: "20150101000000",  # the linked 2020 capture is a listing
        BOOKBINDERS: "20170310080000",
    }
    assert records[SEED]["site"] == "aawsat"
    assert records[SEED]["body"] == expected_body(SEED)
    assert result.report["stats"]["url_list/wayback_captures"] == 3
    assert "eng-archive.aawsat.com/robots.txt" not in result.log  # the site is not asked


def test_until_does_not_bound_the_captures(archive, tmp_path):
    """An article published before ``until`` and captured only after it is in the corpus:
    ``until`` was the CDX queries' ``to``, and the 2016 article captured in 2017 was lost.
    Each record is checked on its own date instead."""
    result, records, requests, _ = crawl(archive, tmp_path, "-a", "until=2016-12-31")
    queries = [parse_qs(urlsplit(r.url).query) for r in requests if r.path == "/cdx/search/cdx"]
    assert not [query for query in queries if "to" in query]
    assert set(records) == {SEED, LEBANON, ELECTIONS}  # published 2016, 2014, 2006
    assert records[SEED]["capture"]["timestamp"] == "20170601120000"
    assert result.report["stats"]["articles/filtered/out_of_date_range"] == 1  # 2017's


def test_an_old_slug_folded_into_its_canonical_article_is_covered(tmp_path):
    """An old-slug URL whose capture names the article as canonical gives that article's
    record (a duplicate by URL): it is covered, not ``missing not_reached``."""
    old_slug = "/theaawsat/features/damascus-bookbinders/"
    old_capture = {
        "timestamp": "20170311000000",
        "original": ORIGIN + old_slug,
        "status": 200,
        "page": old_slug,
    }
    with wayback_archive(captures_with(tmp_path, old_capture)) as server:
        _result, records, _, _ = crawl(server, tmp_path)
    assert BOOKBINDERS in records
    assert old_slug not in records
    coverage = json.loads((tmp_path / "coverage" / "aawsat.json").read_text())
    assert [(e["url"], e["status"]) for e in coverage["not_in_output"]] == [
        (ORIGIN + "/theaawsat/features/deleted-story/", "missing")  # no usable capture
    ]
    assert coverage["covered"] == 5


def test_captures_of_the_same_content_are_fetched_once_and_a_url_is_given_up_after_ten(
    tmp_path,
):
    """A gone site's URLs hold years of captures of what replaced the articles. Where the
    first capture is no article, the URL's captures are listed: the same page captured 20
    times running is fetched once (the CDX query collapses them by digest), and the
    article's capture is found; a URL whose captures are 12 different pages that are no
    article is given up after 10 fetched (``WAYBACK_CAPTURES_PER_URL``), the older ones
    not tried."""

    def capture(path: str, timestamp: str, page: str) -> dict:
        return {"timestamp": timestamp, "original": ORIGIN + path, "status": 200, "page": page}

    # Before LEBANON's article capture (2015): the first, and alike.
    alike = [capture(LEBANON, f"201401{day:02d}000000", "/about-us/") for day in range(1, 21)]
    # BOOKBINDERS' first capture is no article, nor its 12 newest, no two alike in a row.
    unlike = [
        capture(BOOKBINDERS, "20160101000000", "/about-us/"),
        *(
            capture(
                BOOKBINDERS, f"202102{day:02d}000000", ("/about-us/", "/category/opinion/")[day % 2]
            )
            for day in range(1, 13)
        ),
    ]
    with wayback_archive(captures_with(tmp_path, *alike, *unlike)) as server:
        result, records, requests, _ = crawl(server, tmp_path)
    replays = [r.path for r in requests if r.path.startswith("/web/")]
    # The first of the 20 alike, the listing it served in 2020, the article.
    assert len([path for path in replays if path.endswith(LEBANON)]) == 3
    assert records[LEBANON]["capture"]["timestamp"] == "20150101000000"
    assert len([path for path in replays if path.endswith(BOOKBINDERS)]) == 10
    assert BOOKBINDERS not in records
    stats = result.report["stats"]
    # 3 of the 12 newest and the article's capture (the 2018 redirect is never fetched).
    assert stats[stats_keys.WAYBACK_CAPTURES_NOT_TRIED] == 4
    assert (
        f"No usable capture of {ORIGIN}{BOOKBINDERS} in the Wayback Machine (10 tried)"
        in result.log
    )


# -- a busy archive: CDX answers that are no table, queries and captures that fail ----------

INDEX_PAGE_2 = "resumeKey=3"
"""In a request line: the second page of the site's URL index."""
BUSY_PAGE = b"<html><body><h1>Wayback Machine is temporarily offline</h1></body></html>"
ATTEMPTS = 4
"""Scrapy's first attempt and its 3 retries (``RETRY_TIMES``)."""


def busy_crawl(tmp_path, fault: Fault, returncode: int = 0):
    """A crawl of the fixture captures against an archive that answers with ``fault``
    where it gives an answer."""
    with wayback_archive(CAPTURES, fault=fault) as server:
        result, records, _, _ = crawl(
            server,
            tmp_path,
            *("-s", "ARCHIVE_LATE_RETRY_DELAY=0"),  # the late round once the crawl is idle
            returncode=returncode,
        )
    return result, records


def test_a_cdx_answer_that_is_no_table_is_asked_again(tmp_path):
    """An index page answered once with the archive's "offline" page (served with a 200,
    as the Wayback Machine does when busy): it was a spider error that ended the list
    of URLs there; now it is asked again, and nothing is lost."""

    def offline_once(raw: str, times: int) -> Response | None:
        return (
            Response(BUSY_PAGE, content_type="text/html")
            if INDEX_PAGE_2 in raw and not times
            else None
        )

    result, records = busy_crawl(tmp_path, offline_once)
    assert result.returncode == 0, result.log[-3000:]
    assert set(records) == {SEED, BOOKBINDERS, LEBANON, ELECTIONS}
    stats = result.report["stats"]
    assert stats[stats_keys.FAULTS_WAYBACK_CDX_UNREADABLE] == 1
    assert stats[stats_keys.WAYBACK_INDEX_PAGES] == 3
    assert "The Wayback Machine answered a CDX query with no table (not JSON: <html>" in result.log


def test_an_index_page_that_fails_for_good_fails_the_crawl(tmp_path):
    """An index page the archive never serves (503 to every attempt, and again at the end
    of the crawl): the URLs after it cannot be known, so the crawl says so and exits 1."""

    def unavailable(raw: str, times: int) -> Response | None:
        return Response("Service Unavailable", status=503) if INDEX_PAGE_2 in raw else None

    result, records = busy_crawl(tmp_path, unavailable, returncode=1)
    assert set(records) == {LEBANON}  # the only article the first page lists
    stats = result.report["stats"]
    assert stats["failures/wayback_index"] == 1
    assert stats[stats_keys.LATE_RETRY_HELD] == 1
    assert "The Wayback Machine's index of the site failed (http_503) at " in result.log
    assert "the URLs it lists after that page are not crawled" in result.log


def test_an_empty_answer_to_an_index_page_that_follows_is_asked_again(tmp_path):
    """The index said more follows, and its next page came back empty once: that was
    taken as the index's end, and the URLs after it left out without a word."""

    def empty_once(raw: str, times: int) -> Response | None:
        return (
            Response(b"", content_type="text/plain") if INDEX_PAGE_2 in raw and not times else None
        )

    result, records = busy_crawl(tmp_path, empty_once)
    assert set(records) == {SEED, BOOKBINDERS, LEBANON, ELECTIONS}
    assert result.report["stats"][stats_keys.FAULTS_WAYBACK_CDX_UNREADABLE] == 1
    assert "no table (an empty answer to a page the index said follows): asked again" in result.log


def test_an_index_that_gives_its_resume_key_again_is_not_paged_for_ever(tmp_path):
    """The CDX server's resume key of a query without ``urlkey`` starts its scan over
    (internetarchive/wayback#121): the same page was asked for without end."""
    header = ["urlkey", "original", "timestamp", "statuscode", "mimetype"]

    def same_key(raw: str, times: int) -> Response | None:
        again = json.dumps([header, [], ["3"]])
        return Response(again, content_type="text/plain") if INDEX_PAGE_2 in raw else None

    result, records = busy_crawl(tmp_path, same_key, returncode=1)
    assert set(records) == {LEBANON}
    assert result.report["stats"]["failures/wayback_index"] == 1
    assert "gave the resume key '3' again" in result.log
    assert sum(INDEX_PAGE_2 in line for line in result.log.splitlines() if "Crawled" in line) <= 1


def test_an_unreadable_row_of_the_index_is_skipped_not_the_rest(tmp_path):
    """A row no URL can be made of (a port that is no number, a row cut short) ended the
    index: the rest of its page and every later page lost, with "Coverage 100%"."""
    archive = WaybackMirror(CAPTURES, FIXTURES / "aawsat" / "site")

    def with_bad_rows(raw: str, times: int) -> Response | None:
        if INDEX_PAGE_2 not in raw:
            return None
        header, *rows = json.loads(archive.respond(raw).body)
        bad = [f"http://eng-archive.aawsat.com:abc{LEBANON}", "20150101000000", "200", "text/html"]
        page = [header, bad, ["http://eng-archive.aawsat.com/short/"], *rows]
        return Response(json.dumps(page), content_type="text/plain")

    result, records = busy_crawl(tmp_path, with_bad_rows)
    assert set(records) == {SEED, BOOKBINDERS, LEBANON, ELECTIONS}
    # The port that is no number names no URL of the site: not followed, as off-site.
    assert result.report["stats"]["wayback/index_rows_unreadable"] == 1
    assert "A row of the Wayback Machine's index is unreadable" in result.log


def test_a_capture_that_fails_gives_way_to_the_next_at_once(tmp_path):
    """A capture the archive's storage cannot serve (a 503 to every attempt), older ones
    known: it was asked for 8 times over a minute (Scrapy's retries, then the late round's)
    before the next was tried."""
    bookbinders = ORIGIN + BOOKBINDERS
    broken = {"timestamp": "20190101000000", "original": bookbinders, "status": 200}
    captures = captures_with(tmp_path, {**broken, "page": BOOKBINDERS})
    listed = tmp_path / "dead-links.txt"
    listed.write_text(bookbinders + "\n")

    def storage_failure(raw: str, times: int) -> Response | None:
        if "/web/20190101000000id_/" in raw:
            return Response("Failed to fetch from storage", status=503)
        return None

    with wayback_archive(captures, fault=storage_failure) as server:
        result, records, requests, _ = crawl(server, tmp_path, "-a", f"urls={listed}")
    assert records[BOOKBINDERS]["capture"]["timestamp"] == "20170310080000"
    assert sum("/web/20190101000000id_/" in r.url for r in requests) == 2
    assert stats_keys.LATE_RETRY_HELD not in result.report["stats"]


def test_captures_that_cannot_be_listed_are_failed_articles(tmp_path):
    """One URL's captures answered with an error page every time: that article fails, in
    the stats and the coverage report (where it was missing for want of a usable
    capture), and the others are crawled."""

    def offline_for_deleted(raw: str, times: int) -> Response | None:
        # Its first capture is a soft-404: its captures are listed to look for another.
        listing_deleted = "matchType=exact" in raw and "deleted-story" in raw
        return Response(BUSY_PAGE, content_type="text/html") if listing_deleted else None

    result, records = busy_crawl(tmp_path, offline_for_deleted)
    assert result.returncode == 0
    assert set(records) == {SEED, BOOKBINDERS, LEBANON, ELECTIONS}
    stats = result.report["stats"]
    assert stats["articles/failed/wayback_cdx_unreadable"] == 1
    assert stats[stats_keys.FAULTS_WAYBACK_CDX_UNREADABLE] == 2 * ATTEMPTS  # and the late round
    assert stats[stats_keys.LATE_RETRY_HELD] == 1
    assert stats.get(stats_keys.LATE_RETRY_RECOVERED, 0) == 0
    coverage = json.loads((tmp_path / "coverage" / "aawsat.json").read_text())
    failed = [e for e in coverage["not_in_output"] if e["url"] == ORIGIN + DELETED]
    assert [(e["status"], e["outcome"]) for e in failed] == [
        ("missing", "failed:wayback_cdx_unreadable")
    ]


def test_a_capture_the_archive_is_too_busy_to_serve_is_asked_again_at_the_end(tmp_path):
    """The newest usable capture answered 429 to every attempt at first: it is held and
    asked again when the crawl is otherwise done, not traded for an older capture."""
    replay = "/web/20170310080000id_/"

    def busy_at_first(raw: str, times: int) -> Response | None:
        too_many = raw.startswith(replay) and times < ATTEMPTS
        return Response("Too Many Requests", status=429) if too_many else None

    result, records = busy_crawl(tmp_path, busy_at_first)
    assert result.returncode == 0
    assert records[BOOKBINDERS]["capture"]["timestamp"] == "20170310080000"
    stats = result.report["stats"]
    assert stats[stats_keys.LATE_RETRY_HELD] == 1
    assert stats[stats_keys.LATE_RETRY_RECOVERED] == 1


def test_articles_named_by_a_query_are_found_in_the_archive(tmp_path):
    """A site of the PHP years (``news_view.html?idx=1``): each article's captures are
    listed with its query. Without it, the captures of ``news_view.html`` alone were
    asked for, and no article had a usable capture."""
    gazette = "http://gazette.example"
    site = tmp_path / "site" / "news"
    site.mkdir(parents=True)
    story = "<p>" + "The council met on Monday and voted on the budget for next year. " * 6
    captures = []
    for idx, title in ((1, "Council votes budget"), (2, "Harbour reopens")):
        (site / f"news_view.html?idx={idx}").write_text(
            f"<html><head><title>{title} - The Old Gazette</title>"
            "<meta property='og:type' content='article'></head><body>"
            f"<article><h1>{title}</h1><p>May 14, 2010</p>{story * 4}</article></body></html>"
        )
        captures.append(
            {
                "timestamp": f"201006{idx:02d}000000",
                "original": f"{gazette}/news/news_view.html?idx={idx}",
                "status": 200,
                "page": f"/news/news_view.html?idx={idx}",
            }
        )
    captures_file = tmp_path / "captures.json"
    captures_file.write_text(json.dumps({"captures": captures}))
    with wayback_archive(captures_file, tmp_path / "site") as server:
        endpoint = server.url_for("/").rstrip("/")
        result = run_crawl(
            "archive",
            gazette + "/",
            tmp_path,
            "-a",
            "source=wayback",
            "-s",
            f"WAYBACK_ENDPOINT={endpoint}",
        )
    assert result.returncode == 0, result.log[-3000:]
    records = [json.loads(line) for line in result.output.splitlines()]
    assert sorted((r["url"], r["title"]) for r in records) == [
        (f"{gazette}/news/news_view.html?idx=1", "Council votes budget"),
        (f"{gazette}/news/news_view.html?idx=2", "Harbour reopens"),
    ]
