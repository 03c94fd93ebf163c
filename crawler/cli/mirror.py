"""Serve a saved static copy of a site (a *mirror*) on loopback, and crawl it.

    python -m crawler.mirror serve fixtures/aawsat/site --port 8000
    python -m crawler.mirror crawl fixtures/aawsat/site aawsat -O articles.jsonl

``crawl-sites`` serves several mirrors, each on its own loopback port, and crawls a URL
list spanning them with ``scrapy crawl archive -a urls=FILE`` (each ``--site
ROOT=PUBLIC_ORIGIN`` becomes a ``-a base_urls=PUBLIC_ORIGIN=http://127.0.0.1:PORT`` pair)::

    python -m crawler.mirror crawl-sites --site fixtures/aawsat/site=https://eng-archive.aawsat.com \
        --site fixtures/levant-review/site=https://levantreview.example \
        -a urls=examples/two-sites.txt -O both.jsonl

Any option ``crawl`` does not know goes to ``scrapy crawl`` (``-O FILE``, ``-a NAME=VALUE``,
``-s NAME=VALUE``). The local Wayback Machine that ``-a source=wayback`` can be tried
against is checkout-only: ``python -m qa.fake_wayback``.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from urllib.parse import urlsplit

from crawler.capture.mirror import Mirror, Responder, crawl_command, start_server
from crawler.runtime.resume import JOB_FILE

CrawlCommand = Callable[[str, str, list[str]], list[str]]
"""(spider, base URL of the local server, scrapy arguments) -> the crawl's command line."""


def port_number(text: str) -> int:
    """A TCP port to listen on, 0 (any free one) to 65535; anything else an argparse error
    (``--port 99999`` was an ``OverflowError`` traceback from ``bind``).

    >>> port_number("8000")
    8000
    >>> port_number("99999")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: not a port (0 to 65535): '99999'
    """
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"not a port (0 to 65535): {text!r}")
    return port


def build_parser(
    prog: str, description: str | None, add_options: Callable[[argparse.ArgumentParser], None]
) -> argparse.ArgumentParser:
    """``serve ROOT [--port N]`` and ``crawl ROOT SPIDER``; ``add_options`` adds the
    caller's own options to both."""
    parser = argparse.ArgumentParser(
        prog=prog, description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve until interrupted")
    serve.add_argument("root", type=Path)
    serve.add_argument("--port", type=port_number, default=8000)
    crawl = commands.add_parser("crawl", help="serve, and crawl it with a spider")
    crawl.add_argument("root", type=Path)
    crawl.add_argument("spider")
    for command in (serve, crawl):
        add_options(command)
    return parser


def serve_or_crawl(
    parser: argparse.ArgumentParser,
    argv: list[str] | None,
    open_responder: Callable[[argparse.Namespace], Responder],
    command_for: CrawlCommand,
) -> int:
    """Run ``serve`` until Ctrl-C, or ``crawl`` as a ``scrapy crawl`` subprocess against the
    local server; the crawl's exit status is returned."""
    args, scrapy_args = parser.parse_known_args(argv)
    if args.command == "serve" and scrapy_args:
        parser.error(f"unrecognized arguments: {' '.join(scrapy_args)}")
    try:
        responder = open_responder(args)
        port = getattr(args, "port", None)
        server = start_server(responder, jobs_port(scrapy_args) if port is None else port)
    except (FileNotFoundError, OSError) as error:
        parser.error(str(error))
    base_url = f"http://127.0.0.1:{server.server_port}/"
    try:
        if args.command == "serve":
            print(f"Serving {args.root} at {base_url} (Ctrl-C stops)", flush=True)
            threading.Event().wait()
        return run_scrapy(command_for(args.spider, base_url, scrapy_args))
    except KeyboardInterrupt:
        return 130
    finally:
        server.shutdown()


def jobs_port(scrapy_args: list[str]) -> int:
    """The port to serve a crawl on: the one its ``-s JOBDIR=``'s job was crawled from
    (``crawl-job.json``), when it is free, so that the same command resumes it (a new
    port each run was another job's address, and every run after the first was refused);
    else any free one (0).

    >>> jobs_port(["-O", "out.jsonl"])
    0
    """
    jobdir = next(
        (
            value.removeprefix("JOBDIR=")
            for flag, value in pairwise(scrapy_args)
            if flag == "-s" and value.startswith("JOBDIR=")
        ),
        None,
    )
    try:
        job = json.loads(Path(jobdir, JOB_FILE).read_text()) if jobdir else {}
        port = urlsplit(job.get("base_url") or "").port if isinstance(job, dict) else None
    except (OSError, ValueError):
        return 0
    if port is None or not port_is_free(port):
        return 0
    return port


def port_is_free(port: int) -> bool:
    """Whether the loopback server can listen on ``port`` (as it binds: reusing an address
    a closed connection still holds)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def run_scrapy(command: list[str]) -> int:
    """Run the crawl and wait for it, through a Ctrl-C: the crawl gets it too (one process
    group) and stops gracefully; this process had killed it 0.25 s later (``kill -9``), its
    run report never written."""
    # So the crawl works from any folder, not only beside scrapy.cfg.
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    with subprocess.Popen(command, env=env) as crawl:
        while True:
            try:
                return crawl.wait()
            except KeyboardInterrupt:
                continue  # a second Ctrl-C reaches the crawl too, and forces its stop


def crawl_sites(argv: list[str]) -> int:
    """``crawl-sites --site ROOT=PUBLIC_ORIGIN ...``: each mirror on a port of its own,
    crawled as one URL list by ``scrapy crawl archive``."""
    parser = argparse.ArgumentParser(
        prog="python -m crawler.mirror crawl-sites",
        description="serve several mirrors and crawl a URL list spanning them",
    )
    parser.add_argument(
        "--site",
        action="append",
        required=True,
        metavar="ROOT=PUBLIC_ORIGIN",
        help="a mirror folder and the address its site is published at (once per site)",
    )
    args, scrapy_args = parser.parse_known_args(argv)
    servers, pairs = [], []
    try:
        for site in args.site:
            root, equals, public = site.partition("=")
            if not equals:
                parser.error(f"--site {site!r}: expected ROOT=PUBLIC_ORIGIN")
            try:
                server = start_server(Mirror(Path(root)).respond, 0)
            except (FileNotFoundError, OSError) as error:
                parser.error(str(error))
            servers.append(server)
            pairs.append(f"{public.rstrip('/')}=http://127.0.0.1:{server.server_port}")
        base_urls = ["-a", f"base_urls={','.join(pairs)}"]
        return run_scrapy(crawl_command("archive", None, [*base_urls, *scrapy_args]))
    except KeyboardInterrupt:
        return 130
    finally:
        for server in servers:
            server.shutdown()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["crawl-sites"]:
        return crawl_sites(argv[1:])
    parser = build_parser("python -m crawler.mirror", __doc__, lambda command: None)
    return serve_or_crawl(parser, argv, lambda args: Mirror(args.root).respond, crawl_command)


if __name__ == "__main__":
    sys.exit(main())
