"""The pace a site asks for in robots.txt (``Crawl-delay``, ``Request-rate``), kept.

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

:class:`SlotFloorAutoThrottle` is AutoThrottle that never takes a slot under the delay
``DOWNLOAD_SLOTS`` gives it. Scrapy's floors every slot at ``DOWNLOAD_DELAY`` only, so one
fast answer would bring a crawl-delayed host (or the Wayback Machine's 1 s slot) back down
to 0.5 s.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol, Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response
from scrapy.robotstxt import RobotParser

from crawler.reporting import stats_keys

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


class SlotFloorAutoThrottle(AutoThrottle):
    """AutoThrottle, with each slot kept at or above the delay ``DOWNLOAD_SLOTS`` (or
    :class:`RobotsCrawlDelay`) gives it."""

    def _response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        if key is None or slot is None:
            return
        assert self.crawler.engine is not None
        floor = self.crawler.engine.downloader.per_slot_settings.get(key, {}).get("delay")
        if floor is not None and slot.delay < floor:
            slot.delay = floor
