"""Incremental runs: emit an article only when it is new or its text changed."""

from __future__ import annotations

from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler

from crawler.reporting.outcomes import DropArticle
from crawler.runtime.incremental import ArticleState


class IncrementalStatePipeline:
    """With a state store (``-a state=PATH``), sets ``version`` / ``previous_hash`` and drops
    unchanged articles (``unchanged``, counted ``state/unchanged``); new and changed ones
    are counted ``state/new`` and ``state/changed``. Without a store it does nothing."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        state: ArticleState | None = getattr(self.crawler.spider, "state", None)
        if state is None:
            return item
        adapter = ItemAdapter(item)
        spider: Any = self.crawler.spider  # an ArchiveSpider
        revision = state.revise(
            url=adapter["url"],
            fetched_url=spider.to_public(adapter["fetched_url"]),
            article_id=adapter["id"],
            content_hash=adapter["content_hash"],
            now=adapter["fetched_at"],
        )
        if not revision.changed:
            self.crawler.stats.inc_value("state/unchanged")
            raise DropArticle("unchanged", f"{adapter['url']} has not changed", log_level="INFO")
        adapter["version"] = revision.version
        adapter["previous_hash"] = revision.previous_hash
        self.crawler.stats.inc_value("state/new" if revision.version == 1 else "state/changed")
        return item
