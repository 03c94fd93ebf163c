"""Site-agnostic item pipelines, in the order they run (see ``crawler/settings.py``):

0. :class:`~pipelines.title_suffix.SiteTitleSuffixPipeline` (50): a title suffix repeated
   across the site's pages removed.
1. :class:`~pipelines.normalize.NormalizeArticlePipeline` (100): ISO dates, canonical URL,
   stable id, word count, content hash.
2. :class:`~pipelines.dates.ListingDatePipeline` (120): where the date came from; a listing's
   date when the page has none.
3. :class:`~pipelines.daterange.DateRangePipeline` (150): the ``-a since/until`` range.
4. :class:`~pipelines.validate.ValidateArticlePipeline` (200): JSON Schema v2 and text policy.
5. :class:`~pipelines.dedupe.DedupeArticlePipeline` (300): one record per URL and per text.
6. :class:`~pipelines.state.IncrementalStatePipeline` (400): new or changed since last run.
7. :class:`~pipelines.output.ArticleOutputPipeline` (900): the plain record the feed writes.

Every rejection is a :class:`~crawler.reporting.outcomes.DropArticle` naming its reason.
"""

from pipelines.daterange import DateRangePipeline
from pipelines.dates import ListingDatePipeline
from pipelines.dedupe import DedupeArticlePipeline
from pipelines.normalize import NormalizeArticlePipeline
from pipelines.output import ArticleOutputPipeline
from pipelines.state import IncrementalStatePipeline
from pipelines.title_suffix import SiteTitleSuffixPipeline
from pipelines.validate import ValidateArticlePipeline

__all__ = [
    "ArticleOutputPipeline",
    "DateRangePipeline",
    "DedupeArticlePipeline",
    "IncrementalStatePipeline",
    "ListingDatePipeline",
    "NormalizeArticlePipeline",
    "SiteTitleSuffixPipeline",
    "ValidateArticlePipeline",
]
