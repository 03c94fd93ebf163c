"""Record once, re-extract offline: a live crawl's WARC, someone else's WARC and a folder of
saved pages replayed through the real ``scrapy crawl`` (crawler/capture/replay.py)."""

from __future__ import annotations

import gzip
import json
import logging
import sys
from io import BytesIO
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.capture.replay import (
    ArchiveReplayMiddleware,
    MirrorArchive,
    WarcArchive,
    recorded_origin,
    replay_key,
)
from crawler.reporting import stats_keys
from qa import crawl_launcher
from qa.fixtures import (
    FIXTURES,
    CrawlResult,
    crawl_golden_files,
    golden_crawl_lines,
    golden_stats,
    run_crawl,
)
from tests.conftest import serve_mirror

MIRROR = FIXTURES / "aawsat" / "site"
SAMPLE_WARC = FIXTURES / "warc" / "eng-archive-sample.warc.gz"
READING_LIST = FIXTURES.parent / "examples" / "reading-list.txt"
PUBLIC = "https://eng-archive.aawsat.com"
EXPECTED_JSONL, EXPECTED_STATS = crawl_golden_files("aawsat")
EXPECTED_LINES = EXPECTED_JSONL.read_text().splitlines()
GOLDEN_RECORDS = {record["url"]: record for record in map(json.loads, EXPECTED_LINES)}


def replay(workdir: Path, *arguments: str, spider: str = "aawsat") -> tuple[CrawlResult, str]:
    """``python -m crawler.replay SPIDER ARGUMENTS``: the result and the command's stderr."""
    output, report = workdir / "articles.jsonl", workdir / "report.json"
    done = crawl_launcher.run(
        [
            sys.executable,
            "-m",
            "crawler.replay",
            spider,
            *arguments,
            "-O",
            str(output),
            "-s",
            f"ARCHIVE_REPORT_FILE={report}",
            "-s",
            f"ARCHIVE_COVERAGE_DIR={workdir / 'coverage'}",
        ],
        workdir,  # the command works away from scrapy.cfg
        timeout=300,
    )
    result = CrawlResult(
        returncode=done.returncode,
        log=done.stderr,
        output=output.read_text() if output.exists() else "",
        report=json.loads(report.read_text()) if report.exists() else {},
    )
    return result, done.stderr


# -- a live crawl recorded, then replayed with its server gone --------------------------


@pytest.fixture(scope="module")
def recorded(mirror_server, tmp_path_factory):
    serve_mirror(mirror_server, MIRROR)
    base_url = mirror_server.url_for("/")
    workdir = tmp_path_factory.mktemp("record")
    warc = workdir / "crawl.warc.gz"
    live = run_crawl("aawsat", base_url, workdir, "-s", f"WARC_OUTPUT={warc}")
    assert live.returncode == 0, live.log[-4000:]
    fetched = sorted(
        base_url.rstrip("/") + request.full_path.rstrip("?") for request, _ in mirror_server.log
    )
    mirror_server.stop()  # from here on nothing answers at base_url
    return live, base_url, warc, fetched


def test_the_live_crawl_wrote_every_exchange_to_the_warc(recorded):
    live, _, warc, fetched = recorded
    responses, requests = [], []
    with warc.open("rb") as file:
        for record in ArchiveIterator(file):
            if record.rec_type in {"response", "request"}:
                for header in ("WARC-Target-URI", "WARC-Date", "WARC-Payload-Digest"):
                    assert record.rec_headers.get_header(header), header
            if record.rec_type == "response":
                uri = record.rec_headers.get_header("WARC-Target-URI")
                responses.append((uri, record.http_headers.get_statuscode()))
            elif record.rec_type == "request":
                requests.append(record.rec_headers.get_header("WARC-Target-URI"))
    stats = live.report["stats"]
    # The spider's robots.txt request is answered with the middleware's response: one
    # exchange, two responses counted.
    reused = stats[stats_keys.ROBOTSTXT_REUSED]
    assert len(responses) == stats[stats_keys.DOWNLOADER_RESPONSE_COUNT] - reused == len(fetched)
    assert sorted(uri for uri, _ in responses) == fetched
    assert requests == [uri for uri, _ in responses]
    assert stats[stats_keys.WARC_RECORDS] == 2 * len(responses)
    assert stats[stats_keys.WARC_FILES] == 1
    statuses = {status for _, status in responses}
    assert {"200", "301", "404"} <= statuses


def test_replaying_the_warc_offline_gives_the_live_output_and_stats(recorded, tmp_path):
    live, base_url, warc, _ = recorded
    result, stderr = replay(tmp_path, str(warc))

    assert result.returncode == 0, result.log[-4000:]
    assert f"recorded at {base_url.rstrip('/')}" in stderr
    assert golden_crawl_lines(result.output, base_url) == EXPECTED_LINES
    assert golden_crawl_lines(result.output, base_url) == golden_crawl_lines(live.output, base_url)
    stats = result.report["stats"]
    assert golden_stats(stats) == golden_stats(live.report["stats"])
    answered_twice = stats[stats_keys.ROBOTSTXT_REUSED]  # robots.txt: replayed once
    assert stats[stats_keys.REPLAY_ANSWERED] == (
        stats[stats_keys.DOWNLOADER_RESPONSE_COUNT] - answered_twice
    )
    assert stats_keys.REPLAY_NOT_IN_ARCHIVE not in stats
    errors = {k: v for k, v in stats.items() if k.startswith("downloader/exception")}
    assert errors == {  # the robots.txt refusal, as live; no connection error
        "downloader/exception_count": 1,
        "downloader/exception_type_count/scrapy.exceptions.IgnoreRequest": 1,
    }


# -- a folder of saved pages -------------------------------------------------------------


def test_a_folder_of_saved_pages_replays_to_the_live_output(tmp_path):
    # A crawl at the site's public address warns when no contact URL is set, replayed or not.
    result, _ = replay(tmp_path, str(MIRROR), "-s", "ARCHIVE_CONTACT_URL=https://example.org/c")

    assert result.returncode == 0, result.log[-4000:]
    assert golden_crawl_lines(result.output, PUBLIC) == EXPECTED_LINES
    stats = result.report["stats"]
    assert golden_stats(stats) == json.loads(EXPECTED_STATS.read_text())
    answered_twice = stats[stats_keys.ROBOTSTXT_REUSED]  # robots.txt: replayed once
    assert stats[stats_keys.REPLAY_ANSWERED] == (
        stats[stats_keys.DOWNLOADER_RESPONSE_COUNT] - answered_twice
    )
    assert stats_keys.REPLAY_NOT_IN_ARCHIVE not in stats  # the folder has all the site, its 404 too


# -- someone else's WARC, recorded at the site's own address -----------------------------


def test_someone_elses_warc_replays_with_its_own_addresses(tmp_path):
    urls = tmp_path / "urls.txt"
    urls.write_text(
        READING_LIST.read_text()
        + f"{PUBLIC}/diana-moukalled/opinion/live-from-lebanon-2/\n"  # a 301 in the WARC
        + f"{PUBLIC}/amir-taheri/opinion/the-limits-of-a-charm-offensive/\n"  # not in it
    )
    result, stderr = replay(tmp_path, str(SAMPLE_WARC), "-a", f"urls={urls}")

    assert result.returncode == 0, result.log[-4000:]
    assert "Replaying 5 URLs recorded at http://eng-archive.aawsat.com" in stderr
    records = [
        json.loads(line)
        for line in golden_crawl_lines(result.output, "http://eng-archive.aawsat.com")
    ]
    assert [r["url"] for r in records] == sorted(
        line.split()[0] for line in READING_LIST.read_text().splitlines() if line.startswith("http")
    )
    for record in records:
        assert record == GOLDEN_RECORDS[record["url"]]
    stats = result.report["stats"]
    assert stats[stats_keys.REPLAY_NOT_IN_ARCHIVE] == 1
    assert stats["articles/failed/http_404"] == 1
    assert stats["downloader/response_status_count/301"] == 1
    assert (
        stats[stats_keys.DUPEFILTER_FILTERED] == 1
    )  # the old slug's 301 led to an article already read
    assert stats["httpcompression/response_count"] == 3  # the articles' gzip bodies


def test_the_generic_spider_replays_a_url_list_across_sites(tmp_path):
    """Someone else's capture of two news sites, one page recorded with its feed's tracking
    parameters: ``python -m crawler.replay archive`` (it raised AttributeError: the generic
    spider's site is the one it is given), each page requested at its own address, the
    tracked one without its parameters, as the crawl requests it."""
    benchmark = FIXTURES / "article-extraction"
    truth = json.loads((benchmark / "ground-truth.json").read_text())
    pages = {
        "https://www.nj.com/entertainment/2019/11/"
        "florida-man-exists-south-dakota-hold-my-beer-meth-were-on-it.html?utm_source=rss": "3f65af7b6b",
        "https://www.livescience.com/most-detailed-universe-simulation.html": "3c5bf8db42",
    }  # fmt: skip
    warc = tmp_path / "capture.warc.gz"
    write_warc(
        warc,
        *[
            (url, 200, gzip.decompress((benchmark / "html" / f"{page_id}.html.gz").read_bytes()))
            for url, prefix in pages.items()
            for page_id in truth
            if page_id.startswith(prefix)
        ],
    )
    urls = tmp_path / "urls.txt"
    urls.write_text("".join(f"{url}\n" for url in pages))
    result, _ = replay(tmp_path, str(warc), "-a", f"urls={urls}", spider="archive")

    assert result.returncode == 0, result.log[-4000:]
    records = {
        json.loads(line)["fetched_url"]: json.loads(line) for line in result.output.splitlines()
    }
    assert sorted(records) == sorted(url.split("?")[0] for url in pages)
    assert sorted(record["site"] for record in records.values()) == ["livescience_com", "nj_com"]
    assert all(record["body"] for record in records.values())
    # Only the two sites' robots.txt, which the capture lacks.
    assert result.report["stats"][stats_keys.REPLAY_NOT_IN_ARCHIVE] == 2


@pytest.mark.parametrize("spider", ["aawsat", "archive"])
def test_a_capture_without_the_home_page_is_replayed_as_its_recorded_pages(tmp_path, spider):
    """Someone else's capture of three articles, not of the site: with no URL list there was
    no page to start from (the home page answered 404) and no record; its recorded pages
    are the URL list now, for the site's spider and the generic one alike."""
    result, stderr = replay(tmp_path, str(SAMPLE_WARC), spider=spider)

    assert result.returncode == 0, result.log[-4000:]
    assert (
        "No home page recorded at http://eng-archive.aawsat.com/: replaying the 4 pages" in stderr
    )
    records = [json.loads(line) for line in result.output.splitlines()]
    assert sorted(record["fetched_url"] for record in records) == sorted(
        line.split()[0].replace("https://", "http://")
        for line in READING_LIST.read_text().splitlines()
        if line.startswith("http")
    )


def test_a_url_recorded_with_tracking_parameters_answers_without_them(tmp_path):
    warc = tmp_path / "a.warc.gz"
    write_warc(
        warc,
        ("http://example.com/a/?utm_source=rss&id=3", 200, b"tracked"),
        ("http://example.com/b/?rssfeed=true", 200, b"from the feed"),
        ("http://example.com/c/", 200, b"itself"),
        ("http://example.com/c/?utm_medium=email", 200, b"from a mail"),
    )
    with WarcArchive([warc]) as archive:
        assert archive.respond("http://example.com/a/?id=3").body == b"tracked"
        assert archive.respond("http://example.com/b/").body == b"from the feed"
        assert archive.respond("http://example.com/c/").body == b"itself"
        assert archive.respond("http://example.com/a/") is None


# -- a torn WARC: an interrupted download ------------------------------------------------

BOOKBINDERS = "http://eng-archive.aawsat.com/thaer-abbas/features/the-last-bookbinders-of-damascus/"


def record_offsets(warc: Path) -> dict[str, int]:
    """Where each response record of ``warc`` starts, by URL."""
    with warc.open("rb") as file:
        records = ArchiveIterator(file)
        return {
            record.rec_headers.get_header("WARC-Target-URI"): records.get_record_offset()
            for record in records
            if record.rec_type == "response"
        }


def test_a_torn_warc_replays_its_whole_records_and_never_a_cut_page(tmp_path):
    """A WARC cut inside a page's record (a download interrupted) reads as if that record
    were whole, only shorter: replayed, it made a shorter article. Its request is answered
    404 instead, with an ERROR line and a count; the pages before it are replayed."""
    offset = record_offsets(SAMPLE_WARC)[BOOKBINDERS]
    torn = tmp_path / "torn.warc.gz"
    torn.write_bytes(SAMPLE_WARC.read_bytes()[: offset + 4000])
    urls = tmp_path / "urls.txt"
    urls.write_text(READING_LIST.read_text())

    result, _ = replay(tmp_path, str(torn), "-a", f"urls={urls}")

    assert result.returncode == 0, result.log[-4000:]
    records = [
        json.loads(line)
        for line in golden_crawl_lines(result.output, "http://eng-archive.aawsat.com")
    ]
    assert [record["url"] for record in records] == sorted(
        line.split()[0]
        for line in READING_LIST.read_text().splitlines()
        if line.startswith("http") and "bookbinders" not in line
    )
    for record in records:
        assert record == GOLDEN_RECORDS[record["url"]]
    assert (
        f"ERROR: Damaged in the archive, answered 404: {BOOKBINDERS} (the record at byte "
        f"{offset} of {torn}: cut short" in result.log
    )
    stats = result.report["stats"]
    assert stats[stats_keys.REPLAY_DAMAGED_RECORDS] == 1
    assert stats["articles/failed/http_404"] == 1


def test_a_warc_damaged_inside_is_read_up_to_the_damage(tmp_path, caplog):
    """Bytes lost inside a file (here a hole of NUL bytes where a page's record starts, as
    a crash can leave) end what warcio can read of it: the records before it are
    answered, the file is named."""
    offset = record_offsets(SAMPLE_WARC)[BOOKBINDERS]
    whole = SAMPLE_WARC.read_bytes()
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(whole[:offset] + b"\0" * 300 + whole[offset + 300 :])
    crawler = get_crawler(settings_dict={"REPLAY_SOURCE": str(damaged)})

    with caplog.at_level(logging.ERROR, logger="crawler.capture.replay"):
        middleware = ArchiveReplayMiddleware.from_crawler(crawler)
    first = middleware.process_request(Request("http://eng-archive.aawsat.com/robots.txt"))
    lost = middleware.process_request(Request(BOOKBINDERS))
    middleware.archive.close()

    assert (first.status, lost.status) == (200, 404)
    (message,) = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert message.startswith(f"WARC file {damaged} is damaged after its first 7 records (")
    assert crawler.stats.get_value(stats_keys.REPLAY_DAMAGED_WARC_FILES) == 1
    assert crawler.stats.get_value(stats_keys.REPLAY_NOT_IN_ARCHIVE) == 1


def test_a_file_that_is_no_warc_is_a_clear_error(tmp_path):
    page = tmp_path / "page.warc.gz"
    page.write_bytes(b"<html><body>not a WARC</body></html>")
    result, stderr = replay(tmp_path, str(page))
    assert result.returncode == 2
    assert f"{page}: not a WARC file" in stderr


# -- the archive index -------------------------------------------------------------------


def write_warc(path: Path, *responses: tuple[str, int, bytes]) -> None:
    with path.open("wb") as file:
        writer = WARCWriter(file, gzip=True)
        for url, status, body in responses:
            headers = StatusAndHeaders(f"{status} X", [("Content-Type", "text/html")], "HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=BytesIO(body), length=len(body), http_headers=headers
                )
            )


def test_the_last_capture_of_a_url_wins_but_a_transient_error_never_hides_a_page(tmp_path):
    warc = tmp_path / "a.warc.gz"
    write_warc(
        warc,
        ("http://example.com/a/", 200, b"first"),
        ("http://example.com/a/", 200, b"second"),
        ("http://example.com/a/", 503, b"busy"),
        ("http://example.com/b/", 503, b"busy"),
        ("http://example.com/c/", 404, b"gone"),
    )
    with WarcArchive([warc]) as archive:
        assert (archive.respond("http://example.com/a/").body, len(archive)) == (b"second", 3)
        assert archive.respond("http://example.com/b/").status == 503
        assert archive.respond("http://example.com/c/").status == 404
        assert archive.respond("http://example.com/d/") is None


def test_a_revisit_record_is_answered_with_the_payload_it_refers_to(tmp_path):
    warc = tmp_path / "a.warc.gz"
    with warc.open("wb") as file:
        writer = WARCWriter(file, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], "HTTP/1.1")
        original = writer.create_warc_record(
            "http://example.com/old/",
            "response",
            payload=BytesIO(b"page"),
            length=4,
            http_headers=headers,
        )
        writer.write_record(original)
        digest = original.rec_headers.get_header("WARC-Payload-Digest")
        revisit_headers = StatusAndHeaders("200 OK", [("Content-Type", "text/plain")], "HTTP/1.1")
        writer.write_record(
            writer.create_revisit_record(
                "http://example.com/new/",
                digest,
                "http://example.com/old/",
                "2017-01-01T00:00:00Z",
                http_headers=revisit_headers,
            )
        )

    with WarcArchive([warc]) as archive:
        answer = archive.respond("http://example.com/new/")
    assert (answer.status, answer.body) == (200, b"page")
    assert ("Content-Type", "text/plain") in answer.headers


def test_a_chunked_gzip_record_is_answered_dechunked_and_still_compressed():
    url = "http://eng-archive.aawsat.com/diana-moukalled/opinion/live-from-lebanon/"
    with WarcArchive([SAMPLE_WARC]) as archive:
        answer = archive.respond(url)

    names = {name.lower() for name, _ in answer.headers}
    assert "transfer-encoding" not in names
    assert ("Content-Encoding", "gzip") in answer.headers
    page = MIRROR / "diana-moukalled" / "opinion" / "live-from-lebanon" / "index.html"
    assert gzip.decompress(answer.body) == page.read_bytes()


@pytest.mark.parametrize(
    ("recorded_url", "requested_url"),
    [
        ("http://example.com:80/a/?b=2&a=1", "http://example.com/a/?a=1&b=2"),
        ("HTTPS://Example.com:443/a/#top", "https://example.com/a/"),
        ("http://127.0.0.1:8000/x/", "http://127.0.0.1:8000/x/"),
    ],
)
def test_urls_are_matched_in_canonical_form(recorded_url, requested_url):
    assert replay_key(recorded_url) == replay_key(requested_url)


def test_the_recorded_origin_is_the_sites_own_host_else_the_most_recorded(tmp_path):
    ours, theirs = tmp_path / "ours.warc.gz", tmp_path / "theirs.warc.gz"
    write_warc(
        ours,
        *[(f"http://127.0.0.1:8000/{n}/", 200, b"") for n in range(3)],
        ("http://cdn.example/x.js", 200, b""),
    )
    write_warc(
        theirs,
        *[(f"http://cdn.example/{n}.js", 200, b"") for n in range(3)],
        ("https://www.eng-archive.aawsat.com/a/", 200, b""),
    )

    assert recorded_origin(WarcArchive([ours]), PUBLIC) == "http://127.0.0.1:8000"
    assert recorded_origin(WarcArchive([theirs]), PUBLIC) == "https://www.eng-archive.aawsat.com"
    assert recorded_origin(WarcArchive([]), PUBLIC) is None


def test_a_saved_folder_answers_its_files_and_nothing_else():
    archive = MirrorArchive(MIRROR)
    assert archive.respond(f"{PUBLIC}/robots.txt").body == (MIRROR / "robots.txt").read_bytes()
    assert archive.respond(f"{PUBLIC}/diana-moukalled/opinion/live-from-lebanon-2/").status == 301
    assert archive.respond(f"{PUBLIC}/no/such/page/") is None


def test_the_middleware_answers_every_request_and_counts_what_the_archive_lacks():
    crawler = get_crawler(settings_dict={"REPLAY_SOURCE": str(SAMPLE_WARC)})
    middleware = ArchiveReplayMiddleware.from_crawler(crawler)
    found = middleware.process_request(Request("http://eng-archive.aawsat.com/robots.txt"))
    missing = middleware.process_request(Request("http://eng-archive.aawsat.com/nowhere/"))
    middleware.archive.close()

    assert (found.status, found.flags) == (200, ["replay"])
    assert found.body == (MIRROR / "robots.txt").read_bytes()
    assert missing.status == 404
    assert crawler.stats.get_value(stats_keys.REPLAY_ANSWERED) == 1
    assert crawler.stats.get_value(stats_keys.REPLAY_NOT_IN_ARCHIVE) == 1


def test_a_missing_replay_source_is_a_clear_error(tmp_path):
    result, stderr = replay(tmp_path, str(tmp_path / "nowhere.warc.gz"))
    assert result.returncode == 2
    assert "no such file or folder" in stderr
