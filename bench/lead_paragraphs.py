"""Lead (standfirst) paragraphs kept: the pages of the article-extraction benchmark whose
true body opens with a paragraph the extractor loses, ours next to trafilatura in the
same run.

    python -m bench.lead_paragraphs [--lost]

A page's *lead* is the first paragraph of its true body (``articleBody``, paragraphs
split on blank lines) with at least :data:`MIN_LEAD_TOKENS` words: the standfirst, dek or
first paragraph a reader meets under the headline. It is *lost* when under half of its
4-word shingles (the benchmark's unit, qa/evaluation.py) are anywhere in the extracted
body. Ours is the crawl's record (``scrapy crawl archive -a urls=LIST``,
qa/corpus_crawl.py); trafilatura runs with ``favor_precision`` (the stronger baseline on
this benchmark) and with its defaults. ``--lost`` lists each page whose lead ours loses.

It also counts the pages that *show* a standfirst ours does not keep: the first element
between the page's first ``<h1>`` and ours's first paragraph whose class names a
standfirst (:data:`STANDFIRST_CLASSES`: ``dek``, ``standfirst``, ``summary``, ``lead``...),
with at least :data:`MIN_LEAD_TOKENS` words, outside figures, links and navigation; and
how many of those the true body holds (``--deks`` lists them). That is the evidence for
keeping such elements or not.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from bench.extraction_quality import TRAFILATURA
from qa.corpus_crawl import corpus, crawl_corpus
from qa.evaluation import load_benchmark, shingles, tokens

STANDFIRST_CLASSES = frozenset(
    {"standfirst", "summary", "dek", "deck", "lead", "lede", "intro", "teaser", "subtitle"}
    | {"subheadline", "subhead", "strapline", "description", "excerpt", "abstract"}
)
"""Class-name words (split on ``-``, ``_``) of the elements a page shows its standfirst in."""
STANDFIRST_XPATH = etree.XPath(
    "//*[" + " or ".join(f"contains(@class, '{word}')" for word in STANDFIRST_CLASSES) + "]"
)
NOT_A_STANDFIRST = frozenset({"a", "figure", "figcaption", "nav", "aside", "footer", "meta"})
MIN_LEAD_TOKENS = 8
"""Words of the shortest paragraph taken as a lead (shorter: a dateline or a label)."""
KEPT_SHARE = 0.5


def lead(truth: str) -> str | None:
    """The true body's first paragraph of at least :data:`MIN_LEAD_TOKENS` words.

    >>> lead("By AP\\n\\nThe budget passed on Monday after a night of talks in Rome.\\n\\nMore.")
    'The budget passed on Monday after a night of talks in Rome.'
    """
    for paragraph in truth.split("\n"):
        if len(tokens(paragraph)) >= MIN_LEAD_TOKENS:
            return paragraph.strip()
    return None


def lead_kept(lead_text: str, body: str) -> bool:
    """Whether at least half of the lead's 4-word shingles are in ``body``.

    >>> lead_kept("one two three four five", "zero one two three four five six")
    True
    >>> lead_kept("one two three four five", "one two three")
    False
    """
    wanted = shingles(tokens(lead_text))
    found = wanted & shingles(tokens(body))
    return sum(found.values()) >= KEPT_SHARE * sum(wanted.values())


def element_text(element: etree._Element) -> str:
    return " ".join(" ".join(element.itertext()).split())


def shown_standfirst(html: bytes, body: str) -> str | None:
    """The text of the standfirst the page shows between its headline and the first
    paragraph of ``body``, when ``body`` does not hold it (see the module's docstring)."""
    root = lxml_html.fromstring(html)
    first = body.split("\n\n")[0] if body else ""
    order = {element: index for index, element in enumerate(root.iter())}
    headlines = root.xpath("//h1")
    start = order[headlines[0]] if headlines else -1
    end = next(
        (
            order[e]
            for e in root.iter("p", "div", "li", "section")
            if first and element_text(e) == first
        ),
        None,
    )
    if end is None:
        return None
    for element in STANDFIRST_XPATH(root):
        words = set(re.split(r"[-_\s]+", (element.get("class") or "").lower()))
        if not (words & STANDFIRST_CLASSES and start < order[element] < end):
            continue
        if element.tag in NOT_A_STANDFIRST or any(
            a.tag in NOT_A_STANDFIRST for a in element.iterancestors()
        ):
            continue
        text = element_text(element)
        if len(tokens(text)) >= MIN_LEAD_TOKENS and not lead_kept(text, body):
            return text
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lost", action="store_true", help="list the leads ours loses")
    parser.add_argument("--deks", action="store_true", help="list the standfirsts shown")
    args = parser.parse_args(argv)
    source = corpus("article-extraction")
    pages = load_benchmark(source.folder)
    with tempfile.TemporaryDirectory(prefix="bench-leads-") as work:
        records = crawl_corpus(source, Path(work)).records
    bodies = {
        "ours (scrapy crawl archive)": {
            p.page_id: (records.get(p.page_id) or {}).get("body") or "" for p in pages
        }
    }
    for name, extract in TRAFILATURA.items():
        bodies[name] = {p.page_id: extract(p.html.decode("utf-8", "replace"), p.url) for p in pages}
    leads = {p.page_id: lead(p.truth) for p in pages}
    with_lead = [page_id for page_id, text in leads.items() if text]
    print(f"{len(pages)} pages, {len(with_lead)} with a lead of {MIN_LEAD_TOKENS}+ words")
    lost = {
        name: sorted(i for i in with_lead if not lead_kept(leads[i] or "", texts[i]))
        for name, texts in bodies.items()
    }
    ours = set(lost["ours (scrapy crawl archive)"])
    for name, pages_lost in lost.items():
        only = len(set(pages_lost) - ours) if name.startswith("trafilatura") else None
        extra = f"  ({only} of them kept by ours)" if only is not None else ""
        print(f"  {name:<30} leads lost: {len(pages_lost):>3}{extra}")
    ours_bodies = bodies["ours (scrapy crawl archive)"]
    truths = {p.page_id: p.truth for p in pages}
    shown = {
        p.page_id: text
        for p in pages
        if (text := shown_standfirst(p.html, ours_bodies[p.page_id])) is not None
    }
    in_truth = {page_id for page_id, text in shown.items() if lead_kept(text, truths[page_id])}
    print(
        f"pages showing a standfirst ours does not keep: {len(shown)}, "
        f"of which the true body holds it: {len(in_truth)}"
    )
    if args.deks:
        for page_id, text in sorted(shown.items()):
            mark = "in truth" if page_id in in_truth else "not in truth"
            print(f"  {page_id[:12]} ({mark}) {text!r:.110}")
    if args.lost:
        urls = {p.page_id: p.url for p in pages}
        for page_id in sorted(ours):
            kept_by = [n for n, pages_lost in lost.items() if page_id not in pages_lost]
            print(f"  {page_id[:12]} {urls[page_id]}\n    lead: {leads[page_id]!r:.120}")
            print(f"    kept by: {', '.join(kept_by) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
