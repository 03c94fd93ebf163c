"""Drop reasons, coverage outcomes and stats keys: every way a record can be dropped is
counted by the coverage report as what it is (a copy or a deliberate filter is covered, a
broken record is a loss), and every stats key is named once."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from crawler.reporting.ledger import CoverageLedger
from crawler.reporting.outcomes import (
    DROP_OUTCOMES,
    CoverageStatus,
    DropArticle,
    DropReason,
    Outcome,
    OutcomeKind,
)

ROOT = Path(__file__).resolve().parent.parent
URL = "https://eng-archive.aawsat.com/a/b/c/"


@pytest.mark.parametrize("reason", list(DropReason))
def test_every_drop_reason_maps_to_a_coverage_outcome(reason):
    assert reason in DROP_OUTCOMES
    drop = DropArticle(reason, "a message", field="title" if reason.names_field else None)
    # A record that broke the output contract is a loss; any other drop is a copy of an
    # article in the corpus, or one left out on purpose.
    expected = CoverageStatus.MISSING if reason.names_field else CoverageStatus.COVERED
    assert drop.outcome.status is expected
    assert str(drop.outcome) == (
        f"dropped:{reason}_title" if reason.names_field else DROP_OUTCOMES[reason]
    )


@pytest.mark.parametrize("reason", [DropReason.ALREADY_WRITTEN_URL, DropReason.DUPLICATE_URL])
def test_a_listed_article_dropped_as_a_copy_is_covered_not_missing(reason):
    ledger = CoverageLedger()
    ledger.listed(URL, "sitemap")
    ledger.outcome(URL, DropArticle(reason, "already emitted").outcome)
    summary = ledger.summary()
    assert (summary["covered"], summary["missing"], summary["not_in_output"]) == (1, 0, [])


def test_an_emitted_article_stays_covered_when_a_later_copy_fails():
    ledger = CoverageLedger()
    ledger.listed(URL, "listing")
    ledger.outcome(URL, Outcome(OutcomeKind.EMITTED))
    ledger.outcome(URL, Outcome(OutcomeKind.FAILED, "http_500"))
    assert ledger.summary()["covered"] == 1


def test_an_unknown_drop_reason_is_refused():
    with pytest.raises(ValueError, match="'too_long' is not a valid DropReason"):
        DropArticle("too_long", "a message")  # type: ignore[arg-type]


STATS_CALLS = {"inc_value", "set_value", "max_value", "min_value", "get_value", "record"}


def spelled_out_stats_keys(path: Path) -> list[str]:
    """Stats calls in ``path`` whose key is written as a literal, not named in stats_keys."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in STATS_CALLS
            and node.args
        ):
            continue
        key = node.args[0]
        if isinstance(key, ast.JoinedStr) and key.values:
            key = key.values[0]  # f"{stats_keys.FAMILY}{detail}" starts with a name
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and "/" in key.value:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {key.value!r}")
    return found


def test_stats_keys_are_named_in_one_module():
    files = [p for package in ("crawler", "pipelines") for p in (ROOT / package).rglob("*.py")]
    assert [line for path in files for line in spelled_out_stats_keys(path)] == []
