"""What admins do to reminders and deadlines: every change validated, audited, and re-planned.

After each change the server's reminder plan is recomputed and the scheduler is woken, so that an
earlier reminder is never slept through.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.answer.engine import index_for
from bot.errors import UserError
from bot.i18n import language
from bot.knowledge import Knowledge
from bot.reminders import parsing, schedule
from store import audit, seed, times
from store import items as items_sql
from store import reminders as reminders_sql
from store import settings as settings_sql
from store.db import Store
from store.items import Item
from store.reminders import Reminder
from store.seed import ADMIN_ID_PREFIX
from store.settings import GuildSettings

MAX_AHEAD = timedelta(days=10 * 365)  # a deadline further away is a typing mistake


@dataclass(frozen=True)
class DeadlineForm:
    """What an admin typed in the deadline form; every field is text, checked by the service."""

    title_fr: str
    title_en: str
    when: str
    timezone: str
    link: str = ""

    @classmethod
    def of(cls, item: Item) -> DeadlineForm:
        """The form filled in with a deadline as it is now, to edit it."""
        details = item.deadline
        local = details.due.astimezone(parsing.parse_zone(details.timezone))
        when = f"{local:%Y-%m-%d}" if details.date_only else f"{local:%Y-%m-%d %H:%M}"
        link = item.partnership_id or item.link or ""
        return cls(item.title_fr, item.title_en, when, details.timezone, link)


@dataclass(frozen=True)
class Status:
    settings: GuildSettings
    upcoming: list[tuple[Reminder, Item]]


class ReminderService:
    """Reminder settings and a server's own deadlines: validated, audited, then re-planned."""

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
        self._seeds_seen: str | None = None

    # settings ------------------------------------------------------------------------------

    async def settings(self, guild_id: int) -> GuildSettings:
        found = await settings_sql.get(self.store.reader, guild_id)
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
        self,
        guild_id: int,
        user_id: int,
        channel_id: int,
        *,
        guild_locale: str | None,
        user_locale: str,
    ) -> GuildSettings:
        """Post reminders in this channel; a paused server starts again.

        Reminders are written in the server's preferred language, else in the language of the
        admin who chose the channel. Turning reminders on starts the clock: what fell due before
        is never posted. Moving them to another channel (after a pause, say) keeps what is still
        pending.
        """
        current = await self.settings(guild_id)
        since = current.configured_at if current.channel_id is not None else None
        return await self._change(
            guild_id,
            user_id,
            "reminders.channel",
            f"channel {channel_id}",
            channel_id=channel_id,
            language=language(guild_locale or user_locale),
            configured_at=since or self.clock(),
            paused_reason=None,
            paused_at=None,
            pause_checks=0,
            next_check_at=None,
            admins_told=False,
        )

    async def set_offsets(self, guild_id: int, user_id: int, text: str) -> GuildSettings:
        offsets = parsing.parse_offsets(text)
        return await self._change(
            guild_id,
            user_id,
            "reminders.offsets",
            parsing.format_offsets(offsets, "en"),
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
        zone_name = str(parsing.parse_zone(name))
        return await self._change(
            guild_id, user_id, "reminders.timezone", zone_name, timezone=zone_name
        )

    async def turn_off(self, guild_id: int, user_id: int) -> GuildSettings:
        return await self._change(
            guild_id, user_id, "reminders.off", "reminders off", channel_id=None
        )

    async def follow_seed_loads(self) -> bool:
        """Re-plan every server if the seeds were loaded again since the last look (by
        ``silicon-bridge seed load`` beside the running bot): a seed deadline may have moved."""
        loaded = await seed.loaded_fingerprint(self.store)
        if loaded == self._seeds_seen:
            return False
        first_look = self._seeds_seen is None
        self._seeds_seen = loaded
        if not first_look:
            await self.replan_all()
        return not first_look

    async def keep_only_guilds(self, present: set[int]) -> None:
        """Forget the servers that removed the bot while it was offline."""
        for guild_id in await settings_sql.guild_ids(self.store.reader):
            if guild_id not in present:
                await self.forget_guild(guild_id)

    async def forget_guild(self, guild_id: int) -> None:
        """The bot left this server: stop its reminders and drop its settings."""
        async with self.store.transaction() as conn:
            await settings_sql.forget(conn, guild_id)
            await audit.record(
                conn, audit.Entry(guild_id, None, self.clock(), "guild.left", None, "bot removed")
            )
        self.wake()

    async def status(self, guild_id: int, limit: int = 5) -> Status:
        current = await self.settings(guild_id)
        upcoming = await reminders_sql.upcoming(self.store.reader, guild_id, limit)
        found = await items_sql.get_many(self.store.reader, [r.item_id for r in upcoming])
        return Status(current, [(r, found[r.item_id]) for r in upcoming if r.item_id in found])

    # deadlines -----------------------------------------------------------------------------

    async def _deadline_item(self, guild_id: int, form: DeadlineForm, item_id: str) -> Item:
        title_fr, title_en = (" ".join(t.split()) for t in (form.title_fr, form.title_en))
        if not _readable(title_fr) or not _readable(title_en):
            raise UserError("deadline.title_missing")
        if max(len(title_fr), len(title_en)) > times.MAX_TITLE:
            raise UserError("error.too_long", limit=times.MAX_TITLE)
        zone_name = form.timezone.strip() or (await self.settings(guild_id)).timezone
        due, date_only = parsing.parse_when(form.when, zone_name)
        if due <= self.clock():
            raise UserError("deadline.in_past")
        if due > self.clock() + MAX_AHEAD:
            raise UserError("deadline.too_far", years=MAX_AHEAD.days // 365)
        partnership_id, link = None, None
        typed = form.link.strip()
        if typed.startswith(("https://", "http://")):
            link = typed[:500]
        elif typed:
            found = await self.knowledge.find(typed, kind="partnership", guild_id=guild_id)
            if found is None:
                raise UserError("deadline.bad_link", link=typed[:100])
            partnership_id = found.id
        return items_sql.admin_deadline(
            item_id,
            guild_id,
            title_fr,
            title_en,
            due,
            timezone=str(parsing.parse_zone(zone_name)),
            date_only=date_only,
            link=link,
            partnership_id=partnership_id,
        )

    async def own_deadline(self, guild_id: int, item_id: str) -> Item:
        """A deadline this server's admins added (seed deadlines belong to nobody)."""
        item = await items_sql.get(self.store.reader, item_id)
        if item is None or item.kind != "deadline" or item.guild_id != guild_id:
            raise UserError("deadline.not_own")
        return item

    async def add_deadline(self, guild_id: int, user_id: int, form: DeadlineForm) -> Item:
        item = await self._deadline_item(
            guild_id, form, f"{ADMIN_ID_PREFIX}{guild_id}-{secrets.token_hex(4)}"
        )
        await self._write(guild_id, user_id, "deadline.add", item, _describe(item))
        return await items_sql.get(self.store.reader, item.id)

    async def edit_deadline(
        self, guild_id: int, user_id: int, item_id: str, form: DeadlineForm
    ) -> Item:
        before = await self.own_deadline(guild_id, item_id)
        item = await self._deadline_item(guild_id, form, item_id)
        await self._write(
            guild_id, user_id, "deadline.edit", item, f"{_describe(before)} → {_describe(item)}"
        )
        return await items_sql.get(self.store.reader, item.id)

    async def remove_deadline(self, guild_id: int, user_id: int, item_id: str) -> Item:
        item = await self.own_deadline(guild_id, item_id)
        now = self.clock()
        async with self.store.transaction() as conn:
            await items_sql.delete(conn, [item.id])
            await audit.record(
                conn,
                audit.Entry(guild_id, user_id, now, "deadline.remove", item.id, _describe(item)),
            )
            await self._replan(conn, await settings_sql.get(conn, guild_id), [item.id])
        self.wake()
        return item

    async def _write(
        self, guild_id: int, user_id: int, action: str, item: Item, details: str
    ) -> None:
        now = self.clock()
        async with self.store.transaction() as conn:
            await items_sql.upsert(conn, item, index_for(item), now=now, touch=True)
            await audit.record(conn, audit.Entry(guild_id, user_id, now, action, item.id, details))
            await self._replan(conn, await settings_sql.get(conn, guild_id), [item.id])
        self.wake()

    # plans ---------------------------------------------------------------------------------

    async def _replan(
        self, conn, current: GuildSettings | None, item_ids: list[str] | None = None
    ) -> None:
        """Make a server's pending reminders what its settings and deadlines want: for every
        deadline it sees, or only for ``item_ids`` (the deadlines just written)."""
        if current is None:
            return
        if item_ids is None:
            dues = await items_sql.deadline_ids_by_due(conn, guild_id=current.guild_id)
            item_ids = [item_id for item_id, _ in dues]
            only = None
        else:
            only = item_ids
        deadlines = await items_sql.get_many(conn, item_ids)
        seen = [i for i in deadlines.values() if i.visible_to(current.guild_id)]
        wanted = schedule.plan(seen, current) if current.channel_id else []
        await reminders_sql.replace_plan(conn, current.guild_id, wanted, only=only)

    async def replan_all(self) -> None:
        """Recompute every server's plan (at start-up, after a seed load)."""
        for guild_id in await settings_sql.active_guild_ids(self.store.reader):
            async with self.store.transaction() as conn:
                await self._replan(conn, await settings_sql.get(conn, guild_id))
        self.wake()


def _readable(text: str) -> bool:
    """Whether a title has something to read (not only spaces, zero-width or control marks)."""
    return any(ch.isalnum() for ch in text)


def _describe(item: Item) -> str:
    d = item.deadline
    where = item.partnership_id or item.link or "-"
    return f"{item.title_en!r} / {item.title_fr!r} due {d.due.isoformat()} ({d.timezone}), {where}"
