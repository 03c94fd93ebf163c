"""Link following alone, in µs per link: the archive spider's ``_follow_links`` over the
pages of a synthetic archive (``bench/synthetic.py``), timed in-process. A diagnostic
next to ``bench.crawl`` (which measures whole crawls), to see the per-link lever.

    python -m bench.links [--articles 1500] [--pages 400] [--rounds 3]

Round 1 meets every link for the first time; from round 2 on, every link leads to a page
already scheduled, as the chrome links (menus, Archives widget, tag cloud) do on all but
the first pages of a crawl. Posts are known in every month of the archive, as they are
once the category listings have been read (until then the spider holds a month archive
back, ``crawler/spiders/traps.py``). CPU time; the pages are parsed before the clock
starts.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from scrapy import signals
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from bench.synthetic import ARCHIVE_END, ARCHIVE_START, write_archive
from crawler.extraction.chrome import LINK_HREFS
from crawler.extraction.parsing import page_base_url
from crawler.runtime.extraction_pool import PageLinks
from crawler.spiders.aawsat import AawsatSpider

BASE_URL = "http://127.0.0.1:8000"


def responses(root: Path, count: int) -> list[HtmlResponse]:
    """The first ``count`` HTML pages of the archive at ``root``, parsed."""
    pages = []
    for path in sorted(root.rglob("index.html"))[:count]:
        folder = path.parent.relative_to(root).as_posix()
        url = f"{BASE_URL}/{folder}/" if folder != "." else f"{BASE_URL}/"
        response = HtmlResponse(url=url, body=path.read_bytes(), encoding="utf-8")
        _ = response.selector.root  # parsed now, not on the clock
        pages.append(response)
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1500)
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-links-") as folder:
        write_archive(Path(folder), args.articles)
        pages = responses(Path(folder), args.pages)
    crawler = get_crawler(AawsatSpider, settings_dict={"ARCHIVE_COVERAGE_DIR": ""})
    spider = AawsatSpider.from_crawler(crawler, base_url=BASE_URL + "/")
    crawler.spider = spider
    crawler.stats.open_spider()
    years = range(ARCHIVE_START.year, ARCHIVE_END.year + 1)
    spider.traps.posts_on(date(year, month, 1) for year in years for month in range(1, 13))
    links = sum(len(LINK_HREFS(page.selector.root)) for page in pages)
    print(f"{len(pages)} pages, {links / len(pages):.0f} links per page")
    for round_number in range(1, args.rounds + 1):
        started = time.process_time()
        for page in pages:
            links_of_page = PageLinks(LINK_HREFS(page.selector.root), page_base_url(page))
            for request in spider._follow_links(links_of_page):
                crawler.signals.send_catch_log(signals.request_scheduled, request=request)
        spent = time.process_time() - started
        print(
            f"round {round_number}: {spent / len(pages) * 1e3:.2f} ms per page, "
            f"{spent / links * 1e6:.2f} us per link"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
