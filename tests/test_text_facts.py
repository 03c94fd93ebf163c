"""What the pipelines derive from a record's text (word count, content hash, NFC), worked
out where the page is read (crawler/extraction/text_facts.py): in a worker, the crawl's
process does none of that work again, and the records are the same."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from scrapy.http import HtmlResponse
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler.extraction import text_facts
from crawler.extraction.text_facts import NOTED, TextFacts, content_hash
from crawler.items import ArticleItem
from crawler.runtime.extraction_pool import ArticleJob, ArticleReading, PageTask, read_in_worker
from crawler.sites.aawsat import PROFILE
from pipelines.normalize import NormalizeArticlePipeline
from pipelines.output import plain_record
from pipelines.validate import ValidateArticlePipeline
from qa.fixtures import FIXTURES

ARTICLE = "rania-haddad/news-middle-east/sanaa-hospitals-ration-fuel/"


@pytest.fixture
def from_worker() -> ArticleItem:
    """The fixture article's record as the crawl's process gets it from a worker: read by
    the worker's function, then pickled across."""
    url = f"https://eng-archive.aawsat.com/{ARTICLE}"
    body = (FIXTURES / "aawsat" / "site" / ARTICLE / "index.html").read_bytes()
    job = ArticleJob(PROFILE.article_page, url, links=False, extract_unsure=False)
    [back] = pickle.loads(
        pickle.dumps(read_in_worker([PageTask.of(job, HtmlResponse(url, body=body))]))
    )
    assert isinstance(back.reading, ArticleReading)
    item = back.reading.item
    assert item is not None
    item.fetched_at = "2026-12-04T19:00:00Z"  # as the spider sets it
    return item


@pytest.fixture
def facts_worked_out(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The titles whose facts are worked out from now on (after the fixtures before it)."""
    titles: list[str | None] = []
    work_out = TextFacts.of.__func__  # type: ignore[attr-defined]

    def counted(cls: type[TextFacts], title: str | None, body: str | None) -> TextFacts:
        titles.append(title)
        return work_out(cls, title, body)

    monkeypatch.setattr(text_facts.TextFacts, "of", classmethod(counted))
    return titles


def shaped(item: ArticleItem) -> dict[str, Any]:
    """The record as the normalize and validate pipelines leave it."""
    stats = MemoryStatsCollector(get_crawler())
    NormalizeArticlePipeline(stats).process_item(item)
    return plain_record(ValidateArticlePipeline(stats).process_item(item))


def test_a_record_from_a_worker_is_normalized_and_validated_without_its_text_read_again(
    from_worker: ArticleItem, facts_worked_out: list[str | None]
) -> None:
    item = from_worker
    record = shaped(item)
    assert facts_worked_out == []
    assert NOTED not in record
    facts = TextFacts.of(item.title, item.body)
    assert (record["word_count"], record["content_hash"]) == (facts.word_count, facts.content_hash)
    assert facts.word_count == 57


def test_a_title_a_pipeline_changed_has_its_facts_worked_out_again(
    from_worker: ArticleItem, facts_worked_out: list[str | None]
) -> None:
    item = from_worker
    item.title = f"{item.title} | Sport"
    record = shaped(item)
    assert facts_worked_out == [item.title, item.title]  # normalize's and validate's
    assert record["content_hash"] == content_hash(item.title, item.body)


def test_the_same_record_with_or_without_the_facts_noted(from_worker: ArticleItem) -> None:
    without = pickle.loads(pickle.dumps(from_worker))
    del vars(without)[NOTED]
    assert shaped(from_worker) == shaped(without)
