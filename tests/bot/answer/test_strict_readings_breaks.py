"""Trying to break 0dacc3b: a question asked both ways ("…, or the other way round?") is read its
first way, each way strictly; the second way is read only when no candidate states the first
end to end and one states the second (``structure.states``).

Tests named "guard" held when written. Strict xfails fail today and say what a member sees.
Figures were measured on 7920460. Nothing here reads the frozen test set.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.answer.engine import AnswerEngine, index_for
from bot.knowledge import Knowledge
from store import items as items_sql
from store.items import admin_deadline
from tests.questions import seeded_engine
from tests.support import TODAY, Clock, seen

TSMC = "fr-tw-ami-taiwan-investment"  # Taiwanese investment: Taiwan → France, Europe
SERVER, OTHER_SERVER = 77, 78
FRENCH_BOTH_WAYS = "La France investit-elle à Taïwan ou l'inverse ?"
ENGLISH_BOTH_WAYS = "Does France invest in Taiwan or the other way round?"

# Each asked both ways, and the same flow asked one way: the same reading, the same answer.
AS_ONE_WAY = [
    # One-ended: no party at the other end (the first way, or no flow at all, is read)
    ("Does Taiwan invest, or the other way round?", "Does Taiwan invest?"),
    ("Do Taiwanese firms invest, or the other way round?", "Do Taiwanese firms invest?"),
    # Several parties at one end of the item's declared flow (Taiwan → France, Europe)
    ("Does Europe invest in Taiwan or the other way round?", "Does Taiwan invest in Europe?"),
    # Three parties: neither way is stated end to end by one item
    (
        "Does Taiwan invest in France or in the US, or the other way round?",
        "Does Taiwan invest in France or in the US?",
    ),
    (
        "Does the US invest in Taiwan and in France, or the other way round?",
        "Does the US invest in Taiwan and in France?",
    ),
]
AS_ONE_WAY_REFIT = {  # asked both ways: what the naive Bayes refit (threshold 0.420) changed
    # "Does Europe invest in Taiwan or the other way round?" was refused at 0.40 while "Does
    # Taiwan invest in Europe?" got TSMC (0.56); both refused since the weighted naive Bayes
    # refit (0.37, 0.55; threshold 0.584), TSMC offered.
    "Does the US invest in Taiwan and in France, or the other way round?": (
        "both refused (threshold 0.584), as since the naive Bayes refit, but asked both ways "
        "(0.06) it offers US firms' USD 15 bn, asked one way (0.01) nothing; both offered US "
        "firms' USD 15 bn first before (0.17)"
    ),
}
ONE_WAY = [
    "Does Taiwan invest in France?",
    "Does France invest in Taiwan?",
    "Does the US invest in Taiwan?",
    "La Chine investit-elle aux États-Unis ?",
    "How much does Taiwan invest in the US?",
    "When does the AMI close?",
    "Is it the opposite?",
    "Does Taiwan invest in the US, not the other way round?",
]


def broken(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


async def _with_own_item(store) -> str:
    """Server 77's admin added a deadline whose text states France → Taiwan."""
    own = admin_deadline(
        "admin-77-french-firms",
        SERVER,
        "Dossier des entreprises françaises investissant à Taïwan",
        "French companies investing in Taiwan: file the application",
        TODAY + timedelta(days=20),
    )
    async with store.transaction() as conn:
        await items_sql.upsert_many(conn, [(own, index_for(own))])
    return own.id


@broken(
    "refused at 0.04 (threshold 0.584) with nothing offered: the server's own deadline states "
    "France → Taiwan end to end, so the first way is kept though that item scores 0.04, and TSMC "
    "(Taiwan → France; in a direct message refused too, 0.06, but offered) runs against it"
)
async def test_a_servers_weak_own_item_stating_the_first_way_does_not_hide_the_second(seeded):
    """In server 77, whose admin added "Dossier des entreprises françaises investissant à
    Taïwan", a member asking "La France investit-elle à Taïwan ou l'inverse ?" is told "I don't
    know" with no suggestion at all (0.01): neither the server's deadline nor Taiwanese
    investment in France. The same question in a direct message, or in server 78, gets TSMC in
    Europe (0.85). An item that states the first way but does not answer the question decides
    the reading alone; TSMC should be given, or at least offered."""
    await _with_own_item(seeded)
    engine = AnswerEngine(seeded, clock=lambda: TODAY)
    mine = await engine.ask(FRENCH_BOTH_WAYS, guild_id=SERVER)
    assert TSMC in [m.item_id for m in mine.matches], seen(mine)


async def test_guard_autocomplete_still_offers_the_second_way_beside_a_servers_item(seeded):
    """Guard: in server 77 (whose deadline states France → Taiwan), typing "La France
    investit-elle à Taïwan ou l'inverse ?" in /ask still offers Taiwanese investment in France
    among the choices, as in a direct message: autocomplete lists what rank finds whatever its
    score, so the reading kept hides nothing there."""
    await _with_own_item(seeded)
    knowledge = Knowledge(seeded, clock=Clock())
    elsewhere = await knowledge.suggest(FRENCH_BOTH_WAYS, kind=None, guild_id=None, lang="fr")
    mine = await knowledge.suggest(FRENCH_BOTH_WAYS, kind=None, guild_id=SERVER, lang="fr")
    tsmc = (await knowledge.engine.items([TSMC]))[TSMC].title("fr")
    assert tsmc in [c.name for c in elsewhere]
    assert tsmc in [c.name for c in mine], [c.name for c in mine]


@broken(
    "'La France investit-elle à Taïwan ou l'inverse ?' is refused at 0.06 (threshold 0.584), "
    "TSMC offered, in server 78 and in a direct message since the naive Bayes refit, as on a "
    "store without the server's item; TSMC at 0.88 before; in English still TSMC (0.68)"
)
async def test_guard_a_first_way_stated_by_another_servers_item_changes_nothing(seeded):
    """Guard: server 77's own deadline states France → Taiwan; asked both ways in English there,
    it is the answer (0.64). In server 78 and in a direct message, in French and in English, the
    question still gets TSMC in Europe as on a store without that deadline (0.85, 0.96), and
    rank with a kind reads the same way: another server's item decides no reading."""
    own = await _with_own_item(seeded)
    engine = AnswerEngine(seeded, clock=lambda: TODAY)
    mine = await engine.ask(ENGLISH_BOTH_WAYS, guild_id=SERVER)
    assert mine.answered and mine.item.id == own, seen(mine)
    for question in (FRENCH_BOTH_WAYS, ENGLISH_BOTH_WAYS):
        for guild in (OTHER_SERVER, None):
            theirs = await engine.ask(question, guild_id=guild)
            assert theirs.answered and theirs.item.id == TSMC, seen(theirs)
            assert own not in [m.item_id for m in theirs.matches], seen(theirs)
            ranked = await engine.rank(question, guild_id=guild, kind="figure", limit=20)
            assert own not in [s.item_id for s in ranked]
            assert all(s.score < engine.model.threshold for s in ranked), ranked


async def test_guard_one_way_questions_are_read_once(seeded, monkeypatch):
    """Guard: a question not asked both ways is compared with the examples once, in its own
    direction, whatever its candidates state, so its answer is the one it had before 0dacc3b;
    asked both ways, once when a candidate states the first way, twice when only the second is
    stated (the second reading)."""
    engine = AnswerEngine(seeded, clock=lambda: TODAY)
    real = AnswerEngine._closeness
    readings: list = []

    def counted(self, query, vocab, **options):
        readings.append(query.direction)
        return real(self, query, vocab, **options)

    monkeypatch.setattr(AnswerEngine, "_closeness", counted)
    for question in ONE_WAY:
        readings.clear()
        query, _ = await engine.candidates(question)
        assert not query.direction.either_way, question
        assert readings in ([], [query.direction]), question
    for question, count in [
        ("Does Taiwan invest in France or the other way round?", 1),
        (ENGLISH_BOTH_WAYS, 2),
    ]:
        readings.clear()
        query, _ = await engine.candidates(question)
        assert len(readings) == count and readings[-1] == query.direction, question
        assert not query.direction.either_way


@pytest.fixture(scope="module")
def as_one_way():
    async def ask_all():
        async with seeded_engine() as engine:
            return {q: (await engine.ask(q)).as_dict() for pair in AS_ONE_WAY for q in pair}

    return asyncio.run(ask_all())


@pytest.mark.parametrize(
    ("both", "one"),
    [
        pytest.param(both, one, marks=broken(AS_ONE_WAY_REFIT[both]))
        if both in AS_ONE_WAY_REFIT
        else (both, one)
        for both, one in AS_ONE_WAY
    ],
)
def test_guard_one_ended_many_party_and_three_party_flows_read_as_asked_one_way(
    as_one_way, both, one
):
    """Guard: "Does Taiwan invest, or the other way round?" (US firms' USD 15 bn, 0.75) and
    "Do Taiwanese firms invest, or the other way round?" (refused, 0.28), Europe with the item
    whose flow runs to France and Europe (TSMC in Europe, 0.59), and three parties (refused,
    0.08; "the US … in Taiwan and in France" 0.14, and 0.29 asked both ways): each gets what its
    one-way reading gets, the same item, answered or not alike, at about the same confidence
    when answered; none is answered by its second reading."""
    two, single = as_one_way[both], as_one_way[one]
    assert two["answered"] == single["answered"], (two, single)
    first = [m["id"] for m in two["matches"][:1]]
    assert first == [m["id"] for m in single["matches"][:1]], (two, single)
    close = 0.05 if single["answered"] else 0.2  # a refusal's confidence only orders suggestions
    assert two["confidence"] == pytest.approx(single["confidence"], abs=close), (two, single)
