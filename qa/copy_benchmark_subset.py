"""Copy the fixed subset of the public article-extraction benchmark that the quality gate
scores (``fixtures/article-extraction/``), with its licence.

    python -m qa.copy_benchmark_subset ../shared/benchmarks/article-extraction

The subset is the first 40 page ids in sorted order: fixed, so the gate's floor stays
comparable from run to run; re-running this command reproduces it byte for byte.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

SUBSET_SIZE = 40
TARGET = Path(__file__).resolve().parent.parent / "fixtures" / "article-extraction"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", type=Path)
    args = parser.parse_args()
    truth = json.loads((args.source / "ground-truth.json").read_text())
    subset = sorted(truth)[:SUBSET_SIZE]
    (TARGET / "html").mkdir(parents=True, exist_ok=True)
    for page_id in subset:
        shutil.copyfile(
            args.source / "html" / f"{page_id}.html.gz", TARGET / "html" / f"{page_id}.html.gz"
        )
    (TARGET / "ground-truth.json").write_text(
        json.dumps({page_id: truth[page_id] for page_id in subset}, ensure_ascii=False, indent=1)
        + "\n"
    )
    shutil.copyfile(args.source / "LICENSE", TARGET / "LICENSE")
    source_note = (args.source / "SOURCE.md").read_text()
    (TARGET / "SOURCE.md").write_text(
        f"# Subset of the article-extraction benchmark\n\nThe first {SUBSET_SIZE} page ids (sorted) "
        "of the benchmark described below, copied by `qa/copy_benchmark_subset.py` for the "
        "quality gate (tests/test_quality_gate.py). Files unchanged; licence in `LICENSE`.\n\n"
        + source_note
    )
    print(f"copied {len(subset)} pages to {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
