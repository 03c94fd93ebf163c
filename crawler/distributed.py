"""``python -m crawler.distributed``, the documented form of :mod:`crawler.cli.distributed`."""

import sys

from crawler.cli.distributed import main

if __name__ == "__main__":
    sys.exit(main())
