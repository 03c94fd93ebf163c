"""What happened in a crawl: article outcomes (drops with named reasons), the per-URL
coverage ledger and report, the run report, and the log formatter."""
