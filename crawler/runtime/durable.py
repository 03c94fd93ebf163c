"""Replacing a file whole, so that it is the old one or the new one after any stop, a
power loss included (the Parquet parts, the date join's rewrites)."""

from __future__ import annotations

import os
from pathlib import Path


def replace_durably(written: Path, path: Path) -> None:
    """Put the finished file ``written`` in place of ``path``: ``written`` is fsync-ed, then
    renamed over ``path``, then the folder is fsync-ed, so ``path`` is the old file or the
    whole new one whenever the process or the machine stops."""
    with written.open("rb") as file:
        os.fsync(file.fileno())
    written.replace(path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
