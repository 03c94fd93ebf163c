"""Speed on pages nobody here wrote: the real-page corpora (``fixtures/article-extraction``,
181 pages; ``fixtures/publication-dates``, 200 pages), which the synthetic archive of
``bench.crawl`` and ``bench.extract`` is not.

    python -m bench.real_pages [--rounds 2]

For each corpus, one crawl the way users crawl a URL list (``scrapy crawl archive -a
urls=LIST``, the pages served on loopback, ``qa/corpus_crawl.py``), with the extraction
worker on from the first page, then without it: CPU per page (from crawler set-up on,
both processes; the crawl's own process in parentheses, ``bench/stats.py``). Then, in this
process, per page of the article-extraction corpus (CPU time, mean over pages of each
page's best of ``--rounds``): an lxml parse alone, our generic profile's record
(``GenericArticlePage(...).to_item()``, what the worker runs for a page of a site with no
profile) and trafilatura's ``extract``, the strongest fair alternative, in the same run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import lxml.html
import trafilatura
from scrapy.http import HtmlResponse

from bench.crawl import STATS_CLASS
from crawler.sites.generic import GenericArticlePage
from qa.corpus_crawl import CORPORA, corpus, crawl_corpus
from qa.evaluation import BenchmarkPage, load_benchmark

POOL = {"worker from the first page": ("1", "0"), "no worker": ("0", "150")}
"""``ARCHIVE_EXTRACTION_PROCESSES`` and ``ARCHIVE_EXTRACTION_POOL_AFTER`` of each crawl."""


def crawl_cpu(name: str, processes: str, after: str) -> tuple[int, float, float]:
    """Pages, CPU seconds (both processes) and the crawl's own CPU seconds of one crawl."""
    with tempfile.TemporaryDirectory(prefix="bench-real-") as folder:
        stats_file = Path(folder) / "bench-stats.json"
        crawl_corpus(
            corpus(name),
            Path(folder),
            *("-s", f"STATS_CLASS={STATS_CLASS}", "-s", f"BENCH_STATS_FILE={stats_file}"),
            *("-s", f"ARCHIVE_EXTRACTION_PROCESSES={processes}"),
            *("-s", f"ARCHIVE_EXTRACTION_POOL_AFTER={after}"),
        )
        stats = json.loads(stats_file.read_text())
    return (
        stats["downloader/response_count"],
        stats["bench/cpu_seconds"],
        stats["bench/main_cpu_seconds"],
    )


def per_page_ms(
    pages: list[BenchmarkPage], read: Callable[[BenchmarkPage], object], rounds: int
) -> list[float]:
    """Each page's best CPU time of ``rounds`` reads, in ms."""
    best = []
    for page in pages:
        times = []
        for _ in range(rounds):
            started = time.process_time()
            read(page)
            times.append(time.process_time() - started)
        best.append(min(times) * 1e3)
    return best


def ours(page: BenchmarkPage) -> object:
    return GenericArticlePage(
        HtmlResponse(url=page.url, body=page.html, encoding="utf-8")
    ).to_item()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    print("scrapy crawl archive -a urls=..., CPU per page (the crawl's own process):")
    for name in CORPORA:
        for label, (processes, after) in POOL.items():
            responses, cpu, main_cpu = crawl_cpu(name, processes, after)
            print(
                f"  {name:<19} {label:<27} {responses:4d} pages  {cpu / responses * 1e3:6.2f} ms "
                f"({main_cpu / responses * 1e3:.2f})"
            )
    pages = load_benchmark(corpus("article-extraction").folder)
    size = statistics.mean(len(page.html) for page in pages) / 1024
    print(f"in-process, {len(pages)} article-extraction pages ({size:.0f} KB on average), ms:")
    readers: dict[str, Callable[[BenchmarkPage], object]] = {
        "lxml parse": lambda page: lxml.html.fromstring(page.html),
        "ours (generic profile)": ours,
        "trafilatura extract": lambda page: trafilatura.extract(
            page.html.decode("utf-8", "replace"), url=page.url
        ),
    }
    results = {name: per_page_ms(pages, read, args.rounds) for name, read in readers.items()}
    for name, times in results.items():
        print(
            f"  {name:<24} mean {statistics.mean(times):6.2f}  median "
            f"{statistics.median(times):6.2f}  max {max(times):6.1f}"
        )
    ratio = statistics.mean(results["ours (generic profile)"]) / statistics.mean(
        results["trafilatura extract"]
    )
    print(f"  ours/trafilatura {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
