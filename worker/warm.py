"""Imported once by the extractor pool's forkserver, before it forks any extractor process.

One page runs through the whole pipeline here, and what it does not reach is loaded too, so every extractor
process, a recycled one too, is forked with the modules, models, stop lists, English date patterns already
loaded (shared copy-on-write) instead of spending two seconds of CPU loading them itself.
"""

from trafilatura import external

from worker import logs
from worker.core.date_languages import parser_for
from worker.core.warm_up import WARM_UP
from worker.task import Extract

# A date in words English does not read: dateparser compiles all of its English patterns trying it (0.1 s of
# CPU on first use). Pages read in English and one declared language, so other locales load as pages need them.
UNREADABLE_DATE = "Posted on 12 de mayo de 2023 by admin"

# The forkserver shares the worker's stderr: what the warm-up page logs is JSON lines too. The worker's level is
# not known here; each extractor process sets it again (ExtractorPool's log_level).
logs.configure("warning")
Extract()(WARM_UP)
parser_for(None).get_date_data(UNREADABLE_DATE)
if not external.JT_STOPLIST:  # jusText's stop lists of every language, for pages in none we know (0.08 s)
    external.jt_stoplist_init()
