"""Drop reasons and coverage outcomes: every way a record can be dropped is counted by the
coverage report as what it is (a copy or a deliberate filter is covered, a broken record is
a loss)."""

from __future__ import annotations

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
