"""A site's robots.txt ``Crawl-delay`` is the least time between two of its requests,
AutoThrottle included (crawler/runtime/politeness.py)."""

from __future__ import annotations

import itertools
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import SimpleNamespace

from scrapy import Request, Spider
from scrapy.core.downloader import Slot
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler.reporting import stats_keys
from crawler.runtime import politeness
from crawler.runtime.politeness import PoliteAutoThrottle
from qa.fixtures import FIXTURES, CrawlResult, run_crawl
from tests.fault_server import Fault, FaultServer, send, serve, status

MIRROR = FIXTURES / "aawsat" / "site"
PUBLIC = "https://eng-archive.aawsat.com"
ARTICLES = [
    "/diana-moukalled/opinion/when-the-rubbish-piles-up/",
    "/omar-nasser/world/finance-ministers-gather-in-shanghai-as-markets-wobble/",
    "/theaawsat/world/davos-panel-weighs-the-future-of-global-trade/",
]


def crawl_with_robots(
    tmp_path: Path, robots: str, *settings: str, faults: dict[str, Fault] | None = None
) -> tuple[CrawlResult, FaultServer]:
    """The three articles by URL list, from a server whose robots.txt is ``robots`` (and
    with ``faults``), with AutoThrottle on and no DOWNLOAD_DELAY: any wait comes from
    robots.txt or the throttle."""
    url_list = tmp_path / "urls.txt"
    url_list.write_text("".join(f"{PUBLIC}{path}\n" for path in ARTICLES))
    robots_txt = serve(robots.encode(), {"Content-Type": "text/plain"})
    server = FaultServer(MIRROR, {"/robots.txt": robots_txt, **(faults or {})})
    with server.running():
        result = run_crawl(
            "aawsat",
            server.base_url,
            tmp_path,
            *("-a", f"urls={url_list}", "-s", "AUTOTHROTTLE_ENABLED=True"),
            *("-s", "AUTOTHROTTLE_START_DELAY=0"),
            *settings,
        )
    assert result.returncode == 0, result.log[-4000:]
    return result, server


def gaps(server: FaultServer) -> list[float]:
    """Seconds between the arrivals of consecutive requests after robots.txt."""
    times = [request.at for request in server.requests if request.path != "/robots.txt"]
    return [later - earlier for earlier, later in itertools.pairwise(times)]


def test_requests_are_as_far_apart_as_the_crawl_delay_asks(tmp_path):
    robots = "User-agent: *\nCrawl-delay: 0.6\nDisallow: /wp-admin/\n"
    result, server = crawl_with_robots(tmp_path, robots)
    assert sorted(r.path for r in server.requests if r.path in ARTICLES) == sorted(ARTICLES)
    # Scrapy's ±50% jitter, or AutoThrottle after a fast answer, would go under 0.6 s; the
    # server sees a request a little after the crawler sends it, so allow 50 ms of that.
    assert len(gaps(server)) >= len(ARTICLES) - 1
    assert min(gaps(server)) >= 0.55, gaps(server)
    assert result.report["stats"][stats_keys.ROBOTSTXT_CRAWL_DELAY_SECONDS] == 0.6
    host = server.base_url.split("//")[1].split(":")[0]
    assert (
        f"robots.txt of {host} asks for 0.6 s between requests (Crawl-delay, Request-rate): "
        "one request every 0.6 s to it, at most 6000 pages an hour"
    ) in result.log
    assert len(result.output.splitlines()) == len(ARTICLES)


def test_a_crawl_delay_over_the_maximum_is_capped_and_said(tmp_path):
    robots = "User-agent: news-archive-crawler\nRequest-rate: 1/30\n"
    result, server = crawl_with_robots(tmp_path, robots, "-s", "ARCHIVE_MAX_CRAWL_DELAY=0.6")
    assert min(gaps(server)) >= 0.55, gaps(server)
    stats = result.report["stats"]
    assert stats[stats_keys.ROBOTSTXT_CRAWL_DELAY_SECONDS] == 0.6
    assert stats[stats_keys.ROBOTSTXT_CRAWL_DELAY_CAPPED] == 1
    assert "asks for 30 s between requests; waiting ARCHIVE_MAX_CRAWL_DELAY = 0.6 s" in result.log


def test_obeying_the_crawl_delay_can_be_turned_off(tmp_path):
    robots = "User-agent: *\nCrawl-delay: 5\n"
    result, server = crawl_with_robots(tmp_path, robots, "-s", "ARCHIVE_OBEY_CRAWL_DELAY=False")
    assert max(gaps(server)) < 5
    assert stats_keys.ROBOTSTXT_CRAWL_DELAY_SECONDS not in result.report["stats"]
    assert len(result.output.splitlines()) == len(ARTICLES)


THROTTLE_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": True,
    "DOWNLOAD_DELAY": 0.5,
    "ARCHIVE_BACKOFF_DELAY": 1.0,
    "ARCHIVE_BACKOFF_EASE_AFTER": 4,
}


def throttle_of(slots: dict[str, Slot], per_slot_settings: dict) -> PoliteAutoThrottle:
    """A throttle with the settings above, over a downloader holding ``slots``."""
    crawler = get_crawler(settings_dict=THROTTLE_SETTINGS)
    downloader = SimpleNamespace(per_slot_settings=per_slot_settings, slots=slots)
    crawler.engine = SimpleNamespace(downloader=downloader)  # type: ignore[assignment]
    throttle = PoliteAutoThrottle(crawler)
    throttle.mindelay, throttle.maxdelay = 0.5, 60.0
    return throttle


def answer(
    throttle: PoliteAutoThrottle, status: int, latency: float = 0.01, **headers: str
) -> None:
    """The throttle sees an answer of ``status`` from the slot ``site``."""
    request = Request(
        "https://site.test/x", meta={"download_slot": "site", "download_latency": latency}
    )
    response = Response(request.url, status=status, headers=headers, request=request)
    throttle._response_downloaded(response, request, Spider("t"))


def test_autothrottle_keeps_a_slot_at_its_download_slots_delay():
    """The Wayback Machine's slot is 1 s apart (DOWNLOAD_SLOTS); Scrapy's AutoThrottle
    would take it down to DOWNLOAD_DELAY after one fast answer."""
    slot = Slot(2, 1.0, 0.0)
    throttle = throttle_of({"site": slot}, {"site": {"delay": 1.0}})
    answer(throttle, 200)
    assert slot.delay == 1.0


def test_a_429_doubles_the_delay_once_and_calm_answers_ease_it_back(monkeypatch):
    clock = itertools.count(start=100.0, step=0.1)  # each answer 0.1 s after the last
    monkeypatch.setattr(politeness.time, "monotonic", lambda: next(clock))
    slot = Slot(4, 0.5, 0.5)
    throttle = throttle_of({"site": slot}, {})
    answer(throttle, 429)
    assert (slot.delay, slot.jitter) == (1.0, 0.0)  # at least ARCHIVE_BACKOFF_DELAY, exactly
    answer(throttle, 429, latency=0.5)  # sent before the slow-down: already heeded
    assert slot.delay == 1.0
    answer(throttle, 503)
    assert slot.delay == 2.0
    answer(throttle, 429, **{"Retry-After": "30"})
    assert slot.delay == 30.0
    for _ in range(3):
        answer(throttle, 200)
    assert slot.delay == 30.0  # a fast answer does not undo it
    answer(throttle, 200)  # the 4th calm answer: a quarter less
    assert slot.delay == 22.5
    for _ in range(4 * 20):
        answer(throttle, 200)
    assert "site" not in throttle.backed_off
    assert slot.delay < 1.0  # AutoThrottle's own pace again, and its jitter
    assert slot.jitter == 0.5
    stats = throttle.crawler.stats
    assert stats.get_value(stats_keys.THROTTLE_BACKOFFS) == 3
    assert stats.get_value(stats_keys.THROTTLE_MAX_DELAY_SECONDS) == 30.0


def test_a_host_answering_429_is_slowed_down_and_nothing_is_lost(tmp_path):
    """Scrapy's AutoThrottle kept the pace a 429 answered (a fast answer); here the next
    request to the host waits ARCHIVE_BACKOFF_DELAY, and the page is fetched again."""
    result, server = crawl_with_robots(
        tmp_path,
        "User-agent: *\nDisallow: /wp-admin/\n",
        *("-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"),
        faults={ARTICLES[0]: status(429, times=1)},
    )
    arrivals = [r for r in server.requests if r.path != "/robots.txt"]
    first_429 = next(i for i, r in enumerate(arrivals) if r.path == ARTICLES[0])
    assert arrivals[first_429 + 1].at - arrivals[first_429].at >= 0.95
    assert len(result.output.splitlines()) == len(ARTICLES)
    assert result.report["stats"][stats_keys.THROTTLE_BACKOFFS] == 1
    host = server.base_url.split("//")[1].split(":")[0]
    assert f"{host} answered 429: one request every 1 s to it" in result.log


def test_robots_txt_older_than_its_max_age_is_read_again_and_obeyed(tmp_path):
    """RFC 9309 2.4: rules kept for at most 24 hours (here 1 s). The site disallows the
    last article after the crawl began; the crawl reads robots.txt again and obeys."""
    first = "User-agent: *\nCrawl-delay: 0.6\n"
    later = first + f"Disallow: {ARTICLES[-1]}\n"

    def robots(handler: BaseHTTPRequestHandler, attempt: int) -> bool:
        body = (first if attempt == 1 else later).encode()
        send(handler, 200, body, {"Content-Type": "text/plain"})
        return True

    result, server = crawl_with_robots(
        tmp_path,
        first,
        *("-s", "ARCHIVE_ROBOTSTXT_MAX_AGE=1", "-s", "CONCURRENT_REQUESTS=1"),
        faults={"/robots.txt": robots},
    )
    paths = server.paths()
    assert paths.count("/robots.txt") >= 2
    assert ARTICLES[-1] not in paths
    stats = result.report["stats"]
    assert stats[stats_keys.ROBOTSTXT_REFRESHED] >= 1
    assert stats[stats_keys.ROBOTSTXT_FORBIDDEN] == 1
    assert len(result.output.splitlines()) == len(ARTICLES) - 1
    assert "(ARCHIVE_ROBOTSTXT_MAX_AGE): reading it again" in result.log


def test_requests_waiting_together_for_robots_txt_each_get_its_rules(tmp_path):
    """A URL list's first requests to a site all wait for its robots.txt; each is then
    checked against the rules. Scrapy's middleware gave them to the first waiter only
    (a Deferred turned into a Future passes None on): the others went unchecked."""
    robots = "User-agent: *\n" + "".join(f"Disallow: {path}\n" for path in ARTICLES[1:])
    result, server = crawl_with_robots(tmp_path, robots)
    assert server.paths().count("/robots.txt") == 1
    assert [path for path in server.paths() if path in ARTICLES] == ARTICLES[:1]
    assert result.report["stats"][stats_keys.ROBOTSTXT_FORBIDDEN] == len(ARTICLES) - 1
    assert len(result.output.splitlines()) == 1
