"""The hand-checked metadata oracle (``fixtures/<corpus>/metadata-oracle.json``), ours next
to trafilatura and htmldate in the same run, per field and per corpus.

    python -m bench.oracle_baselines [--wrong]

- ours: the records of ``scrapy crawl archive -a urls=LIST`` over each real-page corpus
  served on loopback (qa/corpus_crawl.py, the crawls the quality gate scores);
- trafilatura: ``bare_extraction(html, url=…, with_metadata=True)`` on the same bytes
  with the page's original URL: ``title``, ``author`` (its ``"; "``-joined list split
  back into names), ``date``, and its first ``categories`` entry as the section;
- htmldate: ``find_date(html, url=…, original_date=True)`` (its best setting on the date
  corpus, ``bench/date_quality.py``): the published day only.

Each value is scored as the quality gate scores ours (qa/metadata_oracle.py: text
normalized and case-folded, authors as a sorted list, the day of the date); a page with
no value is wrong. Not run by the tests (trafilatura and htmldate are benchmark-only).
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import htmldate
import trafilatura
from htmldate import find_date

from qa.corpus_crawl import CORPORA, Corpus, corpus
from qa.metadata_oracle import ORACLE_FIELDS, load_oracle, score
from qa.quality import crawl_corpora

Records = dict[str, dict[str, Any]]


def trafilatura_record(html: bytes, url: str | None) -> dict[str, Any]:
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if document is None:
        return {}
    author = getattr(document, "author", None)
    categories = getattr(document, "categories", None) or []
    return {
        "title": getattr(document, "title", None),
        "authors": [name.strip() for name in author.split(";") if name.strip()] if author else [],
        "published": getattr(document, "date", None),
        "section": categories[0] if categories else None,
    }


def htmldate_record(html: bytes, url: str) -> dict[str, Any]:
    return {"published": find_date(html, url=url, original_date=True)}


def baseline_records(source: Corpus, page_ids: list[str]) -> dict[str, Records]:
    """trafilatura's and htmldate's records of the oracle's pages."""
    pages = {i: gzip.decompress(source.page_file(i).read_bytes()) for i in page_ids}
    urls = {i: source.truth[i]["url"] for i in page_ids}
    return {
        f"trafilatura {trafilatura.__version__} metadata": {
            i: trafilatura_record(pages[i], urls[i]) for i in page_ids
        },
        f"htmldate {htmldate.__version__} original_date": {
            i: htmldate_record(pages[i], urls[i]) for i in page_ids
        },
    }


def print_table(name: str, results: Mapping[str, dict[str, dict[str, Any]]], wrong: bool) -> None:
    checked = next(iter(results.values()))
    print(f"\n{name}: " + ", ".join(f"{f} {checked[f]['checked']}" for f in ORACLE_FIELDS))
    print(f"  {'extractor':<30}" + "".join(f"{field:>16}" for field in ORACLE_FIELDS))
    for extractor, fields in results.items():
        cells = []
        for field in ORACLE_FIELDS:
            figures = fields[field]
            na = extractor.startswith("htmldate") and field != "published"
            cell = (
                "-" if na else f"{figures['right']}/{figures['checked']} {figures['accuracy']:.3f}"
            )
            cells.append(f"{cell:>16}")
        print(f"  {extractor:<30}" + "".join(cells))
        if wrong:
            for field in ORACLE_FIELDS:
                if fields[field]["wrong"] and not extractor.startswith("htmldate"):
                    ids = " ".join(page[:12] for page in fields[field]["wrong"])
                    print(f"    {field} wrong: {ids}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--wrong", action="store_true", help="list the pages each gets wrong")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-oracle-") as work:
        crawls = crawl_corpora(Path(work))
    for name in CORPORA:
        source = corpus(name)
        oracle = load_oracle(source.folder)
        results = {"ours (scrapy crawl archive)": score(oracle, crawls[name].records)}
        for extractor, records in baseline_records(source, sorted(oracle)).items():
            results[extractor] = score(oracle, records)
        print_table(f"{name} ({len(oracle)} pages)", results, args.wrong)
    return 0


if __name__ == "__main__":
    sys.exit(main())
