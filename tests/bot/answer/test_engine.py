"""What an answer says: dates and their status, figures with qualifiers, sources, refusals."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from datetime import UTC, datetime

import pytest

from bot.answer import engine as engine_module
from bot.answer import memory
from bot.answer.engine import AnswerEngine, index_for
from bot.answer.features import RANK_FEATURES
from bot.answer.normalize import normalize
from store import seed
from store.items import Item
from tests.support import SEEDS, other_tasks, settled


async def test_deadline_answer_gives_date_and_says_it_has_passed(engine):
    answer = await engine.ask("when does the France-Taiwan call close?")
    assert answer.answered
    assert answer.item.id == "fr-tw-ami-deadline"
    # The date first, and in the past tense: the call is closed.
    assert answer.text.startswith("It was open until Thursday, 15 May 2025")
    assert "closed for 1 year and 6 months" in answer.text
    assert "Source: Innovationsfr, 8 March 2025" in answer.text


async def test_deadline_answer_in_french_says_how_long_remains_before_it(seeded):
    before = AnswerEngine(seeded, clock=lambda: datetime(2025, 5, 12, 10, 0, tzinfo=UTC))
    answer = await before.ask("quand ferme l'AMI ?")
    assert answer.lang == "fr"
    assert answer.text.startswith("Ouvert jusqu'au jeudi 15 mai 2025")
    assert "il reste 3 jours et 11 heures" in answer.text


async def test_date_only_deadline_ends_at_the_end_of_the_day_in_paris(seeded):
    last_minute = AnswerEngine(seeded, clock=lambda: datetime(2025, 5, 15, 21, 0, tzinfo=UTC))
    answer = await last_minute.ask("deadline AMI")
    assert "59 minutes left" in answer.text  # 23:59:59 in Paris is 21:59:59 UTC in May


async def test_figure_answer_has_qualifier_and_as_of_date(engine):
    answer = await engine.ask("how much of the world's chips does Taiwan make?")
    assert answer.item.id == "fr-tw-ami-taiwan-chip-share"
    assert answer.text.startswith("More than 60%")
    assert "as of 8 March 2025" in answer.text


async def test_french_money_figure(engine):
    answer = await engine.ask("combien Taïwan investit aux États-Unis ?")
    assert answer.lang == "fr"
    assert "250 milliards de dollars" in answer.text
    assert "chiffre au 28 janvier 2026" in answer.text


async def test_people_answer_names_both_leaders(engine):
    answer = await engine.ask("who led the US–Taiwan talks?")
    assert answer.item.id == "us-tw-eppd-leaders"
    assert "Jacob Helberg" in answer.text
    assert "Kung Ming-hsin" in answer.text


async def test_out_of_scope_gets_i_dont_know_in_the_askers_language(engine):
    for question, lang, phrase in [
        ("What's the weather like tomorrow?", "en", "I don't know"),
        ("Qui a gagné le match de foot hier soir ?", "fr", "Je ne connais pas"),
        ("asdkjh qwezxc", "en", "I don't know"),
        ("football " * 400, "en", "I don't know"),
    ]:
        answer = await engine.ask(question)
        assert not answer.answered, question[:40]
        assert answer.lang == lang
        assert phrase in answer.text


async def test_an_item_deleted_while_it_is_answered_is_neither_answered_nor_offered(
    seeded, monkeypatch
):
    """The titles offered come with the search; the answer itself is read afterwards. An admin
    deleting it in between gets the asker an "I don't know", never a vanished item."""
    asked = "when does the France-Taiwan call close?"
    found = await AnswerEngine(seeded).ask(asked)
    assert found.answered and found.item.id == "fr-tw-ami-deadline"

    async def none_left(conn, item_ids, **_):
        return {}

    monkeypatch.setattr(engine_module.items_sql, "get_many", none_left)
    answer = await AnswerEngine(seeded).ask(asked)
    assert not answer.answered and answer.item is None
    assert answer.text.startswith("I don't know")
    assert "fr-tw-ami-deadline" not in [m.item_id for m in answer.matches]
    assert [m.item_id for m in answer.matches] == [m.item_id for m in found.matches[1:]]


async def test_near_miss_offers_suggestions(engine):
    answer = await engine.ask("satellite launch schedule")
    assert not answer.answered or answer.item.id.endswith("satellites")
    assert len(answer.matches) <= 4


async def test_hostile_input_is_just_a_question(engine):
    for question in [
        "",
        "   ",
        "'; DROP TABLE items; --",
        '"unbalanced',
        "NEAR(a b)",
        "*",
        "🚀" * 50,
        "@everyone deadline",
        "x" * 6000,
    ]:
        answer = await engine.ask(question)
        assert isinstance(answer.text, str) and answer.text
    assert (await engine.ask("deadline AMI")).answered


async def test_real_words_are_not_corrected_into_words_of_the_index(engine):
    vocabulary = await engine.vocabulary()

    def corrected(word: str) -> str:
        (term,) = normalize(word).terms
        return vocabulary.correct(term).forms[0]

    def forms(word: str) -> tuple[str, ...]:
        return normalize(word).terms[0].forms

    assert corrected("president") in forms("president")
    assert corrected("deadlne") in forms("deadline")
    assert corrected("taiwn") in forms("taiwan")
    assert corrected("silika") in forms("silica")  # a part of a name of several words
    assert corrected("epdp") in forms("eppd")  # four letters, any letter may be wrong
    assert corrected("lunch") in forms("lunch")  # a common word, however close to "launch"


async def test_chit_chat_with_a_word_close_to_one_of_the_index_is_refused(engine):
    assert not (await engine.ask("who's coming to lunch?")).answered


async def test_typos_still_find_the_item(engine):
    assert (await engine.ask("deadlne AMI")).item.id == "fr-tw-ami-deadline"
    assert (await engine.ask("France Taiwn call")).item.id == "fr-tw-ami"


async def test_unknown_words_weigh_against_in_scope_ones(engine):
    for question in [
        "Who is the president of Taiwan?",
        "When will TSMC build a fab in Japan?",
        "what is the price of a TSMC wafer",
        "Combien coûte une puce Nvidia H100 ?",
    ]:
        answer = await engine.ask(question)
        assert not answer.answered, question


async def test_a_company_named_in_the_knowledge_does_not_make_its_ceo_known(engine):
    assert not (await engine.ask("who is the CEO of Nvidia")).answered


async def test_a_match_in_the_text_alone_is_not_an_answer(engine):
    # "population" appears once, in the text of a fact about who decides Taiwan's future.
    assert not (await engine.ask("what's the population of taiwan")).answered


async def test_the_item_that_says_why_is_among_the_first_for_a_why(engine):
    """Two items speak of low-orbit satellites; only one says why Taiwan wants them."""
    ranked = await engine.rank("why does Taiwan want low-orbit satellites", limit=2)
    assert "us-tw-leo-backup-communications" in [s.item_id for s in ranked]


async def test_question_words_prefer_items_that_answer_them(engine):
    how = await engine.ask("how do I apply to the AMI")
    assert how.item.id == "fr-tw-ami-how-to-apply"


async def test_who_may_apply_is_among_the_first(engine):
    """How to apply and who may apply are two items of the AMI; "who can apply" names both."""
    ranked = await engine.rank("who can apply to the AMI", limit=2)
    assert "fr-tw-ami-consortium-rule" in [s.item_id for s in ranked]


async def test_filler_and_synonyms_reach_the_item(engine):
    assert (await engine.ask("le cutoff de l'AMI stp")).item.id == "fr-tw-ami-deadline"
    assert (await engine.ask("when did france kick off the call")).item.id in (
        "fr-tw-ami-announcement",
        "fr-tw-ami",
    )
    govt = await engine.ask("who is in charge of the AMI in the French govt")
    assert govt.item.id == "fr-tw-ami-minister"


async def test_the_axes_of_the_ami_are_its_themes(engine):
    assert (await engine.ask("quels sont les axes de l'AMI")).item.id == "fr-tw-ami-priority-themes"


async def test_a_long_running_engine_keeps_few_items_and_answers_the_same(seeded, monkeypatch):
    """A bot running for weeks meets every item and every typo. It keeps the parsed fields, the
    items shown and the corrections of those met last only (at 10,000 items, keeping every
    profile held about 150 MiB), and answers exactly as an engine that keeps everything."""
    questions = [
        "when does the France-Taiwan call close?",
        "combien Taïwan investit aux États-Unis ?",
        "who led the US-Taiwan talks?",
        "pourquoi la France s'intéresse à Taïwan ?",
        "what is the pax silika declaration?",
        "semiconducter tarifs for taiwan",
        "when does the France-Taiwan call close?",
    ]
    roomy = AnswerEngine(seeded)
    expected = [(await roomy.ask(q)).as_dict() for q in questions]
    monkeypatch.setattr(engine_module, "MAX_PROFILES", 3)
    monkeypatch.setattr(engine_module, "MAX_KEPT_ITEMS", 2)
    monkeypatch.setattr(engine_module, "MAX_CORRECTIONS", 1)
    tight = AnswerEngine(seeded)
    assert [(await tight.ask(q)).as_dict() for q in questions] == expected
    vocab, everything = await tight.vocabulary(), await roomy.vocabulary()
    assert len(vocab.profiles) == 3 < len(everything.profiles)
    assert len(vocab.corrections) == 1 < len(everything.corrections)
    assert len(tight._items) == 2 < len(roomy._items)


async def test_a_failure_beside_the_search_leaves_no_search_running(seeded, monkeypatch):
    """The search runs in SQLite's thread while the question is compared with the examples. When
    the comparison fails, the search is called off: nothing is left running, and the next
    question is answered."""
    engine = AnswerEngine(seeded)
    await engine.warm()
    before = other_tasks()

    def broken(*args, **kwargs):
        raise RuntimeError("examples unreadable")

    with monkeypatch.context() as patched:
        patched.setattr(memory.Memory, "closeness", broken)
        with pytest.raises(RuntimeError, match="examples unreadable"):
            await engine.ask("when does the France-Taiwan call close?")
    assert await settled(before) == before
    answer = await engine.ask("when does the France-Taiwan call close?")
    assert answer.answered and answer.item.id == "fr-tw-ami-deadline"


async def test_a_question_cancelled_during_its_search_leaves_nothing_running(seeded):
    engine = AnswerEngine(seeded)
    await engine.warm()
    before = other_tasks()
    for steps in range(6):  # cancelled at each point of its way
        asking = asyncio.create_task(engine.ask("combien Taïwan investit aux États-Unis ?"))
        for _ in range(steps):
            await asyncio.sleep(0)
        asking.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asking
        assert await settled(before) == before
    answer = await engine.ask("when does the France-Taiwan call close?")
    assert answer.answered and answer.item.id == "fr-tw-ami-deadline"


async def test_a_flow_counts_only_for_items_that_state_one(engine):
    """A seed item's direction is the flow its seed declares: the way asked counts for it, the
    other way round against it, and items stating no flow are neither, whatever parties they
    name."""
    column = RANK_FEATURES.index("direction")
    for question, right, wrong in [
        (
            "how much do US companies invest in Taiwan?",
            "us-tw-us-firms-invest-15bn",
            "us-tw-trade-deal-investment-250bn",
        ),
        (
            "combien les entreprises taïwanaises investissent-elles aux États-Unis ?",
            "us-tw-trade-deal-investment-250bn",
            "us-tw-us-firms-invest-15bn",
        ),
    ]:
        _, rows = await engine.candidates(question)
        fit = {cand.item_id: row[column] for cand, row in rows}
        assert (fit[right], fit[wrong]) == (1.0, -1.0), question
        stating = {item.id for item in seed.read(SEEDS).items if item.flow}
        assert all(fit[i] == 0.0 for i in fit.keys() - stating), question


def test_a_servers_own_item_has_the_direction_its_title_says():
    item = Item(
        id="admin-1",
        kind="fact",
        title_fr="Investissements japonais en France",
        title_en="Japanese investment in France",
        text_fr="Un fait.",
        text_en="A fact.",
        origin="admin",
    )
    assert set(index_for(item).keywords.split()) >= {"dirfromzjapan", "dirtozfrance"}
    seeded = dataclasses.replace(item, origin="seed")
    assert not [k for k in index_for(seeded).keywords.split() if k.startswith(("dirfrom", "dirto"))]
