"""Scrapy settings for the news-archive crawler.

Groups follow Scrapy's own convention: the enabling flag first, then alphabetical.
Override any of them per run with ``-s NAME=VALUE``.
"""

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.downloadermiddlewares.useragent import UserAgentMiddleware
from scrapy.extensions.logstats import LogStats
from scrapy.extensions.throttle import AutoThrottle

from crawler.capture.replay import ArchiveReplayMiddleware
from crawler.capture.warc import WarcCaptureMiddleware
from crawler.reporting.corpus_quality import CorpusQuality
from crawler.reporting.coverage_report import CoverageReport
from crawler.reporting.logformatter import ArticleLogFormatter
from crawler.reporting.progress import CrawlProgress
from crawler.reporting.run_report import RunReport
from crawler.runtime.collector import CollectorSettings
from crawler.runtime.cut_pages import CutShortPageMiddleware
from crawler.runtime.date_join import ListingDateResolution
from crawler.runtime.distributed_addon import DistributedCrawl
from crawler.runtime.dupefilter import CompactDupeFilter
from crawler.runtime.exit_status import ExitStatus
from crawler.runtime.extraction_pool import default_processes
from crawler.runtime.feeds import (
    LINE_FORMATS,
    DurableFileFeedStorage,
    RecordCsvExporter,
    RecordLinesExporter,
    StdoutRecordsFeedStorage,
    SyncFeedsAtClose,
)
from crawler.runtime.locks import OutputLock
from crawler.runtime.middlewares import (
    BombSafeHttpCompressionMiddleware,
    BotWallMiddleware,
    ContactUserAgentMiddleware,
    ContentFaultsMiddleware,
    DownloadFaultsMiddleware,
    FaultAwareMetaRefreshMiddleware,
    FaultAwareRedirectMiddleware,
    HostGuardMiddleware,
    LoggedRobotsTxtMiddleware,
    UnreachableHostMiddleware,
)
from crawler.runtime.parquet import ParquetItemExporter
from crawler.runtime.politeness import PoliteAutoThrottle, RobotsCrawlDelay
from crawler.runtime.remote_control import LeaveOutRemoteControl
from crawler.runtime.resume import (
    CrashSafeResume,
    JobdirSafety,
    ResumeEachOutput,
    SkipWrittenArticlesMiddleware,
    SkipWrittenRedirectsMiddleware,
    WrittenArticlesPipeline,
)
from crawler.runtime.stats import PlainStatsCollector
from crawler.runtime.timers import TimerSweep

# Project
BOT_NAME = "news_archive_crawler"
NEWSPIDER_MODULE = "crawler.spiders"
# `scrapy crawl` with exit codes that tell a lost or unwritten article (crawler/cli/scrapy_commands/).
COMMANDS_MODULE = "crawler.cli.scrapy_commands"
SPIDER_MODULES = ["crawler.spiders"]

# Politeness: an archive crawl is long; be a guest the site keeps answering.
# For a local mirror, run with -s DOWNLOAD_DELAY=0 -s AUTOTHROTTLE_ENABLED=False.
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
# A robots.txt Crawl-delay or Request-rate is kept too: the host's requests are that far
# apart, never closer (no jitter), up to ARCHIVE_MAX_CRAWL_DELAY seconds (AutoThrottle's
# own ceiling); False ignores them (crawler/runtime/politeness.py). AutoThrottle is
# Scrapy's, except that it keeps a slot at or above its DOWNLOAD_SLOTS delay, and that a
# 429 or 503 doubles the host's delay (to at least ARCHIVE_BACKOFF_DELAY seconds and its
# Retry-After), easing by a quarter after each ARCHIVE_BACKOFF_EASE_AFTER calm answers.
ARCHIVE_OBEY_CRAWL_DELAY = True
ARCHIVE_MAX_CRAWL_DELAY = 60.0
ARCHIVE_BACKOFF_DELAY = 1.0
ARCHIVE_BACKOFF_EASE_AFTER = 50
# Scrapy starts CONCURRENT_ITEMS asyncio tasks for every response, however little it
# yields (scrapy/scrapy#5182); a page yields at most one record and a few dozen requests,
# and the pipelines are synchronous (each record is written before the next), so the
# default 100 costs ~1.5 ms CPU per page for nothing. Fewer than 16 saves little more CPU
# and holds more responses in memory at once (bench/crawl.py: +70 MB peak RSS at 1).
CONCURRENT_ITEMS = 16
# Scrapy's duplicate filter keeps every request's fingerprint for the whole crawl; ours
# keeps 64 bits of each in about 20 bytes, not 93 (crawler/runtime/dupefilter.py), and
# reads and writes JOBDIR's requests.seen as Scrapy does. A distributed crawl uses
# scrapy-redis's instead (crawler/runtime/distributed.py).
DUPEFILTER_CLASS = CompactDupeFilter
# Identity: the project's name and a page where the site's operators can reach whoever
# runs the crawl; set ARCHIVE_CONTACT_URL (-s ARCHIVE_CONTACT_URL=...) for a live crawl.
USER_AGENT = "news-archive-crawler/0.1 (+{contact_url}; news archive crawler)"
ROBOTSTXT_USER_AGENT = "news-archive-crawler"
# A host's robots.txt rules are read again once they are this old (RFC 9309 2.4: 24 hours).
ARCHIVE_ROBOTSTXT_MAX_AGE = 24 * 60 * 60

# Robustness: retry transient failures; a redirect chain this long is a loop.
REDIRECT_MAX_TIMES = 10
RETRY_ENABLED = True
RETRY_TIMES = 3
# A news page is well under 1 MiB: warn at 2 MiB, give up at 8 MiB (Scrapy: 32 MiB, 1 GiB),
# also for a compressed body that expands past it (a gzip bomb); a minute per page at most.
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# Safety: only HTTP(S) is ever fetched; a file:, ftp:, s3: or data: URL found in a page
# must not read local files or reach other services.
DOWNLOAD_HANDLERS = {"data": None, "file": None, "ftp": None, "s3": None}

# Downloader middlewares (docs: crawler/runtime/middlewares.py): Scrapy's own, replaced by
# subclasses that count and log each fault as faults/<kind>/..., plus two checks of ours:
# download faults just before the retry middleware, content faults after decompression.
DOWNLOADER_MIDDLEWARES = {
    OffsiteMiddleware: None,
    HostGuardMiddleware: 50,
    UnreachableHostMiddleware: 55,  # a host that never answered is given up on
    SkipWrittenRedirectsMiddleware: 60,
    RobotsTxtMiddleware: None,
    LoggedRobotsTxtMiddleware: 100,
    UserAgentMiddleware: None,
    ContactUserAgentMiddleware: 500,
    DownloadFaultsMiddleware: 555,
    BotWallMiddleware: 565,  # a bot wall's 403/503 is not retried (crawler/runtime/bot_walls.py)
    ContentFaultsMiddleware: 570,
    MetaRefreshMiddleware: None,
    FaultAwareMetaRefreshMiddleware: 580,
    HttpCompressionMiddleware: None,
    CutShortPageMiddleware: 585,  # a page whose connection ended before its HTML did
    BombSafeHttpCompressionMiddleware: 590,
    RedirectMiddleware: None,
    FaultAwareRedirectMiddleware: 600,
}

# Spider middlewares: on a resumed crawl, never request an article already in the output.
SPIDER_MIDDLEWARES = {SkipWrittenArticlesMiddleware: 600}

# Output: JSON Lines in UTF-8 (not ASCII-escaped). Choose the file with -O articles.jsonl.
# Each record reaches the kernel whole (one write) before the next: a kill or crash of the
# crawl loses none. It is fsync-ed within ARCHIVE_FEED_FSYNC_SECONDS and at close, so a power
# loss loses at most that last second's records, which a resumed crawl fetches again.
# A torn last line is cut on append.
FEED_EXPORT_ENCODING = "utf-8"
FEED_STORAGES = {
    "": DurableFileFeedStorage,
    "file": DurableFileFeedStorage,
    # -o -:jsonlines for a pipe (jq): a reader that closes it (head) stops the crawl once.
    "stdout": StdoutRecordsFeedStorage,
}
# Scrapy's JSON Lines exporter, the same bytes with less work per record (crawler/runtime/feeds.py).
FEED_EXPORTERS: dict[str, type] = dict.fromkeys(LINE_FORMATS, RecordLinesExporter)
# Or Parquet (crawler/runtime/parquet.py), typed columns: -O articles.parquet. Records are
# written in row groups, each a complete file part (articles.parquet, articles-00001...),
# so a kill loses at most the row group in progress.
FEED_EXPORTERS |= {"parquet": ParquetItemExporter}
# Or CSV for a spreadsheet (crawler/runtime/feeds.py): -O articles.csv, lists and objects as
# JSON text in their cells.
FEED_EXPORTERS |= {"csv": RecordCsvExporter}
PARQUET_ROW_GROUP_SIZE = 5000  # records per row group (= per file part)

# Item pipelines (docs: pipelines/__init__.py):
# site title suffix → normalize → listing dates → date range → validate → dedupe → incremental state → output.
# By import path, as Scrapy's own templates write them: the pipelines package sits above
# crawler/ (it imports crawler's items and processors), so nothing here imports it.
ITEM_PIPELINES = {
    "pipelines.SiteTitleSuffixPipeline": 50,
    "pipelines.NormalizeArticlePipeline": 100,
    "pipelines.ListingDatePipeline": 120,
    "pipelines.DateRangePipeline": 150,
    "pipelines.ValidateArticlePipeline": 200,
    "pipelines.DedupeArticlePipeline": 300,
    WrittenArticlesPipeline: 350,
    "pipelines.IncrementalStatePipeline": 400,
    "pipelines.ArticleOutputPipeline": 900,
}

# Extensions: the coverage report, then the run report (which quotes its numbers), and
# the progress line (crawler/reporting/progress.py) instead of Scrapy's LogStats, which
# says how many pages but not how far through the archive.
EXTENSIONS: dict[type, int | None] = {
    CoverageReport: 490,
    RunReport: 500,
    CrawlProgress: 510,
    LogStats: None,
}
# Corpus quality (crawler/reporting/corpus_quality.py): counts each emitted record's
# fields as quality/... stats, summarized in both reports.
EXTENSIONS |= {CorpusQuality: 480}
# Dates from listings seen after their article was emitted: joined into the output at the end
# (crawler/runtime/date_join.py), before the reports count them and before CrashSafeResume
# (100) marks JOBDIR cleanly stopped, so a kill during the join is resumed as a kill.
EXTENSIONS |= {ListingDateResolution: 90}
# Resume (crawler/runtime/resume.py): JOBDIR survives kill -9, the output says what is done.
# Scrapy's SpiderState stays on: with JOBDIR, `spider.state` is a dict kept across runs
# (the incremental state of `-a state=PATH` is the run's `article_state`, not this).
EXTENSIONS |= {CrashSafeResume: 100}
# With several -o outputs (JSON Lines and Parquet), an article a kill left in only some of
# them is fetched again and written to the others alone: each gets an item_filter.
ADDONS: dict[type, int] = {ResumeEachOutput: 10}
# A JOBDIR whose request queue cannot be written (a full disk) stops the crawl with one
# ERROR, where Scrapy's scheduler logged a traceback a request and hung. An add-on, so that
# a distributed crawl's scheduler (crawler/runtime/distributed_addon.py) takes its place.
ADDONS |= {JobdirSafety: 5}
# Exit status (crawler/runtime/exit_status.py): failures counted, exit non-zero on any.
# Every local output is checked writable and locked before the first request.
EXTENSIONS |= {ExitStatus: 0, OutputLock: 50}
# The feeds' last records are fsync-ed when the spider closes, before any other extension
# takes the outputs as done (crawler/runtime/feeds.py).
EXTENSIONS |= {SyncFeedsAtClose: -100}
# Python's cyclic garbage collector, set for a long crawl when the engine starts
# (crawler/runtime/collector.py): start-up objects frozen, the youngest generation
# collected every ARCHIVE_GC_THRESHOLD new objects (Python: 700; 0 keeps Python's).
EXTENSIONS |= {CollectorSettings: 0}
# Cancelled Twisted timers (a download's timeout, an idle connection's) dropped every
# ARCHIVE_TIMER_SWEEP_SECONDS (crawler/runtime/timers.py): under the asyncio reactor they
# piled up for three minutes, about 530 bytes a page fetched.
EXTENSIONS |= {TimerSweep: 0}

# Politeness (crawler/runtime/politeness.py): robots.txt's Crawl-delay kept, and
# AutoThrottle never under a slot's DOWNLOAD_SLOTS delay, slowed by a 429 or 503.
EXTENSIONS |= {AutoThrottle: None, PoliteAutoThrottle: 0, RobotsCrawlDelay: 0}

# Stats: Scrapy's in-memory collector, without the deprecation shim that made every
# stats call cost 1.4 µs, 3% of the crawl's process (crawler/runtime/stats.py).
STATS_CLASS = PlainStatsCollector

# Logging: drops name the page and reason, not the whole record.
LOG_FORMATTER = ArticleLogFormatter
LOG_LEVEL = "INFO"

# Misc. No remote access to a running crawl: Scrapy's telnet console and its remote-control
# HTTP server (on by default since Scrapy 2.19) can both run code inside the crawl. Turn
# the latter on for one run with -s REMOTE_CONTROL_ENABLED=True if you need it.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
# Off, its extension is not even imported (aiohttp: 0.14 s and 10 MB at every start).
ADDONS |= {LeaveOutRemoteControl: 0}
# Scrapy checks whether a callback is a generator that returns a value by reading its
# source, cached by the callback's bound method: a new one each request, gone with it, so
# most responses of a generator callback read and parsed its source again (1% of the
# crawl's process). tests/test_no_spider_errors.py makes that check once, of every callback.
WARN_ON_GENERATOR_RETURN_VALUE = False

# Archive crawler (our own settings)
ARCHIVE_COVERAGE_DIR = "coverage"  # <dir>/<spider>.{json,txt,html} after every crawl; "" = off
# Seconds between fsyncs of a feed file (crawler/runtime/feeds.py) and of the WARC
# (crawler/capture/warc.py, always fsync-ed before the records made from it); 0 = after
# every record or exchange (4 ms each on an ext4 disk: a 250 pages/s ceiling). Always 0 in
# a distributed crawl and with -a state=PATH, whose claims that an article is done must
# not outlive its record.
ARCHIVE_FEED_FSYNC_SECONDS = 1.0
ARCHIVE_GC_THRESHOLD = 10_000  # see Extensions above
ARCHIVE_TIMER_SWEEP_SECONDS = 1.0  # see Extensions above; 0 = off
ARCHIVE_CONTACT_URL = None  # URL named in the User-Agent (see Identity above)
ARCHIVE_LISTING_PATTERN_BUDGET = 20_000  # listing pages per URL pattern (spider traps: last resort)
# Pages of one URL pattern read as possible articles, none an article, after which links of
# that pattern are not followed (a calendar, an endless pager at paths no rule knows).
ARCHIVE_NOT_ARTICLE_PATTERN_BUDGET = 200
# Pages of one article split in pages read for its record (crawler/spiders/archive.py,
# ArticlePages): a post's page links that run to hundreds are a trap, not a story.
ARCHIVE_MAX_ARTICLE_PAGES = 50
ARCHIVE_PROGRESS_INTERVAL = 30  # seconds between progress lines; 0 = none
ARCHIVE_PROGRESS_BAR = True  # a live bar too, on an interactive terminal only
ARCHIVE_REPORT_FILE = None  # path: also write the run report and all stats there as JSON
ARCHIVE_RESUME_FROM_OUTPUT = True  # skip articles already in the -o output (in all, if several)
ARCHIVE_RETRY_AFTER_MAX = 120  # seconds: the longest Retry-After a retry waits for
# An article or listing page whose retries all failed in a way that may pass (a 5xx, 429,
# timeout, lost connection) is asked again once the crawl has nothing else to do, this
# long after the last such failure, in this many rounds (0: never): an outage of minutes
# does not cost its articles (crawler/spiders/late_retries.py).
ARCHIVE_LATE_RETRY_DELAY = 60.0
ARCHIVE_LATE_RETRY_ROUNDS = 1
# -a discovery=sitemap-first: while more requests than this wait in memory, the posts a
# section listing names and no sitemap has named yet are put off, and requested once the
# waiting requests are down to half this, so a large archive's section listings do not
# fill memory with requests (crawler/spiders/sitemap_first.py, "Queued articles"; about
# 2.5 KB a request). 0 puts off every such post until the sitemaps and sections are read.
ARCHIVE_SITEMAP_FIRST_QUEUE_LIMIT = 1000
# -a discovery=sitemap-first asks a WordPress site's REST API for its posts (100 a request,
# each with its date), and reads the category listings (10 posts a page) only where it is
# not there or fails (crawler/discovery/posts_api.py). False: never ask it.
ARCHIVE_POSTS_API = True
ARCHIVE_STATE = None  # SQLite path for incremental runs (same as -a state=PATH)
# Article and listing pages read (parsed, extracted) in worker processes, on cores the
# crawl's own process leaves idle (crawler/runtime/extraction_pool.py); 0 = in the
# crawl's process. Default: 1 on a machine with 2 cores or more, else 0. Pages go to the
# pool once ARCHIVE_EXTRACTION_POOL_AFTER pages were read, or more wait to be fetched (0:
# from the first page), so a small crawl reads every page itself (the bundled fixture
# archive is 96 pages: 33 article pages).
ARCHIVE_EXTRACTION_PROCESSES = default_processes()
ARCHIVE_EXTRACTION_POOL_AFTER = 150
# The workers are forked from the crawl's process before its first request (Linux, while
# it has one thread): up at once, every module imported. False: started from a
# forkserver (a fresh interpreter importing the extraction code, 0.3-0.5 s) once the
# crawl is big, as where forking is not safe.
ARCHIVE_EXTRACTION_FORK = True

# Wayback Machine source (-a source=wayback). The archive throttles: 2 connections,
# 1 s apart; 429/503 and refused connections are retried (RETRY_* above).
WAYBACK_ENDPOINT = "https://web.archive.org"
WAYBACK_CDX_PAGE_SIZE = 5000
# The most captures of one URL fetched before it is given up as having none that is an
# article (those the CDX index shows to be redirects or errors are not fetched).
WAYBACK_CAPTURES_PER_URL = 10
DOWNLOAD_SLOTS = {"web.archive.org": {"concurrency": 2, "delay": 1.0}}

# WARC capture and offline replay (crawler/capture/warc.py, crawler/capture/replay.py). Capture sits
# next to the downloader: it records bodies before decompression and redirects before
# they are followed. Replay sits after it, so a replayed crawl can be recorded too.
# Each exchange is one write; the file is fsync-ed as the feed is (ARCHIVE_FEED_FSYNC_SECONDS).
WARC_OUTPUT = None  # path ending in .warc.gz or .warc: also write every HTTP exchange there
WARC_MAX_SIZE = 1024**3  # bytes: a full WARC file is closed, the next is <name>-00001.warc.gz
REPLAY_SOURCE = None  # WARC files, mirror folders (comma-separated): answer every request offline
DOWNLOADER_MIDDLEWARES |= {WarcCaptureMiddleware: 950, ArchiveReplayMiddleware: 990}

# Distributed crawl (Redis), crawler/runtime/distributed.py (the add-on: distributed_addon.py,
# which imports Redis only for a shared crawl): off unless DISTRIBUTED_REDIS_URL is
# set. Workers started with the same URL share one request queue and seen-set
# (scrapy-redis) and one emitted-article check; each writes its own -O file.
ADDONS |= {DistributedCrawl: 0}  # switches the scheduler, dupefilter, dedupe when the URL is set
DISTRIBUTED_REDIS_URL = None  # e.g. redis://127.0.0.1:6379/0: share the crawl through it
DISTRIBUTED_CRAWL_NAME = None  # prefix of the crawl's Redis keys; None: the spider's name
# Visibility timeout: a worker whose heartbeat (renewed every third of it) is this old is
# gone, and the requests it held go back to the shared queue for the others.
DISTRIBUTED_WORKER_TIMEOUT = 60  # seconds
# Requests a worker takes from the shared queue at once (Scrapy would take
# CONCURRENT_REQUESTS, 16): with one site, CONCURRENT_REQUESTS_PER_DOMAIN download at a
# time, more would only wait in this worker while others may be idle.
DISTRIBUTED_REQUESTS_HELD = 4
