"""Live progress: the line logged every ``ARCHIVE_PROGRESS_INTERVAL`` seconds during the
fixture crawl, the terminal bar, and the run report's elapsed time and average rates."""

from __future__ import annotations

import io
import re

import pytest

from crawler.reporting import stats_keys
from crawler.reporting.progress import Progress, Sample, TerminalBar

PROGRESS_LINE = re.compile(
    r"\[crawler\.reporting\.progress\] INFO: articles (\d+) written / ~(\d+) listed \((\d+\.\d)%\) · "
    r"\d+\.\d pages/s · (\d+) faults · ETA (?:\d+ s|\d+ min|\d+ h \d\d min|unknown)"
    r"(?: \(total still growing\))?$",
    re.MULTILINE,
)


def test_the_crawl_logs_a_progress_line_every_interval(outputs_crawl):
    lines = PROGRESS_LINE.findall(outputs_crawl.result.log)
    assert len(lines) >= 3, outputs_crawl.result.log[-3000:]
    written = [int(w) for w, *_ in lines]
    assert written == sorted(written)
    for w, listed, share, _ in lines:
        assert float(share) == pytest.approx(100 * int(w) / int(listed), abs=0.05)
    assert "(total still growing)" in outputs_crawl.result.log
    assert "Crawled " not in outputs_crawl.result.log  # Scrapy's LogStats line is replaced
    assert "\r" not in outputs_crawl.result.log  # no bar: stderr is not a terminal


def test_the_run_report_gives_elapsed_time_and_average_rates(outputs_crawl):
    report = outputs_crawl.result.report["report"]
    assert re.fullmatch(r"elapsed: \d+ s", report[0])
    pages = outputs_crawl.result.report["stats"][stats_keys.DOWNLOADER_RESPONSE_COUNT]
    match = re.fullmatch(
        r"average rates: (\d+\.\d\d) pages/s, (\d+\.\d\d) articles/s, [\d,]+ articles/h",
        report[1],
    )
    assert match
    elapsed = outputs_crawl.result.report["stats"]["elapsed_time_seconds"]
    assert float(match.group(1)) == pytest.approx(pages / elapsed, rel=0.2)


def test_eta_comes_from_the_listed_total_and_the_recent_rate():
    progress = Progress(window=2)
    for second, settled in ((0, 0), (10, 100), (20, 300), (30, 500)):
        progress.add(Sample(second, settled, 1000, settled, 2 * settled, 0))
    # The window holds the last 3 samples: 400 settled in 20 s, 500 left: 25 s.
    assert progress.eta() == pytest.approx(25)
    assert not progress.growing()
    assert progress.line().endswith("ETA 25 s")


def test_the_terminal_bar_shows_settled_over_listed(monkeypatch):
    terminal = io.StringIO()
    monkeypatch.setattr("sys.stderr", terminal)
    progress = Progress()
    progress.add(Sample(0, 0, 100, 0, 0, 0))
    progress.add(Sample(10, 40, 120, 50, 80, 2))
    bar = TerminalBar()
    bar.show(progress)
    bar.close()
    drawn = terminal.getvalue()
    assert "50/120" in drawn
    assert "40 written · 8.0 pages/s · 2 faults · ETA 14 s · total growing" in drawn
