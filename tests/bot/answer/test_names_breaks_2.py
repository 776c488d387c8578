"""More ways the one-word partnership names ("AMI", "EPPD") of ddd5a4a break answers, found by
trying: the filter that keeps a question naming one partnership to that partnership's items (and
items linked to none) also throws away the third partnership, the US–Taiwan trade deal, which has
no one-word name; questions that name both partnerships but the AMI in lower case or by its full
name; plain words in capitals read as the AMI's name; the AMI at a sentence start or in a message
in capitals not read as its name; and what is left once the filter has thrown away the
competitors.

Every test here fails on ddd5a4a unless its docstring starts with "Guard:" (tried, and held);
each says what a user or an operator sees, with the confidence before the change (dfe2597) and
after it. The filter has since given way to a rule (bot/answer/model.py): partnerships of one
source share their names, and a candidate of another partnership comes last and is never sure.
Those marked xfail are still open, each with why.
"""

from __future__ import annotations

import pytest

from bot.conversation import followup
from bot.conversation.followup import Context
from bot.knowledge import Knowledge
from tests.support import Clock, deadline_form, seen, server_with_deadline

GUILD, ADMIN = 10, 30
TRADE_DEAL = {
    "us-tw-trade-deal",
    "us-tw-trade-deal-concluded",
    "us-tw-trade-deal-investment-250bn",
    "us-tw-trade-deal-credit-250bn",
}


# The trade deal is a partnership of its own, with no one-word name ----------------------------


@pytest.mark.xfail(
    strict=True,
    reason="'how much credit does Taipei guarantee under the EPPD?' is refused at 0.30 (threshold "
    "0.584), the credit guarantee offered, since the naive Bayes refit; the credit guarantee at "
    "0.92 before; the three others are still answered from the trade deal (0.96 to 1.00)",
)
async def test_a_question_naming_the_eppd_still_reaches_the_trade_deal(engine):
    """The article on the EPPD's sixth round reports the tariff deal and Taiwan's USD 250 billion
    pledge; their items are linked to a third partnership, "us-tw-trade-deal", which has no
    one-word name. A question naming the EPPD now only meets EPPD items and items linked to no
    partnership, so the trade deal's items are never candidates: "What did Taiwan pledge to
    invest in the US at the EPPD?" went from the USD 250 billion pledge (89 %) to "I don't know"
    (15 %, no suggestion of the pledge); "Combien Taïwan s'engage à investir aux États-Unis,
    d'après l'EPPD ?" from the pledge (73 %) to "I don't know" (15 %); "how much credit does
    Taipei guarantee under the EPPD?" from the credit guarantee (62 %) to "I don't know" (2 %,
    no suggestion at all); the dev question "newbie question. the EPPD article mentions some
    trade agreement …" from the deal (99 %) to "I don't know" (5 %). Eight dev questions whose
    answers are the trade deal's items and that name the EPPD go the same way."""
    for question in [
        "What did Taiwan pledge to invest in the US at the EPPD?",
        "Combien Taïwan s'engage à investir aux États-Unis, d'après l'EPPD ?",
        "how much credit does Taipei guarantee under the EPPD?",
        "newbie question. the EPPD article mentions some trade agreement that happened earlier "
        "that month. what did that deal between taiwan and the US actually change?",
    ]:
        answer = await engine.ask(question)
        assert answer.answered and answer.item.id in TRADE_DEAL, seen(answer)


async def test_the_tariff_deal_and_the_eppd_round_are_not_answered_with_the_declarations(engine):
    """Worse than a refusal: the dev question "the tariff deal wasn't signed during the eppd
    round itself, was it?" was answered (99.5 %) with when the tariff deal was concluded (earlier
    in January 2026); the deal's items are now filtered out, and the user is told, at 70 %, that
    declarations on economic-security cooperation were signed at the sixth EPPD round, which
    reads as "yes, it was signed there". "Was the trade deal concluded before the EPPD sixth
    round?" went from the deal's conclusion (86 %) to the sixth round's card (49 %), which says
    nothing of the deal."""
    for question in [
        "the tariff deal wasn't signed during the eppd round itself, was it?",
        "Was the trade deal concluded before the EPPD sixth round?",
    ]:
        answer = await engine.ask(question)
        assert answer.answered and answer.item.id in TRADE_DEAL, seen(answer)


async def test_a_servers_trade_deal_deadline_is_found_from_a_question_naming_the_eppd(seeded):
    """An operator's view: an admin adds "Written comments due" and links it to the trade deal
    (a partnership like the others in the link menu). "when are written comments due for the
    EPPD?" found it (95 %); now the deadline, linked to a partnership the EPPD is not, is thrown
    away before it is scored, and the user gets "I don't know" (40 %) with the EPPD's origins
    as a suggestion. Without "for the EPPD" it is still found (99 %)."""
    knowledge, _, added = await server_with_deadline(
        seeded,
        GUILD,
        ADMIN,
        title_en="Written comments due",
        title_fr="Envoi des commentaires écrits",
        link="us-tw-trade-deal",
    )
    answer = await knowledge.ask(
        "when are written comments due for the EPPD?", lang="en", guild_id=GUILD
    )
    assert answer.answered and answer.item.id == added.id, seen(answer)


# Belief checks that put a fact in the wrong partnership -----------------------------------------


@pytest.mark.xfail(
    strict=True,
    reason="never answered from another partnership's items: 1 dev question in 23,917 asks so",
)
async def test_a_belief_check_naming_the_wrong_partnership_gets_the_fact(engine):
    """The dev set answers a belief check that puts a fact in the wrong partnership with the
    fact ("est-ce que c'est l'EPPD qui soutient les projets franco-taïwanais ?" → France 2030,
    the AMI's): the user learns it is the other one. It was answered so (99 %); the AMI's items
    now come after the others and are never sure, and the user gets "I don't know" (0 %) with
    no suggestion. The same for "is it the EPPD that is backed by France 2030?" (70 % → 8 %,
    the EPPD and the credit guarantee offered), the same question in capitals (the same), and
    "Is the $250 billion pledge part of the AMI?" (the pledge at 77 % → "I don't know" at 1 %,
    nothing offered). Figures at threshold 0.584."""
    for question, expect in [
        ("est-ce que c'est l'EPPD qui soutient les projets franco-taïwanais ?", "france-2030"),
        ("is it the EPPD that is backed by France 2030?", "france-2030"),
        ("IS IT THE EPPD THAT IS BACKED BY FRANCE 2030?", "france-2030"),
        ("Is the $250 billion pledge part of the AMI?", "investment-250bn"),
    ]:
        answer = await engine.ask(question)
        assert answer.answered and answer.item.id.endswith(expect), seen(answer)


# Both partnerships named, the AMI not "written as a name" ----------------------------------------


@pytest.mark.xfail(
    strict=True,
    reason='only one-word names count; "ami" in lower case is a friend',
)
async def test_a_question_naming_both_finds_the_ami_when_its_name_is_not_capitalised(engine):
    """A question that names both partnerships, the AMI in lower case or by its full name, is
    read as naming the EPPD alone, and the AMI's items are thrown away: "c'est l'EPPD ou l'ami
    qui a une date limite ?" was answered with the AMI's deadline (78 %), now "I don't know"
    (2 %, nothing suggested); "l'EPPD ou l'appel à manifestation d'intérêt, lequel a une date
    limite pour candidater ?" (49 % → 0 %) and "Does the EPPD have an application deadline like
    the call for projects?" (54 % → 1 %) the same. "appel à manifestation d'intérêt" and "call
    for projects" are the AMI's own aliases, which no one writes capitalised; they count as the
    plain word "call"."""
    for question in [
        "c'est l'EPPD ou l'ami qui a une date limite ?",
        "l'EPPD ou l'appel à manifestation d'intérêt, lequel a une date limite pour candidater ?",
        "Does the EPPD have an application deadline like the call for projects?",
    ]:
        answer = await engine.ask(question)
        assert answer.answered and answer.item.id == "fr-tw-ami-deadline", seen(answer)


# Plain words written in capitals read as the AMI's name ------------------------------------------


@pytest.mark.xfail(
    strict=True,
    reason="refused since the weighted naive Bayes refit (threshold 0.584), the pledge offered: "
    "'URGENT, MY BOSS HAS A CALL TOMORROW: how much did Taiwanese companies pledge to invest in "
    "the US?' at 0.32, 'How Much Did Taiwanese Companies Pledge To Invest In The US? Asking For "
    "A Call Tomorrow' at 0.47; the pledge before (0.42, 0.65); the two others still get it "
    "(0.80, 0.96)",
)
async def test_a_call_in_capitals_or_title_case_does_not_name_the_ami(engine):
    """The words "Call" and "Ami" count as the AMI's name when capitalised inside a sentence
    or written in capitals, and the question is then kept to the AMI's items: "URGENT, MY BOSS
    HAS A CALL TOMORROW: how much did Taiwanese companies pledge to invest in the US?" was
    answered with the USD 250 billion pledge (97 %), now "I don't know" (3 %, nothing
    suggested); "Before my Zoom Call: …" (92 % → 4 %), "How Much Did Taiwanese Companies Pledge
    To Invest In The US? Asking For A Call Tomorrow" (86 % → 7 %), and "I asked Ami about it:
    how much did Taiwanese firms pledge to invest in the US?" (Ami a colleague's first name;
    83 % → 3 %)."""
    for question in [
        "URGENT, MY BOSS HAS A CALL TOMORROW: how much did Taiwanese companies pledge to invest "
        "in the US?",
        "Before my Zoom Call: how much did Taiwanese companies pledge to invest in the US?",
        "How Much Did Taiwanese Companies Pledge To Invest In The US? Asking For A Call Tomorrow",
        "I asked Ami about it: how much did Taiwanese firms pledge to invest in the US?",
    ]:
        answer = await engine.ask(question)
        assert answer.answered, seen(answer)
        assert answer.item.id == "us-tw-trade-deal-investment-250bn", seen(answer)


# The AMI named where its name is not read ------------------------------------------------------


SHOUTED = 'a message in capitals has no names: "MY AMI WANTS TO KNOW" is a friend'


@pytest.mark.parametrize(
    "question",
    [
        pytest.param(
            "Ami : qui a dirigé son sixième cycle ?",
            marks=pytest.mark.xfail(strict=True, reason='"Ami :" may greet a friend'),
        ),
        # Refused since the naive Bayes refit (0.34; 0.20 since the weighted one), the EPPD's
        # items offered; answered with its sixth round (0.80) before
        "WHEN WAS THE AMI'S SIXTH ROUND?",
        pytest.param(
            "WHO LED THE AMI'S SIXTH ROUND?",
            marks=pytest.mark.xfail(
                strict=True,
                reason="answered with the EPPD's leaders (us-tw-eppd-leaders) at 0.74 (threshold "
                "0.584) since the weighted naive Bayes refit; refused at 0.24 (threshold 0.420) "
                "before, the leaders at 0.91 before the naive Bayes refit",
            ),
        ),
        pytest.param(
            "QUI A DIRIGÉ LE SIXIÈME CYCLE DE L'AMI ?",
            marks=pytest.mark.xfail(strict=True, reason=SHOUTED),
        ),
    ],
)
async def test_the_ami_where_its_name_is_not_read_keeps_the_eppds_rounds_out(engine, question):
    """The AMI has no rounds. Named in a message in capitals, or as "Ami" at the start of a
    sentence, it is not read as a name, so nothing counts against the EPPD's items: "WHEN WAS
    THE AMI'S SIXTH ROUND?" was refused (28 %) and was answered, at 93 %, with the EPPD's sixth
    round; "Ami : qui a dirigé son sixième cycle ?" was refused (18 %) and was answered, at 96 %,
    with who led the EPPD's sixth round; "WHO LED THE AMI'S SIXTH ROUND?" (72 % → 97 %) and
    "QUI A DIRIGÉ LE SIXIÈME CYCLE DE L'AMI ?" (79 % → 95 %) with the EPPD's leaders. Written
    "the AMI's sixth round" in a sentence in mixed case, it is refused (test_names_breaks)."""
    answer = await engine.ask(question)
    if answer.answered:
        assert not answer.item.id.startswith("us-tw-eppd"), seen(answer)


# What the filter leaves behind --------------------------------------------------------------------


async def test_the_eppds_overview_is_not_the_answer_to_what_only_the_ami_has(engine):
    """With the AMI's items thrown away, what is left wins by a margin it never earned: "what is
    the EPPD consortium rule?" (the EPPD has none) is answered, at 51 %, with the EPPD's general
    description (before: the AMI's consortium rule, 98 %, which the commit's own test would
    hold wrong too, the question being about the EPPD: wrong before, differently). Refused
    since the training batches bc-bf (more near misses and out-of-scope messages); answered at
    54 % by one refit after bg and bh, refused (28 %) by the next, answered (55 %) again by the
    refit that counts how the words an item lacks lean; refused since training leaves each
    question's batch out of the examples (threshold 0.606)."""
    answer = await engine.ask("what is the EPPD consortium rule?")
    assert not answer.answered, seen(answer)


async def test_when_is_the_eppd_deadline_in_a_server_with_an_ami_deadline(seeded):
    """A server whose admin added a deadline of its own for the AMI ("Written comments due"):
    "when is the EPPD deadline?" was refused (22 %, the AMI's deadline suggested); now the AMI's
    deadlines are thrown away and the EPPD's description is given as the answer, at 60 %: the
    user reads "Its sixth round took place on Tuesday 27 January 2026" as the EPPD's deadline.
    On the seeds alone the same question is refused (37 %). Refused again since the training
    batches bc-bf."""
    knowledge, _, _ = await server_with_deadline(
        seeded,
        GUILD,
        ADMIN,
        title_en="Written comments due",
        title_fr="Envoi des commentaires écrits",
    )
    answer = await knowledge.ask("when is the EPPD deadline?", lang="en", guild_id=GUILD)
    if answer.answered:
        assert answer.item.kind == "deadline", seen(answer)


# The retrained models ----------------------------------------------------------------------


@pytest.mark.xfail(
    strict=True,
    reason="an article's own date is near the examples of the item on French AI expertise",
)
async def test_the_date_of_the_innovationsfr_article_is_not_mistral_ai(engine):
    """Not the names: the models retrained on batches ax and ay. "When was the Innovationsfr
    article about France and Taiwan published?" (out of scope in the dev set: no item holds an
    article's date) was refused (40 %); it is now answered with "French AI expertise, including
    Mistral AI" at 81 % (its closeness to that item's examples rose from 0.24 to 0.32 with the
    new "innovations disruptives" examples)."""
    answer = await engine.ask(
        "When was the Innovationsfr article about France and Taiwan published?"
    )
    assert not answer.answered, seen(answer)


# Guards: tried, and held ---------------------------------------------------------------------


async def test_typos_and_dotted_names_still_name_the_partnership(engine):
    """Guard: "EPDP" is corrected to the EPPD (a word no one writes otherwise) and named: "who
    leads the EPDP" gets the leaders (88 %; the overview at 68 % before), "when was the EPDP
    sixth round" the sixth round (98 %); "A.M.I. deadline?" the AMI's deadline (99 %)."""
    for question, expect in [
        ("who leads the EPDP", "us-tw-eppd-leaders"),
        ("when was the EPDP sixth round", "us-tw-eppd-sixth-round"),
        ("A.M.I. deadline?", "fr-tw-ami-deadline"),
    ]:
        answer = await engine.ask(question)
        assert answer.answered and answer.item.id == expect, seen(answer)


async def test_the_ami_in_lower_case_or_at_a_start_still_finds_its_own_items(engine):
    """Guard: the AMI not read as a name ("ami" in lower case, "Ami" first, all capitals, "the
    Call") still finds what only the AMI has: its deadline, its launch, its minister."""
    for question, expect in [
        ("c'est quand la date limite de l'ami ?", "fr-tw-ami-deadline"),
        ("quand a été lancé l'ami ?", "fr-tw-ami-announcement"),
        ("qui porte l'ami côté français ?", "fr-tw-ami-minister"),
        ("WHEN IS THE AMI DEADLINE?", "fr-tw-ami-deadline"),
        ("Ami: when is the deadline?", "fr-tw-ami-deadline"),
        ("when does the Call close?", "fr-tw-ami-deadline"),
        ("when does the call for expressions of interest close?", "fr-tw-ami-deadline"),
    ]:
        answer = await engine.ask(question)
        assert answer.answered and answer.item.id == expect, seen(answer)


async def test_a_state_department_call_is_not_the_ami(engine):
    """Guard: "call" as a verb in lower case names nothing: "what did the State Department call
    Taiwan?" gets the "vital and essential partner" card (100 %)."""
    answer = await engine.ask("what did the State Department call Taiwan?")
    assert answer.answered and answer.item.id == "us-tw-eppd-essential-partner", seen(answer)


async def test_a_reply_after_an_ami_answer_still_reaches_the_eppd_and_the_deal(seeded):
    """Guard: a reply to an answer about the AMI is asked with "AMI" added, which now keeps it
    to the AMI's items; when that finds nothing, the reply is asked alone, and "and Pax Silica?",
    "and the tariff deal, when was it concluded?", "how much did Taiwanese firms pledge to
    invest in the US?" still get the EPPD's and the deal's items (and the same after an answer
    about the EPPD)."""
    knowledge = Knowledge(seeded, clock=Clock())
    for context, question, expect in [
        ("fr-tw-ami", "and Pax Silica?", "us-tw-eppd-pax-silica"),
        ("fr-tw-ami", "and the tariff deal, when was it concluded?", "us-tw-trade-deal-concluded"),
        (
            "fr-tw-ami",
            "how much did Taiwanese firms pledge to invest in the US?",
            "us-tw-trade-deal-investment-250bn",
        ),
        (
            "us-tw-eppd",
            "how much did Taiwanese firms pledge to invest in the US?",
            "us-tw-trade-deal-investment-250bn",
        ),
        ("us-tw-eppd", "when was the trade deal concluded?", "us-tw-trade-deal-concluded"),
    ]:
        answer = await followup.ask(
            knowledge,
            question,
            context=Context(context, context, "en"),
            lang="en",
            guild_id=None,
        )
        assert answer.answered and answer.item.id == expect, (context, seen(answer))


async def test_a_servers_deadline_is_found_by_its_title_whatever_its_link(seeded):
    """Guard: a server's "Written comments due" is found by its title (99 %) whether it is
    linked to the AMI, the EPPD or the trade deal: the partnership's name among its keywords
    does not push it aside."""
    titles = {"title_en": "Written comments due", "title_fr": "Envoi des commentaires écrits"}
    knowledge, service, added = await server_with_deadline(seeded, GUILD, ADMIN, **titles)
    for link in ["fr-tw-ami", "us-tw-eppd", "us-tw-trade-deal"]:
        form = deadline_form("2026-12-24 18:00", link=link, **titles)
        await service.edit_deadline(GUILD, ADMIN, added.id, form)
        answer = await knowledge.ask("when are written comments due?", lang="en", guild_id=GUILD)
        assert answer.answered and answer.item.id == added.id, (link, seen(answer))
