"""``-a since=YYYY-MM-DD -a until=YYYY-MM-DD``: the publication dates a crawl wants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from crawler.extraction.processors import parse_date


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"-a {name}={value!r}: expected a date as YYYY-MM-DD") from None


def iso_day(value: str | None) -> date | None:
    """The calendar day of an ISO 8601 date or datetime (or a raw page date), if any.

    >>> iso_day("2016-05-21T09:14:00+00:00"), iso_day("Jun 27, 2014"), iso_day(None)
    (datetime.date(2016, 5, 21), datetime.date(2014, 6, 27), None)
    """
    parsed = parse_date(value) if value else None
    return date.fromisoformat(parsed[:10]) if parsed else None


@dataclass(frozen=True)
class DateRange:
    """Inclusive range of publication days; an open end is ``None``."""

    since: date | None = None
    until: date | None = None

    @classmethod
    def from_args(cls, since: str | None, until: str | None) -> DateRange:
        date_range = cls(_day(since, "since"), _day(until, "until"))
        if date_range.since and date_range.until and date_range.since > date_range.until:
            raise ValueError(f"-a since={since} is after -a until={until}")
        return date_range

    @property
    def is_open(self) -> bool:
        return self.since is None and self.until is None

    def contains(self, day: date) -> bool:
        return (self.since is None or day >= self.since) and (
            self.until is None or day <= self.until
        )

    def overlaps_month(self, year: int, month: int | None) -> bool:
        """Whether a month (or a whole year, ``month=None``) archive can hold wanted posts."""
        first = date(year, month or 1, 1)
        last_month = month or 12
        last = date(year + last_month // 12, last_month % 12 + 1, 1)  # first day after
        return (self.since is None or last > self.since) and (
            self.until is None or first <= self.until
        )

    def admits(self, published: str | None) -> bool:
        """Whether an article published then can be in range: an unknown date can, a month
        (``"2013-10"``) can when any of its days is.

        >>> window = DateRange.from_args("2011-01-01", "2013-12-31")
        >>> [window.admits(d) for d in (None, "2013-10", "2014-01-02", "2010-12-31T23:00:00Z")]
        [True, True, False, False]
        """
        if not published:
            return True
        if len(published) == len("2013-10"):
            year, month = map(int, published.split("-"))
            return self.overlaps_month(year, month)
        day = iso_day(published)
        return day is None or self.contains(day)

    def all_before(self, days: list[date | None]) -> bool:
        """True when every day of a listing page is known and older than ``since``, newest
        first: no newer page follows. Listed oldest first (a site's "from the beginning"
        archive), its next page holds newer posts, which stopping there lost.

        >>> window = DateRange.from_args("2016-01-01", None)
        >>> window.all_before([date(2015, 12, 30), date(2015, 12, 30), date(2015, 6, 1)])
        True
        >>> window.all_before([date(2015, 6, 1), date(2015, 12, 30)])  # oldest first
        False
        >>> window.all_before([date(2015, 6, 1), None]), window.all_before([])
        (False, False)
        """
        known = [day for day in days if day is not None]
        if self.since is None or not days or len(known) < len(days) or known[0] >= self.since:
            return False
        return all(newer >= older for newer, older in pairwise(known))

    def modified_before(self, lastmod: date | None) -> bool:
        """A sitemap entry last modified before ``since`` cannot be a wanted article.

        ``until`` is not applied to ``lastmod``: an article published in range and edited
        later has a later ``lastmod``, and skipping it would lose it silently.
        """
        return self.since is not None and lastmod is not None and lastmod < self.since
