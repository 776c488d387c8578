"""Which reply of the bot answers which message, and what the answer was about.

Read when the question is edited or deleted (the reply follows it) and when someone replies to
the bot's reply (the follow-up is answered in the context kept here, also after a restart).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import aiosqlite

VIAS = ("mention", "reply", "dm", "qa", "menu", "ask")
KINDS = ("answer", "unknown", "help", "note")


@dataclass(frozen=True)
class AnswerLink:
    answer_id: int
    question_id: int
    channel_id: int
    guild_id: int | None
    author_id: int
    via: str
    kind: str
    lang: str
    digest: str
    asked_at: datetime
    item_id: str | None = None
    partnership_id: str | None = None


def _iso(moment: datetime) -> str:
    """UTC, fixed width, so that text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _row(row: aiosqlite.Row) -> AnswerLink:
    return AnswerLink(
        answer_id=row["answer_id"],
        question_id=row["question_id"],
        channel_id=row["channel_id"],
        guild_id=row["guild_id"],
        author_id=row["author_id"],
        via=row["via"],
        kind=row["kind"],
        lang=row["lang"],
        digest=row["digest"],
        asked_at=datetime.fromisoformat(row["asked_at"]),
        item_id=row["item_id"],
        partnership_id=row["partnership_id"],
    )


async def record(conn: aiosqlite.Connection, link: AnswerLink) -> None:
    """Keep a link; a reply that was edited keeps its row with what it now says."""
    await conn.execute(
        """
        INSERT INTO answer_links (answer_id, question_id, channel_id, guild_id, author_id, via,
                                  kind, item_id, partnership_id, lang, digest, asked_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (answer_id) DO UPDATE SET
            kind = excluded.kind, item_id = excluded.item_id,
            partnership_id = excluded.partnership_id, lang = excluded.lang,
            digest = excluded.digest
        """,
        (
            link.answer_id,
            link.question_id,
            link.channel_id,
            link.guild_id,
            link.author_id,
            link.via,
            link.kind,
            link.item_id,
            link.partnership_id,
            link.lang,
            link.digest,
            _iso(link.asked_at),
        ),
    )


async def by_answer(conn: aiosqlite.Connection, answer_id: int) -> AnswerLink | None:
    rows = await conn.execute_fetchall(
        "SELECT * FROM answer_links WHERE answer_id = ?", (answer_id,)
    )
    return _row(rows[0]) if rows else None


async def by_question(conn: aiosqlite.Connection, question_id: int) -> list[AnswerLink]:
    rows = await conn.execute_fetchall(
        "SELECT * FROM answer_links WHERE question_id = ? ORDER BY answer_id", (question_id,)
    )
    return [_row(row) for row in rows]


async def delete(conn: aiosqlite.Connection, answer_ids: list[int]) -> None:
    await conn.executemany(
        "DELETE FROM answer_links WHERE answer_id = ?", [(answer_id,) for answer_id in answer_ids]
    )


async def prune(conn: aiosqlite.Connection, before: datetime) -> int:
    """Forget links to questions asked before ``before``; how many went."""
    cursor = await conn.execute("DELETE FROM answer_links WHERE asked_at < ?", (_iso(before),))
    return cursor.rowcount


async def forget_channel(conn: aiosqlite.Connection, channel_id: int) -> None:
    await conn.execute("DELETE FROM answer_links WHERE channel_id = ?", (channel_id,))


async def forget_guild(conn: aiosqlite.Connection, guild_id: int) -> None:
    await conn.execute("DELETE FROM answer_links WHERE guild_id = ?", (guild_id,))
