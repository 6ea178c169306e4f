"""A streaming ingestion worker: raw crawled pages in, clean articles out.

worker/core: the pure pipeline, one raw record in, an article or a dead letter out, no I/O.
worker/stream: the Kafka shell of `worker run`. worker/tools: offline extraction and operator commands.
"""

from worker.core.version import __version__

__all__ = ["__version__"]
