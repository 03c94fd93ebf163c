"""Rewrite the golden files from what the code produces now, and say what changed.

    python -m qa.regenerate_golden            # page goldens and crawl goldens
    python -m qa.regenerate_golden --pages    # only fixtures/<site>/site/**/expected.json
    python -m qa.regenerate_golden --crawl    # only fixtures/<site>/crawl/*

Review every change it reports (``git diff fixtures/``) before committing: a golden file
states what users get, so a change to one is a change to the product. Refuses to run in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from crawler.capture.mirror import Mirror, start_server
from qa.fixtures import (
    canonical_json,
    fixture_sites,
    golden_crawl_lines,
    golden_stats,
    page_cases,
    run_crawl,
)


def write_if_changed(path: Path, text: str) -> bool:
    if path.exists() and path.read_text() == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return True


def changed_fields(path: Path, record: dict) -> list[str]:
    old = json.loads(path.read_text()) if path.exists() else {}
    return sorted(k for k in record.keys() | old.keys() if record.get(k) != old.get(k))


def regenerate_pages() -> None:
    for case in page_cases():
        record = case.record()
        fields = changed_fields(case.expected_file, record)
        if write_if_changed(case.expected_file, canonical_json(record)):
            print(f"updated {case.expected_file}: {', '.join(fields)}")


def regenerate_crawls() -> int:
    for site in fixture_sites():
        server = start_server(Mirror(site.mirror_root).respond)
        base_url = f"http://127.0.0.1:{server.server_port}/"
        try:
            with tempfile.TemporaryDirectory() as workdir:
                result = run_crawl(site.spider, base_url, Path(workdir), *site.crawl_args)
        finally:
            server.shutdown()
        if result.returncode != 0 or not result.report:
            print(result.log[-5000:], file=sys.stderr)
            print(f"crawl of {site.mirror_root} failed (exit {result.returncode})", file=sys.stderr)
            return 1
        jsonl, stats = site.golden_files
        lines = golden_crawl_lines(result.output, base_url)
        if write_if_changed(jsonl, "\n".join(lines) + "\n"):
            print(f"updated {jsonl}: {len(lines)} records")
        if write_if_changed(stats, canonical_json(golden_stats(result.report["stats"]))):
            print(f"updated {stats}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", action="store_true", help="only the per-page goldens")
    parser.add_argument("--crawl", action="store_true", help="only the crawl goldens")
    args = parser.parse_args()
    if os.environ.get("CI"):
        parser.error("golden files are never regenerated in CI")
    both = not (args.pages or args.crawl)
    if args.pages or both:
        regenerate_pages()
    if args.crawl or both:
        return regenerate_crawls()
    return 0


if __name__ == "__main__":
    sys.exit(main())
