"""What admins do to reminders and deadlines: every change validated, audited, and re-planned.

After each change the server's reminder plan is recomputed and the scheduler is woken, so that an
earlier reminder is never slept through.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.answer.engine import index_for
from bot.errors import UserError
from bot.knowledge import Knowledge
from bot.reminders import schedule
from store import audit
from store import items as items_sql
from store import reminders as reminders_sql
from store import settings as settings_sql
from store.db import Store
from store.items import DeadlineDetails, Item
from store.reminders import Reminder
from store.seed import ADMIN_ID_PREFIX
from store.settings import GuildSettings

MAX_TITLE = 100
WHEN_FORMATS = (
    re.compile(
        r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[ T](?P<H>\d{1,2})[:h](?P<M>\d{2}))?$"
    ),
    re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?: (?P<H>\d{1,2})[:h](?P<M>\d{2}))?$"),
)
END_OF_DAY = time(23, 59, 59)


@dataclass(frozen=True)
class DeadlineForm:
    """What an admin typed in the deadline form; every field is text, checked by the service."""

    title_fr: str
    title_en: str
    when: str
    timezone: str
    link: str = ""


@dataclass(frozen=True)
class Status:
    settings: GuildSettings
    upcoming: list[tuple[Reminder, Item]]


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise UserError("deadline.bad_timezone", timezone=name.strip()[:60]) from None


def parse_when(text: str, zone_name: str) -> tuple[datetime, bool]:
    """(the moment in UTC, whether only a date was given). A date alone ends that day."""
    where = zone(zone_name)
    for pattern in WHEN_FORMATS:
        match = pattern.match(text.strip())
        if match is None:
            continue
        try:
            day = date(int(match["y"]), int(match["m"]), int(match["d"]))
            if match["H"] is None:
                return datetime.combine(day, END_OF_DAY, tzinfo=where).astimezone(UTC), True
            moment = time(int(match["H"]), int(match["M"]))
        except ValueError:
            raise UserError("deadline.bad_date", when=text.strip()[:40]) from None
        return datetime.combine(day, moment, tzinfo=where).astimezone(UTC), False
    raise UserError("deadline.bad_date", when=text.strip()[:40])


class Reminders:
    def __init__(
        self,
        store: Store,
        knowledge: Knowledge,
        *,
        clock: Callable[[], datetime],
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self.store = store
        self.knowledge = knowledge
        self.clock = clock
        self.wake = wake

    # settings ------------------------------------------------------------------------------

    async def settings(self, guild_id: int) -> GuildSettings:
        found = await settings_sql.get(self.store.conn, guild_id)
        return found or GuildSettings(guild_id=guild_id)

    async def _change(
        self, guild_id: int, user_id: int | None, action: str, details: str, **changes
    ) -> GuildSettings:
        now = self.clock()
        async with self.store.transaction() as conn:
            current = await settings_sql.get(conn, guild_id) or GuildSettings(guild_id=guild_id)
            updated = current.but(**changes)
            await settings_sql.save(conn, updated, now)
            await audit.record(conn, audit.Entry(guild_id, user_id, now, action, None, details))
            await self._replan(conn, updated)
        self.wake()
        return updated

    async def set_channel(
        self, guild_id: int, user_id: int, channel_id: int, *, language: str
    ) -> GuildSettings:
        """Post reminders in this channel; a paused server starts again.

        Turning reminders on starts the clock: what fell due before is never posted. Moving them
        to another channel (after a pause, say) keeps what is still pending.
        """
        current = await self.settings(guild_id)
        since = current.configured_at if current.channel_id is not None else None
        return await self._change(
            guild_id,
            user_id,
            "reminders.channel",
            f"channel {channel_id}",
            channel_id=channel_id,
            language=language,
            configured_at=since or self.clock(),
            paused_reason=None,
            paused_at=None,
        )

    async def set_offsets(self, guild_id: int, user_id: int, text: str) -> GuildSettings:
        offsets = schedule.parse_offsets(text)
        return await self._change(
            guild_id,
            user_id,
            "reminders.offsets",
            schedule.format_offsets(offsets, "en"),
            offsets=offsets,
        )

    async def set_role(self, guild_id: int, user_id: int, role_id: int | None) -> GuildSettings:
        return await self._change(
            guild_id,
            user_id,
            "reminders.role",
            f"role {role_id}" if role_id else "no role",
            role_id=role_id,
        )

    async def set_timezone(self, guild_id: int, user_id: int, name: str) -> GuildSettings:
        zone_name = str(zone(name))
        return await self._change(
            guild_id, user_id, "reminders.timezone", zone_name, timezone=zone_name
        )

    async def turn_off(self, guild_id: int, user_id: int) -> GuildSettings:
        return await self._change(
            guild_id, user_id, "reminders.off", "reminders off", channel_id=None
        )

    async def status(self, guild_id: int, limit: int = 5) -> Status:
        current = await self.settings(guild_id)
        upcoming = await reminders_sql.upcoming(self.store.conn, guild_id, limit)
        found = await items_sql.get_many(self.store.conn, [r.item_id for r in upcoming])
        return Status(current, [(r, found[r.item_id]) for r in upcoming if r.item_id in found])

    # deadlines -----------------------------------------------------------------------------

    async def _deadline_item(self, guild_id: int, form: DeadlineForm, item_id: str) -> Item:
        title_fr, title_en = (" ".join(t.split()) for t in (form.title_fr, form.title_en))
        if not title_fr or not title_en:
            raise UserError("deadline.title_missing")
        if max(len(title_fr), len(title_en)) > MAX_TITLE:
            raise UserError("error.too_long", limit=MAX_TITLE)
        zone_name = form.timezone.strip() or (await self.settings(guild_id)).timezone
        due, date_only = parse_when(form.when, zone_name)
        if due <= self.clock():
            raise UserError("deadline.in_past")
        partnership_id, link = None, None
        typed = form.link.strip()
        if typed.startswith(("https://", "http://")):
            link = typed[:500]
        elif typed:
            found = await self.knowledge.find(typed, kind="partnership", guild_id=guild_id)
            if found is None:
                raise UserError("deadline.bad_link", link=typed[:100])
            partnership_id = found.id
        return Item(
            id=item_id,
            kind="deadline",
            title_fr=title_fr,
            title_en=title_en,
            text_fr=f"{title_fr.rstrip('.')}.",
            text_en=f"{title_en.rstrip('.')}.",
            link=link,
            partnership_id=partnership_id,
            origin="admin",
            guild_id=guild_id,
            deadline=DeadlineDetails(due=due, timezone=str(zone(zone_name)), date_only=date_only),
        )

    async def own_deadline(self, guild_id: int, item_id: str) -> Item:
        """A deadline this server's admins added (seed deadlines belong to nobody)."""
        item = await items_sql.get(self.store.conn, item_id)
        if item is None or item.kind != "deadline" or item.guild_id != guild_id:
            raise UserError("deadline.not_own")
        return item

    async def add_deadline(self, guild_id: int, user_id: int, form: DeadlineForm) -> Item:
        item = await self._deadline_item(
            guild_id, form, f"{ADMIN_ID_PREFIX}{guild_id}-{secrets.token_hex(4)}"
        )
        await self._write(guild_id, user_id, "deadline.add", item, _describe(item))
        return await items_sql.get(self.store.conn, item.id)

    async def edit_deadline(
        self, guild_id: int, user_id: int, item_id: str, form: DeadlineForm
    ) -> Item:
        before = await self.own_deadline(guild_id, item_id)
        item = await self._deadline_item(guild_id, form, item_id)
        await self._write(
            guild_id, user_id, "deadline.edit", item, f"{_describe(before)} → {_describe(item)}"
        )
        return await items_sql.get(self.store.conn, item.id)

    async def remove_deadline(self, guild_id: int, user_id: int, item_id: str) -> Item:
        item = await self.own_deadline(guild_id, item_id)
        now = self.clock()
        async with self.store.transaction() as conn:
            await items_sql.delete(conn, [item.id])
            await audit.record(
                conn,
                audit.Entry(guild_id, user_id, now, "deadline.remove", item.id, _describe(item)),
            )
            await self._replan(conn, await settings_sql.get(conn, guild_id))
        self.wake()
        return item

    async def _write(
        self, guild_id: int, user_id: int, action: str, item: Item, details: str
    ) -> None:
        now = self.clock()
        async with self.store.transaction() as conn:
            await items_sql.upsert(conn, item, index_for(item), now=now, touch=True)
            await audit.record(conn, audit.Entry(guild_id, user_id, now, action, item.id, details))
            await self._replan(conn, await settings_sql.get(conn, guild_id))
        self.wake()

    # plans ---------------------------------------------------------------------------------

    async def _replan(self, conn, current: GuildSettings | None) -> None:
        if current is None:
            return
        dues = await items_sql.deadline_ids_by_due(conn, guild_id=current.guild_id)
        deadlines = await items_sql.get_many(conn, [item_id for item_id, _ in dues])
        wanted = schedule.plan(deadlines.values(), current) if current.channel_id else []
        await reminders_sql.replace_plan(conn, current.guild_id, wanted)

    async def replan_all(self) -> None:
        """Recompute every server's plan (at start-up, after a seed load)."""
        for guild_id in await settings_sql.active_guild_ids(self.store.conn):
            async with self.store.transaction() as conn:
                await self._replan(conn, await settings_sql.get(conn, guild_id))
        self.wake()


def _describe(item: Item) -> str:
    d = item.deadline
    where = item.partnership_id or item.link or "-"
    return f"{item.title_en!r} / {item.title_fr!r} due {d.due.isoformat()} ({d.timezone}), {where}"
