"""A crawl shared by worker processes through Redis (crawler/runtime/distributed.py).

Every test runs against a real redis-server that the module starts on a free loopback
port; they are skipped only where redis-server is not installed (.ci/run installs it).
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from pytest_httpserver import HTTPServer
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from scrapy import Request, Spider
from scrapy.core.engine import ExecutionEngine
from scrapy.settings import Settings
from scrapy.utils.misc import load_object
from scrapy.utils.test import get_crawler
from scrapy_redis import picklecompat
from scrapy_redis.dupefilter import RFPDupeFilter
from werkzeug import Request as WerkzeugRequest
from werkzeug import Response as WerkzeugResponse

from crawler.capture.mirror import Mirror, crawl_command
from crawler.cli.distributed import main
from crawler.items import ArticleItem, note_page_url
from crawler.reporting import stats_keys
from crawler.reporting.outcomes import DropArticle, DropReason
from crawler.runtime.distributed import (
    IDLE_POLL_SECONDS,
    TAKE,
    CrawlKeys,
    LeasedPriorityQueue,
    RedisScheduler,
    SharedWorkers,
    StatsWithoutSpiderArgument,
)
from crawler.runtime.distributed_addon import DistributedCrawl
from crawler.runtime.parquet import PARQUET_SUFFIX, part_paths, read_records
from pipelines.dedupe import DedupeArticlePipeline, SharedDedupePipeline
from qa import crawl_launcher
from qa.crawl_launcher import Process
from qa.fixtures import FIXTURES, crawl_golden_files, golden_crawl_lines
from tests.conftest import serve_mirror
from tests.fault_server import FaultServer
from tests.held_article import (
    HELD_ARTICLE,
    held_article_window,
    held_until,
    kill_when,
    scraped_in_log,
)
from tests.test_resume import failing_fsync

REDIS_SERVER = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(
    REDIS_SERVER is None,
    reason="redis-server is not installed (apt-get install redis-server; .ci/run does)",
)
MIRROR = FIXTURES / "aawsat" / "site"
EXPECTED_JSONL, EXPECTED_STATS = crawl_golden_files("aawsat")
CRAWL_DB, UNIT_DB = 0, 1
IN_MEMORY_ONLY = ("--save", "", "--appendonly", "no")  # no RDB snapshot, no append-only file


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def redis_port() -> Iterator[int]:
    """A redis-server of the module's own, in memory only, stopped at the end."""
    assert REDIS_SERVER is not None
    port = free_loopback_port()
    server = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", *IN_MEMORY_ONLY],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    client = Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except RedisConnectionError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"redis-server did not start: {server.communicate()[0]}")
            time.sleep(0.05)
    client.close()
    yield port
    server.terminate()
    server.communicate(timeout=10)


@pytest.fixture
def redis(redis_port) -> Iterator[Redis]:
    client = Redis(port=redis_port, db=UNIT_DB)
    client.flushdb()
    yield client
    client.close()


# -- two workers share the fixture crawl ------------------------------------------------


@dataclass(frozen=True)
class Worker:
    returncode: int
    log: str
    output: str
    stats: dict[str, Any]


def worker_command(base_url: str, redis_url: str, output: Path, *settings: str) -> list[str]:
    """A worker writing ``output`` (``-O``), its report and coverage beside it."""
    folder = output.parent
    folder.mkdir()
    return crawl_command(
        "aawsat",
        base_url,
        [
            "-O",
            str(output),
            "-s",
            f"ARCHIVE_REPORT_FILE={folder / 'report.json'}",
            "-s",
            f"ARCHIVE_COVERAGE_DIR={folder / 'coverage'}",
            "-s",
            f"DISTRIBUTED_REDIS_URL={redis_url}",
            # An idle worker looks at the shared queue again on Scrapy's 5 s heartbeat: a
            # delay that makes the crawl last ~10 s lets both workers take part.
            "-s",
            "DOWNLOAD_DELAY=0.1",
            *(arg for setting in settings for arg in ("-s", setting)),
        ],
    )


def start_worker(
    base_url: str, redis_url: str, output: Path, *settings: str
) -> tuple[Process, Path]:
    command = worker_command(base_url, redis_url, output, *settings)
    log = (output.parent / "crawl.log").open("w")
    process = crawl_launcher.start(command, FIXTURES.parent, stdout=log, stderr=log)
    log.close()
    return process, output


def output_lines(output: Path) -> str:
    """A worker's records as JSON Lines (a Parquet output's: those of its parts)."""
    if output.suffix == PARQUET_SUFFIX:
        records = read_records(part_paths(output))
        return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    return output.read_text() if output.exists() else ""


def finish_worker(process: Process, output: Path) -> Worker:
    returncode = process.wait(timeout=300)
    report = output.parent / "report.json"
    return Worker(
        returncode=returncode,
        log=(output.parent / "crawl.log").read_text(),
        output=output_lines(output),
        stats=json.loads(report.read_text())["stats"] if report.exists() else {},
    )


def assert_finished_with_nothing_held_or_claimed(redis_port: int, crawl: str) -> None:
    with Redis(port=redis_port, db=CRAWL_DB) as server:
        keys = CrawlKeys(crawl)
        assert [key for pattern in keys.per_worker_patterns() for key in server.keys(pattern)] == []
        assert server.zcard(keys.workers) == 0
        assert server.exists(keys.finished)


@dataclass(frozen=True)
class SharedCrawl:
    workers: list[Worker]
    late_worker: Worker
    base_url: str
    fetched: list[str]
    fetched_by_late_worker: list[str]


WORKER_OUTPUTS = ("articles.jsonl", "articles.parquet")
"""One worker writes JSON Lines, the other Parquet: every record it emits waits in
memory (a row group is 5,000) until the worker is idle or closes."""


@pytest.fixture(scope="module")
def shared_crawl(mirror_server, redis_port, tmp_path_factory) -> SharedCrawl:
    serve_mirror(mirror_server, MIRROR)
    base_url = mirror_server.url_for("/")
    redis_url = f"redis://127.0.0.1:{redis_port}/{CRAWL_DB}"
    workdir = tmp_path_factory.mktemp("shared-crawl")
    started = [
        start_worker(base_url, redis_url, workdir / f"worker-{n}" / output)
        for n, output in enumerate(WORKER_OUTPUTS, 1)
    ]
    workers = [finish_worker(*worker) for worker in started]
    fetched = [request.path for request, _ in mirror_server.log]
    late_worker = finish_worker(
        *start_worker(base_url, redis_url, workdir / "late-worker" / "articles.jsonl")
    )
    fetched_late = [request.path for request, _ in mirror_server.log][len(fetched) :]
    return SharedCrawl(workers, late_worker, base_url, fetched, fetched_late)


def test_every_worker_finishes_cleanly(shared_crawl):
    for worker in shared_crawl.workers:
        assert worker.returncode == 0, worker.log[-4000:]
        assert worker.stats["finish_reason"] == "finished"


def test_union_of_the_outputs_is_the_single_process_crawl(shared_crawl):
    union = "".join(worker.output for worker in shared_crawl.workers)
    assert golden_crawl_lines(union, shared_crawl.base_url) == (
        EXPECTED_JSONL.read_text().splitlines()
    )


def test_no_article_is_emitted_twice_and_both_workers_took_part(shared_crawl):
    urls = [
        json.loads(line)["url"]
        for worker in shared_crawl.workers
        for line in worker.output.splitlines()
    ]
    assert len(urls) == len(set(urls)) == len(EXPECTED_JSONL.read_text().splitlines())
    for worker in shared_crawl.workers:
        assert worker.stats[stats_keys.DISTRIBUTED_REQUESTS_TAKEN] > 0


def test_no_page_is_fetched_twice(shared_crawl):
    repeated = {path: n for path, n in Counter(shared_crawl.fetched).items() if n > 1}
    # Each worker's robots.txt middleware reads robots.txt for itself; the spider's own
    # (shared) request for it, which reads the sitemaps it names, is answered with the
    # response of the middleware of the worker that takes it.
    assert repeated == {"/robots.txt": 2}


def test_per_worker_stats_add_up_to_the_single_process_crawl(shared_crawl):
    golden = json.loads(EXPECTED_STATS.read_text())
    totals: Counter[str] = Counter()
    for worker in shared_crawl.workers:
        totals.update({k: v for k, v in worker.stats.items() if isinstance(v, int)})
    for key in (
        stats_keys.ARTICLES_EMITTED,
        stats_keys.ARTICLES_EXTRACTED,
        "articles/duplicates/url",
    ):
        assert totals[key] == golden[key], key
    assert (
        totals[stats_keys.DOWNLOADER_RESPONSE_COUNT]
        == golden[stats_keys.DOWNLOADER_RESPONSE_COUNT] + 1
    )


def test_workers_log_no_deprecation_warning_and_no_error(shared_crawl):
    for worker in shared_crawl.workers:
        assert "DeprecationWarning" not in worker.log
        assert "ERROR" not in worker.log


def test_the_workers_leave_nothing_held_or_claimed(shared_crawl, redis_port):
    assert_finished_with_nothing_held_or_claimed(redis_port, "aawsat")


def test_a_worker_started_after_the_end_fetches_and_emits_nothing(shared_crawl):
    late = shared_crawl.late_worker
    assert late.returncode == 0, late.log[-4000:]
    assert late.output == ""
    assert shared_crawl.fetched_by_late_worker == []
    assert "Shared crawl 'aawsat' finished at " in late.log
    assert "python -m crawler.distributed clear redis://127.0.0.1:" in late.log


# -- a worker killed in the middle of the crawl ------------------------------------------

KILL_CRAWL = "kill-test"
SLOW_RESPONSE_SECONDS = 0.15
"""Each answer of the slow copy waits this long, so each worker always holds requests."""
WORKER_TIMEOUT = 2
"""Seconds without a heartbeat before a worker is gone: its requests come back this soon."""


@pytest.fixture(scope="module")
def slow_mirror() -> Iterator[HTTPServer]:
    """The fixture archive, every answer delayed, several at once (one thread each)."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    mirror = Mirror(MIRROR)

    def handler(request: WerkzeugRequest) -> WerkzeugResponse:
        time.sleep(SLOW_RESPONSE_SECONDS)
        served = mirror.respond(request.path)
        return WerkzeugResponse(served.body, served.status, list(served.headers.items()))

    server.expect_request(re.compile(r"^/.*")).respond_with_handler(handler)
    server.start()
    yield server
    server.clear()
    server.stop()


def worker_key(server: Redis, pattern: str, pid: int) -> bytes | None:
    """The key matching ``pattern`` of the worker process ``pid`` (its id has the pid)."""
    found = [key for key in server.keys(pattern) if f":{pid}:" in key.decode()]
    return found[0] if found else None


def held_urls(server: Redis, pid: int) -> list[str]:
    """The URLs of the requests held by the worker process ``pid``."""
    held = worker_key(server, CrawlKeys(KILL_CRAWL).held("*"), pid)
    entries = server.zrange(held, 0, -1) if held else []
    return sorted(picklecompat.loads(data)["url"] for data in entries)


def written_but_not_committed(server: Redis, pid: int, output: Path) -> set[str]:
    """URLs the worker wrote whose claim it has not committed yet (see the module doc
    of crawler/distributed.py: a kill then gives a duplicate)."""
    claims = worker_key(server, CrawlKeys(KILL_CRAWL).claims("*"), pid)
    pending = {url.decode() for url in server.hkeys(claims)} if claims else set()
    lines = output.read_text().split("\n")[:-1]  # complete lines only
    return pending & {json.loads(line)["url"] for line in lines}


@dataclass(frozen=True)
class KilledCrawl:
    killed: Worker
    survivor: Worker
    held_at_kill: list[str]
    base_url: str


def kill_while_holding_work(
    workers: list[tuple[Process, Path]], server: Redis
) -> tuple[int, list[str]]:
    """SIGKILL the first of ``workers`` (process, its output) seen to have written an
    article while holding requests; returns its index and the URLs it held, read while it
    was stopped (after the kill, the survivor may have put them back already: a heartbeat
    can be older than the timeout when the kill comes). Either worker may be the one: which
    takes the first pages is a race.

    A worker is stopped (SIGSTOP) to look at it, and let go again when the look finds it
    between writing a record and committing its claim: a window of one fsync, where a
    kill costs a duplicate record (documented), which this test is not about.
    """
    deadline = time.monotonic() + 120
    while True:
        running = [(n, p, out) for n, (p, out) in enumerate(workers) if p.poll() is None]
        assert running, "both workers ended before one could be killed"
        assert time.monotonic() < deadline, "no moment to kill"
        for n, process, output in running:
            if not (output.exists() and output.read_text() and held_urls(server, process.pid)):
                continue
            process.send_signal(signal.SIGSTOP)
            held = held_urls(server, process.pid)
            if held and not written_but_not_committed(server, process.pid, output):
                process.send_signal(signal.SIGKILL)
                process.wait()
                return n, held
            process.send_signal(signal.SIGCONT)
        time.sleep(0.02)


@pytest.fixture(scope="module")
def killed_crawl(slow_mirror, redis_port, tmp_path_factory) -> KilledCrawl:
    """Two workers; one is killed (SIGKILL) in the middle of the crawl. Every
    worker logs each page it fetched (DEBUG)."""
    base_url = slow_mirror.url_for("/")
    redis_url = f"redis://127.0.0.1:{redis_port}/{CRAWL_DB}"
    workdir = tmp_path_factory.mktemp("killed-crawl")
    settings = (
        f"DISTRIBUTED_CRAWL_NAME={KILL_CRAWL}",
        f"DISTRIBUTED_WORKER_TIMEOUT={WORKER_TIMEOUT}",
        "DOWNLOAD_DELAY=0",
        "LOG_LEVEL=DEBUG",
    )
    workers = [
        start_worker(base_url, redis_url, workdir / f"worker-{n}" / "articles.jsonl", *settings)
        for n in (1, 2)
    ]
    server = Redis(port=redis_port, db=CRAWL_DB)
    killed, held_at_kill = kill_while_holding_work(workers, server)
    victim, survivor = workers[killed], workers[1 - killed]
    server.close()
    return KilledCrawl(finish_worker(*victim), finish_worker(*survivor), held_at_kill, base_url)


def test_the_survivor_finishes_the_crawl_of_a_killed_worker(killed_crawl):
    survivor = killed_crawl.survivor
    assert killed_crawl.killed.returncode == -signal.SIGKILL
    assert survivor.returncode == 0, survivor.log[-4000:]
    assert survivor.stats["finish_reason"] == "finished"
    assert survivor.stats[stats_keys.DISTRIBUTED_WORKERS_GONE] == 1
    assert survivor.stats[stats_keys.DISTRIBUTED_REQUESTS_REQUEUED] == len(
        killed_crawl.held_at_kill
    )
    assert "ERROR" not in survivor.log


def test_requests_the_killed_worker_held_are_fetched_by_the_survivor(killed_crawl):
    assert killed_crawl.held_at_kill
    for url in killed_crawl.held_at_kill:
        assert f"<GET {url}>" in killed_crawl.survivor.log, url


def test_the_union_has_every_article_exactly_once_after_a_kill(killed_crawl):
    assert killed_crawl.killed.output  # the killed worker wrote some before it died
    union = killed_crawl.killed.output + killed_crawl.survivor.output
    expected = EXPECTED_JSONL.read_text().splitlines()
    assert golden_crawl_lines(union, killed_crawl.base_url) == expected, unexpected_lines_report(
        killed_crawl, expected
    )


def unexpected_lines_report(crawl: KilledCrawl, expected: list[str]) -> str:
    """Which worker wrote the records the golden output does not have, and what each
    worker's log says of robots.txt: what a failure needs explained."""
    report = []
    for name, worker in (("killed", crawl.killed), ("survivor", crawl.survivor)):
        lines = golden_crawl_lines(worker.output, crawl.base_url)
        extra = [json.loads(line)["url"] for line in lines if line not in expected]
        robots = [line for line in worker.log.splitlines() if "robots" in line.lower()]
        report.append(f"{name} wrote {len(lines)}, not expected: {extra}; robots.txt: {robots}")
    return "\n".join(report)


def test_nothing_stays_held_or_claimed_after_the_crawl(killed_crawl, redis_port):
    assert_finished_with_nothing_held_or_claimed(redis_port, KILL_CRAWL)


# -- a worker killed with records waiting for their Parquet row group ----------------------

PARQUET_KILL_CRAWL = "parquet-kill-test"


def test_a_worker_killed_with_records_in_its_row_group_loses_none(redis_port, tmp_path):
    """A worker writing ``-O x.parquet``, killed while records wait in memory for their
    row group (forced: one article is held unanswered, the kill comes once every other one
    is scraped): neither its claims on those articles nor the requests that led to them
    may be committed, so the worker started next fetches and emits them. The union of the
    two outputs holds every article of the crawl once (the restarted worker's last row
    group written as it finishes), and nothing stays held or claimed. (Not the crawl's
    records exactly: a post the killed worker wrote before a listing gave its date stays
    undated, its own date join at the end never ran.)"""
    row_group = 4
    golden, written, in_parquet = held_article_window(row_group)
    resumed = threading.Event()
    server = FaultServer(MIRROR, {HELD_ARTICLE: held_until(resumed)})
    redis_url = f"redis://127.0.0.1:{redis_port}/{CRAWL_DB}"
    settings = (
        f"DISTRIBUTED_CRAWL_NAME={PARQUET_KILL_CRAWL}",
        f"DISTRIBUTED_WORKER_TIMEOUT={WORKER_TIMEOUT}",
        f"PARQUET_ROW_GROUP_SIZE={row_group}",
        "DOWNLOAD_DELAY=0",
        "LOG_LEVEL=DEBUG",
    )
    killed = tmp_path / "killed" / "articles.parquet"
    killed_log = killed.parent / "crawl.log"

    def all_but_the_held_article_scraped() -> bool:
        return (
            scraped_in_log(killed_log) == written
            and len(part_paths(killed)) == in_parquet // row_group
        )

    with server.running():
        command = worker_command(server.base_url, redis_url, killed, *settings)
        kill_when(command, all_but_the_held_article_scraped, killed_log)
        assert all_but_the_held_article_scraped()
        resumed.set()
        restarted = finish_worker(
            *start_worker(
                server.base_url, redis_url, tmp_path / "restarted" / "articles.parquet", *settings
            )
        )
    assert restarted.returncode == 0, restarted.log[-4000:]
    assert restarted.stats[stats_keys.DISTRIBUTED_WORKERS_GONE] == 1
    union = output_lines(killed) + restarted.output
    urls = [json.loads(line)["url"] for line in union.splitlines()]
    assert len(urls) == len(set(urls)), "an article was written twice"
    never_written = {json.loads(line)["url"] for line in golden} - set(urls)
    assert not never_written, "the killed worker's unwritten row group was lost"
    assert len(urls) == len(golden)
    assert_finished_with_nothing_held_or_claimed(redis_port, PARQUET_KILL_CRAWL)


# -- a worker whose output could not be written -------------------------------------------

FAILED_WRITE_CRAWL = "failed-write-test"


def test_a_worker_whose_output_fails_gives_back_what_it_did_not_write(redis_port, tmp_path):
    """A worker whose JSON Lines output fails (every ``fsync`` after the 5th: the file is
    cut back to what was synced, the records handed to it since are refused) stops with
    a failure; neither its claims on the articles it could not write nor their requests
    may be committed, so the worker started next fetches and emits them. The union of
    the two outputs holds every article of the crawl once."""
    golden = EXPECTED_JSONL.read_text().splitlines()
    settings = (f"DISTRIBUTED_CRAWL_NAME={FAILED_WRITE_CRAWL}", "DOWNLOAD_DELAY=0")
    redis_url = f"redis://127.0.0.1:{redis_port}/{CRAWL_DB}"
    failed = tmp_path / "failed" / "articles.jsonl"
    server = FaultServer(MIRROR, {})
    with server.running():
        base_url = server.base_url
        command = failing_fsync(worker_command(base_url, redis_url, failed, *settings), failed, 5)
        with (failed.parent / "crawl.log").open("w") as log:
            done = subprocess.run(
                command, stdout=log, stderr=log, cwd=FIXTURES.parent, timeout=300, check=False
            )
        assert done.returncode != 0
        written_first = [json.loads(line)["url"] for line in output_lines(failed).splitlines()]
        assert 0 < len(written_first) < len(golden)
        restarted = finish_worker(
            *start_worker(base_url, redis_url, tmp_path / "restarted" / "articles.jsonl", *settings)
        )
    assert restarted.returncode == 0, restarted.log[-4000:]
    urls = written_first + [json.loads(line)["url"] for line in restarted.output.splitlines()]
    assert len(urls) == len(set(urls)), "an article was written twice"
    never_written = {json.loads(line)["url"] for line in golden} - set(urls)
    assert not never_written, "the records the failed output refused were lost"
    assert_finished_with_nothing_held_or_claimed(redis_port, FAILED_WRITE_CRAWL)


# -- the parts, against the same server ---------------------------------------------------


def test_the_addon_changes_nothing_without_a_redis_url():
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    DistributedCrawl().update_settings(settings)
    assert settings.get("SCHEDULER") == "scrapy.core.scheduler.Scheduler"
    assert DedupeArticlePipeline in map(load_object, settings.getdict("ITEM_PIPELINES"))


def test_the_addon_shares_scheduler_seen_set_and_dedupe_with_a_redis_url():
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("DISTRIBUTED_REDIS_URL", "redis://127.0.0.1:1/0", priority="cmdline")
    DistributedCrawl().update_settings(settings)
    assert settings.get("SCHEDULER") is RedisScheduler
    assert settings.get("DUPEFILTER_CLASS") is RFPDupeFilter  # over the project's own
    assert settings.get("REDIS_URL") == "redis://127.0.0.1:1/0"
    assert settings.get("SCHEDULER_QUEUE_KEY") == "%(spider)s:requests"
    assert settings.get("SCHEDULER_DUPEFILTER_KEY") == "%(spider)s:dupefilter"
    pipelines = settings.getdict("ITEM_PIPELINES")
    assert DedupeArticlePipeline not in map(load_object, pipelines)
    assert pipelines[SharedDedupePipeline] == 300


def two_workers(redis: Redis, keys: CrawlKeys, timeout: float = 60) -> list[SharedWorkers]:
    workers = [SharedWorkers(redis, keys, f"worker-{n}", timeout) for n in (1, 2)]
    for worker in workers:
        worker.heartbeat()
    return workers


def take(redis: Redis, keys: CrawlKeys, worker: SharedWorkers) -> bytes | None:
    return redis.register_script(TAKE)(keys=[keys.requests, worker.held_key])


def test_a_taken_request_is_held_until_acknowledged(redis):
    keys = CrawlKeys("unit")
    first, _ = two_workers(redis, keys)
    redis.zadd(keys.requests, {b"listing": 0, b"article": -10})  # score: -priority
    assert take(redis, keys, first) == b"article"  # the highest priority first
    assert redis.zrange(keys.requests, 0, -1) == [b"listing"]
    assert redis.zrange(first.held_key, 0, -1, withscores=True) == [(b"article", -10.0)]
    # The next take acknowledges what is done in the same step.
    assert redis.register_script(TAKE)(keys=[keys.requests, first.held_key], args=[b"article"])
    assert redis.zrange(first.held_key, 0, -1) == [b"listing"]
    first.acknowledge([b"listing"])
    assert not redis.exists(first.held_key)


def test_crawl_is_done_only_with_an_empty_queue_and_nothing_held(redis):
    keys = CrawlKeys("unit")
    first, second = two_workers(redis, keys)
    assert first.crawl_done()
    redis.zadd(keys.requests, {b"a request": 0})
    assert not first.crawl_done()
    take(redis, keys, second)
    assert not first.crawl_done()  # the second worker's callback may add requests
    second.acknowledge([b"a request"])
    assert first.crawl_done()


def test_requests_held_by_a_gone_worker_go_back_with_their_priority(redis):
    keys = CrawlKeys("unit")
    live = SharedWorkers(redis, keys, "live", timeout=60)
    gone = SharedWorkers(redis, keys, "gone", timeout=0)  # its heartbeat expires at once
    for worker in (live, gone):
        worker.heartbeat()
    redis.zadd(keys.requests, {b"article": -10, b"listing": 0, b"tag": 5})
    for worker in (gone, gone, live):
        take(redis, keys, worker)
    assert not live.crawl_done()
    assert live.requeue_gone_workers() == {"gone": 2}
    assert redis.zrange(keys.requests, 0, -1, withscores=True) == [
        (b"article", -10.0),
        (b"listing", 0.0),
    ]
    assert redis.zrange(keys.workers, 0, -1) == [b"live"]
    assert redis.zrange(live.held_key, 0, -1) == [b"tag"]  # a live worker keeps its own
    assert not gone.heartbeat()  # if it was only slow, it learns it was taken for gone
    assert live.heartbeat()


def test_a_worker_that_stops_gives_back_what_it_holds(redis):
    keys = CrawlKeys("unit")
    first, _ = two_workers(redis, keys)
    redis.zadd(keys.requests, {b"article": -10})
    take(redis, keys, first)
    assert first.leave() == 1
    assert redis.zrange(keys.requests, 0, -1, withscores=True) == [(b"article", -10.0)]
    assert redis.zrange(keys.workers, 0, -1) == [b"worker-2"]


class WorkerKilled(BaseException):
    """The worker process is killed here: nothing after this point runs."""


def scheduler_killed_after(redis_port: int, keys: CrawlKeys, commands: int) -> RedisScheduler:
    """A worker's scheduler (not opened: no heartbeat) whose process is killed after it sent
    ``commands`` Redis commands."""
    server = Redis(port=redis_port, db=UNIT_DB)
    sent = 0
    send = server.execute_command

    def execute_command(*args: Any, **options: Any) -> Any:
        nonlocal sent
        if sent == commands:
            raise WorkerKilled
        sent += 1
        return send(*args, **options)

    server.execute_command = execute_command  # type: ignore[method-assign]
    scheduler = RedisScheduler(
        server, queue_key=keys.requests, dupefilter=RFPDupeFilter(server, keys.dupefilter)
    )
    scheduler.crawler = get_crawler()
    scheduler.spider = Spider(name="unit")
    scheduler.queue = LeasedPriorityQueue(server, scheduler.spider, keys.requests)
    return scheduler


@pytest.mark.parametrize("commands", range(3))
def test_a_request_seen_by_a_killed_worker_is_queued(redis, redis_port, commands):
    """A worker killed after any Redis command while it schedules a request: the request
    is queued or not seen, so the worker that runs the same callback again has it queued,
    once. (scrapy-redis's own scheduler, killed after its SADD to the seen-set and before
    its ZADD to the queue, lost the request: seen, never queued.)"""
    keys = CrawlKeys("unit")
    request = Request("http://127.0.0.1/2016/05/", priority=-1)
    killed = scheduler_killed_after(redis_port, keys, commands)
    with contextlib.suppress(WorkerKilled):
        killed.enqueue_request(request)
    fingerprint = killed.df.request_fingerprint(request)
    assert redis.sismember(keys.dupefilter, fingerprint) == redis.exists(keys.requests)
    survivor = scheduler_killed_after(redis_port, keys, commands=100)
    survivor.enqueue_request(request.copy())
    assert redis.zrange(keys.requests, 0, -1, withscores=True) == [
        (survivor.queue._encode_request(request), 1.0)
    ]


def test_the_scheduler_counts_queued_and_filtered_requests(redis, redis_port):
    keys = CrawlKeys("unit")
    scheduler = scheduler_killed_after(redis_port, keys, commands=100)
    request = Request("http://127.0.0.1/a/")
    assert scheduler.enqueue_request(request)
    assert not scheduler.enqueue_request(request.copy())
    assert scheduler.enqueue_request(request.replace(dont_filter=True))
    assert redis.zcard(keys.requests) == 2  # the retry-like copy is queued again
    stats = scheduler.crawler.stats
    assert stats.get_value(stats_keys.SCHEDULER_ENQUEUED_REDIS) == 2
    assert stats.get_value(stats_keys.DUPEFILTER_FILTERED) == 1


def test_stats_adapter_drops_the_deprecated_spider_argument():
    crawler = get_crawler()
    stats = StatsWithoutSpiderArgument(crawler.stats)
    stats.inc_value("scheduler/enqueued/redis", spider=object())  # warnings are errors here
    assert crawler.stats.get_value("scheduler/enqueued/redis") == 1


def article(path: str, digest: str) -> dict[str, str]:
    return {"url": f"https://x{path}", "fetched_url": f"http://l{path}", "content_hash": digest}


def test_shared_dedupe_drops_what_another_worker_emitted(redis):
    keys = CrawlKeys("unit")
    crawler = get_crawler()
    worker_1 = SharedDedupePipeline(crawler, redis, keys, "worker-1")
    worker_2 = SharedDedupePipeline(crawler, redis, keys, "worker-2")
    first = article("/a/b/c/", "h1")
    assert worker_1.process_item(first) is first
    with pytest.raises(DropArticle, match="already emitted"):
        worker_2.process_item({**first, "fetched_url": "http://l/old/b/c/"})
    with pytest.raises(DropArticle, match="same text as https://x/a/b/c/"):
        worker_2.process_item(article("/d/e/f/", "h1"))
    other = article("/g/h/i/", "h2")
    assert worker_2.process_item(other) is other
    assert crawler.stats.get_value("articles/duplicates/url") == 1
    assert crawler.stats.get_value("articles/duplicates/content") == 1


def test_a_canonical_stories_share_across_workers_leaves_each_its_own_url(redis):
    """A template naming one canonical on every story: a worker's record of another title
    than the one another worker emitted under it keeps its page's own URL; a gone
    worker's claim gives the canonical's title back with it."""
    keys = CrawlKeys("unit")
    crawler = get_crawler()
    worker_1 = SharedDedupePipeline(crawler, redis, keys, "worker-1")
    worker_2 = SharedDedupePipeline(crawler, redis, keys, "worker-2")
    first = ArticleItem(**article("/index.php", "h1"), title="Harbour reopens", site="x")
    second = ArticleItem(**article("/index.php", "h2"), title="Council votes", site="x")
    note_page_url(second, "https://x/council-votes/")
    copy = ArticleItem(**article("/index.php", "h3"), title="HARBOUR reopens", site="x")
    note_page_url(copy, "https://x/harbour-reopens/amp/")
    assert worker_1.process_item(first).url == "https://x/index.php"
    assert worker_2.process_item(second).url == "https://x/council-votes/"
    with pytest.raises(DropArticle, match="already emitted"):
        worker_2.process_item(copy)
    assert crawler.stats.get_value("faults/canonical/shared") == 1
    assert redis.hgetall(keys.emitted_titles) == {
        b"https://x/index.php": b"harbour reopens",
        b"https://x/council-votes/": b"council votes",
    }
    SharedWorkers(redis, keys, "worker-2", timeout=0).heartbeat()
    SharedWorkers(redis, keys, "worker-3", 60).requeue_gone_workers()
    assert redis.hgetall(keys.emitted_titles) == {b"https://x/index.php": b"harbour reopens"}


def test_a_claim_is_pending_until_written_and_withdrawn_when_dropped_later(redis):
    keys = CrawlKeys("unit")
    crawler = get_crawler()
    pipeline = SharedDedupePipeline(crawler, redis, keys, "worker-1")
    written, dropped = article("/a/", "h1"), article("/b/", "h2")
    pipeline.process_item(written)
    pipeline.process_item(dropped)
    assert redis.hgetall(keys.claims("worker-1")) == {
        b"https://x/a/": b"h1",
        b"https://x/b/": b"h2",
    }
    pipeline.item_written(written)
    pipeline.item_not_written(dropped, DropArticle(DropReason.UNCHANGED, "not changed"))
    assert not redis.exists(keys.claims("worker-1"))
    assert redis.smembers(keys.emitted_urls) == {b"https://x/a/"}
    assert redis.hgetall(keys.emitted_texts) == {b"h1": b"https://x/a/"}
    assert redis.hkeys(keys.emitted_titles) == [b"https://x/a/"]
    # A duplicate this pipeline dropped leaves the claim it lost to in place.
    with pytest.raises(DropArticle) as duplicate:
        pipeline.process_item(article("/a/", "h3"))
    pipeline.item_not_written(article("/a/", "h3"), duplicate.value)
    assert redis.smembers(keys.emitted_urls) == {b"https://x/a/"}


def test_a_gone_worker_s_unwritten_claims_are_withdrawn(redis):
    keys = CrawlKeys("unit")
    crawler = get_crawler()
    gone = SharedWorkers(redis, keys, "gone", timeout=0)
    gone.heartbeat()
    pipeline = SharedDedupePipeline(crawler, redis, keys, "gone")
    written, unwritten = article("/a/", "h1"), article("/b/", "h2")
    pipeline.process_item(written)
    pipeline.item_written(written)
    pipeline.process_item(unwritten)
    SharedWorkers(redis, keys, "live", 60).requeue_gone_workers()
    assert redis.smembers(keys.emitted_urls) == {b"https://x/a/"}
    assert redis.hgetall(keys.emitted_texts) == {b"h1": b"https://x/a/"}
    again = SharedDedupePipeline(crawler, redis, keys, "live")
    assert again.process_item(unwritten) is unwritten


def test_clear_deletes_every_key_of_the_crawl_and_no_other(redis, redis_port, capsys):
    keys = CrawlKeys("to-clear")
    for key in (*keys.all(), keys.held("w1"), keys.claims("w1"), keys.held("w2")):
        redis.set(key, "x")
    redis.set("other:finished", "x")
    assert main(["clear", f"redis://127.0.0.1:{redis_port}/{UNIT_DB}", "to-clear"]) == 0
    assert (
        capsys.readouterr().out
        == f"Cleared shared crawl 'to-clear': {len(keys.all()) + 3} keys deleted\n"
    )
    assert redis.keys("*") == [b"other:finished"]


def test_an_idle_worker_asks_the_shared_queue_again_four_times_a_second(redis_port):
    """Scrapy's engine asks its scheduler again only at its heartbeat, every 5 s, once it
    is idle: a worker whose queue ran dry while another one added requests waited that
    long (two workers were slower than one in about half of bench.distributed's runs)."""
    crawler = get_crawler(
        settings_dict={
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/{UNIT_DB}",
            "DUPEFILTER_CLASS": RFPDupeFilter,  # scrapy-redis's, as the add-on sets it
        }
    )
    crawler.engine = cast(ExecutionEngine, SimpleNamespace(_SLOT_HEARTBEAT_INTERVAL=5.0))
    RedisScheduler.from_crawler(crawler)
    assert crawler.engine._SLOT_HEARTBEAT_INTERVAL == IDLE_POLL_SECONDS == 0.25
