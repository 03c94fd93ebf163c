"""A synthetic archive shaped like a real 12-year WordPress news archive, as large as a
benchmark needs.

The pages are rendered by the fixture generator itself (``fixtures/aawsat/make_site.py``):
the same Divi chrome, ``<head>`` variants and hand-written article cases. Each article is
a copy of a case (the canonical-duplicate one left out) under its own slug, post id, date
(spread over 2005-2017) and title, with paragraphs of the other cases' text added so its
text weighs 30-60 KB. The case is one of the same theme generation as the article's date
(:func:`theme_generation`): up to 2013 the classic editor and the older child themes
(the fixture's 2013 generation case among them), 2014-2016 the Divi 3 builder, 2017
Divi 4, so the markup varies over the years as the real archive's does. Every page's
sidebar is a real archive's: the full monthly Archives widget (WordPress's core widget
has no limit: one link per month with posts, about 150 for 2005-2017), a tag cloud of 45
tags (WordPress's default ``number``), an Authors widget and the Categories widget, so a
page carries about 250 links. ``light=True`` writes the earlier benchmark archive instead:
the fixture's own sidebar with the Archives widget cut to the newest 12 months (older
months get no archive page) and no tag cloud or Authors widget, about 40 links a page. Listings (categories, tags, authors, months) are paginated by WordPress's default
of 10 posts; the post sitemap is split every 1,000 entries as Yoast does. Links stay on
the public origin, like the fixture's: the spider rebases them to ``-a base_url``.

As WordPress 4.7 and later does, the archive answers its REST API's list of posts
(``/wp-json/wp/v2/posts``) as the crawler asks for it (``crawler/discovery/posts_api.py``:
100 posts a page, each post's ``link`` and ``date``), saved as a mirror saves a page with
a query (``posts?per_page=100&page=2&_fields=link%2Cdate``, its headers beside it in
``….response.json``, ``crawler/capture/mirror.py``).

    python -m bench.synthetic OUT_DIR --articles 5000 [--light]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from crawler.discovery.posts_api import POSTS_PER_PAGE, posts_page_url
from crawler.sites.wordpress import WORDPRESS_POSTS_API

MAKE_SITE = Path(__file__).resolve().parent.parent / "fixtures" / "aawsat" / "make_site.py"
LISTING_PAGE_SIZE = 10
"""Posts per listing page: WordPress's default (the fixture uses 4 to paginate 28 posts)."""
SITEMAP_PAGE_SIZE = 1000
"""Entries per post sitemap: Yoast's default."""
CLOUD_TAGS = (
    "Afghanistan",
    "Al-Qaeda",
    "Arab League",
    "Baghdad",
    "Bahrain",
    "Cairo",
    "Damascus",
    "Economy",
    "Egypt",
    "Elections",
    "Energy",
    "Gaza",
    "Gulf",
    "Hezbollah",
    "Iran",
    "Islamic State",
    "Israel",
    "Kurds",
    "Kuwait",
    "Libya",
    "Morocco",
    "Oil",
    "OPEC",
    "Palestine",
    "Qatar",
    "Riyadh",
    "Saudi Arabia",
    "Sudan",
    "Terrorism",
    "Tunisia",
    "Turkey",
    "UAE",
    "United Nations",
)
"""Tags added to the fixture's 12 to fill the tag cloud to WordPress's default 45; each
synthetic article gets one of them (listed on its tag archive, not shown on the article)."""
CLOUD_FIRST_TAG_ID = 300
FIRST_POST_ID = 100_000
ARCHIVE_START = datetime(2005, 1, 3, 8, 0, tzinfo=UTC)
ARCHIVE_END = datetime(2017, 6, 30, 18, 0, tzinfo=UTC)
EXTRA_PARAGRAPHS = range(12, 60)
"""Paragraphs added to an article, by turns: its page then weighs 30-60 KB."""
LIGHT_ARCHIVE_MONTHS = 12
"""Months the light archive's Archives widget lists (WordPress's ``limit=12``)."""


@cache
def make_site() -> Any:
    """The fixture generator, imported from its file (``fixtures/`` is not a package); typed
    ``Any``, as a type checker cannot see its classes and module attributes."""
    spec = importlib.util.spec_from_file_location("make_site", MAKE_SITE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def templates() -> list[dict[str, Any]]:
    """The fixture's article cases that stand on their own (not a copy under an old slug)."""
    return [case for case in make_site().CASES if "canonical" not in case]


def theme_generation(year: int) -> int:
    """The theme generation in use in ``year``, named as the fixture generator's generation
    cases are: 2013 (classic editor, older child themes), 2016 (Divi 3 builder), 2017
    (Divi 4). A fixture case is written in the markup of its own date's generation.

    >>> [theme_generation(year) for year in (2005, 2013, 2014, 2016, 2017)]
    [2013, 2013, 2016, 2016, 2017]
    """
    return 2013 if year <= 2013 else 2016 if year <= 2016 else 2017


def templates_by_generation() -> dict[int, list[dict[str, Any]]]:
    """The fixture's article cases by the theme generation of their date."""
    groups: dict[int, list[dict[str, Any]]] = {}
    for case in templates():
        groups.setdefault(theme_generation(int(case["date"][:4])), []).append(case)
    return groups


def _paragraph_pool() -> list[str]:
    site = make_site()
    return [
        f"<p>{site.esc(text)}</p>"
        for case in templates()
        for text in case["checks"]["paragraphs"]
        if len(text) > 200
    ]


def _with_paragraphs(content: str, paragraphs: list[str]) -> str:
    """``content`` with ``paragraphs`` added before its widgets (``[[...]]`` markers)."""
    added = "\n" + "\n".join(paragraphs) + "\n"
    widgets = content.find("[[")
    return content + added if widgets < 0 else content[:widgets] + added + content[widgets:]


def _slug(name: str) -> str:
    """WordPress's slug of a term name.

    >>> _slug("Al-Qaeda"), _slug("Saudi Arabia")
    ('al-qaeda', 'saudi-arabia')
    """
    return "-".join(name.lower().replace("-", " ").split())


def synthetic_cases(count: int) -> list[dict[str, Any]]:
    """``count`` article cases in the fixture's case format, newest last."""
    pool = _paragraph_pool()
    generations = templates_by_generation()
    step = (ARCHIVE_END - ARCHIVE_START) / max(count, 1)
    cases = []
    for number in range(count):
        published = ARCHIVE_START + step * number + timedelta(minutes=number % 60)
        bases = generations[theme_generation(published.year)]
        base = bases[number % len(bases)]
        date = published.isoformat()
        extra = [
            pool[(number * 7 + k) % len(pool)]
            for k in range(EXTRA_PARAGRAPHS[number % len(EXTRA_PARAGRAPHS)])
        ]
        slug = f"{base['slug']}-{number}"
        cases.append(
            {
                **base,
                "key": f"{base['key']}-{number}",
                "pid": FIRST_POST_ID + number,
                "slug": slug,
                "path": f"/{base['author']}/{base['cat']}/{slug}/",
                "title_html": f"{base['title_html']} ({number})",
                "date": date,
                "modified": date,
                "routes": make_site().ALL_ROUTES,
                "content": _with_paragraphs(base["content"], extra),
                "cloud_tag": _slug(CLOUD_TAGS[number % len(CLOUD_TAGS)]),
            }
        )
    return cases


def _sitemaps(cases: list[dict[str, Any]], out: Any, light: bool) -> None:
    """Yoast's sitemap index: posts split every 1,000, then pages, categories, tags (the
    fixture's only in the light archive), authors."""
    site = make_site()
    posts = sorted(cases, key=lambda c: c["modified"])
    newest = posts[-1]["modified"]
    files: dict[str, str] = {}
    for start in range(0, len(posts), SITEMAP_PAGE_SIZE):
        chunk = posts[start : start + SITEMAP_PAGE_SIZE]
        rows = [
            (site.u(c["path"]), c["modified"], [i["url"] for i in c["checks"]["images"]])
            for c in chunk
        ]
        files[f"post-sitemap{start // SITEMAP_PAGE_SIZE + 1}.xml"] = site.urlset(rows)
    files["page-sitemap.xml"] = site.urlset([(site.u(p), newest, []) for p, *_ in site.WP_PAGES])
    files["category-sitemap.xml"] = site.urlset(
        [(site.u(f"/category/{slug}/"), newest, []) for slug, *_ in site.CATEGORIES]
    )
    files["post_tag-sitemap.xml"] = site.urlset(
        [
            (site.u(f"/tag/{slug}/"), newest, [])
            for slug in (site.TAGS if light else _tag_counts(cases))
        ]
    )
    files["author-sitemap.xml"] = site.urlset(
        [(site.u(f"/author/{slug}/"), newest, []) for slug in site.AUTHORS]
    )
    index = "".join(
        f"\t<sitemap>\n\t\t<loc>{site.u('/' + name)}</loc>\n\t\t<lastmod>{newest}</lastmod>\n"
        "\t</sitemap>\n"
        for name in files
    )
    out.add(
        "sitemap_index.xml",
        (
            f'<?xml version="1.0" encoding="UTF-8"?>{site.SITEMAP_XSL}\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{index}</sitemapindex>\n"
        ).encode(),
    )
    for name, text in files.items():
        out.add(name, text.encode())


POSTS_LIST_HEADERS = ("X-WP-Total", "X-WP-TotalPages")
"""Headers WordPress sends on every page of its posts list, the same on each."""


def _posts_api_file(page: int) -> str:
    """Where page ``page`` of the posts list is saved, as a mirror saves a page with a
    query; its headers are in the same name + ``.response.json``."""
    return posts_page_url(WORDPRESS_POSTS_API, page).lstrip("/")


def posts_list_headers(root: Path) -> dict[str, str]:
    """The :data:`POSTS_LIST_HEADERS` saved with the first page of the posts list of the
    archive at ``root`` (for ``bench/nginx.py``, which sends them with every page), or
    none without one."""
    saved = root / f"{_posts_api_file(1)}.response.json"
    if not saved.is_file():
        return {}
    headers = json.loads(saved.read_text())["headers"]
    return {name: headers[name] for name in POSTS_LIST_HEADERS if name in headers}


def _posts_api(cases: list[dict[str, Any]], out: Any) -> None:
    """WordPress's REST API list of posts, newest first, as the crawler asks for it, with
    the ``X-WP-Total`` and ``X-WP-TotalPages`` headers WordPress sends (read by the
    mirror, and by ``bench/nginx.py``, which sends them with every page)."""
    site = make_site()
    posts = sorted(cases, key=lambda c: c["date"], reverse=True)
    pages = max(1, -(-len(posts) // POSTS_PER_PAGE))
    headers = {
        "Content-Type": "application/json; charset=UTF-8",
        "X-WP-Total": str(len(posts)),
        "X-WP-TotalPages": str(pages),
    }
    for page in range(1, pages + 1):
        chunk = posts[(page - 1) * POSTS_PER_PAGE : page * POSTS_PER_PAGE]
        # "date" is the site's time, with no zone: the cases' own time.
        listed = [
            {"link": site.u(c["path"]), "date": site.dt(c["date"]).strftime("%Y-%m-%dT%H:%M:%S")}
            for c in chunk
        ]
        name = _posts_api_file(page)
        out.add(name, json.dumps(listed).encode())
        out.add(f"{name}.response.json", json.dumps({"headers": headers}).encode())


CATEGORIES_WIDGET = '<div id="categories-2" class="et_pb_widget widget_categories">'
"""Where the sidebar's added widgets go: before the fixture's Categories widget."""


def _tag_counts(cases: list[dict[str, Any]]) -> dict[str, tuple[str, int, int]]:
    """Every tag of the cloud: slug -> (name, term id, posts)."""
    site = make_site()
    counts = {
        slug: (name, tid, sum(slug in c["tags"] for c in cases))
        for slug, (name, tid) in site.TAGS.items()
    }
    for number, name in enumerate(CLOUD_TAGS):
        slug = _slug(name)
        posts = sum(c["cloud_tag"] == slug for c in cases)
        counts[slug] = (name, CLOUD_FIRST_TAG_ID + number, posts)
    return counts


def _tag_cloud(cases: list[dict[str, Any]]) -> str:
    """WordPress's Tag Cloud widget: tags by name, 8-22 pt by post count."""
    site = make_site()
    counts = _tag_counts(cases)
    most = max(posts for _, _, posts in counts.values()) or 1
    links = []
    for position, (slug, (name, tid, posts)) in enumerate(
        sorted(counts.items(), key=lambda kv: kv[1][0].lower()), start=1
    ):
        size = 8 + 14 * posts / most
        links.append(
            f'<a href="{site.u(f"/tag/{slug}/")}" class="tag-cloud-link tag-link-{tid} '
            f'tag-link-position-{position}" style="font-size: {size:.1f}pt;" '
            f'aria-label="{site.esc(name)} ({posts} items)">{site.esc(name)}</a>'
        )
    return (
        '<div id="tag_cloud-2" class="et_pb_widget widget_tag_cloud">'
        '<h4 class="widgettitle">Tags</h4><div class="tagcloud">'
        + "\n".join(links)
        + "</div>\n</div> <!-- end .et_pb_widget -->"
    )


def _authors_widget() -> str:
    """An Authors widget (``wp_list_authors``): every author, by name."""
    site = make_site()
    items = "\n".join(
        f'\t<li><a href="{site.u(f"/author/{slug}/")}" title="Posts by {site.esc(name)}">'
        f"{site.esc(name)}</a></li>"
        for slug, (name, _aid) in sorted(site.AUTHORS.items(), key=lambda kv: kv[1][0])
    )
    return (
        '<div id="authors-2" class="et_pb_widget widget_authors">'
        f'<h4 class="widgettitle">Authors</h4>\t\t<ul>\n{items}\n\t\t</ul>\n'
        "</div> <!-- end .et_pb_widget -->"
    )


def _cloud_tag_listings(context: Any, out: Any) -> None:
    """The tag archives of the cloud's added tags (the fixture's own are built with it)."""
    site = make_site()
    for slug, (name, tid, _posts) in _tag_counts(context.cases).items():
        if slug in site.TAGS:
            continue
        pages = site.render_listing_pages(
            context,
            base=f"/tag/{slug}/",
            entries=context.listed("tag", lambda c, s=slug: c["cloud_tag"] == s),
            title=name,
            yoast_title=True,
            body_class=f"archive tag tag-{slug} tag-{tid}",
            kind="tag",
            feed=(f"{name} Tag Feed", site.u(f"/tag/{slug}/feed/")),
            caption_label=True,
        )
        for path, text in pages.items():
            out.page(path, text)


def write_pages(count: int, write: Callable[[str, bytes], None], light: bool = False) -> None:
    """Render every file of an archive of ``count`` articles, one ``write(path, data)`` each
    (path relative to the archive's root), without holding the archive in memory;
    ``light``: the earlier benchmark archive's sidebar (see the module's docstring)."""
    site = make_site()
    cases = synthetic_cases(count)
    context = site.Context(cases)  # its months: every month with a post, the widget's list
    if light:
        context.months = context.months[:LIGHT_ARCHIVE_MONTHS]
    widgets = "" if light else _tag_cloud(cases) + _authors_widget()

    # The fixture generator's output, written through (its class is loaded from a file at
    # run time, which a type checker cannot follow).
    class Sink(site.Out):  # type: ignore[name-defined]
        def add(self, rel: str, data: bytes) -> None:
            write(rel, data)

        def page(self, path: str, text: str, encoding: str = "utf-8") -> None:
            text = text.replace(CATEGORIES_WIDGET, widgets + CATEGORIES_WIDGET, 1)
            super().page(path, text, encoding)

    # Related-post widgets in the case content name fixture cases by key: their copies here
    # (a case no article copies, as its generation has few articles, names another one).
    for case in cases:
        context.by_key.setdefault(case["key"].rsplit("-", 1)[0], case)
    for number, template in enumerate(templates()):
        context.by_key.setdefault(template["key"], cases[number % len(cases)])
    out = Sink()
    for case in cases:
        out.page(case["path"], site.render_article(case, context), case.get("encoding", "utf-8"))
    site.build_wp_pages(context, out)
    site.build_home(context, out)
    site.PER_PAGE = LISTING_PAGE_SIZE  # read by site.render_listing_pages
    site.build_listings(context, out)
    if not light:
        _cloud_tag_listings(context, out)
    _sitemaps(cases, out, light)
    _posts_api(cases, out)
    out.add("robots.txt", site.ROBOTS.encode())


def write_archive(root: Path, count: int, light: bool = False) -> int:
    """Write an archive of ``count`` articles into ``root`` (new or empty); returns files.
    ``light``: the earlier benchmark archive (see the module's docstring)."""
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"not an empty folder: {root}")
    written = 0

    def write(rel: str, data: bytes) -> None:
        nonlocal written
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1

    write_pages(count, write, light)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path, help="folder to write the archive into")
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--light", action="store_true", help="the earlier, lighter archive")
    args = parser.parse_args(argv)
    written = write_archive(args.root, args.articles, args.light)
    print(f"wrote {written} files for {args.articles} articles under {args.root}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
