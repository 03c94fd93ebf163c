"""How complete the emitted records are: per field, the share of records that have it;
dates by where they came from; bodies suspiciously short; the mix of languages.

:class:`CorpusQuality` counts every emitted record into the crawl stats (``quality/...``);
:func:`quality_summary` turns those counts into the summary that the run report
(``crawler/reporting/run_report.py``) prints and the coverage report (``coverage/<spider>.json``
``"quality"``, and the HTML page) shows. The fields measured are those the record's JSON
Schema lets be empty (null, or an empty list): a required text field is there by
construction; a field added to the schema is measured with no change here.
"""

from __future__ import annotations

import html
from functools import cache
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from crawler.reporting import stats_keys
from crawler.schema import article_schema

SHORT_BODY_WORDS = 50
"""A body under this many words is more often a teaser, a caption or a cut-off page than
a whole article; such records are counted and named."""
SHORT_BODY_EXAMPLES = 20
"""Short-body records listed by URL in the summary (all of them are counted)."""


@cache
def measured_fields() -> tuple[str, ...]:
    """Record fields the schema allows to be null or an empty list, in schema order."""
    schema = article_schema()
    defs = schema.get("$defs", {})
    fields = []
    for name, node in schema["properties"].items():
        if "$ref" in node:
            node = defs[node["$ref"].rsplit("/", 1)[-1]]
        alternatives = node.get("oneOf") or node.get("anyOf") or [node]
        if any(alt.get("type") in ("null", "array") for alt in alternatives):
            fields.append(name)
    return tuple(fields)


def is_present(value: Any) -> bool:
    """
    >>> [is_present(v) for v in (None, [], "", "x", ["a"], 0)]
    [False, False, False, True, True, True]
    """
    return value is not None and value != [] and value != ""


class CorpusQuality:
    """Extension: counts each emitted record's fields, date source, body length, language."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats
        self.short_bodies: list[str] = []
        self.present_keys = [
            (name, f"{stats_keys.QUALITY_PRESENT}{name}") for name in measured_fields()
        ]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        extension = cls(crawler.stats)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        return extension

    def item_scraped(self, item: Any) -> None:
        # The output pipeline hands over a plain dict: read it as it is, without an adapter.
        record = item if type(item) is dict else ItemAdapter(item)
        get = record.get
        inc = self.stats.inc_value
        inc(stats_keys.QUALITY_RECORDS)
        for name, key in self.present_keys:
            if is_present(get(name)):
                inc(key)
        if get("published"):
            inc(f"{stats_keys.QUALITY_DATES}{get('published_source') or 'unknown'}")
        else:
            inc(f"{stats_keys.QUALITY_DATES}none")
        inc(f"{stats_keys.QUALITY_LANGUAGE}{get('language') or 'unknown'}")
        if (get("word_count") or 0) < SHORT_BODY_WORDS:
            inc(stats_keys.QUALITY_SHORT_BODY)
            if len(self.short_bodies) < SHORT_BODY_EXAMPLES:
                self.short_bodies.append(get("url") or "")


def counts_under(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    """Stats under ``prefix``, most first (ties by name). A count brought back to zero
    (the date join moves a record from ``none`` to ``listing`` after the crawl) is left
    out, so the summary does not depend on the order pages arrived in.

    >>> counts_under({"q/none": 0, "q/page": 3, "q/listing": 1, "x": 9}, "q/")
    {'page': 3, 'listing': 1}
    """
    found = {k.removeprefix(prefix): v for k, v in stats.items() if k.startswith(prefix) and v}
    return dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))


def quality_summary(
    stats: dict[str, Any], short_examples: list[str] | None = None
) -> dict[str, Any]:
    """The summary of the ``quality/`` stats; shares are of the emitted records."""
    records = stats.get(stats_keys.QUALITY_RECORDS, 0)

    def share(number: int) -> float:
        return round(number / records, 4) if records else 0.0

    present = {
        name: stats.get(f"{stats_keys.QUALITY_PRESENT}{name}", 0) for name in measured_fields()
    }
    short = stats.get(stats_keys.QUALITY_SHORT_BODY, 0)
    return {
        "records": records,
        "fields": {name: {"records": n, "share": share(n)} for name, n in present.items()},
        "dates_by_source": counts_under(stats, stats_keys.QUALITY_DATES),
        "short_bodies": {
            "words_under": SHORT_BODY_WORDS,
            "records": short,
            "share": share(short),
            "examples": short_examples or [],
        },
        "languages": counts_under(stats, stats_keys.QUALITY_LANGUAGE),
    }


def mix(counts: dict[str, int]) -> str:
    """
    >>> mix({"en": 25, "ar": 2})
    'en 25, ar 2'
    """
    return ", ".join(f"{name} {number:,}" for name, number in counts.items()) or "none"


def quality_lines(summary: dict[str, Any]) -> list[str]:
    """The summary as run-report lines."""
    if not summary["records"]:
        return ["corpus quality: no records emitted"]
    fields = ", ".join(f"{name} {value['share']:.0%}" for name, value in summary["fields"].items())
    short = summary["short_bodies"]
    short_count = f"{short['records']:,} ({short['share']:.1%})"
    return [
        f"corpus quality ({summary['records']:,} records), share with each field: {fields}",
        f"dates by source: {mix(summary['dates_by_source'])}",
        f"short bodies (< {short['words_under']} words): {short_count}",
        f"languages: {mix(summary['languages'])}",
    ]


def quality_html(summary: dict[str, Any]) -> str:
    """A table of the fields with a bar each, and the dates, short bodies and languages."""
    bar_width = 200
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td>{value['records']:,}</td>"
        f"<td>{value['share']:.1%}</td><td class='bar'><svg width='{bar_width}' height='12' "
        f"role='img' aria-label='{value['share']:.0%}'><rect width='{bar_width}' height='12' "
        f"fill='#eee'/><rect width='{value['share'] * bar_width:.1f}' height='12' "
        "fill='#4e79a7'/></svg></td></tr>"
        for name, value in summary["fields"].items()
    )
    short = summary["short_bodies"]
    examples = "".join(
        f"<li><a href='{html.escape(url)}'>{html.escape(url)}</a></li>" for url in short["examples"]
    )
    return (
        f"<h2>Corpus quality</h2><p>{summary['records']:,} records emitted. "
        f"Dates by source: {html.escape(mix(summary['dates_by_source']))}. "
        f"Languages: {html.escape(mix(summary['languages']))}. "
        f"Short bodies (under {short['words_under']} words): {short['records']:,} "
        f"({short['share']:.1%}).</p>"
        + (f"<ul>{examples}</ul>" if examples else "")
        + "<table class='quality'><tr><th>field</th><th>records with it</th><th>share</th>"
        f"<th></th></tr>{rows}</table>"
    )
