"""Every stats key the crawl writes or reads, named once.

The spider, pipelines, middlewares, extensions, the run report and the tests use these
names, so a key cannot be spelled two ways. A name ending in ``/`` is a family: the key
is the name followed by a detail (``f"{ARTICLES_DROPPED}{reason}"`` is
``articles/dropped/missing_title``). The values are what users see in the run report and
``ARCHIVE_REPORT_FILE``: renaming one changes the output.
"""

from __future__ import annotations

# -- articles ------------------------------------------------------------------------
ARTICLES = "articles/"
ARTICLES_EXTRACTED = "articles/extracted"
ARTICLES_EMITTED = "articles/emitted"
ARTICLES_DROPPED = "articles/dropped/"
"""+ the reason (``crawler.reporting.outcomes.DropReason``), or ``extraction_error``."""
ARTICLES_DROPPED_EXTRACTION_ERROR = f"{ARTICLES_DROPPED}extraction_error"
ARTICLES_DUPLICATES = "articles/duplicates/"
"""+ what a duplicate shares with an emitted record: ``url`` or ``content``."""
ARTICLES_FAILED = "articles/failed/"
"""+ how the page failed: ``http_404``, ``robots_forbidden``, an exception's name."""
ARTICLES_PAGES_JOINED = "articles/pages_joined"
"""Later pages of articles split in pages, read and joined to their first page's record."""
ARTICLES_PAGES_MISSING = "articles/pages_missing"
"""Later pages of articles split in pages that could not be read: each record is emitted
with the pages before."""
ARTICLES_BLOCKED = "articles/blocked/"
"""+ the bot-protection vendor whose wall answered instead of the page
(``crawler/runtime/bot_walls.py``), or ``generic``."""
ARTICLES_FILTERED = "articles/filtered/"
ARTICLES_FILTERED_OUT_OF_DATE_RANGE = f"{ARTICLES_FILTERED}out_of_date_range"
ARTICLES_FILTERED_OUT_OF_DATE_RANGE_AFTER_CRAWL = (
    f"{ARTICLES_FILTERED}out_of_date_range_after_crawl"
)
SITES_EMITTED = "sites/emitted/"
SITES_DROPPED = "sites/dropped/"
SITES_FAILED = "sites/failed/"
SITES_BLOCKED = "sites/blocked/"
"""+ the site's name (records of a URL list spanning sites say which)."""
TITLE_SITE_SUFFIX_REMOVED = "title/site_suffix_removed"
NORMALIZE = "normalize/"
NORMALIZE_REJECTED_DATE = "normalize/rejected_date/"
"""+ ``<field>/<why>``: a date kept raw only."""

# -- pages ---------------------------------------------------------------------------
PAGES = "pages/"
PAGES_NOT_HTML = "pages/not_html"
PAGES_NOT_ARTICLE = "pages/not_article/"
"""+ what the page is instead (the site profile's reason)."""
PAGES_EXTRACTED_UNSURE = "pages/extracted_unsure/"
"""+ the reason it looked unlike an article: extracted all the same (``-a unsure=extract``)."""

# -- discovery: URL lists, sitemaps, date ranges -------------------------------------
URL_LIST_URLS = "url_list/urls"
URL_LIST_INVALID = "url_list/invalid"
URL_LIST_OFF_SITE = "url_list/off_site"
URL_LIST_CAPTURES = "url_list/wayback_captures"
"""Listed URLs that are Wayback Machine replays: read from the archive, as captured."""
URL_LIST_REDIRECTED_OFF_SITE = "url_list/redirected_off_site"
"""Listed URLs of a list spanning sites that redirected to another site: followed there."""
URL_LIST_EMPTY = "url_list/empty"
URL_LIST_EXTRACTED_UNSURE = "url_list/extracted_unsure/"
SITEMAPS = "sitemaps/"
"""+ the kind read: ``urlset``, ``sitemapindex``, ``feed`` (RSS or Atom) or ``text`` (a URL a line)."""
SITEMAPS_URLSET = f"{SITEMAPS}urlset"
SITEMAPS_SITEMAPINDEX = f"{SITEMAPS}sitemapindex"
SITEMAPS_FEED = f"{SITEMAPS}feed"
SITEMAPS_TEXT = f"{SITEMAPS}text"
SITEMAPS_INVALID = "sitemaps/invalid/"
"""+ why: ``gzip_error``, ``not_xml``, ``empty``, ``not_a_sitemap``, ``unreadable_entry``."""
SITEMAPS_INVALID_UNREADABLE_ENTRY = f"{SITEMAPS_INVALID}unreadable_entry"
SITEMAPS_RELATIVE_LOC = "sitemaps/relative_loc"
SITEMAPS_BAD_LOC = "sitemaps/bad_loc"
SITEMAPS_OVER_LIMIT = "sitemaps/over_limit"
SITEMAPS_SKIPPED_URLS = "sitemaps/skipped_urls"
SITEMAPS_CUT_SHORT = "sitemaps/cut_short"
"""A sitemap whose file ends before it does (a gzip stream or XML cut off): what it holds
is read, the entry the cut leaves unfinished left out."""
SITEMAPS_FAILED = "sitemaps/failed"
"""A sitemap an index named that could not be fetched; the next one is read all the same."""
SITEMAPS_OTHER_ORIGIN = "sitemaps/other_origin"
"""Origins other than the site's that its robots.txt names sitemaps at: read."""
SITEMAPS_OTHER_ORIGIN_UNRELATED = "sitemaps/other_origin_unrelated"
"""Of those, origins whose sitemap named no page of the site: no more of them read."""
DATE_RANGE_SKIPPED_SITEMAP_ENTRIES = "date_range/skipped_sitemap_entries"
DATE_RANGE_SKIPPED_ARCHIVES = "date_range/skipped_archives"
DATE_RANGE_SKIPPED_LISTED_ARTICLES = "date_range/skipped_listed_articles"
DATE_RANGE_PAGINATION_STOPPED = "date_range/pagination_stopped"
DATE_RANGE_UNDATED_KEPT = "date_range/undated_kept"
DISCOVERY_LISTINGS_HELD = "discovery/listings_held"
"""-a discovery=sitemap-first (``crawler/spiders/sitemap_first.py``): listing pages held
back until the sitemaps were read."""
DISCOVERY_PAGINATION_SKIPPED = "discovery/pagination_skipped"
DISCOVERY_FIRST_PAGES_SKIPPED = "discovery/first_pages_skipped"
"""First pages of tag, author, month archive and home listings not read: the sitemaps and
the section listings named the same articles."""
DISCOVERY_LISTING_SITEMAPS_SKIPPED = "discovery/listing_sitemaps_skipped"
"""Sitemaps that name only listings not read, for the same reason: of tag and author
listings, and of section listings where the posts API listed the posts."""
DISCOVERY_SECTIONS_ONLY = "discovery/listed_by_sections_only"
"""Articles a section listing lists and no sitemap names (``sitemap_first.py``)."""
DISCOVERY_SITEMAPS_ONLY = "discovery/listed_by_sitemaps_only"
"""Articles a sitemap names and no section listing lists."""
DISCOVERY_ARTICLES_PUT_OFF = "discovery/articles_put_off"
"""Posts of section listings requested later, the memory queue being full (``sitemap_first.py``)."""
DISCOVERY_MONTHS_WALKED_FOR_DATES = "discovery/months_walked_for_dates"
DISCOVERY_FELL_BACK_TO_FULL = "discovery/fell_back_to_full"
DISCOVERY_POSTS_API_PAGES = "discovery/posts_api/pages"
"""Pages of the site's posts API read (``crawler/discovery/posts_api.py``)."""
DISCOVERY_POSTS_API_POSTS = "discovery/posts_api/posts"
"""On-site article links the posts API listed."""
DISCOVERY_POSTS_API_SKIPPED = "discovery/posts_api/skipped"
"""Entries of the posts API that are not an on-site article link."""
DISCOVERY_POSTS_API_UNAVAILABLE = "discovery/posts_api/unavailable"
"""1: the site has no posts API, or it failed; the section listings were read instead."""
TRAPS = "traps/"
"""+ the spider-trap rule that fired (``crawler/spiders/traps.py``)."""
TRAPS_PATTERN_BUDGET_EXHAUSTED = f"{TRAPS}pattern_budget_exhausted"
TRAPS_NOT_ARTICLE_PATTERN = f"{TRAPS}not_article_pattern"
"""Links not followed: their URL pattern's pages read, as many as its budget, were none an
article (a calendar, an endless pager at paths no rule knows: ``crawler/spiders/traps.py``)."""

# -- dates from listings -------------------------------------------------------------
DATES = "dates/"
DATES_FROM = "dates/from_"
"""+ where a record without a date of its own got one: ``dates/from_listing``..."""
DATES_UNDATED = "dates/undated"
DATES_RESOLVED_AFTER_CRAWL = "dates/resolved_after_crawl/"
DATES_RESOLUTION_FAILED = "dates/resolution_failed"

# -- incremental state ---------------------------------------------------------------
STATE = "state/"
STATE_NEW = "state/new"
STATE_CHANGED = "state/changed"
STATE_UNCHANGED = "state/unchanged"
STATE_NOT_MODIFIED = "state/not_modified"
STATE_SKIPPED_KNOWN = "state/skipped_known"
STATE_SITEMAP_MODIFIED = "state/sitemap_modified"

# -- resume --------------------------------------------------------------------------
RESUME = "resume/"
RESUME_WRITTEN_ARTICLES = "resume/written_articles"
RESUME_UNREADABLE_LINES = "resume/unreadable_lines"
RESUME_UNCLEAN_STOP = "resume/unclean_stop"
RESUME_AFTER_OUTPUT_ERROR = "resume/after_output_error"
RESUME_DISCOVERY_RESTARTED = "resume/discovery_restarted"
"""A clean stop's saved queue discarded all the same: the spider's discovery keeps its
progress in memory, not in ``JOBDIR`` (``-a discovery=sitemap-first``)."""
RESUME_SKIPPED_ARTICLES = "resume/skipped_articles"
RESUME_DUPLICATES = "resume/duplicates/"
"""+ what the record shares with one in the output: ``url`` or ``content``."""
RESUME_ALREADY_IN_OUTPUT = "resume/already_in_output/"
"""+ an output's path: records of this run it refused, its earlier runs having written them."""
RESUME_TORN_LINE_BYTES_CUT = "resume/torn_line_bytes_cut"
RESUME_TORN_WARC_BYTES_CUT = "resume/torn_warc_bytes_cut"
"""A torn tail cut from the capture's last WARC file (``crawler/capture/warc.py``)."""
RESUME_LISTING_DATES_READ = "resume/listing_dates_read"
"""Lines of ``JOBDIR/listing-dates.jsonl`` read back (``crawler/runtime/date_join.py``)."""
RESUME_LISTING_DATES_TORN_BYTES_CUT = "resume/listing_dates_torn_bytes_cut"
RESUME_LISTING_DATES_UNREADABLE_LINES = "resume/listing_dates_unreadable_lines"
RESUME_LISTING_DATES_WRITE_FAILED = "resume/listing_dates_write_failed"

# -- the extraction pool (crawler/runtime/extraction_pool.py) ------------------------
EXTRACTION_POOL_ARTICLE_PAGES = "extraction_pool/article_pages"
"""Article pages read in a worker process."""
EXTRACTION_POOL_LISTING_PAGES = "extraction_pool/listing_pages"
"""Listing pages read in a worker process."""
EXTRACTION_POOL_ARTICLE_CPU_SECONDS = "extraction_pool/article_cpu_seconds"
"""CPU the workers spent reading those article pages, each from its bytes (the response
rebuilt, parsed, extracted, its links read): over the count, what extraction costs a page."""
EXTRACTION_POOL_LISTING_CPU_SECONDS = "extraction_pool/listing_cpu_seconds"
"""CPU the workers spent reading those listing pages, likewise."""
EXTRACTION_POOL_READ_IN_CRAWL_BEHIND = "extraction_pool/read_in_crawl_behind"
"""Article and listing pages read in the crawl's process while the pool was up, because the workers
were behind."""
EXTRACTION_POOL_REPEATED_LINKS = "extraction_pool/repeated_links"
"""Links of article pages a worker left out, having sent them with an earlier page (a
site's menus and sidebars): the crawl's process decided each once. What the spider counts
each time it meets a link (``dupefilter/filtered``, ``traps/pattern_budget_exhausted``)
leaves these out."""
EXTRACTION_POOL_CPU_SECONDS = "extraction_pool/cpu_seconds"
"""CPU the worker processes spent (their own: the crawl's process is not in it)."""
EXTRACTION_POOL_PEAK_RSS_BYTES = "extraction_pool/peak_rss_bytes"
"""The workers' peak resident memory, added up over workers (pages shared with the
process they were forked from, the crawl's or a forkserver, count in each)."""

# -- faults (crawler/runtime/middlewares.py) -----------------------------------------
FAULTS = "faults/"
FAULTS_HTTP = "faults/http/"
FAULTS_DOWNLOAD = "faults/download/"
FAULTS_RETRY_AFTER = "faults/retry_after"
FAULTS_DECOMPRESSION = "faults/decompression"
FAULTS_REDIRECT_LOOP = "faults/redirect/loop"
FAULTS_REDIRECT_TOO_MANY = "faults/redirect/too_many"
FAULTS_OFF_SITE = "faults/off_site/"
"""+ ``request`` or ``redirect``."""
FAULTS_BAD_SCHEME = "faults/bad_scheme"
FAULTS_CANONICAL_SHARED = "faults/canonical/shared"
"""Records whose page names as its ``rel=canonical`` a URL that a record of another title
was emitted under (a template giving many stories one canonical): kept at the page's own
URL (``pipelines/dedupe.py``)."""
FAULTS_BOT_WALL = "faults/bot_wall/"
"""+ the vendor: a bot wall instead of any page (``crawler/runtime/bot_walls.py``)."""
FAULTS_CONTENT_EMPTY = "faults/content/empty"
"""Empty HTML 200s (each attempt): retried like a 503; one still empty after the late round
is a failed article, ``articles/failed/empty_body``."""
FAULTS_CONTENT_INVALID_BYTES = "faults/content/invalid_bytes"
FAULTS_CONTENT_CHARSET_CONFLICT = "faults/content/charset_conflict"
FAULTS_CONTENT_CHARSET_OVERRULED = "faults/content/charset_overruled"
"""Pages declaring a charset other than UTF-8 over bytes that are UTF-8: read as UTF-8."""
FAULTS_CONTENT_CHARSET_UNDECLARED = "faults/content/charset_undeclared"
"""Pages declaring no charset whose bytes are not UTF-8: the charset guessed
(``legacy_charset`` in crawler/runtime/middlewares.py)."""
FAULTS_CONTENT_REFRESH_NOT_FOLLOWED = "faults/content/refresh_not_followed"
"""Pages with a story's worth of text whose meta refresh waits (``30; url=/``), or with an
HTTP ``Refresh`` header: read as they are, the refresh not followed (a stub's still is)."""
FAULTS_CONTENT_NOT_COMPRESSED = "faults/content/not_compressed"
"""Bodies said to be gzip that are not (no gzip header), or said to be deflate, br or zstd
that do not decode in it and read as text: read as they came."""
FAULTS_DOWNLOAD_TRUNCATED_GZIP = "faults/download/truncated_gzip"
"""Gzip bodies whose stream ends early, their length right: retried, never kept."""
FAULTS_DOWNLOAD_CUT_SHORT = "faults/download/cut_short"
"""HTML pages whose connection closed before their HTML ended, no ``Content-Length`` to
check them against: retried, then read as they came (``crawler/runtime/cut_pages.py``)."""
FAULTS_CONTENT_FILE_AS_TEXT = "faults/content/file_as_text"
"""Images, PDFs and archives served as text or HTML: not read as pages."""
FAULTS_CONTENT_UNTYPED_HTML = "faults/content/untyped_html"
"""HTML pages served as ``application/octet-stream``: read as HTML."""
FAULTS_CONTENT_XML_ENTITIES = "faults/content/xml_entities"
FAULTS_CONTENT_MALFORMED_XML = "faults/content/malformed_xml"
FAULTS_CONTENT_EARLY_HTML_END = "faults/content/early_html_end"
"""HTML pages with an ``</html>`` that markup follows: read on past it, as a browser does."""
FAULTS_CONTENT_NESTED_TOO_DEEP = "faults/content/nested_too_deep"
"""Article pages nested deeper than libxml2 parses (2,048 levels): read up to there."""
FAULTS_WAYBACK_CDX_UNREADABLE = "faults/wayback/cdx_unreadable"
"""Wayback CDX answers that were no table (an error page served with a 200, a table cut
short): asked again."""
FAULTS_EXTRACTION_WORKER_LOST = "faults/extraction_worker_lost"
"""A worker of the extraction pool died; its pages were read again."""
FAULTS_UNREACHABLE_HOST = "faults/unreachable_host/"
"""Hosts given up on, by why (``connection_refused``, ``dns``): not one answer ever
(``crawler/runtime/middlewares.py``, :class:`UnreachableHostMiddleware`)."""
FAULTS_UNREACHABLE_HOST_DROPPED = "faults/unreachable_host/requests_dropped"
"""Requests to a host given up on, dropped without a connection attempt."""

# -- late retries (crawler/spiders/late_retries.py) ----------------------------------
LATE_RETRY_HELD = "late_retry/held"
"""Article and listing pages, Wayback CDX queries and captures whose retries failed in a
way that may pass, held to ask again at the end."""
LATE_RETRY_RECOVERED = "late_retry/recovered"
"""Held pages fetched when asked again."""

# -- pace (crawler/runtime/politeness.py) --------------------------------------------
THROTTLE_BACKOFFS = "throttle/backoffs"
"""Times a host was slowed down for answering 429 or 503."""
THROTTLE_MAX_DELAY_SECONDS = "throttle/max_delay_seconds"
"""The longest delay between two requests to a host that a 429 or 503 led to."""

# -- failures: any makes the exit status 1 (crawler/runtime/exit_status.py) ----------
FAILURES = "failures/"
FAILURES_OUTPUT = f"{FAILURES}output"
FAILURES_START_ERROR = f"{FAILURES}start_error"
FAILURE_SITE_MOVED = "site_moved"
"""The crawled site's home page redirects to another site: nothing of it was crawled
(``failures/site_moved``)."""
FAILURE_WAYBACK_INDEX = "wayback_index"
"""A page of the Wayback Machine's index of the site that failed for good: the URLs it
would have listed next are missing (``failures/wayback_index``)."""
OUTPUT_RECORDS_LOST = "output/records_lost"

# -- reports -------------------------------------------------------------------------
COVERAGE = "coverage/"
"""+ ``listed``, ``covered``, ``missing``, ``unavailable``, ``not_articles``."""
COVERAGE_LISTED = f"{COVERAGE}listed"
COVERAGE_MISSING = f"{COVERAGE}missing"
QUALITY = "quality/"
QUALITY_RECORDS = f"{QUALITY}records"
QUALITY_PRESENT = f"{QUALITY}present/"
"""+ a record field that is present (not null, not empty)."""
QUALITY_DATES = f"{QUALITY}dates/"
"""+ where the published date came from (``published_source``), or ``none``."""
QUALITY_LANGUAGE = f"{QUALITY}language/"
QUALITY_SHORT_BODY = f"{QUALITY}short_body"

# -- sources and capture -------------------------------------------------------------
WAYBACK_INDEX_PAGES = "wayback/index_pages"
WAYBACK_INDEX_ROWS_UNREADABLE = "wayback/index_rows_unreadable"
WAYBACK_ARTICLE_URLS = "wayback/article_urls"
WAYBACK_URLS_NOT_ARTICLES = "wayback/urls_not_articles"
WAYBACK_URLS_WITHOUT_USABLE_CAPTURE = "wayback/urls_without_usable_capture"
WAYBACK_CAPTURES_TRIED = "wayback/captures_tried"
WAYBACK_CAPTURES_USED = "wayback/captures_used"
WAYBACK_CAPTURES_SKIPPED = "wayback/captures_skipped/"
WAYBACK_CAPTURES_NOT_TRIED = "wayback/captures_not_tried"
"""Captures of URLs given up after ``WAYBACK_CAPTURES_PER_URL`` were fetched."""
WARC_RECORDS = "warc/records"
WARC_FILES = "warc/files"
WARC_BYTES = "warc/bytes"
WARC_EXCHANGES_LOST = "warc/exchanges_lost"
"""Exchanges a failed WARC write or ``fsync`` left out of the capture."""
REPLAY_ANSWERED = "replay/answered"
REPLAY_NOT_IN_ARCHIVE = "replay/not_in_archive"
REPLAY_DAMAGED_RECORDS = "replay/damaged_records"
"""Requests whose record the archive holds cut short or unreadable (a torn WARC): answered
404, never replayed as a shorter page."""
REPLAY_DAMAGED_WARC_FILES = "replay/damaged_warc_files"
"""WARC files that could not be read to their end (torn, or damaged inside): the records
before the damage are replayed."""

# -- distributed crawls --------------------------------------------------------------
DISTRIBUTED_REQUESTS_TAKEN = "distributed/requests_taken"
DISTRIBUTED_REQUESTS_ACKNOWLEDGED = "distributed/requests_acknowledged"
DISTRIBUTED_TAKEN_FOR_GONE = "distributed/taken_for_gone"
DISTRIBUTED_WORKERS_GONE = "distributed/workers_gone"
DISTRIBUTED_REQUESTS_REQUEUED = "distributed/requests_requeued"
DISTRIBUTED_IDLE_WAITS = "distributed/idle_waits"

# -- Scrapy's (and scrapy-redis's) own keys that we read or add to -------------------
DOWNLOADER_RESPONSE_COUNT = "downloader/response_count"
DOWNLOADER_RESPONSE_STATUS_COUNT = "downloader/response_status_count/"
DOWNLOADER_EXCEPTION_TYPE_COUNT = "downloader/exception_type_count/"
HTTPERROR = "httperror/"
HTTPERROR_RESPONSE_IGNORED_STATUS_COUNT = "httperror/response_ignored_status_count/"
ROBOTSTXT_FORBIDDEN = "robotstxt/forbidden"
ROBOTSTXT_REUSED = "robotstxt/reused"
"""The spider's own robots.txt request answered with the response the robots.txt
middleware already fetched (``crawler/runtime/middlewares.py``): one fetch per host."""
ROBOTSTXT_UNREACHABLE = "robotstxt/unreachable"
"""Hosts whose robots.txt answered a server error (5xx, 429) or could not be fetched (a
network error) after its retries: taken as ``Disallow: /`` (RFC 9309), nothing else
fetched from them."""
ROBOTSTXT_REFRESHED = "robotstxt/refreshed"
"""A host's robots.txt read again, its rules older than ``ARCHIVE_ROBOTSTXT_MAX_AGE``."""
ROBOTSTXT_CRAWL_DELAY_SECONDS = "robotstxt/crawl_delay_seconds"
"""The longest wait between requests a robots.txt asked for (``Crawl-delay`` or
``Request-rate``) and the crawl kept (``crawler/runtime/politeness.py``)."""
ROBOTSTXT_CRAWL_DELAY_CAPPED = "robotstxt/crawl_delay_capped"
"""Hosts whose robots.txt asked for more than ``ARCHIVE_MAX_CRAWL_DELAY``."""
OFFSITE = "offsite/"
OFFSITE_FILTERED = "offsite/filtered"
DUPEFILTER_FILTERED = "dupefilter/filtered"
"""Added to by the spider for links it does not yield, as the duplicate filter would (of
the links it meets: not the repeats an extraction worker leaves out)."""
SPIDER_EXCEPTIONS = "spider_exceptions/"
SPIDER_EXCEPTIONS_COUNT = f"{SPIDER_EXCEPTIONS}count"
SCHEDULER_ENQUEUED_REDIS = "scheduler/enqueued/redis"
SCHEDULER_DEQUEUED_REDIS = "scheduler/dequeued/redis"
SCHEDULER_ENQUEUED_MEMORY = "scheduler/enqueued/memory"
SCHEDULER_DEQUEUED_MEMORY = "scheduler/dequeued/memory"
"""With the one above: the requests waiting in the scheduler's memory queue (read by
sitemap-first discovery, ``crawler/spiders/sitemap_first.py``)."""
LOG_COUNT_ERROR = "log_count/ERROR"
LOG_COUNT_WARNING = "log_count/WARNING"
ITEM_SCRAPED_COUNT = "item_scraped_count"
ITEM_DROPPED_COUNT = "item_dropped_count"
ITEM_DROPPED_REASONS_COUNT = "item_dropped_reasons_count/"
