"""Imported once by the extractor pool's forkserver, before it forks any extractor process.

One page runs through the whole pipeline here, so every extractor process, a recycled one too, is forked
with the modules, models, stop lists and patterns already loaded (shared copy-on-write) instead of
spending half a second of CPU loading them itself.
"""

from worker import logs
from worker.core.warm_up import WARM_UP
from worker.task import Extract

# The forkserver shares the worker's stderr: what the warm-up page logs is JSON lines too. The worker's level is
# not known here; each extractor process sets it again (ExtractorPool's log_level).
logs.configure("warning")
Extract()(WARM_UP)
