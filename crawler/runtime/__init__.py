"""What keeps a long crawl alive and honest: fault-handling and site-policy middlewares,
durable feeds, resume after a crash, incremental state, and distributed workers."""
