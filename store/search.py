"""Full-text search over items with SQLite FTS5 (ranked by bm25)."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite


@dataclass(frozen=True)
class Candidate:
    item_id: str
    kind: str
    category: str | None  # for facts: people, agreement, discussion, context
    names: str
    keywords: str
    body: str
    bm25: float  # FTS5 rank: more negative is better


async def candidates(
    conn: aiosqlite.Connection,
    match: str,
    *,
    limit: int,
    guild_id: int | None = None,
    ranked: bool = True,
) -> list[Candidate]:
    """Items matching an FTS5 query, best first, limited to those the server may see.

    The ranking runs on the index alone, then the visible items are kept. ``ranked=False`` takes
    the first matches unranked, for queries whose words are everywhere (ranking them all would
    cost more than it tells).
    """
    if not ranked:
        sql = """
            SELECT hits.item_id, items.kind, facts.category, hits.names, hits.keywords,
                   hits.body, 0.0
            FROM (SELECT item_id, names, keywords, body FROM search_index
                  WHERE search_index MATCH ? LIMIT ?) AS hits
            JOIN items ON items.id = hits.item_id
            LEFT JOIN facts ON facts.item_id = hits.item_id
            WHERE items.guild_id IS NULL OR items.guild_id = ?
        """
        rows = await conn.execute_fetchall(sql, (match, limit, guild_id))
        return [Candidate(*row) for row in rows]
    sql = """
        SELECT hits.item_id, items.kind, facts.category, hits.names, hits.keywords, hits.body,
               hits.rank
        FROM (SELECT item_id, names, keywords, body, rank FROM search_index
              WHERE search_index MATCH ? ORDER BY rank LIMIT ?) AS hits
        JOIN items ON items.id = hits.item_id
        LEFT JOIN facts ON facts.item_id = hits.item_id
        WHERE items.guild_id IS NULL OR items.guild_id = ?
        ORDER BY hits.rank
    """
    rows = await conn.execute_fetchall(sql, (match, limit, guild_id))
    return [Candidate(*row) for row in rows]


async def vocabulary(conn: aiosqlite.Connection) -> tuple[int, dict[str, int]]:
    """(number of indexed items, {term: number of items containing it})."""
    async with conn.execute("SELECT count(*) FROM search_index") as cur:
        (total,) = await cur.fetchone()
    async with conn.execute("SELECT term, doc FROM search_vocab") as cur:
        terms = {row[0]: row[1] for row in await cur.fetchall()}
    return total, terms
