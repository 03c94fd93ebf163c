"""The vocabulary of what becomes of an article: why a pipeline drops a record
(:class:`DropReason`, raised as :class:`DropArticle`), and what the coverage ledger records
for a listed article (:class:`Outcome`, and the :class:`CoverageStatus` it counts under)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from scrapy.exceptions import DropItem


class OutcomeKind(StrEnum):
    """What became of a listed article."""

    EMITTED = "emitted"
    DUPLICATE = "duplicate"
    """A copy of an article emitted in this run (same URL or text)."""
    KNOWN = "known"
    """The incremental state has it: not fetched again."""
    UNCHANGED = "unchanged"
    """Fetched again; its text is what the incremental state has."""
    NOT_MODIFIED = "not_modified"
    """A conditional re-check answered ``304 Not Modified``."""
    OUT_OF_DATE_RANGE = "out_of_date_range"
    ALREADY_WRITTEN = "already_written"
    """In the output a resumed crawl appends to."""
    DROPPED = "dropped"
    """A record no pipeline let through (the detail says why): a loss."""
    FAILED = "failed"
    """The page could not be fetched (the detail says how)."""
    NOT_ARTICLE = "not_article"
    """The page is not an article (the detail says what it is)."""
    BLOCKED = "blocked"
    """A bot wall answered instead of the page (the detail names the vendor,
    ``crawler/runtime/bot_walls.py``): the article exists, this crawl was not shown it."""


COVERED_KINDS = frozenset(
    {
        OutcomeKind.EMITTED,
        OutcomeKind.DUPLICATE,
        OutcomeKind.KNOWN,
        OutcomeKind.UNCHANGED,
        OutcomeKind.NOT_MODIFIED,
        OutcomeKind.OUT_OF_DATE_RANGE,
        OutcomeKind.ALREADY_WRITTEN,
    }
)
"""Outcomes of an article that is in the corpus (this run's output or an earlier one's),
or left out on purpose."""
UNAVAILABLE_DETAILS = frozenset(
    {
        "http_404",
        "http_410",
        "robots_forbidden",
        "not_found",
        "placeholder_text",
        "error_page",
        "home_page",
    }
)
"""The site itself no longer has the page (a 404 or 410, or its "page not found" template
served with a 200: ``error_page``, the generic profile's), robots.txt forbids it, or the
site serves filler in its place (a paywall's *lorem ipsum*: ``placeholder_text``, the
generic profile's); a page behind a bot wall, :attr:`OutcomeKind.BLOCKED`, is unavailable
too."""
NOT_ARTICLE_DETAILS = frozenset({"wp_page", "listing", "attachment", "later_page"})
"""Pages a sitemap or URL list names that turn out not to be articles at all, or not on
their own (``later_page``: a later page of an article split in pages, in its first
page's record)."""


class CoverageStatus(StrEnum):
    """How the coverage report counts an outcome (``crawler/reporting/ledger.py``)."""

    COVERED = "covered"
    UNAVAILABLE = "unavailable"
    NOT_ARTICLE = "not_article"
    MISSING = "missing"


@dataclass(frozen=True)
class Outcome:
    """One outcome: its kind, and for a drop, failure or non-article, the detail.

    >>> str(Outcome(OutcomeKind.FAILED, "http_404")), str(Outcome(OutcomeKind.EMITTED))
    ('failed:http_404', 'emitted')
    >>> Outcome(OutcomeKind.FAILED, "http_404").status, Outcome(OutcomeKind.KNOWN).status
    (<CoverageStatus.UNAVAILABLE: 'unavailable'>, <CoverageStatus.COVERED: 'covered'>)
    >>> Outcome(OutcomeKind.BLOCKED, "cloudflare").status
    <CoverageStatus.UNAVAILABLE: 'unavailable'>
    >>> Outcome(OutcomeKind.NOT_ARTICLE, "placeholder_text").status
    <CoverageStatus.UNAVAILABLE: 'unavailable'>
    """

    kind: OutcomeKind
    detail: str = ""

    def __str__(self) -> str:
        """As the coverage report writes it: ``kind`` or ``kind:detail``."""
        return f"{self.kind.value}:{self.detail}" if self.detail else self.kind.value

    @property
    def covered(self) -> bool:
        return self.kind in COVERED_KINDS

    @property
    def status(self) -> CoverageStatus:
        if self.covered:
            return CoverageStatus.COVERED
        if self.detail in UNAVAILABLE_DETAILS or self.kind is OutcomeKind.BLOCKED:
            return CoverageStatus.UNAVAILABLE
        if self.detail in NOT_ARTICLE_DETAILS:
            return CoverageStatus.NOT_ARTICLE
        return CoverageStatus.MISSING


class DropReason(StrEnum):
    """Why a pipeline drops a record. The reasons about one field (:attr:`names_field`) are
    followed by it in stats and logs: ``missing_title``, ``empty_body``."""

    MISSING = "missing"
    EMPTY = "empty"
    INVALID = "invalid"
    NOT_NFC = "not_nfc"
    OUT_OF_DATE_RANGE = "out_of_date_range"
    DUPLICATE_URL = "duplicate_url"
    DUPLICATE_CONTENT = "duplicate_content"
    ALREADY_WRITTEN_URL = "already_written_url"
    ALREADY_WRITTEN_CONTENT = "already_written_content"
    UNCHANGED = "unchanged"

    @property
    def names_field(self) -> bool:
        """Whether the record broke the output contract in one field (a loss)."""
        return self in FIELD_REASONS

    def about(self, field: str | None) -> str:
        """The reason as counted and logged.

        >>> DropReason.MISSING.about("title"), DropReason.UNCHANGED.about(None)
        ('missing_title', 'unchanged')
        """
        return f"{self.value}_{field}" if field else self.value


FIELD_REASONS = frozenset(
    {DropReason.MISSING, DropReason.EMPTY, DropReason.INVALID, DropReason.NOT_NFC}
)
DROP_OUTCOMES: dict[DropReason, OutcomeKind] = {
    DropReason.MISSING: OutcomeKind.DROPPED,
    DropReason.EMPTY: OutcomeKind.DROPPED,
    DropReason.INVALID: OutcomeKind.DROPPED,
    DropReason.NOT_NFC: OutcomeKind.DROPPED,
    DropReason.OUT_OF_DATE_RANGE: OutcomeKind.OUT_OF_DATE_RANGE,
    DropReason.DUPLICATE_URL: OutcomeKind.DUPLICATE,
    DropReason.DUPLICATE_CONTENT: OutcomeKind.DUPLICATE,
    DropReason.ALREADY_WRITTEN_URL: OutcomeKind.ALREADY_WRITTEN,
    DropReason.ALREADY_WRITTEN_CONTENT: OutcomeKind.ALREADY_WRITTEN,
    DropReason.UNCHANGED: OutcomeKind.UNCHANGED,
}
"""The coverage outcome of a dropped record: a copy of an article emitted now or before,
or one left out on purpose, is covered; a record that broke the contract is a loss."""


class DropArticle(DropItem):
    """``DropItem`` that names its reason (``missing_title``, ``duplicate_url`` ...) so the
    run report and the coverage report can count it without parsing messages.

    >>> drop = DropArticle(DropReason.EMPTY, "https://x/a/: body is empty", field="body")
    >>> drop.reason, str(drop), str(drop.outcome)
    ('empty_body', 'empty_body: https://x/a/: body is empty', 'dropped:empty_body')
    >>> str(DropArticle(DropReason.ALREADY_WRITTEN_URL, "in the output").outcome)
    'already_written'
    """

    def __init__(
        self,
        kind: DropReason,
        message: str,
        log_level: str | None = None,
        field: str | None = None,
    ) -> None:
        self.kind = DropReason(kind)
        self.reason = self.kind.about(field)
        """The reason as counted (``articles/dropped/<reason>``) and logged."""
        super().__init__(f"{self.reason}: {message}", log_level=log_level)

    @property
    def outcome(self) -> Outcome:
        """What the coverage ledger records for the dropped record's page."""
        kind = DROP_OUTCOMES[self.kind]
        return Outcome(kind, self.reason) if kind is OutcomeKind.DROPPED else Outcome(kind)
