"""The article record's JSON Schema (``article-v2.schema.json``), the one contract every
output format follows."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

SCHEMA_FILE = "article-v2.schema.json"


@cache
def article_schema() -> dict[str, Any]:
    """The schema as a dict (read once; do not modify it)."""
    return json.loads(resources.files(__name__).joinpath(SCHEMA_FILE).read_text())
