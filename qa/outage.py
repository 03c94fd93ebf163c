"""What an outage of the site costs a crawl, with and without late retries.

    python -m qa.outage [--start 4] [--end 14] [--site fixtures/aawsat/site]

Serves the mirror on loopback and answers every request 503 from ``--start`` to ``--end``
seconds after the crawl's first request (a site restarting), then crawls it twice the
way users do (``scrapy crawl aawsat``, 0.1 s between requests, one at a time, so the crawl
outlasts the outage): with ``ARCHIVE_LATE_RETRY_ROUNDS=0`` (each page's retries only, as
Scrapy does) and with the default round of late retries (``crawler/spiders/late_retries.py``,
``ARCHIVE_LATE_RETRY_DELAY=5`` so the run is short). Prints articles emitted, 503s
answered, article pages failed, pages held and recovered, and the coverage report's
missing articles, for each.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from crawler.reporting import stats_keys
from qa.faulty_site import Answer, SiteFault, served_with
from qa.fixtures import FIXTURES, run_crawl


def outage(start: float, end: float) -> SiteFault:
    """Every request answered 503 from ``start`` to ``end`` seconds into the crawl."""

    def answer(elapsed: float) -> Answer | None:
        return (503, {"Content-Type": "text/plain"}, b"down") if start <= elapsed < end else None

    return answer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--start", type=float, default=4.0, help="seconds after the first request")
    parser.add_argument("--end", type=float, default=14.0, help="seconds after the first request")
    parser.add_argument("--site", type=Path, default=FIXTURES / "aawsat" / "site")
    args = parser.parse_args(argv)
    print(f"every request answered 503 from {args.start:g} s to {args.end:g} s into the crawl")
    for label, rounds in (("retries only", "0"), ("late retries", "1")):
        with (
            tempfile.TemporaryDirectory() as workdir,
            served_with(args.site, outage(args.start, args.end)) as base_url,
        ):
            result = run_crawl(
                "aawsat",
                base_url,
                Path(workdir),
                *("-s", "DOWNLOAD_DELAY=0.1", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"),
                *("-s", f"ARCHIVE_LATE_RETRY_ROUNDS={rounds}", "-s", "ARCHIVE_LATE_RETRY_DELAY=5"),
            )
        stats = result.report["stats"]
        failed = sum(v for k, v in stats.items() if k.startswith(stats_keys.ARTICLES_FAILED))
        print(
            f"{label:<13} {len(result.output.splitlines()):>3} articles  "
            f"{stats.get('faults/http/503', 0):>3} answered 503  {failed:>3} article pages failed  "
            f"{stats.get(stats_keys.LATE_RETRY_HELD, 0):>3} held, "
            f"{stats.get(stats_keys.LATE_RETRY_RECOVERED, 0):>3} recovered  "
            f"coverage: {stats.get(stats_keys.COVERAGE_MISSING, 0)} missing"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
