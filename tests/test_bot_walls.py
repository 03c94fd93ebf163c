"""Bot walls (``crawler/runtime/bot_walls.py``): each vendor's challenge or block page is
named, and no real page is taken for one.

The real pages are every page of both real-page corpora (381) and every page of the
fixture sites: of all of them, only the three bot walls the date corpus holds are walls.
The vendors' pages (``tests/wall_pages.py``) are written after the markup of the real
pages; a wall served through a crawl is tested in ``test_faults.py`` (a 403) and
``test_quality_gate.py`` (the date corpus, 200).
"""

from __future__ import annotations

import gzip

import pytest

from crawler.runtime.bot_walls import MAX_WALL_WORDS, wall_vendor
from qa.corpus_crawl import CORPORA, corpus
from qa.fixtures import FIXTURES
from tests.wall_pages import (
    AKAMAI,
    CLOUDFLARE_BLOCK,
    CLOUDFLARE_CHALLENGE,
    DATADOME,
    JAVASCRIPT_SHELL,
    PERIMETERX,
    SUCURI,
)

DATE_CORPUS_WALLS = {
    ("publication-dates", "1566929327"): "incapsula",
    ("publication-dates", "1685121845"): "reblaze",
    ("publication-dates", "1685765130"): "incapsula",
}


@pytest.mark.parametrize(
    ("page", "headers", "vendor"),
    [
        (CLOUDFLARE_CHALLENGE, {b"cf-mitigated": b"challenge"}, "cloudflare"),
        (CLOUDFLARE_CHALLENGE, {}, "cloudflare"),
        (CLOUDFLARE_BLOCK, {}, "cloudflare"),
        (AKAMAI, {}, "akamai"),
        (DATADOME, {}, "datadome"),
        (PERIMETERX, {}, "perimeterx"),
        (SUCURI, {}, "sucuri"),
        (JAVASCRIPT_SHELL, {}, "generic"),
    ],
    ids=["cf-header", "cf-challenge", "cf-block", "akamai", "datadome", "px", "sucuri", "js"],
)
def test_a_wall_is_named_by_its_vendor(page, headers, vendor):
    assert wall_vendor(page, headers) == vendor


def test_a_protected_site_s_own_page_is_not_a_wall():
    """Protected sites load the vendor's script on their real pages too: with the page's
    text around it, it is an article."""
    script = b'<script src="/cdn-cgi/challenge-platform/h/b/scripts/jsd/main.js"></script>'
    words = b" ".join(b"word%d" % n for n in range(MAX_WALL_WORDS + 1))
    page = b"<html><body><h1>Budget passes</h1><p>" + words + b"</p>" + script + b"</body></html>"
    assert wall_vendor(page) is None
    assert wall_vendor(page, {b"cf-mitigated": b""}) is None


def real_pages():
    for name in CORPORA:
        for page_id in corpus(name).truth:
            yield (name, page_id), gzip.decompress(corpus(name).page_file(page_id).read_bytes())
    for path in sorted(FIXTURES.glob("*/site/**/index.html")):
        yield ("site", str(path.relative_to(FIXTURES))), path.read_bytes()


def test_no_real_page_is_a_wall_but_the_date_corpus_three():
    walls, pages = {}, 0
    for key, body in real_pages():
        pages += 1
        if vendor := wall_vendor(body):
            walls[key] = vendor
    assert walls == DATE_CORPUS_WALLS
    assert pages > 381
