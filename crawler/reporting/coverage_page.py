"""The coverage report's HTML page: where the holes in the corpus are, at a glance.

The page is static (SVG drawn here; a few lines of script only sort the tables):

- a **month axis** that runs without a break from the first to the last month any listed
  article has, so a month with no article at all shows as a gap (hatched) instead of
  vanishing from the axis; articles with no date get their own column after it;
- a **stacked bar per month** of covered, missing, unavailable and not-an-article counts,
  and a **heatmap** below it, one row per section and one cell per month, coloured by the
  month's status: *missing* (red) if any listed article is missing, else *unavailable*
  (amber: gone from the site, or forbidden by robots.txt), else *covered* (green), else
  *not an article* (grey); an *empty* month (nothing listed) is hatched;
- sized for a real archive (150 months × 10 sections is about 1,370 × 400 pixels; the
  chart scrolls sideways in a narrower window), with a year label per January;
- a per-section summary table, the per-section, per-month table collapsed under it
  (both sortable by any column), the corpus quality summary, and every listed article
  that is not in the output.

Each month cell is an SVG ``rect`` with ``data-month``, ``data-section`` (the overall
row: ``*``) and a ``class`` naming its status, and a tooltip with its counts.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from typing import Any

from crawler.reporting.corpus_quality import quality_html

STATUSES = ("covered", "missing", "unavailable", "not_article")
STATUS_ORDER = ("missing", "unavailable", "covered", "not_article")
"""A month's status is the first of these it has any article in."""
COLOURS = {
    "covered": "#59a14f",
    "missing": "#e15759",
    "unavailable": "#f1a340",
    "not_article": "#a0a0a0",
}
LABELS = {
    "covered": "covered",
    "missing": "missing",
    "unavailable": "unavailable (gone, forbidden, bot wall)",
    "not_article": "not an article",
    "empty": "no article listed",
}
UNDATED = "unknown"
ALL_SECTIONS = "*"
CELL_W, CELL_H, CELL_GAP = 7, 16, 1
LEFT, BAR_H, AXIS_H = 150, 90, 34
EMPTY_PATTERN = (
    '<defs><pattern id="empty" width="4" height="4" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="4" height="4" fill="#f4f4f4"/>'
    '<line x1="0" y1="0" x2="0" y2="4" stroke="#c8c8c8" stroke-width="1.5"/>'
    "</pattern></defs>"
)
"""The hatching of an empty month: a gap, visibly not a month with articles."""
TABLE_COLUMNS = ("listed", "covered", "missing", "unavailable", "not_article")


def month_span(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (``YYYY-MM``), inclusive.

    >>> month_span("2016-11", "2017-02")
    ['2016-11', '2016-12', '2017-01', '2017-02']
    """
    year, month = map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def axis_months(rows: list[dict[str, Any]]) -> list[str]:
    """The continuous month axis of the report, then ``unknown`` if any row is undated."""
    dated = sorted({r["month"] for r in rows if r["month"] != UNDATED})
    months = month_span(dated[0], dated[-1]) if dated else []
    return months + ([UNDATED] if any(r["month"] == UNDATED for r in rows) else [])


def status_of(counts: Counter[str] | dict[str, int]) -> str:
    """
    >>> status_of({"listed": 3, "covered": 2, "unavailable": 1})
    'unavailable'
    >>> status_of({})
    'empty'
    """
    return next((s for s in STATUS_ORDER if counts.get(s)), "empty")


def tooltip(section: str, month: str, counts: Counter[str] | dict[str, int]) -> str:
    where = "all sections" if section == ALL_SECTIONS else section
    if not counts.get("listed"):
        return f"{month}, {where}: no article listed"
    parts = ", ".join(f"{counts[s]} {LABELS[s]}" for s in STATUSES if counts.get(s))
    return f"{month}, {where}: {counts['listed']} listed: {parts}"


def cell(x: float, y: float, section: str, month: str, counts: Counter[str]) -> str:
    status = status_of(counts)
    fill = "url(#empty)" if status == "empty" else COLOURS[status]
    return (
        f'<rect class="month {status}" data-month="{month}" '
        f'data-section="{html.escape(section)}" x="{x}" y="{y}" width="{CELL_W}" '
        f'height="{CELL_H}" fill="{fill}"><title>'
        f"{html.escape(tooltip(section, month, counts))}</title></rect>"
    )


def chart_svg(summary: dict[str, Any]) -> str:
    """Bars per month, the all-sections strip and the section × month heatmap."""
    rows = summary["rows"]
    months = axis_months(rows)
    by_cell: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for row in rows:
        counts = Counter({k: v for k, v in row.items() if k in ("listed", *STATUSES)})
        by_cell[(row["section"], row["month"])] += counts
        by_cell[(ALL_SECTIONS, row["month"])] += counts
    sections = sorted({r["section"] for r in rows}, key=lambda s: (s == UNDATED, s))
    step = CELL_W + CELL_GAP
    width = LEFT + len(months) * step + 20
    strip_y = BAR_H + AXIS_H
    grid_y = strip_y + CELL_H + 10
    height = grid_y + len(sections) * (CELL_H + CELL_GAP) + 40
    peak = max((by_cell[(ALL_SECTIONS, m)]["listed"] for m in months), default=1) or 1
    svg_open = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="coverage-chart" width="{width}" '
        f'height="{height}" role="img" aria-label="articles per month and section">'
    )
    parts = [
        svg_open,
        EMPTY_PATTERN,
        f'<text x="{LEFT - 8}" y="12" font-size="11" text-anchor="end">{peak}</text>',
        f'<text x="{LEFT - 8}" y="{BAR_H}" font-size="11" text-anchor="end">0</text>',
        f'<text x="4" y="{BAR_H / 2}" font-size="11">articles listed</text>',
    ]
    for index, month in enumerate(months):
        x = LEFT + index * step
        counts = by_cell[(ALL_SECTIONS, month)]
        top: float = BAR_H
        for status in STATUS_ORDER:
            if counts.get(status):
                h = counts[status] / peak * (BAR_H - 14)
                top -= h
                parts.append(
                    f'<rect class="bar {status}" x="{x}" y="{top:.1f}" width="{CELL_W}" '
                    f'height="{h:.1f}" fill="{COLOURS[status]}"/>'
                )
        if month == UNDATED or month.endswith("-01") or index == 0:
            label = "no date" if month == UNDATED else month[:4]
            parts.append(
                f'<line x1="{x - 0.5}" y1="{BAR_H}" x2="{x - 0.5}" y2="{height - 30}" '
                'stroke="#ddd"/>'
                f'<text class="year" x="{x}" y="{BAR_H + 14}" font-size="11">{label}</text>'
            )
        parts.append(cell(x, strip_y, ALL_SECTIONS, month, counts))
    parts.append(
        f'<text x="{LEFT - 8}" y="{strip_y + 12}" font-size="11" text-anchor="end" '
        'font-weight="bold">all sections</text>'
    )
    for row_index, section in enumerate(sections):
        y = grid_y + row_index * (CELL_H + CELL_GAP)
        parts.append(
            f'<text class="section" x="{LEFT - 8}" y="{y + 12}" font-size="11" '
            f'text-anchor="end">{html.escape(section)}</text>'
        )
        for index, month in enumerate(months):
            parts.append(cell(LEFT + index * step, y, section, month, by_cell[(section, month)]))
    legend_y = height - 14
    for index, status in enumerate((*STATUS_ORDER, "empty")):
        x = LEFT + index * 190
        fill = "url(#empty)" if status == "empty" else COLOURS[status]
        parts.append(
            f'<rect class="legend {status}" x="{x}" y="{legend_y - 10}" width="12" '
            f'height="12" fill="{fill}" stroke="#999" stroke-width="0.5"/>'
            f'<text x="{x + 16}" y="{legend_y}" font-size="11">{LABELS[status]}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def section_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Per section: the counts, the share covered, its months, and the empty months
    within the archive's span."""
    months = [m for m in axis_months(summary["rows"]) if m != UNDATED]
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    seen: dict[str, set[str]] = defaultdict(set)
    for row in summary["rows"]:
        totals[row["section"]] += Counter({c: row.get(c, 0) for c in TABLE_COLUMNS})
        if row["month"] != UNDATED:
            seen[row["section"]].add(row["month"])
    result = []
    for section, counts in sorted(totals.items()):
        measured = counts["covered"] + counts["missing"]
        result.append(
            {
                "section": section,
                **{c: counts[c] for c in TABLE_COLUMNS},
                "coverage": f"{counts['covered'] / measured:.1%}" if measured else "",
                "months with articles": len(seen[section]),
                "empty months in span": len(months) - len(seen[section]),
            }
        )
    return result


def sortable_table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(r.get(c, 0)))}</td>" for c in columns) + "</tr>"
        for r in rows
    )
    return f"<table class='sortable'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


SORT_SCRIPT = """
document.querySelectorAll('table.sortable th').forEach((th, column) => th.addEventListener(
  'click', () => {
    const body = th.closest('table').tBodies[0];
    const key = (row) => row.cells[column].textContent;
    const numeric = [...body.rows].every((row) => !isNaN(parseFloat(key(row))) || !key(row));
    const ascending = th.dataset.order !== 'asc';
    th.dataset.order = ascending ? 'asc' : 'desc';
    const sign = ascending ? 1 : -1;
    [...body.rows].sort((a, b) => sign * (numeric
        ? (parseFloat(key(a)) || 0) - (parseFloat(key(b)) || 0)
        : key(a).localeCompare(key(b)))).forEach((row) => body.appendChild(row));
  }));
"""

STYLE = (
    "body{font-family:sans-serif;margin:2em}"
    "table{border-collapse:collapse;margin:.5em 0}"
    "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}"
    "th{background:#f4f4f4;cursor:pointer}td:first-child{text-align:left}"
    ".chart{overflow-x:auto}.quality .bar{text-align:left}"
)


def html_page(spider_name: str, summary: dict[str, Any]) -> str:
    """The whole page."""
    missing = (
        "".join(
            f"<li><code>{html.escape(e['status'])}</code> {html.escape(e['outcome'])}: "
            f'<a href="{html.escape(e["url"])}">{html.escape(e["url"])}</a></li>'
            for e in summary["not_in_output"]
        )
        or "<li>none</li>"
    )
    months = [m for m in axis_months(summary["rows"]) if m != UNDATED]
    span = f"{months[0]} to {months[-1]}, {len(months)} months" if months else "no dated articles"
    empty = len(months) - len({r["month"] for r in summary["rows"]} - {UNDATED})
    sections = section_rows(summary)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Coverage: {html.escape(spider_name)}</title><style>{STYLE}</style></head>"
        f"<body><h1>Coverage of the {html.escape(spider_name)} crawl: "
        f"{summary['coverage']:.1%}</h1>"
        f"<p>{summary['covered']} of {summary['listed']} articles seen on listing pages, "
        f"sitemaps or URL lists are covered; {summary['missing']} missing; "
        f"{summary['unavailable']} unavailable (gone from the site or forbidden by "
        f"robots.txt); {summary['not_articles']} turned out not to be articles.</p>"
        f"<h2>Articles per month and section</h2><p>Span: {span}; "
        f"{empty} months with no article listed (hatched).</p>"
        f"<div class='chart'>{chart_svg(summary)}</div>"
        + (
            "<h2>Sites</h2>" + sortable_table(summary["sites"], list(summary["sites"][0]))
            if summary.get("sites")
            else ""
        )
        + "<h2>Sections</h2>"
        + sortable_table(sections, list(sections[0]) if sections else ["section"])
        + "<details><summary>Every section and month "
        f"({len(summary['rows'])} rows)</summary>"
        + sortable_table(summary["rows"], ["section", "month", *TABLE_COLUMNS])
        + "</details>"
        + (quality_html(summary["quality"]) if "quality" in summary else "")
        + f"<h2>Listed but not in the output</h2><ul>{missing}</ul>"
        f"<script>{SORT_SCRIPT}</script></body></html>\n"
    )
