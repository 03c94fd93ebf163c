"""Shared test fixtures: a loopback HTTP server (pytest-httpserver) serving a mirror,
one crawl of the fixture archive with every output on, and ``os.fsync`` counted."""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from crawler.capture.mirror import Mirror
from qa.crawl_launcher import CRAWL_LAUNCHER_ENV
from qa.fixtures import FIXTURES, CrawlResult, run_crawl

LAUNCHER_START_SECONDS = 60
"""How long the crawl launcher may take to import Scrapy and listen (about 1.5 s)."""


@pytest.fixture(scope="session", autouse=True)
def crawl_launcher() -> Iterator[None]:
    """This test process's crawl launcher (:mod:`qa.crawl_launcher`): the tests'
    ``python -m …`` crawls are forked from it instead of each importing Scrapy afresh."""
    folder = Path(tempfile.mkdtemp(prefix="crawl-launcher-"))
    socket_path = str(folder / "socket")
    launcher = subprocess.Popen(
        [sys.executable, "-m", "qa.crawl_launcher", socket_path],
        stdin=subprocess.PIPE,
        cwd=FIXTURES.parent,
    )
    deadline = time.monotonic() + LAUNCHER_START_SECONDS
    while not Path(socket_path).exists():
        if launcher.poll() is not None or time.monotonic() > deadline:
            launcher.kill()
            launcher.communicate()
            raise RuntimeError(f"the crawl launcher did not start (exit {launcher.poll()})")
        time.sleep(0.05)
    os.environ[CRAWL_LAUNCHER_ENV] = socket_path
    yield
    del os.environ[CRAWL_LAUNCHER_ENV]
    assert launcher.stdin is not None
    launcher.stdin.close()
    launcher.wait(timeout=10)
    Path(socket_path).unlink()
    folder.rmdir()


def serve_mirror(server: HTTPServer, root: Path) -> None:
    """Answer every path from the mirror folder, as `python -m crawler.mirror` would."""
    mirror = Mirror(root)

    def handler(request: Request) -> Response:
        served = mirror.respond(request.full_path, request.headers)
        return Response(served.body, status=served.status, headers=list(served.headers.items()))

    server.expect_request(re.compile(r"^/.*")).respond_with_handler(handler)


@contextmanager
def serving(pages: dict[str | tuple[str, str], str | tuple[str, str]]) -> Iterator[HTTPServer]:
    """A loopback server answering each path of ``pages`` (or ``(path, query)``, the query
    exactly) with that HTML page (or ``(body, content type)``), and anything else
    (robots.txt, sitemaps) with a 404."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        for key, page in pages.items():
            path, query = key if isinstance(key, tuple) else (key, None)
            body, content_type = page if isinstance(page, tuple) else (page, "text/html")
            server.expect_request(path, query_string=query).respond_with_data(
                body, content_type=f"{content_type}; charset=utf-8"
            )
        server.expect_request(re.compile(".*")).respond_with_data("", status=404)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def mirror_server() -> Iterator[HTTPServer]:
    """A server of the module's own; tests call :func:`serve_mirror` on it."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@dataclass(frozen=True)
class OutputsCrawl:
    """One crawl of the fixture archive with every output on, shared by the tests of the
    Parquet and CSV feeds, the progress log and the coverage page (a crawl costs seconds)."""

    result: CrawlResult
    workdir: Path
    base_url: str
    fetched: list[str]
    """Every path the crawl requested, in order."""

    @property
    def jsonl(self) -> Path:
        return self.workdir / "articles.jsonl"

    @property
    def parquet(self) -> Path:
        return self.workdir / "articles.parquet"

    @property
    def csv(self) -> Path:
        return self.workdir / "articles.csv"


OUTPUTS_CRAWL_ROW_GROUP = 10
"""Records per Parquet row group: the 27 fixture articles make three file parts."""
OUTPUTS_CRAWL_PROGRESS_INTERVAL = 0.05
"""Seconds between progress lines: several even in a crawl of half a second (the fixture
crawl took 0.65 s on a quiet machine, too short for three lines at 0.25 s)."""


@pytest.fixture(scope="session")
def outputs_crawl(tmp_path_factory: pytest.TempPathFactory) -> OutputsCrawl:
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    serve_mirror(server, FIXTURES / "aawsat" / "site")
    workdir = tmp_path_factory.mktemp("outputs")
    base_url = server.url_for("/")
    result = run_crawl(
        "aawsat",
        base_url,
        workdir,
        "-O",
        str(workdir / "articles.parquet"),
        "-O",
        str(workdir / "articles.csv"),
        "-s",
        f"PARQUET_ROW_GROUP_SIZE={OUTPUTS_CRAWL_ROW_GROUP}",
        "-s",
        f"ARCHIVE_PROGRESS_INTERVAL={OUTPUTS_CRAWL_PROGRESS_INTERVAL}",
    )
    fetched = [request.full_path for request, _ in server.log]
    server.clear()
    server.stop()
    assert result.returncode == 0, result.log[-4000:]
    return OutputsCrawl(result, workdir, base_url, fetched)


class FsyncSpy:
    """``os.fsync`` as it is, counting its calls (``paths``: the files, in order); ``fail``
    makes the next ones fail."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        self.paths: list[str] = []
        self.fail = False
        self.real = os.fsync
        monkeypatch.setattr(os, "fsync", self)

    def __call__(self, fd: int) -> None:
        self.calls += 1
        self.paths.append(str(Path(f"/proc/self/fd/{fd}").readlink()))
        if self.fail:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        self.real(fd)


@pytest.fixture
def fsync(monkeypatch: pytest.MonkeyPatch) -> FsyncSpy:
    """``os.fsync`` counted (in this process), and made to fail on demand."""
    return FsyncSpy(monkeypatch)
