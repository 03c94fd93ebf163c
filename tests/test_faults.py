"""Fault injection: the fixture archive served with one fault at a time, crawled for real.

Each test runs ``scrapy crawl aawsat`` in a subprocess against :class:`FaultServer` with
one fault on one path, and checks that the crawl finishes, every article the fault does
not touch is emitted, and the fault is counted in the stats under its kind and logged.
"""

from __future__ import annotations

import gzip
import json
import socket
from pathlib import Path

import pytest
from scrapy import Request, signals
from scrapy.downloadermiddlewares.httpcompression import ACCEPTED_ENCODINGS
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from twisted.internet import error as twisted_errors

from crawler.reporting import stats_keys
from crawler.runtime.middlewares import (
    HostUnreachable,
    UnreachableHostMiddleware,
    charset_fault,
    decoded_as_crawled,
)
from qa.fixtures import FIXTURES, CrawlResult, crawl_golden_files, run_crawl
from tests.fault_server import (
    Fault,
    FaultServer,
    closed_early,
    redirect,
    reset,
    send,
    serve,
    slow,
    status,
    truncated,
)
from tests.wall_pages import CLOUDFLARE_CHALLENGE

MIRROR = FIXTURES / "aawsat" / "site"
PUBLIC = "https://eng-archive.aawsat.com"
EXPECTED_JSONL, EXPECTED_STATS = crawl_golden_files("aawsat")
GOLDEN_RECORDS = {
    record["url"]: record for record in map(json.loads, EXPECTED_JSONL.read_text().splitlines())
}
HEALTHY_STATS = json.loads(EXPECTED_STATS.read_text())

ONLY_IN_SITEMAP = "/theaawsat/world/davos-panel-weighs-the-future-of-global-trade/"
"""Listed in ``post-sitemap.xml`` and linked from nowhere (fixtures/aawsat/README.md)."""
ARTICLE = "/diana-moukalled/opinion/when-the-rubbish-piles-up/"
"""The faulty article of most tests: linked from listings and the post sitemap, no alias."""
NON_ASCII_ARTICLE = "/omar-nasser/world/finance-ministers-gather-in-shanghai-as-markets-wobble/"
"""A page with ``<meta charset="UTF-8">`` and typographic quotes: charset faults show."""
RETRY_TIMES = 3
ATTEMPTS = RETRY_TIMES + 1
ALL_ATTEMPTS = 2 * ATTEMPTS
"""A page failing for good in a way that may pass: its attempts, then as many in the one
late round (crawler/spiders/late_retries.py)."""


def page(path: str) -> bytes:
    return (MIRROR / path.strip("/") / "index.html").read_bytes()


def crawl(
    tmp_path: Path, faults: dict[str, Fault], *settings: str
) -> tuple[CrawlResult, FaultServer]:
    server = FaultServer(MIRROR, faults)
    with server.running():
        result = run_crawl(
            "aawsat",
            server.base_url,
            tmp_path,
            "-s",
            f"RETRY_TIMES={RETRY_TIMES}",
            "-s",
            "ARCHIVE_COVERAGE_DIR=",
            "-s",
            "ARCHIVE_LATE_RETRY_DELAY=0",  # the late round as soon as the crawl is idle
            *settings,
        )
    assert result.returncode == 0, result.log[-4000:]
    assert result.report["finish_reason"] == "finished"
    return result, server


def emitted(result: CrawlResult) -> set[str]:
    urls = [json.loads(line)["url"] for line in result.output.splitlines()]
    assert len(urls) == len(set(urls)), "an article was emitted twice"
    return set(urls)


def all_but(*paths: str) -> set[str]:
    return set(GOLDEN_RECORDS) - {PUBLIC + path for path in paths}


def stat(result: CrawlResult, key: str) -> int:
    return result.report["stats"].get(key, 0)


def logged(result: CrawlResult, *parts: str) -> bool:
    """Some log line above DEBUG holds every one of ``parts``."""
    return any(
        all(part in line for part in parts) and "DEBUG" not in line
        for line in result.log.splitlines()
    )


# -- HTTP statuses ---------------------------------------------------------------------


@pytest.mark.parametrize("code", [500, 503])
def test_a_server_error_that_recovers_after_retries_loses_nothing(tmp_path, code):
    result, server = crawl(tmp_path, {ARTICLE: status(code, times=2)})
    assert emitted(result) == set(GOLDEN_RECORDS)
    assert server.attempts[ARTICLE] == 3
    assert stat(result, f"{stats_keys.FAULTS_HTTP}{code}") == 2
    assert logged(result, f"HTTP {code} from", ARTICLE, "will retry")


def test_a_permanent_500_is_given_up_after_the_retries(tmp_path):
    result, server = crawl(tmp_path, {ARTICLE: status(500)})
    assert emitted(result) == all_but(ARTICLE)
    assert server.attempts[ARTICLE] == ALL_ATTEMPTS
    assert stat(result, "faults/http/500") == ALL_ATTEMPTS
    assert stat(result, stats_keys.LATE_RETRY_HELD) == 1
    assert stat(result, stats_keys.LATE_RETRY_RECOVERED) == 0
    assert stat(result, f"{stats_keys.ARTICLES_FAILED}http_500") == 1
    assert logged(result, "HTTP 500 from", ARTICLE, "not retried")
    assert logged(result, "Gave up retrying", ARTICLE)
    assert logged(result, "Article page failed (http_500): asked again when the crawl", ARTICLE)


def test_an_outage_longer_than_the_retries_costs_no_article(tmp_path):
    """The page fails all its retries (a site restarting), and is fetched when asked again
    at the end of the crawl, ARCHIVE_LATE_RETRY_DELAY after that last failure."""
    result, server = crawl(
        tmp_path, {ARTICLE: status(503, times=ATTEMPTS)}, "-s", "ARCHIVE_LATE_RETRY_DELAY=1"
    )
    assert emitted(result) == set(GOLDEN_RECORDS)
    times = [r.at for r in server.requests if r.path == ARTICLE]
    assert len(times) == ATTEMPTS + 1
    assert times[-1] - times[-2] >= 1.0
    assert stat(result, stats_keys.LATE_RETRY_HELD) == 1
    assert stat(result, stats_keys.LATE_RETRY_RECOVERED) == 1
    assert stat(result, f"{stats_keys.ARTICLES_FAILED}http_503") == 0
    assert logged(result, "Nothing else to fetch: waiting", "s to ask again 1 page(s) that failed")
    assert logged(result, "Asking again 1 page(s) that failed earlier")
    assert "pages asked again at the end (their retries failed): 1" in result.report["report"]
    assert "pages asked again and fetched: 1" in result.report["report"]


def test_a_429_is_retried_after_its_retry_after(tmp_path):
    result, server = crawl(tmp_path, {ARTICLE: status(429, times=1, headers={"Retry-After": "2"})})
    assert emitted(result) == set(GOLDEN_RECORDS)
    first, second = (r.at for r in server.requests if r.path == ARTICLE)
    assert second - first >= 1.9
    assert stat(result, "faults/http/429") == 1
    assert stat(result, stats_keys.FAULTS_RETRY_AFTER) == 1
    assert logged(result, "Waiting 2.0 s before retrying", ARTICLE)


def test_a_bot_wall_is_not_retried_and_is_listed_as_blocked(tmp_path):
    """Cloudflare's "Just a moment..." comes with a 503 that would be retried three times;
    a wall is named instead, and the coverage report calls the article unavailable."""
    wall = serve(
        CLOUDFLARE_CHALLENGE,
        {"Content-Type": "text/html; charset=UTF-8", "cf-mitigated": "challenge"},
        code=503,
    )
    result, server = crawl(tmp_path, {ARTICLE: wall}, "-s", f"ARCHIVE_COVERAGE_DIR={tmp_path}")
    assert emitted(result) == all_but(ARTICLE)
    assert server.attempts[ARTICLE] == 1
    assert stat(result, f"{stats_keys.FAULTS_BOT_WALL}cloudflare") == 1
    assert stat(result, f"{stats_keys.ARTICLES_BLOCKED}cloudflare") == 1
    assert stat(result, f"{stats_keys.FAULTS_HTTP}503") == 0
    assert logged(result, "Bot wall (cloudflare) instead of the page at", ARTICLE)
    assert f"  {PUBLIC}{ARTICLE} (cloudflare)" in result.report["report"]
    coverage = json.loads((tmp_path / "aawsat.json").read_text())
    outcomes = {e["url"]: (e["status"], e["outcome"]) for e in coverage["not_in_output"]}
    assert outcomes[PUBLIC + ARTICLE] == ("unavailable", "blocked:cloudflare")


def test_a_listing_page_failing_all_its_retries_is_asked_again_and_read(tmp_path):
    """Lost, a section's listing page would take along the older pages it leads to."""
    listing = "/category/features/page/2/"
    result, server = crawl(tmp_path, {listing: status(503, times=ATTEMPTS)})
    assert emitted(result) == set(GOLDEN_RECORDS)
    assert server.attempts[listing] == ATTEMPTS + 1
    assert stat(result, stats_keys.LATE_RETRY_HELD) == 1
    assert stat(result, stats_keys.LATE_RETRY_RECOVERED) == 1
    assert logged(result, "Listing page failed (http_503): asked again", listing)


# -- transport -------------------------------------------------------------------------


def test_a_response_slower_than_the_download_timeout_is_retried(tmp_path):
    result, server = crawl(tmp_path, {ARTICLE: slow(2.5, times=2)}, "-s", "DOWNLOAD_TIMEOUT=1")
    assert emitted(result) == set(GOLDEN_RECORDS)
    assert server.attempts[ARTICLE] == 3
    assert stat(result, "faults/download/timeout") == 2
    assert logged(result, "Download failed (timeout)", ARTICLE, "will retry")


def test_a_reset_connection_is_counted_and_the_crawl_goes_on(tmp_path):
    result, server = crawl(tmp_path, {ARTICLE: reset()})
    assert emitted(result) == all_but(ARTICLE)
    assert server.attempts[ARTICLE] == ALL_ATTEMPTS
    assert stat(result, "faults/download/connection_lost") == ALL_ATTEMPTS
    assert logged(result, "Download failed (connection_lost)", ARTICLE)


def test_a_body_shorter_than_its_content_length_is_counted(tmp_path):
    result, _ = crawl(tmp_path, {ARTICLE: truncated(page(ARTICLE))})
    assert emitted(result) == all_but(ARTICLE)
    assert stat(result, "faults/download/data_loss") == ALL_ATTEMPTS
    assert logged(result, "Download failed (data_loss)", ARTICLE)


# -- redirects -------------------------------------------------------------------------


def test_a_redirect_loop_is_counted_not_silently_dropped(tmp_path):
    other = "/diana-moukalled/opinion/when-the-rubbish-piles-up-2/"
    result, server = crawl(tmp_path, {ARTICLE: redirect(other), other: redirect(ARTICLE)})
    assert emitted(result) == all_but(ARTICLE)
    assert server.paths().count(ARTICLE) == 1
    assert stat(result, stats_keys.FAULTS_REDIRECT_LOOP) == 1
    assert logged(result, "Redirect loop", other, ARTICLE)
    assert stat(result, "articles/failed/redirect_loop") == 1  # was .../IgnoreRequest


def test_a_redirect_chain_over_the_limit_is_counted(tmp_path):
    hops = {f"/chain/{n}/": redirect(f"/chain/{n + 1}/") for n in range(12)}
    result, server = crawl(tmp_path, {ARTICLE: redirect("/chain/0/"), **hops})
    assert emitted(result) == all_but(ARTICLE)
    assert "/chain/10/" not in server.paths()
    assert stat(result, stats_keys.FAULTS_REDIRECT_TOO_MANY) == 1
    assert logged(result, "Gave up after 10 redirects", "/chain/9/")
    assert stat(result, "articles/failed/too_many_redirects") == 1


def test_a_redirect_to_another_host_is_refused(tmp_path):
    # The same server under another name: had the redirect been followed, it would show.
    def to_localhost(handler, attempt: int) -> bool:
        port = handler.server.server_address[1]
        send(handler, 302, headers={"Location": f"http://localhost:{port}{ARTICLE}"})
        return True

    result, server = crawl(
        tmp_path, {ARTICLE: to_localhost}, "-s", f"ARCHIVE_COVERAGE_DIR={tmp_path / 'cov'}"
    )
    assert emitted(result) == all_but(ARTICLE)
    assert [r for r in server.requests if not r.host.startswith("127.0.0.1")] == []
    assert stat(result, "faults/off_site/redirect") == 1
    assert logged(result, "Refused an off-site redirect", "localhost")
    # The listed article failed, by name: it was missing as not_reached, uncounted.
    assert stat(result, "articles/failed/off_site_redirect") == 1
    assert logged(
        result, "Article page failed (off_site_redirect)", "(redirected to http://localhost"
    )
    coverage = json.loads((tmp_path / "cov" / "aawsat.json").read_text())
    assert [e["outcome"] for e in coverage["not_in_output"] if e["url"] == PUBLIC + ARTICLE] == [
        "failed:off_site_redirect"
    ]


def test_a_site_whose_home_page_redirects_to_another_site_and_gives_nothing_has_moved(
    tmp_path,
):
    """The home page redirecting to another host, and nothing else to read (the site
    moved to a new domain, a new CMS): the crawl says so, with the ways on, and exits 1,
    where it ended as a zero-article run among WARNING lines."""
    moved = {"/": redirect("http://localhost:1/english/")}
    moved |= {
        path: status(404) for path in ("/robots.txt", "/sitemap_index.xml", "/wp-sitemap.xml")
    }
    server = FaultServer(MIRROR, moved)
    with server.running():
        result = run_crawl("aawsat", server.base_url, tmp_path, "-s", "ARCHIVE_COVERAGE_DIR=")
    assert result.returncode == 1
    assert stat(result, "failures/site_moved") == 1
    assert logged(
        result,
        "ERROR",
        "The site's home page redirects to another site, http://localhost:1/english/",
        "-a base_url=http://localhost:1/",
        "(-a source=wayback)",
    )


def test_a_home_page_redirecting_elsewhere_is_no_move_when_the_articles_are_found(tmp_path):
    # A home page that sends readers to another domain (a regional edition) while the
    # site's sitemaps and articles are where they were: refused, counted, no failure.
    result, _ = crawl(tmp_path, {"/": redirect("http://localhost:1/english/")})
    assert emitted(result) == set(GOLDEN_RECORDS)
    assert stat(result, "faults/off_site/redirect") == 1
    assert stat(result, "failures/site_moved") == 0


def test_a_redirect_or_meta_refresh_to_another_port_of_the_same_host_is_refused(tmp_path):
    # The same host, another port: a listener there must receive nothing, not even robots.txt.
    listener = FaultServer(MIRROR)
    with listener.running():
        elsewhere = listener.base_url.rstrip("/")
        refresh = page(NON_ASCII_ARTICLE).replace(
            b"<head>",
            f'<head><meta http-equiv="refresh" content="0; url={elsewhere}/x/">'.encode(),
            1,
        )

        def to_other_port(handler, attempt: int) -> bool:
            send(handler, 302, headers={"Location": f"{elsewhere}{ARTICLE}"})
            return True

        faults = {
            ARTICLE: to_other_port,
            NON_ASCII_ARTICLE: serve(refresh, {"Content-Type": "text/html; charset=UTF-8"}),
        }
        result, _ = crawl(tmp_path, faults)
    assert listener.requests == []
    assert emitted(result) == all_but(ARTICLE, NON_ASCII_ARTICLE)
    assert stat(result, "faults/off_site/redirect") == 2
    assert logged(result, "Refused an off-site redirect", elsewhere)


MOVED_STORY = "/theaawsat/news-middle-east/mosul-families-return-to-damaged-homes/"
"""An article of the fixture archive served as a refresh stub, the story at another path."""


def with_head(body: bytes, markup: str) -> bytes:
    return body.replace(b"<head>", f"<head>{markup}".encode(), 1)


def test_a_page_to_read_is_read_and_its_delayed_meta_refresh_not_followed(tmp_path):
    """A story whose page goes back to the front page after 30 s: a browser shows the
    story meanwhile, and Scrapy followed the refresh (any under METAREFRESH_MAXDELAY), the
    story lost. A stub that waits 5 s before sending its reader on still leads there."""
    html = {"Content-Type": "text/html; charset=UTF-8"}
    to_front = with_head(page(ARTICLE), '<meta http-equiv="refresh" content="30; url=/">')
    stub = with_head(
        b"<html><head></head><body><p>This story has moved. You will be taken to its new"
        b" address in five seconds.</p></body></html>",
        f'<meta http-equiv="refresh" content="5; url=/moved{MOVED_STORY}">',
    )
    faults = {
        ARTICLE: serve(to_front, html),
        MOVED_STORY: serve(stub, html),
        f"/moved{MOVED_STORY}": serve(page(MOVED_STORY), html),
    }
    result, server = crawl(tmp_path, faults)
    assert emitted(result) == set(GOLDEN_RECORDS)
    assert title_and_body(result, ARTICLE) == golden_title_and_body(ARTICLE)
    assert title_and_body(result, MOVED_STORY) == golden_title_and_body(MOVED_STORY)
    assert server.attempts[f"/moved{MOVED_STORY}"] == 1
    assert stat(result, stats_keys.FAULTS_CONTENT_REFRESH_NOT_FOLLOWED) == 1
    assert logged(result, "A page to read at", ARTICLE, "refreshes after 30 s to", "not followed")


def test_a_stub_is_refreshed_by_its_refresh_header_and_a_page_to_read_is_read(tmp_path):
    """The HTTP ``Refresh`` header, the header form of a meta refresh: Scrapy ignores it,
    and the stub carrying it was read as a page without an article, its story never
    fetched. A page to read that carries one is read as before (its target named)."""
    html = {"Content-Type": "text/html; charset=UTF-8"}
    stub = b"<html><body><p>Redirecting...</p></body></html>"
    faults = {
        MOVED_STORY: serve(stub, {**html, "Refresh": f"0; url=/moved{MOVED_STORY}"}),
        f"/moved{MOVED_STORY}": serve(page(MOVED_STORY), html),
        ARTICLE: serve(page(ARTICLE), {**html, "Refresh": "0; url=/elsewhere/"}),
    }
    result, server = crawl(tmp_path, faults)
    assert emitted(result) == set(GOLDEN_RECORDS)
    assert title_and_body(result, MOVED_STORY) == golden_title_and_body(MOVED_STORY)
    assert title_and_body(result, ARTICLE) == golden_title_and_body(ARTICLE)
    assert server.attempts[f"/moved{MOVED_STORY}"] == 1
    assert "/elsewhere/" not in server.paths()
    assert stat(result, stats_keys.FAULTS_CONTENT_REFRESH_NOT_FOLLOWED) == 1
    assert logged(
        result, "A page to read at", ARTICLE, "/elsewhere/", "Refresh header not followed"
    )


# -- sizes and encodings ---------------------------------------------------------------


def test_a_page_over_the_size_cap_is_not_downloaded(tmp_path):
    huge = page(ARTICLE).replace(b"</body>", b"<!--" + b"x" * (10 * 1024 * 1024) + b"--></body>")
    result, _ = crawl(tmp_path, {ARTICLE: serve(huge, {"Content-Type": "text/html"})})
    assert emitted(result) == all_but(ARTICLE)
    assert stat(result, "faults/download/too_large") == 1
    assert logged(result, "Download failed (too_large)", ARTICLE)


def test_a_gzip_bomb_is_stopped_at_the_size_cap(tmp_path):
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100_000
    headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
    result, _ = crawl(tmp_path, {ARTICLE: serve(bomb, headers)})
    assert emitted(result) == all_but(ARTICLE)
    assert stat(result, stats_keys.FAULTS_DECOMPRESSION) == 1
    assert logged(result, "exceeded DOWNLOAD_MAXSIZE", ARTICLE)


GZIP = {"Content-Type": "text/html", "Content-Encoding": "gzip"}


CODED_ARTICLES = (
    ARTICLE,
    NON_ASCII_ARTICLE,
    MOVED_STORY,
    ONLY_IN_SITEMAP,
)
"""An article for each content coding Scrapy decodes (gzip, deflate, br, zstd)."""


def test_a_body_said_to_be_compressed_that_is_not_is_read_as_it_came(tmp_path):
    """A misconfigured server's page, not compressed, its header saying gzip, deflate, br
    or zstd: Scrapy failed on it (BadGzipFile, zlib's or brotli's ``error``, ZstdError)
    after every retry, and the article was lost."""
    codings = [coding.decode() for coding in ACCEPTED_ENCODINGS]
    coded = dict(zip(CODED_ARTICLES, codings, strict=False))
    faults = {
        path: serve(page(path), {"Content-Type": "text/html", "Content-Encoding": coding})
        for path, coding in coded.items()
    }
    result, _ = crawl(tmp_path, faults)
    assert emitted(result) == set(GOLDEN_RECORDS)
    for path, coding in coded.items():
        assert title_and_body(result, path) == golden_title_and_body(path)
        assert logged(result, f"Said to be {coding}, not compressed at", path)
    assert stat(result, stats_keys.FAULTS_CONTENT_NOT_COMPRESSED) == len(coded)


def test_a_gzip_body_cut_short_is_retried_and_never_kept(tmp_path):
    """Its length right (no data loss for the download), its stream cut: Scrapy gave the
    part it could read, and the record held the first paragraph of the story."""
    cut = gzip.compress(page(ARTICLE))[:-300]
    result, _ = crawl(tmp_path, {ARTICLE: serve(cut, GZIP)})
    assert emitted(result) == all_but(ARTICLE)
    assert stat(result, stats_keys.FAULTS_DOWNLOAD_TRUNCATED_GZIP) == ATTEMPTS
    assert stat(result, f"{stats_keys.ARTICLES_FAILED}truncated_gzip") == 1
    assert logged(result, "Gzip body cut short at", ARTICLE, "the partial page is not kept")


def test_invalid_utf8_is_counted_and_the_article_kept(tmp_path):
    broken = page(ARTICLE).replace(b"</title>", b" \xff\xfe</title>", 1)
    result, _ = crawl(tmp_path, {ARTICLE: serve(broken, {"Content-Type": "text/html"})})
    assert emitted(result) == set(GOLDEN_RECORDS)
    assert stat(result, stats_keys.FAULTS_CONTENT_INVALID_BYTES) == 1
    assert logged(result, "Bytes not valid utf-8", ARTICLE)


def test_markup_nested_past_the_parsers_limit_is_counted_and_what_came_before_kept(tmp_path):
    """libxml2 stops at 2,048 levels of nesting (2,100 ``<span>`` left open after the
    story's first paragraph): the record keeps what was read, and the fault says the rest
    of the page is not."""
    first_paragraph_end = b"into the same square with the same demand.</p>"
    deep = page(ARTICLE).replace(first_paragraph_end, first_paragraph_end + b"<span>" * 2100, 1)
    result, _ = crawl(tmp_path, {ARTICLE: serve(deep, {"Content-Type": "text/html"})})
    assert emitted(result) == set(GOLDEN_RECORDS)
    assert title_and_body(result, ARTICLE) == (
        golden_title_and_body(ARTICLE)[0],
        golden_title_and_body(ARTICLE)[1].split("\n\n")[0],
    )
    assert stat(result, stats_keys.FAULTS_CONTENT_NESTED_TOO_DEEP) == 1
    assert logged(result, "nested 2048 levels deep", "the rest of the page is not read", ARTICLE)


@pytest.mark.parametrize(("pasted_end", "counted"), [("</body></html>", 1), ("</body>", 0)])
def test_a_document_end_in_the_middle_of_the_story_is_read_past(tmp_path, pasted_end, counted):
    """An ad's code, pasted with the end of its page, after the story's first paragraph:
    libxml2 stopped at its ``</html>`` (or closed the story's container at its
    ``</body>``), and the record held that paragraph alone, with nothing said. A browser
    reads on past them; so does the crawl, and counts an ``</html>`` (at a ``</body>``
    alone the page's text was all there)."""
    first_paragraph_end = b"into the same square with the same demand.</p>"
    pasted = f"<div class='ad'><script src='/ad.js'></script>{pasted_end}</div>".encode()
    early_end = page(ARTICLE).replace(first_paragraph_end, first_paragraph_end + pasted, 1)
    result, _ = crawl(tmp_path, {ARTICLE: serve(early_end, {"Content-Type": "text/html"})})
    assert emitted(result) == set(GOLDEN_RECORDS)
    assert title_and_body(result, ARTICLE) == golden_title_and_body(ARTICLE)
    assert stat(result, stats_keys.FAULTS_CONTENT_EARLY_HTML_END) == counted
    assert logged(result, "An </html> before the end of", ARTICLE, "read on past") == bool(counted)


def title_and_body(result: CrawlResult, path: str) -> tuple[str, str]:
    """The title and body of the record the crawl made of the page at ``path``."""
    records = map(json.loads, result.output.splitlines())
    record = next(r for r in records if r["url"] == PUBLIC + path)
    return record["title"], record["body"]


def golden_title_and_body(path: str) -> tuple[str, str]:
    golden = GOLDEN_RECORDS[PUBLIC + path]
    return golden["title"], golden["body"]


def test_a_charset_header_contradicting_the_meta_is_decoded_by_the_bytes(tmp_path):
    headers = {"Content-Type": "text/html; charset=ISO-8859-1"}
    result, _ = crawl(tmp_path, {NON_ASCII_ARTICLE: serve(page(NON_ASCII_ARTICLE), headers)})
    assert emitted(result) == set(GOLDEN_RECORDS)
    assert title_and_body(result, NON_ASCII_ARTICLE) == golden_title_and_body(NON_ASCII_ARTICLE)
    assert stat(result, stats_keys.FAULTS_CONTENT_CHARSET_CONFLICT) == 1
    assert stat(result, stats_keys.FAULTS_CONTENT_CHARSET_OVERRULED) == 0
    assert logged(result, "Charset conflict", NON_ASCII_ARTICLE, "decoding as utf-8")


UTF8_META = b'<meta charset="UTF-8" />'
"""How the fixture pages declare their charset."""
MOJIBAKE = ("Ã", "â€", "Â")
"""What "é", a curly quote and a no-break space look like when their UTF-8 is read as
windows-1252."""
LYING_CHARSETS = {
    # A page's <meta> copied from an older template: Scrapy and browsers follow it.
    "meta": (b'<meta charset="iso-8859-1" />', "text/html", "the <meta> says cp1252"),
    # Apache's old AddDefaultCharset ISO-8859-1 over a page with no <meta>.
    "header": (b"", "text/html; charset=ISO-8859-1", "the HTTP header says cp1252"),
}


@pytest.mark.parametrize("where", sorted(LYING_CHARSETS))
def test_a_legacy_charset_declared_over_utf8_bytes_is_overruled(tmp_path, where):
    meta, content_type, said = LYING_CHARSETS[where]
    lying = page(NON_ASCII_ARTICLE).replace(UTF8_META, meta, 1)
    faults = {NON_ASCII_ARTICLE: serve(lying, {"Content-Type": content_type})}
    result, _ = crawl(tmp_path, faults)
    assert emitted(result) == set(GOLDEN_RECORDS)
    title, body = title_and_body(result, NON_ASCII_ARTICLE)
    assert (title, body) == golden_title_and_body(NON_ASCII_ARTICLE)
    assert {"é", "\u2019"} <= set(body)
    assert not [mark for mark in MOJIBAKE if mark in title + body]
    assert stat(result, stats_keys.FAULTS_CONTENT_CHARSET_OVERRULED) == 1
    assert stat(result, stats_keys.FAULTS_CONTENT_CHARSET_CONFLICT) == 0
    assert stat(result, stats_keys.FAULTS_CONTENT_INVALID_BYTES) == 0
    assert logged(result, "Charset overruled", NON_ASCII_ARTICLE, said, "decoding as utf-8")


CAFE = "<p>Café “x”</p>"
UTF8_BOM = b"\xef\xbb\xbf"


def cafe(meta: str, encoding: str = "utf-8", bom: bytes = b"") -> bytes:
    """A small page in ``encoding`` declaring the charset ``meta`` (none if empty)."""
    tag = f'<meta charset="{meta}">' if meta else ""
    return bom + (tag + CAFE).encode(encoding)


OVERRULED = (stats_keys.FAULTS_CONTENT_CHARSET_OVERRULED, "utf-8")
CHARSET_DECISIONS = {
    # Both charsets of a conflict lie: one fault, the overruled one, naming both.
    "conflict, both lie": (cafe("windows-1252"), "ISO-8859-2", OVERRULED),
    # One charset of a conflict is right: the conflict, as before.
    "conflict, the meta right": (
        cafe("utf-8"),
        "ISO-8859-1",
        (stats_keys.FAULTS_CONTENT_CHARSET_CONFLICT, "utf-8"),
    ),
    "conflict, the header right": (
        cafe("utf-8", "cp1252"),
        "windows-1252",
        (stats_keys.FAULTS_CONTENT_CHARSET_CONFLICT, "cp1252"),
    ),
    # A <meta> saying UTF-16 in a page of UTF-8 (browsers read it as UTF-8 too).
    "utf-16 meta": (cafe("utf-16"), "", OVERRULED),
    # A byte order mark is the byte-level truth: never overruled, nor is a conflict.
    "bom": (cafe("", bom=UTF8_BOM), "ISO-8859-1", None),
    "bom, conflict": (cafe("windows-1252", bom=UTF8_BOM), "ISO-8859-1", None),
    "utf-8": (cafe("utf-8"), "utf-8", None),
    # No charset anywhere, bytes not UTF-8: guessed, and said so.
    "undeclared": (
        cafe("", "cp1252"),
        "",
        (stats_keys.FAULTS_CONTENT_CHARSET_UNDECLARED, "windows-1252"),
    ),
}


@pytest.mark.parametrize("case", sorted(CHARSET_DECISIONS))
def test_the_charset_a_page_is_decoded_with_is_settled_once(case):
    body, charset, expected = CHARSET_DECISIONS[case]
    content_type = f"text/html; charset={charset}" if charset else "text/html"
    page = HtmlResponse("https://x.org/", body=body, headers={"Content-Type": content_type})
    fault = charset_fault(page)
    assert (fault and (fault.key, fault.encoding)) == expected
    assert "Café “x”" in decoded_as_crawled(page).text


def test_a_page_declaring_no_charset_is_read_in_the_one_a_browser_would_use(tmp_path):
    """Scrapy decodes a page that declares no charset, and is not UTF-8, with
    charset_normalizer's best guess, which takes windows-1250 over windows-1252 when both
    read it ("Lefèvre" as "Lefčvre", "Peña" as "Peńa"); a browser reads it as
    windows-1252 (the HTML standard's default for an English page)."""
    names = ("Several officials played", "Several officials, Mme Lefèvre and Sr Peña, played")
    text = page(NON_ASCII_ARTICLE).replace(UTF8_META, b"", 1).decode().replace(*names)
    served = serve(text.encode("cp1252"), {"Content-Type": "text/html"})
    result, _ = crawl(tmp_path, {NON_ASCII_ARTICLE: served})
    assert emitted(result) == set(GOLDEN_RECORDS)
    title, body = golden_title_and_body(NON_ASCII_ARTICLE)
    assert title_and_body(result, NON_ASCII_ARTICLE) == (title, body.replace(*names))
    assert stat(result, stats_keys.FAULTS_CONTENT_CHARSET_UNDECLARED) == 1
    assert stat(result, stats_keys.FAULTS_CONTENT_INVALID_BYTES) == 0
    assert logged(result, "No charset declared", NON_ASCII_ARTICLE, "decoding as windows-1252")


def in_windows_1252(path: str) -> bytes:
    """The page as a site in windows-1252 serves it: its text in that charset, said so."""
    text = page(path).replace(UTF8_META, b'<meta charset="windows-1252" />', 1).decode()
    return text.encode("cp1252")


def in_ascii_declared_latin1(path: str) -> bytes:
    """A page of ASCII bytes only, declaring Latin-1 (which reads them as UTF-8 does)."""
    body = page(path).replace(UTF8_META, b'<meta charset="iso-8859-1" />', 1)
    assert body.isascii()
    return body


@pytest.mark.parametrize(
    ("path", "served"),
    [(NON_ASCII_ARTICLE, in_windows_1252), (ARTICLE, in_ascii_declared_latin1)],
    ids=["windows-1252", "ascii"],
)
def test_a_page_in_the_legacy_charset_it_declares_is_read_in_it(tmp_path, path, served):
    body = served(path)
    result, _ = crawl(tmp_path, {path: serve(body, {"Content-Type": "text/html"})})
    assert emitted(result) == set(GOLDEN_RECORDS)
    assert title_and_body(result, path) == golden_title_and_body(path)
    assert stat(result, stats_keys.FAULTS_CONTENT_CHARSET_OVERRULED) == 0
    assert stat(result, stats_keys.FAULTS_CONTENT_INVALID_BYTES) == 0
    assert not logged(result, "Charset")


def empty_for(attempts: int | None = None) -> Fault:
    """An empty HTML 200 for the first ``attempts`` requests (every one if ``None``)."""
    empty = serve(b"", {"Content-Type": "text/html"})

    def fault(handler, attempt: int) -> bool:
        return (attempts is None or attempt <= attempts) and empty(handler, attempt)

    return fault


def test_an_empty_200_fails_as_a_503_does_after_its_retries_and_the_late_round(tmp_path):
    """An overloaded server's blank 200, retried like a 503: once its retries were spent,
    the blank page was read, "not an article (plain_text)", and not asked again at the
    end. It is a failed article of its own kind, held for the late round like a 503; a
    page that answers in that round is read."""
    faults = {ARTICLE: empty_for(), NON_ASCII_ARTICLE: empty_for(ATTEMPTS)}
    result, server = crawl(tmp_path, faults, "-s", f"ARCHIVE_COVERAGE_DIR={tmp_path}")
    assert emitted(result) == all_but(ARTICLE)
    assert title_and_body(result, NON_ASCII_ARTICLE) == golden_title_and_body(NON_ASCII_ARTICLE)
    assert server.attempts[ARTICLE] == ALL_ATTEMPTS
    assert server.attempts[NON_ASCII_ARTICLE] == ATTEMPTS + 1
    assert stat(result, stats_keys.FAULTS_CONTENT_EMPTY) == ALL_ATTEMPTS + ATTEMPTS
    assert stat(result, stats_keys.LATE_RETRY_HELD) == 2
    assert stat(result, stats_keys.LATE_RETRY_RECOVERED) == 1
    assert stat(result, f"{stats_keys.ARTICLES_FAILED}empty_body") == 1
    assert stat(result, f"{stats_keys.PAGES_NOT_ARTICLE}plain_text") == 0
    assert logged(result, "Empty page", ARTICLE, "given up")
    assert logged(result, "Article page failed (empty_body): asked again when the crawl", ARTICLE)
    assert logged(result, "WARNING", "Article page failed (empty_body):", ARTICLE)
    coverage = json.loads((tmp_path / "aawsat.json").read_text())
    outcomes = {e["url"]: e["outcome"] for e in coverage["not_in_output"]}
    assert outcomes[PUBLIC + ARTICLE] == "failed:empty_body"
    assert PUBLIC + NON_ASCII_ARTICLE not in outcomes


def test_a_non_html_page_at_an_article_url_is_counted(tmp_path):
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
    result, _ = crawl(tmp_path, {ARTICLE: serve(pdf, {"Content-Type": "application/pdf"})})
    assert emitted(result) == all_but(ARTICLE)
    assert stat(result, stats_keys.PAGES_NOT_HTML) == 1
    assert logged(result, "Not an HTML page at an article URL", ARTICLE)


def test_a_file_served_as_html_is_not_read_as_a_page(tmp_path):
    """An image where the article should be, its server calling it HTML: it was decoded as
    text (a charset guessed, bytes replaced), trafilatura logged ERROR lines and the record
    was dropped as ``empty_body``; it is a file, counted and named."""
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) * 40 + b"\xff\xd9"
    result, _ = crawl(tmp_path, {ARTICLE: serve(jpeg, {"Content-Type": "text/html"})})
    assert emitted(result) == all_but(ARTICLE)
    assert stat(result, stats_keys.FAULTS_CONTENT_FILE_AS_TEXT) == 1
    assert stat(result, stats_keys.PAGES_NOT_HTML) == 1
    assert logged(result, "served as text/html at", ARTICLE, "not read as a page")
    assert not logged(result, "trafilatura")


XHTML_DOCTYPE = (
    b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
    b'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'
)


@pytest.mark.parametrize(
    ("served", "read"),
    [
        (lambda: b"%PDF-1.4\n%%EOF\n", False),
        (lambda: page(ARTICLE), True),
        # No "<html>" nor "<!doctype html>" as Scrapy looks for them: a text response.
        (lambda: page(ARTICLE).replace(b"<!DOCTYPE html>", XHTML_DOCTYPE, 1), True),
        # A control byte in its first 5,000: Scrapy took it for a file (a plain response).
        (lambda: page(ARTICLE).replace(b"<head>", b"<head>\x00", 1), True),
    ],
    ids=["a file", "an HTML page", "an XHTML page", "a page with a NUL"],
)
def test_an_untyped_response_is_read_when_it_is_an_html_page(tmp_path, served, read):
    """A server that calls every file ``application/octet-stream``: a PDF stays a file,
    an HTML page is read (the page was not an article before, and its record lost)."""
    untyped = {"Content-Type": "application/octet-stream"}
    result, _ = crawl(tmp_path, {ARTICLE: serve(served(), untyped)})
    assert emitted(result) == (set(GOLDEN_RECORDS) if read else all_but(ARTICLE))
    assert stat(result, stats_keys.FAULTS_CONTENT_UNTYPED_HTML) == (1 if read else 0)
    assert stat(result, stats_keys.PAGES_NOT_HTML) == (0 if read else 1)
    if read:
        assert title_and_body(result, ARTICLE) == golden_title_and_body(ARTICLE)
        assert logged(result, "An HTML page served as application/octet-stream", ARTICLE)


def test_a_page_cut_short_with_its_connection_is_retried_and_read_whole(tmp_path):
    """No ``Content-Length`` and the connection closed two thirds in: the record held the
    page's first paragraphs, the last cut mid-word, without a word said. The page ends
    without its ``</body>`` or ``</html>``: it is retried, and read whole."""
    result, server = crawl(tmp_path, {ARTICLE: closed_early(page(ARTICLE), times=1)})
    assert emitted(result) == set(GOLDEN_RECORDS)
    assert title_and_body(result, ARTICLE) == golden_title_and_body(ARTICLE)
    assert server.attempts[ARTICLE] == 2
    assert stat(result, stats_keys.FAULTS_DOWNLOAD_CUT_SHORT) == 1
    assert logged(result, "Page cut short at", ARTICLE, "will retry")


def test_a_page_cut_short_on_every_attempt_is_kept_and_said(tmp_path):
    result, server = crawl(tmp_path, {ARTICLE: closed_early(page(ARTICLE))})
    assert emitted(result) == set(GOLDEN_RECORDS)
    assert server.attempts[ARTICLE] == ATTEMPTS
    assert stat(result, stats_keys.FAULTS_DOWNLOAD_CUT_SHORT) == ATTEMPTS
    assert logged(result, "Page cut short at", ARTICLE, "kept as it came, its end missing")


def test_a_whole_page_without_a_content_length_is_read_once(tmp_path):
    """A body that ends with its connection is HTTP/1.0's way, and a page whose HTML
    ends is whole: not retried."""

    def untruncated(handler, attempt: int) -> bool:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=UTF-8")
        handler.end_headers()
        handler.wfile.write(page(ARTICLE))
        handler.close_connection = True
        return True

    result, server = crawl(tmp_path, {ARTICLE: untruncated})
    assert title_and_body(result, ARTICLE) == golden_title_and_body(ARTICLE)
    assert server.attempts[ARTICLE] == 1
    assert stat(result, stats_keys.FAULTS_DOWNLOAD_CUT_SHORT) == 0


# -- sitemaps and robots.txt -----------------------------------------------------------

XML = {"Content-Type": "application/xml; charset=UTF-8"}


def test_a_cut_off_sitemap_is_counted_and_what_it_lists_still_crawled(tmp_path):
    whole = (MIRROR / "post-sitemap.xml").read_bytes()
    cut = whole[: whole.index(ONLY_IN_SITEMAP.encode()) + 200]
    result, _ = crawl(tmp_path, {"/post-sitemap.xml": serve(cut, XML)})
    assert emitted(result) == set(GOLDEN_RECORDS)
    assert stat(result, stats_keys.FAULTS_CONTENT_MALFORMED_XML) == 1
    assert logged(result, "Malformed XML in", "post-sitemap.xml")


def test_a_sitemap_that_is_not_xml_is_counted_and_the_site_still_crawled(tmp_path):
    garbage = b"<html><body>Sitemap temporarily unavailable</body></html>"
    result, _ = crawl(tmp_path, {"/post-sitemap.xml": serve(garbage, XML)})
    assert emitted(result) == all_but(ONLY_IN_SITEMAP)
    assert stat(result, "sitemaps/invalid/not_a_sitemap") == 1
    assert logged(result, "Ignoring invalid sitemap", "post-sitemap.xml", "not_a_sitemap")


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml"])
def test_a_gzipped_sitemap_served_as_text_is_read(tmp_path, content_type):
    """A ``.xml.gz`` sitemap its server calls text or XML: gzip, but no file in disguise,
    and no malformed XML or invalid bytes either (both were logged and counted, the
    gzip's bytes checked as the XML's)."""
    index = (
        (MIRROR / "sitemap_index.xml")
        .read_bytes()
        .replace(b"post-sitemap.xml", b"post-sitemap.xml.gz")
    )
    posts = gzip.compress((MIRROR / "post-sitemap.xml").read_bytes())
    faults = {
        "/sitemap_index.xml": serve(index, XML),
        "/post-sitemap.xml.gz": serve(posts, {"Content-Type": content_type}),
    }
    result, _ = crawl(tmp_path, faults)
    assert emitted(result) == set(GOLDEN_RECORDS)
    assert stat(result, stats_keys.FAULTS_CONTENT_FILE_AS_TEXT) == 0
    # Its bytes are gzip's, not the XML's nor text's: no false alarm about either.
    assert stat(result, stats_keys.FAULTS_CONTENT_MALFORMED_XML) == 0
    assert stat(result, stats_keys.FAULTS_CONTENT_INVALID_BYTES) == 0


BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE urlset [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
 <url><loc>https://eng-archive.aawsat.com/theaawsat/world/&lol9;/</loc></url>
</urlset>
"""


def test_a_sitemap_with_an_entity_expansion_bomb_is_refused(tmp_path):
    result, _ = crawl(tmp_path, {"/post-sitemap.xml": serve(BILLION_LAUGHS, XML)})
    assert emitted(result) == all_but(ONLY_IN_SITEMAP)
    assert stat(result, stats_keys.FAULTS_CONTENT_XML_ENTITIES) == 1
    assert logged(result, "declares XML entities", "post-sitemap.xml")


def test_off_site_and_non_http_sitemap_entries_are_not_fetched(tmp_path):
    def index_with_strangers(handler, attempt: int) -> bool:
        port = handler.server.server_address[1]
        body = (
            (MIRROR / "sitemap_index.xml")
            .read_bytes()
            .replace(
                b"</sitemapindex>",
                f"<sitemap><loc>http://localhost:{port}/post-sitemap.xml</loc></sitemap>"
                "<sitemap><loc>ftp://ftp.example.org/post-sitemap.xml</loc></sitemap>"
                "</sitemapindex>".encode(),
            )
        )
        send(handler, 200, body, XML)
        return True

    def posts_with_stranger(handler, attempt: int) -> bool:
        port = handler.server.server_address[1]
        body = (
            (MIRROR / "post-sitemap.xml")
            .read_bytes()
            .replace(
                b"</urlset>",
                f"<url><loc>http://localhost:{port}{ARTICLE}x/</loc></url></urlset>".encode(),
            )
        )
        send(handler, 200, body, XML)
        return True

    result, server = crawl(
        tmp_path,
        {"/sitemap_index.xml": index_with_strangers, "/post-sitemap.xml": posts_with_stranger},
    )
    assert emitted(result) == set(GOLDEN_RECORDS)
    assert [r for r in server.requests if not r.host.startswith("127.0.0.1")] == []
    assert stat(result, "faults/off_site/request") == 1
    assert stat(result, stats_keys.FAULTS_BAD_SCHEME) == 1
    assert logged(result, "Refused an off-site request", "localhost", "post-sitemap.xml")
    assert logged(result, "Refused a ftp: URL")
    skipped = HEALTHY_STATS[stats_keys.SITEMAPS_SKIPPED_URLS] + 1
    assert stat(result, stats_keys.SITEMAPS_SKIPPED_URLS) == skipped
    assert logged(result, f"sitemap URLs skipped: {skipped}")


def test_a_section_disallowed_by_robots_txt_is_not_fetched(tmp_path):
    robots = (MIRROR / "robots.txt").read_bytes() + b"Disallow: /diana-moukalled/\n"
    robots = robots.replace(b"Sitemap:", b"Disallow: /diana-moukalled/\nSitemap:")
    result, server = crawl(tmp_path, {"/robots.txt": serve(robots, {"Content-Type": "text/plain"})})
    section = {url for url in GOLDEN_RECORDS if "/diana-moukalled/" in url}
    assert section
    assert emitted(result) == set(GOLDEN_RECORDS) - section
    assert [p for p in server.paths() if p.startswith("/diana-moukalled/")] == []
    assert (
        stat(result, stats_keys.ROBOTSTXT_FORBIDDEN) > HEALTHY_STATS[stats_keys.ROBOTSTXT_FORBIDDEN]
    )
    assert logged(result, "Forbidden by robots.txt", "/diana-moukalled/opinion/")


# -- links a page should never lead the crawler to -------------------------------------


def test_links_off_site_or_not_http_and_a_foreign_canonical_are_not_followed(tmp_path):
    def home_with_strangers(handler, attempt: int) -> bool:
        port = handler.server.server_address[1]
        links = "".join(
            f'<a href="{href}">x</a>'
            for href in (
                "file:///etc/passwd",
                f"ftp://127.0.0.1:{port}/theaawsat/world/a-file/",
                "mailto:desk@example.org",
                "javascript:alert(1)",
                "data:text/html,<p>hi</p>",
                f"http://localhost:{port}/theaawsat/world/elsewhere/",
                "//example.org/theaawsat/world/protocol-relative/",
            )
        )
        body = page("/").replace(b"</body>", links.encode() + b"</body>")
        send(handler, 200, body, {"Content-Type": "text/html; charset=UTF-8"})
        return True

    foreign_canonical = page(ARTICLE).replace(
        b"<head>", b'<head><link rel="canonical" href="https://example.org/stolen/" />', 1
    )
    result, server = crawl(
        tmp_path,
        {
            "/": home_with_strangers,
            ARTICLE: serve(foreign_canonical, {"Content-Type": "text/html"}),
        },
    )
    assert emitted(result) == set(GOLDEN_RECORDS)
    assert [r for r in server.requests if not r.host.startswith("127.0.0.1")] == []
    assert not [p for p in server.paths() if "a-file" in p or "elsewhere" in p]
    assert not [key for key in result.report["stats"] if key.startswith(stats_keys.FAULTS)]


def closed_port_url() -> str:
    """An address on loopback where nothing listens (a port just freed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def test_a_host_that_refuses_every_connection_is_given_up_after_one_request(tmp_path):
    """A mistyped address: each of the crawl's first requests (robots.txt twice, the home
    page, three fallback sitemaps) failed after all its retries, 24 attempts and 2 min 22
    s with AutoThrottle's delays. Now the first request's retries decide, once."""
    base_url = closed_port_url()
    host = base_url.removeprefix("http://").rstrip("/")
    result = run_crawl("aawsat", base_url, tmp_path, "-s", f"RETRY_TIMES={RETRY_TIMES}")

    # Nothing of the site was read: exit 1 (it was 0, "the site's fault, not the crawl's",
    # and a script went on as if the corpus were there).
    assert result.returncode == 1, result.log[-3000:]
    assert stat(result, "failures/site_unreachable") == 1
    assert logged(
        result,
        "ERROR",
        f"Cannot reach {host} (connection refused, {ATTEMPTS} attempts at {base_url}robots.txt)",
        "if the site is gone, read it from the Wayback Machine (-a source=wayback)",
    )
    assert stat(result, f"{stats_keys.FAULTS_UNREACHABLE_HOST}connection_refused") == 1
    assert stat(result, stats_keys.FAULTS_UNREACHABLE_HOST_DROPPED) >= 1
    # That line, not Scrapy's "Error downloading" and its traceback besides.
    assert "Traceback" not in result.log
    # The robots.txt attempts, and at most one more of each request already on its way.
    assert stat(result, f"{stats_keys.FAULTS_DOWNLOAD}connection_refused") < 2 * ATTEMPTS
    assert emitted(result) == set()


def test_a_host_that_answered_once_is_never_given_up_on():
    """A site that goes down mid-crawl is retried as before; only a host that never sent
    a response is given up on, and only for no connection at all (not a timeout)."""
    crawler = get_crawler()
    middleware = UnreachableHostMiddleware.from_crawler(crawler)
    answered, gone, slow = "http://a.test/", "http://b.test:8080/", "http://c.test/"
    crawler.signals.send_catch_log(signals.headers_received, request=Request(answered))

    for url, error in [
        (answered, twisted_errors.ConnectionRefusedError()),
        (gone, twisted_errors.DNSLookupError()),
        (slow, twisted_errors.TimeoutError()),
    ]:
        middleware.process_exception(Request(url + "page/"), error)

    assert middleware.process_request(Request(answered + "next/")) is None
    assert middleware.process_request(Request(slow + "next/")) is None
    with pytest.raises(HostUnreachable, match=r"b\.test:8080 is unreachable \(dns\)"):
        middleware.process_request(Request(gone + "next/"))
    assert crawler.stats is not None
    assert crawler.stats.get_value(f"{stats_keys.FAULTS_UNREACHABLE_HOST}dns") == 1
    assert crawler.stats.get_value(stats_keys.FAULTS_UNREACHABLE_HOST_DROPPED) == 1


@pytest.mark.parametrize("code", [503, 429])
def test_a_robots_txt_that_stays_unreachable_means_nothing_is_fetched(tmp_path, code):
    """RFC 9309: a robots.txt answering a server error is unreachable, and the crawler
    must assume complete disallow, not read the error page as rules that allow all."""
    server = FaultServer(MIRROR, {"/robots.txt": status(code)})
    with server.running():
        result = run_crawl("aawsat", server.base_url, tmp_path, "-s", f"RETRY_TIMES={RETRY_TIMES}")
    assert server.paths() == ["/robots.txt"] * (RETRY_TIMES + 1)
    assert emitted(result) == set()
    assert stat(result, stats_keys.ROBOTSTXT_UNREACHABLE) == 1
    robots_url = f"{server.base_url.rstrip('/')}/robots.txt"
    assert logged(result, "ERROR", f"robots.txt at {robots_url} answered HTTP {code}")
    assert logged(result, "WARNING", "Coverage: no sitemap, listing or URL list named an article")
    # Like any page the site fails to serve, not a failure of the crawl (README, Exit status).
    assert result.returncode == 0, result.log[-3000:]


def test_a_robots_txt_that_cannot_be_fetched_means_nothing_is_fetched(tmp_path):
    """A network error is unreachable too (RFC 9309 2.3.1.4): Scrapy took a robots.txt
    whose every connection was reset as no rules, and crawled the whole site."""
    server = FaultServer(MIRROR, {"/robots.txt": reset()})
    with server.running():
        result = run_crawl("aawsat", server.base_url, tmp_path, "-s", f"RETRY_TIMES={RETRY_TIMES}")
    assert set(server.paths()) == {"/robots.txt"}
    assert emitted(result) == set()
    assert stat(result, stats_keys.ROBOTSTXT_UNREACHABLE) == 1
    host = server.base_url.removeprefix("http://").rstrip("/")
    assert logged(result, "ERROR", f"robots.txt of {host} could not be fetched (connection lost)")
    assert "Traceback" not in result.log  # that line alone, not Scrapy's traceback besides
    assert result.returncode == 0, result.log[-3000:]


def test_a_robots_txt_that_recovers_within_the_retries_is_obeyed(tmp_path):
    result, server = crawl(tmp_path, {"/robots.txt": status(503, times=1)})
    assert server.attempts["/robots.txt"] == 2
    assert emitted(result) == set(GOLDEN_RECORDS)
    assert stat(result, stats_keys.ROBOTSTXT_UNREACHABLE) == 0
    assert (
        stat(result, stats_keys.ROBOTSTXT_FORBIDDEN)
        == HEALTHY_STATS[stats_keys.ROBOTSTXT_FORBIDDEN]
    )
