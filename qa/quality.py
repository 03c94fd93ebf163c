"""The quality gate's measurements and its pinned floors (``tests/quality_floors.json``).

Measured:

- per-field accuracy of each fixture site's profile against the hand-written
  ``checks.json`` oracles;
- the real-page corpora (``fixtures/article-extraction``, 181 pages with true bodies;
  ``fixtures/publication-dates``, 200 pages with true publication days) crawled as users
  crawl, ``scrapy crawl archive -a urls=LIST`` (:mod:`qa.corpus_crawl`): the share of
  pages with a record, body F1, the share of publication days right and not wrong
  (right or none; so a wrong date costs more than none), and the per-field accuracy of
  the hand-checked metadata oracle (``oracle_title``..., :mod:`qa.metadata_oracle`).

``python -m qa.pin_quality`` raises floors; lowering one takes ``--allow-regression`` and a
reason in the commit. The direct call of the generic profile on the same pages
(``bench/extraction_quality.py``) is a diagnostic, not gated.
"""

from __future__ import annotations

import json
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from qa.corpus_crawl import CORPORA, CorpusCrawl, corpus, crawl_corpus
from qa.evaluation import body_scores, day_outcomes, record_share
from qa.fixtures import FIXTURES, PageCase, fixture_sites
from qa.metadata_oracle import ORACLE_FILE, load_oracle, score

FLOORS_FILE = FIXTURES.parent / "tests" / "quality_floors.json"
QUALITY_FIELDS = ("title", "authors", "published", "section", "media_id", "images", "body")


def expected_value(case: PageCase, field: str) -> Any:
    if field == "body":
        return "\n\n".join(case.checks["paragraphs"])
    return case.checks[field]


def field_accuracy(cases: list[PageCase]) -> dict[str, float]:
    """Share of pages whose field equals the hand-written oracle, per field."""
    records = [case.record() for case in cases]
    return {
        field: round(
            sum(r[field] == expected_value(c, field) for r, c in zip(records, cases, strict=True))
            / len(cases),
            4,
        )
        for field in QUALITY_FIELDS
    }


def crawl_corpora(workdir: Path) -> dict[str, CorpusCrawl]:
    """Crawl every real-page corpus, each in its own ``scrapy crawl`` (run side by side)."""
    with ThreadPoolExecutor(max_workers=len(CORPORA)) as pool:
        futures = {
            name: pool.submit(crawl_corpus, corpus(name), workdir / name) for name in CORPORA
        }
        return {name: future.result() for name, future in futures.items()}


def real_page_metrics(crawl: CorpusCrawl) -> dict[str, float]:
    """What a crawl of a real-page corpus is scored on, by what its truth annotates."""
    truth, records = crawl.corpus.truth, crawl.records
    metrics = {"record_share": round(record_share(truth, records), 4)}
    bodies = {
        page_id: entry["articleBody"] for page_id, entry in truth.items() if "articleBody" in entry
    }
    if bodies:
        metrics["body_f1"] = round(body_scores(bodies, records).f1, 4)
    days = {page_id: entry["date"] for page_id, entry in truth.items() if "date" in entry}
    if days:
        outcomes = day_outcomes(days, records)
        metrics["days_right"] = round(outcomes["right"] / len(days), 4)
        metrics["days_not_wrong"] = round(1 - outcomes["wrong"] / len(days), 4)
    if (crawl.corpus.folder / ORACLE_FILE).is_file():
        oracle = score(load_oracle(crawl.corpus.folder), records)
        metrics.update(
            {f"oracle_{field}": figures["accuracy"] for field, figures in oracle.items()}
        )
    return metrics


def measure(crawls: dict[str, CorpusCrawl] | None = None) -> dict[str, Any]:
    """Every metric of the gate; ``crawls`` are crawled now when not given."""
    if crawls is None:
        with tempfile.TemporaryDirectory(prefix="quality-") as workdir:
            crawls = crawl_corpora(Path(workdir))
    return {
        "real_pages": {name: real_page_metrics(crawl) for name, crawl in crawls.items()},
        "field_accuracy": {
            site.name: field_accuracy(site.page_cases())
            for site in fixture_sites()
            if site.page_cases()
        },
    }


def flatten(metrics: dict[str, Any], prefix: str = "") -> dict[str, float]:
    """``{"field_accuracy/aawsat/title": 1.0, ...}``: one key per floor."""
    flat: dict[str, float] = {}
    for key, value in metrics.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}/"))
        else:
            flat[name] = value
    return flat


def load_floors(path: Path = FLOORS_FILE) -> dict[str, float]:
    return json.loads(path.read_text())


def regressions(
    current: dict[str, float], floors: dict[str, float]
) -> dict[str, tuple[float, float]]:
    """``{name: (floor, current)}`` for every metric below its floor (or no longer measured)."""
    return {
        name: (floor, current.get(name, 0.0))
        for name, floor in floors.items()
        if current.get(name, 0.0) < floor
    }
