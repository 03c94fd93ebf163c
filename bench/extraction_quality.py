"""Body extraction quality on every corpus with true bodies, ours next to trafilatura in
the same run, scored with the article-extraction benchmark's metric (qa/evaluation.py).

    python -m bench.extraction_quality [--worst N]

- ``fixtures/article-extraction`` (181 real pages): ours *through the crawl*, as users get
  it (``scrapy crawl archive -a urls=LIST`` over the pages served on loopback,
  qa/corpus_crawl.py); ours called directly (a diagnostic: the same profile without
  Scrapy's fetching and decoding); trafilatura with its default settings and with
  ``favor_precision`` (the stronger of the two is the baseline to beat).
- every fixture site's article pages with hand-written ``checks.json`` paragraphs: the
  site's profile (the record its crawl emits, qa/fixtures.py) and trafilatura.

Prints precision, recall, F1 and exact-match accuracy per extractor, the margins that
matter, and the benchmark pages where ours loses most.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import trafilatura

from qa.corpus_crawl import corpus, crawl_corpus
from qa.evaluation import (
    BenchmarkPage,
    Scores,
    aggregate,
    body_scores,
    generic_profile_body,
    load_benchmark,
    score_page,
)
from qa.fixtures import fixture_sites

BEST_PUBLISHED_F1 = 0.970  # Zyte AutoExtract, 2019 (the benchmark's README)


def trafilatura_body(html: str, url: str | None, favor_precision: bool = False) -> str:
    # The benchmark's reference trafilatura figures are with include_comments=False.
    return (
        trafilatura.extract(html, url=url, include_comments=False, favor_precision=favor_precision)
        or ""
    )


TRAFILATURA: dict[str, Callable[[str, str | None], str]] = {
    "trafilatura default": lambda html, url: trafilatura_body(html, url),
    "trafilatura favor_precision": lambda html, url: trafilatura_body(html, url, True),
}


def print_scores(rows: Iterable[tuple[str, Scores]]) -> None:
    print(f"  {'extractor':<34} {'precision':>9} {'recall':>7} {'F1':>7} {'accuracy':>8}")
    for name, scores in rows:
        print(
            f"  {name:<34} {scores.precision:9.4f} {scores.recall:7.4f} {scores.f1:7.4f} "
            f"{scores.accuracy:8.3f}"
        )


def benchmark(worst: int) -> None:
    pages = load_benchmark(corpus("article-extraction").folder)
    truth = {page.page_id: page.truth for page in pages}
    with tempfile.TemporaryDirectory(prefix="extraction-quality-") as workdir:
        records = crawl_corpus(corpus("article-extraction"), Path(workdir)).records
    crawl = body_scores(truth, records)
    rows = [
        ("ours, through scrapy crawl", crawl),
        ("ours, direct call (diagnostic)", scored(pages, generic_profile_body)),
    ]
    for name, extract in TRAFILATURA.items():
        rows.append((name, scored(pages, on_page_text(extract))))
    print(f"article-extraction benchmark, {len(pages)} real pages:")
    print_scores(rows)
    best_baseline = max(scores.f1 for name, scores in rows if name.startswith("trafilatura"))
    print(
        f"  crawl F1 - best trafilatura F1: {crawl.f1 - best_baseline:+.4f}; "
        f"crawl F1 - best published ({BEST_PUBLISHED_F1}): {crawl.f1 - BEST_PUBLISHED_F1:+.4f}"
    )
    if worst:
        print("  pages where ours (crawl) loses most (tp, fp, fn):")
        per_page = {
            page.page_id: score_page(
                page.truth, (records.get(page.page_id) or {}).get("body") or ""
            )
            for page in pages
        }
        ranked = sorted(
            per_page.items(), key=lambda kv: kv[1].tp / max(1, kv[1].tp + kv[1].fp + kv[1].fn)
        )
        for page_id, score in ranked[:worst]:
            print(f"    {page_id[:16]}  {score.tp:5d} {score.fp:5d} {score.fn:5d}")


def on_page_text(extract: Callable[[str, str | None], str]) -> Callable[[BenchmarkPage], str]:
    """``extract`` of a page's HTML, as text, and its URL."""
    return lambda page: extract(page.html.decode("utf-8", "replace"), page.url)


def scored(pages: list[BenchmarkPage], extract: Callable[[BenchmarkPage], str]) -> Scores:
    return aggregate(score_page(page.truth, extract(page)) for page in pages)


def fixture_site_pages() -> None:
    for site in fixture_sites():
        cases = [case for case in site.page_cases() if "paragraphs" in case.checks]
        if not cases:
            continue
        truths = ["\n\n".join(case.checks["paragraphs"]) for case in cases]
        rows = [
            (
                f"ours ({site.profile.name} profile)",
                aggregate(
                    score_page(t, case.record()["body"] or "")
                    for t, case in zip(truths, cases, strict=True)
                ),
            )
        ]
        for name, extract in TRAFILATURA.items():
            responses = [case.response() for case in cases]
            rows.append(
                (
                    name,
                    aggregate(
                        score_page(t, extract(r.text, case.public_url))
                        for t, r, case in zip(truths, responses, cases, strict=True)
                    ),
                )
            )
        print(f"fixture site {site.name}, {len(cases)} article pages with checks.json:")
        print_scores(rows)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--worst", type=int, default=5, help="list the N pages ours loses most")
    args = parser.parse_args()
    benchmark(args.worst)
    fixture_site_pages()
    return 0


if __name__ == "__main__":
    sys.exit(main())
