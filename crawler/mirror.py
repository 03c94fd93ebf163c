"""``python -m crawler.mirror``, the documented form of :mod:`crawler.cli.mirror`."""

import sys

from crawler.cli.mirror import main

if __name__ == "__main__":
    sys.exit(main())
