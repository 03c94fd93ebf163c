"""``python -m crawler.convert``, the documented form of :mod:`crawler.cli.convert`."""

import sys

from crawler.cli.convert import main

if __name__ == "__main__":
    sys.exit(main())
