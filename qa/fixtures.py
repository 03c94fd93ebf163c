"""Fixture cases and golden files: shared by the test suite and the regeneration script.

A *page case* is an article page of a mirror (``fixtures/<site>/site/...``) with a
hand-written ``checks.json`` beside it; its golden ``expected.json`` is the record the
profile and the normalize step make of it. A site's *crawl golden* is the JSON Lines a
full crawl of its mirror emits (sorted by ``url``) plus the stats it reports.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from scrapy.http import Headers, TextResponse
from scrapy.responsetypes import responsetypes

from crawler.capture.mirror import Mirror, crawl_command
from crawler.discovery.dates import DateLedger, date_record
from crawler.reporting import stats_keys
from crawler.sites import SiteProfile, get_profile
from crawler.sites.generic import generic_profile
from pipelines.normalize import normalize_article
from qa import crawl_launcher

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# Stats a crawl of a fixed mirror must reproduce exactly (timing and byte counts vary).
GOLDEN_STAT_PREFIXES = (
    stats_keys.ARTICLES,
    stats_keys.COVERAGE,
    stats_keys.PAGES,
    stats_keys.SITEMAPS,
    stats_keys.NORMALIZE,
    stats_keys.DOWNLOADER_RESPONSE_COUNT,
    stats_keys.DOWNLOADER_RESPONSE_STATUS_COUNT,
    stats_keys.HTTPERROR,
    stats_keys.ROBOTSTXT_FORBIDDEN,
    stats_keys.ITEM_SCRAPED_COUNT,
    stats_keys.ITEM_DROPPED_COUNT,
    stats_keys.ITEM_DROPPED_REASONS_COUNT,
    stats_keys.OFFSITE,
    stats_keys.LOG_COUNT_ERROR,
    stats_keys.LOG_COUNT_WARNING,
    stats_keys.DUPEFILTER_FILTERED,
    stats_keys.SPIDER_EXCEPTIONS,
)


def canonical_json(data: Any) -> str:
    """The one JSON form of golden files, so diffs stay small and readable."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


@dataclass(frozen=True)
class FixtureSite:
    """``fixtures/<name>/``: a mirror (``site/``), its crawl goldens (``crawl/``), and an
    optional ``site.json`` saying how to extract and crawl it: ``profile`` (a registered
    name, or ``generic`` with ``public_origin``), ``spider`` and extra ``crawl_args``.
    By default the profile and the spider are both named after the folder."""

    folder: Path

    @property
    def name(self) -> str:
        return self.folder.name

    @cached_property
    def config(self) -> dict[str, Any]:
        config_file = self.folder / "site.json"
        return json.loads(config_file.read_text()) if config_file.is_file() else {}

    @property
    def mirror_root(self) -> Path:
        return self.folder / "site"

    @cached_property
    def profile(self) -> SiteProfile:
        profile_name = self.config.get("profile", self.name)
        if profile_name == "generic":
            return generic_profile(self.config["public_origin"])
        return get_profile(profile_name)

    @property
    def spider(self) -> str:
        return self.config.get("spider", self.name)

    @property
    def crawl_args(self) -> list[str]:
        return list(self.config.get("crawl_args", []))

    @property
    def golden_files(self) -> tuple[Path, Path]:
        """The crawl's expected JSON Lines and expected stats."""
        return (
            self.folder / "crawl" / "expected.jsonl",
            self.folder / "crawl" / "expected-stats.json",
        )

    def page_cases(self) -> list[PageCase]:
        return [
            PageCase(self, checks.parent)
            for checks in sorted(self.mirror_root.rglob("checks.json"))
        ]


@dataclass(frozen=True)
class PageCase:
    site: FixtureSite
    folder: Path

    @property
    def name(self) -> str:
        return f"{self.site.name}/{self.folder.relative_to(self.site.mirror_root)}"

    @property
    def profile(self) -> SiteProfile:
        return self.site.profile

    @property
    def url_path(self) -> str:
        return "/" + self.folder.relative_to(self.site.mirror_root).as_posix() + "/"

    @property
    def public_url(self) -> str:
        return self.profile.public_origin + self.url_path

    @cached_property
    def checks(self) -> dict[str, Any]:
        return json.loads((self.folder / "checks.json").read_text())

    @property
    def expected_file(self) -> Path:
        return self.folder / "expected.json"

    def expected(self) -> dict[str, Any]:
        return json.loads(self.expected_file.read_text())

    def response(self) -> TextResponse:
        return mirror_response(self.site.mirror_root, self.url_path, self.public_url)

    def record(self) -> dict[str, Any]:
        """What the crawl emits for this page, less the fetch time (and less a date that
        only the site's listings give: see ``crawl_published`` in the checks)."""
        item = self.profile.article_page(self.response()).to_item()
        normalize_article(item)
        date_record(item, DateLedger(), [])
        return asdict(item)


def mirror_response(mirror_root: Path, url_path: str, url: str) -> TextResponse:
    """The response a crawler gets for ``url_path``: raw bytes and headers as served."""
    served = Mirror(mirror_root).respond(url_path)
    headers = Headers(served.headers)
    cls = responsetypes.from_args(headers=headers, url=url, body=served.body)
    response = cls(url=url, status=served.status, headers=headers, body=served.body)
    if not isinstance(response, TextResponse):
        raise TypeError(f"{url_path} in {mirror_root} is not a text page")
    return response


def fixture_sites(fixtures: Path = FIXTURES) -> list[FixtureSite]:
    """Every fixture folder that holds a mirror."""
    return [
        FixtureSite(folder) for folder in sorted(fixtures.iterdir()) if (folder / "site").is_dir()
    ]


def fixture_site(name: str) -> FixtureSite:
    return FixtureSite(FIXTURES / name)


def crawl_golden_files(site_name: str) -> tuple[Path, Path]:
    """The expected JSON Lines and stats of a full crawl of ``fixtures/<site_name>``."""
    return fixture_site(site_name).golden_files


def page_cases(fixtures: Path = FIXTURES) -> list[PageCase]:
    return [case for site in fixture_sites(fixtures) for case in site.page_cases()]


def golden_crawl_lines(output: str, base_url: str) -> list[str]:
    """Crawl output in golden form: sorted by url, fetch time dropped, local base hidden."""
    records = []
    for line in output.splitlines():
        record = json.loads(line)
        record.pop("fetched_at")
        record["fetched_url"] = record["fetched_url"].replace(base_url.rstrip("/"), "{base_url}")
        records.append(record)
    records.sort(key=lambda r: (r["url"], r["fetched_url"]))
    return [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records]


def golden_stats(stats: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in sorted(stats.items()) if k.startswith(GOLDEN_STAT_PREFIXES)}


SPIDER_ERROR_LINES = ("Spider error processing", "Error caught on signal handler")
"""What Scrapy logs when a callback or a signal handler raised: never acceptable."""


@dataclass(frozen=True)
class CrawlResult:
    returncode: int
    log: str
    output: str
    report: dict[str, Any]

    @property
    def spider_errors(self) -> list[str]:
        return [
            line
            for line in self.log.splitlines()
            if any(marker in line for marker in SPIDER_ERROR_LINES)
        ]


CRAWL_TIMEOUT_SECONDS = 300
"""A fixture or corpus crawl takes seconds (a minute on a loaded machine); one that runs
this long hangs, and the whole test suite must finish within this budget anyway."""


def run_crawl(
    spider: str,
    base_url: str | None,
    workdir: Path,
    *scrapy_args: str,
    allow_errors: bool = False,
) -> CrawlResult:
    """Run ``scrapy crawl`` in a subprocess (Twisted's reactor starts once per process),
    forked from the test process's launcher when it has one (:mod:`qa.crawl_launcher`).
    Without ``base_url`` the arguments say where (a URL list spanning sites).

    Fails (``AssertionError``) when a callback or signal handler raised during the crawl,
    unless ``allow_errors`` (for a test of what such an error does)."""
    output, report = workdir / "articles.jsonl", workdir / "report.json"
    command = crawl_command(
        spider,
        base_url,
        [
            "-O",
            str(output),
            "-s",
            f"ARCHIVE_REPORT_FILE={report}",
            "-s",
            f"ARCHIVE_COVERAGE_DIR={workdir / 'coverage'}",
            *scrapy_args,
        ],
    )
    done = crawl_launcher.run(command, FIXTURES.parent, CRAWL_TIMEOUT_SECONDS)
    result = CrawlResult(
        returncode=done.returncode,
        log=done.stderr,
        output=output.read_text() if output.exists() else "",
        report=json.loads(report.read_text()) if report.exists() else {},
    )
    if not allow_errors and result.spider_errors:
        raise AssertionError(
            "the crawl logged errors raised in callbacks or signal handlers:\n"
            + "\n".join(result.spider_errors)
            + "\n\n"
            + result.log[-4000:]
        )
    return result


CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
"""Headless Chromium with nothing that reaches the network on its own (updates, sync)."""


def chromium_command(
    url: str, profile_dir: Path, *args: str, window: tuple[int, int] = (1400, 900)
) -> list[str]:
    """Debian's ``chromium`` rendering ``url`` headless with a fresh profile folder; add
    ``--dump-dom`` (the DOM after scripts ran, on stdout) or ``--screenshot=FILE.png``."""
    return [
        "chromium",
        *CHROMIUM_FLAGS,
        f"--user-data-dir={profile_dir}",
        f"--window-size={window[0]},{window[1]}",
        *args,
        url,
    ]
