"""What several test folders share and is not a fixture: where things are, the fixed date, a clock.

Fixtures live in conftest.py files; tests import helpers from here, never from a conftest.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.reminders.service import DeadlineForm

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "seeds"
#: Noon UTC on a day after the seed deadline (15 May 2025) and before the reminders tests' ones.
TODAY = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = TODAY) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def deadline_form(when: str, **changes: str) -> DeadlineForm:
    """What an admin types in the deadline form, linked to the France–Taiwan call."""
    fields = {
        "title_fr": "Dépôt du dossier",
        "title_en": "File the application",
        "when": when,
        "timezone": "Europe/Paris",
        "link": "fr-tw-ami",
    }
    fields.update(changes)
    return DeadlineForm(**fields)
