"""A page the crawl has read is freed with its response: the parsed page Scrapy caches on
a response refers back to it, a reference cycle that only the cyclic garbage collector
would free, and a crawl that reads pages as fast as they come then holds tens of MB of
dead pages (crawler/runtime/extraction_pool.py: ``drop_parsed_page``)."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from scrapy.http import HtmlResponse
from scrapy.utils.asyncgen import collect_asyncgen
from scrapy.utils.test import get_crawler

from crawler.runtime.extraction_pool import ArticleJob, read_article
from crawler.sites.aawsat import PROFILE
from crawler.spiders.aawsat import AawsatSpider
from qa.fixtures import FIXTURES

SITE = FIXTURES / "aawsat" / "site"
BASE_URL = "http://127.0.0.1:8000"
ARTICLE = "amir-taheri/opinion/the-limits-of-a-charm-offensive"
LISTING = "category/news-middle-east/page/2"


def page(path: str) -> HtmlResponse:
    body = (SITE / path / "index.html").read_bytes()
    return HtmlResponse(url=f"{BASE_URL}/{path}/", body=body, encoding="utf-8")


@contextmanager
def no_cyclic_collector() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def freed_after(read: Callable[[HtmlResponse], object], path: str) -> bool:
    """Whether the response for ``path`` is gone, without the cyclic collector, once
    ``read`` is done with it."""
    response = page(path)
    gone = weakref.ref(response)
    with no_cyclic_collector():
        read(response)
        del response
        return gone() is None


def test_an_article_page_read_is_freed_with_its_response():
    job = ArticleJob(PROFILE.article_page, "https://eng-archive.aawsat.com/x/", True, False)
    assert freed_after(lambda response: read_article(job, response), ARTICLE)


def test_a_listing_page_read_is_freed_with_its_response():
    crawler = get_crawler(AawsatSpider, settings_dict={"ARCHIVE_COVERAGE_DIR": ""})
    spider = AawsatSpider.from_crawler(crawler, base_url=BASE_URL + "/")
    crawler.spider = spider
    crawler.stats.open_spider()
    assert freed_after(
        lambda response: asyncio.run(collect_asyncgen(spider.parse_listing(response))), LISTING
    )
