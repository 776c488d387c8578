"""Ways the declared flows (00515da), the plurals of three-letter lexicon words (15978c4) and the
models refitted on them broke answers, found by trying on b6e7a6e: questions about a flow the
knowledge does not state were answered with the item stating the opposite flow (the direction
weighed too little: its rank weight was 0.64, a name's 4.3); flows asked the right way round were
refused; and "LEDs" asked who led the EPPD talks, "amis" (friends) the France–Taiwan call.

Mended since: the plurals of four-letter words are plain words again (b250c6e), and the models
learnt the reversed flows from a training batch of flows (train-bb). Still open, marked xfail:
some flows asked the right way round are refused. Docstrings give what a user saw on b6e7a6e,
with the confidence on 085b617 in brackets; "Guard:" tests held from the start.
"""

from __future__ import annotations

import pytest

from bot.answer.structure import declared
from bot.knowledge import ensure_seeds
from store import seed
from tests.support import SEEDS, seen, server_with_deadline

GUILD, ADMIN = 10, 30

# Items stating a flow from the United States into Taiwan, and from Taiwan into France and Europe.
US_INTO_TAIWAN = {
    "us-tw-us-firms-invest-15bn",
    "us-tw-us-investment-growing",
    "us-tw-us-investment-higher-than-reported",
}
TAIWAN_INTO_EUROPE = "fr-tw-ami-taiwan-investment"


# Flows the knowledge does not state ------------------------------------------------------------


async def test_european_investment_in_taiwan_is_not_taiwanese_investment_in_europe(engine):
    """The AMI's article speaks of Taiwanese investment coming to France and Europe, never of
    European investment in Taiwan; its seed declares the flow ``["Taïwan", "France, Europe"]``
    and the question's direction is read right (from Europe, to Taiwan: direction -1). Yet
    "European investment in Taiwan" is answered with "Expected benefit: Taiwanese investment and
    TSMC factories in Europe" at 83 % (83 % before), "investissements européens à Taïwan" at 74 %
    (80 %), "will European companies invest in Taiwan?" at 65 % (55 %); "French investment in
    Taiwan" is refused (5 %) only because out-of-scope examples say nearly that."""
    for question in [
        "European investment in Taiwan",
        "investissements européens à Taïwan",
        "will European companies invest in Taiwan?",
    ]:
        answer = await engine.ask(question)
        assert not (answer.answered and answer.item.id == TAIWAN_INTO_EUROPE), seen(answer)


@pytest.mark.xfail(
    strict=True,
    reason="'Les investissements taïwanais aux États-Unis sont-ils sous-estimés ?' is answered "
    "with actual US investment in Taiwan likely much higher "
    "(us-tw-us-investment-higher-than-reported) at 0.67 (threshold 0.584) since the weighted "
    "naive Bayes refit; refused at 0.31 before; the two English ones are still refused (0.37, "
    "0.01)",
)
async def test_taiwanese_investment_in_the_us_is_not_us_investment_in_taiwan(engine):
    """Kung Ming-hsin says US investment in Taiwan is growing and higher than the USD 15 billion
    quoted; nothing says so of Taiwanese investment in the US. "Is Taiwanese investment in the
    US higher than reported?" is answered "Actual US investment in Taiwan likely much higher" at
    82 % (85 % before); "Les investissements taïwanais aux États-Unis sont-ils sous-estimés ?"
    the same at 74 % (65 %); "Is Taiwanese investment in the US growing?" with "US investment in
    Taiwan is growing" at 60 % (60 %). The Taiwanese pledge of USD 250 billion may answer; an
    item of the other way round may not."""
    for question in [
        "Is Taiwanese investment in the US higher than reported?",
        "Les investissements taïwanais aux États-Unis sont-ils sous-estimés ?",
        "Is Taiwanese investment in the US growing?",
    ]:
        answer = await engine.ask(question)
        assert not (answer.answered and answer.item.id in US_INTO_TAIWAN), seen(answer)


async def test_guard_reversed_flows_with_no_item_are_refused(engine):
    """Guard: what the declared flows are for. Investment from France into Taiwan, and US goods
    taxed by Taiwan, are in no item: "how much does France invest in Taiwan?" (0 %), "combien la
    France investit-elle à Taïwan ?" (0 %), "US tariffs paid on American goods by Taiwan" (1 %)
    are refused. The opposite flow's item may be suggested, never given as the answer: since
    the ranking trees, "French investment in Taiwan" (refused, 5 %) suggests Taiwanese
    investment in France first, the nearest item there is."""
    for question in [
        "how much does France invest in Taiwan?",
        "combien la France investit-elle à Taïwan ?",
        "French investment in Taiwan",
        "US tariffs paid on American goods by Taiwan",
    ]:
        answer = await engine.ask(question)
        assert not answer.answered, seen(answer)


# Flows asked the right way round ---------------------------------------------------------------


@pytest.mark.xfail(
    strict=True,
    reason="'tariffs on Taiwanese goods exported to the US' is refused at 0.53 (threshold 0.584), "
    "the trade deal offered, since the weighted naive Bayes refit; the trade deal at 0.49 "
    "(threshold 0.420) before; the two others are still answered (0.70, 0.97)",
)
async def test_flows_asked_the_right_way_round_are_answered(engine):
    """Asked the way the items state the flow, and refused. "how much have American groups
    invested in Taiwan?" was answered with the USD 15 billion of Nvidia, AMD and Micron (45 %);
    it is now refused (36 %), that item first among the suggestions. "investissement des
    États-Unis vers Taïwan" is refused at 9 % (27 % before), the trade deal suggested first.
    "tariffs on Taiwanese goods exported to the US" is refused at 16 % (35 %), the trade deal
    first with direction +1, while its French twin "droits de douane sur les produits taïwanais
    exportés vers les États-Unis" is answered with the trade deal at 95 %. On 6af757f (the
    ranking trees, the pairs that say no direction): 39 %, answered at 97 %, and 18 %. After
    the training batches bg and bh: 47 %, 94 %, 13 %. All three answered since the naive Bayes
    refit: 42 % (threshold 0.420), 96 %, 49 %."""
    for question, right in [
        ("how much have American groups invested in Taiwan?", US_INTO_TAIWAN),
        ("investissement des États-Unis vers Taïwan", US_INTO_TAIWAN),
        ("tariffs on Taiwanese goods exported to the US", {"us-tw-trade-deal"}),
    ]:
        answer = await engine.ask(question)
        assert answer.answered and answer.item.id in right, seen(answer)


async def test_guard_both_ends_asked_the_right_way_round_in_both_languages(engine):
    """Guard: each declared flow answers its own way round, in French and in English, and the
    other flow between the same two parties does not win (the US and Taiwan invest in each other:
    only the direction tells the USD 250 billion from the USD 15 billion)."""
    for question, right in [
        ("how much does Taiwan invest in the US?", "us-tw-trade-deal-investment-250bn"),
        ("combien Taïwan investit aux États-Unis ?", "us-tw-trade-deal-investment-250bn"),
        ("how much does the US invest in Taiwan?", "us-tw-us-firms-invest-15bn"),
        (
            "combien les entreprises américaines investissent-elles à Taïwan ?",
            "us-tw-us-firms-invest-15bn",
        ),
        ("Taiwanese investment in France", TAIWAN_INTO_EUROPE),
        ("investissements taïwanais en France", TAIWAN_INTO_EUROPE),
        (
            "combien de crédit Taïwan garantit pour investir aux États-Unis ?",
            "us-tw-trade-deal-credit-250bn",
        ),
    ]:
        answer = await engine.ask(question)
        assert answer.answered and answer.item.id == right, seen(answer)


# A server's own items, and an index built again ------------------------------------------------


async def test_guard_a_servers_own_item_keeps_its_direction_when_the_seeds_load_again(seeded):
    """Guard: a seed item's flow lives in its seed file only (Item.flow is never stored); a
    server's own item has none and is read from its title. A seed load indexes the admin rows
    again from the database: they must keep the direction their title says, and still answer
    the way round it says rather than the seed figure."""
    knowledge, _, own = await server_with_deadline(
        seeded,
        GUILD,
        ADMIN,
        title_en="US investment in Taiwan forum registration",
        title_fr="Inscription au forum des investissements américains à Taïwan",
        link="",
    )
    async with seeded.transaction() as conn:
        await conn.execute("DELETE FROM seed_loads")  # as migration 0010 does
    assert await ensure_seeds(seeded, SEEDS) is not None
    rows = await seeded.reader.execute_fetchall(
        "SELECT s.keywords FROM items i JOIN search_index s ON s.rowid = i.rowid WHERE i.id = ?",
        (own.id,),
    )
    assert {"dirfromzusa", "dirtoztaiwan"} <= set(rows[0][0].split())
    question = "when does registration for the forum on US investment in Taiwan close?"
    answer = await knowledge.ask(question, lang=None, guild_id=GUILD)
    assert answer.answered and answer.item.id == own.id, seen(answer)


async def test_guard_seed_flows_survive_an_index_built_again(seeded):
    """Guard: when the analysis changes (NORMALISER_VERSION, the lexicon) every item is indexed
    again at start-up. The seed items must come back with the flows their seed files declare
    (they are read from the files, not from the database, which holds no flow)."""
    async with seeded.transaction() as conn:
        await conn.execute("UPDATE seed_loads SET fingerprint = fingerprint || '-older-analysis'")
    assert await ensure_seeds(seeded, SEEDS) is not None
    rows = await seeded.reader.execute_fetchall(
        "SELECT i.id, s.keywords FROM items i JOIN search_index s ON s.rowid = i.rowid "
        "WHERE i.origin = 'seed'"
    )
    marks = {
        item_id: {k for k in keywords.split() if k.startswith(("dirfrom", "dirto"))}
        for item_id, keywords in rows
    }
    flows = {item.id: item.flow for item in seed.read(SEEDS).items}
    assert marks == {
        item_id: set(declared(flow).marks()) if flow else set() for item_id, flow in flows.items()
    }
    assert marks["us-tw-us-firms-invest-15bn"] == {"dirfromzusa", "dirtoztaiwan"}


# Plurals of three-letter words of the lexicon --------------------------------------------------


async def test_leds_are_not_who_led_the_talks(engine):
    """ "LEDs" (light-emitting diodes) is now the plural of "led", a word of the lexicon's
    concept "lead" (to lead talks). "Who makes LEDs?" is answered "Who led the sixth round:
    Jacob Helberg and Kung Ming-hsin" at 71 % (refused at 0 % before); "Does Taiwan make LEDs?"
    the same at 64 % (refused, 12 %)."""
    for question in ["Who makes LEDs?", "Does Taiwan make LEDs?"]:
        answer = await engine.ask(question)
        assert not (answer.answered and answer.item.id == "us-tw-eppd-leaders"), seen(answer)


async def test_friends_are_not_the_france_taiwan_call(engine):
    """ "amis" (friends, one of the commonest French words) is now the plural of "ami", and so
    the concept of the AMI, the France–Taiwan call. "La France et Taïwan sont-ils amis ?" is
    answered with the call's overview (fr-tw-ami) at 76 % (refused, 3 %, before); "Taïwan
    a-t-il des amis en Europe ?" with the Taiwanese investment expected in Europe at 41 %
    (refused, 18 %). France as Taiwan's strategic ally, or the geopolitical context of allies,
    answers them; so would "I don't know"."""
    allies = {"fr-tw-ami-taiwan-gains", "fr-tw-ami-geopolitics"}
    for question in ["La France et Taïwan sont-ils amis ?", "Taïwan a-t-il des amis en Europe ?"]:
        answer = await engine.ask(question)
        assert not answer.answered or answer.item.id in allies, seen(answer)
