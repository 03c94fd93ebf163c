"""Files on the disk in an order that survives a power loss: replacing a file whole, so
that it is the old one or the new one after any stop (the Parquet parts, the date join's
rewrites), and the signal that makes what the outputs' records were made from durable
before the records are."""

from __future__ import annotations

import os
from pathlib import Path

records_syncing = object()
"""Signal sent just before an output makes its records durable (a feed's ``fsync``, a
Parquet part): what they were made from is made durable first, so that after a power
loss no output holds an article whose page the WARC lost (:mod:`crawler.capture.warc`
``fsync``-s its exchanges then)."""


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
