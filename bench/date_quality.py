"""Publication days on the public publication-date benchmark, through the crawl path, next to
htmldate and trafilatura in the same run.

    python -m bench.date_quality [DATA_DIR]

DATA_DIR holds ``ground-truth.json`` (``{id: {"url", "date"}}``) and ``html/<id>.html.gz``
(default: the copy shared with the team, ``../shared/benchmarks/publication-dates``). Every
page is served by nginx on loopback at ``/<id>/`` and crawled as one URL list with
``scrapy crawl archive -a urls=…`` (the path users run); the record's ``published`` day is
compared with the annotated day. htmldate (``original_date=True``, the setting that gives
its published 178/200; and its default) and trafilatura's metadata date read the same
bytes with the page's original URL. A page is right when the day equals the annotation,
wrong when another day is given, none when no date (or, for the crawl, no record).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from htmldate import find_date

from bench import nginx

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "benchmarks" / "publication-dates"  # beside /work/main


def verdict(predicted: str | None, truth: Any) -> str:
    """``right``, ``wrong`` or ``none`` for a predicted ISO date against the annotated day.

    >>> verdict("2020-05-01T22:54:29-04:00", "2020-05-01"), verdict("2020-05-02", "2020-05-01")
    ('right', 'wrong')
    >>> verdict(None, "2020-05-01")
    'none'
    """
    if not predicted:
        return "none"
    return "right" if predicted[:10] == truth else "wrong"


def crawl_days(pages: dict[str, bytes], workdir: Path) -> tuple[dict[str, str | None], int]:
    """``{id: published}`` from a crawl of the pages, and the number of records."""
    site = workdir / "site"
    for page_id, html in pages.items():
        (site / page_id).mkdir(parents=True)
        (site / page_id / "index.html").write_bytes(html)
    (site / "robots.txt").write_text("")  # nginx.serve waits for it
    output = workdir / "articles.jsonl"
    with nginx.serve(site) as base_url:
        url_list = workdir / "urls.txt"
        url_list.write_text("".join(f"{base_url}{page_id}/\n" for page_id in pages))
        command = [
            sys.executable, "-m", "scrapy", "crawl", "archive", "-a", f"base_url={base_url}",
            "-a", f"urls={url_list}", "-O", str(output), "-s", "DOWNLOAD_DELAY=0",
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
            "-s", f"ARCHIVE_COVERAGE_DIR={workdir / 'coverage'}",
        ]  # fmt: skip
        env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        with (workdir / "crawl.log").open("w") as log:
            subprocess.run(command, cwd=REPO, env=env, stderr=log, check=True)
    records = [json.loads(line) for line in output.read_text().splitlines()]
    days = {urlsplit(r["fetched_url"]).path.strip("/"): r.get("published") for r in records}
    return days, len(records)


def library_dates(
    pages: dict[str, bytes], truth: dict[str, dict[str, Any]]
) -> dict[str, dict[str, str | None]]:
    extractors: dict[str, Callable[[bytes, str], str | None]] = {
        "htmldate original_date": lambda html, url: find_date(html, url=url, original_date=True),
        "htmldate default": lambda html, url: find_date(html, url=url),
        "trafilatura metadata": lambda html, url: trafilatura_date(html, url),
    }
    return {
        name: {page_id: extract(html, truth[page_id]["url"]) for page_id, html in pages.items()}
        for name, extract in extractors.items()
    }


def trafilatura_date(html: bytes, url: str) -> str | None:
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    return getattr(document, "date", None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data", type=Path, nargs="?", default=DEFAULT_DATA)
    parser.add_argument("--wrong", action="store_true", help="list the pages we get wrong")
    args = parser.parse_args(argv)
    truth = json.loads((args.data / "ground-truth.json").read_text())
    pages = {i: gzip.decompress((args.data / "html" / f"{i}.html.gz").read_bytes()) for i in truth}
    with tempfile.TemporaryDirectory(prefix="bench-dates-") as work:
        ours, records = crawl_days(pages, Path(work))
    results = {"ours (scrapy crawl archive)": ours, **library_dates(pages, truth)}
    print(f"{len(pages)} pages from {args.data}; the crawl emitted {records} records")
    print(f"{'extractor':<28} {'right':>5} {'wrong':>5} {'none':>5}")
    for name, days in results.items():
        counts = Counter(verdict(days.get(i), t["date"]) for i, t in truth.items())
        print(f"{name:<28} {counts['right']:>5} {counts['wrong']:>5} {counts['none']:>5}")
    if args.wrong:
        for page_id, annotation in truth.items():
            if verdict(ours.get(page_id), annotation["date"]) == "wrong":
                print(f"  {page_id} {annotation['date']} ours {ours[page_id]}  {annotation['url']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
