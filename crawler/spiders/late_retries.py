"""Article and listing pages asked once more at the end of the crawl, when they failed for a
reason that passes.

Scrapy's retries come soon after the failure: each goes back into the queue one priority
lower, behind only the requests already waiting there. An outage longer than that wait (a
site restarting, a CDN hiccup, a rate limit) fails all the attempts of every page asked
during it: each article is lost to the corpus although the site serves it again a minute
later, and each listing page takes with it the older pages it would have led to
(``python -m qa.outage``: the fixture archive with every request answered 503 for 10 s
gives 15 or 16 of its 32 articles without late retries, 32 with them).

Here an article or listing page whose retries all failed the way Scrapy would retry (a
status of ``RETRY_HTTP_CODES``: 5xx, 408, 429; an exception of ``RETRY_EXCEPTIONS``: a
timeout, a refused or lost connection, a body cut short; an empty HTML 200, which
``ContentFaultsMiddleware`` retries as a 503) is held, not counted as failed;
when the crawl has nothing else to do and ``ARCHIVE_LATE_RETRY_DELAY`` seconds (60) have
passed since the last such failure, every held page is asked again, with its retries, for
each of ``ARCHIVE_LATE_RETRY_ROUNDS`` rounds (1). A page that still fails is counted and
logged as it would have been. A 404, a robots.txt refusal, a bot wall or a host given up
as unreachable is not held: asking again would get the same answer. Sitemaps are not held.
The Wayback Machine's CDX queries and captures are (``crawler/spiders/wayback.py``).

Counted: ``late_retry/held`` (pages held, each round), ``late_retry/recovered`` (held
pages then fetched). Off in a distributed crawl, where one worker's idle moment is not the
crawl's end.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.asyncio import CallLaterResult, call_later
from scrapy.utils.misc import load_object
from twisted.python.failure import Failure

from crawler.reporting import stats_keys
from crawler.runtime.middlewares import EmptyBody

logger = logging.getLogger(__name__)

ROUND = "late_retry_round"
"""Request meta: which late round a request is (1 for the first)."""


class LateRetries:
    """The requests held for a late round, and when to ask them again."""

    def __init__(
        self,
        crawler: Crawler,
        rounds: int,
        delay: float,
        statuses: frozenset[int],
        exceptions: tuple[type[BaseException], ...],
    ) -> None:
        self.crawler = crawler
        self.rounds = rounds
        self.delay = delay
        self.statuses = statuses
        self.exceptions = exceptions
        self.held: list[Request] = []
        self.last_failure = 0.0
        """``time.monotonic()`` of the last failure held."""
        self.announced = False
        """Whether the wait for the held requests was logged."""
        self.wakeup: CallLaterResult | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self | None:
        """None when off: no rounds, or a distributed crawl."""
        settings = crawler.settings
        rounds = settings.getint("ARCHIVE_LATE_RETRY_ROUNDS")
        if rounds <= 0 or settings.get("DISTRIBUTED_REDIS_URL"):
            return None
        exceptions = (
            *(
                load_object(name) if isinstance(name, str) else name
                for name in settings.getlist("RETRY_EXCEPTIONS")
            ),
            # An empty HTML 200, retried like a 503 by the crawl's content middleware.
            EmptyBody,
        )
        statuses = frozenset(int(code) for code in settings.getlist("RETRY_HTTP_CODES"))
        return cls(
            crawler, rounds, settings.getfloat("ARCHIVE_LATE_RETRY_DELAY"), statuses, exceptions
        )

    def passes(self, failure: Failure) -> bool:
        """Whether the failure is one Scrapy retries: it may pass with time."""
        if failure.check(HttpError):
            return failure.value.response.status in self.statuses  # type: ignore[union-attr]
        return bool(self.exceptions) and failure.check(*self.exceptions) is not None

    def hold(self, request: Request, failure: Failure, what: str, kind: str) -> bool:
        """Hold ``request`` (for ``what``: "Article page") for the next late round if its
        failure (of ``kind``) may pass and it has a round left; False if it failed for
        good."""
        return self.passes(failure) and self.hold_passing(request, what, kind)

    def hold_passing(self, request: Request, what: str, kind: str) -> bool:
        """Hold ``request``, whose failure (of ``kind``) may pass, for the next late round
        if it has one left; False if it has none."""
        done = request.meta.get(ROUND, 0)
        if done >= self.rounds:
            return False
        meta = {key: value for key, value in request.meta.items() if key != "retry_times"}
        meta[ROUND] = done + 1
        self.held.append(request.replace(dont_filter=True, meta=meta))
        self.last_failure = time.monotonic()
        self.crawler.stats.inc_value(stats_keys.LATE_RETRY_HELD)
        logger.info(
            "%s failed (%s): asked again when the crawl is otherwise done, at least "
            "%g s from now: %s",
            what,
            kind,
            self.delay,
            request.url,
        )
        return True

    def due(self) -> list[Request] | None:
        """The held requests to ask again now; ``[]`` if some are held but not yet due
        (ask again later), None if none is held."""
        if not self.held:
            return None
        if wait := self._wait():
            if not self.announced:  # else a crawl with nothing to do would seem stuck
                self.announced = True
                logger.info(
                    "Nothing else to fetch: waiting %.0f s to ask again %d page(s) that failed "
                    "(ARCHIVE_LATE_RETRY_DELAY)",
                    wait,
                    len(self.held),
                )
            return []
        due, self.held, self.announced = self.held, [], False
        logger.info("Asking again %d page(s) that failed earlier", len(due))
        return due

    def wake_when_due(self, release: Callable[[list[Request]], None]) -> None:
        """Have ``release`` called with the held requests the moment they are due: the
        engine looks at an idle crawl only every 5 s. One wake-up at a time."""
        if self.wakeup is None and self.held:
            self.wakeup = call_later(self._wait(), self._wake, release)

    def _wait(self) -> float:
        """Seconds until the held requests are due (0: they are)."""
        return max(0.0, self.delay - (time.monotonic() - self.last_failure))

    def _wake(self, release: Callable[[list[Request]], None]) -> None:
        self.wakeup = None
        due = self.due()
        if due:  # else a failure held meanwhile: the next idle moment wakes again
            release(due)

    def close(self) -> None:
        """Cancel a pending wake-up (a crawl stopped while it waited)."""
        if self.wakeup is not None:
            self.wakeup.cancel()
            self.wakeup = None

    def fetched(self, meta: dict[str, Any]) -> None:
        """Count a page fetched at last, if its request (``meta``) was held."""
        if ROUND in meta:
            self.crawler.stats.inc_value(stats_keys.LATE_RETRY_RECOVERED)
