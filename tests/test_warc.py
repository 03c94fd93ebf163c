"""WARC capture (crawler/capture/warc.py): records, digests, rollover, when it is fsync-ed,
a torn tail cut, a failed fsync, and a WARC that survives kill -9.

The capture of a whole crawl and its replay are tested together in tests/test_replay.py; a
crawl whose WARC cannot be written, then resumed, in tests/test_resume.py.
"""

from __future__ import annotations

import errno
import gzip
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from scrapy import Request
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator
from werkzeug import Request as WerkzeugRequest
from werkzeug import Response as WerkzeugResponse

from crawler.capture.mirror import Mirror, crawl_command
from crawler.capture.warc import WarcCaptureMiddleware, WarcWriter, cut_torn_tail, serial_path
from crawler.reporting import stats_keys
from crawler.runtime.feeds import DurableFileFeedStorage
from qa import crawl_launcher
from qa.fixtures import FIXTURES

MIRROR = FIXTURES / "aawsat" / "site"
INFO = {"software": "test"}
PAGE = b"<html><body><p>" + b"An archived paragraph. " * 40 + b"</p></body></html>"


def read_records(path: Path) -> list[dict]:
    """Every record of a WARC, each checked whole against its digests."""
    records = []
    with path.open("rb") as file:
        for record in ArchiveIterator(file, check_digests="raise"):
            payload = record.raw_stream.read()
            # A torn last record is no mismatch to warcio: its digest is just not checked.
            assert record.digest_checker.passed is True, f"incomplete {record.rec_type} record"
            records.append(
                {
                    "type": record.rec_type,
                    "uri": record.rec_headers.get_header("WARC-Target-URI"),
                    "date": record.rec_headers.get_header("WARC-Date"),
                    "payload_digest": record.rec_headers.get_header("WARC-Payload-Digest"),
                    "id": record.rec_headers.get_header("WARC-Record-ID"),
                    "concurrent_to": record.rec_headers.get_header("WARC-Concurrent-To"),
                    "http": record.http_headers,
                    "payload": payload,
                }
            )
    return records


def exchange(url: str, body: bytes = PAGE, **headers: str) -> tuple[Request, Response]:
    request = Request(url, headers={"User-Agent": "test-agent"})
    response = HtmlResponse(
        url,
        status=200,
        headers={"Content-Type": "text/html; charset=utf-8", **headers},
        body=body,
        request=request,
    )
    return request, response


def test_an_exchange_is_a_response_and_a_request_record_with_uri_date_and_digest(tmp_path):
    writer = WarcWriter(tmp_path / "crawl.warc.gz", 10**9, INFO)
    writer.write_exchange(*exchange("http://127.0.0.1:8000/a/b/?page=2"))
    writer.close()

    warcinfo, response, request = read_records(tmp_path / "crawl.warc.gz")
    assert warcinfo["type"] == "warcinfo"
    assert b"software: test" in warcinfo["payload"]
    assert (response["type"], request["type"]) == ("response", "request")
    for record in (response, request):
        assert record["uri"] == "http://127.0.0.1:8000/a/b/?page=2"
        assert record["date"].endswith("Z")
        assert record["payload_digest"].startswith("sha1:")
    assert request["concurrent_to"] == response["id"]
    assert response["http"].get_statuscode() == "200"
    assert response["http"].get_header("Content-Type") == "text/html; charset=utf-8"
    assert response["payload"] == PAGE
    assert request["http"].protocol == "GET"
    assert request["http"].statusline == "/a/b/?page=2 HTTP/1.1"
    assert request["http"].get_header("Host") == "127.0.0.1:8000"
    assert request["http"].get_header("User-Agent") == "test-agent"


def test_bodies_are_kept_as_received_and_a_dechunked_body_loses_its_chunked_header(tmp_path):
    compressed = gzip.compress(PAGE)
    writer = WarcWriter(tmp_path / "crawl.warc", 10**9, INFO)
    writer.write_exchange(
        *exchange(
            "http://example.com/",
            body=compressed,
            **{"Content-Encoding": "gzip", "Transfer-Encoding": "chunked"},
        )
    )
    writer.close()

    response = read_records(tmp_path / "crawl.warc")[1]
    assert response["payload"] == compressed
    assert response["http"].get_header("Content-Encoding") == "gzip"
    assert response["http"].get_header("Transfer-Encoding") is None
    assert not (tmp_path / "crawl.warc").read_bytes().startswith(b"\x1f\x8b")  # not gzipped


def test_files_roll_over_at_the_size_setting_each_starting_with_warcinfo(tmp_path):
    max_size = 6000
    writer = WarcWriter(tmp_path / "crawl.warc.gz", max_size, INFO)
    urls = [f"http://example.com/{n}/" for n in range(12)]
    for n, url in enumerate(urls):
        writer.write_exchange(*exchange(url, body=PAGE + os.urandom(900 + n)))
    writer.close()

    assert len(writer.files) > 2
    assert writer.files == [
        serial_path(tmp_path / "crawl.warc.gz", n) for n in range(len(writer.files))
    ]
    assert writer.files[1].name == "crawl-00001.warc.gz"
    recorded = []
    for path in writer.files:
        assert path.stat().st_size <= max_size
        records = read_records(path)
        assert records[0]["type"] == "warcinfo"
        assert len(records) > 1
        recorded += [r["uri"] for r in records if r["type"] == "response"]
    assert recorded == urls


def test_an_existing_capture_is_never_overwritten(tmp_path):
    first = tmp_path / "crawl.warc.gz"
    first.write_bytes(b"an earlier capture")
    writer = WarcWriter(first, 10**9, INFO)
    writer.write_exchange(*exchange("http://example.com/"))
    writer.close()

    assert first.read_bytes() == b"an earlier capture"
    assert writer.files == [tmp_path / "crawl-00001.warc.gz"]


def write_capture(path: Path, exchanges: int, **options) -> WarcWriter:
    """A capture of ``exchanges`` exchanges of distinct, incompressible pages, left open."""
    writer = WarcWriter(path, 10**9, INFO, **options)
    for n in range(exchanges):
        writer.write_exchange(*exchange(f"http://example.com/{n}/", body=PAGE + os.urandom(3000)))
    return writer


def response_uris(path: Path) -> list[str]:
    return [r["uri"] for r in read_records(path) if r["type"] == "response"]


def test_exchanges_reach_the_file_at_once_and_the_disk_when_synced_and_at_close(tmp_path, fsync):
    warc = tmp_path / "crawl.warc.gz"
    writer = write_capture(warc, 3, fsync_every=1.0)
    # Whole in the file at once (a kill of the crawl keeps them), not yet fsync-ed.
    assert len(response_uris(warc)) == 3
    assert fsync.calls == 0
    writer.sync()
    writer.sync()  # nothing new: no second fsync
    assert fsync.calls == 1
    writer.write_exchange(*exchange("http://example.com/last/"))
    writer.close()
    assert fsync.calls == 2
    assert len(response_uris(warc)) == 4


def test_with_no_interval_every_exchange_is_fsynced_as_it_is_written(tmp_path, fsync):
    writer = write_capture(tmp_path / "crawl.warc.gz", 3, fsync_every=0.0)
    assert fsync.calls == 3
    writer.close()
    assert fsync.calls == 3


def record_offsets(path: Path) -> list[int]:
    """Where each record of a WARC starts, and where the file ends."""
    with path.open("rb") as file:
        records = ArchiveIterator(file)
        offsets = [records.get_record_offset() for _ in records]
    return [*offsets, path.stat().st_size]


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_a_torn_or_nul_filled_tail_is_cut_back_to_the_last_complete_record(tmp_path, name):
    warc = tmp_path / name
    write_capture(warc, 3).close()
    whole = warc.read_bytes()
    ends = record_offsets(warc)[1:]  # warcinfo, then response and request of each exchange
    assert len(ends) == 7
    assert cut_torn_tail(warc) == 0
    assert warc.read_bytes() == whole
    torn_at = [*range(ends[0] + 1, len(whole), 97), *(end - 1 for end in ends)]
    cases = [(whole[:size], max((e for e in ends if e <= size), default=0)) for size in torn_at]
    cases += [
        (whole + bytes(4096), len(whole)),  # a power loss can leave NUL bytes past the end
        (whole[: ends[4] + 100] + bytes(4096), ends[4]),
    ]
    for torn, kept in cases:
        warc.write_bytes(torn)
        assert cut_torn_tail(warc) == len(torn) - kept
        assert warc.read_bytes() == whole[:kept]
        read_records(warc)  # every record whole, its digests checked


def test_a_resumed_capture_cuts_its_last_files_torn_tail_then_writes_a_new_file(tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    first = WarcWriter(warc, 6000, INFO)
    for n in range(4):
        first.write_exchange(*exchange(f"http://example.com/{n}/", body=PAGE + os.urandom(900)))
    first.close()
    last = first.files[-1]
    assert last != warc  # rolled over: only the last file can be torn
    complete = last.read_bytes()
    torn = complete[record_offsets(last)[-3] :][:500]  # as a kill in mid-write leaves it
    last.write_bytes(complete + torn)

    second = WarcWriter(warc, 6000, INFO)
    assert second.cut_torn_tail() == (last, 500)
    assert second.cut_torn_tail() is None
    second.write_exchange(*exchange("http://example.com/again/"))
    second.close()
    assert last.read_bytes() == complete
    assert second.files == [serial_path(warc, len(first.files))]
    for path in [*first.files, *second.files]:
        read_records(path)


def test_a_file_another_crawl_is_writing_is_never_cut(tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    running = write_capture(warc, 1, fsync_every=1.0)
    with warc.open("ab") as file:
        file.write(b"\x1f\x8b\x08 as if a write were under way")
    size = warc.stat().st_size
    assert WarcWriter(warc, 10**9, INFO).cut_torn_tail() is None
    assert warc.stat().st_size == size
    running.close()


def test_an_existing_file_that_is_not_a_warc_is_never_cut(tmp_path):
    other = tmp_path / "crawl.warc"
    other.write_bytes(b"not a WARC\r\n")
    assert cut_torn_tail(other) == 0
    assert other.read_bytes() == b"not a WARC\r\n"


def test_a_failed_fsync_cuts_back_to_the_last_fsync_and_counts_every_exchange_lost(tmp_path, fsync):
    warc = tmp_path / "crawl.warc.gz"
    errors: list[tuple[int | None, int]] = []
    refused = []
    writer = write_capture(
        warc,
        2,
        fsync_every=1.0,
        on_error=lambda error, lost: errors.append((error.errno, lost)),
        on_lost=lambda: refused.append(1),
    )
    writer.sync()
    synced = warc.read_bytes()
    for n in range(3):
        writer.write_exchange(*exchange(f"http://example.com/unsynced/{n}/"))
    fsync.fail = True
    writer.sync()
    assert errors == [(errno.EIO, 3)]
    assert warc.read_bytes() == synced
    assert writer.failed
    assert writer.write_exchange(*exchange("http://example.com/refused/")) == 0
    writer.close()
    assert refused == [1]
    assert errors == [(errno.EIO, 3)]
    assert response_uris(warc) == ["http://example.com/0/", "http://example.com/1/"]


def test_the_warc_reaches_the_disk_before_the_feed_records_made_from_it(tmp_path, fsync):
    warc, feed = tmp_path / "crawl.warc.gz", tmp_path / "a.jsonl"
    crawler = get_crawler(
        settings_dict={"WARC_OUTPUT": str(warc), "ARCHIVE_FEED_FSYNC_SECONDS": 1.0}
    )
    middleware = WarcCaptureMiddleware.from_crawler(crawler)
    request, response = exchange("http://example.com/article/")
    middleware.process_response(request, response)
    storage = DurableFileFeedStorage.from_crawler(
        crawler, str(feed), feed_options={"format": "jsonl"}
    )
    file = storage.open(None)
    file.write(b'{"url": "http://example.com/article/"}\n')
    assert fsync.paths == []  # neither is fsync-ed as it is written
    storage.store(file)  # the feed's close fsyncs its record, the page it came from first
    assert fsync.paths == [str(warc), str(feed)]
    middleware.spider_closed()
    assert fsync.paths == [str(warc), str(feed)]  # nothing left to fsync


def test_a_file_name_that_is_not_a_warc_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"ends in \.warc\.gz or \.warc"):
        WarcWriter(tmp_path / "crawl.gz", 10**9, INFO)


def test_a_bad_warc_output_is_a_clear_usage_error(tmp_path):
    done = crawl_launcher.run(
        crawl_command("aawsat", "http://127.0.0.1:9/", ["-s", "WARC_OUTPUT=crawl.gz"]),
        FIXTURES.parent,
        timeout=120,
    )
    assert done.returncode != 0
    assert "-s WARC_OUTPUT: a WARC file name ends in .warc.gz or .warc: 'crawl.gz'" in done.stderr


@pytest.fixture
def slow_mirror_server():
    """The fixture archive, 50 ms per response: a crawl of it takes a few seconds."""
    mirror = Mirror(MIRROR)

    def handler(request: WerkzeugRequest) -> WerkzeugResponse:
        time.sleep(0.05)
        served = mirror.respond(request.path)
        return WerkzeugResponse(
            served.body, status=served.status, headers=list(served.headers.items())
        )

    server = HTTPServer(host="127.0.0.1", port=0)
    server.expect_request("").respond_with_handler(handler)
    server.start()
    yield server
    server.clear()
    server.stop()


def recording_crawl(server: HTTPServer, workdir: Path, *arguments: str) -> list[str]:
    """A crawl of ``server`` writing ``workdir/crawl.warc.gz`` (and its run report)."""
    return crawl_command(
        "aawsat",
        server.url_for("/"),
        [
            "-O",
            str(workdir / "a.jsonl"),
            "-s",
            f"WARC_OUTPUT={workdir / 'crawl.warc.gz'}",
            "-s",
            "ARCHIVE_COVERAGE_DIR=",
            "-s",
            f"ARCHIVE_REPORT_FILE={workdir / 'report.json'}",
            *arguments,
        ],
    )


def test_a_crawl_killed_with_sigkill_leaves_a_warc_valid_to_its_last_record(
    slow_mirror_server, tmp_path
):
    warc = tmp_path / "crawl.warc.gz"
    command = recording_crawl(slow_mirror_server, tmp_path)
    crawl = crawl_launcher.start(
        command, FIXTURES.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while not (warc.exists() and warc.stat().st_size > 100_000):
            assert crawl.poll() is None, "the crawl ended before it could be killed"
            assert time.monotonic() < deadline, "the crawl wrote no WARC"
            time.sleep(0.02)
        assert crawl.poll() is None
        os.kill(crawl.pid, signal.SIGKILL)
    finally:
        crawl.kill()
        crawl.wait()

    records = read_records(warc)  # raises on a torn record or a bad digest
    kinds = [r["type"] for r in records]
    assert kinds[0] == "warcinfo"
    assert kinds[1:] == ["response", "request"] * ((len(kinds) - 1) // 2)
    responses = [r for r in records if r["type"] == "response"]
    assert 10 < len(responses) < 90  # killed mid-way: the whole crawl has 103 responses
    for record in responses:
        assert int(record["http"].get_header("Content-Length")) == len(record["payload"])


def test_a_torn_tail_is_cut_when_the_same_crawl_runs_again(slow_mirror_server, tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    command = recording_crawl(slow_mirror_server, tmp_path, "-a", "urls=examples/reading-list.txt")

    def crawl() -> str:
        done = crawl_launcher.run(command, FIXTURES.parent, timeout=120)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stderr

    crawl()
    complete = warc.read_bytes()
    last_exchange = complete[record_offsets(warc)[-3] :]
    torn = last_exchange[: len(last_exchange) // 2]  # as a kill in mid-write leaves it
    warc.write_bytes(complete + torn)

    log = crawl()
    assert f"Cut a torn last record ({len(torn)} bytes) from {warc}" in log
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["stats"][stats_keys.RESUME_TORN_WARC_BYTES_CUT] == len(torn)
    assert warc.read_bytes() == complete
    assert len(response_uris(serial_path(warc, 1))) > 1
