"""Components that fail on purpose, for the exit-status tests (a crawl that ran them lost
something and must say so in its exit status), the incremental state's and resume's."""

from __future__ import annotations

import errno
import os
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.squeues import PickleLifoDiskQueue


class FailsOnClose:
    """Extension whose ``spider_closed`` handler raises (as a broken report would)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls()
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider: Any, reason: str) -> None:
        raise RuntimeError("broken on purpose")


class FailsOnEveryPage:
    """Spider middleware that raises on the output of every callback: a spider error per
    page, as a callback that raised would be."""

    def process_spider_output(self, response: Any, result: Any) -> Any:
        raise ValueError("broken on purpose")

    async def process_spider_output_async(self, response: Any, result: Any) -> Any:
        raise ValueError("broken on purpose")
        yield  # an async generator, as Scrapy expects


class DropsFirstArticle:
    """Item pipeline that drops the first article it is given (as a pipeline placed after
    the incremental state would): that article's record is never written."""

    def __init__(self) -> None:
        self.dropped = False

    def process_item(self, item: Any) -> Any:
        if not self.dropped:
            self.dropped = True
            raise DropItem(f"dropped on purpose: {ItemAdapter(item)['url']}")
        return item


class FullDiskQueue(PickleLifoDiskQueue):
    """``JOBDIR``'s request queue on a disk that fills up: every push after the
    :data:`PUSHES_WITH_ROOM` first fails with ENOSPC, as on a full disk."""

    PUSHES_WITH_ROOM = 8
    pushes = 0

    def push(self, obj: Any) -> None:
        FullDiskQueue.pushes += 1
        if FullDiskQueue.pushes > self.PUSHES_WITH_ROOM:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        super().push(obj)
