"""Page → item machinery every site profile shares: processors (small pure cleaning
functions), the item loader, page metadata (meta, JSON-LD, links) and the content walker
that turns an article's element into paragraphs and images."""
