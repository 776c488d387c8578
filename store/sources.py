"""Source documents: where each item of knowledge comes from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import aiosqlite


@dataclass(frozen=True)
class Source:
    id: str
    document: str
    publisher: str
    published: date
    language: str
    title_fr: str
    title_en: str
    url: str | None = None
    origin: str = "seed"

    def title(self, lang: str) -> str:
        return self.title_fr if lang == "fr" else self.title_en


def _source(row: aiosqlite.Row) -> Source:
    return Source(
        id=row["id"],
        document=row["document"],
        publisher=row["publisher"],
        published=date.fromisoformat(row["published"]),
        language=row["language"],
        title_fr=row["title_fr"],
        title_en=row["title_en"],
        url=row["url"],
        origin=row["origin"],
    )


async def upsert(conn: aiosqlite.Connection, source: Source) -> None:
    await conn.execute(
        """
        INSERT INTO sources (id, document, publisher, published, language, title_fr, title_en,
                             url, origin)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET
            document = excluded.document, publisher = excluded.publisher,
            published = excluded.published, language = excluded.language,
            title_fr = excluded.title_fr, title_en = excluded.title_en, url = excluded.url,
            origin = excluded.origin
        """,
        (
            source.id,
            source.document,
            source.publisher,
            source.published.isoformat(),
            source.language,
            source.title_fr,
            source.title_en,
            source.url,
            source.origin,
        ),
    )


async def get(conn: aiosqlite.Connection, source_id: str) -> Source | None:
    rows = await conn.execute_fetchall("SELECT * FROM sources WHERE id = ?", (source_id,))
    return _source(rows[0]) if rows else None


async def list_all(conn: aiosqlite.Connection) -> list[Source]:
    rows = await conn.execute_fetchall("SELECT * FROM sources ORDER BY published, id")
    return [_source(row) for row in rows]


async def delete_unused_seed_sources(conn: aiosqlite.Connection, keep: set[str]) -> None:
    """Remove seed sources that are no longer in the seed files and that nothing refers to."""
    rows = await conn.execute_fetchall(
        "SELECT id FROM sources WHERE origin = 'seed' "
        "AND id NOT IN (SELECT source_id FROM items WHERE source_id IS NOT NULL)"
    )
    unused = [row["id"] for row in rows if row["id"] not in keep]
    await conn.executemany("DELETE FROM sources WHERE id = ?", [(i,) for i in unused])
