"""Admin operations on reminders and deadlines: validated, kept across seed loads, audited."""

from __future__ import annotations

import pytest

from bot.errors import UserError
from bot.knowledge import Knowledge, load_seeds
from bot.reminders.service import ReminderService
from store import audit, reminders
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
        (form("2099-12-31"), "deadline.too_far"),
        (form("9999-12-31"), "deadline.bad_date"),
        (form("0001-01-01 00:00"), "deadline.bad_date"),
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


async def test_a_seed_load_by_another_process_re_plans_the_running_bot(
    service, seeded: Store, seeds_copy
):
    await service.follow_seed_loads()  # what the bot saw at start
    assert not await seeded.changed_elsewhere()  # the first look sets the baseline
    assert not [r for r in await reminders.of_guild(seeded.conn, GUILD)]  # 2025: long past
    path = seeds_copy / "fr-tw-ami.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("due = 2025-05-15", "due = 2027-01-20"),
        encoding="utf-8",
    )
    async with Store.open(seeded.path) as elsewhere:  # silicon-bridge seed load, beside the bot
        await load_seeds(elsewhere, seeds_copy)
    assert await seeded.changed_elsewhere()
    assert await service.follow_seed_loads()
    planned = await reminders.of_guild(seeded.conn, GUILD)
    assert {r.item_id for r in planned} == {"fr-tw-ami-deadline"}
    assert sorted(r.offset_minutes for r in planned) == [60, 1440, 7 * 1440, 30 * 1440]
    assert not await seeded.changed_elsewhere()
    assert not await service.follow_seed_loads()


@pytest.mark.parametrize("zone", ["localtime", "posixrules", "Factory", "right/UTC", "../UTC"])
async def test_system_files_beside_the_zones_are_not_time_zones(service, zone):
    with pytest.raises(UserError) as caught:
        await service.add_deadline(GUILD, ADMIN, form("2026-12-01 12:00", timezone=zone))
    assert caught.value.key == "deadline.bad_timezone"


@pytest.mark.parametrize("title", ["\u200b\u200b", " \u200d ", "\u0000", "..."])
async def test_a_title_with_nothing_to_read_is_refused(service, title):
    with pytest.raises(UserError) as caught:
        await service.add_deadline(GUILD, ADMIN, form("2026-12-01 12:00", title_en=title))
    assert caught.value.key == "deadline.title_missing"


async def test_servers_that_removed_the_bot_while_it_was_offline_are_forgotten(service):
    await service.set_channel(GUILD + 1, ADMIN, CHANNEL + 1, guild_locale=None, user_locale="fr")
    await service.keep_only_guilds({GUILD + 1})
    assert (await service.settings(GUILD)).channel_id is None
    assert (await service.settings(GUILD + 1)).channel_id == CHANNEL + 1
