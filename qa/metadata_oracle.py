"""The hand-checked metadata oracle of the real-page corpora, and its score on a crawl.

``fixtures/<corpus>/metadata-oracle.json`` holds, per page id, what a reader of the page
sees: ``title`` (the visible headline), ``authors`` (people and agencies the byline names;
``[]`` when it names only the site itself), ``published`` (the day the page shows) and
``section`` (where the page shows one). A field is absent where the page leaves it unclear.
Each value was written by reading the page's HTML, not copied from any extractor's output.

:func:`score` compares a crawl's records (``{page id: record}``, as the corpus crawl
harness returns them) with the oracle; a page without a record is wrong on every field.

    python -m qa.metadata_oracle CRAWL.jsonl [CORPUS_FOLDER]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.extraction.processors import normalize_text

ORACLE_FILE = "metadata-oracle.json"
ORACLE_FIELDS = ("title", "authors", "published", "section")


def load_oracle(corpus: Path) -> dict[str, dict[str, Any]]:
    return json.loads((corpus / ORACLE_FILE).read_text(encoding="utf-8"))


def field_value(record: Mapping[str, Any], field: str) -> Any:
    """A record's field in the oracle's terms: text normalized and case-folded, authors as
    a sorted list, the publication day.

    >>> field_value({"published": "2019-11-18T23:03:00-08:00"}, "published")
    '2019-11-18'
    >>> field_value({"authors": ["KENNETH P. VOGEL", "Lisa Lerer"]}, "authors")
    ['kenneth p. vogel', 'lisa lerer']
    """
    value = record.get(field)
    if field == "published":
        return value[:10] if value else None
    if field == "authors":
        return sorted((normalize_text(name) or "").casefold() for name in value or [])
    return (normalize_text(value) or "").casefold() if value else None


def score(
    oracle: Mapping[str, Mapping[str, Any]], records: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Per field: pages the oracle checks, pages right, accuracy, and the wrong page ids.

    >>> oracle = {"a": {"title": "Hi", "published": "2020-01-02"}, "b": {"title": "Yo"}}
    >>> result = score(oracle, {"a": {"title": "hi ", "published": "2020-01-03T01:00:00Z"}})
    >>> result["title"]["right"], result["title"]["checked"], result["published"]["wrong"]
    (1, 2, ['a'])
    """
    result = {}
    for field in ORACLE_FIELDS:
        checked = [page for page, truth in oracle.items() if field in truth]
        wrong = [
            page
            for page in checked
            if page not in records
            or field_value(records[page], field) != field_value(oracle[page], field)
        ]
        right = len(checked) - len(wrong)
        result[field] = {
            "checked": len(checked),
            "right": right,
            "accuracy": round(right / len(checked), 4) if checked else 0.0,
            "wrong": sorted(wrong),
        }
    return result


def records_by_page(jsonl: Path) -> dict[str, dict[str, Any]]:
    """A corpus crawl's records keyed by page id: the first path segment they were
    fetched at (the corpus is served at ``/<id>/``)."""
    records = {}
    for line in jsonl.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        records[urlsplit(record["fetched_url"]).path.strip("/").split("/")[0]] = record
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("crawl", type=Path, help="JSON Lines of a crawl of the corpus")
    parser.add_argument("corpus", type=Path, nargs="?", default=Path("fixtures/article-extraction"))
    args = parser.parse_args(argv)
    oracle = load_oracle(args.corpus)
    records = records_by_page(args.crawl)
    for field, figures in score(oracle, records).items():
        print(
            f"{field:<10} {figures['right']:>3}/{figures['checked']:<3} {figures['accuracy']:.3f}"
            f"  wrong: {' '.join(page[:12] for page in figures['wrong'])}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
