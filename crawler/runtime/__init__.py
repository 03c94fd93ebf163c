"""What keeps a long crawl alive and honest: fault-handling and site-policy middlewares,
durable feeds, resume after a crash, incremental state, distributed workers, locks on the
job folder and output, and the exit status."""
