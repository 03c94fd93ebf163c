"""Screenshot a coverage page with headless Chromium (the README's docs/coverage.png).

python -m crawler.mirror crawl fixtures/aawsat/site aawsat -O articles.jsonl
python -m qa.coverage_screenshot coverage/aawsat.html docs/coverage.png
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

from qa.fixtures import chromium_command


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("page", type=Path, help="a coverage/<spider>.html")
    parser.add_argument("png", type=Path, help="where to write the screenshot")
    parser.add_argument("--size", default="1400,760", help="window WIDTH,HEIGHT in pixels")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split(","))
    with tempfile.TemporaryDirectory() as profile:
        command = chromium_command(
            args.page.resolve().as_uri(),
            Path(profile),
            f"--screenshot={args.png.resolve()}",
            "--hide-scrollbars",
            window=(width, height),
        )
        subprocess.run(command, check=True, capture_output=True, timeout=120)
    print(f"wrote {args.png}")


if __name__ == "__main__":
    main()
