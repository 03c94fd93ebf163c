"""Plain-text page dumps of the aawsat archive → schema-v2 article records (JSON Lines).

    python -m crawler.textdump DUMP.txt --url URL -o articles.jsonl
    python -m crawler.textdump dumps/*.txt --urls urls.json -o articles.jsonl

A dump is the visible text of one article page, one block per line, as a browser's "save
as text" or a text web archive gives it: the site-title line, ``Title | ASHARQ AL-AWSAT
English Archive 2005 -2017``, ``Select Page``, ``Media ID: N``, the picture's caption with
its credit, then the body paragraphs (``fixtures/aawsat/seed/`` holds one). Each line goes
through the same cleaning as the HTML crawl: the profile's loader (title suffix, ids), its
:class:`~crawler.extraction.content.ArticleBody` with its line rules (Media ID, captions and credits,
chrome lines, repeated title and byline), then :func:`~pipelines.normalize.normalize_article` and the
schema-v2 validator.

What a dump does not hold stays null or empty: no dates, section, post id or tags are
invented (a Divi ``by AUTHOR | Mon D, YYYY | Section`` line, when a dump has one, gives
authors, date and section), images have ``url: null`` and a dump has no URL. ``url``,
``id`` and ``fetched_url`` are required by schema v2, so a dump is only written when its
URL is given (``--url``, or ``--urls`` mapping file names to URLs); otherwise it is reported
as not schema-valid and left out, and the command exits with status 1. ``fetched_at`` is
when the dump was read: a dump does not say when its page was saved.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from itemadapter import ItemAdapter

from crawler.clock import utc_now
from crawler.extraction.content import ArticleBody, TextBlock
from crawler.extraction.processors import normalize_text, split_authors
from crawler.extraction.text_facts import text_facts
from crawler.items import ArticleItem
from crawler.sites.aawsat import (
    DEFAULT_LANGUAGE,
    LINE_RULES,
    PROFILE,
    AawsatArticleLoader,
    strip_site_suffix,
)
from pipelines.normalize import normalize_article
from pipelines.validate import article_validator, drop_reason, text_policy_errors

EXTRACTOR = {"name": f"{PROFILE.name}-textdump", "version": "1.0"}
"""Tells records made from dumps apart from those of the HTML crawl (``aawsat``)."""


def dump_lines(text: str) -> list[str]:
    """The dump's non-empty lines, each cleaned as page text is (NFC, whitespace)."""
    return [line for raw in text.splitlines() if (line := normalize_text(raw))]


def parse_dump(text: str, url: str | None = None, read_at: str | None = None) -> ArticleItem:
    """The record of one dump: extracted, then normalized as the crawl's pipelines do.

    The title is the first line that is not site chrome (the site-title line, "Select
    Page"), without the site suffix; every later line is a content block.
    """
    lines = dump_lines(text)
    chrome, byline_line = LINE_RULES.chrome, LINE_RULES.byline
    start = next((i for i, line in enumerate(lines) if not chrome.match(line)), len(lines))
    title_line, blocks = (lines[start], lines[start + 1 :]) if start < len(lines) else (None, [])
    title = strip_site_suffix(title_line) if title_line else None
    body = ArticleBody.split([TextBlock(line, "p") for line in blocks], title, LINE_RULES)
    byline = byline_line and next((m for line in blocks if (m := byline_line.match(line))), None)

    loader = AawsatArticleLoader()
    loader.add_value("site", PROFILE.name)
    loader.add_value("extractor", EXTRACTOR)
    loader.add_value("url", url)
    loader.add_value("fetched_url", url)
    loader.add_value("fetched_at", read_at or utc_now())
    loader.add_value("title", title_line)
    if byline:
        loader.add_value("authors", split_authors(byline.group("authors")))
        loader.add_value("published_raw", byline.group("date"))
        loader.add_value("section", byline.group("section"))
    loader.add_value("language", DEFAULT_LANGUAGE)
    loader.add_value("media_id", body.media_ids)
    loader.add_value("images", body.images)
    loader.add_value("body", body.paragraphs)
    item = loader.load_item()
    normalize_article(item)
    return item


def schema_problems(item: ArticleItem) -> list[str]:
    """Why the record is not schema v2 (the validate pipeline's reasons); empty if it is."""
    record = ItemAdapter(item).asdict()
    errors = sorted(article_validator().iter_errors(record), key=lambda e: list(e.absolute_path))
    problems = [drop_reason(error) for error in errors] + text_policy_errors(text_facts(item))
    return list(dict.fromkeys(map(str, problems)))  # a field with several errors is named once


def read_url_map(path: Path) -> dict[str, str]:
    """``{"dump file name": "article URL"}`` from a JSON object."""
    mapping = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(mapping, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in mapping.items()
    ):
        raise ValueError(f"{path}: expected a JSON object of file name → URL strings")
    return mapping


@dataclass(frozen=True)
class Conversion:
    path: Path
    item: ArticleItem
    problems: list[str]


def convert(dumps: Iterable[Path], urls: dict[str, str]) -> list[Conversion]:
    """Each dump's record; ``urls`` maps a dump's file name (or its path as given) to its URL."""
    conversions = []
    for path in dumps:
        url = urls.get(str(path)) or urls.get(path.name)
        item = parse_dump(path.read_text(encoding="utf-8"), url)
        conversions.append(Conversion(path, item, schema_problems(item)))
    return conversions


def record_line(item: ArticleItem) -> str:
    """One JSON Lines line, as the crawl's feed writes it: UTF-8 text, keys in schema order."""
    return json.dumps(ItemAdapter(item).asdict(), ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m crawler.textdump",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("dumps", nargs="+", type=Path, metavar="DUMP")
    parser.add_argument("--url", help="the article URL of the dump (only with one DUMP)")
    parser.add_argument(
        "--urls", type=Path, metavar="MAP.json", help='{"file name": "article URL", ...}'
    )
    parser.add_argument(
        "-o", "--output", type=Path, help="write JSON Lines here (default: standard output)"
    )
    args = parser.parse_args(argv)
    if args.url and len(args.dumps) != 1:
        parser.error("--url names the URL of one dump; for several, use --urls MAP.json")
    try:
        urls = read_url_map(args.urls) if args.urls else {}
        if args.url:
            urls[str(args.dumps[0])] = args.url
        conversions = convert(args.dumps, urls)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        parser.error(str(error))

    written = [c for c in conversions if not c.problems]
    for conversion in conversions:
        if conversion.problems:
            hint = " (a dump holds no URL: give --url or --urls)" if not conversion.item.url else ""
            print(
                f"{conversion.path}: not written, not a schema-v2 record: "
                f"{', '.join(conversion.problems)}{hint}",
                file=sys.stderr,
            )
    lines = "".join(record_line(c.item) for c in written)
    if args.output:
        args.output.write_text(lines, encoding="utf-8")
    else:
        sys.stdout.write(lines)
    print(f"{len(written)} of {len(conversions)} dumps written", file=sys.stderr)
    return 0 if len(written) == len(conversions) else 1


if __name__ == "__main__":
    sys.exit(main())
