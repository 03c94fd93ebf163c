"""Manage the Redis state of shared crawls (:mod:`crawler.runtime.distributed`).

python -m crawler.distributed clear redis://127.0.0.1:6390/0 aawsat
"""

from __future__ import annotations

import argparse
import sys

from redis import Redis

from crawler.runtime.distributed import CrawlKeys, clear_crawl


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m crawler.distributed",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    clear = commands.add_parser(
        "clear",
        help="delete a crawl's queue, seen-set, held requests and marks, so it can run again",
    )
    clear.add_argument("redis_url", help="e.g. redis://127.0.0.1:6379/0")
    clear.add_argument("name", help="DISTRIBUTED_CRAWL_NAME, or the spider's name")
    args = parser.parse_args(argv)
    keys = CrawlKeys(args.name)
    with Redis.from_url(args.redis_url) as server:
        deleted = clear_crawl(server, keys)
    print(f"Cleared shared crawl {keys.name!r}: {deleted} keys deleted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
