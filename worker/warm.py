"""Imported once by the extractor pool's forkserver, before it forks any extractor process.

One page runs through the whole pipeline here, so every extractor process, a recycled one too, is forked
with the modules, models, stop lists and patterns already loaded (shared copy-on-write) instead of
spending half a second of CPU loading them itself.
"""

from worker.core.warm_up import WARM_UP
from worker.task import Extract

Extract()(WARM_UP)
