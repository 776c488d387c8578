"""Trying to break today's changes: 4f669ee (characters that show nothing are dropped before a
question is read) and e471491 ("vice versa", "the other way round", "dans l'autre sens",
"inversement" and "conversely" count wherever they stand; the models refitted), with dc517e6
(a tree's larger node summed as its parent less its sibling, and a refit).

Strict xfails fail today: each says what a member sees, with figures measured on e471491
(threshold 0.563; "before" is 4f669ee, the commit before e471491, unless said); the breaks
fixed since say what they were. Tests named
"guard" are attacks that held. The plain question "Does France invest in Taiwan?" is refused
(0.00): only the reverse, Taiwanese investment in France (TSMC), is stated. The questions asked
of the seeded engine are asked once, by the module's ``answers``; the messages heard in
channels once, by ``replies``. Nothing here reads the frozen test set: the sample questions come
from dev.toml.
"""

from __future__ import annotations

import asyncio
import subprocess
import tempfile
import tomllib
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from bot.conversation.limits import RateLimits
from bot.conversation.reading import Heard
from bot.conversation.service import Conversations, Kind
from bot.knowledge import Knowledge, load_seeds
from store.db import Store
from tests.questions import seeded_engine, train
from tests.support import PROJECT, SEEDS, TODAY, Clock, ask_json, json_answers, seen

TSMC = "fr-tw-ami-taiwan-investment"  # Taiwanese investment in France and Europe
FIFTEEN = "us-tw-us-firms-invest-15bn"  # US firms invest USD 15 bn in Taiwan
GROWING = "us-tw-us-investment-growing"  # US investment in Taiwan is growing

ONE_WAY = "Does France invest in Taiwan?"
BOTH_WAYS = "Does France invest in Taiwan or vice versa?"
# Every character ``normalize.visible`` drops.
SHOW_NOTHING = (
    "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\ufeff"
)


def _dev() -> list[dict]:
    path = PROJECT / "tests" / "questions" / "dev.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))["question"]


SAMPLE = _dev()[::4]  # 68 questions with the items that answer them (none: out of scope)


def sprinkled(text: str) -> str:
    """The text with one of the characters that show nothing after each of its characters, in
    turn every one of them."""
    return "".join(ch + SHOW_NOTHING[n % len(SHOW_NOTHING)] for n, ch in enumerate(text))


def padded(text: str) -> str:
    """6,000 zero-width spaces, then the text: the cut at 500 characters comes after them."""
    return "\u200b" * 6_000 + text


HIDDEN = {
    "sprinkled": sprinkled,
    "overridden": lambda text: "\ufeff\u202e" + text.replace(" ", " \u2060") + "\u202c",
}
# Phrases added to a dev question, which asks no flow both ways.
PHRASED = {
    "or vice versa": lambda text: text + " or vice versa",
    "the other way round lol": lambda text: text + ", or the other way round lol",
    "vice versa inside": lambda text: (
        " ".join(text.split()[:2]) + ", or vice versa, " + " ".join(text.split()[2:])
    ),
    "et inversement": lambda text: text + " et inversement",
}

# The phrase about something else than the flow asked ----------------------------------------
ABOUT_THE_PHRASE = [
    # Answered with TSMC in Europe from e471491 (0.84, 0.89, 0.86; refused before it: 0.03, 0.04,
    # 0.01) until the naive Bayes refit; refused since (0.34, 0.02, 0.24).
    "Does France invest in Taiwan, and what does vice versa mean?",
    "La France investit-elle à Taïwan ? Et vice-versa ça prend un tiret ?",
    "Does France invest in Taiwan and the vice versa principle",
]
ELSEWHERE = {
    # "The other way round" counts wherever it stands, so the road's question also asks the flow
    # the other way, and TSMC comes first near the threshold: answered at 0.66 on 2a30e47, 0.58
    # on 15d6bfd, 0.63 on a0f64b7, refused on 11e79ff and since the refit that drops "or not"
    # whatever follows it. It flips with refits.
    "Does France invest in Taiwan? I'm on my way to their office, is it left or the other way "
    "round the roundabout?": None,
    # Answered with TSMC (0.66) until the phrase needed a party named before it; now with the
    # analyst's view of the AMI (0.78: "he said" is read as a quote), as before e471491.
    "He said and vice versa twice in his talk. Does France invest in Taiwan?": None,
}
DENIED = "Does France invest in Taiwan? Not vice versa, I mean France into Taiwan"
OR_A_WORD = {  # question: (what it got, confidence; before), None once it holds
    # Refused since "or not" closing a question is dropped: it asks nothing more, and its "not"
    # read as a doubt of the asker's. Before, US firms' USD 15 bn at 0.57 (threshold 0.568;
    # refused on b96cac3 and 2a30e47, answered on dc517e6 and e471491) and US investment in
    # Taiwan growing at 0.75 (refused on b96cac3, answered since the refit of dc517e6).
    "Does France invest in Taiwan or not?": None,
    # Answered again after the naive Bayes refit, as without "or not" (US firms' USD 15 bn in
    # Taiwan at 0.57, threshold 0.420); both refused again since the weighted one (0.53,
    # threshold 0.584).
    "Does the US invest in China or not?": None,
    # US firms' USD 15 bn in Taiwan (0.75) until "viceversa" in one word was read as the phrase.
    "Does France invest in Taiwan or viceversa?": None,
}
ALONE = ["Is it the other way round?", "the other way round?"]
YES_OR_NO = {  # a question asked as yes or no: the question without its "or not"
    "Is the AMI still open or not?": "Is the AMI still open?",
    "L'AMI est-il encore ouvert ou non ?": "L'AMI est-il encore ouvert ?",
    "Taïwan investit-il aux États-Unis, ou pas ?": "Taïwan investit-il aux États-Unis ?",
    "La France investit-elle à Taïwan ou pas ?": "La France investit-elle à Taïwan ?",
    "Did the US and Taiwan sign a deal or not, I wonder?": (
        "Did the US and Taiwan sign a deal, I wonder?"
    ),
}
NOT_READ = {  # the phrase in characters that fold reads through, the pattern not
    "vice\u2011versa": "a non-breaking hyphen (U+2011, NFKC: U+2010)",
    "ｖｉｃｅ ｖｅｒｓａ": "in fullwidth letters",
    "vi\u0301ce versa": "with a combining acute accent",
}

# Guards ---------------------------------------------------------------------------------------
ONLY_INVISIBLE = [
    "\u200b",
    "\u200b" * 600,
    SHOW_NOTHING * 340,  # 6,120 characters
    "\ufeff\u202e\u200f",
]
INSIDE = {  # with characters that show nothing inside: the same as
    "Quelle est la date\u200b limite de l'AMI ?": "Quelle est la date limite de l'AMI ?",
    "Quelle est la date \u2060limite de l'A\u00adMI ?": "Quelle est la date limite de l'AMI ?",
    "<@12\u200b3> When does the AMI close?": "<@123> When does the AMI close?",
    "When does the AMI close? <@98\u200d76>": "When does the AMI close? <@9876>",
    "\u202eDoes France invest in Taiwan or vice versa?\u202c": BOTH_WAYS,
    "Does France invest in Taiwan or the other\u200b way\u00ad round?": BOTH_WAYS,
    padded(BOTH_WAYS): BOTH_WAYS,
}
STILL_BOTH_WAYS = [  # each answered with TSMC, as BOTH_WAYS is (0.96)
    "Does France invest in Taiwan and vice versa and vice versa?",
    "Does France invest in Taiwan or vice versa ou l'inverse ?",
    "Does France invest in Taiwan or vice versa @everyone",
    "Does France invest in Taiwan or vice versa 🤔🤔",
    "🤔 Does France invest in Taiwan or 🇫🇷 vice versa 🇹🇼?",
    "<@123> Does France invest in Taiwan or vice versa <@456>",
    "Does France invest in Taiwan or vice\u202fversa?",
    "Does France invest in Taiwan or the\u2003other\u2003way\u2003round?",
    "Does France invest in Taiwan? " + "and vice versa " * 400,  # 6,030 characters
    "Ｄｏｅｓ Ｔａｉｗａｎ ｉｎｖｅｓｔ ｉｎ Ｆｒａｎｃｅ？",  # the one way stated, in fullwidth
    "Does Taiwan invest in France? Not vice versa, ok?",
]
DENIED_IN_ONE_CLAUSE = [
    "Does France invest in Taiwan, not vice versa?",
    "Does France invest in Taiwan (not vice versa)?",
    "La France investit-elle à Taïwan, et pas vice versa ?",
    "Does France invest in Taiwan, not the other way round, I mean France into Taiwan?",
]
NOT_A_FLOW = [  # the phrase of another thing (a road, a problem, a proportion, a word): refused
    "Do I go left or the other way round the roundabout to reach the Taiwan office in France?",
    "Is there a way around the tariff problem, or the other way around the tariff problem?",
    "La France investit-elle à Taïwan et est-ce inversement proportionnel aux droits de douane ?",
    "Les investissements de la France à Taïwan sont-ils inversement proportionnels aux tarifs ?",
    "What is the vice versa principle?",
    "Does France invest in Taiwan? And is 'vice versa' Latin?",
]
PHRASE_ALONE = [
    "vice versa",
    "Vice versa!",
    "The other way around?",
    "or vice versa @everyone",
    "ou l'inverse",
    "et vice versa et vice versa et vice versa et vice versa",
    "conversely?",
    "inversement ?",
    "<@12\u200b3> vice versa",
]
NO_FLOW = {  # a question of no flow, or of one stated the way asked: the answer without the phrase
    "When does the AMI close, or vice versa?": "When does the AMI close?",
    "When does the AMI close and what is the vice versa principle?": "When does the AMI close?",
    "How much does Taiwan invest in the US, and vice versa I guess": (
        "How much does Taiwan invest in the US?"
    ),
}

# Breaks of characters that show nothing -------------------------------------------------------
NOT_DROPPED = {  # with a character that shows nothing, plain, what happens today
    "When does the A\u2066MI close?": (
        "When does the AMI close?",
        "a left-to-right isolate (U+2066): the deadline at 0.80 instead of 0.98",
    ),
    "Does Tai\u2068wan invest in France?": (
        "Does Taiwan invest in France?",
        "a first-strong isolate (U+2068) splits Taiwan: refused, 0.44 (TSMC at 0.96 without)",
    ),
    "Quelle est la date lim\u2069ite de l'AMI ?": (
        "Quelle est la date limite de l'AMI ?",
        "a pop directional isolate (U+2069): refused, 0.37 (the deadline at 1.00 without)",
    ),
    "Does France invest in Taiwan or vice\u061c versa?": (
        BOTH_WAYS,
        "an Arabic letter mark (U+061C), a direction mark: the phrase unread, refused, 0.54",
    ),
    "Does France invest in Taiwan or the other way ro\u034fund?": (
        "Does France invest in Taiwan or the other way round?",
        "a combining grapheme joiner (U+034F): the phrase unread, answered with US firms' USD "
        "15 bn in Taiwan (0.59), not TSMC (0.96)",
    ),
    "When does the A\ufe0fMI close?": (
        "When does the AMI close?",
        "a variation selector (U+FE0F): the deadline at 0.80 instead of 0.98",
    ),
    "\u2066" * 6_000 + "When does the AMI close?": (
        "When does the AMI close?",
        "6,000 isolates, not dropped, fill the first 500 characters: refused, 0.00",
    ),
}
LEADING = "\u200b" * 500 + "Quelle est la date limite de l'AMI ?"
DECOMPOSED = [
    unicodedata.normalize("NFD", "taiwan accepte la souveraineté chinoise ?"),
    unicodedata.normalize("NFD", "coopération satellites orbite basse USA Taiwan"),
]
MARKUP = {  # Discord's @here and @everyone, and the same question without them
    "@here what is the EPPD": ("what is the EPPD", "refused, 0.15 (the EPPD at 1.00 without)"),
    "@here Does Taiwan invest in France?": (
        "Does Taiwan invest in France?",
        "refused, 0.32 (TSMC at 0.96 without)",
    ),
    "what is the EPPD @everyone": ("what is the EPPD", "refused, 0.21 (1.00 without)"),
}

QUESTIONS = [
    ONE_WAY,
    BOTH_WAYS,
    "La France investit-elle à Taïwan ?",
    "Does the US invest in China?",
    *ABOUT_THE_PHRASE,
    *ELSEWHERE,
    DENIED,
    *OR_A_WORD,
    *ALONE,
    *YES_OR_NO,
    *YES_OR_NO.values(),
    *(f"Does France invest in Taiwan or {phrase}?" for phrase in NOT_READ),
    *ONLY_INVISIBLE,
    *INSIDE,
    *INSIDE.values(),
    *STILL_BOTH_WAYS,
    *DENIED_IN_ONE_CLAUSE,
    *NOT_A_FLOW,
    *PHRASE_ALONE,
    *NO_FLOW,
    *NO_FLOW.values(),
    *NOT_DROPPED,
    *(plain for plain, _ in NOT_DROPPED.values()),
    LEADING,
    LEADING.lstrip("\u200b"),
    *DECOMPOSED,
    *(unicodedata.normalize("NFC", q) for q in DECOMPOSED),
    *MARKUP,
    *(plain for plain, _ in MARKUP.values()),
]


def broken(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


def case(value: object, reason: str | bool | None) -> object:
    """A parameter, a strict xfail with ``reason`` when it breaks today (none given: it holds)."""
    return pytest.param(value, marks=broken(reason) if reason else ())


def right(question: dict, answer) -> bool:
    """Whether an answer to a dev question is one of its items, or a refusal when none is."""
    if not question["expect"]:
        return not answer.answered
    return answer.answered and answer.item.id in question["expect"]


async def _ask_all() -> dict:
    async with seeded_engine() as engine:
        found = {q: await engine.ask(q) for q in dict.fromkeys(QUESTIONS)}
        for question in SAMPLE:
            text = question["q"]
            found[text] = await engine.ask(text)
            for name, change in (HIDDEN | PHRASED).items():
                found[name, text] = await engine.ask(change(text))
        return found


@pytest.fixture(scope="module")
def answers() -> dict:
    return asyncio.run(_ask_all())


# The phrase wherever it stands (e471491) -----------------------------------------------------


@pytest.mark.parametrize("question", ABOUT_THE_PHRASE)
def test_a_question_about_the_phrase_itself_does_not_ask_the_flow_both_ways(answers, question):
    """A member asks a flow one way and, in the same message, about the words "vice versa"
    (what they mean, whether they take a hyphen, "the vice versa principle"): "and … vice versa"
    reads as asking the reverse too. The knowledge states only the reverse, so Taiwanese
    investment in France was given for a question on French investment in Taiwan that is refused
    without the aside (0.00; "La France investit-elle à Taïwan ?" too), as it should be with
    it. Refused since the naive Bayes refit (0.34, 0.02, 0.24)."""
    answer = answers[question]
    assert not answer.answered, seen(answer)


@pytest.mark.parametrize(
    "question",
    [
        case(question, figures and f"answered with TSMC in Europe, {figures}, the reverse flow")
        for question, figures in ELSEWHERE.items()
    ],
)
def test_the_phrase_in_another_sentence_about_something_else_reverses_nothing(answers, question):
    """A member asks the way to an office after the question ("… is it left or the other way
    round the roundabout?"), or quotes a talk's "and vice versa" before it: the phrase speaks of
    a road or of a talk, yet the flow asked in another sentence was read both ways. A phrase
    before any party is named now reverses nothing; the road's phrase, after the flow, still
    does. Should not be TSMC, the reverse of the flow asked."""
    answer = answers[question]
    assert not (answer.answered and answer.item.id == TSMC), seen(answer)


def test_a_denied_reverse_in_its_own_sentence_is_not_the_answer(answers):
    """A member writes "Does France invest in Taiwan? Not vice versa, I mean France into
    Taiwan", saying twice that Taiwanese money in France is not what they ask about, and got it
    (0.59) from the models of e471491, 'not' read as the intent 'check'. Refused since the refit
    that reads a misspelt phrase's word, as "Does France invest in Taiwan? I mean France into
    Taiwan" is (0.12)."""
    answer = answers[DENIED]
    assert not (answer.answered and answer.item.id == TSMC), seen(answer)


@pytest.mark.parametrize(
    "question",
    [
        case(question, got and f"answered with {got[0]} at {got[1]}, a flow of other parties")
        for question, got in OR_A_WORD.items()
    ],
)
def test_or_and_a_word_after_a_one_way_question_do_not_answer_another_flow(answers, question):
    """The commonest way to ask yes or no, "Does France invest in Taiwan or not?", got US
    firms' USD 15 bn in Taiwan, and "Does the US invest in China or not?" that US investment in
    Taiwan is growing: "or not" (and "or" with a word the bot does not know, such as
    "viceversa" written as one word) lifted a candidate that states neither party's flow over
    the threshold, while the questions without it are refused. A closing "or not" ("ou pas",
    "ou non") now asks nothing more than the question without it. Should be refused, or for
    "viceversa" read both ways (TSMC)."""
    answer = answers[question]
    assert not answer.answered or (question.endswith("viceversa?") and answer.item.id == TSMC), (
        seen(answer)
    )


@pytest.mark.parametrize("question", list(ALONE))
def test_the_phrase_alone_without_or_is_not_about_rounds_of_talks(answers, question):
    """A member replied "Is it the other way round?" to an answer about Taiwanese investment in
    France (the follow-up asked with "AMI" is refused, then the question alone is answered) and
    got "the sixth round of the EPPD talks" (0.67; "the other way round?" 0.78): the phrase
    counted only after "or", "and" or "not", and otherwise its word "round" was searched for.
    The phrases that name nothing else are now taken out wherever they stand: refused, as
    "vice versa" and "The other way around?" are."""
    answer = answers[question]
    assert not answer.answered, seen(answer)


@pytest.mark.parametrize(
    "phrase",
    [
        case(
            phrase,
            "\u0301" in phrase
            and f"the phrase {how} is not read: the question is refused (0.01, threshold "
            "0.584, nothing offered), though fold() reads its words as 'vice versa'",
        )
        for phrase, how in NOT_READ.items()
    ],
)
def test_the_phrase_is_read_in_the_characters_fold_reads_through(answers, phrase):
    """The pattern of the phrase ran on the text as typed, the terms on the text folded (NFKD,
    accents dropped): "vice‑versa" with the non-breaking hyphen French typesetting puts there,
    "ｖｉｃｅ ｖｅｒｓａ" from a Japanese keyboard, or an accent combined onto a letter, was not the
    phrase, yet its words were no terms either. The pattern now runs on the text in NFKC, which
    reads the first two; an accent combined onto a letter is still not read ("où" is not "ou").
    Should be TSMC, as BOTH_WAYS (0.96)."""
    answer = answers[f"Does France invest in Taiwan or {phrase}?"]
    assert answer.answered and answer.item.id == TSMC, seen(answer)


def test_guard_the_phrase_where_it_asks_both_ways_is_read_in_every_dress(answers):
    """Guard: the phrase repeated, in both languages at once, before @everyone, between emoji,
    flags and mentions, with a narrow no-break space or em spaces, 400 times over 6,030
    characters; a one-way question in fullwidth letters; a denial with "ok?" after it: each gets
    TSMC in Europe (0.73 with @everyone, else 0.96 to 0.98)."""
    for question in STILL_BOTH_WAYS:
        answer = answers[question]
        assert answer.answered and answer.item.id == TSMC, seen(answer)


def test_guard_a_reverse_denied_in_the_question_s_own_clause_is_refused(answers):
    """Guard: "…, not vice versa?", "(not vice versa)", "et pas vice versa", "not the other way
    round, I mean France into Taiwan": refused (at most 0.14), as ONE_WAY is."""
    assert not answers[ONE_WAY].answered
    for question in DENIED_IN_ONE_CLAUSE:
        answer = answers[question]
        assert not answer.answered, seen(answer)


def test_guard_the_phrase_of_another_thing_without_a_flow_to_reverse_is_refused(answers):
    """Guard: a roundabout, a way around the tariff problem, "inversement proportionnel", "the
    vice versa principle", whether "vice versa" is Latin (the aside that held, beside those
    of test_a_question_about_the_phrase_itself_…): refused (at most 0.27)."""
    for question in NOT_A_FLOW:
        answer = answers[question]
        assert not answer.answered, seen(answer)


def test_guard_the_phrase_alone_or_with_markup_is_refused(answers):
    """Guard: "vice versa", "Vice versa!", "The other way around?", "or vice versa @everyone",
    "ou l'inverse", the phrase four times, "conversely?", "inversement ?", after a mention with
    a zero-width space in it: refused, with the polite "I don't know"."""
    for question in PHRASE_ALONE:
        answer = answers[question]
        assert not answer.answered and answer.text, seen(answer)


def test_guard_the_phrase_beside_a_question_of_no_flow_changes_nothing(answers):
    """Guard: "When does the AMI close, or vice versa?", "… and what is the vice versa
    principle?", and "How much does Taiwan invest in the US, and vice versa I guess" (stated
    the way asked): the answer of the question without the phrase."""
    for question, plain in NO_FLOW.items():
        with_phrase, without = answers[question], answers[plain]
        assert with_phrase.answered and with_phrase.item.id == without.item.id, seen(with_phrase)


@pytest.mark.parametrize("question", list(YES_OR_NO))
def test_a_closing_or_not_asks_what_the_question_without_it_asks(answers, question):
    """ "…, or not?", "… ou pas ?", "… ou non ?" asks the question as yes or no: the same answer
    (or the same refusal) as the question without it, its "not" no doubt of the asker's."""
    asked, plain = answers[question], answers[YES_OR_NO[question]]
    assert asked.answered == plain.answered, seen(asked)
    assert not plain.answered or asked.item.id == plain.item.id, seen(asked)


@pytest.mark.parametrize("phrased", PHRASED)
def test_guard_a_phrase_added_to_a_dev_question_never_makes_it_wrong(answers, phrased):
    """Guard: 68 dev questions (every fourth), "or vice versa", ", or the other way round lol",
    ", or vice versa, " after their second word, or "et inversement" added: every one answered
    right, or rightly refused, stays so."""
    worse = [
        (question["q"], seen(answers[phrased, question["q"]]))
        for question in SAMPLE
        if right(question, answers[question["q"]])
        and not right(question, answers[phrased, question["q"]])
    ]
    assert worse == []


# Characters that show nothing (4f669ee) -------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    list(NOT_DROPPED),
)
def test_every_character_that_shows_nothing_is_dropped(answers, question):
    """``visible`` dropped the zero-width characters, the soft hyphen, LRM/RLM, the embeddings and
    overrides U+202A-E, but not the direction isolates U+2066-9 (the form Unicode 6.3 made of
    the embeddings), the Arabic letter mark, the combining grapheme joiner or the variation
    selectors: Unicode's other default-ignorable characters. Each split a word or hid the
    phrase (the deadline at 0.80 instead of 0.98, Taiwan split and refused at 0.44, …). It now
    drops them too: each answers as the text without it does."""
    plain = NOT_DROPPED[question][0]
    answer, without = answers[question], answers[plain]
    assert answer.answered == without.answered, seen(answer)
    assert answer.confidence == pytest.approx(without.confidence, abs=0.02), seen(answer)


def test_characters_that_show_nothing_leave_the_language_of_the_answer(answers):
    """`python -m bot ask` (no --lang) and any caller of ``ask`` without a language: a French
    question after 500 invisible characters was answered in English (1.00), detect_language
    reading the first 500 characters as typed. It now reads the visible text: in French, as the
    question without them is."""
    answer, without = answers[LEADING], answers[LEADING.lstrip("\u200b")]
    assert without.lang == "fr"
    assert answer.lang == "fr", seen(answer)


def test_guard_characters_that_show_nothing_change_no_dev_answer(answers):
    """Guard: 68 dev questions with every character ``visible`` drops after each of their
    characters in turn, or behind a BOM and a right-to-left override with a word joiner after
    each space: the same answer or refusal, alternatives, confidence and language as the
    question alone."""
    for question in SAMPLE:
        plain = answers[question["q"]]
        for name in HIDDEN:
            hidden = answers[name, question["q"]]
            assert hidden.answered == plain.answered, (name, seen(hidden))
            assert hidden.matches == plain.matches, (name, seen(hidden))
            assert hidden.confidence == pytest.approx(plain.confidence), (name, seen(hidden))
            assert hidden.lang == plain.lang, (name, seen(hidden))


def test_guard_characters_that_show_nothing_inside_phrases_and_mentions(answers):
    """Guard: inside "date limite" (a phrase of the lexicon) and "AMI", inside a mention
    (`<@12\\u200b3>`: dropped as the mention is), around the whole question as a right-to-left
    override, inside "the other way round", or 6,000 of them before it: the answer of the text
    without them."""
    for question, plain in INSIDE.items():
        answer, without = answers[question], answers[plain]
        assert answer.answered and answer.item.id == without.item.id, seen(answer)
        assert answer.confidence == pytest.approx(without.confidence), seen(answer)


def test_guard_only_characters_that_show_nothing_are_refused(answers):
    """Guard: one zero-width space, 600, every character ``visible`` drops 340 times (6,120),
    a BOM with a right-to-left override and mark: refused without an error, nothing offered."""
    for question in ONLY_INVISIBLE:
        answer = answers[question]
        assert not answer.answered and answer.text and answer.matches == [], seen(answer)[1:]


# Found on the way -----------------------------------------------------------------------------


def test_a_french_question_with_decomposed_accents_is_answered_in_french(answers):
    """Text pasted from a Mac's file names or a PDF may come decomposed (NFD): "taiwan accepte la
    souveraineté chinoise ?" and "coopération satellites orbite basse USA Taiwan" got their
    answers (1.00, 0.99) in English, a decomposed "é" counted as no French accent. Accents are
    now counted composed: in French, as the composed questions are."""
    for question in DECOMPOSED:
        composed = answers[unicodedata.normalize("NFC", question)]
        assert composed.lang == "fr"
        assert answers[question].lang == "fr", seen(answers[question])


@pytest.mark.parametrize(
    "question",
    list(MARKUP),
)
def test_discord_s_here_and_everyone_are_not_words_of_the_question(answers, question):
    """A member pings the channel in a Q&A channel: the question is asked with its "@here" or
    "@everyone" (the conversation drops only the bot's mention), and fold() drops mentions of
    users, roles and channels but read "@here" as the word "here" (refused at 0.15, 0.32, 0.21).
    It now drops the pings with the mentions: answered as the question without them."""
    plain = MARKUP[question][0]
    answer, without = answers[question], answers[plain]
    assert answer.answered == without.answered, seen(answer)
    assert answer.confidence == pytest.approx(without.confidence, abs=0.05), seen(answer)


# Messages heard in channels -------------------------------------------------------------------

BOT, GUILD, QA = 42, 1, 11
HEARD = {  # message: (channel, guild); each is heard too without its invisible characters
    "pour\u00adquoi tout le monde veut TSMC": (QA, GUILD),
    "com\u00adment on can\u00addidate con\u00adcrètement ?": (10, None),
    "merci beau\u00adcoup": (10, None),
    "<@12\u200b3> when does the AMI close": (QA, GUILD),
}
HEARD_BREAKS = {
    "pour\u00adquoi tout le monde veut TSMC": (
        "ignored in a Q&A channel: 'pour', 'quoi' is no question word (answered without the "
        "soft hyphens, about TSMC)"
    ),
    "com\u00adment on can\u00addidate con\u00adcrètement ?": (
        "answered in English in a direct message: 'com', 'ment' is no French word (in French "
        "without the soft hyphens)"
    ),
    "merci beau\u00adcoup": (
        "'Je ne sais pas' in a direct message: 'beau', 'coup' is no thanks (two lines of help "
        "without the soft hyphen)"
    ),
    "<@12\u200b3> when does the AMI close": (
        "ignored in a Q&A channel: '12 3' comes before 'when' (answered without the zero-width "
        "space, the engine dropping the mention)"
    ),
}


async def _replies() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        async with Store.open(Path(tmp) / "talk.sqlite3") as store:
            await load_seeds(store, SEEDS)
            clock = Clock()
            wide = RateLimits(lambda: clock().timestamp(), user=(10**6, 1.0), channel=(10**6, 1.0))
            talk = Conversations(
                store, Knowledge(store, clock=lambda: TODAY), clock=clock, limits=wide
            )
            await talk.load()
            await talk.enable_qa(GUILD, QA, user_id=7)
            found = {}
            for number, (text, (channel, guild)) in enumerate(HEARD.items()):
                for said in (text, text.replace("\u00ad", "").replace("\u200b", "")):
                    heard = Heard(
                        message_id=1_000 + 2 * number + (said != text),
                        author_id=7,
                        channel_id=channel,
                        guild_id=guild,
                        text=said,
                    )
                    reply = await talk.respond(heard, bot_id=BOT, stamp=lambda moment, style: "")
                    found[said] = None if reply is None else (reply.kind, reply.lang)
            return found


@pytest.fixture(scope="module")
def replies() -> dict:
    return asyncio.run(_replies())


@pytest.mark.parametrize("text", list(HEARD_BREAKS))
def test_a_message_with_characters_that_show_nothing_is_heard_as_without_them(replies, text):
    """bot/conversation/reading.py folded a message without ``visible``: whether it is a
    question, chit-chat, and in which language was read with soft hyphens (pasted from a page
    that hyphenates) splitting words, while the engine read the question without them. It now
    drops them as the engine does."""
    plain = text.replace("\u00ad", "").replace("\u200b", "")
    assert replies[plain] is not None and replies[plain][0] in (Kind.ANSWER, Kind.HELP)
    assert replies[text] == replies[plain]


# The command line -----------------------------------------------------------------------------

CLI_LINES = [
    sprinkled(BOTH_WAYS),
    "\u200b" * 6_000,
    "<@12\u200b3> or vice versa @everyone",
    "\u202eDoes France invest in Taiwan, or the other way round, lol\u202c",
    "Ｄｏｅｓ Ｆｒａｎｃｅ ｉｎｖｅｓｔ ｉｎ Ｔａｉｗａｎ ｏｒ ｖｉｃｅ ｖｅｒｓａ？",
    "ﬁgures ﬂow vice versa et inversement \u0301\u0301\u0301",
]


@pytest.fixture(scope="module")
def cli_output(tmp_path_factory) -> subprocess.CompletedProcess:
    return ask_json(CLI_LINES, tmp_path_factory.mktemp("cli") / "db.sqlite3")


@pytest.mark.slow
def test_guard_the_command_line_keeps_its_keys_for_hostile_questions(cli_output):
    """Guard: `python -m bot ask --json -` with invisible characters after every character,
    6,000 zero-width spaces, a broken mention and @everyone, a right-to-left override,
    fullwidth letters, ligatures and lone combining accents: one JSON object per line, each with
    the keys it always had and the question as typed; no error on stderr."""
    first = json_answers(cli_output, CLI_LINES)[0]
    assert first["answered"] and first["matches"][0]["id"] == TSMC


# Trees grown from a parent's sums (dc517e6) ---------------------------------------------------


def test_guard_a_tree_grown_from_parent_less_sibling_sums_splits_as_from_rows(monkeypatch):
    """Guard: 41 random matrices (uniform, or a few repeated values), trees of depth 4 (as
    trained) and 5: grown with each larger node's sums as its parent less its sibling, the trees
    split on the same features and send every row to the same leaf, with the same leaf values
    to 1e-9, as trees whose every node is summed from its rows. A split point moves only within
    a stretch none of its node's rows lies in, where the gains tie but for the last digits (seed
    279, depth 5, with this numpy: the one such tree of 300 tried)."""
    real = train._sums

    def from_rows(data, g, h, at, level, above):
        return real(data, g, h, at, level, None)

    for seed in [*range(40), 279]:
        rng = np.random.default_rng(seed)
        x = rng.uniform(size=(400, 5))
        if seed < 40 and seed % 2:
            x = np.round(x * 12)
        data = train.Binned.of(x)
        g, h = rng.normal(size=400), rng.uniform(0.05, 0.25, size=400)
        for depth in (train.DEPTH, train.DEPTH + 1):
            monkeypatch.setattr(train, "_sums", real)
            features, splits, values, leaf = train.grow(data, g, h, depth)
            monkeypatch.setattr(train, "_sums", from_rows)
            features_rows, splits_rows, values_rows, leaf_rows = train.grow(data, g, h, depth)
            assert np.array_equal(leaf, leaf_rows), (seed, depth)
            assert np.array_equal(features, features_rows), (seed, depth)
            assert values == pytest.approx(values_rows, abs=1e-9)
            heap = leaf + 2**depth  # each row's leaf, numbered from 1 as a heap's
            for node in np.flatnonzero(splits != splits_rows):
                level = int(np.log2(node + 1))
                here = (heap >> (depth - level)) == node + 1  # the rows the node holds
                low, high = sorted((splits[node], splits_rows[node]))
                column = x[here, features[node]]
                assert not ((column > low) & (column <= high)).any(), (seed, depth, node)
