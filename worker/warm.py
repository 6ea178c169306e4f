"""Imported once by the extractor pool's forkserver, before it forks any extractor process.

One page runs through the whole pipeline here, and what it does not reach is loaded too, so every extractor
process, a recycled one too, is forked with the modules, models, stop lists, locales and patterns already
loaded (shared copy-on-write) instead of spending two seconds of CPU loading them itself.
"""

from htmldate.extractors import get_external_parser
from trafilatura import external

from worker import logs
from worker.core.warm_up import WARM_UP
from worker.task import Extract

# A date in words that no locale of dateparser reads: htmldate's extensive search hands such strings to
# dateparser, which then tries, and so loads, all of its 205 locales (1.0-1.1 s of CPU; later dates 4-10 ms).
UNREADABLE_DATE = "Posted on 12 de mayo de 2023 by admin"

# The forkserver shares the worker's stderr: what the warm-up page logs is JSON lines too. The worker's level is
# not known here; each extractor process sets it again (ExtractorPool's log_level).
logs.configure("warning")
Extract()(WARM_UP)
get_external_parser().get_date_data(UNREADABLE_DATE)
if not external.JT_STOPLIST:  # jusText's stop lists of every language, for pages in none we know (0.08 s)
    external.jt_stoplist_init()
