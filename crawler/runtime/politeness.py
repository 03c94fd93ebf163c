"""The pace a site asks for, kept: robots.txt's ``Crawl-delay`` and ``Request-rate``, and
the 429s and 503s of a host that finds the crawler too fast.

Scrapy reads robots.txt for its allow and disallow rules only. A site whose robots.txt
says ``Crawl-delay: 10`` would be fetched a request every ``DOWNLOAD_DELAY`` (0.5 s)
all the same, twenty times faster than it asked: the kind of crawl that gets an address
blocked part-way through a 12-year archive.

:class:`RobotsCrawlDelay` reads both lines of the group that applies to
``ROBOTSTXT_USER_AGENT`` as soon as robots.txt is parsed (Scrapy's ``robots_parsed``
signal) and makes the longer of the two the host's download-slot delay: in
``DOWNLOAD_SLOTS``'s settings of the slot (which Scrapy reads when it creates a slot) and
on the live slot. Without jitter: a site's delay is a minimum, and Scrapy's ±50% would go
under it half the time. A delay over ``ARCHIVE_MAX_CRAWL_DELAY`` (60 s, AutoThrottle's
own ceiling) is kept at that maximum, with a WARNING. ``-s ARCHIVE_OBEY_CRAWL_DELAY=False``
ignores both lines; a replay (``REPLAY_SOURCE``) has no site to spare.

:class:`PoliteAutoThrottle` is Scrapy's AutoThrottle with two changes:

- it never takes a slot under the delay ``DOWNLOAD_SLOTS`` gives it. Scrapy's floors every
  slot at ``DOWNLOAD_DELAY`` only, so one fast answer would bring a crawl-delayed host (or
  the Wayback Machine's 1 s slot) back down to 0.5 s;
- it slows a host down when it answers 429 (Too Many Requests) or 503, which Scrapy's does
  not (scrapy/scrapy#3061, #6837): a 429 is a fast answer, so it kept the pace that earned
  it, and each page answered 429 four times over was lost. The host's delay doubles, to at
  least ``ARCHIVE_BACKOFF_DELAY`` (1 s) and at least its ``Retry-After``, at most
  ``AUTOTHROTTLE_MAX_DELAY``; answers to requests sent before that doubling (the others
  already in flight) do not double it again. Without jitter, as a Crawl-delay: each wait is
  the whole delay. The doubled delay is a floor that eases by a
  quarter after every ``ARCHIVE_BACKOFF_EASE_AFTER`` (50) answers without one, so the pace
  settles just under the site's limit instead of swinging back to it at once. Counted as
  ``throttle/backoffs``; ``throttle/max_delay_seconds`` is the slowest pace reached.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Protocol, Self

from scrapy import Request, Spider, signals
from scrapy.core.downloader import Slot
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response
from scrapy.robotstxt import RobotParser

from crawler.reporting import stats_keys
from crawler.runtime.middlewares import retry_after_seconds

logger = logging.getLogger(__name__)


class _RequestRate(Protocol):
    requests: int
    seconds: int


class PaceRules(Protocol):
    """What Protego (Scrapy's default robots.txt parser) and ``urllib.robotparser`` both
    answer about a user agent's group."""

    def crawl_delay(self, useragent: str) -> Any: ...

    def request_rate(self, useragent: str) -> _RequestRate | None: ...


def asked_delay(rules: PaceRules, user_agent: str) -> float | None:
    """Seconds between two requests that the robots.txt group applying to ``user_agent``
    asks for: its ``Crawl-delay``, or the interval of its ``Request-rate`` (requests per
    seconds), whichever is longer; None when it asks for neither.

    >>> from protego import Protego
    >>> asked_delay(Protego.parse("User-agent: *\\nCrawl-delay: 10\\n"), "news-archive-crawler")
    10.0
    >>> asked_delay(Protego.parse("User-agent: *\\nRequest-rate: 1/5\\nCrawl-delay: 2"), "x")
    5.0
    >>> rules = Protego.parse("User-agent: other\\nCrawl-delay: 9\\n\\nUser-agent: *\\nAllow: /")
    >>> asked_delay(rules, "news-archive-crawler") is None
    True
    """
    delays = []
    crawl_delay = rules.crawl_delay(user_agent)
    if crawl_delay:
        delays.append(float(crawl_delay))
    rate = rules.request_rate(user_agent)
    if rate is not None and rate.requests > 0 and rate.seconds > 0:
        delays.append(rate.seconds / rate.requests)
    return max(delays) if delays else None


class RobotsCrawlDelay:
    """Extension: each host's download slot waits at least what its robots.txt asks."""

    def __init__(self, crawler: Crawler, user_agent: str, max_delay: float) -> None:
        self.crawler = crawler
        self.user_agent = user_agent
        self.max_delay = max_delay

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("ROBOTSTXT_OBEY") or not settings.getbool(
            "ARCHIVE_OBEY_CRAWL_DELAY"
        ):
            raise NotConfigured
        if settings.getlist("REPLAY_SOURCE"):
            raise NotConfigured  # answered from an archive: no request reaches the site
        user_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT")
        extension = cls(crawler, user_agent, settings.getfloat("ARCHIVE_MAX_CRAWL_DELAY"))
        crawler.signals.connect(extension.robots_parsed, signal=signals.robots_parsed)
        return extension

    def robots_parsed(self, robotparser: RobotParser, request: Request) -> None:
        rules: Any = getattr(robotparser, "rp", None)  # Protego's, or urllib's parser
        if not (hasattr(rules, "crawl_delay") and hasattr(rules, "request_rate")):
            return
        asked = asked_delay(rules, self.user_agent)
        if asked is None:
            return
        assert self.crawler.engine is not None
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        delay = min(asked, self.max_delay)
        if asked > self.max_delay:
            self.crawler.stats.inc_value(stats_keys.ROBOTSTXT_CRAWL_DELAY_CAPPED)
            logger.warning(
                "robots.txt of %s asks for %g s between requests; waiting "
                "ARCHIVE_MAX_CRAWL_DELAY = %g s instead",
                key,
                asked,
                self.max_delay,
            )
        slot_settings = downloader.per_slot_settings.setdefault(key, {})
        delay = max(delay, float(slot_settings.get("delay", 0.0)))
        slot_settings.update(delay=delay, jitter=0.0)
        slot = downloader.slots.get(key)
        if slot is not None:
            slot.delay, slot.jitter = max(slot.delay, delay), 0.0
        self.crawler.stats.max_value(stats_keys.ROBOTSTXT_CRAWL_DELAY_SECONDS, delay)
        logger.info(
            "robots.txt of %s asks for %g s between requests (Crawl-delay, Request-rate): "
            "one request every %g s to it, at most %d pages an hour",
            key,
            asked,
            delay,
            round(3600 / delay),
        )


THROTTLING_STATUSES = frozenset({429, 503})
"""Answers that say the host is overwhelmed, or that the crawler is too fast for it."""
EASE_FACTOR = 0.75
"""What a backed-off delay is multiplied by after each ``ARCHIVE_BACKOFF_EASE_AFTER`` calm
answers: slower than AutoThrottle's own halving, so the pace does not swing back to the
one that earned the 429."""


class PoliteAutoThrottle(AutoThrottle):
    """AutoThrottle, with each slot kept at or above the delay ``DOWNLOAD_SLOTS`` (or
    :class:`RobotsCrawlDelay`) gives it, and slowed down by a 429 or 503."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self.backoff_delay = settings.getfloat("ARCHIVE_BACKOFF_DELAY")
        self.ease_after = settings.getint("ARCHIVE_BACKOFF_EASE_AFTER")
        self.backed_off: dict[str, BackedOff] = {}
        """The hosts slowed down by a 429 or 503, by download slot."""

    def _response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        if key is None or slot is None:
            return
        if response.status in THROTTLING_STATUSES:
            self._back_off(key, slot, request, response)
        elif key in self.backed_off:
            self._ease(key, slot)
        assert self.crawler.engine is not None
        floor = self.crawler.engine.downloader.per_slot_settings.get(key, {}).get("delay", 0.0)
        if key in self.backed_off:
            floor = max(floor, self.backed_off[key].delay)
        slot.delay = max(slot.delay, floor)

    def _back_off(self, key: str, slot: Slot, request: Request, response: Response) -> None:
        now = time.monotonic()
        sent_at = now - float(request.meta.get("download_latency") or 0.0)
        state = self.backed_off.get(key)
        if state is not None and sent_at < state.since:
            return  # in flight when the host was last slowed down: that answer is heeded
        asked = retry_after_seconds(response.headers.get("Retry-After")) or 0.0
        delay = min(self.maxdelay, max(2 * slot.delay, self.backoff_delay, asked))
        jitter = slot.jitter if state is None else state.jitter
        self.backed_off[key] = BackedOff(delay, now, jitter)
        self.crawler.stats.inc_value(stats_keys.THROTTLE_BACKOFFS)
        self.crawler.stats.max_value(stats_keys.THROTTLE_MAX_DELAY_SECONDS, delay)
        logger.info(
            "%s answered %d: one request every %g s to it (was %g s), easing after %d "
            "answers without a %d",
            key,
            response.status,
            delay,
            slot.delay,
            self.ease_after,
            response.status,
        )
        slot.delay, slot.jitter = delay, 0.0

    def _ease(self, key: str, slot: Slot) -> None:
        state = self.backed_off[key]
        state.calm += 1
        if state.calm < self.ease_after:
            return
        state.delay, state.calm = state.delay * EASE_FACTOR, 0
        if state.delay <= self.mindelay:
            del self.backed_off[key]
            slot.jitter = state.jitter
            logger.info("%s: back to its usual pace", key)


@dataclass
class BackedOff:
    """A host slowed down: the least delay between its requests for now."""

    delay: float
    since: float
    """``time.monotonic()`` when it was last slowed down."""
    jitter: float
    """The slot's jitter before: none meanwhile, so each wait is the whole delay."""
    calm: int = 0
    """Answers since then without a 429 or 503."""
