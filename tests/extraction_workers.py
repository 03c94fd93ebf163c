"""A site spider whose extraction fails on purpose, for the extraction pool's tests
(``tests/test_extraction_pool.py``): run with
``-s SPIDER_MODULES=crawler.spiders,tests.extraction_workers``.

``aawsat_failing``: the ``aawsat`` spider, but a worker process of the extraction pool
kills itself (SIGKILL, as the OOM killer would) at its :data:`PAGES_BEFORE_DYING`-th
article page, once per crawl (the file named by :data:`KILL_MARKER` says it happened), the
extraction of :data:`BROKEN_ARTICLE` raises in whichever process reads it, and so does the
reading of the listing :data:`BROKEN_LISTING` (a profile's bug).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from dataclasses import replace
from pathlib import Path

from crawler.items import ArticleItem
from crawler.sites.aawsat import PROFILE, AawsatArticlePage, AawsatListingPage
from crawler.sites.base import ListingEntry
from crawler.spiders.aawsat import AawsatSpider

KILL_MARKER = "EXTRACTION_WORKERS_KILL_MARKER"
"""Environment variable: a file that does not exist yet; the worker that dies creates it."""
PAGES_BEFORE_DYING = 5
BROKEN_ARTICLE = "/salma-idrissi/profiles/the-glassblowers-of-hebron/"
BROKEN_LISTING = "/tag/jordan/"

_pages_read = 0


class FailingArticlePage(AawsatArticlePage):
    def to_item(self) -> ArticleItem:
        global _pages_read
        _pages_read += 1
        marker = Path(os.environ[KILL_MARKER])
        in_worker = multiprocessing.parent_process() is not None
        if in_worker and _pages_read == PAGES_BEFORE_DYING and not marker.exists():
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)
        if self.public_url.endswith(BROKEN_ARTICLE):
            raise ValueError("broken on purpose")
        return super().to_item()


class UnpicklableArticlePage(AawsatArticlePage):
    """Its record holds a lock: a worker's reading of it cannot be sent back."""

    def to_item(self) -> ArticleItem:
        item = super().to_item()
        item.tags = [threading.Lock()]  # type: ignore[list-item]
        return item


class FailingListingPage(AawsatListingPage):
    def entries(self) -> list[ListingEntry]:
        if self.public_url.endswith(BROKEN_LISTING):
            raise ValueError("listing broken on purpose")
        return super().entries()


class FailingWorkerSpider(AawsatSpider):
    name = "aawsat_failing"
    profile = replace(PROFILE, article_page=FailingArticlePage, listing_page=FailingListingPage)
