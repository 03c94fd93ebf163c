"""Re-extract a recorded crawl offline: ``scrapy crawl`` with every request answered from
WARC files or saved mirror folders (:mod:`crawler.capture.replay`).

    python -m crawler.replay aawsat crawl*.warc.gz -O articles.jsonl
    python -m crawler.replay aawsat fixtures/aawsat/site -O articles.jsonl
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from scrapy.settings import Settings
from scrapy.spiderloader import get_spider_loader
from warcio.exceptions import ArchiveLoadFailed

from crawler.capture.replay import ReplayArchive, recorded_origin, replay_key
from crawler.spiders.archive import ArchiveSpider


def _spider_public_origin(spider: str) -> str | None:
    """The public origin of the spider's site; None for the generic spider (``archive``),
    whose site is the one it is given."""
    settings = Settings()
    settings.setmodule("crawler.settings")
    spider_class = get_spider_loader(settings).load(spider)
    if not issubclass(spider_class, ArchiveSpider):
        raise KeyError(f"{spider!r} is not an archive spider: it has no site profile")
    profile = getattr(spider_class, "profile", None)
    return profile.public_origin if profile is not None else None


def _has_spider_arg(scrapy_args: list[str], name: str) -> bool:
    return any(
        flag == "-a" and value.startswith(f"{name}=")
        for flag, value in itertools.pairwise(scrapy_args)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m crawler.replay",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Any other option goes to scrapy crawl (-O FILE, -a NAME=VALUE, -s NAME=VALUE).",
    )
    parser.add_argument("spider", help="the spider to run, e.g. aawsat")
    parser.add_argument(
        "sources", nargs="+", type=Path, metavar="SOURCE", help="WARC file or mirror folder"
    )
    args, scrapy_args = parser.parse_known_args(argv)
    try:
        archive = ReplayArchive.open(args.sources)
        public_origin = _spider_public_origin(args.spider)
    except (OSError, ArchiveLoadFailed, KeyError) as error:
        parser.error(str(error))
    spider_args = []
    url_list = _has_spider_arg(scrapy_args, "urls") or _has_spider_arg(scrapy_args, "url")
    with tempfile.TemporaryDirectory(prefix="replay-") as scratch:
        if archive.warc is not None and not _has_spider_arg(scrapy_args, "base_url"):
            origin = recorded_origin(archive.warc, public_origin)
            if origin is None:
                parser.error("the WARC files hold no HTTP response")
            if not url_list and replay_key(f"{origin}/") not in archive.warc.records:
                # A capture of pages, not of a site (Common Crawl's, a reading list's): no
                # start page to walk from, so its pages are the URL list. The generic
                # spider takes them all, a site's spider those of its site.
                pages = archive.warc.answered_urls(origin if public_origin else None)
                listed = Path(scratch) / "recorded-pages.txt"
                listed.write_text("".join(f"{url}\n" for url in pages))
                spider_args += ["-a", f"urls={listed}"]
                url_list = True
                print(
                    f"No home page recorded at {origin}/: replaying the {len(pages)} pages"
                    " the WARC files recorded, as a URL list",
                    file=sys.stderr,
                )
            # The generic spider fetches a URL list from the sites it names, each request
            # answered from the archive: no one origin to give it.
            if not (public_origin is None and url_list):
                print(f"Replaying {len(archive.warc)} URLs recorded at {origin}", file=sys.stderr)
                spider_args += ["-a", f"base_url={origin}/"]
        archive.close()
        command = [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            args.spider,
            *spider_args,
            "-s",
            "REPLAY_SOURCE=" + ",".join(map(str, args.sources)),
            *scrapy_args,
        ]
        # So the replay works from any folder, not only beside scrapy.cfg.
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
        return subprocess.call(command, env=env)


if __name__ == "__main__":
    sys.exit(main())
