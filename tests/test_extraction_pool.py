"""Article and listing pages read in worker processes (crawler/runtime/extraction_pool.py):
the same corpus and stats as in the crawl's process, faults survived, no process left
behind."""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import re
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.capture.mirror import crawl_command
from crawler.discovery.urls import URL_CACHE_SIZE, RecentUrls
from crawler.reporting import stats_keys
from crawler.runtime import extraction_pool
from crawler.runtime.extraction_pool import (
    ArticleJob,
    ArticleReading,
    ListingJob,
    ListingReading,
    PageReader,
    PageTask,
    read_article,
    read_in_worker,
    sent_once,
)
from crawler.sites.aawsat import PROFILE, classify_url
from crawler.sites.base import UrlKind
from qa.fixtures import (
    FIXTURES,
    CrawlResult,
    crawl_golden_files,
    golden_crawl_lines,
    golden_stats,
    run_crawl,
)
from tests.conftest import serve_mirror
from tests.extraction_workers import (
    BROKEN_ARTICLE,
    BROKEN_LISTING,
    KILL_MARKER,
    UnpicklableArticlePage,
)
from tests.fault_server import FaultServer

MIRROR = FIXTURES / "aawsat" / "site"
EXPECTED_JSONL, EXPECTED_STATS = crawl_golden_files("aawsat")
POOL_FROM_THE_FIRST_PAGE = (
    "-s",
    "ARCHIVE_EXTRACTION_PROCESSES=1",
    "-s",
    "ARCHIVE_EXTRACTION_POOL_AFTER=0",
)
HOSPITALS = "rania-haddad/news-middle-east/sanaa-hospitals-ration-fuel/"
FISHERMEN = "rania-haddad/news-middle-east/fishermen-in-hodeidah-count-the-cost-of-war/"
"""Two fixture articles (paths in the mirror), whose links are the same but for a few."""
CRAWLED_OK = re.compile(r"DEBUG: Crawled \(200\) <GET (\S+)>")
"""Scrapy's line for each page downloaded whole (at ``LOG_LEVEL=DEBUG``)."""
RUN_MARKER = "EXTRACTION_POOL_TEST_RUN"
"""Environment variable set for one crawl: every process it starts inherits it."""


@contextmanager
def environment(**values: str) -> Iterator[None]:
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value


def processes_with(marker: str) -> list[int]:
    """Live processes whose environment holds ``marker`` (zombies are not live)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if marker.encode() in (proc / "environ").read_bytes():
                state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":
                    found.append(int(proc.name))
        except (OSError, ValueError):  # not a process, or gone meanwhile
            continue
    return found


def command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # gone meanwhile
        return b""


def lines_in(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def processes_left(marker: str) -> list[int]:
    """:func:`processes_with` ``marker``, once none is, or after 30 s: a process may take
    a moment to see its parent gone (a forkserver, its resource tracker)."""
    left = processes_with(marker)
    deadline = time.monotonic() + 30
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = processes_with(marker)
    return left


@pytest.fixture(scope="module")
def pool_crawl(mirror_server, tmp_path_factory) -> tuple[CrawlResult, str, list[int]]:
    """The fixture crawl with every article and listing page read in a worker process
    (logged at DEBUG, to tell which pages it read), and the processes it started that are
    still alive once it has exited."""
    serve_mirror(mirror_server, MIRROR)
    base_url = mirror_server.url_for("/")
    marker = f"{RUN_MARKER}={uuid.uuid4().hex}"
    with environment(**dict([marker.split("=")])):
        result = run_crawl(
            "aawsat",
            base_url,
            tmp_path_factory.mktemp("pool"),
            *POOL_FROM_THE_FIRST_PAGE,
            "-s",
            "LOG_LEVEL=DEBUG",
        )
    assert result.returncode == 0, result.log[-4000:]
    return result, base_url, processes_left(marker)


def test_workers_give_the_golden_jsonl(pool_crawl):
    result, base_url, _ = pool_crawl
    assert golden_crawl_lines(result.output, base_url) == EXPECTED_JSONL.read_text().splitlines()


def test_workers_give_the_golden_stats_but_links_they_sent_before(pool_crawl):
    """A worker sends an article page's links once: what the spider counts of a link met
    again (``dupefilter/filtered``, a link to a page already scheduled) it no longer
    meets, and those repeats are counted as such."""
    result, _, _ = pool_crawl
    stats = golden_stats(result.report["stats"])
    expected = json.loads(EXPECTED_STATS.read_text())
    filtered = stats.pop(stats_keys.DUPEFILTER_FILTERED)
    expected_filtered = expected.pop(stats_keys.DUPEFILTER_FILTERED)
    assert stats == expected
    repeated = result.report["stats"][stats_keys.EXTRACTION_POOL_REPEATED_LINKS]
    assert filtered < expected_filtered <= filtered + repeated


def test_every_article_page_was_read_in_a_worker(pool_crawl):
    result, _, _ = pool_crawl
    stats = result.report["stats"]
    assert stats[stats_keys.EXTRACTION_POOL_ARTICLE_PAGES] == stats[stats_keys.ARTICLES_EXTRACTED]
    assert stats[stats_keys.EXTRACTION_POOL_CPU_SECONDS] > 0
    assert stats[stats_keys.EXTRACTION_POOL_PEAK_RSS_BYTES] > 0


def test_every_listing_page_was_read_in_a_worker(pool_crawl):
    result, _, _ = pool_crawl
    listings = [
        url for url in CRAWLED_OK.findall(result.log) if classify_url(url) is UrlKind.LISTING
    ]
    assert len(listings) > 50  # home, categories, tags, authors, months and their pages
    assert result.report["stats"][stats_keys.EXTRACTION_POOL_LISTING_PAGES] == len(listings)


def test_no_process_is_left_after_the_crawl(pool_crawl):
    _, _, left = pool_crawl
    assert left == []


def test_a_small_crawl_reads_every_page_itself(mirror_server, tmp_path):
    """Its worker, forked at the start, is stopped unused: no stat, no log line of it."""
    serve_mirror(mirror_server, MIRROR)
    result = run_crawl(
        "aawsat", mirror_server.url_for("/"), tmp_path, "-s", "ARCHIVE_EXTRACTION_PROCESSES=1"
    )
    assert result.returncode == 0, result.log[-4000:]
    assert stats_keys.EXTRACTION_POOL_ARTICLE_PAGES not in result.report["stats"]
    assert stats_keys.EXTRACTION_POOL_LISTING_PAGES not in result.report["stats"]
    assert "worker process" not in result.log


@dataclass
class RunningCrawl:
    process: subprocess.Popen[bytes]
    log: Path
    output: Path
    marker: str
    """In the environment of the crawl's processes (:func:`processes_with`)."""


@contextmanager
def crawl_in_a_terminal(tmp_path: Path, fork: bool) -> Iterator[RunningCrawl]:
    """The fixture crawl, served slowly, every page read in its worker (forked, or from
    the forkserver), started in a session of its own as a terminal's job: given once it
    has written 3 records; its whole process group killed if still running after."""
    output, log_path = tmp_path / "out.jsonl", tmp_path / "crawl.log"
    marker = f"{RUN_MARKER}={uuid.uuid4().hex}"
    server = FaultServer(MIRROR, delay=0.05)  # a crawl of a few seconds
    with server.running(), environment(**dict([marker.split("=")])), log_path.open("wb") as log:
        command = crawl_command(
            "aawsat",
            server.base_url,
            [
                "-o",
                str(output),
                "-s",
                f"ARCHIVE_EXTRACTION_FORK={fork}",
                "-s",
                "ARCHIVE_COVERAGE_DIR=",
                *POOL_FROM_THE_FIRST_PAGE,
            ],
        )
        crawl = subprocess.Popen(command, cwd=FIXTURES.parent, stderr=log, start_new_session=True)
        try:
            while crawl.poll() is None and lines_in(output) < 3:
                time.sleep(0.01)
            yield RunningCrawl(crawl, log_path, output, marker)
        finally:
            if crawl.poll() is None:
                os.killpg(crawl.pid, signal.SIGKILL)
                crawl.wait()


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "forkserver"])
def test_a_ctrl_c_in_a_terminal_stops_the_crawl_gracefully(tmp_path, fork):
    """A Ctrl-C in a terminal signals every process of the crawl, its workers too: the
    crawl stops as after one SIGINT to it alone, and no process is left. (A worker's
    KeyboardInterrupt came back as its batch's error, reached the spider's callback,
    and the crawl hung at exit.)"""
    with crawl_in_a_terminal(tmp_path, fork) as crawl:
        os.killpg(crawl.process.pid, signal.SIGINT)  # the whole group, as Ctrl-C does
        returncode = crawl.process.wait(timeout=60)
    text = crawl.log.read_text()
    assert returncode == 1, text[-3000:]  # interrupted: not finished
    assert "shutting down gracefully" in text
    assert "KeyboardInterrupt" not in text
    assert "Readings lost" not in text
    assert "Reading article and listing pages in 1 worker process" in text
    assert processes_left(crawl.marker) == []


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "forkserver"])
def test_a_killed_crawl_leaves_no_process_behind(tmp_path, fork):
    """Killed (``kill -9``, the OOM killer), the crawl tells its worker nothing: the
    worker (and a forkserver) waited for pages for ever, a forked one holding the
    output's lock (``crawler/runtime/locks.py``), which the crawl run again would find
    taken."""
    with crawl_in_a_terminal(tmp_path, fork) as crawl:
        running = processes_with(crawl.marker)
        assert crawl.process.pid in running
        assert len(running) > 1, "no worker running: nothing to check"
        forkservers = [pid for pid in running if b"forkserver" in command_line(pid)]
        assert bool(forkservers) is not fork  # a forked worker is a copy of the crawl
        crawl.process.kill()  # the crawl's process alone
        crawl.process.wait()
        assert processes_left(crawl.marker) == []
    assert lock_freed(crawl.output)


def lock_freed(path: Path) -> bool:
    """Whether ``path``'s lock can be taken, at once or within 10 s. A worker that has
    left ``/proc``'s list of processes with the marker (its memory, where its environment
    is, released first) may hold its files a moment longer, as the kernel closes them
    last while the process exits."""
    deadline = time.monotonic() + 10
    with path.open("ab") as output:
        while True:
            try:
                fcntl.flock(output, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.05)
            else:
                return True


def test_a_killed_worker_and_a_failed_extraction_lose_only_the_failed_article(
    mirror_server, tmp_path
):
    """A worker killed mid-crawl: its pages are read again, every article is emitted; an
    extraction error in a worker is counted and logged with its traceback, as in the
    crawl's process; a listing whose reading raises fails its own callback only, as in
    the crawl's process."""
    serve_mirror(mirror_server, MIRROR)
    base_url = mirror_server.url_for("/")
    with environment(**{KILL_MARKER: str(tmp_path / "killed")}):
        result = run_crawl(
            "aawsat_failing",
            base_url,
            tmp_path,
            *POOL_FROM_THE_FIRST_PAGE,
            "-s",
            "SPIDER_MODULES=crawler.spiders,tests.extraction_workers",
            allow_errors=True,
        )
    assert (tmp_path / "killed").exists()  # a worker did die
    expected = [
        line for line in EXPECTED_JSONL.read_text().splitlines() if BROKEN_ARTICLE not in line
    ]
    assert golden_crawl_lines(result.output, base_url) == expected
    stats = result.report["stats"]
    assert stats[stats_keys.FAULTS_EXTRACTION_WORKER_LOST] == 1
    assert result.log.count("An extraction worker process died") == 1
    assert stats[stats_keys.ARTICLES_DROPPED_EXTRACTION_ERROR] == 1
    failed = result.log.split(
        f"ERROR: Extraction failed for {base_url.rstrip('/')}{BROKEN_ARTICLE}\n"
    )
    assert len(failed) == 2
    assert failed[1].startswith("Traceback (most recent call last):\n")
    assert "ValueError: broken on purpose" in failed[1].split("\n20")[0]
    spider_errors = result.spider_errors
    assert len(spider_errors) == 1
    assert f"<GET {base_url.rstrip('/')}{BROKEN_LISTING}>" in spider_errors[0]
    assert "ValueError: listing broken on purpose" in result.log


@pytest.mark.parametrize(
    ("pages_read", "waiting", "big"),
    [(0, 0, False), (150, 150, False), (151, 0, True), (0, 151, True), (3, 1000, True)],
)
def test_the_pool_starts_once_as_many_pages_were_read_or_wait(pages_read, waiting, big):
    """A sitemap that names a thousand posts says at once that a crawl is big; a small
    crawl (the fixture's scheduler holds a handful at a time) starts no process."""
    scheduler = [None] * waiting  # what counts is its length, as Scrapy's scheduler's
    crawler = SimpleNamespace(engine=SimpleNamespace(scheduler=scheduler))
    reader = PageReader(cast(Crawler, crawler), processes=1, start_after=150, log_level="INFO")
    reader.pages = pages_read
    assert reader._crawl_is_big() is big


@pytest.mark.parametrize(("threads", "forks"), [(1, True), (2, False)])
def test_workers_are_forked_only_from_a_process_of_one_thread(
    monkeypatch, tmp_path, threads, forks
):
    """A fork copies every lock as it is: one another thread held stays held in the copy."""
    for thread in range(threads):
        (tmp_path / str(thread)).mkdir()  # as /proc/self/task lists them
    monkeypatch.setattr(extraction_pool, "THREADS", tmp_path)
    monkeypatch.setattr(extraction_pool, "is_reactor_installed", lambda: True)
    monkeypatch.setattr(extraction_pool, "is_asyncio_reactor_installed", lambda: True)
    assert extraction_pool.may_fork_workers() is forks


def article_page(path: str) -> tuple[ArticleJob, HtmlResponse]:
    """The job and response of the fixture article at ``path``, as the spider makes them."""
    url = f"https://eng-archive.aawsat.com/{path}"
    response = HtmlResponse(url, body=(MIRROR / path / "index.html").read_bytes())
    return ArticleJob(PROFILE.article_page, url, links=True, extract_unsure=False), response


def test_a_worker_sends_an_article_pages_links_once_and_a_listings_all(monkeypatch):
    """The second article page's links are those the first had not (less its relative
    ones, sent again), counted as repeated; a listing page's are all sent every time."""
    monkeypatch.setattr(extraction_pool, "_links_sent", RecentUrls(URL_CACHE_SIZE))
    listing_url = "https://eng-archive.aawsat.com/category/news-middle-east/"
    listing = HtmlResponse(
        listing_url, body=(MIRROR / "category/news-middle-east/index.html").read_bytes()
    )
    listing_job = ListingJob(PROFILE.listing_page, listing_url)
    tasks = [PageTask.of(*article_page(path)) for path in (HOSPITALS, FISHERMEN)]
    tasks += [PageTask.of(listing_job, listing)] * 2
    first, second, listed, listed_again = (r.reading for r in read_in_worker(tasks))
    assert isinstance(first, ArticleReading)
    assert isinstance(second, ArticleReading)
    assert first.links is not None
    assert second.links is not None
    everything = read_article(*article_page(FISHERMEN)).links
    assert everything is not None

    sent_before = {href for href in first.links.hrefs if sent_once(href)}
    hrefs = everything.hrefs
    assert second.links.hrefs == [
        href
        for at, href in enumerate(hrefs)
        if href not in sent_before and not (sent_once(href) and href in hrefs[:at])
    ]
    assert second.links.repeated == len(hrefs) - len(second.links.hrefs) > 0
    assert isinstance(listed, ListingReading)
    assert isinstance(listed_again, ListingReading)
    assert listed.links == listed_again.links
    assert listed.links.repeated == 0


def test_a_worker_whose_readings_were_lost_is_replaced(monkeypatch):
    """A reading that cannot be sent back (a profile's bug) is an error for its page; its
    worker had taken the page's links as sent, so a new pool reads the next page, whose
    links come whole although the lost page had them all."""
    monkeypatch.setattr(extraction_pool, "is_asyncio_reactor_installed", lambda: True)
    crawler = get_crawler()
    reader = PageReader(crawler, processes=1, start_after=0, log_level="INFO")
    job, response = article_page(HOSPITALS)
    lost = replace(job, page_class=UnpicklableArticlePage)

    async def read_both() -> ArticleReading:
        with pytest.raises(TypeError, match="pickle"):
            await reader.read(lost, response)
        return await reader.read(*article_page(FISHERMEN))

    try:
        reading = asyncio.run(read_both())
    finally:
        reader.close()
    whole = read_article(*article_page(FISHERMEN)).links
    assert whole is not None
    assert reading.links == whole.unsent(RecentUrls(URL_CACHE_SIZE))  # a fresh worker's


def test_a_page_sent_after_a_worker_died_is_read_in_a_new_pool(monkeypatch):
    """The executor knows a worker died before the pages it held come back to say so (the
    crawl's process may send a page meanwhile: under load, a crawl lost that article and
    waited for ever on the rest of its batch), and a worker may die holding none (the OOM
    killer may pick an idle one): the page goes to a new pool, the death is counted once."""
    # No reactor in this process: the pool needs asyncio's loop, which asyncio.run gives.
    monkeypatch.setattr(extraction_pool, "is_asyncio_reactor_installed", lambda: True)
    crawler = get_crawler()
    reader = PageReader(crawler, processes=1, start_after=0, log_level="INFO")

    async def read_both() -> ArticleReading:
        await reader.read(*article_page(HOSPITALS))  # starts the pool; read in its worker
        assert reader.pool is not None
        reader.pool.submit(os._exit, 1).exception()  # back once the executor knows it died
        return await reader.read(*article_page(FISHERMEN))

    try:
        reading = asyncio.run(read_both())
    finally:
        reader.close()
    assert reading.item is not None
    assert reading.item == read_article(*article_page(FISHERMEN)).item
    stats = crawler.stats
    assert stats is not None
    assert stats.get_value(stats_keys.FAULTS_EXTRACTION_WORKER_LOST) == 1
    assert stats.get_value(stats_keys.EXTRACTION_POOL_ARTICLE_PAGES) == 2


def test_pages_are_read_in_the_crawl_while_the_pool_starts(monkeypatch):
    """The first worker's start waits for the forkserver's imports (0.3-0.5 s): in the
    reactor's thread, that stalled the whole crawl. While it starts, pages are read in
    the crawl's process; once it is up, in its worker; the CPU the workers spent on each
    kind of page is counted."""
    monkeypatch.setattr(extraction_pool, "is_asyncio_reactor_installed", lambda: True)
    crawler = get_crawler()
    reader = PageReader(crawler, processes=1, start_after=0, log_level="INFO")
    reader.start_after = 1  # read pages here rather than wait for the pool, as in a crawl
    reader.pages = 1
    forkserver_ready = threading.Event()
    new_pool = reader._new_pool
    stalled = []

    def slow_new_pool() -> ProcessPoolExecutor:
        if not forkserver_ready.wait(timeout=10):
            stalled.append("nothing went on while the pool started")
        return new_pool()

    monkeypatch.setattr(reader, "_new_pool", slow_new_pool)

    async def read_while_starting_then_after() -> tuple[ArticleReading, ArticleReading]:
        while_starting = await reader.read(*article_page(HOSPITALS))  # starts the pool
        assert reader._ready is not None
        assert not reader._ready.done()
        forkserver_ready.set()
        await asyncio.wrap_future(reader._ready)
        return while_starting, await reader.read(*article_page(HOSPITALS))

    try:
        readings = asyncio.run(read_while_starting_then_after())
    finally:
        forkserver_ready.set()
        reader.close()
    assert stalled == []
    expected = read_article(*article_page(HOSPITALS)).item
    assert [reading.item for reading in readings] == [expected, expected]
    stats = crawler.stats
    assert stats is not None
    assert stats.get_value(stats_keys.EXTRACTION_POOL_ARTICLE_PAGES) == 1
    assert stats.get_value(stats_keys.EXTRACTION_POOL_ARTICLE_CPU_SECONDS) > 0
