import dataclasses

import pytest
from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.items import ArticleItem, note_page_url
from crawler.reporting import stats_keys
from pipelines import (
    ArticleOutputPipeline,
    DedupeArticlePipeline,
    NormalizeArticlePipeline,
    ValidateArticlePipeline,
)
from pipelines.normalize import stable_id
from pipelines.output import plain_record


def article(**fields) -> ArticleItem:
    defaults = {
        "url": "https://eng-archive.aawsat.com/theaawsat/opinion/a-title/?replytocom=5",
        "fetched_url": "http://127.0.0.1:8000/theaawsat/opinion/a-title/",
        "fetched_at": "2026-11-25T18:00:00Z",
        "site": "aawsat",
        "title": "A title",
        "authors": ["Asharq Al-Awsat"],
        "published_raw": "Jun 27, 2014",
        "language": "en",
        "body": "First paragraph.\n\nSecond one.",
        "extractor": {"name": "aawsat", "version": "1.0"},
    }
    return ArticleItem(**{**defaults, **fields})


@pytest.fixture
def crawler():
    return get_crawler(settings_dict={"FEEDS": {"out.jsonl": {"format": "jsonlines"}}})


def run(crawler, pipeline_class, item):
    return build_from_crawler(pipeline_class, crawler).process_item(item)


def test_normalize_fills_derived_fields(crawler):
    item = run(crawler, NormalizeArticlePipeline, article())
    assert item.url == "https://eng-archive.aawsat.com/theaawsat/opinion/a-title/"
    assert item.published == "2014-06-27"
    assert item.word_count == 4
    assert item.id.startswith("aawsat-")
    assert len(item.id) == len("aawsat-") + 16
    assert item.content_hash.startswith("sha256:")


def test_normalize_id_is_stable_and_hash_follows_the_text(crawler):
    first = run(crawler, NormalizeArticlePipeline, article())
    second = run(crawler, NormalizeArticlePipeline, article(body="First paragraph.\n\nChanged."))
    assert first.id == second.id
    assert first.content_hash != second.content_hash


def test_normalize_keeps_an_unparsed_date_raw_and_counts_it(crawler, caplog):
    item = run(crawler, NormalizeArticlePipeline, article(published_raw="sometime in spring"))
    assert item.published is None
    assert item.published_raw == "sometime in spring"
    assert crawler.stats.get_value("normalize/rejected_date/published/unparsed") == 1
    assert "Rejected published date 'sometime in spring' (unparsed)" in caplog.text


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("Jun 27, 2031", "after_fetch"), ("1970-01-01T00:00:00Z", "before_1990")],
)
def test_normalize_rejects_implausible_dates_and_keeps_them_raw(crawler, raw, reason):
    item = run(crawler, NormalizeArticlePipeline, article(published_raw=raw))
    assert item.published is None
    assert item.published_raw == raw
    assert crawler.stats.get_value(f"{stats_keys.NORMALIZE_REJECTED_DATE}published/{reason}") == 1


def test_a_capture_is_judged_by_its_capture_time(crawler):
    capture = {"timestamp": "20150101000000", "url": "https://web.archive.org/web/x"}
    item = run(
        crawler, NormalizeArticlePipeline, article(published_raw="Jun 27, 2016", capture=capture)
    )
    assert item.published is None
    assert crawler.stats.get_value("normalize/rejected_date/published/after_fetch") == 1


def test_a_local_time_hours_after_its_capture_in_utc_is_kept(crawler):
    """A time with no offset is the site's own: a story published at 09:00 in UTC+3 and
    captured at 07:00 UTC had its time rejected as after the capture, and went undated."""
    capture = {"timestamp": "20150601070000", "url": "https://web.archive.org/web/x"}
    record = article(
        published="2015-06-01T09:00:00", published_raw="2015-06-01 09:00", capture=capture
    )
    item = run(crawler, NormalizeArticlePipeline, record)
    assert item.published == "2015-06-01T09:00:00"
    assert not crawler.stats.get_value("normalize/rejected_date/published/after_fetch")


def test_validate_passes_a_complete_record(crawler):
    item = run(crawler, NormalizeArticlePipeline, article())
    assert run(crawler, ValidateArticlePipeline, item) is item


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"title": None}, "empty_title"),
        ({"body": None}, "empty_body"),
        ({"body": "one\n\n\n\ntwo"}, "invalid_body"),
        ({"authors": ["A", "A"]}, "invalid_authors"),
        ({"images": [{"url": "x.jpg", "caption": None, "credit": None}]}, "invalid_images"),
        ({"title": "Cafe\u0301"}, "not_nfc_title"),
    ],
)
def test_validate_drops_with_a_named_counted_reason(crawler, fields, reason):
    item = run(crawler, NormalizeArticlePipeline, article(**fields))
    with pytest.raises(DropItem, match=f"^{reason}: http://127.0.0.1:8000/theaawsat"):
        run(crawler, ValidateArticlePipeline, item)
    assert crawler.stats.get_value(f"{stats_keys.ARTICLES_DROPPED}{reason}") == 1


def test_dedupe_emits_each_url_and_each_text_once(crawler):
    dedupe = build_from_crawler(DedupeArticlePipeline, crawler)
    normalize = build_from_crawler(NormalizeArticlePipeline, crawler)
    original = normalize.process_item(article())
    same_url = normalize.process_item(article(body="Other text.", fetched_url="http://h/old-slug/"))
    same_text = normalize.process_item(article(url="https://eng-archive.aawsat.com/x/y/z/"))
    assert dedupe.process_item(original) is original
    with pytest.raises(DropItem, match=r"^duplicate_url: "):
        dedupe.process_item(same_url)
    with pytest.raises(DropItem, match=r"^duplicate_content: "):
        dedupe.process_item(same_text)
    assert crawler.stats.get_value("articles/duplicates/url") == 1
    assert crawler.stats.get_value("articles/duplicates/content") == 1


def canonical_record(normalize, title, own_path, canonical="/index.php/"):
    """A record read from ``own_path`` whose page named ``canonical`` as its URL."""
    site = "https://news.example"
    item = article(
        url=site + canonical,
        fetched_url=f"http://127.0.0.1:8000{own_path}",
        title=title,
        body=f"The story of {title}.",
    )
    note_page_url(item, site + own_path)
    return normalize.process_item(item)


def test_a_canonical_many_stories_share_is_no_record_s_url_but_the_first_s(crawler, caplog):
    """A template naming one URL as every story's canonical: each record took it, and all
    but the first were dropped as its duplicates. A record of another title keeps its own
    URL, with the id that goes with it; a copy of the same article is still a duplicate."""
    dedupe = build_from_crawler(DedupeArticlePipeline, crawler)
    normalize = build_from_crawler(NormalizeArticlePipeline, crawler)
    first = canonical_record(normalize, "Harbour reopens", "/2020/05/harbour-reopens/")
    second = canonical_record(normalize, "Council votes", "/2020/05/council-votes/?utm_source=x")
    third = canonical_record(normalize, "Storm warning", "/2020/05/storm-warning/")
    amp_copy = canonical_record(normalize, " harbour  REOPENS", "/2020/05/harbour-reopens/amp/")
    assert dedupe.process_item(first).url == "https://news.example/index.php/"
    assert (dedupe.process_item(second).url, second.id) == (
        "https://news.example/2020/05/council-votes/",
        stable_id("aawsat", "https://news.example/2020/05/council-votes/"),
    )
    assert dedupe.process_item(third).url == "https://news.example/2020/05/storm-warning/"
    with pytest.raises(DropItem, match=r"^duplicate_url: .* already emitted"):
        dedupe.process_item(amp_copy)
    assert crawler.stats.get_value(stats_keys.FAULTS_CANONICAL_SHARED) == 2
    assert crawler.stats.get_value("articles/duplicates/url") == 1
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == [
        "http://127.0.0.1:8000/2020/05/council-votes/?utm_source=x names"
        " https://news.example/index.php/ as its canonical URL, as a page of another article"
        " did: kept at its own URL, https://news.example/2020/05/council-votes/ (later pages"
        " naming it are counted as faults/canonical/shared); the record emitted under it first,"
        " read from http://127.0.0.1:8000/2020/05/harbour-reopens/, keeps it"
    ]


def test_the_page_at_a_url_another_record_took_is_dropped_with_a_warning(crawler):
    """The URL's own page, when a story whose canonical named it was emitted under it
    first: a URL is emitted once, so it is dropped, but not silently."""
    dedupe = build_from_crawler(DedupeArticlePipeline, crawler)
    normalize = build_from_crawler(NormalizeArticlePipeline, crawler)
    dedupe.process_item(canonical_record(normalize, "Harbour reopens", "/a/", canonical="/b/"))
    own_page = normalize.process_item(
        article(url="https://news.example/b/", title="Council votes", body="Other.")
    )
    with pytest.raises(
        DropItem, match=r"^duplicate_url: .* for an article of another title"
    ) as drop:
        dedupe.process_item(own_page)
    assert drop.value.log_level == "WARNING"


def test_output_gives_the_feed_a_plain_dict_in_schema_order(crawler):
    record = run(crawler, ArticleOutputPipeline, article())
    assert isinstance(record, dict)
    assert list(record) == list(ItemAdapter(ArticleItem()).field_names())
    assert crawler.stats.get_value(stats_keys.ARTICLES_EMITTED) == 1


def test_output_warns_when_nothing_will_be_written(caplog):
    pipeline = build_from_crawler(ArticleOutputPipeline, get_crawler())
    pipeline.open_spider()
    assert "No output feed configured" in caplog.text


def test_plain_record_is_itemadapters_asdict():
    @dataclasses.dataclass
    class Credit:
        name: str = "AFP"

    item = article(
        images=[{"url": None, "caption": "A caption", "credit": Credit()}],
        capture={"timestamp": "20160521091400", "url": ("https://x/", {1, 2})},
        word_count=4,
    )
    record = plain_record(item)
    assert record == ItemAdapter(item).asdict()
    assert list(record) == list(ItemAdapter(item).asdict())
    assert record["images"][0]["credit"] == {"name": "AFP"}
    assert record["images"] is not item.images  # a copy: later changes to the item stay out
