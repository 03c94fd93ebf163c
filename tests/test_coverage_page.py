"""The coverage page as a person sees it: the fixture crawl's ``coverage/aawsat.html``
rendered by headless Chromium, probed for what is on screen: every month of the
archive's span has a visible cell, the months with no article are marked as gaps, the
unavailable article's month is told apart; and the page stays readable at the size of
the real archive. The corpus quality summary is in all three report files.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess

import pytest

from crawler.reporting.coverage_page import CELL_GAP, CELL_W, COLOURS, LEFT, chart_svg, month_span
from qa.fixtures import chromium_command

PROBE = """<script>
const cells = [...document.querySelectorAll('rect.month[data-section="*"]')];
const probe = cells.map((cell) => {
  cell.scrollIntoView({block: 'center', inline: 'center'});
  const box = cell.getBoundingClientRect();
  const seen = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
  return {month: cell.dataset.month, status: cell.classList[1], width: box.width,
          height: box.height, visible: seen === cell, fill: getComputedStyle(cell).fill,
          tooltip: cell.querySelector('title').textContent};
});
const out = document.createElement('pre');
out.id = 'probe';
out.textContent = JSON.stringify(probe);
document.body.appendChild(out);
</script>"""
"""Appended to a copy of the page: for each month of the all-sections strip, its box on
screen, whether it is what a click at its centre would hit, and its painted fill."""


def rgb(colour: str) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


@pytest.fixture(scope="module")
def rendered(outputs_crawl, tmp_path_factory):
    if shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    folder = tmp_path_factory.mktemp("browser")
    page = (outputs_crawl.workdir / "coverage" / "aawsat.html").read_text()
    probed = folder / "probed.html"
    probed.write_text(page.replace("</body>", PROBE + "</body>"))
    done = subprocess.run(
        chromium_command(probed.as_uri(), folder / "profile", "--dump-dom"),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.DOTALL)
    assert found, done.stdout[-2000:]
    coverage = json.loads((outputs_crawl.workdir / "coverage" / "aawsat.json").read_text())
    return json.loads(html.unescape(found.group(1))), coverage


def test_every_month_of_the_span_is_on_screen(rendered):
    cells, coverage = rendered
    listed_months = sorted({row["month"] for row in coverage["rows"]})
    assert listed_months[0] == "2005-08"  # the fixture archive's oldest and newest articles
    assert listed_months[-1] == "2017-03"
    assert [c["month"] for c in cells] == month_span("2005-08", "2017-03")  # 140, no break
    for cell in cells:
        assert cell["visible"], cell
        assert cell["width"] >= 5
        assert cell["height"] >= 10


def test_months_without_articles_are_marked_as_gaps(rendered):
    cells, coverage = rendered
    with_articles = {row["month"] for row in coverage["rows"]}
    gaps = [c for c in cells if c["month"] not in with_articles]
    assert len(gaps) == len(cells) - len(with_articles) > 100
    for cell in gaps:
        assert cell["status"] == "empty"
        assert cell["fill"] == 'url("#empty")'  # hatched, not a colour of any status
        assert cell["tooltip"].endswith("no article listed")
    for cell in cells:
        if cell["month"] in with_articles:
            assert cell["fill"] in {rgb(COLOURS["covered"]), rgb(COLOURS["unavailable"])}


def test_the_unavailable_article_is_told_apart(rendered):
    cells, coverage = rendered
    (gone,) = coverage["not_in_output"]  # the deleted story: 404
    assert (gone["status"], gone["month"]) == ("unavailable", "2016-06")
    june = next(c for c in cells if c["month"] == "2016-06")
    assert june["status"] == "unavailable"
    assert june["fill"] == rgb(COLOURS["unavailable"])
    assert (
        june["tooltip"]
        == "2016-06, all sections: 1 listed: 1 unavailable (gone, forbidden, bot wall)"
    )


def test_150_months_by_10_sections_fit_a_laptop_screen():
    months = month_span("2005-01", "2017-06")
    rows = [
        {"section": f"Section {s}", "month": m, "listed": 2, "covered": 1, "missing": s % 2}
        for s in range(10)
        for m in months[s::3]
    ]
    svg = chart_svg({"rows": rows})
    width, height = (int(v) for v in re.search(r'width="(\d+)" height="(\d+)"', svg).groups())
    assert len(months) == 150
    assert width == LEFT + 150 * (CELL_W + CELL_GAP) + 20 <= 1400
    assert height <= 450
    assert svg.count('class="month missing"') > 0
    assert len(re.findall(r'class="section"', svg)) == 10  # a label on every row
    assert len(re.findall(r'class="year"', svg)) == 13  # one per year, not per month


def test_the_quality_summary_is_in_every_report(outputs_crawl):
    coverage = json.loads((outputs_crawl.workdir / "coverage" / "aawsat.json").read_text())
    records = [json.loads(line) for line in outputs_crawl.jsonl.read_text().splitlines()]
    total, dated = len(records), sum(1 for r in records if r["published"])
    quality = coverage["quality"]
    assert quality["records"] == total
    assert quality["fields"]["authors"] == {"records": total, "share": 1.0}
    assert quality["fields"]["published"]["records"] == dated == total  # listings date the rest
    by_source = quality["dates_by_source"]
    assert (by_source.pop("none", 0), sum(by_source.values())) == (total - dated, dated)
    assert quality["languages"] == {"en": total}
    assert quality["short_bodies"]["records"] == sum(1 for r in records if r["word_count"] < 50)
    page = (outputs_crawl.workdir / "coverage" / "aawsat.html").read_text()
    assert "<h2>Corpus quality</h2>" in page
    report = outputs_crawl.result.report["report"]
    assert any(
        line.startswith(f"corpus quality ({total} records), share with each field: ")
        for line in report
    )
    assert f"languages: en {total}" in report
