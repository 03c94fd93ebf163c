"""WARC capture (crawler/capture/warc.py): records, digests, rollover, and a WARC that survives kill -9.

The capture of a whole crawl and its replay are tested together in tests/test_replay.py.
"""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from scrapy import Request
from scrapy.http import HtmlResponse, Response
from warcio.archiveiterator import ArchiveIterator
from werkzeug import Request as WerkzeugRequest
from werkzeug import Response as WerkzeugResponse

from crawler.capture.mirror import Mirror, crawl_command
from crawler.capture.warc import WarcWriter, serial_path
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


def test_a_file_name_that_is_not_a_warc_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"ends in \.warc\.gz or \.warc"):
        WarcWriter(tmp_path / "crawl.gz", 10**9, INFO)


def test_a_bad_warc_output_is_a_clear_usage_error(tmp_path):
    done = subprocess.run(
        [*crawl_command("aawsat", "http://127.0.0.1:9/", ["-s", "WARC_OUTPUT=crawl.gz"])],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=FIXTURES.parent,
        check=False,
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


def test_a_crawl_killed_with_sigkill_leaves_a_warc_valid_to_its_last_record(
    slow_mirror_server, tmp_path
):
    warc = tmp_path / "crawl.warc.gz"
    command = crawl_command(
        "aawsat",
        slow_mirror_server.url_for("/"),
        [
            "-O",
            str(tmp_path / "a.jsonl"),
            "-s",
            f"WARC_OUTPUT={warc}",
            "-s",
            "ARCHIVE_COVERAGE_DIR=",
        ],
    )
    crawl = subprocess.Popen(
        command, cwd=FIXTURES.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
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
