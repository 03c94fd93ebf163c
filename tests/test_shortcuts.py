"""The shortcuts the crawl's process takes give the answers of the long way they skip: a
URL already canonical, a URL at the site's own origin (every combination of the URL parts
that matter), a page that cannot declare a meta refresh (generated pages, hypothesis), the
compiled schema check (the golden records, each field made null, empty or wrong), the
check for bytes invalid in a page's encoding (fixture pages and generated pages in several
encodings, some with a bad byte, against a strict decode), a page parsed from its bytes
(fixture and real pages, and generated ones with byte order marks, NULs, bad bytes, odd
whitespace at their ends and a ``<base href>``, against Scrapy's selector and base URL)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from scrapy.http import HtmlResponse, TextResponse
from scrapy.selector import Selector
from scrapy.utils.response import get_base_url, get_meta_refresh

from crawler.discovery.urls import (
    SiteAddress,
    _canonical_form,
    _is_canonical,
    _path_and_query,
    origin_key,
)
from crawler.extraction.parsing import UTF8_CHECK_BYTES, page_base_url, page_selector
from crawler.runtime.extraction_pool import drop_parsed_page
from crawler.runtime.middlewares import may_declare_refresh, text_decodes_cleanly
from pipelines.validate import article_validator, is_valid_article
from qa.fixtures import FIXTURES

# Same examples on every run (CI must not flake), no example database left in the repo.
PROPERTY = settings(
    max_examples=400,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

SCHEMES = ["https", "http", "HTTP", " https", "ftp"]
HOSTS = ["x.org", "X.org", "www.x.org", "x.org.y", "127.0.0.1", "[::1]", "[::1", ""]
PORTS = ["", ":", ":0", ":80", ":443", ":080", ":8000", ":65535", ":65536", ":a"]
PATHS = ["", "/", "/a/b/", "//a", "/a;sid=1/", "/?p=2", "/?", "/#x", "/a?#b", "/a#", "/a b"]
PATHS += ["/a\t", "/\u00e9 "]
URLS = [f"{s}://{h}{p}{path}" for s in SCHEMES for h in HOSTS for p in PORTS for path in PATHS]
"""Every combination of the parts that decide what a URL's canonical form and origin are."""


def outcome(function: Callable[[str], Any], url: str) -> Any:
    """What ``function(url)`` returns, or the type of what it raises."""
    try:
        return function(url)
    except ValueError as error:
        return type(error)


def test_every_combination_of_url_parts_taken_as_canonical_is_its_own_canonical_form():
    assert [url for url in URLS if _is_canonical(url) and _canonical_form(url) != url] == []


@pytest.mark.parametrize("public", ["https://x.org", "http://x.org:8000", "https://www.x.org"])
@pytest.mark.parametrize(
    "served", ["http://127.0.0.1:8000", "http://127.0.0.1:80", "https://x.org"]
)
def test_a_url_is_on_the_site_exactly_when_its_host_and_port_are_the_sites(public, served):
    address = SiteAddress.of(public, served)
    keys = {origin_key(address.public), origin_key(address.served)}
    for url in URLS:
        assert outcome(address.is_on_site, url) == outcome(lambda u: origin_key(u) in keys, url)
        if outcome(address.is_on_site, url) is True:
            assert address.to_public(url) == address.public + _path_and_query(url)
            assert address.to_served(url) == address.served + _path_and_query(url)


REFRESH = '<meta http-equiv="{}" content="0; url=/elsewhere/">'
PAGE_TEXT = st.text(alphabet="aé€日\ufffd <>-!\"'=", max_size=40)


@st.composite
def pages(draw: st.DrawFn) -> HtmlResponse:
    """A page in some encoding, with or without a byte order mark and a declared charset,
    with or without a refresh (in any case) somewhere in or beyond its first 4096
    characters."""
    encoding = draw(st.sampled_from(["utf-8", "cp1252", "latin-1", "utf-16-le", "shift_jis"]))
    filler = draw(PAGE_TEXT) * draw(st.sampled_from([1, 50, 120]))
    refresh = REFRESH.format(draw(st.sampled_from(["refresh", "REFRESH", "Refresh", "x"])))
    text = draw(st.sampled_from(["{f}{r}", "{r}{f}", "<!-- {r} -->{f}", "{f}{f}{r}"]))
    body = text.format(f=filler, r=refresh).encode(encoding, "replace")
    if draw(st.booleans()):
        body = {"utf-8": b"\xef\xbb\xbf", "utf-16-le": b"\xff\xfe"}.get(encoding, b"") + body
    headers = {"Content-Type": f"text/html; charset={encoding}"} if draw(st.booleans()) else {}
    return HtmlResponse("https://x.org/a/", body=body, headers=headers)


@PROPERTY
@given(pages())
def test_a_page_passed_over_for_a_meta_refresh_has_none_scrapy_would_follow(response):
    if not may_declare_refresh(response):
        assert get_meta_refresh(response) == (None, None)


def test_a_refresh_far_into_a_page_of_wide_characters_is_still_found():
    text = "日" * 4000 + REFRESH.format("Refresh")  # the tag starts 12,000 bytes in
    response = HtmlResponse("https://x.org/a/", body=text.encode(), encoding="utf-8")
    assert get_meta_refresh(response) == (0.0, "https://x.org/elsewhere/")
    assert may_declare_refresh(response)


def as_crawled(golden: dict[str, Any]) -> dict[str, Any]:
    """A golden record as the crawl made it: its address and fetch time put back."""
    fetched_url = golden["fetched_url"].replace("{base_url}", "http://127.0.0.1:8000")
    return {**golden, "fetched_url": fetched_url, "fetched_at": "2026-01-01T00:00:00Z"}


GOLDEN_RECORDS = [
    as_crawled(json.loads(line))
    for path in sorted(FIXTURES.glob("*/crawl/expected.jsonl"))
    for line in path.read_text().splitlines()
]
ODD_VALUES = [None, "", " x", "x", "12", "2016-05-21", 0, 3, True, [], ["a", "a"], {}, {"url": 1}]


def shapes(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One record of each shape: which fields are null, and whether it has images."""
    by_shape = {(*(v is None for v in r.values()), bool(r["images"])): r for r in records}
    return list(by_shape.values())


def test_the_compiled_check_passes_exactly_the_records_jsonschema_passes():
    validator = article_validator()
    records = [*GOLDEN_RECORDS]
    for record in shapes(GOLDEN_RECORDS):
        for field in record:
            records += [{**record, field: value} for value in ODD_VALUES]
        for image in record["images"]:
            records += [{**record, "images": [{**image, key: None}]} for key in image]
    verdicts = [validator.is_valid(record) for record in records]
    assert all(verdicts[: len(GOLDEN_RECORDS)])
    assert len(shapes(GOLDEN_RECORDS)) > 3
    assert [is_valid_article(record) for record in records] == verdicts


def decodes_strictly(response: HtmlResponse) -> bool:
    """The long way :func:`text_decodes_cleanly` skips: the whole body decoded, strictly."""
    try:
        response.body.decode(response.encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


BAD_BYTES = [b"\xff", b"\xc3", b"\x81", b"\xed\xa0\x80", b"\xe2\x80", b"\x00\xd8"]
"""Bytes invalid in some encodings: never in UTF-8, a cut sequence, undefined in cp1252, a
UTF-8 surrogate, half a character, a lone UTF-16 surrogate."""


@st.composite
def encoded_pages(draw: st.DrawFn) -> HtmlResponse:
    """A page in some encoding, its charset in the header, in the page or neither, as long
    as several of the slices :func:`is_utf8` checks; perhaps a bad byte put in anywhere,
    around a slice's end most often."""
    encoding = draw(st.sampled_from(["utf-8", "cp1252", "latin-1", "utf-16-le", "shift_jis"]))
    size = draw(st.sampled_from([0, 1, 3, 9000, 20000]))
    text = draw(PAGE_TEXT) * size + draw(st.text(min_size=1, max_size=20))
    declared = draw(st.sampled_from(["header", "meta", "none"]))
    meta = f'<meta charset="{encoding}">' if declared == "meta" else ""
    body = (meta + text).encode(encoding, "replace")
    if draw(st.booleans()):
        ends = [UTF8_CHECK_BYTES * n + d for n in (1, 2) for d in (-2, -1, 0, 1)]
        at = draw(st.sampled_from([*ends, len(body) // 2, len(body)]))
        body = body[:at] + draw(st.sampled_from(BAD_BYTES)) + body[at:]
    headers = {"Content-Type": f"text/html; charset={encoding}"} if declared == "header" else {}
    return HtmlResponse("https://x.org/a/", body=body, headers=headers)


@PROPERTY
@given(encoded_pages())
def test_a_page_is_taken_as_cleanly_decoded_exactly_when_a_strict_decode_succeeds(response):
    assert text_decodes_cleanly(response) == decodes_strictly(response)


FIXTURE_PAGES = sorted(FIXTURES.glob("**/*.html"))


@pytest.mark.parametrize("bad", [b"", *BAD_BYTES])
def test_each_fixture_page_with_or_without_a_bad_byte_is_judged_as_a_strict_decode_judges(bad):
    assert len(FIXTURE_PAGES) > 100
    for path in FIXTURE_PAGES:
        page = path.read_bytes()
        for at in {len(page) // 2, min(len(page), UTF8_CHECK_BYTES - 1)}:
            response = HtmlResponse(f"https://x.org/{path.name}", body=page[:at] + bad + page[at:])
            assert text_decodes_cleanly(response) == decodes_strictly(response), path


def parsed(selector: Selector) -> tuple[bytes, str | None, str, list[type]]:
    """What a selector's tree says: its markup (doctype included), its URL, its type, the
    class of each of its nodes."""
    tree = selector.root.getroottree()
    nodes = [*selector.root.itersiblings(preceding=True), *tree.iter()]
    return etree.tostring(tree), tree.docinfo.URL, selector.type, [type(n) for n in nodes]


def assert_parsed_as_scrapy_parses(response: TextResponse) -> None:
    """:func:`page_selector` and :func:`page_base_url` give what the long way they skip
    gives: Scrapy's ``response.selector`` and ``get_base_url`` of a fresh copy."""
    long_way = response.replace()
    short_way = response.replace()
    assert page_base_url(short_way) == get_base_url(long_way)
    assert parsed(page_selector(short_way)) == parsed(long_way.selector)
    assert short_way.selector is page_selector(short_way)  # kept for what asks next


ENDS = ["", " \n", "\x00", " \x00", "\x00 ", "\xa0", "\u2003", "\x1c", "\x85", "\ufeff", "<i>"]
"""What a page may start or end with: nothing, whitespace Python's and ASCII's
``strip`` agree on, a NUL (parsel strips the text, then drops its NULs), whitespace only
Python's knows, a character that is not whitespace (U+FEFF), markup."""
BASES = ["", "<base href='/b/'>", "<base href='https://y.org/c/d'>", "<base target=_top>"]


@st.composite
def pages_to_parse(draw: st.DrawFn) -> TextResponse:
    """A page in some encoding, with or without a byte order mark, a declared charset, a
    ``<base href>`` (before or after the first 4096 characters), NULs, odd whitespace at
    its ends, a bad byte anywhere; HTML, or text of no declared kind."""
    encoding = draw(st.sampled_from(["utf-8", "cp1252", "utf-16-le", "shift_jis"]))
    filler = draw(PAGE_TEXT) * draw(st.sampled_from([1, 50, 150]))
    template = draw(
        st.sampled_from(
            [
                "<html><head>{b}<title>t</title></head><body><p>{f}\x00</p>{f}</body></html>",
                "<p>{f}</p>{b}<FORM><Input><select></select>{f}<LABEL>a</label></form>",
                "{f}",
                "",
            ]
        )
    )
    text = template.format(f=filler, b=draw(st.sampled_from(BASES)))
    text = draw(st.sampled_from(ENDS)) + text + draw(st.sampled_from(ENDS))
    body = text.encode(encoding, "replace")
    if draw(st.booleans()):
        body = {"utf-8": b"\xef\xbb\xbf", "utf-16-le": b"\xff\xfe"}.get(encoding, b"") + body
    if draw(st.booleans()):
        at = draw(st.sampled_from([0, len(body) // 2, len(body)]))
        body = body[:at] + draw(st.sampled_from(BAD_BYTES)) + body[at:]
    headers = {"Content-Type": f"text/html; charset={encoding}"} if draw(st.booleans()) else {}
    response_class = draw(st.sampled_from([HtmlResponse, HtmlResponse, TextResponse]))
    return response_class("https://x.org/a/", body=body, headers=headers)


@PROPERTY
@given(pages_to_parse())
def test_a_page_parsed_from_its_bytes_is_the_page_scrapy_parses(response):
    assert_parsed_as_scrapy_parses(response)


REAL_PAGES = sorted(FIXTURES.glob("*/html/*.html.gz"))
"""The real-page corpora's pages, where ``python -m qa.copy_benchmarks`` copied them."""


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_page_with_anything_at_its_ends_is_parsed_as_scrapy_parses(bom):
    for start in ENDS:
        for end in ENDS:
            for page in ("<p>a b</p>", "a b", "<html><body>a</body></html>"):
                body = bom + f"{start}{page}{end}".encode()
                assert_parsed_as_scrapy_parses(HtmlResponse("https://x.org/", body=body))


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_base_href_about_the_4096th_character_is_read_as_scrapy_reads_it(bom):
    for before in range(4070, 4100):
        text = "é" * before + "<base href='/b/'><p>x</p>"
        assert_parsed_as_scrapy_parses(HtmlResponse("https://x.org/a/", body=bom + text.encode()))


def test_every_fixture_and_real_page_with_a_bom_or_a_bad_byte_is_parsed_as_scrapy_parses():
    assert len(FIXTURE_PAGES) > 100
    for path in FIXTURE_PAGES:
        page = path.read_bytes()
        for body in (page, b"\xef\xbb\xbf" + page, page[:999] + b"\xff" + page[999:]):
            assert_parsed_as_scrapy_parses(HtmlResponse(f"https://x.org/{path.name}", body=body))
    for path in REAL_PAGES:
        body = gzip.decompress(path.read_bytes())
        assert_parsed_as_scrapy_parses(HtmlResponse(f"https://x.org/{path.name}", body=body))


def test_a_selector_parsed_from_the_bytes_serves_what_asks_the_response_later():
    page = "<html><head><title>Café</title></head><body><a href='/x'>x</a></body></html>"
    response = HtmlResponse("https://x.org/a/", body=page.encode(), encoding="utf-8")
    selector = page_selector(response)
    assert response.selector is selector
    assert selector.response is response
    assert response.css("title::text").get() == "Café"
    assert response.urljoin("b") == "https://x.org/a/b"
    assert response.text == page
    drop_parsed_page(response)
    assert response.selector is not selector
    assert parsed(response.selector) == parsed(selector)
