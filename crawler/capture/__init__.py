"""Record once, re-extract forever: WARC capture, replay from WARC files or saved mirrors,
and the mirror server that serves a saved copy of a site."""
