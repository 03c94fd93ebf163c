"""Crawl benchmark: our ``aawsat`` spider with all pipelines against a bare Scrapy spider,
on the same synthetic archive served by nginx, in the same run.

    python -m bench.crawl [--articles 5000] [--runs 3] [--light] [--spiders bare,ours,sitemap-first]
                          [--delay SECONDS] [--output-dir DIR] [--feeds-dir DIR] [--warc]

It writes a synthetic archive of ``--articles`` articles (``bench/synthetic.py``; the
earlier, lighter one with ``--light``), serves it with nginx on loopback
(``bench/nginx.py``), then crawls it ``--runs`` times with each spider of ``--spiders``
(default: all four), alternating, each crawl a fresh ``scrapy`` process:

- ``floor``: ``bench/floor_spider.py``, Scrapy's own cost of a page: every HTML page of the
  archive requested from a list, with the bare spider's settings, and nothing done with
  them; the CPU each spider spends on a page above it is what the spider itself does;
- ``bare``: ``bench/bare_spider.py``, the fastest fair bare spider: Scrapy's defaults
  but ``CONCURRENT_ITEMS`` (16, as ours: Scrapy's 100 cost both ~1.5 ms CPU per page)
  and the garbage collector set as ours sets it, follows every on-site page link, looks each up in a plain set before it yields a
  request, extracts nothing;
- ``ours``: ``scrapy crawl aawsat -a base_url=...`` with the project's settings, except
  ``DOWNLOAD_DELAY=0 AUTOTHROTTLE_ENABLED=False CONCURRENT_REQUESTS_PER_DOMAIN=16``
  (both obey robots.txt, both 16 connections), the coverage report on;
- ``sitemap-first``: ours with ``-a discovery=sitemap-first`` (sitemaps and the posts API
  first, then only the listings that can add what they lack:
  ``crawler/spiders/sitemap_first.py``);
- ``ours-no-pool`` (only when named in ``--spiders``): ours with
  ``ARCHIVE_EXTRACTION_PROCESSES=0``, every page read in the crawl's own process: what
  the extraction workers (``crawler/runtime/extraction_pool.py``) give, in the same run.

``--delay SECONDS`` makes every crawl polite, as a crawl of a live site is: that
``DOWNLOAD_DELAY`` and 4 connections (the project's defaults are 0.5 s and 4), for the bare
spider too. The crawls then wait on the delay, not on CPU, so time to the corpus follows
requests per article; a short delay (0.02 s) on a small archive keeps the run short.

For each crawl it prints the crawl's own elapsed time and articles of the corpus per
second of it (time to the full corpus: for the bare spider, the archive's articles), pages
(responses) per second, CPU ms per page (from crawler set-up on: imports are left out;
ours with its extraction workers, ``crawler/runtime/extraction_pool.py``, and a
forkserver where they come from one, ``bench/stats.py``, and then in parentheses its own
process alone), CPU ms per article of the corpus (all processes: the CPU the whole corpus
cost over its articles; a crawl that fetches fewer pages for it, each read and extracted,
pays more per page and less per article), CPU µs per link (CPU per page over the archive's mean
links per page: what a page costs for each link it carries), requests per emitted article
(for the bare spider, which emits nothing, per article of the archive), peak RSS (ours:
its process's and its workers' added up), for ours the CPU ms an extraction worker spent
on each article page it read (``extraction_pool/article_cpu_seconds``: extraction as the
crawl pays it, the page rebuilt from its bytes and its links read included), and the
ratios of each of ours to bare; then the medians. The archive goes to ``--output-dir`` (default: a folder on tmpfs, ``/dev/shm``,
when there is one: nginx serves it from memory either way). The feeds go where a user's
``-O articles.jsonl`` goes, to a disk: a folder made in ``--feeds-dir`` (default: the
current folder), whose filesystem type the header line names. A feed on tmpfs would hide
what writing it durably costs (``crawler/runtime/feeds.py``: written at once, ``fsync``-ed
in groups); ``--feeds-dir /dev/shm`` measures without the disk. ``--warc`` makes each of
our crawls record too (``-s WARC_OUTPUT``, ``crawler/capture/warc.py``), its WARC next to
its feed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import nginx
from bench.synthetic import write_archive
from crawler.reporting import stats_keys

REPO = Path(__file__).resolve().parent.parent
BARE_SPIDER = REPO / "bench" / "bare_spider.py"
FLOOR_SPIDER = REPO / "bench" / "floor_spider.py"
STATS_CLASS = "bench.stats.MeasuringStatsCollector"
TMPFS = Path("/dev/shm")
SPIDERS = ("bare", "floor", "ours", "sitemap-first", "ours-no-pool")
DEFAULT_SPIDERS = SPIDERS[:4]
BASELINES = ("bare", "floor")
"""The spiders that are not ours: each of the others is compared with them."""
LINK = re.compile(rb"<a\s[^>]*?href=")


def write_page_paths(site: Path, path: Path) -> int:
    """Write the path of every HTML page of the archive at ``site`` (``/a/b/`` for
    ``a/b/index.html``), one a line, to ``path``: the floor spider's list. Returns how many.

    >>> import tempfile
    >>> site = Path(tempfile.mkdtemp())
    >>> (site / "a" / "b").mkdir(parents=True)
    >>> for page in ("index.html", "a/b/index.html", "robots.txt"):
    ...     _ = (site / page).write_text("x")
    >>> write_page_paths(site, site / "pages.txt"), (site / "pages.txt").read_text()
    (2, '/\\n/a/b/\\n')
    """
    pages = sorted(
        "/" + page.relative_to(site).as_posix().removesuffix("index.html")
        for page in site.rglob("index.html")
    )
    path.write_text("".join(f"{page}\n" for page in pages))
    return len(pages)


def links_per_page(site: Path) -> float:
    """Mean number of links (``<a href>``) of the archive's HTML pages."""
    counts = [len(LINK.findall(page.read_bytes())) for page in site.rglob("*.html")]
    return sum(counts) / len(counts)


@dataclass(frozen=True)
class Crawl:
    spider: str
    pages: int
    requests: int
    items: int
    errors: int
    """Responses with a status >= 400 (the bare spider follows links to missing pages)."""
    elapsed: float
    cpu: float
    """All the crawl's processes: the crawl's and its extraction workers."""
    main_cpu: float
    """The crawl's own process alone."""
    peak_rss: int
    """All the crawl's processes (an upper bound: see ``bench/stats.py``)."""
    main_peak_rss: int
    """The crawl's own process alone."""
    undated: int = 0
    """Records emitted with no publication date (the run report's ``quality/dates/none``)."""
    article_read_ms: float | None = None
    """CPU ms an extraction worker spent on each article page it read (the page rebuilt
    from its bytes, parsed, extracted, its links read): extraction as the crawl pays it.
    None without workers (the bare spider, ``ours-no-pool``)."""

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.elapsed

    @property
    def cpu_per_page(self) -> float:
        return self.cpu / self.pages

    def articles_per_second(self, articles: int) -> float:
        """Articles of the corpus per second of the crawl's elapsed time: emitted ones; for
        the bare spider, which emits nothing, the archive's (the pages it fetched hold them)."""
        return (self.items or articles) / self.elapsed

    def cpu_per_article(self, articles: int) -> float:
        """CPU seconds per article of the corpus, all processes: what the whole corpus
        costs, whatever the pages it took; per article of the archive if none was emitted."""
        return self.cpu / (self.items or articles)

    def requests_per_article(self, articles: int) -> float:
        """Requests per emitted article; per article of the archive if none was emitted."""
        return self.requests / (self.items or articles)

    @classmethod
    def from_stats(cls, spider: str, stats: dict[str, Any]) -> Crawl:
        return cls(
            spider=spider,
            pages=stats["downloader/response_count"],
            requests=stats["downloader/request_count"],
            items=stats.get("item_scraped_count", 0),
            errors=sum(
                count
                for key, count in stats.items()
                if key.startswith("downloader/response_status_count/")
                and int(key.rsplit("/", 1)[1]) >= 400
            ),
            elapsed=stats["elapsed_time_seconds"],
            cpu=stats["bench/cpu_seconds"],
            main_cpu=stats["bench/main_cpu_seconds"],
            peak_rss=stats["bench/peak_rss_bytes"],
            main_peak_rss=stats["bench/main_peak_rss_bytes"],
            undated=stats.get(f"{stats_keys.QUALITY_DATES}none", 0),
            article_read_ms=worker_ms_per_page(
                stats,
                stats_keys.EXTRACTION_POOL_ARTICLE_CPU_SECONDS,
                stats_keys.EXTRACTION_POOL_ARTICLE_PAGES,
            ),
        )


def worker_ms_per_page(stats: dict[str, Any], cpu_key: str, pages_key: str) -> float | None:
    """Workers' CPU ms per page of a kind read in them; None if none was.

    >>> worker_ms_per_page({"cpu": 3.0, "pages": 2000}, "cpu", "pages")
    1.5
    >>> worker_ms_per_page({}, "cpu", "pages") is None
    True
    """
    pages = stats.get(pages_key, 0)
    return 1000 * stats.get(cpu_key, 0.0) / pages if pages else None


POLITE_CONNECTIONS = 4
"""Connections to the site of a ``--delay`` crawl: the project's default for a live site."""


def crawl_command(
    spider: str,
    base_url: str,
    out: Path,
    delay: float | None = None,
    warc: bool = False,
    pages: Path | None = None,
) -> tuple[list[str], Path]:
    """The command line of one crawl, and the folder to run it in; ``delay``: a polite
    crawl's ``DOWNLOAD_DELAY`` (with :data:`POLITE_CONNECTIONS`), the same for every spider;
    ``warc``: ours records every exchange to ``out/crawl.warc.gz`` (the others cannot);
    ``pages``: the floor spider's list (:func:`write_page_paths`)."""
    measure = ["-s", f"STATS_CLASS={STATS_CLASS}", "-s", f"BENCH_STATS_FILE={out / 'stats.json'}"]
    polite = [f"DOWNLOAD_DELAY={delay}", f"CONCURRENT_REQUESTS_PER_DOMAIN={POLITE_CONNECTIONS}"]
    if spider in BASELINES:
        # Run outside the project folder: no scrapy.cfg, so Scrapy's defaults apply.
        script = BARE_SPIDER if spider == "bare" else FLOOR_SPIDER
        command = [sys.executable, "-m", "scrapy", "runspider", str(script)]
        settings = polite if delay is not None else []
        command += ["-a", f"base_url={base_url}", *[a for s in settings for a in ("-s", s)]]
        if spider == "floor":
            if pages is None:
                raise ValueError("the floor spider needs the archive's page list (pages=)")
            command += ["-a", f"paths={pages}"]
        return [*command, *measure], out
    feed = ["-O", str(out / "items.jsonl")]
    command = [sys.executable, "-m", "scrapy", "crawl", "aawsat", "-a", f"base_url={base_url}"]
    if spider == "sitemap-first":
        command += ["-a", "discovery=sitemap-first"]
    settings = ["AUTOTHROTTLE_ENABLED=False"]
    if spider == "ours-no-pool":
        settings.append("ARCHIVE_EXTRACTION_PROCESSES=0")
    settings += (
        polite if delay is not None else ["DOWNLOAD_DELAY=0", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]
    )
    settings.append(f"ARCHIVE_COVERAGE_DIR={out / 'coverage'}")
    if warc:
        settings.append(f"WARC_OUTPUT={out / 'crawl.warc.gz'}")
    return [*command, *[a for s in settings for a in ("-s", s)], *feed, *measure], REPO


def run_crawl(spider: str, out: Path, command: list[str], cwd: Path) -> Crawl:
    """Run one crawl's ``command`` (:func:`crawl_command`) in ``cwd``; its log, stats and
    feed go to ``out``."""
    out.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    with (out / "crawl.log").open("w") as log:
        done = subprocess.run(command, cwd=cwd, env=env, stderr=log, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{spider} crawl failed ({done.returncode}); see {out / 'crawl.log'}")
    return Crawl.from_stats(spider, json.loads((out / "stats.json").read_text()))


@dataclass(frozen=True)
class Archive:
    articles: int
    links_per_page: float


def describe(crawl: Crawl, archive: Archive) -> str:
    return (
        f"{crawl.spider:<13} {crawl.pages:>6} pages ({crawl.errors} >= 400) "
        f"{crawl.items:>6} items  {crawl.elapsed:6.2f} s  "
        f"{crawl.articles_per_second(archive.articles):7.1f} articles/s  "
        f"{crawl.pages_per_second:7.1f} pages/s  "
        f"{crawl.cpu_per_page * 1000:6.2f} ms CPU/page "
        f"({crawl.main_cpu / crawl.pages * 1000:4.2f} main)  "
        f"{crawl.cpu_per_article(archive.articles) * 1000:5.2f} ms CPU/article  "
        f"{crawl.cpu_per_page * 1e6 / archive.links_per_page:5.1f} us/link  "
        f"{crawl.requests_per_article(archive.articles):4.2f} requests/article  "
        f"{crawl.peak_rss / 2**20:6.0f} MB peak RSS ({crawl.main_peak_rss / 2**20:.0f} main)"
        + (
            f"  {crawl.article_read_ms:.2f} ms CPU/article page in the worker"
            if crawl.article_read_ms is not None
            else ""
        )
    )


def ratios(bare: Crawl, ours: Crawl, archive: Archive) -> str:
    corpus_speed = ours.articles_per_second(archive.articles) / bare.articles_per_second(
        archive.articles
    )
    fetches = ours.requests_per_article(archive.articles) / bare.requests_per_article(
        archive.articles
    )
    cpu_per_article = ours.cpu_per_article(archive.articles) / bare.cpu_per_article(
        archive.articles
    )
    return (
        f"{ours.spider}/bare: articles/s (time to corpus) {corpus_speed:.2f}x, "
        f"pages/s {ours.pages_per_second / bare.pages_per_second:.2f}x, "
        f"CPU/page {ours.cpu_per_page / bare.cpu_per_page:.2f}x "
        f"(main process {ours.main_cpu / ours.pages / bare.cpu_per_page:.2f}x), "
        f"CPU/article {cpu_per_article:.2f}x, "
        f"requests/article {fetches:.2f}x, "
        f"peak RSS {ours.peak_rss / bare.peak_rss:.2f}x; "
        f"found {ours.items}/{archive.articles} articles, {ours.items - ours.undated} dated"
    )


def above_floor(floor: Crawl, crawl: Crawl) -> str:
    """What ``crawl`` spends on a page above Scrapy's own cost of it (the floor spider's):
    CPU ms per page, all its processes and its own process alone.

    >>> floor = Crawl("floor", 1000, 1000, 0, 0, 4.0, 3.0, 3.0, 1, 1)
    >>> print(above_floor(floor, Crawl("ours", 1000, 1000, 900, 0, 9.0, 8.0, 5.5, 1, 1)))
    ours above Scrapy's floor (3.00 ms CPU/page): +5.00 ms CPU/page (main process +2.50 ms)
    """
    floor_ms = floor.cpu_per_page * 1000
    return (
        f"{crawl.spider} above Scrapy's floor ({floor_ms:.2f} ms CPU/page): "
        f"+{crawl.cpu_per_page * 1000 - floor_ms:.2f} ms CPU/page "
        f"(main process +{crawl.main_cpu / crawl.pages * 1000 - floor_ms:.2f} ms)"
    )


def paired_speed(bare: list[Crawl], ours: list[Crawl], articles: int) -> str:
    """Time to corpus as the median of each run's own ratio (ours against the bare crawl
    of the same run, a few seconds apart): the machine's load drifts between runs, and
    the ratio of the medians can pair a quiet run with a busy one.

    >>> def crawl(elapsed):
    ...     return Crawl("x", 10, 10, 0, 0, elapsed, 1.0, 1.0, 1, 1)
    >>> runs = [crawl(6.0), crawl(8.0), crawl(6.0)], [crawl(5.0), crawl(7.0), crawl(6.0)]
    >>> print(paired_speed(*runs, 9))
    time to corpus, median of the runs' own ratios 1.14x (1.00x to 1.20x)
    """
    each = sorted(
        o.articles_per_second(articles) / b.articles_per_second(articles)
        for b, o in zip(bare, ours, strict=True)
    )
    return (
        f"time to corpus, median of the runs' own ratios {statistics.median(each):.2f}x "
        f"({each[0]:.2f}x to {each[-1]:.2f}x)"
    )


def median_crawl(crawls: list[Crawl]) -> Crawl:
    """A crawl made of the medians of each figure over several runs."""
    worker_times = [c.article_read_ms for c in crawls if c.article_read_ms is not None]
    return Crawl(
        spider=crawls[0].spider,
        pages=round(statistics.median(c.pages for c in crawls)),
        requests=round(statistics.median(c.requests for c in crawls)),
        items=round(statistics.median(c.items for c in crawls)),
        errors=round(statistics.median(c.errors for c in crawls)),
        elapsed=statistics.median(c.elapsed for c in crawls),
        cpu=statistics.median(c.cpu for c in crawls),
        main_cpu=statistics.median(c.main_cpu for c in crawls),
        peak_rss=round(statistics.median(c.peak_rss for c in crawls)),
        main_peak_rss=round(statistics.median(c.main_peak_rss for c in crawls)),
        undated=max(c.undated for c in crawls),
        article_read_ms=statistics.median(worker_times) if worker_times else None,
    )


def filesystem_type(path: Path, mounts: str | None = None) -> str:
    """The type of the filesystem ``path`` is on: that of the longest mount point above it
    in ``mounts`` (``/proc/self/mounts`` by default); ``"?"`` if none is known.

    >>> mounts = "/dev/sda1 / ext4 rw 0 0\\ntmpfs /dev/shm tmpfs rw 0 0\\n"
    >>> filesystem_type(Path("/dev/shm/feeds"), mounts), filesystem_type(Path("/work"), mounts)
    ('tmpfs', 'ext4')
    """
    if mounts is None:
        try:
            mounts = Path("/proc/self/mounts").read_text()
        except OSError:
            return "?"
    path = path.resolve()
    found, found_type = None, "?"
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        # /proc/mounts escapes a space in a mount point as \040.
        point = Path(fields[1].replace("\\040", " "))
        if path.is_relative_to(point) and (found is None or point.is_relative_to(found)):
            found, found_type = point, fields[2]
    return found_type


def spider_list(text: str) -> tuple[str, ...]:
    """``--spiders``: comma-separated names of :data:`SPIDERS` (ratios need ``bare``).

    >>> spider_list("ours,bare")
    ('bare', 'ours')
    """
    names = {name.strip() for name in text.split(",")}
    if not names <= set(SPIDERS):
        raise argparse.ArgumentTypeError(f"expected some of {', '.join(SPIDERS)}")
    return tuple(name for name in SPIDERS if name in names)


def benchmark_arguments(
    doc: str,
    articles: int,
    argv: list[str] | None,
    spiders: bool = False,
    delay: bool = False,
    feeds: bool = False,
) -> argparse.Namespace:
    """``--articles``, ``--runs``, ``--light`` and ``--output-dir`` of a crawl benchmark,
    and ``--spiders`` if ``spiders``, ``--delay`` if ``delay``, ``--feeds-dir`` and
    ``--warc`` if ``feeds``; a benchmark stopped with SIGTERM then unwinds as on Ctrl-C, so
    its nginx and Redis stop too."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=articles)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--light", action="store_true", help="the earlier, lighter archive")
    if spiders:
        parser.add_argument(
            "--spiders", type=spider_list, default=DEFAULT_SPIDERS, help="bare,ours,..."
        )
    if delay:
        parser.add_argument(
            "--delay",
            type=float,
            help="a polite crawl: this DOWNLOAD_DELAY and 4 connections, for every spider",
        )
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=TMPFS if TMPFS.is_dir() else None,
        help="where the archive goes (default: /dev/shm if present)",
    )
    if feeds:
        parser.add_argument(
            "--feeds-dir",
            type=Path,
            default=Path.cwd(),
            help="where the crawls' feeds go, as a user's -O would (default: the current folder)",
        )
        parser.add_argument(
            "--warc",
            action="store_true",
            help="our crawls also record a WARC (-s WARC_OUTPUT), next to their feeds",
        )
    args = parser.parse_args(argv)
    for folder in (args.output_dir, getattr(args, "feeds_dir", None)):
        if folder is not None:  # a folder named that does not exist yet is made
            folder.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    return args


def main(argv: list[str] | None = None) -> int:
    args = benchmark_arguments(__doc__, 5000, argv, spiders=True, delay=True, feeds=True)
    work = Path(tempfile.mkdtemp(prefix="bench-crawl-", dir=args.output_dir))
    args.feeds_dir.mkdir(parents=True, exist_ok=True)
    feeds = Path(tempfile.mkdtemp(prefix="bench-crawl-feeds-", dir=args.feeds_dir))
    try:
        started = time.monotonic()
        files = write_archive(work / "site", args.articles, args.light)
        archive = Archive(args.articles, links_per_page(work / "site"))
        pages = work / "pages.txt"
        write_page_paths(work / "site", pages)
        print(
            f"{'light ' if args.light else ''}archive: {args.articles} articles, {files} files, "
            f"{archive.links_per_page:.0f} links per page ({time.monotonic() - started:.0f} s)"
        )
        print(
            f"feeds in {feeds} ({filesystem_type(feeds)}); {os.cpu_count()} CPUs; "
            f"Python {sys.version.split()[0]}"
        )
        if args.warc:
            print("our crawls record a WARC next to their feeds")
        if args.delay is not None:
            print(f"polite: DOWNLOAD_DELAY={args.delay}, {POLITE_CONNECTIONS} connections")
        results: dict[str, list[Crawl]] = {spider: [] for spider in args.spiders}
        ours = [s for s in args.spiders if s not in BASELINES and "bare" in args.spiders]
        with nginx.serve(work / "site") as base_url:
            for run in range(1, args.runs + 1):
                for spider in args.spiders:
                    out = feeds / f"run{run}-{spider}"
                    command = crawl_command(spider, base_url, out, args.delay, args.warc, pages)
                    crawl = run_crawl(spider, out, *command)
                    results[spider].append(crawl)
                    load = os.getloadavg()[0]  # other work on the machine skews wall time
                    print(f"run {run}  {describe(crawl, archive)}  load {load:.1f}", flush=True)
                for spider in ours:
                    last = ratios(results["bare"][-1], results[spider][-1], archive)
                    print(f"run {run}  {last}", flush=True)
        medians = {spider: median_crawl(crawls) for spider, crawls in results.items()}
        print(f"median of {args.runs} runs:")
        for crawl in medians.values():
            print(f"       {describe(crawl, archive)}")
        for spider in ours:
            print(f"       {ratios(medians['bare'], medians[spider], archive)}")
            paired = paired_speed(results["bare"], results[spider], args.articles)
            print(f"       {spider}/bare: {paired}")
        if "floor" in medians:
            for spider, crawl in medians.items():
                if spider != "floor":
                    print(f"       {above_floor(medians['floor'], crawl)}")
    finally:
        shutil.rmtree(work)
        shutil.rmtree(feeds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
