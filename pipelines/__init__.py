"""Site-agnostic item pipelines, in the order they run (see ``crawler/settings.py``):

1. :class:`~pipelines.normalize.NormalizeArticlePipeline` (100): ISO dates, canonical URL,
   stable id, word count, content hash.
2. :class:`~pipelines.validate.ValidateArticlePipeline` (200): JSON Schema v1 and text policy.
3. :class:`~pipelines.dedupe.DedupeArticlePipeline` (300): one record per URL and per text.
4. :class:`~pipelines.output.ArticleOutputPipeline` (900): the plain record the feed writes.
"""

from pipelines.dedupe import DedupeArticlePipeline
from pipelines.normalize import NormalizeArticlePipeline
from pipelines.output import ArticleOutputPipeline
from pipelines.validate import ValidateArticlePipeline

__all__ = [
    "ArticleOutputPipeline",
    "DedupeArticlePipeline",
    "NormalizeArticlePipeline",
    "ValidateArticlePipeline",
]
