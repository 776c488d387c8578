"""Full-text search sees only what a server may see, and filters before it limits."""

from __future__ import annotations

from datetime import timedelta

from bot.answer.engine import index_for
from store import items as items_sql
from store import search as search_sql
from store.items import Item, admin_deadline
from tests.support import TODAY

HERE, ELSEWHERE = 10, 11


def lookalike(n: int) -> Item:
    """Another server's deadline whose words are those of the France–Taiwan call's."""
    return admin_deadline(
        f"admin-{ELSEWHERE}-call{n}",
        ELSEWHERE,
        f"Date limite de l'appel AMI France Taïwan semi-conducteurs, clôture, lot {n}",
        f"France Taiwan AMI call for expressions of interest, semiconductors, closes, batch {n}",
        TODAY + timedelta(days=30 + n),
    )


async def test_another_servers_items_never_crowd_out_an_answer(engine, seeded):
    question = "when does the France Taiwan AMI call close?"
    before = await engine.ask(question, guild_id=HERE)
    assert before.answered
    async with seeded.transaction() as conn:
        made = [lookalike(n) for n in range(60)]
        await items_sql.upsert_many(conn, [(i, index_for(i)) for i in made])
    after = await engine.ask(question, guild_id=HERE)
    assert after.answered
    assert after.item.id == before.item.id
    assert not [a for a in after.alternatives if a.item_id.startswith("admin-")]


async def test_a_servers_own_words_are_counted_apart_from_the_shared_ones(seeded):
    """Each server's own items' terms, counted as the index counts them: together with the
    shared items' they make the whole index's statistics."""
    own = admin_deadline(
        f"admin-{HERE}-zorblax",
        HERE,
        "Inscription au sommet Zorblax",
        "Zorblax summit registration (2027 edition)",
        TODAY + timedelta(days=20),
    )
    async with seeded.transaction() as conn:
        await items_sql.upsert_many(conn, [(own, index_for(own))])
    _, everywhere = await search_sql.vocabulary(seeded.conn)
    servers = await search_sql.own_vocabularies(seeded.conn)
    assert set(servers) == {HERE}
    count, terms = servers[HERE]
    assert count == 1
    assert terms["zorblax"] == everywhere["zorblax"] == 1
    assert "2027" in terms
    assert all(everywhere.get(term, 0) >= df for term, df in terms.items())
