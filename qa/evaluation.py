"""The article-extraction benchmark's metric: 4-word-shingle precision, recall and F1.

Defined in the benchmark's SOURCE.md (``fixtures/article-extraction/SOURCE.md``): tokens
are the matches of ``\\w+``; a text's shingles are the multiset of its consecutive 4-token
tuples (a text of 1-3 tokens is one shingle of all its tokens); per page, true positives
are the shingles both texts share (multiset intersection). Precision is the mean over
pages with any predicted shingle of tp/(tp+fp), recall the mean over pages with any true
shingle of tp/(tp+fn), a page where prediction and truth have no shingle at all counting
1.0 for both; F1 is the harmonic mean of those two means. Accuracy is the share of pages
whose token list equals the truth's.

The scores of a crawl (records keyed by page id, ``qa/corpus_crawl.py``) are small
functions of the records: :func:`body_scores`, :func:`record_share`, :func:`day_outcomes`.
A page without a record counts as an empty body and no date.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.http import HtmlResponse

from crawler.sites.generic import GenericArticlePage

_TOKEN = re.compile(r"\w+")
SHINGLE_SIZE = 4


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def shingles(words: list[str]) -> Counter[tuple[str, ...]]:
    """Multiset of consecutive 4-token tuples.

    >>> sorted(shingles("a b c d e".split()))
    [('a', 'b', 'c', 'd'), ('b', 'c', 'd', 'e')]
    >>> shingles(["a", "b"])
    Counter({('a', 'b'): 1})
    """
    if len(words) < SHINGLE_SIZE:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i : i + SHINGLE_SIZE]) for i in range(len(words) - SHINGLE_SIZE + 1))


@dataclass(frozen=True)
class PageScore:
    tp: int
    fp: int
    fn: int
    exact: bool


def score_page(truth: str, predicted: str) -> PageScore:
    truth_tokens, predicted_tokens = tokens(truth), tokens(predicted)
    truth_shingles, predicted_shingles = shingles(truth_tokens), shingles(predicted_tokens)
    tp = sum((truth_shingles & predicted_shingles).values())
    return PageScore(
        tp=tp,
        fp=sum(predicted_shingles.values()) - tp,
        fn=sum(truth_shingles.values()) - tp,
        exact=truth_tokens == predicted_tokens,
    )


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    accuracy: float
    pages: int


def aggregate(pages: Iterable[PageScore]) -> Scores:
    """Macro-averaged precision and recall over pages, F1 of the two means."""
    scored = list(pages)
    precisions, recalls = [], []
    for page in scored:
        if page.fp == page.fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
            continue
        if page.tp + page.fp:
            precisions.append(page.tp / (page.tp + page.fp))
        if page.tp + page.fn:
            recalls.append(page.tp / (page.tp + page.fn))
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(page.exact for page in scored) / len(scored) if scored else 0.0
    return Scores(precision, recall, f1, accuracy, len(scored))


@dataclass(frozen=True)
class BenchmarkPage:
    page_id: str
    url: str
    html: bytes
    truth: str


def load_benchmark(data: Path) -> list[BenchmarkPage]:
    """Pages of a benchmark folder: ``ground-truth.json`` and ``html/<id>.html.gz``."""
    truth = json.loads((data / "ground-truth.json").read_text())
    return [
        BenchmarkPage(
            page_id,
            entry["url"],
            gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes()),
            entry["articleBody"],
        )
        for page_id, entry in sorted(truth.items())
    ]


def generic_profile_body(page: BenchmarkPage) -> str:
    """The body our generic profile extracts from a benchmark page."""
    response = HtmlResponse(url=page.url, body=page.html, encoding="utf-8")
    return GenericArticlePage(response).to_item().body or ""


def body_scores(truth: Mapping[str, str], records: Mapping[str, dict[str, Any]]) -> Scores:
    """The benchmark's scores of the records' bodies against ``{page id: true body}``."""
    return aggregate(
        score_page(text, (records.get(page_id) or {}).get("body") or "")
        for page_id, text in truth.items()
    )


def record_share(page_ids: Iterable[str], records: Mapping[str, Any]) -> float:
    """Share of the pages that got a record.

    >>> record_share(["a", "b", "c", "d"], {"a": {}, "c": {}})
    0.5
    """
    ids = list(page_ids)
    return sum(page_id in records for page_id in ids) / len(ids) if ids else 0.0


def day_outcome(true_day: str, record: dict[str, Any] | None) -> str:
    """``right`` when the record's publication day is ``true_day``, ``none`` when it has no
    date (or no record), ``wrong`` otherwise; the day is the date as the page gives it.

    >>> day_outcome("2020-01-02", {"published": "2020-01-02T23:30:00-05:00"})
    'right'
    >>> day_outcome("2020-01-02", {"published": None}), day_outcome("2020-01-02", None)
    ('none', 'none')
    >>> day_outcome("2020-01-02", {"published": "2020-01-03T04:30:00Z"})
    'wrong'
    """
    published = (record or {}).get("published")
    if not published:
        return "none"
    return "right" if published[:10] == true_day else "wrong"


def day_outcomes(
    true_days: Mapping[str, str], records: Mapping[str, dict[str, Any]]
) -> Counter[str]:
    """How many pages' publication days are ``right``, ``none`` and ``wrong``."""
    outcomes = Counter({"right": 0, "none": 0, "wrong": 0})
    outcomes.update(day_outcome(day, records.get(page_id)) for page_id, day in true_days.items())
    return outcomes
