"""Extraction benchmark: per-page time of our aawsat profile next to the lxml parse floor
and trafilatura, on the fixture's article pages and on synthetic ones, in the same run.

    python -m bench.extract [--rounds 5] [--synthetic 300]

Each round times every method on every page, method after method (the rounds share the
machine's noise), each method's pages one after another, as a crawl's extraction worker
reads them; a page's time is its median over the rounds, and a set's figure is the mean
of its pages' times (what a crawl of that set would spend per page). Timed page by page
with the methods interleaved, each method ran on the caches the one before it left:
``ours`` after trafilatura read 0.2 ms slower, and ``ours+pipes`` right after ``ours`` on
the same page no slower than ``ours``, which it contains. Methods:

- ``lxml parse``: ``lxml.html.fromstring(body)``, the floor any extractor pays;
- ``ours``: what the spider's article callback costs, from a fresh response (so nothing
  is cached): parse (``page_selector``: a UTF-8 page from its bytes, any other decoded
  first, as Scrapy does), the profile's page object and its item loader;
- ``ours+pipes``: ``ours`` plus the normalize and validate pipelines' work on the record;
- ``trafilatura`` and ``trafilatura fast``: ``trafilatura.extract(text)`` (``fast=True``).

On the synthetic archive's listing pages (about one per article in a crawl), ``lxml parse``
and ``ours``: the listing callback's parse, entries and older-page link.

Then where ``ours+pipes`` spends a page, stage by stage, each timed as the spider runs it
(every stage after the first reuses what the ones before it computed, so the stages add up
to ``ours+pipes``): ``parse`` (the selector, as ``ours`` makes it), ``metadata`` (meta
tags, JSON-LD), ``page kind`` (is it an article?), ``content walk`` (the body's paragraphs
and images), ``fields`` (every other field's signals), ``loader`` (the item loader's
processors), ``normalize`` and ``validate`` (the pipelines).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import lxml.html
from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils.test import get_crawler

from bench.synthetic import make_site, synthetic_cases, write_pages
from crawler.clock import utc_now
from crawler.items import ArticleItem
from crawler.sites.aawsat import PROFILE
from crawler.sites.base import UrlKind
from pipelines.normalize import normalize_article
from pipelines.validate import ValidateArticlePipeline
from qa.fixtures import page_cases

Page = tuple[TextResponse, str]
"""A response as the spider gets it, and the page's public URL."""


def fixture_pages() -> list[Page]:
    return [
        (case.response(), case.public_url) for case in page_cases() if case.site.name == "aawsat"
    ]


def synthetic_pages(count: int) -> tuple[list[Page], list[Page]]:
    """The article pages and the listing pages (home, categories, tags, authors, months,
    every page of each; a crawl reads about one per article) of a synthetic archive of
    ``count`` articles."""
    files: dict[str, bytes] = {}
    write_pages(count, files.__setitem__)
    origin = make_site().ORIGIN
    articles = [
        html_page(origin + case["path"], files[case["path"].strip("/") + "/index.html"])
        for case in synthetic_cases(count)
    ]
    listings = []
    for path, body in files.items():
        url = origin + "/" + path.removesuffix("index.html")
        if path.endswith("index.html") and PROFILE.classify_url(url) is UrlKind.LISTING:
            listings.append(html_page(url, body))
    return articles, listings


def html_page(url: str, body: bytes) -> Page:
    return HtmlResponse(url, body=body, headers={"Content-Type": "text/html"}), url


def lxml_parse(page: Page) -> object:
    return lxml.html.fromstring(page[0].body)


def ours(page: Page) -> ArticleItem:
    response, url = page
    return PROFILE.article_page(response.replace(), url).to_item()


def ours_listing(page: Page) -> object:
    """What the spider's listing callback asks the profile: the entries, the older page."""
    response, url = page
    listing = PROFILE.listing_page(response.replace(), url)
    return listing.entries(), listing.older_page_url()


VALIDATE = ValidateArticlePipeline.from_crawler(get_crawler())


def ours_with_pipelines(page: Page) -> object:
    """Raises ``DropArticle`` for a page whose record is not valid."""
    item = ours(page)
    item.fetched_at = utc_now()
    normalize_article(item)
    return VALIDATE.process_item(item)


def stage_times(page: Page) -> dict[str, float]:
    """CPU seconds of each stage of ``ours+pipes`` on a fresh copy of ``page``."""
    response, url = page
    times: dict[str, float] = {}
    start = time.process_time()

    def lap(stage: str) -> None:
        nonlocal start
        now = time.process_time()
        times[stage] = now - start
        start = now

    article = PROFILE.article_page(response.replace(), url)
    _ = article.root
    lap("parse")
    _ = article.metadata
    lap("metadata")
    article.not_article_reason()
    lap("page kind")
    article.body()
    lap("content walk")
    signals = article.signals()
    lap("fields")
    item = article.load(signals)
    item.fetched_at = utc_now()
    lap("loader")
    normalize_article(item)
    lap("normalize")
    VALIDATE.process_item(item)
    lap("validate")
    return times


def time_stages(pages: list[Page], rounds: int) -> dict[str, float]:
    """Mean over ``pages`` of each page's median time per stage, in seconds."""
    samples: list[list[dict[str, float]]] = [[] for _ in pages]
    for _ in range(rounds):
        for index, page in enumerate(pages):
            samples[index].append(stage_times(page))
    stages = list(samples[0][0])
    return {
        stage: statistics.fmean(
            statistics.median(times[stage] for times in per_page) for per_page in samples
        )
        for stage in stages
    }


def trafilatura_default(page: Page) -> object:
    import trafilatura

    return trafilatura.extract(page[0].text)


def trafilatura_fast(page: Page) -> object:
    import trafilatura

    return trafilatura.extract(page[0].text, fast=True)


METHODS: dict[str, Callable[[Page], object]] = {
    "lxml parse": lxml_parse,
    "ours": ours,
    "ours+pipes": ours_with_pipelines,
    "trafilatura": trafilatura_default,
    "trafilatura fast": trafilatura_fast,
}


LISTING_METHODS: dict[str, Callable[[Page], object]] = {
    "lxml parse": lxml_parse,
    "ours": ours_listing,
}


def time_pages(
    pages: list[Page], rounds: int, methods: dict[str, Callable[[Page], object]] = METHODS
) -> dict[str, float]:
    """Mean over ``pages`` of each page's median time per method, in seconds."""
    samples: dict[str, list[list[float]]] = {name: [[] for _ in pages] for name in methods}
    for _ in range(rounds):
        for name, method in methods.items():
            for index, page in enumerate(pages):
                start = time.process_time()
                method(page)
                samples[name][index].append(time.process_time() - start)
    return {
        name: statistics.fmean(statistics.median(times) for times in per_page)
        for name, per_page in samples.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--synthetic", type=int, default=300, help="synthetic articles")
    args = parser.parse_args(argv)
    synthetic, listings = synthetic_pages(args.synthetic)
    sets = {"fixture": fixture_pages(), "synthetic": synthetic}
    for page in listings[:3]:  # warm-up
        ours_listing(page)
    for pages in sets.values():
        for page in pages:  # every record must be valid: a wrong extraction measures nothing
            ours_with_pipelines(page)
        for page in pages[:3]:  # warm-up: imports, caches
            for method in METHODS.values():
                method(page)
    names = list(METHODS)
    print(f"per-page CPU time, ms (mean of per-page medians over {args.rounds} rounds)")
    print(f"{'pages':<10} {'n':>4} " + " ".join(f"{n:>16}" for n in names))
    for label, pages in sets.items():
        times = time_pages(pages, args.rounds)
        cells = " ".join(f"{times[n] * 1000:>16.2f}" for n in names)
        print(f"{label:<10} {len(pages):>4} {cells}")
        floor, own = times["lxml parse"], times["ours"]
        print(
            f"{'':<10} {'':>4} ours/lxml {own / floor:.2f}x, ours+pipes/lxml "
            f"{times['ours+pipes'] / floor:.2f}x, trafilatura/ours "
            f"{times['trafilatura'] / own:.1f}x (fast: {times['trafilatura fast'] / own:.1f}x)"
        )
    times = time_pages(listings, args.rounds, LISTING_METHODS)
    print(
        f"{'listings':<10} {len(listings):>4} lxml parse {times['lxml parse'] * 1000:.2f}, "
        f"ours (parse, entries, older page) {times['ours'] * 1000:.2f}; "
        f"ours/lxml {times['ours'] / times['lxml parse']:.2f}x"
    )
    print(f"ours+pipes by stage, ms (mean of per-page medians over {args.rounds} rounds)")
    for label, pages in sets.items():
        stages = time_stages(pages, args.rounds)
        cells = ", ".join(f"{stage} {seconds * 1000:.3f}" for stage, seconds in stages.items())
        print(f"{label:<10} {len(pages):>4} {cells}; sum {sum(stages.values()) * 1000:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
