"""Copy the public real-page benchmarks into ``fixtures/`` with their licences, so the
quality gate (tests/test_quality_gate.py) crawls them without anything outside the repo.

    python -m qa.copy_benchmarks ../shared/benchmarks

Copies ``article-extraction`` (181 pages, MIT) and ``publication-dates`` (200 pages,
Apache-2.0) whole: ``ground-truth.json``, ``html/<id>.html.gz``, ``LICENSE`` and
``SOURCE.md``, byte for byte; re-running reproduces the same files. What the repository
adds beside them (each corpus's hand-written ``metadata-oracle.json`` and its
annotators' ``metadata-oracle-notes.json``) is kept.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

CORPORA = ("article-extraction", "publication-dates")
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def copy_corpus(source: Path, target: Path) -> int:
    """Copy one benchmark folder; returns the number of pages. Its pages replace the
    target's whole; the target's files that are not the benchmark's are kept."""
    if (target / "html").exists():
        shutil.rmtree(target / "html")
    (target / "html").mkdir(parents=True)
    for name in ("ground-truth.json", "LICENSE", "SOURCE.md"):
        shutil.copyfile(source / name, target / name)
    pages = sorted((source / "html").glob("*.html.gz"))
    for page in pages:
        shutil.copyfile(page, target / "html" / page.name)
    return len(pages)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", type=Path, help="folder holding the benchmark folders")
    args = parser.parse_args()
    for name in CORPORA:
        if not (args.source / name / "ground-truth.json").is_file():
            parser.error(f"no {name}/ground-truth.json in {args.source}")
    for name in CORPORA:
        count = copy_corpus(args.source / name, FIXTURES / name)
        print(f"copied {count} pages to {FIXTURES / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
