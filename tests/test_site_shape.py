"""Every site profile has one shape: fields are public methods of the page class, one
shared ``to_item()``, the profile's name declared once; the README's worked example runs."""

from __future__ import annotations

import ast
import re
import runpy
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse
from scrapy.loader import ItemLoader
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from crawler.extraction.loaders import ArticleLoader
from crawler.sites import PROFILES
from crawler.sites.aawsat import AawsatArticleLoader
from crawler.sites.base import ArticlePage
from crawler.sites.generic import GenericArticlePage
from qa.fixtures import fixture_sites

README = Path(__file__).resolve().parent.parent / "README.md"
PAGE_CLASSES = [*(p.article_page for p in PROFILES.values()), GenericArticlePage]


@pytest.mark.parametrize("page_class", PAGE_CLASSES, ids=lambda c: c.__name__)
def test_every_field_is_a_public_method_and_to_item_is_shared(page_class):
    for field_name in page_class.FIELDS:
        assert callable(getattr(page_class, field_name)), field_name
    assert page_class.to_item is ArticlePage.to_item
    assert not hasattr(page_class, "populate")


def test_profile_name_is_declared_once_and_agrees_everywhere():
    for key, profile in PROFILES.items():
        assert key == profile.name == profile.article_page.name
    spiders = SpiderLoader.from_settings(get_project_settings())
    for spider_name in spiders.list():
        profile = getattr(spiders.load(spider_name), "profile", None)
        if profile is not None:
            assert spider_name == profile.name
    for site in fixture_sites():
        declared = site.config.get("profile", site.name)
        assert declared == site.profile.name, site.name
        for case in site.page_cases():
            assert case.expected()["site"] == declared, case.name


@pytest.mark.parametrize("loader_class", [ArticleLoader, AawsatArticleLoader], ids=str)
@pytest.mark.parametrize(
    ("field_name", "values"),
    [
        ("title", [None, "  Syria — talks  - Asharq Al-awsat", "Other"]),
        ("authors", ["theaawsat", " Amir  Taheri ", "theaawsat"]),
        ("language", [None, "en_GB", "xx-1"]),
        ("media_id", ["n/a", " 55351211 "]),
        ("body", ["One.", "Two."]),
        ("images", [{"url": "u", "caption": None, "credit": None}]),
        ("tags", []),
    ],
)
def test_field_value_is_what_itemloaders_would_load(loader_class, field_name, values):
    """Pins the loaders' processor lookup (resolved once per class) to itemloaders' own."""
    plain = type(
        "PlainLookup",
        (loader_class,),
        {
            "get_input_processor": ItemLoader.get_input_processor,
            "get_output_processor": ItemLoader.get_output_processor,
        },
    )()
    plain.add_value(field_name, values)
    assert loader_class.field_value(field_name, values) == plain.get_output_value(field_name)


@pytest.mark.parametrize("case", [c for s in fixture_sites() for c in s.page_cases()], ids=str)
def test_load_fields_is_what_an_item_loader_loads(case):
    """Pins the loader-free ``load_fields`` to itemloaders' own add_value and load_item."""
    page = case.profile.article_page(case.response())
    signals = page.signals()
    loader = page.loader_class(response=page.response)
    for field_name, values in signals.items():
        loader.add_value(field_name, values)
    assert page.loader_class.load_fields(signals) == loader.load_item()


def readme_site_example() -> str:
    section = README.read_text().split("### Adding a site", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, flags=re.DOTALL)
    assert match, "the worked example's code block"
    lines = match.group(1).splitlines()
    indent = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    return "\n".join(line[indent:] for line in lines)


def test_readme_site_example_uses_only_public_api():
    tree = ast.parse(readme_site_example())
    private = [
        node.attr if isinstance(node, ast.Attribute) else node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute | ast.FunctionDef)
        and (node.attr if isinstance(node, ast.Attribute) else node.name).startswith("_")
    ]
    imported = [a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names]
    assert private == []
    assert [name for name in imported if name.startswith("_")] == []


def test_readme_site_example_runs(tmp_path):
    module_file = tmp_path / "example_news.py"
    module_file.write_text(readme_site_example())
    profile = runpy.run_path(str(module_file))["PROFILE"]
    assert profile.name == "example_news"
    kinds = [
        profile.classify_url(f"https://example-news.org{path}").value
        for path in ("/news/a-story/", "/category/world/", "/about/", "/wp-json/x")
    ]
    assert kinds == ["article", "listing", "other", "other"]
    html = (
        "<html lang='en'><head><title>A story</title></head><body><article>"
        "<h1 class='entry-title'>A story</h1><p class='kicker'>World</p>"
        + "<p>"
        + "Words of the story, one after another. " * 12
        + "</p>"
        + "</article></body></html>"
    )
    url = "https://example-news.org/news/a-story/"
    page = profile.article_page(HtmlResponse(url=url, body=html.encode(), encoding="utf-8"))
    item = page.to_item()
    assert (item.site, item.title, item.section) == ("example_news", "A story", "World")
    assert "Words of the story, one after another." in item.body
