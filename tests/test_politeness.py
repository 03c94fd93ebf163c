"""A site's robots.txt ``Crawl-delay`` is the least time between two of its requests,
AutoThrottle included (crawler/runtime/politeness.py)."""

from __future__ import annotations

import itertools
from pathlib import Path
from types import SimpleNamespace

from scrapy import Request, Spider
from scrapy.core.downloader import Slot
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler.reporting import stats_keys
from crawler.runtime.politeness import SlotFloorAutoThrottle
from qa.fixtures import FIXTURES, CrawlResult, run_crawl
from tests.fault_server import FaultServer, serve

MIRROR = FIXTURES / "aawsat" / "site"
PUBLIC = "https://eng-archive.aawsat.com"
ARTICLES = [
    "/diana-moukalled/opinion/when-the-rubbish-piles-up/",
    "/omar-nasser/world/finance-ministers-gather-in-shanghai-as-markets-wobble/",
    "/theaawsat/world/davos-panel-weighs-the-future-of-global-trade/",
]


def crawl_with_robots(
    tmp_path: Path, robots: str, *settings: str
) -> tuple[CrawlResult, FaultServer]:
    """The three articles by URL list, from a server whose robots.txt is ``robots``, with
    AutoThrottle on and no DOWNLOAD_DELAY: any wait comes from robots.txt."""
    url_list = tmp_path / "urls.txt"
    url_list.write_text("".join(f"{PUBLIC}{path}\n" for path in ARTICLES))
    robots_txt = serve(robots.encode(), {"Content-Type": "text/plain"})
    server = FaultServer(MIRROR, {"/robots.txt": robots_txt})
    with server.running():
        result = run_crawl(
            "aawsat",
            server.base_url,
            tmp_path,
            "-a",
            f"urls={url_list}",
            "-s",
            "AUTOTHROTTLE_ENABLED=True",
            "-s",
            "AUTOTHROTTLE_START_DELAY=0",
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


def test_autothrottle_keeps_a_slot_at_its_download_slots_delay():
    """The Wayback Machine's slot is 1 s apart (DOWNLOAD_SLOTS); Scrapy's AutoThrottle
    would take it down to DOWNLOAD_DELAY after one fast answer."""
    crawler = get_crawler(settings_dict={"AUTOTHROTTLE_ENABLED": True, "DOWNLOAD_DELAY": 0.5})
    slot = Slot(2, 1.0, 0.0)
    downloader = SimpleNamespace(
        per_slot_settings={"web.archive.org": {"delay": 1.0}}, slots={"web.archive.org": slot}
    )
    crawler.engine = SimpleNamespace(downloader=downloader)  # type: ignore[assignment]
    throttle = SlotFloorAutoThrottle(crawler)
    throttle.mindelay, throttle.maxdelay = 0.5, 60.0
    meta = {"download_slot": "web.archive.org", "download_latency": 0.01}
    request = Request("https://web.archive.org/x", meta=meta)
    throttle._response_downloaded(Response(request.url, request=request), request, Spider("t"))
    assert slot.delay == 1.0
