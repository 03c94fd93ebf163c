"""Real-page corpora crawled the way users crawl: ``scrapy crawl archive -a urls=LIST``.

A *corpus* is a benchmark folder (``fixtures/article-extraction``,
``fixtures/publication-dates``): ``ground-truth.json`` (``{page id: {"url": ..., ...}}``)
and ``html/<id>.html.gz``. :func:`crawl_corpus` serves every page on loopback at
``/<id>/`` (the saved bytes, gzip transfer-encoded, no charset in the header, so the page's
own ``<meta charset>`` decides as it did for the collector), writes the ids' URLs to a URL
list, runs the generic ``archive`` spider over it in a subprocess, and returns the crawl's
records keyed by page id, with its stats. Scoring them is :mod:`qa.evaluation`'s job.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.capture.mirror import NOT_FOUND, MirrorResponse, start_server
from qa.fixtures import FIXTURES, CrawlResult, run_crawl

CORPORA = ("article-extraction", "publication-dates")
"""The real-page corpora in ``fixtures/`` (``python -m qa.copy_benchmarks`` copies them)."""


@dataclass(frozen=True)
class Corpus:
    folder: Path

    @property
    def name(self) -> str:
        return self.folder.name

    @cached_property
    def truth(self) -> dict[str, dict[str, Any]]:
        """``{page id: annotation}`` from ``ground-truth.json``, sorted by id."""
        return dict(sorted(json.loads((self.folder / "ground-truth.json").read_text()).items()))

    def page_file(self, page_id: str) -> Path:
        return self.folder / "html" / f"{page_id}.html.gz"

    def respond(self, url_path: str) -> MirrorResponse:
        """``/<id>/`` answers with page ``id``; anything else (robots.txt...) is a 404."""
        page_id = urlsplit(url_path).path.strip("/")
        if page_id not in self.truth:
            return MirrorResponse(404, {"Content-Type": "text/html"}, NOT_FOUND)
        headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
        return MirrorResponse(200, headers, self.page_file(page_id).read_bytes())


def corpus(name: str) -> Corpus:
    return Corpus(FIXTURES / name)


def page_id_of(record: dict[str, Any]) -> str:
    """The corpus page a record came from: the first segment of the URL it was fetched at.

    >>> page_id_of({"fetched_url": "http://127.0.0.1:8000/1484494308/"})
    '1484494308'
    """
    return urlsplit(record["fetched_url"]).path.strip("/").split("/")[0]


@dataclass(frozen=True)
class CorpusCrawl:
    corpus: Corpus
    result: CrawlResult

    @cached_property
    def records(self) -> dict[str, dict[str, Any]]:
        """``{page id: record}`` of every record the crawl emitted."""
        records = (json.loads(line) for line in self.result.output.splitlines())
        return {page_id_of(record): record for record in records}

    @property
    def stats(self) -> dict[str, Any]:
        return self.result.report.get("stats", {})


def crawl_corpus(corpus: Corpus, workdir: Path, *scrapy_args: str) -> CorpusCrawl:
    """Serve ``corpus`` on loopback and crawl all its pages as one URL list."""
    workdir.mkdir(parents=True, exist_ok=True)
    server = start_server(corpus.respond)
    base_url = f"http://127.0.0.1:{server.server_port}/"
    url_list = workdir / "urls.txt"
    url_list.write_text("".join(f"{base_url}{page_id}/\n" for page_id in corpus.truth))
    try:
        result = run_crawl(
            "archive",
            base_url,
            workdir,
            "-a",
            f"urls={url_list}",
            # Loopback and one process: as many pages in flight as Scrapy allows overall.
            "-s",
            "CONCURRENT_REQUESTS_PER_DOMAIN=16",
            *scrapy_args,
        )
    finally:
        server.shutdown()
        server.server_close()
    if result.returncode != 0:
        raise RuntimeError(f"crawl of {corpus.name} failed: {result.log[-3000:]}")
    return CorpusCrawl(corpus, result)
