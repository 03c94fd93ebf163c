"""No callback and no signal handler ever raises, whatever a site serves.

Every crawl of the suite runs through :func:`qa.fixtures.run_crawl`, which fails on any
``Spider error processing`` or ``Error caught on signal handler`` line; that includes the
golden crawls of every fixture site (``tests/test_crawl.py``,
``tests/test_generic_crawl.py``). Here the fixture archive is crawled with every kind of
malformed sitemap at once (``tests/malformed_sitemaps.py``): each is counted and logged,
and everything the healthy sitemaps list is still crawled.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil

from scrapy import signals
from scrapy.utils.misc import is_generator_with_return_value

import crawler.spiders
from crawler.reporting import stats_keys
from qa.fixtures import FIXTURES, crawl_golden_files, run_crawl
from tests.fault_server import FaultServer, serve
from tests.malformed_sitemaps import (
    BAD_LOCS,
    GZIP,
    HTML,
    HTML_PAGE,
    XML,
    corrupt_gzip,
    cut_off,
    gzipped,
    over_the_limit,
    sitemap_index,
    urlset,
)

MIRROR = FIXTURES / "aawsat" / "site"
ORIGIN = b"https://eng-archive.aawsat.com/"
EXPECTED_JSONL, _ = crawl_golden_files("aawsat")
MALFORMED = {
    "/malformed/posts.xml.gz": (gzipped(urlset(["/theaawsat/world/a-gzipped-entry/"])), GZIP),
    "/malformed/corrupt.xml.gz": (corrupt_gzip(urlset(["/x/y/z/"])), GZIP),
    "/malformed/page.xml": (HTML_PAGE, HTML),
    "/malformed/sitemap/": (HTML_PAGE, HTML),
    "/malformed/over-the-limit.xml": (over_the_limit(), XML),
    "/malformed/cut-off.xml": (cut_off(urlset(["/category/opinion/"] * 40)), XML),
    "/malformed/bad-locs.xml": (urlset(list(BAD_LOCS)), XML),
}


def relative(body: bytes) -> bytes:
    """The same sitemap with root-relative ``<loc>`` values (invalid, found in the wild)."""
    return body.replace(b"<loc>" + ORIGIN, b"<loc>/")


def test_malformed_sitemaps_of_every_kind_are_counted_and_never_raise(tmp_path):
    index = (MIRROR / "sitemap_index.xml").read_bytes()
    index = relative(index).replace(
        b"</sitemapindex>", sitemap_index(list(MALFORMED)).split(b'0.9">', 1)[1]
    )
    faults = {path: serve(body, headers) for path, (body, headers) in MALFORMED.items()}
    faults["/sitemap_index.xml"] = serve(index, XML)
    faults["/post-sitemap.xml"] = serve(relative((MIRROR / "post-sitemap.xml").read_bytes()), XML)
    server = FaultServer(MIRROR, faults)
    with server.running():
        result = run_crawl("aawsat", server.base_url, tmp_path, "-s", "RETRY_TIMES=0")
    assert result.returncode == 0, result.log[-4000:]

    urls = {json.loads(line)["url"] for line in result.output.splitlines()}
    assert urls == {json.loads(line)["url"] for line in EXPECTED_JSONL.read_text().splitlines()}
    assert "/theaawsat/world/a-gzipped-entry/" in server.paths()  # the gzipped sitemap was read
    stats = result.report["stats"]
    invalid = {k: v for k, v in stats.items() if k.startswith(stats_keys.SITEMAPS_INVALID)}
    assert invalid == {
        "sitemaps/invalid/gzip_error": 1,
        "sitemaps/invalid/not_a_sitemap": 1,
        "sitemaps/invalid/not_xml": 1,
    }
    assert stats[stats_keys.SITEMAPS_OVER_LIMIT] == 1
    assert stats[stats_keys.SITEMAPS_BAD_LOC] == 4  # "http://[::1", two empty, a port out of range
    assert stats[stats_keys.FAULTS_CONTENT_MALFORMED_XML] == 1
    relative_locs = index.count(b"<loc>/") + relative(
        (MIRROR / "post-sitemap.xml").read_bytes()
    ).count(b"<loc>/")
    assert stats[stats_keys.SITEMAPS_RELATIVE_LOC] >= relative_locs
    for logged in (
        "relative <loc> values in sitemap",
        "Ignoring invalid sitemap",
        "lists 50001 URLs, over the protocol's 50000",
        "Not a URL in sitemap",
    ):
        assert logged in result.log, logged
    assert "invalid sitemaps: 3 (gzip_error: 1, not_a_sitemap: 1, not_xml: 1)" in result.log


class BrokenReport:
    """An extension whose ``spider_closed`` handler raises, as a report writer on a full
    disk would."""

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls()
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider):
        raise OSError(28, "No space left on device")


def test_a_crawl_whose_extension_failed_exits_non_zero_and_counts_it(tmp_path):
    extensions = {
        "crawler.runtime.exit_status.ExitStatus": 0,
        f"{__name__}.BrokenReport": 400,
        "crawler.reporting.run_report.RunReport": 500,
    }
    result = run_crawl(
        "aawsat",
        "http://127.0.0.1:9/",
        tmp_path,
        "-a",
        "url=https://twitter.com/somebody",
        "-s",
        f"EXTENSIONS={json.dumps(extensions)}",
        allow_errors=True,
    )
    assert result.returncode == 1
    assert result.spider_errors  # logged by Scrapy, with the traceback
    assert result.report["stats"]["failures/extension_error/OSError"] == 1
    assert "(extension_error/OSError: 1)" in result.log


def test_no_callback_is_a_generator_that_returns_a_value():
    """Scrapy's own check of this is off (``WARN_ON_GENERATOR_RETURN_VALUE`` in
    ``crawler/settings.py``: it read a callback's source again on most responses); the
    same check, of every callback and errback of the spiders, once."""
    callbacks = [
        function
        for module in pkgutil.iter_modules(crawler.spiders.__path__, "crawler.spiders.")
        for _, cls in inspect.getmembers(importlib.import_module(module.name), inspect.isclass)
        if cls.__module__ == module.name
        for name, function in inspect.getmembers(cls, inspect.isfunction)
        if name.startswith("parse") or name.endswith("_failed")
    ]
    assert len(callbacks) > 10
    assert [f.__qualname__ for f in callbacks if is_generator_with_return_value(f)] == []
