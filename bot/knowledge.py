"""Opening the knowledge store ready for questions: seeds loaded when missing or out of date."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.answer.engine import index_for
from store import seed
from store.db import Store

log = logging.getLogger(__name__)


async def ensure_seeds(store: Store, directory: Path) -> seed.LoadReport | None:
    """Load the seed files when the store has none or older ones; return what was loaded."""
    current = seed.fingerprint(directory)
    if current is not None and current == await seed.loaded_fingerprint(store):
        return None
    report = await seed.load(store, directory, index_for)
    log.info("loaded %d seed items (%d removed)", report.loaded, report.removed)
    return report


async def load_seeds(store: Store, directory: Path) -> seed.LoadReport:
    """Load the seed files now, whatever was loaded before."""
    return await seed.load(store, directory, index_for)
