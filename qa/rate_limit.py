"""A crawl of a rate-limited site with Scrapy's AutoThrottle and with ours, same run.

    python -m qa.rate_limit [--gap 1.0] [--site fixtures/aawsat/site]

Serves the mirror on loopback behind a rate limit: a request that comes less than
``--gap`` seconds after the last one served is answered 429 (no ``Retry-After``, as many
limits answer). Crawls it twice with the project's default politeness (``scrapy crawl
aawsat``: DOWNLOAD_DELAY 0.5 s, AutoThrottle, 4 connections), late retries off so that the
throttle alone decides what is lost: once with Scrapy's AutoThrottle
(``qa/scrapy_autothrottle_settings.py``) and once with ``PoliteAutoThrottle``, which slows a
host down on a 429 (``crawler/runtime/politeness.py``). Prints, for each, the articles
emitted, the requests the site got and how many it answered 429, the article pages lost
to 429s, and the crawl's time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from crawler.reporting import stats_keys
from qa.faulty_site import Answer, SiteFault, served_with
from qa.fixtures import FIXTURES

REPO = Path(__file__).resolve().parent.parent
THROTTLES = {
    "Scrapy's AutoThrottle": "qa.scrapy_autothrottle_settings",
    "PoliteAutoThrottle": "crawler.settings",
}


class RateLimit:
    """A site fault: 429 for a request under ``gap`` seconds after the last one served."""

    def __init__(self, gap: float) -> None:
        self.gap = gap
        self.last_served: float | None = None
        self.requests = self.limited = 0

    def __call__(self, elapsed: float) -> Answer | None:
        self.requests += 1
        if self.last_served is not None and elapsed - self.last_served < self.gap:
            self.limited += 1
            return 429, {"Content-Type": "text/plain"}, b"Too Many Requests"
        self.last_served = elapsed
        return None


def crawl(site: Path, fault: SiteFault, settings_module: str, workdir: Path) -> dict:
    """The report of ``scrapy crawl aawsat`` of ``site`` served with ``fault``."""
    report = workdir / "report.json"
    with served_with(site, fault) as base_url:
        subprocess.run(
            [
                *(sys.executable, "-m", "scrapy", "crawl", "aawsat", "-a", f"base_url={base_url}"),
                *("-O", str(workdir / "articles.jsonl"), "-s", f"ARCHIVE_REPORT_FILE={report}"),
                *("-s", f"ARCHIVE_COVERAGE_DIR={workdir / 'coverage'}"),
                *("-s", "ARCHIVE_LATE_RETRY_ROUNDS=0"),
            ],
            cwd=REPO,
            env={**os.environ, "SCRAPY_SETTINGS_MODULE": settings_module},
            capture_output=True,
            check=True,
        )
    return json.loads(report.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gap", type=float, default=1.0, help="least seconds between requests")
    parser.add_argument("--site", type=Path, default=FIXTURES / "aawsat" / "site")
    args = parser.parse_args(argv)
    print(f"a request under {args.gap:g} s after the last one served is answered 429")
    for label, settings_module in THROTTLES.items():
        limit = RateLimit(args.gap)
        started = time.monotonic()
        with tempfile.TemporaryDirectory() as workdir:
            report = crawl(args.site, limit, settings_module, Path(workdir))
            emitted = len((Path(workdir) / "articles.jsonl").read_text().splitlines())
        stats = report["stats"]
        print(
            f"{label:<22} {emitted:>3} articles  {limit.requests:>4} requests, "
            f"{limit.limited:>4} answered 429  "
            f"{stats.get(f'{stats_keys.ARTICLES_FAILED}http_429', 0)} article pages lost to 429s  "
            f"coverage: {stats.get(stats_keys.COVERAGE_MISSING, 0)} missing  "
            f"{time.monotonic() - started:.0f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
