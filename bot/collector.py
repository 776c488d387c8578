"""Python's garbage collector, set for a process that runs for weeks around large caches.

Start-up reads word lists, examples and the lexicon that live as long as the process. Scanning
them again and again would pause answers for tens of milliseconds; answering builds many small
lasting objects (item profiles), which the default young-generation threshold of 700 scans every
few questions. Measured with ``make bench`` (answers at 10,000 facts).
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 20_000  # allocations between collections of the youngest generation
OLDER_THRESHOLD = 20  # collections of one generation between collections of the next


def settle() -> None:
    """Once start-up has built its caches: collect what it left, keep the rest out of every
    later scan (``gc.freeze``), and collect young objects less often, each pause a little
    longer. Objects that are still reachable are freed by reference counting as ever."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, OLDER_THRESHOLD, OLDER_THRESHOLD)
