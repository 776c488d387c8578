"""Ways the lexicon's plurals of war (b250c6e) and the models refitted on batches ba and bb
(6d605a9) broke answers, found by trying on 6d605a9: questions about wars that are no subject of
the knowledge were answered with an item that mentions a conflict or the world (mended: the
lexicon no longer lists "wars"), and questions answered on b6e7a6e are now refused (open,
xfail). Docstrings give what a user saw on 6d605a9, with the confidence on b6e7a6e in brackets;
"Guard:" tests held from the start.
"""

from __future__ import annotations

import pytest

from tests.support import seen

TRADE_DEAL = "us-tw-trade-deal"
STRAIT = "us-tw-eppd-taiwan-strait"
LEO = "us-tw-leo-backup-communications"


async def test_wars_the_knowledge_does_not_speak_of_are_refused(engine):
    """No item speaks of the world wars, the cold war or a film. "world wars" is answered
    "Taiwan's share of world semiconductor production: more than 60 %" at 44 % (refused, 28 %);
    "cold wars and semiconductors" "Low-orbit satellites as a backup if cables are cut" at 66 %
    (refused, 39 %); "Star Wars" the satellites at 80 % (70 %). "wars" is now the lexicon's war,
    which the satellites item holds as a keyword, and the refit trusts such a match more."""
    for question in ["world wars", "cold wars and semiconductors", "Star Wars"]:
        answer = await engine.ask(question)
        assert not answer.answered, seen(answer)


@pytest.mark.xfail(
    strict=True,
    reason="'what are the tariffs on Taiwanese chips?' is refused at 12 % (threshold 0.584), the "
    "trade deal and its conclusion offered, and so is 'which governments signed the EPPD?' (30 %; "
    "65 % and answered at threshold 0.568), the EPPD first, the declarations offered (44 %); "
    "'quels sont les droits de douane sur taiwan' is answered (85 %)",
)
async def test_questions_answered_before_the_refit_are_still_answered(engine):
    """Answered on b6e7a6e, refused on 6d605a9: "what are the tariffs on Taiwanese chips?"
    (trade deal 46 %, now 23 %), "quels sont les droits de douane sur taiwan" (51 %, now 39 %),
    though "droits de douane taiwan" gets the deal at 97 %; "which governments signed the EPPD?"
    (the declarations Washington and Taipei signed, 52 %, now 40 %). The item is still first
    among the suggestions: only the refusal moved. On 6af757f: 10 %, answered (93 %), answered
    (48 %); after the training batches bg and bh: 11 %, 93 %, 41 %."""
    expected = {
        "what are the tariffs on Taiwanese chips?": TRADE_DEAL,
        "quels sont les droits de douane sur taiwan": TRADE_DEAL,
        "which governments signed the EPPD?": "us-tw-eppd-economic-security-declaration",
    }
    for question, item in expected.items():
        answer = await engine.ask(question)
        assert answer.answered and answer.item.id == item, seen(answer)


async def test_guard_conflicts_and_wars_the_knowledge_speaks_of(engine):
    """Guard: the plurals now in the lexicon still find the items about a conflict: the Taiwan
    Strait (72-82 %) and the satellites kept for a war (99 %), in both languages."""
    expected = {
        "risk of conflicts in the Taiwan Strait": STRAIT,
        "conflits dans le détroit de Taïwan": STRAIT,
        "satellites in case of wars": LEO,
        "satellites de secours en cas de guerres": LEO,
        "trade conflicts and tariffs on Taiwan": TRADE_DEAL,
    }
    for question, item in expected.items():
        answer = await engine.ask(question)
        assert answer.answered and answer.item.id == item, seen(answer)


async def test_the_strait_s_conflict_risk_in_four_words_is_answered(engine):
    """Answered at 72-82 % until the refits of bg and bh, refused (48 %) after them; answered
    again (74 %) since the words an item lacks count by how often they come in questions
    nothing answers."""
    answer = await engine.ask("Taiwan Strait conflict risk")
    assert answer.answered and answer.item.id == STRAIT, seen(answer)


async def test_guard_trade_wars_are_not_the_trade_deal(engine):
    """Guard: "the trade wars" and "les guerres commerciales" name no item (the deal of January
    2026 ends no war): both refused, 7-10 %."""
    for question in ["the trade wars", "les guerres commerciales"]:
        answer = await engine.ask(question)
        assert not answer.answered, seen(answer)
