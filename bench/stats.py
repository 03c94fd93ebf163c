"""A stats collector that also measures the crawl's CPU time and peak memory, and saves
all stats as JSON: the one measuring device of both benchmark crawls.

    -s STATS_CLASS=bench.stats.MeasuringStatsCollector -s BENCH_STATS_FILE=stats.json
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsT

from crawler.reporting import stats_keys
from crawler.runtime.stats import PlainStatsCollector


def peak_rss_bytes() -> int:
    """This process's peak resident memory (Linux ``VmHWM``). Not ``getrusage``'s
    ``ru_maxrss``: that keeps the parent's peak across ``fork`` and ``exec``."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise OSError("no VmHWM in /proc/self/status (not Linux?)")


def children_cpu_seconds(parent: int) -> float:
    """CPU seconds (user and system) spent so far by the live processes whose parent is
    ``parent``, as Linux's ``/proc/<pid>/stat`` says; their own, not their children's."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        # After the command's name, in parentheses: state, ppid, ..., utime (14th), stime.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == parent:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


class MeasuringStatsCollector(PlainStatsCollector):
    """Adds ``bench/cpu_seconds`` (CPU from crawler set-up to the end, so Python's and
    Scrapy's imports are left out) and ``bench/peak_rss_bytes`` (peak resident memory)
    when the crawl closes; runs last, after every ``spider_closed`` handler, so
    ``elapsed_time_seconds`` is set and the extraction pool has stopped.

    Both count the crawl's worker processes too (``crawler/runtime/extraction_pool.py``):
    their CPU, as each worker's kernel accounting says (``getrusage``, reported with every
    page it reads), and their peak memory added to the crawl process's (an upper bound:
    pages a worker shares are counted twice). ``RUSAGE_CHILDREN`` would miss them: a
    forked worker counts there only once reaped, and one from a forkserver is its child.
    The CPU of the crawl's other live child processes is counted too
    (:func:`children_cpu_seconds`, ``bench/children_cpu_seconds``): a forkserver, where
    the workers come from one (``ARCHIVE_EXTRACTION_FORK`` off, or a pool that replaced a
    dead one), whose imports (0.3-0.45 s a crawl here) no worker's accounting holds, and
    multiprocessing's resource tracker. The workers have stopped by then.
    ``bench/main_cpu_seconds`` is the crawl's own process alone, and so is
    ``bench/main_peak_rss_bytes``.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._cpu_at_start = time.process_time()
        self._path = crawler.settings.get("BENCH_STATS_FILE")

    def _persist_stats(self, stats: StatsT) -> None:
        super()._persist_stats(stats)
        main_cpu = time.process_time() - self._cpu_at_start
        children_cpu = children_cpu_seconds(os.getpid())
        stats["bench/main_cpu_seconds"] = main_cpu
        stats["bench/children_cpu_seconds"] = children_cpu
        stats["bench/cpu_seconds"] = (
            main_cpu + children_cpu + stats.get(stats_keys.EXTRACTION_POOL_CPU_SECONDS, 0.0)
        )
        stats["bench/main_peak_rss_bytes"] = peak_rss_bytes()
        stats["bench/peak_rss_bytes"] = stats["bench/main_peak_rss_bytes"] + stats.get(
            stats_keys.EXTRACTION_POOL_PEAK_RSS_BYTES, 0
        )
        if self._path:
            Path(self._path).write_text(json.dumps(stats, default=str, indent=1, sort_keys=True))
