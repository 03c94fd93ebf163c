"""Scrapy settings for the news-archive crawler.

Groups follow Scrapy's own convention: the enabling flag first, then alphabetical.
Override any of them per run with ``-s NAME=VALUE``.
"""

from crawler.coverage_report import CoverageReport
from crawler.logformatter import ArticleLogFormatter
from crawler.report import RunReport
from pipelines import (
    ArticleOutputPipeline,
    DateRangePipeline,
    DedupeArticlePipeline,
    IncrementalStatePipeline,
    NormalizeArticlePipeline,
    ValidateArticlePipeline,
)

# Project
BOT_NAME = "news_archive_crawler"
NEWSPIDER_MODULE = "crawler.spiders"
SPIDER_MODULES = ["crawler.spiders"]

# Politeness: an archive crawl is long; be a guest the site keeps answering.
# For a local mirror, run with -s DOWNLOAD_DELAY=0 -s AUTOTHROTTLE_ENABLED=False.
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
USER_AGENT = "news-archive-crawler/0.1 (research archive crawler; see project README for contact)"

# Robustness: retry transient failures; a redirect chain this long is a loop.
REDIRECT_MAX_TIMES = 10
RETRY_ENABLED = True
RETRY_TIMES = 3

# Output: JSON Lines in UTF-8 (not ASCII-escaped). Choose the file with -O articles.jsonl.
FEED_EXPORT_ENCODING = "utf-8"

# Item pipelines (docs: pipelines/__init__.py):
# normalize → date range → validate → dedupe → incremental state → output.
ITEM_PIPELINES = {
    NormalizeArticlePipeline: 100,
    DateRangePipeline: 150,
    ValidateArticlePipeline: 200,
    DedupeArticlePipeline: 300,
    IncrementalStatePipeline: 400,
    ArticleOutputPipeline: 900,
}

# Extensions: the end-of-crawl run report and coverage report.
EXTENSIONS = {RunReport: 500, CoverageReport: 510}

# Logging: drops name the page and reason, not the whole record.
LOG_FORMATTER = ArticleLogFormatter
LOG_LEVEL = "INFO"

# Misc
TELNETCONSOLE_ENABLED = False

# Archive crawler (our own settings)
ARCHIVE_COVERAGE_DIR = "coverage"  # <dir>/<spider>.{json,txt,html} after every crawl; "" = off
ARCHIVE_REPORT_FILE = None  # path: also write the run report and all stats there as JSON
ARCHIVE_STATE = None  # SQLite path for incremental runs (same as -a state=PATH)

# Wayback Machine source (-a source=wayback). The archive throttles: 2 connections,
# 1 s apart; 429/503 and refused connections are retried (RETRY_* above).
WAYBACK_ENDPOINT = "https://web.archive.org"
WAYBACK_CDX_PAGE_SIZE = 5000
DOWNLOAD_SLOTS = {"web.archive.org": {"concurrency": 2, "delay": 1.0}}
