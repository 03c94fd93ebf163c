"""Pages that show no sign of an article (no article type in their metadata, no
``<article>`` element): an archive crawl counts them and says how to extract them;
``-a unsure=extract`` extracts them (a site of the 2000s that marks up none of its
stories)."""

from __future__ import annotations

import pytest

from qa.fixtures import run_crawl
from tests.conftest import serve_mirror

STORY = "<p>" + "The council met on Monday and voted on the budget for next year. " * 6 + "</p>"
HOME = (
    "<html><head><title>The Old Gazette</title></head><body><h1>The Old Gazette</h1>"
    "<ul><li><a href='/2010/05/14/council-votes-budget/'>Council votes budget</a></li></ul>"
    "</body></html>"
)
ARTICLE = (
    "<html><head><title>Council votes budget - The Old Gazette</title></head><body>"
    "<div id='main'><h1>Council votes budget</h1><p class='date'>May 14, 2010</p>"
    f"{STORY * 4}</div></body></html>"
)


PLAIN_TEXT = "Council votes budget\n\nMay 14, 2010\n\n" + STORY.removeprefix("<p>").removesuffix(
    "</p>"
)
"""The story as a text file, no markup at all."""


@pytest.fixture(scope="module")
def site(mirror_server, tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    (root / "index.html").write_text(HOME)
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    story = root / "2010" / "05" / "14" / "council-votes-budget"
    story.mkdir(parents=True)
    (story / "index.html").write_text(ARTICLE)
    (root / "2010" / "05" / "14" / "council-votes-budget.txt").write_text(PLAIN_TEXT)
    serve_mirror(mirror_server, root)
    return mirror_server.url_for("/")


def crawl(site, tmp_path, *args):
    result = run_crawl("archive", site, tmp_path, "-a", "site_url=https://gazette.example", *args)
    assert result.returncode == 0, result.log[-3000:]
    return result


def test_a_crawl_counts_unmarked_pages_and_says_how_to_extract_them(site, tmp_path):
    result = crawl(site, tmp_path)
    assert result.output == ""
    assert result.report["stats"]["pages/not_article/no_article_markup"] == 1
    assert (
        "pages with no sign of an article, not extracted: 1 (if they are articles, "
        "-a unsure=extract extracts them)" in result.log
    )


def test_unsure_extract_extracts_them(site, tmp_path):
    result = crawl(site, tmp_path, "-a", "unsure=extract")
    assert [
        line.count('"title": "Council votes budget"') for line in result.output.splitlines()
    ] == [1]
    stats = result.report["stats"]
    assert stats["pages/extracted_unsure/no_article_markup"] == 1
    assert "pages/not_article/no_article_markup" not in stats
    assert "Extracted as asked (-a unsure=extract), though it looks unlike an article" in result.log


def test_an_unknown_choice_is_a_usage_error(site, tmp_path):
    result = run_crawl(
        "archive", site, tmp_path, "-a", "site_url=https://gazette.example", "-a", "unsure=yes"
    )
    assert result.returncode == 2
    assert "-a unsure='yes': expected one of skip, extract" in result.log


def test_a_listed_text_file_is_named_not_an_article(site, tmp_path):
    """A ``.txt`` file in a URL list (served ``text/plain``): no profile reads text without
    markup; it was dropped as ``empty_body``, after trafilatura's ERROR lines."""
    result = crawl(
        site, tmp_path, "-a", "url=https://gazette.example/2010/05/14/council-votes-budget.txt"
    )
    assert result.output == ""
    assert result.report["stats"]["pages/not_article/plain_text"] == 1
    assert "Not an article (plain_text): " in result.log
    assert "empty_body" not in result.log
    assert "trafilatura" not in result.log
