"""The quality gate: no metric may drop below its pinned floor (tests/quality_floors.json).

The real-page corpora are crawled once here, as users crawl (`scrapy crawl archive -a
urls=LIST`, qa/corpus_crawl.py), and their records scored. Raising a floor:
`python -m qa.pin_quality --update`. Lowering one needs `--allow-regression` and a
reason in the commit; never edit the file by hand.
"""

import pytest

from crawler.reporting import stats_keys
from crawler.reporting.stats_keys import PAGES_NOT_ARTICLE
from qa.corpus_crawl import CorpusCrawl
from qa.quality import crawl_corpora, flatten, load_floors, measure, regressions

FLOORS = load_floors()
# Pages of the date corpus that hold no article at all: bot walls (Incapsula, Reblaze)
# answered the collector instead of the page. A record made from one would be empty or
# made up, so the crawl names them as blocked instead (crawler/runtime/bot_walls.py).
BOT_WALLS = {"1566929327": "incapsula", "1685121845": "reblaze", "1685765130": "incapsula"}
# A page of the date corpus whose article text is lorem-ipsum filler (noz.de's paywall):
# not an article as served; its record would hold filler where the story should be.
PLACEHOLDER_PAGES = {"1518961308"}


@pytest.fixture(scope="module")
def crawls(tmp_path_factory) -> dict[str, CorpusCrawl]:
    return crawl_corpora(tmp_path_factory.mktemp("real-pages"))


@pytest.fixture(scope="module")
def current(crawls) -> dict[str, float]:
    return flatten(measure(crawls))


def test_every_metric_has_a_floor(current):
    assert sorted(current) == sorted(FLOORS)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_metric_is_not_below_its_floor(current, name):
    below = regressions({name: current.get(name, 0.0)}, {name: FLOORS[name]})
    assert not below, (
        f"{name} is {current.get(name)} (floor {FLOORS[name]}); fix the regression, or lower the "
        "floor with `python -m qa.pin_quality --update --allow-regression` and say why"
    )


def test_every_real_article_page_yields_a_record(crawls):
    for name, crawl in crawls.items():
        dates = name == "publication-dates"
        missing = set(crawl.corpus.truth) - set(crawl.records)
        assert missing == (set(BOT_WALLS) | PLACEHOLDER_PAGES if dates else set()), name
        not_articles = {k: v for k, v in crawl.stats.items() if k.startswith(PAGES_NOT_ARTICLE)}
        placeholders = {f"{PAGES_NOT_ARTICLE}placeholder_text": len(PLACEHOLDER_PAGES)}
        assert not_articles == (placeholders if dates else {}), name
        assert not any(key.startswith(stats_keys.ARTICLES_DROPPED) for key in crawl.stats), name


def test_a_page_of_lorem_ipsum_filler_is_named_not_extracted(crawls):
    log = crawls["publication-dates"].result.log.splitlines()
    for page_id in PLACEHOLDER_PAGES:
        named = [line for line in log if "Not an article (placeholder_text)" in line]
        assert sum(f"/{page_id}/" in line for line in named) == 1, page_id


def test_a_bot_wall_is_named_blocked_and_listed_to_fetch_again(crawls):
    crawl = crawls["publication-dates"]
    blocked = {k: v for k, v in crawl.stats.items() if k.startswith(stats_keys.ARTICLES_BLOCKED)}
    assert blocked == {
        f"{stats_keys.ARTICLES_BLOCKED}incapsula": 2,
        f"{stats_keys.ARTICLES_BLOCKED}reblaze": 1,
    }
    assert crawl.stats[stats_keys.ARTICLES_EXTRACTED] == len(crawl.records)  # walls are not
    # In the coverage report: unavailable (the article exists, this crawl was not shown it).
    # Unavailable (the article exists, this crawl was not shown it), as the filler page is.
    unavailable = len(BOT_WALLS) + len(PLACEHOLDER_PAGES)
    assert (crawl.stats["coverage/unavailable"], crawl.stats[stats_keys.COVERAGE_MISSING]) == (
        unavailable,
        0,
    )
    report = crawl.result.report["report"]
    assert "behind a bot wall, to fetch again: 3" in report
    for page_id, vendor in BOT_WALLS.items():
        url = f"/{page_id}/"
        assert any(line.endswith(f"{url} ({vendor})") for line in report), page_id
        walls = [line for line in crawl.result.log.splitlines() if f"Bot wall ({vendor})" in line]
        assert sum(url in line for line in walls) == 1, page_id


def test_url_list_pages_unlike_articles_are_extracted_and_counted(crawls):
    crawl = crawls["article-extraction"]
    # thespacereview.com, entermedia.co.kr, ascom.com...: no article type, no <article>.
    assert crawl.stats["url_list/extracted_unsure/no_article_markup"] == 8
    assert "Extracted as listed, though it looks unlike an article (no_article_markup)" in (
        crawl.result.log
    )
