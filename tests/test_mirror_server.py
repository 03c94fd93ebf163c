"""The mirror server (``python -m crawler.mirror serve``) answers a bad request with an
HTTP error, never by dropping the connection."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from crawler.capture.mirror import Mirror, start_server
from qa import crawl_launcher
from qa.fixtures import FIXTURES


@pytest.mark.parametrize("target", [b"/about-us/%00/", b"/about-us/\x00/"], ids=["escaped", "raw"])
def test_a_nul_byte_in_the_path_is_answered_400(target):
    server = start_server(Mirror(FIXTURES / "aawsat" / "site").respond)
    try:
        with socket.create_connection(("127.0.0.1", server.server_port), timeout=10) as client:
            client.sendall(b"GET " + target + b" HTTP/1.0\r\nHost: x\r\n\r\n")
            answer = client.makefile("rb").read()
    finally:
        server.shutdown()
        server.server_close()
    assert answer.split(b"\r\n", 1)[0] == b"HTTP/1.0 400 Bad Request"


def test_a_request_with_a_query_is_answered_from_the_file_saved_with_it(tmp_path):
    """As ``wget --mirror`` saves it: the path's last segment, ``?``, the query as sent;
    its headers beside it. Another query, or none, is answered as the path alone."""
    api = tmp_path / "wp-json" / "wp" / "v2"
    api.mkdir(parents=True)
    (api / "posts?page=2&_fields=link%2Cdate").write_bytes(b"[]")
    (api / "posts?page=2&_fields=link%2Cdate.response.json").write_text(
        '{"headers": {"Content-Type": "application/json", "X-WP-TotalPages": "2"}}'
    )
    mirror = Mirror(tmp_path)
    saved = mirror.respond("/wp-json/wp/v2/posts?page=2&_fields=link%2Cdate")
    assert (saved.status, saved.body) == (200, b"[]")
    assert saved.headers["X-WP-TotalPages"] == "2"
    assert saved.headers["Content-Type"] == "application/json"
    assert mirror.respond("/wp-json/wp/v2/posts?page=3&_fields=link%2Cdate").status == 404
    assert mirror.respond("/wp-json/wp/v2/posts").status == 404
    (tmp_path / "robots.txt").write_text("User-agent: *\n")
    assert mirror.respond("/robots.txt?page=2").body == b"User-agent: *\n"
    assert mirror.respond("/wp-json/wp/v2/posts?page=2&_fields=../../../x").status == 404
    (tmp_path.parent / f"{tmp_path.name}?secret=1").write_text("beside the mirror")
    (tmp_path / "index.html").write_text("home")
    assert mirror.respond("/?secret=1").body == b"home"


def test_a_page_saved_with_its_query_is_served_as_its_path_type(tmp_path):
    """``news_view.html?idx=2`` is an HTML page, as its path says (not a file of unknown
    type, which the crawl would not read as a page)."""
    news = tmp_path / "news"
    news.mkdir()
    (news / "news_view.html?idx=2").write_text("<html><body>story</body></html>")
    saved = Mirror(tmp_path).respond("/news/news_view.html?idx=2")
    assert (saved.status, saved.headers["Content-Type"]) == (200, "text/html; charset=UTF-8")


def test_a_mirror_crawl_with_a_jobdir_is_resumed_by_the_same_command(tmp_path):
    """``python -m crawler.mirror crawl … -s JOBDIR=`` served on a new port each run: its
    job's address, so every run after the first was refused as another job's (exit 3)."""
    command = [
        sys.executable,
        *("-m", "crawler.mirror", "crawl", "fixtures/aawsat/site", "aawsat"),
        *("-o", str(tmp_path / "out.jsonl"), "-s", f"JOBDIR={tmp_path / 'job'}"),
        *("-s", f"ARCHIVE_COVERAGE_DIR={tmp_path / 'coverage'}"),
    ]
    for run in (1, 2):
        done = crawl_launcher.run(command, FIXTURES.parent, timeout=300)
        assert done.returncode == 0, f"run {run}: {done.stderr[-3000:]}"
    urls = [json.loads(line)["url"] for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert len(urls) == len(set(urls)) == 32


def test_a_ctrl_c_on_a_mirror_crawl_stops_the_crawl_gracefully(tmp_path):
    """Ctrl-C reaches the wrapper and the crawl (one process group): the wrapper killed the
    crawl 0.25 s into its graceful stop, which never wrote its run report, and exited 130."""
    output = tmp_path / "out.jsonl"
    command = [
        sys.executable,
        *("-m", "crawler.mirror", "crawl", "fixtures/aawsat/site", "aawsat", "-o", str(output)),
        *("-s", "DOWNLOAD_DELAY=0.3", "-s", f"ARCHIVE_COVERAGE_DIR={tmp_path / 'coverage'}"),
    ]
    with (tmp_path / "stderr.log").open("wb") as stderr:
        crawl = subprocess.Popen(
            command, cwd=FIXTURES.parent, stderr=stderr, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while not (output.exists() and output.read_bytes().count(b"\n") >= 2):
            assert time.monotonic() < deadline
            assert crawl.poll() is None
            time.sleep(0.05)
        os.killpg(crawl.pid, signal.SIGINT)
        assert crawl.wait(timeout=120) == 1  # the crawl's own: interrupted
    log = (tmp_path / "stderr.log").read_text()
    assert "Run report (aawsat, finished: shutdown)" in log
