"""How complete is the corpus? A ledger of every article a listing or sitemap showed, and
what became of it: emitted, dropped (why), failed (how), or never reached.

The spider records what it discovers and what it could not extract; the coverage
extension (``crawler/reporting/coverage_report.py``) records emitted and dropped items and writes the
report. An article is *covered* when a
record for it was emitted in this run or an earlier one (incremental state, or the
output file a resumed crawl appends to), or it was
filtered out on purpose (date range); *unavailable* when the site itself no longer has
it (404/410, a "not found" page), robots.txt forbids it, or the site answered with a bot
wall (``blocked:<vendor>``: a challenge or block page, ``crawler/runtime/bot_walls.py``;
the article is there, to be fetched again); a *not article* when the
listed page is a WordPress page, a listing or an attachment; everything else is
*missing*. Coverage is ``covered / (covered + missing)``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from functools import lru_cache
from typing import Any, NamedTuple

from crawler.discovery.daterange import iso_day
from crawler.reporting.outcomes import CoverageStatus, Outcome
from crawler.shared_values import SharedValues

UNKNOWN = "unknown"
NOT_REACHED = "not_reached"
"""The outcome shown for a listed article the crawl never reached."""


class LedgerEntry(NamedTuple):
    """What the ledger knows of one listed article. There is one per article of the
    archive (tens of thousands), and few distinct ones: the articles of a section and
    month, listed by the same sources and with the same outcome, share one entry
    (:attr:`CoverageLedger.shared`), so an article costs the ledger its dict slot only.
    The article's URL is its key in :attr:`CoverageLedger.entries`."""

    sources: frozenset[str] = frozenset()
    section: str | None = None
    month: str | None = None
    outcome: Outcome | None = None
    """None when the crawl never reached the page."""

    @property
    def status(self) -> CoverageStatus:
        return self.outcome.status if self.outcome is not None else CoverageStatus.MISSING

    @property
    def outcome_text(self) -> str:
        return str(self.outcome) if self.outcome is not None else NOT_REACHED


UNLISTED = LedgerEntry()
"""The entry of an article the ledger has not heard of."""


@lru_cache(maxsize=1024)
def month_of(value: str | None) -> str | None:
    """The ``YYYY-MM`` of a date; cached: each article's date comes here several times
    (every listing that shows it, its own record, both of the record's URLs).

    >>> month_of("2016-05-21T09:14:00+00:00"), month_of("2007-05"), month_of(None)
    ('2016-05', '2007-05', None)
    """
    if value and len(value) == len("2007-05") and value[4] == "-":
        return value  # only the month is known (a month archive's date)
    day = iso_day(value)
    return f"{day:%Y-%m}" if day else None


class CoverageLedger:
    """Listed articles by canonical public URL, with their outcome."""

    def __init__(self) -> None:
        self.entries: dict[str, LedgerEntry] = {}
        """Each article's entry, by its canonical public URL."""
        self.aliases: dict[str, str] = {}
        self.followers: dict[str, list[str]] = {}
        """Listed articles that redirect to a page fetched on its own (a listed one's, or
        the URL the crawl fetched it by), by that page: its outcome is theirs."""
        self.shared = SharedValues()
        """The one copy of an equal value kept (an entry, its sources, section, month and
        outcome): a few thousand distinct entries stand for all the articles'."""

    def alias(self, url: str, listed_url: str) -> None:
        """Outcomes for ``url`` (a redirect's target) belong to ``listed_url``."""
        if url != listed_url:
            self.aliases[url] = listed_url

    def follows(self, url: str, target: str) -> None:
        """``url`` redirects to ``target``, a page the crawl fetches (or fetched) by its
        own address: ``target``'s outcome, known now or later, is ``url``'s too. An
        article moved to a new address that the site's newer lists name (a sitemap) and
        its older ones the old: the redirect is dropped as a duplicate, and the old
        address was "never reached".

        >>> from crawler.reporting.outcomes import OutcomeKind
        >>> ledger = CoverageLedger()
        >>> ledger.listed("https://x/old/", "listing"); ledger.listed("https://x/new/", "sitemap")
        >>> ledger.outcome("https://x/new/", Outcome(OutcomeKind.EMITTED))
        >>> ledger.follows("https://x/old/", "https://x/new/")
        >>> ledger.entries["https://x/old/"].outcome_text
        'emitted'
        """
        if url == target:
            return
        self.followers.setdefault(target, []).append(url)
        known = self.entries.get(self.aliases.get(target, target))
        if known is not None and known.outcome is not None:
            self._record(url, known.outcome)

    def listed(
        self, url: str, source: str, section: str | None = None, published: str | None = None
    ) -> None:
        entry = self.entries.get(url, UNLISTED)
        sources = entry.sources if source in entry.sources else entry.sources | {source}
        self.entries[url] = self.shared(
            LedgerEntry(
                self.shared(sources),
                entry.section or self.shared(section),
                entry.month or self.shared(month_of(published)),
                entry.outcome,
            )
        )

    def outcome(
        self, url: str, outcome: Outcome, section: str | None = None, published: str | None = None
    ) -> None:
        """Record what happened to ``url`` (and to the articles that redirect to it,
        :meth:`follows`); an article's own section and date win."""
        self._record(url, outcome, section, published)
        for follower in self.followers.get(url, ()):
            self._record(follower, outcome)

    def _record(
        self, url: str, outcome: Outcome, section: str | None = None, published: str | None = None
    ) -> None:
        # Kept for every URL: a page is often fetched (from a link) before a listing shows it.
        url = self.aliases.get(url, url)
        entry = self.entries.get(url, UNLISTED)
        if entry.outcome is not None and entry.outcome.covered and not outcome.covered:
            return  # a later duplicate fetch does not undo an emitted article
        self.entries[url] = self.shared(
            LedgerEntry(
                entry.sources,
                self.shared(section) or entry.section,
                self.shared(month_of(published)) or entry.month,
                self.shared(outcome),
            )
        )

    def progress(self) -> tuple[int, int]:
        """How many articles are listed, and how many of those have an outcome yet."""
        listed = settled = 0
        for entry in self.entries.values():
            if entry.sources:
                listed += 1
                settled += entry.outcome is not None
        return listed, settled

    def summary(self, site_of: Callable[[str], str] | None = None) -> dict[str, Any]:
        """Counts over the *listed* articles (seen on a listing, sitemap, URL list or CDX);
        with ``site_of`` (a URL's site name), also per site, under ``"sites"``. Counted
        over the distinct entries (a few thousand), with no list of the articles."""
        listed = Counter(entry for entry in self.entries.values() if entry.sources)
        by_site = site_counts(self.entries, site_of) if site_of else None
        rows: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        statuses: Counter[CoverageStatus] = Counter()
        for entry, count in listed.items():
            counts = rows[(entry.section or UNKNOWN, entry.month or UNKNOWN)]
            counts["listed"] += count
            counts[entry.status.value] += count
            counts[f"outcome/{entry.outcome_text}"] += count
            statuses[entry.status] += count
        not_in_output = sorted(
            (url, entry)
            for url, entry in self.entries.items()
            if entry.sources and entry.status is not CoverageStatus.COVERED
        )
        return {
            **status_counts(statuses, listed.total()),
            **({"sites": by_site} if by_site is not None else {}),
            "rows": [
                {"section": section, "month": month, **dict(sorted(counts.items()))}
                for (section, month), counts in sorted(rows.items())
            ],
            "not_in_output": [
                {
                    "url": url,
                    "status": e.status.value,
                    "outcome": e.outcome_text,
                    "section": e.section,
                    "month": e.month,
                    "sources": sorted(e.sources),
                    **({"site": site_of(url)} if site_of else {}),
                }
                for url, e in not_in_output
            ],
        }


def status_counts(statuses: Counter[CoverageStatus], listed: int) -> dict[str, Any]:
    covered, missing = statuses[CoverageStatus.COVERED], statuses[CoverageStatus.MISSING]
    measured = covered + missing
    return {
        "listed": listed,
        "covered": covered,
        "unavailable": statuses[CoverageStatus.UNAVAILABLE],
        "missing": missing,
        "not_articles": statuses[CoverageStatus.NOT_ARTICLE],
        "coverage": round(covered / measured, 4) if measured else 1.0,
    }


def site_counts(
    entries: dict[str, LedgerEntry], site_of: Callable[[str], str]
) -> list[dict[str, Any]]:
    """The summary's counts per site of the listed articles, by site name."""
    statuses: dict[str, Counter[CoverageStatus]] = defaultdict(Counter)
    for url, entry in entries.items():
        if entry.sources:
            statuses[site_of(url)][entry.status] += 1
    return [
        {"site": site, **status_counts(counts, counts.total())}
        for site, counts in sorted(statuses.items())
    ]
