"""What lossless distributed workers cost, and what a second worker adds: Redis workers
with and without leases, one worker against two.

    python -m bench.distributed [--articles 2000] [--runs 3] [--light] [--output-dir DIR]

It writes a synthetic archive (``bench/synthetic.py``: the realistic one, or the earlier
one with ``--light``), serves it with nginx on loopback (``bench/nginx.py``), starts a
redis-server of its own (in memory, loopback), then crawls the archive ``--runs`` times
with each set-up below, alternating, each crawl its own crawl name in Redis and each
worker a fresh ``scrapy crawl aawsat`` process with the project's settings except
``DOWNLOAD_DELAY=0 AUTOTHROTTLE_ENABLED=False ARCHIVE_EXTRACTION_PROCESSES=0`` (pages read
in the worker's own process: the second core is the second worker's):

- ``scrapy-redis``: scrapy-redis 0.9's own scheduler (``SCHEDULER=
  scrapy_redis.scheduler.Scheduler``): pops requests, no acknowledgement, a kill loses
  what the worker took; it takes as many as Scrapy asks for (``CONCURRENT_REQUESTS``);
- ``leased-16``: ``crawler/runtime/distributed.py``'s scheduler, each request moved into the
  worker's held set and acknowledged once handled, holding up to 16 (as many as the
  first): the cost of the leases alone;
- ``leased-4``: the same with the default ``DISTRIBUTED_REQUESTS_HELD=4``: the cost of
  holding fewer;
- ``leased-4-x2``: two such workers started together on one crawl, as
  ``python -m crawler.distributed`` users run them: what a second worker adds on this
  machine.

All use the shared emitted-article check (:class:`SharedDedupePipeline`); its commit
after each written record (one more Redis round trip per article than a claim that is
never withdrawn) is timed apart, against the same server. Printed per set-up: pages per
second and articles per second over the wall time from the first worker's start to the
last one's exit (the same clock for one worker and two), CPU per page summed over its
workers, the largest worker's peak RSS; ratios to ``scrapy-redis`` and of two workers to
one (``leased-4``), and medians; nothing is asserted.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from redis import Redis
from scrapy.utils.test import get_crawler

from bench import nginx
from bench.crawl import (
    REPO,
    STATS_CLASS,
    Archive,
    Crawl,
    benchmark_arguments,
    describe,
    links_per_page,
    median_crawl,
)
from bench.synthetic import write_archive
from crawler.runtime.distributed import CrawlKeys
from pipelines.dedupe import SharedDedupePipeline


@dataclass(frozen=True)
class Setup:
    settings: tuple[str, ...] = ()
    workers: int = 1


SETUPS = {
    "scrapy-redis": Setup(("SCHEDULER=scrapy_redis.scheduler.Scheduler",)),
    "leased-16": Setup(("DISTRIBUTED_REQUESTS_HELD=16",)),
    "leased-4": Setup(),
    "leased-4-x2": Setup(workers=2),
}


@contextmanager
def redis_server() -> Iterator[int]:
    """A redis-server on a free loopback port, in memory only; yields the port."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (apt-get install redis-server)")
    port = nginx.free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        client = Redis(port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except OSError:
                time.sleep(0.05)
        client.close()
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def worker_command(setup: str, base_url: str, redis_url: str, name: str, out: Path) -> list[str]:
    settings = [
        "DOWNLOAD_DELAY=0",
        "AUTOTHROTTLE_ENABLED=False",
        # Pages read in each worker's own process: with an extraction pool, one worker
        # would already take the second core, and this measures what a second worker adds.
        "ARCHIVE_EXTRACTION_PROCESSES=0",
        f"DISTRIBUTED_REDIS_URL={redis_url}",
        f"DISTRIBUTED_CRAWL_NAME={name}",
        f"ARCHIVE_COVERAGE_DIR={out / 'coverage'}",
        f"STATS_CLASS={STATS_CLASS}",
        f"BENCH_STATS_FILE={out / 'stats.json'}",
        *SETUPS[setup].settings,
    ]
    command = [sys.executable, "-m", "scrapy", "crawl", "aawsat", "-a", f"base_url={base_url}"]
    command += [arg for setting in settings for arg in ("-s", setting)]
    return [*command, "-O", str(out / "items.jsonl")]


def run_setup(setup: str, base_url: str, redis_url: str, name: str, out: Path) -> Crawl:
    """One crawl of the archive by the set-up's workers, started together; the wall time
    runs from their start to the last one's exit."""
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    folders = [out / f"worker{number}" for number in range(1, SETUPS[setup].workers + 1)]
    started = time.monotonic()
    workers = []
    for folder in folders:
        folder.mkdir(parents=True)
        log = (folder / "crawl.log").open("w")
        command = worker_command(setup, base_url, redis_url, name, folder)
        workers.append((subprocess.Popen(command, cwd=REPO, env=env, stderr=log), log))
    for process, log in workers:
        process.wait()
        log.close()
    wall = time.monotonic() - started
    for (process, _log), folder in zip(workers, folders, strict=True):
        if process.returncode != 0:
            raise RuntimeError(f"{setup} crawl failed; see {folder / 'crawl.log'}")
    crawls = [
        Crawl.from_stats(setup, json.loads((folder / "stats.json").read_text()))
        for folder in folders
    ]
    return Crawl(
        spider=setup,
        pages=sum(c.pages for c in crawls),
        requests=sum(c.requests for c in crawls),
        items=sum(c.items for c in crawls),
        errors=sum(c.errors for c in crawls),
        elapsed=wall,
        cpu=sum(c.cpu for c in crawls),
        main_cpu=sum(c.main_cpu for c in crawls),
        peak_rss=max(c.peak_rss for c in crawls),
        main_peak_rss=max(c.main_peak_rss for c in crawls),
        undated=sum(c.undated for c in crawls),
    )


def ratio(crawl: Crawl, baseline: Crawl) -> str:
    return (
        f"{crawl.spider}/{baseline.spider}: throughput "
        f"{crawl.pages_per_second / baseline.pages_per_second:.2f}x "
        f"(articles/s {crawl.items / crawl.elapsed / (baseline.items / baseline.elapsed):.2f}x), "
        f"CPU/page {crawl.cpu_per_page / baseline.cpu_per_page:.2f}x"
    )


def articles_per_second(crawl: Crawl) -> str:
    return f"{crawl.items / crawl.elapsed:6.1f} articles/s"


def time_claims(port: int, records: int = 2000) -> tuple[float, float]:
    """Microseconds per record: a claim alone, and a claim then its commit."""
    with Redis(port=port) as server:
        pipeline = SharedDedupePipeline(get_crawler(), server, CrawlKeys("claims"), "w")
        timings = []
        for commit in (False, True):
            server.flushdb()
            items = [
                {"url": f"https://x/{commit}/{n}/", "fetched_url": "", "content_hash": f"{n}"}
                for n in range(records)
            ]
            started = time.perf_counter()
            for item in items:
                pipeline.process_item(item)
                if commit:
                    pipeline.item_written(item)
            timings.append((time.perf_counter() - started) / records * 1e6)
    return timings[0], timings[1]


def main(argv: list[str] | None = None) -> int:
    args = benchmark_arguments(__doc__, 2000, argv)
    work = Path(tempfile.mkdtemp(prefix="bench-distributed-", dir=args.output_dir))
    try:
        files = write_archive(work / "site", args.articles, args.light)
        archive = Archive(args.articles, links_per_page(work / "site"))
        print(
            f"{'light ' if args.light else ''}archive: {args.articles} articles, {files} files, "
            f"{archive.links_per_page:.0f} links per page; {os.cpu_count()} CPUs"
        )
        results: dict[str, list[Crawl]] = {setup: [] for setup in SETUPS}
        with nginx.serve(work / "site") as base_url, redis_server() as port:
            redis_url = f"redis://127.0.0.1:{port}/0"
            for run in range(1, args.runs + 1):
                for setup in SETUPS:
                    name = f"bench-{run}-{setup}"
                    crawl = run_setup(setup, base_url, redis_url, name, work / name)
                    results[setup].append(crawl)
                    load = os.getloadavg()[0]
                    print(
                        f"run {run}  {describe(crawl, archive)}  {articles_per_second(crawl)}"
                        f"  load {load:.1f}",
                        flush=True,
                    )
                print(f"run {run}  {ratio(results['leased-4-x2'][-1], results['leased-4'][-1])}")
            claim, claim_and_commit = time_claims(port)
        medians = {setup: median_crawl(crawls) for setup, crawls in results.items()}
        print(f"median of {args.runs} runs:")
        for crawl in medians.values():
            print(f"       {describe(crawl, archive)}  {articles_per_second(crawl)}")
        for setup in ("leased-16", "leased-4"):
            print(f"       {ratio(medians[setup], medians['scrapy-redis'])}")
        print(f"       {ratio(medians['leased-4-x2'], medians['leased-4'])}")
        print(
            f"emitted-article check per record: claim {claim:.0f} us, "
            f"claim + commit {claim_and_commit:.0f} us"
        )
    finally:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
