"""A date for every article that has one anywhere: the dates listings print beside posts.

Some articles show no date on their own page (Divi builder posts on the aawsat archive),
while every category, tag and author listing prints "Mon D, YYYY" beside each post, and
month archives (``/2013/10/``) place each post in a month. The spider notes both in a
:class:`DateLedger` as it reads listings; a record whose page gave no date takes, in
order:

1. ``listing``: the date a listing prints beside the post (day precision);
2. ``month_archive``: the month of a month archive that lists it (``"2013-10"``, month
   precision: the day is unknown).

``published_source`` says where the date came from (``page``, ``listing``,
``month_archive``) and ``published_precision`` how precise it is (``instant``, ``day``,
``month``). A listing can be read after the article was emitted, so the join is done
twice: when the record is made (:class:`pipelines.dates.ListingDatePipeline`), with what
is known then, and once more over the finished output when the crawl ends
(:class:`crawler.runtime.date_join.ListingDateResolution`), with everything the crawl
saw. The ledger only grows and keeps the least value of each kind, so the output is the
same whatever order pages came in. With ``JOBDIR`` every value it gains is also kept on
disk (:class:`crawler.runtime.date_join.DateJournal`), so a resumed crawl knows every
date the runs before it saw.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from itemadapter import ItemAdapter

from crawler.extraction.processors import parse_date
from crawler.shared_values import SharedValues

logger = logging.getLogger(__name__)

PAGE, LISTING, MONTH_ARCHIVE = "page", "listing", "month_archive"


def precision_of(iso: str) -> str:
    """How precise an ISO 8601 date is.

    >>> precision_of("2016-05-21T09:14:00+00:00"), precision_of("2014-06-27"), precision_of("2013-10")
    ('instant', 'day', 'month')
    """
    if "T" in iso:
        return "instant"
    return "day" if len(iso) == len("2014-06-27") else "month"


@dataclass(frozen=True)
class ListedDate:
    """A date for an article from outside its page."""

    published: str
    """ISO 8601: ``"2013-10-18"`` from a listing, ``"2013-10"`` from a month archive."""
    raw: str
    """As shown: the listing's ``"Oct 18, 2013"``, or the month archive's ``"2013/10"``."""
    source: str


class LedgerJournal(Protocol):
    """Where a :class:`DateLedger` keeps what it learns, to be read back by a resumed crawl."""

    def noted(self, key: str, raw_date: str | None, month: tuple[int, int] | None) -> None:
        """The ledger now holds ``raw_date`` and/or ``month`` (None: unchanged) for ``key``."""

    def sync(self) -> None:
        """Everything noted so far is on disk."""


class ListingDates(NamedTuple):
    """The least listing date text and the least month archive known for an article."""

    raw: str | None = None
    month: tuple[int, int] | None = None


UNDATED = ListingDates()
"""What the ledger knows of an article no listing dated."""


class DateLedger:
    """Listing dates and month archives of listed articles, by canonical public URL.

    Raw listing text is kept and parsed only for the records that need it (dateutil is
    slow, and most pages carry their own date). When two listings disagree, the least
    value is kept, whatever the order they were read in. There is an entry per article of
    the archive, so it costs one dict slot: equal values, and equal pairs of them, are one
    object (:attr:`shared`): a 12-year archive has a few thousand distinct days and 150
    months, against tens of thousands of articles.
    """

    def __init__(self) -> None:
        self.dates: dict[str, ListingDates] = {}
        """What listings showed of each article, by key."""
        self.shared = SharedValues()
        """The one copy kept of each listing's date text, month, and pair of them."""
        self.journal: LedgerJournal | None = None
        """Told every value the ledger gains (``JOBDIR``'s copy), when there is one."""

    def __len__(self) -> int:
        return len(self.dates)

    def listed(self, key: str, raw_date: str | None, month: tuple[int, int] | None) -> None:
        """A listing shows the article at ``key``, with ``raw_date`` beside it; ``month``
        is the ``(year, month)`` of the listing when it is a month archive."""
        gained_date, gained_month = self.gain(key, raw_date.strip() if raw_date else None, month)
        if self.journal is not None and (gained_date or gained_month):
            self.journal.noted(key, gained_date, gained_month)

    def gain(
        self, key: str, raw_date: str | None, month: tuple[int, int] | None
    ) -> tuple[str | None, tuple[int, int] | None]:
        """Keep ``raw_date`` and ``month`` for ``key`` where each is less than the one kept
        (or the first); returns those kept (None: not).

        >>> ledger = DateLedger()
        >>> ledger.gain("https://x/a/", "Oct 19, 2013", (2013, 10))
        ('Oct 19, 2013', (2013, 10))
        >>> ledger.gain("https://x/a/", "Oct 18, 2013", (2013, 11)), ledger.dates["https://x/a/"]
        (('Oct 18, 2013', None), ListingDates(raw='Oct 18, 2013', month=(2013, 10)))
        """
        known = self.dates.get(key, UNDATED)
        gained_date = gained_month = None
        if raw_date and (known.raw is None or raw_date < known.raw):
            gained_date = self.shared(raw_date)
        if month is not None and (known.month is None or month < known.month):
            gained_month = self.shared(month)
        if gained_date or gained_month:
            self.dates[key] = self.shared(
                ListingDates(gained_date or known.raw, gained_month or known.month)
            )
        return gained_date, gained_month

    def sync(self) -> None:
        """Every date the ledger holds is on disk (when it has a journal): called before a
        record that may need one is written."""
        if self.journal is not None:
            self.journal.sync()

    def date_for(self, keys: Iterable[str]) -> ListedDate | None:
        """The best date any listing gave for an article known under ``keys``.

        >>> ledger = DateLedger()
        >>> ledger.listed("https://x/a/", None, (2013, 10))
        >>> ledger.date_for(["https://x/a/"])
        ListedDate(published='2013-10', raw='2013/10', source='month_archive')
        >>> ledger.listed("https://x/a/", "Oct 18, 2013", None)
        >>> ledger.date_for(["https://x/old-a/", "https://x/a/"])
        ListedDate(published='2013-10-18', raw='Oct 18, 2013', source='listing')
        """
        known = [self.dates.get(key, UNDATED) for key in keys]
        for dates in known:
            parsed = parse_date(dates.raw) if dates.raw else None
            if dates.raw and parsed:
                return ListedDate(parsed[:10], dates.raw, LISTING)
        for dates in known:
            if dates.month is not None:
                year, month = dates.month
                return ListedDate(
                    f"{year:04d}-{month:02d}", f"{year:04d}/{month:02d}", MONTH_ARCHIVE
                )
        return None


def plausible(iso: str, fetched_at: str | None) -> bool:
    """A listing's date can be the article's: not before 1990, not after the fetch.

    >>> plausible("2013-10-18", "2026-01-01T00:00:00Z"), plausible("2031-01", "2026-01-01T00:00:00Z")
    (True, False)
    >>> plausible("1970-01-01", None)
    False
    """
    return iso >= "1990" and (not fetched_at or iso <= fetched_at[: len(iso)])


def date_record(record: Any, ledger: DateLedger, keys: Iterable[str]) -> str | None:
    """Set ``published_source`` and ``published_precision`` of a record (an item or a dict);
    when its page gave no date, take the ledger's (if :func:`plausible`). Returns the source
    of a date taken from the ledger that the record did not have yet, else None."""
    adapter = ItemAdapter(record)
    if adapter.get("published") and adapter.get("published_source") in (None, PAGE):
        adapter["published_source"] = PAGE
        adapter["published_precision"] = precision_of(adapter["published"])
        return None
    found = ledger.date_for(keys)
    if found is None or not plausible(found.published, adapter.get("fetched_at")):
        return None
    if (adapter.get("published"), adapter.get("published_source")) == (
        found.published,
        found.source,
    ):
        return None
    adapter["published"] = found.published
    adapter["published_raw"] = found.raw
    adapter["published_source"] = found.source
    adapter["published_precision"] = precision_of(found.published)
    return found.source
