"""``python -m crawler.replay``, the documented form of :mod:`crawler.cli.replay`."""

import sys

from crawler.cli.replay import main

if __name__ == "__main__":
    sys.exit(main())
