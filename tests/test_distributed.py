"""A crawl shared by worker processes through Redis (crawler/runtime/distributed.py).

Every test runs against a real redis-server that the module starts on a free loopback
port; they are skipped only where redis-server is not installed (.ci/run installs it).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from scrapy.settings import Settings
from scrapy.utils.misc import load_object
from scrapy.utils.test import get_crawler

from crawler.capture.mirror import crawl_command
from crawler.cli.distributed import main
from crawler.reporting.outcomes import DropArticle
from crawler.runtime.distributed import (
    CrawlKeys,
    DistributedCrawl,
    RedisScheduler,
    SharedWorkers,
    StatsWithoutSpiderArgument,
)
from pipelines.dedupe import DedupeArticlePipeline, SharedDedupePipeline
from qa.fixtures import FIXTURES, crawl_golden_files, golden_crawl_lines
from tests.conftest import serve_mirror

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


def start_worker(base_url: str, redis_url: str, folder: Path) -> tuple[subprocess.Popen, Path]:
    folder.mkdir()
    command = crawl_command(
        "aawsat",
        base_url,
        [
            "-O",
            str(folder / "articles.jsonl"),
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
        ],
    )
    log = (folder / "crawl.log").open("w")
    process = subprocess.Popen(command, stdout=log, stderr=log, cwd=FIXTURES.parent)
    log.close()
    return process, folder


def finish_worker(process: subprocess.Popen, folder: Path) -> Worker:
    returncode = process.wait(timeout=300)
    output, report = folder / "articles.jsonl", folder / "report.json"
    return Worker(
        returncode=returncode,
        log=(folder / "crawl.log").read_text(),
        output=output.read_text() if output.exists() else "",
        stats=json.loads(report.read_text())["stats"] if report.exists() else {},
    )


@dataclass(frozen=True)
class SharedCrawl:
    workers: list[Worker]
    late_worker: Worker
    base_url: str
    fetched: list[str]
    fetched_by_late_worker: list[str]


@pytest.fixture(scope="module")
def shared_crawl(mirror_server, redis_port, tmp_path_factory) -> SharedCrawl:
    serve_mirror(mirror_server, MIRROR)
    base_url = mirror_server.url_for("/")
    redis_url = f"redis://127.0.0.1:{redis_port}/{CRAWL_DB}"
    workdir = tmp_path_factory.mktemp("shared-crawl")
    started = [start_worker(base_url, redis_url, workdir / f"worker-{n}") for n in (1, 2)]
    workers = [finish_worker(*worker) for worker in started]
    fetched = [request.path for request, _ in mirror_server.log]
    late_worker = finish_worker(*start_worker(base_url, redis_url, workdir / "late-worker"))
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
        assert worker.stats["distributed/requests_taken"] > 0


def test_no_page_is_fetched_twice(shared_crawl):
    repeated = {path: n for path, n in Counter(shared_crawl.fetched).items() if n > 1}
    # Each worker's robots.txt middleware reads robots.txt for itself, besides the
    # spider's own (shared) request for it, which reads the sitemaps it names.
    assert repeated == {"/robots.txt": 3}


def test_per_worker_stats_add_up_to_the_single_process_crawl(shared_crawl):
    golden = json.loads(EXPECTED_STATS.read_text())
    totals: Counter[str] = Counter()
    for worker in shared_crawl.workers:
        totals.update({k: v for k, v in worker.stats.items() if isinstance(v, int)})
    for key in ("articles/emitted", "articles/extracted", "articles/duplicates/url"):
        assert totals[key] == golden[key], key
    assert totals["downloader/response_count"] == golden["downloader/response_count"] + 1


def test_workers_log_no_deprecation_warning_and_no_error(shared_crawl):
    for worker in shared_crawl.workers:
        assert "DeprecationWarning" not in worker.log
        assert "ERROR" not in worker.log


def test_a_worker_started_after_the_end_fetches_and_emits_nothing(shared_crawl):
    late = shared_crawl.late_worker
    assert late.returncode == 0, late.log[-4000:]
    assert late.output == ""
    assert shared_crawl.fetched_by_late_worker == []
    assert "Shared crawl 'aawsat' finished at " in late.log
    assert "python -m crawler.distributed clear redis://127.0.0.1:" in late.log


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
    assert settings.get("REDIS_URL") == "redis://127.0.0.1:1/0"
    assert settings.get("SCHEDULER_QUEUE_KEY") == "%(spider)s:requests"
    assert settings.get("SCHEDULER_DUPEFILTER_KEY") == "%(spider)s:dupefilter"
    pipelines = settings.getdict("ITEM_PIPELINES")
    assert DedupeArticlePipeline not in map(load_object, pipelines)
    assert pipelines[SharedDedupePipeline] == 300


def test_crawl_is_done_only_with_an_empty_queue_and_no_busy_worker(redis):
    keys = CrawlKeys("unit")
    first, second = SharedWorkers(redis, keys, 60), SharedWorkers(redis, keys, 60)
    second.worker_id += "-second"
    assert first.crawl_done()
    redis.zadd(keys.requests, {b"a request": 0})
    assert not first.crawl_done()
    redis.delete(keys.requests)
    second.mark_busy()
    assert not first.crawl_done()
    second.mark_idle()
    assert first.crawl_done()


def test_a_busy_mark_that_expired_is_a_worker_gone(redis):
    keys = CrawlKeys("unit")
    killed = SharedWorkers(redis, keys, timeout=0)  # its mark expires at once
    killed.mark_busy()
    assert redis.zcard(keys.workers) == 1
    assert SharedWorkers(redis, keys, 60).crawl_done()


def test_stats_adapter_drops_the_deprecated_spider_argument():
    crawler = get_crawler()
    stats = StatsWithoutSpiderArgument(crawler.stats)
    stats.inc_value("scheduler/enqueued/redis", spider=object())  # warnings are errors here
    assert crawler.stats.get_value("scheduler/enqueued/redis") == 1


def test_shared_dedupe_drops_what_another_worker_emitted(redis):
    keys = CrawlKeys("unit")
    crawler = get_crawler()
    worker_1 = SharedDedupePipeline(crawler.stats, redis, keys)
    worker_2 = SharedDedupePipeline(crawler.stats, redis, keys)
    article = {"url": "https://x/a/b/c/", "fetched_url": "http://l/a/b/c/", "content_hash": "h1"}
    assert worker_1.process_item(article) is article
    with pytest.raises(DropArticle, match="already emitted"):
        worker_2.process_item({**article, "fetched_url": "http://l/old/b/c/"})
    copy = {"url": "https://x/d/e/f/", "fetched_url": "http://l/d/e/f/", "content_hash": "h1"}
    with pytest.raises(DropArticle, match="same text as https://x/a/b/c/"):
        worker_2.process_item(copy)
    other = {"url": "https://x/g/h/i/", "fetched_url": "http://l/g/h/i/", "content_hash": "h2"}
    assert worker_2.process_item(other) is other
    assert crawler.stats.get_value("articles/duplicates/url") == 1
    assert crawler.stats.get_value("articles/duplicates/content") == 1


def test_clear_deletes_every_key_of_the_crawl_and_no_other(redis, redis_port, capsys):
    keys = CrawlKeys("to-clear")
    for key in keys.all():
        redis.set(key, "x")
    redis.set("other:finished", "x")
    assert main(["clear", f"redis://127.0.0.1:{redis_port}/{UNIT_DB}", "to-clear"]) == 0
    assert capsys.readouterr().out == "Cleared shared crawl 'to-clear': 6 keys deleted\n"
    assert redis.keys("*") == [b"other:finished"]
