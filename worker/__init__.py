"""A streaming ingestion worker: raw crawled pages in, clean articles out."""

__version__ = "1.0.0"
