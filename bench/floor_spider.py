"""Scrapy's own cost of a page: a spider that fetches every page of an archive from a list
and does nothing with them (run it outside the project folder, so Scrapy's defaults
apply rather than ``crawler/settings.py``).

    scrapy runspider bench/floor_spider.py -a base_url=http://127.0.0.1:8080/ -a paths=FILE

``paths`` names a file of the archive's page paths, one a line (``/a/b/``), written by
``python -m bench.crawl``: every page of the archive, those the bare spider reaches by
following links less the dead links it meets on them (404s). Its
requests go through Scrapy's engine, scheduler, duplicate filter, middlewares and
downloader as any spider's do, with the bare spider's settings (robots.txt obeyed, 16
connections, no delay, the garbage collector set as ours sets it); its callback reads
nothing. What a page costs it is the floor under every Scrapy spider's cost of that page:
the bare spider's cost above it is reading its links, ours is reading the article in the
extraction worker and, in the crawl's process, everything a record and its links go
through.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response

from bench.bare_spider import BareSpider, set_collector_as_ours


class FloorSpider(Spider):
    name = "floor"
    custom_settings = BareSpider.custom_settings

    def __init__(self, base_url: str, paths: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")
        self.paths = Path(paths)

    async def start(self) -> AsyncIterator[Request]:
        set_collector_as_ours()
        with self.paths.open() as lines:
            for line in lines:
                yield Request(self.base_url + line.strip())

    def parse(self, response: Response) -> None:
        return None
