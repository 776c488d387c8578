"""Ways the one-word partnership names ("AMI", "EPPD") break answers, found by trying: words that
only look like a name, questions about one partnership whose nearest examples name its parties,
questions that pair one partnership with what only the other has, and a server's own deadline
linked to a partnership.

Every test here fails on f8a1a37 unless its docstring says it guards something tried and held;
each says what a user or an operator sees.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from bot.answer.engine import index_for
from bot.answer.features import RANK_FEATURES
from bot.knowledge import Knowledge, ensure_seeds
from store import items as items_sql
from store import seed
from store.items import admin_deadline
from tests.support import SEEDS, TODAY, Clock, deadline_form, server_with_deadline

GUILD, ADMIN = 10, 30
AGAINST = [RANK_FEATURES.index("contradicts"), RANK_FEATURES.index("elsewhere")]


async def contradiction(engine, question: str, item_id: str, guild_id: int | None = None) -> float:
    """What counts against one candidate of a question: what it contradicts, and another
    partnership the question names."""
    _, rows = await engine.candidates(question, guild_id=guild_id)
    (row,) = [row for cand, row in rows if cand.item_id == item_id]
    return sum(row[n] for n in AGAINST)


# Words that are not the AMI ------------------------------------------------------------------


@pytest.mark.xfail(
    strict=True,
    reason="'ami, quels droits de douane dans l'accord commercial ?' is refused at 0.56 (threshold "
    "0.584), the trade deal and its conclusion offered, since the naive Bayes refit; the trade "
    "deal at 0.72 before",
)
async def test_the_french_word_for_friend_does_not_name_the_ami(engine):
    """The AMI's one-word name is the lexicon's concept "call", which "ami" shares with "mon
    ami" (my friend). "ami, quels droits de douane dans l'accord commercial ?" was answered at
    91 % with the trade deal; now every item but the AMI's counts it as a contradiction and the
    user is told "I don't know" (4 %). "mon ami taïwanais me demande quand a eu lieu le
    sixième cycle de l'EPPD" went from the sixth round to "I don't know" (3 %); the sixth round
    comes first again, nothing counted against it (how sure the engine is of a question with a
    long lead-in is another matter)."""
    question = "ami, quels droits de douane dans l'accord commercial ?"
    answer = await engine.ask(question)
    assert answer.answered, answer.confidence
    assert answer.item.id == "us-tw-trade-deal", answer.item.id
    assert await contradiction(engine, question, answer.item.id) == 0
    question = "mon ami taïwanais me demande quand a eu lieu le sixième cycle de l'EPPD"
    answer = await engine.ask(question)
    assert answer.matches[0].item_id == "us-tw-eppd-sixth-round", answer.matches
    assert await contradiction(engine, question, "us-tw-eppd-sixth-round") == 0


async def test_a_phone_call_does_not_name_the_ami(engine):
    """ "call" and "appel" are the AMI's one-word name too: "I got a call asking when the trade
    deal was signed" was answered (74 %) with when the deal was concluded, and is now "I don't
    know" (9 %): the trade deal's items count the phone call as naming the France–Taiwan call."""
    question = "I got a call asking when the trade deal was signed"
    answer = await engine.ask(question)
    assert answer.answered, answer.confidence
    assert answer.item.id in {"us-tw-trade-deal-concluded", "us-tw-trade-deal"}, answer.item.id
    assert await contradiction(engine, question, answer.item.id) == 0


# A partnership named in one word, its parties in the examples -------------------------------


async def test_who_leads_the_eppd_is_answered_with_its_leaders(engine):
    """The mirror of the commit's own "who leads the AMI": "who leads the EPPD" and "qui dirige
    l'EPPD ?" were answered (93 %, 89 %) with the card on who led the talks (Jacob Helberg,
    Under Secretary for Economic Affairs, and Kung Ming-hsin, Taiwan's economy minister); they
    now get the EPPD's general description. The leaders' examples ("who led the US–Taiwan
    talks?") name the US and Taiwan, and parties and partnership names are now one list: an
    example naming a party the question does not, and lacking the EPPD it names, is "about
    something else" and no longer close."""
    for question in ["who leads the EPPD", "qui dirige l'EPPD ?"]:
        answer = await engine.ask(question)
        assert answer.answered, question
        assert answer.item.id == "us-tw-eppd-leaders", (question, answer.item.id)


# One partnership named, what only the other has asked for -----------------------------------


async def test_a_question_naming_the_eppd_is_not_answered_with_the_amis_items(engine):
    """The commit's promise, the other way round: the EPPD has no deadline, no priority themes
    and no application, the AMI no sixth round; yet "when is the EPPD application deadline?" is
    answered (72 %) with "France–Taiwan AMI deadline: 15 May 2025", "what are the EPPD's
    priority themes?" (94 %) with the AMI's themes, "comment candidater à l'EPPD ?" (90 %) with
    how to apply to the AMI, and "who led the AMI's sixth round?" (72 %) with the EPPD's
    leaders. The name counts as a contradiction, but the answer is still given as sure."""
    for question, other in [
        ("when is the EPPD application deadline?", "fr-tw-ami"),
        ("what are the EPPD's priority themes?", "fr-tw-ami"),
        ("comment candidater à l'EPPD ?", "fr-tw-ami"),
        ("who led the AMI's sixth round?", "us-tw-eppd"),
    ]:
        answer = await engine.ask(question)
        if answer.answered:
            assert other not in (answer.item.id, answer.item.partnership_id), (
                question,
                answer.item.id,
                round(answer.confidence, 2),
            )


# A server's own deadline of a partnership ----------------------------------------------------


@pytest.mark.xfail(
    strict=True,
    reason="'when is the EPPD deadline?' is refused at 0.32 (threshold 0.584), the server's "
    "deadline offered first, since the weighted naive Bayes refit; the server's deadline at 0.89 "
    "before; 'EPPD deadline' and 'date limite EPPD' still get it (0.90)",
)
async def test_a_servers_eppd_deadline_answers_when_is_the_eppd_deadline(seeded):
    """A server's admin adds "Written comments due", linked to the EPPD: the only EPPD deadline
    there is. "when is the EPPD deadline?" and "date limite EPPD" get "I don't know" with the
    AMI's deadline as the first suggestion (before this change: the AMI's deadline, at 91 %).
    The deadline is said to hold its partnership's one-word name "as if it said it", but only
    for contradictions: "EPPD" still counts as a word the item lacks, and the AMI's deadline,
    which contradicts the question, still ranks first."""
    knowledge, _, added = await server_with_deadline(
        seeded,
        GUILD,
        ADMIN,
        title_en="Written comments due",
        title_fr="Envoi des commentaires écrits",
        link="us-tw-eppd",
    )
    for question, lang in [
        ("when is the EPPD deadline?", "en"),
        ("EPPD deadline", "en"),
        ("date limite EPPD", "fr"),
    ]:
        answer = await knowledge.ask(question, lang=lang, guild_id=GUILD)
        assert answer.answered, (question, [m.item_id for m in answer.matches])
        assert answer.item.id == added.id, (question, answer.item.id)


# Guards: tried, and held ---------------------------------------------------------------------


async def test_editing_a_deadlines_link_moves_what_names_it(seeded):
    """Guard: the profiles are kept per item, with the partnership's names in them; an admin who
    moves a deadline from the AMI to the EPPD, then to a web link, sees the questions naming
    each partnership follow at once (no stale profile): a question naming the other
    partnership counts its name against it; linked to a web page, it is of no partnership,
    and nothing counts against it."""
    titles = {
        "title_en": "Tainan demo day registration",
        "title_fr": "Inscription à la journée de démonstration de Tainan",
    }
    knowledge, service, item = await server_with_deadline(seeded, GUILD, ADMIN, **titles)
    ami = "when is the AMI demo day registration deadline?"
    eppd = "when is the EPPD demo day registration deadline?"
    engine = knowledge.engine

    async def about(question: str) -> bool:
        _, rows = await engine.candidates(question, guild_id=GUILD)
        return any(c.item_id == item.id and not any(row[n] for n in AGAINST) for c, row in rows)

    assert await about(ami) and not await about(eppd)
    form = deadline_form("2026-12-24 18:00", link="us-tw-eppd", **titles)
    await service.edit_deadline(GUILD, ADMIN, item.id, form)
    assert await about(eppd) and not await about(ami)
    form = deadline_form("2026-12-24 18:00", link="https://example.org/demo", **titles)
    await service.edit_deadline(GUILD, ADMIN, item.id, form)
    assert await about(ami) and await about(eppd)  # of no partnership: it may be of any


async def test_a_database_indexed_before_the_deadline_concept_is_indexed_again(store):
    """Guard (held on f8a1a37): a database whose seeds and admin deadline were indexed by the
    previous normaliser (no "deadline" concept on a server's own deadline) is indexed again at
    start-up, the admin's row included: "zorblax deadline" finds the server's own deadline."""

    def previous(item):
        index = index_for(item)
        kept = [w for w in index.keywords.split() if w != "zdeadline"]
        return dataclasses.replace(index, keywords=" ".join(kept))

    await seed.load(store, SEEDS, previous, version="the previous normaliser")
    own = admin_deadline(
        "admin-10-zorblax",
        GUILD,
        "Inscription au sommet Zorblax",
        "Zorblax summit registration",
        TODAY + timedelta(days=20),
    )
    async with store.transaction() as conn:
        await items_sql.upsert_many(conn, [(own, previous(own))])
    assert await ensure_seeds(store, SEEDS) is not None
    ((keywords,),) = await store.reader.execute_fetchall(
        "SELECT keywords FROM search_index WHERE item_id = ?", (own.id,)
    )
    assert "zdeadline" in keywords.split()
    answer = await Knowledge(store, clock=Clock()).ask(
        "zorblax deadline", lang="en", guild_id=GUILD
    )
    assert answer.answered and answer.item.id == own.id
