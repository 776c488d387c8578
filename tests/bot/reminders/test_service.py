"""Admin operations on reminders and deadlines: validated, kept across seed loads, audited."""

from __future__ import annotations

import pytest

from bot.errors import UserError
from bot.knowledge import Knowledge, load_seeds
from bot.reminders.service import ReminderService
from store import audit
from store.db import Store
from tests.support import SEEDS
from tests.support import deadline_form as form

GUILD, CHANNEL, ADMIN = 10, 20, 30


@pytest.fixture
async def service(seeded: Store, clock) -> ReminderService:
    service = ReminderService(seeded, Knowledge(seeded, clock=clock), clock=clock)
    await service.set_channel(GUILD, ADMIN, CHANNEL, guild_locale=None, user_locale="fr")
    return service


async def test_admin_deadline_errors(service):
    for bad, key in [
        (form("2026-11-24 12:00", timezone="Mars/Olympus"), "deadline.bad_timezone"),
        (form("2026-02-30 12:00"), "deadline.bad_date"),
        (form("next tuesday"), "deadline.bad_date"),
        (form("2020-01-01 12:00"), "deadline.in_past"),
        (form("9999-12-31"), "deadline.too_far"),
        (form("9999-12-31 23:30", timezone="America/New_York"), "deadline.bad_date"),
        (form("2026-12-01", title_en="  "), "deadline.title_missing"),
        (form("2026-12-01", link="atlantis pact"), "deadline.bad_link"),
    ]:
        with pytest.raises(UserError) as caught:
            await service.add_deadline(GUILD, ADMIN, bad)
        assert caught.value.key == key
    with pytest.raises(UserError):
        await service.remove_deadline(GUILD, ADMIN, "fr-tw-ami-deadline")  # a seed deadline
    assert (await service.status(GUILD)).upcoming == []


async def test_seed_reload_keeps_admin_deadlines_and_every_change_is_audited(service):
    item = await service.add_deadline(GUILD, ADMIN, form("2026-12-24"))
    await service.edit_deadline(GUILD, ADMIN, item.id, form("2026-12-31", title_en="New"))
    await load_seeds(service.store, SEEDS)
    kept = await service.own_deadline(GUILD, item.id)
    assert kept.title_en == "New"
    assert kept.deadline.date_only
    indexed = "SELECT count(*) FROM search_index WHERE item_id = ?"
    assert (await service.store.conn.execute_fetchall(indexed, (item.id,)))[0][0] == 1
    await service.remove_deadline(GUILD, ADMIN, item.id)
    assert (await service.store.conn.execute_fetchall(indexed, (item.id,)))[0][0] == 0
    actions = [e.action for e in await audit.recent(service.store.conn, GUILD)]
    assert actions[:3] == ["deadline.remove", "deadline.edit", "deadline.add"]
    assert "reminders.channel" in actions
