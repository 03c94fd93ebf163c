"""The quality gate: no metric may drop below its pinned floor (tests/quality_floors.json).

The real-page corpora are crawled once here, as users crawl (`scrapy crawl archive -a
urls=LIST`, qa/corpus_crawl.py), and their records scored. Raising a floor:
`python -m qa.pin_quality --update`. Lowering one needs `--allow-regression` and a
reason in the commit; never edit the file by hand.
"""

import pytest

from crawler.reporting import stats_keys
from qa.corpus_crawl import CorpusCrawl
from qa.quality import crawl_corpora, flatten, load_floors, measure, regressions

FLOORS = load_floors()
# Pages of the date corpus that hold no article at all: bot walls (Incapsula) answered
# the collector instead of the page. Their records have no text and are dropped, counted.
BOT_WALLS = {"1566929327", "1685121845", "1685765130"}


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
        missing = set(crawl.corpus.truth) - set(crawl.records)
        assert missing == (BOT_WALLS if name == "publication-dates" else set()), name
        assert not any(key.startswith(stats_keys.PAGES_NOT_ARTICLE) for key in crawl.stats), name


def test_url_list_pages_unlike_articles_are_extracted_and_counted(crawls):
    crawl = crawls["article-extraction"]
    # thespacereview.com, entermedia.co.kr, ascom.com...: no article type, no <article>.
    assert crawl.stats["url_list/extracted_unsure/no_article_markup"] == 8
    assert "Extracted as listed, though it looks unlike an article (no_article_markup)" in (
        crawl.result.log
    )
