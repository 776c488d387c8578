"""Ways the "elsewhere" rule of 3eb982f breaks answers, found by trying: a question naming the
EPPD now pushes aside the facts of the EPPD's own article that are linked to no partnership; a
question naming both partnerships, or the AMI and a word one letter from "EPPD", has every
candidate "elsewhere" and is refused with nothing suggested; "AMI" in a message written in
capitals (a friend) names the AMI; a server's own deadline linked to nothing is "elsewhere" for
a question naming the AMI; and the same rule reaches follow-ups and the commands that look an
item up (/figure show, /deadline show).

Every test here fails on 3eb982f unless its docstring starts with "Guard:" (tried, and held);
each says what a user or an operator sees, with the confidence before the change (dfe2597, the
commit before ddd5a4a) and after it.
"""

from __future__ import annotations

import json

import pytest

from bot.conversation import followup
from bot.conversation.followup import Context
from bot.errors import NotFound
from bot.knowledge import Knowledge
from tests.support import Clock, seen, server_with_deadline


async def _reply(seeded, question: str, *, after: tuple[str, str]):
    """The answer to an English reply to the bot's answer ``after`` (item, partnership)."""
    knowledge = Knowledge(seeded, clock=Clock())
    context = Context(*after, "en")
    return await followup.ask(knowledge, question, context=context, lang="en", guild_id=None)


GUILD, ADMIN = 10, 30


# The EPPD's article holds facts linked to no partnership ---------------------------------------


@pytest.mark.xfail(
    strict=True,
    reason="'How long is the EPPD cooperation horizon?' is refused at 0.12 (threshold 0.584), the "
    "5–10 year horizon offered, since the weighted naive Bayes refit; the horizon at 0.45 before; "
    "the four others are still answered (0.98 to 1.00)",
)
async def test_the_eppd_articles_own_facts_answer_questions_naming_the_eppd(engine):
    """The article on the EPPD's sixth round reports facts linked to no partnership (the US as
    Taiwan's main backer, Taiwan as a maker of AI chips, the 5–10 year horizon, the cable-damage
    accusations, China's objections…). Only partnerships of one source share their names, so
    these items do not hold "EPPD", and a question naming the EPPD makes each of them
    "elsewhere": ranked last, never sure, its dev examples not counted. The dev question "Who
    does the EPPD story describe as Taiwan's primary international backer and arms supplier?"
    went from the main-backer card (100 %) to "I don't know" (2 %, nothing suggested); its
    French dev twin "Qui est le premier soutien international de Taïwan d'après le papier sur
    l'EPPD ?" from the main backer (100 %) to a WRONG answer, the EPPD's overview (58 %); the dev
    question "what kind of chips is Taiwan a leading maker of, per the EPPD article?" from the
    AI-chip card (97 %) to "I don't know" (36 %); "How long is the EPPD cooperation horizon?"
    (87 %) and "What does the EPPD article say about undersea cable damage accusations?" (69 %)
    to "I don't know" (3 %, 9 %). Five of the seven dev questions that name the EPPD and expect
    one of these items are among them."""
    for question, expect in [
        (
            "Who does the EPPD story describe as Taiwan's primary international backer and "
            "arms supplier?",
            "us-tw-us-main-backer",
        ),
        (
            "Qui est le premier soutien international de Taïwan d'après le papier sur l'EPPD ?",
            "us-tw-us-main-backer",
        ),
        (
            "what kind of chips is Taiwan a leading maker of, per the EPPD article?",
            "us-tw-taiwan-ai-chip-producer",
        ),
        ("How long is the EPPD cooperation horizon?", "us-tw-cooperation-horizon-5-10-years"),
        (
            "What does the EPPD article say about undersea cable damage accusations?",
            "us-tw-cable-damage-accusations",
        ),
    ]:
        answer = await engine.ask(question)
        assert answer.answered and answer.item.id == expect, seen(answer)


async def test_the_eppds_overview_is_not_given_for_what_its_article_says_elsewhere(engine):
    """Worse than a refusal: with the article's own facts pushed last, the EPPD's overview wins
    by default. "What is the main backer of Taiwan according to the EPPD article?" was answered
    with the main-backer card (66 %); it is now answered, at 60 %, with the EPPD's general
    description. "Is Taiwan the top AI chip producer, according to the EPPD?" was refused (48 %,
    the AI-chip card first); it is now answered with the EPPD's overview at 61 %."""
    for question in [
        "What is the main backer of Taiwan according to the EPPD article?",
        "Is Taiwan the top AI chip producer, according to the EPPD?",
    ]:
        answer = await engine.ask(question)
        if answer.answered:
            assert answer.item.id != "us-tw-eppd", seen(answer)


async def test_a_reply_after_an_eppd_answer_reaches_the_articles_own_facts(seeded):
    """A follow-up after an answer about the EPPD is asked with "EPPD" added; the article's
    facts linked to no partnership are then "elsewhere", and the framed question is answered
    with whatever EPPD item is left: after the sixth round's card, the reply "what kind of chips
    is Taiwan a leading maker of?" was answered with the AI-chip card (95 %); it is now answered
    with the EPPD's overview (51 %), though the same question asked alone gets the AI-chip card
    at 99 % (the framed answer, being "answered", wins)."""
    answer = await _reply(
        seeded,
        "what kind of chips is Taiwan a leading maker of?",
        after=("us-tw-eppd-sixth-round", "us-tw-eppd"),
    )
    assert answer.answered and answer.item.id == "us-tw-taiwan-ai-chip-producer", seen(answer)


async def test_a_command_naming_the_eppd_finds_a_figure_of_its_article(seeded):
    """/figure show (and any command that looks an item up by kind) goes through
    ``engine.rank(text, kind=...)``; a figure of the EPPD's article linked to no partnership is
    "elsewhere" for a text naming the EPPD, scored 0, and never found: "/figure show EPPD 15
    billion" found the USD 15 billion US firms invested (71 %); now nothing is found (the
    autocomplete puts the two USD 250 billion figures of the trade deal first, the 15 billion
    third, at 0 %) and the user gets "not found". "EPPD cooperation horizon" the same (79 % →
    0 %)."""
    knowledge = Knowledge(seeded, clock=Clock())
    for text, expect in [
        ("EPPD 15 billion", "us-tw-us-firms-invest-15bn"),
        ("EPPD cooperation horizon", "us-tw-cooperation-horizon-5-10-years"),
    ]:
        found = await knowledge.find(text, kind="figure", guild_id=None)
        ranked = await knowledge.engine.rank(text, kind="figure", limit=3)
        assert found is not None and found.id == expect, (
            text,
            [(s.item_id, round(s.score, 2)) for s in ranked],
        )


# Both partnerships named: every candidate is "elsewhere" ------------------------------------------


@pytest.mark.xfail(
    strict=True,
    reason="'Forget the AMI: how much did Taiwan pledge to invest in the US under the EPPD?' is "
    "refused at 0.53 (threshold 0.584), the pledge offered, since the naive Bayes refit; the "
    "pledge at 0.97 before; the two others are still answered (0.79, 0.83)",
)
async def test_a_question_naming_both_partnerships_is_still_answered(engine):
    """An item holds one partnership's name, never both; a question naming the AMI and the EPPD
    (both written as acronyms) makes every candidate "elsewhere", and every one gets probability
    0: "I don't know", with nothing suggested, whatever is asked. "When is the AMI deadline? I
    already know everything about the EPPD." was answered with the AMI's deadline (83 %), now
    0 %; "Forget the AMI: how much did Taiwan pledge to invest in the US under the EPPD?" with
    the USD 250 billion pledge (90 % → 0 %); "Who launched the AMI? (not the EPPD)" with the
    AMI's announcement (84 % → 0 %)."""
    for question, expect in [
        (
            "When is the AMI deadline? I already know everything about the EPPD.",
            {"fr-tw-ami-deadline"},
        ),
        (
            "Forget the AMI: how much did Taiwan pledge to invest in the US under the EPPD?",
            {"us-tw-trade-deal-investment-250bn"},
        ),
        ("Who launched the AMI? (not the EPPD)", {"fr-tw-ami-announcement", "fr-tw-ami-minister"}),
    ]:
        answer = await engine.ask(question)
        assert answer.answered and answer.item.id in expect, seen(answer)


@pytest.mark.xfail(
    strict=True,
    reason="refused at 0.50 (threshold 0.584), the EPPD's overview offered first and its origins "
    "at 0.64, since the naive Bayes refit; the EPPD's overview at 0.86 before",
)
async def test_the_dev_question_naming_both_partnerships_is_answered(engine):
    """The dev question "is the EPPD a france-taiwan format or a us-taiwan one? i keep confusing
    it with the AMI" names both partnerships: the EPPD's overview answers it (0.80; it stood at
    0.54, under the threshold, with the models of 15d6bfd alone)."""
    answer = await engine.ask(
        "is the EPPD a france-taiwan format or a us-taiwan one? i keep confusing it with the AMI"
    )
    assert answer.answered and answer.item.id in {"us-tw-eppd", "us-tw-eppd-origins"}, seen(answer)


async def test_a_word_one_letter_from_eppd_does_not_refuse_an_ami_question(engine):
    """The typo corrector turns words one letter from "EPPD" into it ("EPPS", "EPPO", the
    European Public Prosecutor's Office, "EPID", "TPPD"), and "eppd" is no plain word, so it
    names the EPPD however written: an AMI question that mentions one has every candidate
    "elsewhere". "When is the AMI deadline? asking for the EPPS team" was answered with the
    AMI's deadline (82 %), now "I don't know" (0 %, nothing suggested); "I work at the EPPO:
    when is the AMI deadline?" was refused with the deadline suggested (32 %), now refused with
    nothing suggested (0 %)."""
    answer = await engine.ask("When is the AMI deadline? asking for the EPPS team")
    assert answer.answered and answer.item.id == "fr-tw-ami-deadline", seen(answer)
    answer = await engine.ask("I work at the EPPO: when is the AMI deadline?")
    assert answer.matches and answer.matches[0].item_id == "fr-tw-ami-deadline", seen(answer)


# "AMI" in a message written in capitals -----------------------------------------------------------


async def test_a_friend_in_a_message_in_capitals_does_not_name_the_ami(engine):
    """A name that is also a plain word counts only when written as its acronym is, "AMI"; in a
    message written all in capitals every "ami" (friend) is so written, and counts. names_in()
    already knows a message in capitals has no names; the acronym check does not. "MY AMI WANTS
    TO KNOW HOW MUCH TAIWAN PLEDGED TO INVEST IN THE US" was answered with the USD 250 billion
    pledge (76 %), now "I don't know" (20 %, an unrelated card suggested); "MON AMI VEUT SAVOIR
    COMBIEN TAÏWAN S'ENGAGE À INVESTIR AUX ÉTATS-UNIS" (62 % → 13 %); "HEY AMI, WHAT IS PAX
    SILICA?" was answered with Pax Silica (68 %), now 0 % with nothing suggested. (The opposite
    reading, "WHEN WAS THE AMI'S SIXTH ROUND?", is test_names_breaks_2's open xfail: in capitals
    the two cannot be told apart by the case alone; "MON AMI", "HEY AMI", "MY AMI" can.)"""
    for question, expect in [
        (
            "MY AMI WANTS TO KNOW HOW MUCH TAIWAN PLEDGED TO INVEST IN THE US",
            "us-tw-trade-deal-investment-250bn",
        ),
        (
            "MON AMI VEUT SAVOIR COMBIEN TAÏWAN S'ENGAGE À INVESTIR AUX ÉTATS-UNIS",
            "us-tw-trade-deal-investment-250bn",
        ),
        ("HEY AMI, WHAT IS PAX SILICA?", "us-tw-eppd-pax-silica"),
    ]:
        answer = await engine.ask(question)
        assert answer.answered and answer.item.id == expect, seen(answer)


# A server's own deadline linked to nothing --------------------------------------------------------


@pytest.mark.parametrize("link", ["", "https://example.org/our-ami-file"])
async def test_a_servers_unlinked_deadline_answers_a_question_naming_the_ami(seeded, link):
    """An admin adds "Internal review of our application" and leaves the link empty (or gives a
    web page): the form allows it. The deadline holds no partnership's name, so a question
    naming the AMI makes it "elsewhere": "when is the internal review of our AMI application?"
    was answered with it (91 %); it is now answered, WRONGLY, with how to apply to the AMI
    (56 %); "AMI internal review" was answered with it (95 %), now "I don't know" (0 %, nothing
    suggested); and "/deadline show AMI internal review" found it (95 %) and now says "not
    found" (the server's only deadline of that name is suggested instead). Linked to the AMI it
    is found (99 %); without "AMI" in the question, whatever the link (99 %)."""
    knowledge, _, added = await server_with_deadline(
        seeded,
        GUILD,
        ADMIN,
        title_en="Internal review of our application",
        title_fr="Relecture interne de notre dossier",
        link=link,
    )
    for question in ["when is the internal review of our AMI application?", "AMI internal review"]:
        answer = await knowledge.ask(question, lang="en", guild_id=GUILD)
        assert answer.answered and answer.item.id == added.id, seen(answer)
    try:
        found = await knowledge.lookup(
            "AMI internal review", kind="deadline", guild_id=GUILD, lang="en"
        )
    except NotFound as error:
        pytest.fail(f"/deadline show: {error.args}")
    assert found.id == added.id


# Guards: tried, and held --------------------------------------------------------------------------


async def test_the_acronym_in_markdown_hashtags_and_beside_emoji_names_the_ami(engine):
    """Guard: "**AMI**", "`AMI`", "#AMI", "l'AMI", "AMI-2025" and "AMI" between emoji are read
    as the acronym (the words are found by WORD, which skips the marks): each gets the AMI's
    deadline (100 %). "AMIs", the acronym's plural as written, is the acronym too: read as an
    unknown word, it fell from 61 % to 29 % when the models were trained again."""
    for question in [
        "when is the **AMI** deadline?",
        "when is the `AMI` deadline?",
        "#AMI deadline?",
        "quelle est la date limite de l'AMI ?",
        "🇫🇷🇹🇼 AMI deadline? 🙏",
        "When is the AMIs deadline?",
    ]:
        answer = await engine.ask(question)
        assert answer.answered and answer.item.id == "fr-tw-ami-deadline", seen(answer)


async def test_a_sure_answer_hides_the_other_partnerships_items_in_the_json(engine):
    """Guard: the `ask --json` contract holds: a sure answer's matches start with the answer,
    every score is a probability above 0 (the "elsewhere" candidates, at 0, are hidden), and it
    serialises. "What did Taiwan pledge to invest in the US at the EPPD?" gets the pledge
    (99 %)."""
    answer = await engine.ask("What did Taiwan pledge to invest in the US at the EPPD?")
    shown = json.loads(json.dumps(answer.as_dict(), ensure_ascii=False))
    assert shown["answered"] and shown["matches"][0]["id"] == answer.item.id
    assert answer.item.id == "us-tw-trade-deal-investment-250bn", seen(answer)
    assert all(0.0 < m["score"] <= 1.0 for m in shown["matches"]), shown["matches"]


async def test_a_kind_restricted_rank_with_every_candidate_elsewhere_is_never_sure(seeded):
    """Guard: /deadline autocomplete and lookups rank with ``kind``; "EPPD deadline" on the
    seeds, where the only deadline is the AMI's, scores it 0 (dfe2597 had it sure, at 65 %),
    still offers it in the autocomplete, and "when is the EPPD deadline" asked is not answered
    with it."""
    knowledge = Knowledge(seeded, clock=Clock())
    ranked = await knowledge.engine.rank("EPPD deadline", kind="deadline")
    assert ranked and not any(knowledge.engine.confident(s) for s in ranked), ranked
    choices = await knowledge.suggest("EPPD deadline", kind="deadline", guild_id=None, lang="en")
    assert [c.value for c in choices] == ["fr-tw-ami-deadline"], choices
    answer = await knowledge.ask("when is the EPPD deadline", lang="en", guild_id=None)
    assert not answer.answered or answer.item.id != "fr-tw-ami-deadline", seen(answer)


async def test_a_servers_ami_deadline_is_found_by_commands_and_questions_naming_the_ami(seeded):
    """Guard: linked to the AMI, the server's "Internal review of our application" is answered
    for "AMI internal review" and "quand a lieu la relecture interne de notre dossier AMI ?"
    (99 %), and found by /deadline show "AMI internal review"."""
    knowledge, _, added = await server_with_deadline(
        seeded,
        GUILD,
        ADMIN,
        title_en="Internal review of our application",
        title_fr="Relecture interne de notre dossier",
        link="fr-tw-ami",
    )
    for question in [
        "AMI internal review",
        "quand a lieu la relecture interne de notre dossier AMI ?",
    ]:
        answer = await knowledge.ask(question, lang="fr", guild_id=GUILD)
        assert answer.answered and answer.item.id == added.id, seen(answer)
    found = await knowledge.lookup(
        "AMI internal review", kind="deadline", guild_id=GUILD, lang="en"
    )
    assert found.id == added.id


@pytest.mark.xfail(
    strict=True,
    reason="answered with the EPPD's overview (us-tw-eppd) at 0.93 (threshold 0.584), its sixth "
    "round offered (0.81), since the naive Bayes refit; the sixth round at 0.76 before",
)
async def test_a_reply_after_an_ami_answer_naming_the_eppd_gets_the_eppd(seeded):
    """Guard: after the AMI's deadline, "and the EPPD, when was its sixth round?" is asked as
    "… AMI" (both named, every candidate at 0), falls back on the question alone, and gets the
    sixth round (92 %)."""
    answer = await _reply(
        seeded, "and the EPPD, when was its sixth round?", after=("fr-tw-ami-deadline", "fr-tw-ami")
    )
    assert answer.answered and answer.item.id == "us-tw-eppd-sixth-round", seen(answer)


async def test_a_long_message_naming_the_ami_past_the_cut_does_not_fail(engine):
    """Guard: a message longer than the engine reads, the AMI named past the cut, is refused
    without error (as before), and the acronym is looked for in the part read only."""
    answer = await engine.ask("blah " * 400 + "when is the AMI deadline?")
    assert not answer.answered and answer.confidence == 0.0, seen(answer)
    query, _ = await engine.candidates("blah " * 400 + "AMI")
    assert not query.constraints.partnerships
