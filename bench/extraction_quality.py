"""Extraction quality on the public article-extraction benchmark: our generic profile and
trafilatura (default settings), in the same run, scored with the benchmark's own metric.

    python bench/extraction_quality.py [DATA_DIR]

DATA_DIR holds ``ground-truth.json`` and ``html/<id>.html.gz`` (default: the copy shared
with the team, ``../shared/benchmarks/article-extraction``; the test suite's fixed subset
is ``fixtures/article-extraction``). Prints precision, recall, F1, exact-match accuracy
and the median time per page of each extractor, and the pages where ours loses most.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

from qa.evaluation import (
    BenchmarkPage,
    PageScore,
    Scores,
    aggregate,
    generic_profile_body,
    load_benchmark,
    score_page,
)

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "article-extraction"
BEST_PUBLISHED_F1 = 0.970  # Zyte AutoExtract, 2019 (the benchmark's README)


def trafilatura_default(page: BenchmarkPage) -> str:
    # The benchmark's reference trafilatura figures are with include_comments=False.
    html = page.html.decode("utf-8", "replace")
    return trafilatura.extract(html, url=page.url, include_comments=False) or ""


EXTRACTORS: dict[str, Callable[[BenchmarkPage], str]] = {
    "generic profile": generic_profile_body,
    "trafilatura": trafilatura_default,
}


def evaluate(pages: list[BenchmarkPage]) -> dict[str, tuple[Scores, float, list[PageScore]]]:
    results = {}
    for name, extract in EXTRACTORS.items():
        scores, times = [], []
        for page in pages:
            start = time.perf_counter()
            predicted = extract(page)
            times.append(time.perf_counter() - start)
            scores.append(score_page(page.truth, predicted))
        results[name] = (aggregate(scores), statistics.median(times) * 1000, scores)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data", type=Path, nargs="?", default=DEFAULT_DATA)
    args = parser.parse_args()
    if not (args.data / "ground-truth.json").is_file():
        parser.error(f"no ground-truth.json in {args.data}")
    pages = load_benchmark(args.data)
    results = evaluate(pages)
    print(f"{len(pages)} pages from {args.data}")
    print(
        f"{'extractor':<18} {'precision':>9} {'recall':>7} {'F1':>7} {'accuracy':>8} {'ms/page':>8}"
    )
    for name, (scores, median_ms, _) in results.items():
        print(
            f"{name:<18} {scores.precision:9.3f} {scores.recall:7.3f} {scores.f1:7.3f} "
            f"{scores.accuracy:8.3f} {median_ms:8.2f}"
        )
    ours_f1 = results["generic profile"][0].f1
    print(
        f"F1 ours - trafilatura: {ours_f1 - results['trafilatura'][0].f1:+.4f}; "
        f"distance to the best published F1 ({BEST_PUBLISHED_F1}): {BEST_PUBLISHED_F1 - ours_f1:+.4f}"
    )
    worst = sorted(
        zip((page.page_id for page in pages), results["generic profile"][2], strict=True),
        key=lambda pair: pair[1].tp / max(1, pair[1].tp + pair[1].fp + pair[1].fn),
    )[:5]
    print("pages where ours loses most (tp, fp, fn):")
    for page_id, score in worst:
        print(f"  {page_id[:16]}  {score.tp:5d} {score.fp:5d} {score.fn:5d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
