"""Bad input never breaks extraction: property-based tests (hypothesis).

The site profile and the cleaning steps get arbitrary bytes, generated HTML built from the
markup the profile looks for, and the fixture pages with random elements deleted,
duplicated or the page cut short. For every input the profile must not raise, and the page
must end as exactly one of: not an article (with a reason), a record that passes the
schema, or a record dropped by a pipeline with a named, countable reason.
"""

from __future__ import annotations

import copy
import doctest
import re
import unicodedata
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from itemadapter import ItemAdapter
from lxml import etree, html
from scrapy import Request
from scrapy.http import Headers, HtmlResponse
from scrapy.responsetypes import responsetypes
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

import crawler.runtime.middlewares
import crawler.runtime.written
from crawler.extraction import processors
from crawler.reporting import stats_keys
from crawler.reporting.outcomes import DropArticle
from crawler.runtime.middlewares import decoded_as_crawled, retry_after_seconds, xml_syntax_error
from crawler.sites import get_profile
from crawler.spiders.aawsat import AawsatSpider
from pipelines.normalize import NormalizeArticlePipeline
from pipelines.validate import ValidateArticlePipeline, article_validator
from qa.fixtures import page_cases
from tests import malformed_sitemaps

PROFILE = get_profile("aawsat")
ARTICLE_URL = PROFILE.public_origin + "/theaawsat/news-middle-east/a-story/"
NAMED_REASON = re.compile(r"^[a-z][a-z0-9_]*$")
CASES = [case for case in page_cases() if case.profile.name == "aawsat"]

# Same examples on every run (CI must not flake), no example database left in the repo,
# and no per-example deadline: a shared CI machine may pause a test for a moment.
PROPERTY = settings(
    max_examples=120,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@cache
def pipelines() -> tuple[NormalizeArticlePipeline, ValidateArticlePipeline]:
    stats = MemoryStatsCollector(get_crawler())
    return NormalizeArticlePipeline(stats), ValidateArticlePipeline(stats)


def outcome(body: bytes, url: str = ARTICLE_URL, headers: dict[str, str] | None = None):
    """What the crawl makes of a page: ``("not_article", reason)``, ``("dropped", reason)``
    or ``("record", record)``. Raises only if something is broken."""
    response = HtmlResponse(
        url=url, body=body, headers=headers or {"Content-Type": "text/html; charset=UTF-8"}
    )
    page = PROFILE.article_page(decoded_as_crawled(response), url)
    reason = page.not_article_reason()
    if reason is not None:
        return "not_article", reason
    item: Any = page.to_item()
    item.fetched_at = "2026-01-01T00:00:00Z"
    try:
        for pipeline in pipelines():
            item = pipeline.process_item(item)
    except DropArticle as drop:
        return "dropped", drop.reason
    return "record", ItemAdapter(item).asdict()


def assert_valid_outcome(body: bytes, **kwargs: Any) -> None:
    kind, detail = outcome(body, **kwargs)
    if kind == "record":
        article_validator().validate(detail)
    else:
        assert NAMED_REASON.match(detail), (kind, detail)


# -- generated pages ---------------------------------------------------------------------

TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
CLASSES = st.sampled_from(
    [
        "entry-content",
        "entry-title",
        "post-meta",
        "et_pb_post",
        "et_post_meta_wrapper",
        "wp-caption",
        "wp-caption-text",
        "sharedaddy",
        "published",
        "author",
        "single-post",
        "post",
        "type-post",
        "error404",
        "x",
    ]
)
TAGS = st.sampled_from(
    [
        "div",
        "p",
        "span",
        "article",
        "h1",
        "a",
        "img",
        "figure",
        "figcaption",
        "br",
        "em",
        "ul",
        "li",
        "script",
        "time",
        "aside",
        "nav",
        "blockquote",
        "table",
        "td",
    ]
)


@st.composite
def elements(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(TAGS)
    attributes = {"class": " ".join(draw(st.lists(CLASSES, max_size=3)))}
    if tag == "a":
        attributes["href"] = draw(
            st.sampled_from(["/tag/x/", "/category/news/", "javascript:x", "http://[::1", "", "#"])
        )
    if tag == "img":
        attributes["src"] = draw(st.sampled_from(["/wp-content/a.jpg", "data:,", "", "::"]))
    attrs = "".join(f' {name}="{html_escape(value)}"' for name, value in attributes.items())
    children = draw(st.lists(elements(depth + 1), max_size=4)) if depth < 3 else []
    text = html_escape(draw(TEXT))
    return f"<{tag}{attrs}>{text}{''.join(children)}</{tag}>"


def html_escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


@st.composite
def pages(draw: st.DrawFn) -> bytes:
    body_classes = " ".join(draw(st.lists(CLASSES, max_size=3)))
    meta = draw(
        st.lists(
            st.sampled_from(
                [
                    '<meta property="og:type" content="article">',
                    '<meta property="article:published_time" content="2016-05-21T09:14:00+00:00">',
                    '<meta property="article:published_time" content="31/02/2016">',
                    '<meta property="og:title" content="">',
                    '<link rel="canonical" href="https://example.org/elsewhere/">',
                    '<link rel="canonical" href="::not a url">',
                    '<script type="application/ld+json">{"@type": "NewsArticle", '
                    '"headline": 5, "author": [null, {"name": []}]}</script>',
                    '<script type="application/ld+json">{not json</script>',
                    '<meta name="keywords" content=",,,">',
                ]
            ),
            max_size=4,
        )
    )
    title = html_escape(draw(TEXT))
    content = "".join(draw(st.lists(elements(), max_size=5)))
    return (
        f"<html><head><title>{title}</title>{''.join(meta)}</head>"
        f'<body class="{body_classes}">{content}</body></html>'
    ).encode("utf-8", "surrogatepass")


@PROPERTY
@given(pages())
def test_generated_pages_end_as_a_record_or_a_named_drop(body):
    assert_valid_outcome(body)


@PROPERTY
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_end_as_a_record_or_a_named_drop(body):
    assert_valid_outcome(body)


@PROPERTY
@given(
    st.binary(max_size=300),
    st.sampled_from(["text/html", "text/html; charset=ISO-8859-1", "text/html; charset=bogus"]),
)
@example("<p>Café “x”".encode(), "text/html; charset=ISO-8859-1")  # UTF-8: overruled
def test_bytes_under_any_declared_charset_end_as_a_record_or_a_named_drop(body, content_type):
    assert_valid_outcome(
        b"<html><body class='single-post'>" + body, headers={"Content-Type": content_type}
    )


# -- the fixture pages, mutated ----------------------------------------------------------


@st.composite
def mutated_fixtures(draw: st.DrawFn) -> tuple[str, bytes]:
    case = draw(st.sampled_from(CASES))
    tree = html.document_fromstring(case.response().body)
    for _ in range(draw(st.integers(0, 6))):
        nodes = list(tree.iter(etree.Element))[1:]  # never the root
        if not nodes:
            break
        node = nodes[draw(st.integers(0, len(nodes) - 1))]
        parent = node.getparent()
        if parent is None:
            continue
        if draw(st.booleans()):
            parent.remove(node)
        else:
            node.addnext(copy.deepcopy(node))
    body = etree.tostring(tree, encoding="utf-8", method="html")
    if draw(st.booleans()):
        body = body[: draw(st.integers(0, len(body)))]
    return case.public_url, body


@PROPERTY
@given(mutated_fixtures())
def test_fixture_pages_with_elements_deleted_duplicated_or_cut_end_well(case):
    url, body = case
    assert_valid_outcome(body, url=url)


def test_every_unmutated_fixture_page_is_a_valid_record():
    for case in CASES:
        kind, _ = outcome(case.response().body, url=case.public_url)
        assert kind == "record", case.name


# -- the cleaning processors ---------------------------------------------------------------

ANY_TEXT = st.text(max_size=200)


@PROPERTY
@given(ANY_TEXT)
def test_normalize_text_gives_clean_nfc_text_or_none(text):
    cleaned = processors.normalize_text(text)
    if cleaned is not None:
        assert cleaned == cleaned.strip()
        assert "  " not in cleaned
        assert unicodedata.is_normalized("NFC", cleaned)
        assert processors.normalize_text(cleaned) == cleaned


@PROPERTY
@given(ANY_TEXT, st.lists(ANY_TEXT, max_size=3))
def test_text_processors_accept_any_text(text, names):
    assert isinstance(processors.strip_title_suffix(text, tuple(names)), str)
    caption, credit = processors.split_caption_credit(text)
    assert caption is None or isinstance(caption, str)
    assert credit is None or isinstance(credit, str)
    assert isinstance(processors.has_credit(text), bool)
    assert all(isinstance(name, str) and name for name in processors.split_authors(text))
    name = processors.slug_to_name(text)
    assert name is None or (isinstance(name, str) and name)
    assert processors.word_count(text) >= 0
    assert processors.unique([text, *names]) == list(dict.fromkeys([text, *names]))


@PROPERTY
@given(st.one_of(ANY_TEXT, st.datetimes().map(str), st.dates().map(str)))
def test_parse_date_gives_iso_or_none(raw):
    parsed = processors.parse_date(raw)
    assert parsed is None or re.match(r"^\d{4}-\d{2}-\d{2}", parsed)


# -- our own parsers of untrusted input ----------------------------------------------------


@PROPERTY
@given(st.one_of(st.binary(max_size=40), ANY_TEXT, st.none()))
def test_retry_after_is_a_non_negative_number_of_seconds_or_none(value):
    seconds = retry_after_seconds(value)
    assert seconds is None or seconds >= 0


@PROPERTY
@given(st.binary(max_size=500))
def test_xml_check_never_raises(body):
    error = xml_syntax_error(body)
    assert error is None or isinstance(error, str)


@pytest.mark.parametrize("module", [crawler.runtime.middlewares, crawler.runtime.written])
def test_examples_in_docstrings_hold(module):
    failures, tried = doctest.testmod(module)
    assert tried
    assert not failures


# -- sitemaps, malformed in every way (tests/malformed_sitemaps.py) -------------------------

LOCS = st.sampled_from(
    [
        "/theaawsat/world/a-story/",
        "/category/opinion/",
        "post-sitemap.xml",
        "//images.example.org/a.jpg",
        "https://eng-archive.aawsat.com/amir-taheri/opinion/a-column/",
        "ftp://example.org/x.xml",
        *malformed_sitemaps.BAD_LOCS,
    ]
)
LASTMODS = st.sampled_from([None, "", "2016-05-21", "2016-05-21T09:14:00+00:00", "not a date"])


@st.composite
def sitemaps(draw: st.DrawFn) -> tuple[bytes, dict[str, str]]:
    locs = draw(st.lists(LOCS, max_size=6))
    kind = draw(st.sampled_from(["urlset", "index", "html", "bytes"]))
    if kind == "urlset":
        body = malformed_sitemaps.urlset(locs, draw(LASTMODS))
    elif kind == "index":
        body = malformed_sitemaps.sitemap_index(locs)
    elif kind == "html":
        body = malformed_sitemaps.HTML_PAGE
    else:
        body = draw(st.binary(max_size=300))
    if draw(st.booleans()):
        body = malformed_sitemaps.cut_off(body)
    wrapping = draw(st.sampled_from(["plain", "gzip", "corrupt_gzip"]))
    if wrapping == "gzip":
        return malformed_sitemaps.gzipped(body), malformed_sitemaps.GZIP
    if wrapping == "corrupt_gzip":
        return malformed_sitemaps.corrupt_gzip(body), malformed_sitemaps.GZIP
    return body, draw(st.sampled_from([malformed_sitemaps.XML, malformed_sitemaps.HTML]))


@cache
def sitemap_spider() -> Any:
    crawler = get_crawler(AawsatSpider, settings_dict={"ARCHIVE_COVERAGE_DIR": ""})
    spider = AawsatSpider.from_crawler(crawler, base_url="http://127.0.0.1:8000/")
    crawler.spider = spider
    crawler.stats.open_spider()
    return spider


@PROPERTY
@given(sitemaps(), st.sampled_from(["/post-sitemap.xml", "/sitemap.xml.gz", "/sitemap/"]))
def test_any_sitemap_is_read_or_counted_as_invalid_and_never_raises(sitemap, path):
    body, headers = sitemap
    spider = sitemap_spider()
    url = "http://127.0.0.1:8000" + path
    response = responsetypes.from_args(headers=Headers(headers), url=url, body=body)(
        url=url, body=body, headers=Headers(headers)
    )
    stats = spider.crawler.stats
    before = dict(stats.get_stats())
    requests = list(spider.parse_sitemap(response))
    counted = {
        key
        for key, value in stats.get_stats().items()
        if key.startswith(
            (
                stats_keys.SITEMAPS_URLSET,
                stats_keys.SITEMAPS_SITEMAPINDEX,
                stats_keys.SITEMAPS_FEED,
                stats_keys.SITEMAPS_TEXT,
                stats_keys.SITEMAPS_INVALID,
            )
        )
        and value != before.get(key)
    }
    assert len(counted) == 1  # read as one kind of sitemap, or invalid for one reason
    # Any URL the entries hold is requested or skipped: the host guard refuses the rest.
    assert all(isinstance(request, Request) for request in requests)
