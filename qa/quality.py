"""The quality gate's measurements and its pinned floors (``tests/quality_floors.json``).

Measured: per-field accuracy of each fixture site's profile against the hand-written
``checks.json`` oracles, and the generic profile's F1 on the fixed benchmark subset
(``fixtures/article-extraction``). ``qa/pin_quality.py`` raises floors; lowering one
takes ``--allow-regression`` and a reason in the commit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qa.evaluation import aggregate, generic_profile_body, load_benchmark, score_page
from qa.fixtures import FIXTURES, PageCase, fixture_sites

FLOORS_FILE = FIXTURES.parent / "tests" / "quality_floors.json"
BENCHMARK_SUBSET = FIXTURES / "article-extraction"
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


def measure() -> dict[str, Any]:
    pages = load_benchmark(BENCHMARK_SUBSET)
    scores = aggregate(score_page(page.truth, generic_profile_body(page)) for page in pages)
    return {
        "generic_f1_on_benchmark_subset": round(scores.f1, 4),
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
