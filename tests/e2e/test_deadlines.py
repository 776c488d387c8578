"""/deadline through the fake Discord: the list and a deadline, paging, and the server's own
deadlines (the form, edit, remove, calendar, event)."""

from __future__ import annotations

import re

from fakediscord import FakeUser
from tests.e2e.support import ADMIN, CHANNEL, GUILD, add_deadline, admin, embed_text, is_ephemeral
from tests.support import TODAY


async def test_deadline_list_and_show(bot, fake):
    response = await fake.slash("deadline list", guild_id=GUILD, locale="fr")
    text = embed_text(response)
    assert "Aucune échéance à venir" in text
    assert re.search(r"<t:\d+:F> — passée <t:\d+:R>", text)
    shown = await fake.slash("deadline show", {"name": "fr-tw-ami-deadline"}, guild_id=GUILD)
    assert "This deadline passed 1 year and 6 months ago." in embed_text(shown)


async def test_the_bot_runs_on_the_fixed_clock_after_the_seed_deadline(bot):
    """What the tests above read ("passed", nothing upcoming) holds for the bot under test."""
    assert bot.clock() == TODAY
    seed_deadline = await bot.knowledge.item("fr-tw-ami-deadline", guild_id=GUILD)
    assert seed_deadline.deadline.due < bot.clock()
    listed = await bot.knowledge.deadlines(guild_id=GUILD)
    assert listed.upcoming == []
    assert "fr-tw-ami-deadline" in [item.id for item in listed.past]


async def test_a_long_deadline_list_pages_for_its_owner_only(bot, fake):
    from bot.reminders.service import DeadlineForm

    for day in range(1, 15):
        await bot.reminders.add_deadline(
            GUILD,
            1,
            DeadlineForm(
                f"Échéance {day}", f"Deadline {day}", f"2026-12-{day:02d} 12:00", "Europe/Paris"
            ),
        )
    first = await fake.slash("deadline list", guild_id=GUILD, channel_id=CHANNEL)
    assert "Page 1/3" in embed_text(first)
    assert "Deadline 1" in embed_text(first) and "Deadline 9" not in embed_text(first)
    buttons = {b["custom_id"]: b for row in first["data"]["components"] for b in row["components"]}
    assert buttons["pages:previous"]["disabled"] is True
    stranger = await fake.click(
        "pages:next", message=first["message"], user=FakeUser("someone-else")
    )
    assert is_ephemeral(stranger) and "belong" in stranger["data"]["content"]
    second = await fake.click("pages:next", message=first["message"])
    assert "Page 2/3" in embed_text(second)
    assert "Deadline 7" in embed_text(second)


async def test_deadline_form_errors_are_polite_and_change_nothing(bot, fake):
    await admin(fake, "reminders channel", {"channel": CHANNEL})
    for when, expected in [("2026-13-45", "not a date"), ("2020-01-01 10:00", "already passed")]:
        response = await add_deadline(fake, when)
        assert is_ephemeral(response)
        assert expected in response["data"]["content"]
    listing = await fake.slash("deadline list", guild_id=GUILD)
    assert "Consortium" not in embed_text(listing)


async def test_edit_remove_calendar_and_event(bot, fake, clock):
    await admin(fake, "reminders channel", {"channel": CHANNEL})
    await add_deadline(fake, "2026-12-15 17:00")
    choices = await fake.autocomplete(
        "deadline edit", {"name": ""}, guild_id=GUILD, permissions=ADMIN
    )
    [choice] = choices["data"]["choices"]
    calendar = await fake.slash("deadline calendar", guild_id=GUILD)
    [ics] = calendar["files"]
    assert b"BEGIN:VCALENDAR" in ics.data and b"Consortium paperwork" in ics.data
    event = await admin(fake, "deadline event", {"name": choice["value"]})
    assert "event" in event["data"]["content"].lower()
    assert fake.scheduled_events[GUILD][0]["name"] == "Consortium paperwork"
    opened = await admin(fake, "deadline edit", {"name": choice["value"]})
    assert opened["type"] == 9
    edited = await fake.submit_modal(
        opened["data"]["custom_id"],
        {
            "deadline-form:title_fr": "Dossier",
            "deadline-form:title_en": "Paperwork",
            "deadline-form:when": "2026-12-20 17:00",
            "deadline-form:timezone": "Asia/Taipei",
            "deadline-form:link": "",
        },
    )
    assert "Paperwork" in edited["data"]["content"]
    removed = await admin(fake, "deadline remove", {"name": choice["value"]})
    assert "removed" in removed["data"]["content"]
    seed = await admin(fake, "deadline remove", {"name": "fr-tw-ami-deadline"})
    assert "shared deadlines cannot be changed" in seed["data"]["content"]
    assert (await fake.slash("deadline calendar", guild_id=GUILD))["data"]["flags"] & 64


def form_values(title: str, when: str) -> dict[str, str]:
    return {
        "deadline-form:title_fr": f"{title} (FR)",
        "deadline-form:title_en": title,
        "deadline-form:when": when,
        "deadline-form:timezone": "Europe/Paris",
        "deadline-form:link": "",
    }


async def test_two_forms_open_at_once_each_write_their_own_deadline(bot, fake, clock):
    await admin(fake, "reminders channel", {"channel": CHANNEL})
    await add_deadline(fake, "2026-12-15 17:00", title="First")
    await add_deadline(fake, "2026-12-16 17:00", title="Second")
    own = await fake.autocomplete("deadline edit", {"name": ""}, guild_id=GUILD, permissions=ADMIN)
    ids = {c["name"]: c["value"] for c in own["data"]["choices"]}
    editing_first = await admin(fake, "deadline edit", {"name": ids["First"]})
    editing_second = await admin(fake, "deadline edit", {"name": ids["Second"]})
    adding = await admin(fake, "deadline add")
    forms = [f["data"]["custom_id"] for f in (editing_first, editing_second, adding)]
    assert len(set(forms)) == 3
    # Submitted in another order than opened: each lands on its own deadline.
    await fake.submit_modal(forms[1], form_values("Second renamed", "2026-12-18 09:00"))
    await fake.submit_modal(forms[2], form_values("Third", "2026-12-19 09:00"))
    await fake.submit_modal(forms[0], form_values("First renamed", "2026-12-17 09:00"))
    first = await bot.reminders.own_deadline(GUILD, ids["First"])
    second = await bot.reminders.own_deadline(GUILD, ids["Second"])
    assert (first.title_en, second.title_en) == ("First renamed", "Second renamed")
    assert first.deadline.due.day == 17 and second.deadline.due.day == 18
    titles = sorted(i.title_en for i in (await bot.knowledge.deadlines(guild_id=GUILD)).upcoming)
    assert [t for t in titles if "renamed" in t or t == "Third"] == [
        "First renamed",
        "Second renamed",
        "Third",
    ]
