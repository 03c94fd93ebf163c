"""Incremental runs: emit an article only when it is new or its text changed."""

from __future__ import annotations

from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.reporting import stats_keys
from crawler.reporting.outcomes import DropArticle, DropReason
from crawler.runtime.durable import a_feed_failed
from crawler.runtime.parquet import CommitWhenWritten, write_pending_row_groups
from crawler.runtime.run import ArchiveRun


class IncrementalStatePipeline:
    """With a state store (``-a state=PATH``), sets ``version`` / ``previous_hash`` and drops
    unchanged articles (``unchanged``, counted ``state/unchanged``); new and changed ones
    are counted ``state/new`` and ``state/changed``. A page dropped as a duplicate of an
    emitted article's URL (an old slug, a copy naming it as canonical) is recorded as that
    article's page, so a re-check asks for it conditionally too. Without a store it is
    not installed.

    A new or changed article is committed to the store only at ``item_scraped``, which
    Scrapy sends once the feed exporter (an extension, so its handler was connected
    first) has written the record to every feed: never for a record a later pipeline
    dropped or whose write failed (:func:`crawler.runtime.durable.a_feed_failed`: with
    several outputs, a record any of them failed to write is not committed, so the next
    run emits it again to all of them). The feed ``fsync``-s each record before that in
    this mode (:func:`crawler.runtime.feeds.fsync_interval`), so even a power loss cannot
    leave the store claiming a record the file lost.

    A Parquet output (``-o x.parquet``) holds its records in memory until their row group
    is written as a part (:mod:`crawler.runtime.parquet`): a record waiting there at
    ``item_scraped`` is committed only once every Parquet output holding it has written
    it (:class:`crawler.runtime.parquet.CommitWhenWritten`), so a kill before that leaves
    the article unknown and the next run emits it again. At the end the last records
    are written as a part before the spider closes the store."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.run = ArchiveRun.of(crawler)
        self.commits = CommitWhenWritten(crawler, self.written)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if ArchiveRun.of(crawler).article_state is None:
            raise NotConfigured  # no "Disabled" warning: no state is the default
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(pipeline.item_scraped, signal=signals.item_scraped)
        return pipeline

    def _fetched_url(self, adapter: ItemAdapter) -> str:
        assert self.run.sites is not None  # a state store is an archive spider's
        return self.run.sites.to_public(adapter["fetched_url"])

    def process_item(self, item: Any) -> Any:
        state = self.run.article_state
        assert state is not None  # from_crawler
        adapter = ItemAdapter(item)
        revision = state.revise(
            url=adapter["url"],
            fetched_url=self._fetched_url(adapter),
            article_id=adapter["id"],
            content_hash=adapter["content_hash"],
            now=adapter["fetched_at"],
        )
        if not revision.changed:
            self.crawler.stats.inc_value(stats_keys.STATE_UNCHANGED)
            raise DropArticle(
                DropReason.UNCHANGED, f"{adapter['url']} has not changed", log_level="INFO"
            )
        adapter["version"] = revision.version
        adapter["previous_hash"] = revision.previous_hash
        self.crawler.stats.inc_value(
            stats_keys.STATE_NEW if revision.version == 1 else stats_keys.STATE_CHANGED
        )
        return item

    def item_scraped(self, item: Any) -> None:
        state = self.run.article_state
        assert state is not None  # from_crawler
        adapter = ItemAdapter(item)
        if adapter.get("url") not in state.pending:
            return
        url = adapter["url"]
        if a_feed_failed(self.crawler):
            state.not_written(url, self._fetched_url(adapter))
            return
        self.commits.scraped(url)

    def written(self, urls: list[str]) -> None:
        """Every output has these articles' records on disk: commit them to the store."""
        state = self.run.article_state
        assert state is not None  # from_crawler
        for url in urls:
            state.written(url)

    def close_spider(self) -> None:
        """Write the records the Parquet outputs still hold now, so their articles are
        committed: Scrapy closes its feeds only after the spider closed the store."""
        write_pending_row_groups(self.crawler)

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        state = self.run.article_state
        assert state is not None  # from_crawler
        adapter = ItemAdapter(item)
        if not (isinstance(exception, DropArticle) and exception.kind is DropReason.DUPLICATE_URL):
            if adapter.get("url") in state.pending:  # dropped by a pipeline after this one
                state.not_written(adapter["url"], self._fetched_url(adapter))
            return
        if state.has_article(adapter["url"]):
            state.alias(self._fetched_url(adapter), adapter["url"], adapter["fetched_at"])
