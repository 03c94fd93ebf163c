"""Discovery strategies the archive spider composes: date ranges, URL lists, the Wayback
Machine, and the coverage ledger that records what each strategy found."""
