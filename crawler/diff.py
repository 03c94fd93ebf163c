"""``python -m crawler.diff``, the documented form of :mod:`crawler.cli.diff`."""

import sys

from crawler.cli.diff import main

if __name__ == "__main__":
    sys.exit(main())
