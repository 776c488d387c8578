"""Knowledge: the seeds are loaded when they, or the text normaliser, changed."""

from __future__ import annotations

from bot.answer.engine import index_for
from store import seed
from tests.support import SEEDS


async def test_a_new_normaliser_reindexes_every_item_admin_ones_too(store, monkeypatch):
    from bot import knowledge
    from bot.answer import normalize
    from store import items as items_sql
    from store.items import Item

    assert await knowledge.ensure_seeds(store, SEEDS) is not None
    assert await knowledge.ensure_seeds(store, SEEDS) is None  # nothing changed
    admin = Item(
        id="admin-7-a",
        kind="fact",
        title_fr="Bonjour",
        title_en="Hello",
        text_fr="Un fait.",
        text_en="A fact.",
        origin="admin",
        guild_id=7,
        category="context",
    )
    async with store.transaction() as conn:
        await items_sql.upsert(conn, admin, index_for(admin))
    # The normalising code changed: its version was bumped.
    monkeypatch.setattr(normalize, "NORMALISER_VERSION", normalize.NORMALISER_VERSION + 1)
    monkeypatch.setattr(knowledge, "index_for", lambda item: seed.IndexText("x", "y", "z"))
    assert await knowledge.ensure_seeds(store, SEEDS) is not None
    rows = await store.conn.execute_fetchall(
        "SELECT names FROM search_index WHERE item_id = 'admin-7-a'"
    )
    assert [r[0] for r in rows] == ["x"]
    assert await items_sql.get(store.conn, "admin-7-a") == admin
