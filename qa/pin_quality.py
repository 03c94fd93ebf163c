"""Show the quality gate's metrics against their floors, and pin new floors.

    python -m qa.pin_quality                        # compare, change nothing
    python -m qa.pin_quality --update               # raise floors to what is measured now
    python -m qa.pin_quality --update --allow-regression   # also lower floors (say why in the commit)

Floors live in tests/quality_floors.json; tests/test_quality_gate.py fails when a metric
drops below its floor. Refuses to write in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from qa.quality import FLOORS_FILE, flatten, load_floors, measure, regressions


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--update", action="store_true", help="write new floors")
    parser.add_argument(
        "--allow-regression",
        action="store_true",
        help="with --update: lower floors that the code no longer reaches",
    )
    args = parser.parse_args()
    current = flatten(measure())
    floors = load_floors() if FLOORS_FILE.exists() else {}
    for name in sorted(current.keys() | floors.keys()):
        floor, now = floors.get(name), current.get(name)
        mark = "" if floor is None or (now is not None and now >= floor) else "  BELOW FLOOR"
        print(f"{name:<48} floor {floor!s:>6}  now {now!s:>6}{mark}")
    if not args.update:
        return 1 if regressions(current, floors) else 0
    if os.environ.get("CI"):
        parser.error("floors are never re-pinned in CI")
    below = regressions(current, floors)
    if below and not args.allow_regression:
        parser.error(
            f"{len(below)} metric(s) below their floor; fix them, or lower the floors "
            "with --allow-regression and explain why in the commit"
        )
    new_floors = {name: max(now, floors.get(name, 0.0)) for name, now in current.items()}
    if args.allow_regression:
        new_floors.update({name: now for name, (_, now) in below.items() if name in current})
    FLOORS_FILE.write_text(json.dumps(dict(sorted(new_floors.items())), indent=2) + "\n")
    print(f"wrote {FLOORS_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
