"""A synthetic archive shaped like the fixture site, as large as a benchmark needs.

The pages are rendered by the fixture generator itself (``fixtures/aawsat/make_site.py``):
the same Divi chrome, ``<head>`` variants and hand-written article cases. Article *i* is a
copy of case ``i mod 27`` (the canonical-duplicate case is left out) under its own slug,
post id, date (spread over 2005-2017) and title, with paragraphs of the other cases'
text added so pages weigh 30-60 KB. Listings (categories, tags, authors, months) are
paginated by WordPress's default of 10 posts; the post sitemap is split every 1,000
entries as Yoast does. Links stay on the public origin, like the fixture's: the spider
rebases them to ``-a base_url``.

    python -m bench.synthetic OUT_DIR --articles 5000
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

MAKE_SITE = Path(__file__).resolve().parent.parent / "fixtures" / "aawsat" / "make_site.py"
LISTING_PAGE_SIZE = 10
"""Posts per listing page: WordPress's default (the fixture uses 4 to paginate 28 posts)."""
SITEMAP_PAGE_SIZE = 1000
"""Entries per post sitemap: Yoast's default."""
ARCHIVE_WIDGET_MONTHS = 12
"""Months the sidebar's Archives widget lists (and that get a month archive)."""
FIRST_POST_ID = 100_000
ARCHIVE_START = datetime(2005, 1, 3, 8, 0, tzinfo=UTC)
ARCHIVE_END = datetime(2017, 6, 30, 18, 0, tzinfo=UTC)
EXTRA_PARAGRAPHS = range(12, 60)
"""Paragraphs added to an article, by turns: its page then weighs 30-60 KB."""


@cache
def make_site() -> ModuleType:
    """The fixture generator, imported from its file (``fixtures/`` is not a package)."""
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


def synthetic_cases(count: int) -> list[dict[str, Any]]:
    """``count`` article cases in the fixture's case format, newest last."""
    pool = _paragraph_pool()
    bases = templates()
    step = (ARCHIVE_END - ARCHIVE_START) / max(count, 1)
    cases = []
    for number in range(count):
        base = bases[number % len(bases)]
        date = (ARCHIVE_START + step * number + timedelta(minutes=number % 60)).isoformat()
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
            }
        )
    return cases


def _sitemaps(cases: list[dict[str, Any]], out: Any) -> None:
    """Yoast's sitemap index: posts split every 1,000, then pages, categories, tags, authors."""
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
        [(site.u(f"/tag/{slug}/"), newest, []) for slug in site.TAGS]
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


def write_pages(count: int, write: Callable[[str, bytes], None]) -> None:
    """Render every file of an archive of ``count`` articles, one ``write(path, data)`` each
    (path relative to the archive's root), without holding the archive in memory."""
    site = make_site()

    class Sink(site.Out):  # the fixture generator's output, written through
        def add(self, rel: str, data: bytes) -> None:
            write(rel, data)

    cases = synthetic_cases(count)
    context = site.Context(cases)
    # The Archives widget set to its latest months (WordPress: limit=12), so pages carry
    # about 40 links as the fixture's do, not 150 more; older months have no archive page.
    context.months = context.months[:ARCHIVE_WIDGET_MONTHS]
    # Related-post widgets in the case content name fixture cases by key: their copies here.
    for case in cases:
        context.by_key.setdefault(case["key"].rsplit("-", 1)[0], case)
    out = Sink()
    for case in cases:
        out.page(case["path"], site.render_article(case, context), case.get("encoding", "utf-8"))
    site.build_wp_pages(context, out)
    site.build_home(context, out)
    site.PER_PAGE = LISTING_PAGE_SIZE  # read by site.render_listing_pages
    site.build_listings(context, out)
    _sitemaps(cases, out)
    out.add("robots.txt", site.ROBOTS.encode())


def write_archive(root: Path, count: int) -> int:
    """Write an archive of ``count`` articles into ``root`` (new or empty); returns files."""
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"not an empty folder: {root}")
    written = 0

    def write(rel: str, data: bytes) -> None:
        nonlocal written
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1

    write_pages(count, write)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path, help="folder to write the archive into")
    parser.add_argument("--articles", type=int, default=5000)
    args = parser.parse_args(argv)
    written = write_archive(args.root, args.articles)
    print(f"wrote {written} files for {args.articles} articles under {args.root}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
