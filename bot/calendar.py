"""Deadlines as an iCalendar file, with the icalendar library."""

from __future__ import annotations

import icalendar

from bot import __version__
from store.items import Item


def ics(deadlines: list[Item], lang: str) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//Silicon Bridge//{__version__}//{lang.upper()}")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Silicon Bridge")
    for item in deadlines:
        event = icalendar.Event()
        event.add("uid", f"{item.id}@silicon-bridge")
        event.add("summary", item.title(lang))
        event.add("description", item.text(lang))
        event.add("dtstart", item.deadline.due)
        event.add("dtend", item.deadline.due)
        event.add("dtstamp", item.updated_at or item.deadline.due)
        if item.link:
            event.add("url", item.link)
        calendar.add_component(event)
    return calendar.to_ical()
