"""Publication days on the public publication-date benchmark, through the crawl path, next to
htmldate and trafilatura in the same run.

    python -m bench.date_quality [DATA_DIR]

DATA_DIR holds ``ground-truth.json`` (``{id: {"url", "date"}}``) and ``html/<id>.html.gz``
(default: the repository's copy, ``fixtures/publication-dates``). Every
page is served on loopback at ``/<id>/`` and crawled as one URL list with
``scrapy crawl archive -a urls=…`` (the path users run; qa/corpus_crawl.py, as the quality
gate does); the record's ``published`` day is
compared with the annotated day. htmldate (``original_date=True``, the setting that gives
its published 178/200; and its default) and trafilatura's metadata date read the same
bytes with the page's original URL. A page is right when the day equals the annotation,
wrong when another day is given, none when no date (or, for the crawl, no record).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import trafilatura
from htmldate import find_date

from qa.corpus_crawl import Corpus, crawl_corpus
from qa.evaluation import day_outcome, day_outcomes

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO / "fixtures" / "publication-dates"


def crawl_days(data: Path, workdir: Path) -> tuple[dict[str, str | None], int]:
    """``{id: published}`` from a crawl of the corpus (qa/corpus_crawl.py), and the number
    of records."""
    records = crawl_corpus(Corpus(data), workdir).records
    return {page_id: record.get("published") for page_id, record in records.items()}, len(records)


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
        ours, records = crawl_days(args.data, Path(work))
    results = {"ours (scrapy crawl archive)": ours, **library_dates(pages, truth)}
    print(f"{len(pages)} pages from {args.data}; the crawl emitted {records} records")
    print(f"{'extractor':<28} {'right':>5} {'wrong':>5} {'none':>5}")
    for name, days in results.items():
        counts = day_outcomes(
            {i: t["date"] for i, t in truth.items()},
            {i: {"published": day} for i, day in days.items()},
        )
        print(f"{name:<28} {counts['right']:>5} {counts['wrong']:>5} {counts['none']:>5}")
    if args.wrong:
        for page_id, annotation in truth.items():
            if day_outcome(annotation["date"], {"published": ours.get(page_id)}) == "wrong":
                print(f"  {page_id} {annotation['date']} ours {ours[page_id]}  {annotation['url']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
