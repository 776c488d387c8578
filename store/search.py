"""Full-text search over items with SQLite FTS5 (ranked by bm25)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import aiosqlite

from store.db import Reads
from store.items import VISIBLE


@dataclass(frozen=True)
class Candidate:
    item_id: str
    kind: str
    category: str | None  # for facts: people, agreement, discussion, context
    names: str
    keywords: str
    body: str
    questions: str
    partnership_id: str | None  # the partnership it belongs to (itself for a partnership)
    source_id: str | None  # the document it comes from (a server's own items: none)
    title_fr: str
    title_en: str
    bm25: float  # FTS5 rank: more negative is better


async def candidates(
    conn: Reads,
    match: str,
    *,
    limit: int,
    guild_id: int | None = None,
    kind: str | None = None,
    ranked: bool = True,
) -> list[Candidate]:
    """Items matching an FTS5 query, best first, limited to those the server may see.

    ``ranked=False`` takes the first matches unranked, for queries whose words are everywhere
    (ranking them all would cost more than it tells).
    """
    # The server's filter comes before the limit: other servers' items never crowd it out.
    # Index rows share their item's rowid.
    # The rank is bm25 with the column weights set by migration 0010; FTS5 orders by it faster
    # than by a bm25() call of the query's own.
    score = "search_index.rank" if ranked else "0.0"
    order = f"ORDER BY {score}" if ranked else ""
    sql = f"""
        SELECT items.id, items.kind, facts.category, search_index.names,
               search_index.keywords, search_index.body, search_index.questions,
               coalesce(items.partnership_id,
                        CASE WHEN items.kind = 'partnership' THEN items.id END),
               items.source_id, items.title_fr, items.title_en, {score}
        FROM search_index
        JOIN items ON items.rowid = search_index.rowid
        LEFT JOIN facts ON facts.item_id = items.id
        WHERE search_index MATCH :match AND {VISIBLE}
          AND (:kind IS NULL OR items.kind = :kind)
        {order} LIMIT :limit
    """  # noqa: S608 (constant fragments only)
    found = {"match": match, "limit": limit, "guild": guild_id, "kind": kind}
    rows = await conn.execute_fetchall(sql, found)
    return [Candidate(*row) for row in rows]


async def vocabulary(conn: aiosqlite.Connection) -> tuple[int, dict[str, int]]:
    """(number of indexed items, {term: number of items containing it})."""
    ((total,),) = await conn.execute_fetchall("SELECT count(*) FROM search_index")
    terms = {
        row[0]: row[1] for row in await conn.execute_fetchall("SELECT term, doc FROM search_vocab")
    }
    return total, terms


async def partnership_names(conn: aiosqlite.Connection) -> dict[str, tuple[str, str | None]]:
    """The shared partnerships' analysed names ("|"-separated) and source, by item id."""
    sql = """
        SELECT items.id, search_index.names, items.source_id
        FROM search_index JOIN items ON items.rowid = search_index.rowid
        WHERE items.kind = 'partnership' AND items.guild_id IS NULL
    """
    return {row[0]: (row[1], row[2]) for row in await conn.execute_fetchall(sql)}


# unicode61 (the index's tokenizer) splits on everything that is not a letter or a digit.
_TOKEN = re.compile(r"[^\W_]+")


async def own_vocabularies(conn: aiosqlite.Connection) -> dict[int, tuple[int, dict[str, int]]]:
    """Per server, its own items' (number, {term: number of them containing it}): what only that
    server may see, to take out of the shared statistics and add back for it alone.

    Servers add few items of their own (deadlines, facts), so they are counted here rather than
    with a scan of the whole index.
    """
    sql = """
        SELECT items.guild_id, search_index.names, search_index.keywords, search_index.body,
               search_index.questions
        FROM search_index JOIN items ON items.rowid = search_index.rowid
        WHERE items.guild_id IS NOT NULL
    """
    found: dict[int, tuple[int, dict[str, int]]] = {}
    for guild_id, *fields in await conn.execute_fetchall(sql):
        count, terms = found.get(guild_id, (0, {}))
        for term in {t.lower() for text in fields if text for t in _TOKEN.findall(text)}:
            terms[term] = terms.get(term, 0) + 1
        found[guild_id] = (count + 1, terms)
    return found
