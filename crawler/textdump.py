"""``python -m crawler.textdump``, the documented form of :mod:`crawler.cli.textdump`."""

import sys

from crawler.cli.textdump import main

if __name__ == "__main__":
    sys.exit(main())
