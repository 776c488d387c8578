"""Attacks on 9334010, which was reverted for what they found. It read a closing yes-or-no tag
("…, or not?", "ou pas ?", "oui ou non") after a sentence stating a figure (a digit or an
ordinal word) as " non ", keeping the intent "check"; and it took a both-ways phrase ("or vice
versa", "ou inversement") followed by words in its clause as a quotation unless its own sentence
named two parties.

Against the reading of 857db27 (NORMALISER_VERSION 13), which is back, the tests are guards for
a next try: what 9334010 broke (its figures kept in each case's comment) must stay as it is now.
Strict xfails are what it meant to fix, or left broken; their reasons give the figures of the
shipped models (threshold 0.584; 0.552 when the file was written). Every question is asked once,
by the module's ``answers``, with the replies to the bot's answers. Nothing here reads the frozen
test set: the dev questions come from dev.toml.

The facts: Taiwanese investment in France and Europe (TSMC), US firms' USD 15 bn in Taiwan, USD
250 bn of Taiwanese investment in the US. No fact of French investment in Taiwan or in the US,
nor of any flow between the US and China: those flows are refused, whatever figure is asked.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.answer.normalize import both_ways
from tests.bot.answer.attacks import (
    TAGGED,
    all_broken,
    ask_all,
    breaks,
    broken,
    dev_questions,
    made_worse,
    right,
)
from tests.support import seen

TSMC = "fr-tw-ami-taiwan-investment"  # Taiwanese investment in France and Europe
FIFTEEN = "us-tw-us-firms-invest-15bn"  # US firms invest USD 15 bn in Taiwan
PLEDGE = "us-tw-trade-deal-investment-250bn"  # USD 250 bn of Taiwanese investment in the US
EPPD = "us-tw-eppd"  # the US–Taiwan EPPD, whose text gives its sixth round
SIXTH = "us-tw-eppd-sixth-round"
DEADLINE = "fr-tw-ami-deadline"  # 15 May 2025

# The tag after a figure ------------------------------------------------------------------------
FIGURE_IN_A_QUESTION = {  # a flow no item states, asked with a figure and a tag: (without the tag,
    # what 9334010 did). Refused, the tag taking the intent "check" with it.
    "Does France invest 15 billion in Taiwan or not?": (
        "Does France invest 15 billion in Taiwan?",
        "answered with US firms' USD 15 bn in Taiwan (0.86; refused at 0.47 on 857db27, 0.42 "
        "without the tag): the question's own figure is read as a claim to check, and the "
        "check 'corrects' the parties too",
    ),
    "Does France invest USD 15 bn in Taiwan, or not?": (
        "Does France invest USD 15 bn in Taiwan?",
        "answered with US firms' USD 15 bn in Taiwan (0.85; refused at 0.45 on 857db27)",
    ),
    "La France investit 15 milliards à Taïwan ou pas ?": (
        "La France investit 15 milliards à Taïwan ?",
        "answered with US firms' USD 15 bn in Taiwan (0.87; refused at 0.40 on 857db27, 0.39 "
        "without the tag)",
    ),
    "Est-ce que la France investit 15 milliards à Taïwan, oui ou non ?": (
        "Est-ce que la France investit 15 milliards à Taïwan ?",
        "answered with US firms' USD 15 bn in Taiwan (0.83; refused at 0.39 on 857db27)",
    ),
    "Does France invest 15 billion in the US or not?": (
        "Does France invest 15 billion in the US?",
        "answered with US firms' USD 15 bn in Taiwan (0.67; refused at 0.20 on 857db27): "
        "neither party of the flow asked",
    ),
    "Does France invest 250 billion in Taiwan or not?": (
        "Does France invest 250 billion in Taiwan?",
        "answered with Taiwan's USD 250 bn in the US (0.59; refused at 0.10 on 857db27), the "
        "reverse of half the flow asked",
    ),
    "Does the US invest 250 billion in China or not?": (
        "Does the US invest 250 billion in China?",
        "answered with Taiwan's USD 250 bn in the US (0.93; refused at 0.31 on 857db27, 0.32 "
        "without the tag): a US–China flow no item states",
    ),
    "Does China invest 250 billion in the US or not?": (
        "Does China invest 250 billion in the US?",
        "answered with Taiwan's USD 250 bn in the US (0.86; refused at 0.33 on 857db27, 0.38 "
        "without the tag): China read as Taiwan",
    ),
    "Les États-Unis investissent-ils 250 milliards en Chine ou pas ?": (
        "Les États-Unis investissent-ils 250 milliards en Chine ?",
        "answered with Taiwan's USD 250 bn in the US (0.61; refused at 0.09 on 857db27, 0.06 "
        "without the tag)",
    ),
    "Does Japan pledge 250 billion in the US or not?": (
        "Does Japan pledge 250 billion in the US?",
        "answered with Taiwan's USD 250 bn in the US (0.65; refused at 0.13 on 857db27): Japan "
        "read as Taiwan",
    ),
    "Does France invest in Taiwan 100% or not?": (
        "Does France invest in Taiwan 100%?",
        "answered with Taiwan's share of world chip production, 60 % (0.76; refused at 0.49 on "
        "857db27, 0.35 without the tag): no flow at all",
    ),
    "Does France hold the sixth round with Taiwan or not?": (
        "Does France hold the sixth round with Taiwan?",
        "answered with the sixth round of the EPPD (0.71; refused at 0.19 on 857db27, 0.18 "
        "without the tag), a US–Taiwan dialogue France takes no part in",
    ),
}
NO_FIGURE = {  # digits that are no figure of the asker's: (without the tag, what 9334010 did)
    "<@123456789> does the US invest in China, or not?": (
        "<@123456789> does the US invest in China?",
        "answered with US firms' USD 15 bn in Taiwan (0.63; refused at 0.43 on 857db27, 0.32 "
        "without the tag): a member's mention, which fold() drops, holds digits, so the tag "
        "reads as a check",
    ),
    "<#123456789> does the US invest in China or not?": (
        "<#123456789> does the US invest in China?",
        "answered with US firms' USD 15 bn in Taiwan (0.63; refused at 0.43 on 857db27): the "
        "digits of a channel mention",
    ),
    "<:thonk:123456789> does the US invest in China or not?": (
        "<:thonk:123456789> does the US invest in China?",
        "answered with US firms' USD 15 bn in Taiwan (0.63; refused at 0.43 on 857db27): the "
        "digits of a custom emoji",
    ),
    "Does the US invest in China 24/7 or not?": (
        "Does the US invest in China 24/7?",
        "answered with US firms' USD 15 bn in Taiwan (0.63; refused at 0.29 on 857db27): "
        "'24/7' read as a figure claimed",
    ),
}
EARLIER_CLAUSE = {  # the figure in an earlier clause, not the one the tag closes
    "The u.s. pledged 15 bn, does France invest in Taiwan or not?": (
        "The u.s. pledged 15 bn, does France invest in Taiwan?",
        "answered with US firms' USD 15 bn in Taiwan (0.86; refused at 0.50 on 857db27): only "
        "'.', '!', '?', ':' and a line's end close the sentence searched for a figure; a comma "
        "(and a lowercase 'u.s.', which ends a sentence) do not",
    ),
}
LOST_FIGURE = {  # a claim the tag checks, its figure cut off by an abbreviation: (checked
    # otherwise, its item, what 9334010 did)
    "The AMI closes on 20 May, i.e. in two weeks, or not?": (
        "The AMI closes on 20 May, i.e. in two weeks, right?",
        DEADLINE,
        "refused (0.55; the deadline at 0.58 on 857db27, 0.72 with ', right?'): the '.' of "
        "'i.e.' ends the sentence searched for a figure, so the 20 May is not seen and the "
        "check is lost; only capitals ('U.S.') are taken as an abbreviation",
    ),
}
REPLIES_WITH_A_FIGURE = {  # (reply, the answer replied to, what 9334010 did)
    "does the US invest 250 billion in China or not": (
        EPPD,
        "answered with Taiwan's USD 250 bn in the US (0.70; refused at 0.13 on 857db27)",
    ),
    "does France invest 15 billion in Taiwan or not": (
        FIFTEEN,
        "answered with US firms' USD 15 bn in Taiwan again (0.80; refused at 0.42 on 857db27)",
    ),
}
CHECK_LOST = {  # a figure claimed and checked with a tag, the check lost with the tag: (the
    # item that corrects it, what happens now)
    "C'était le cinquième cycle de l'EPPD, ou pas ?": (
        {SIXTH},
        "refused (0.13, threshold 0.584): the tag takes the intent 'check' with it, and the fifth "
        "round counts against the item that corrects it; the sixth round on 9334010",
    ),
    "C'était le 5e cycle de l'EPPD, ou pas ?": (
        {SIXTH},
        "refused (0.13, threshold 0.584), as with 'cinquième'",
    ),
}
CLAIMS = {  # a figure claimed and checked with a tag: the item that corrects it
    "The AMI closes on 20 May, or not?": {DEADLINE},
    "L'AMI ferme le 20 mai, ou pas ?": {DEADLINE},
    "The sixth EPPD round was on 20 January 2026, or not?": {EPPD, SIXTH},
    "US firms invest 20 billion in Taiwan, or not?": {FIFTEEN},
    "Taiwan pledged 300 billion in the US, or not?": {PLEDGE},
}
REPLY_CLAIMS = {  # a reply checking a figure, after the EPPD: the item that corrects it
    "it was the fifth round or not": {EPPD, SIXTH},
}
REPLY_CHECK_LOST = {  # the same, the check lost with the tag: (the item, what happens now)
    "the fifth round, ou pas": (
        {EPPD, SIXTH},
        "refused (0.02), the intent 'check' lost with the tag; the EPPD on 9334010",
    ),
}
NO_CLAIM = [  # figures that are no claim, or a figure of another sentence: still refused
    "Does France invest in Taiwan in 2025 or not?",
    "Does France invest in Taiwan in 2026 or not?",
    "La France investit-elle à Taïwan en 2025, ou pas ?",
    "Did France invest in Taiwan on 27 January 2026 or not?",
    "Is France the first to invest in Taiwan, or not?",
    "Le Premier ministre français investit-il à Taïwan, ou pas ?",
    "Wait a second, does France invest in Taiwan or not?",
    "Hi, 2 quick questions, does France invest in Taiwan or not?",
    "I read it in 2025. Does France invest in Taiwan or not?",
    "<@123456789> does France invest in Taiwan or not?",
    "https://example.com/a/123 does the US invest in China or not?",
    "Does the US invest in China or not? <@123456789>",
    "Does Germany invest 15 billion in Taiwan or not?",
]

# The phrase followed by words -----------------------------------------------------------------
SENTENCE_BEFORE = {  # the party named in the sentence before, a pronoun in the phrase's own
    # (at its clause's end, answered with TSMC; what happens now)
    "I read about France. Does it invest in Taiwan or vice versa though?": (
        "I read about France. Does it invest in Taiwan or vice versa?",
        "refused (0.07; TSMC at 0.86 on 857db27, 0.92 without 'though'): the phrase's own "
        "sentence names Taiwan alone, 'it' being France",
    ),
    "What about France? Is it investing in Taiwan or vice versa according to the article?": (
        "What about France? Is it investing in Taiwan or vice versa?",
        "refused (0.54; TSMC at 0.95 on 857db27)",
    ),
    "Et la France ? Elle investit à Taïwan ou inversement selon l'article ?": (
        "Et la France ? Elle investit à Taïwan ou inversement ?",
        "refused (0.10; TSMC at 0.89 on 857db27, 0.88 without 'selon l'article')",
    ),
}
ABBREVIATION_BEFORE = {  # a lowercase abbreviation between the parties and the phrase
    "Does France invest in Taiwan (e.g. chips) or vice versa though?": (
        "Does France invest in Taiwan (e.g. chips) or vice versa?",
        "refused (0.02; TSMC at 0.68 on 857db27, 0.76 without 'though'): the '.' of 'e.g.' "
        "ends the sentence searched for two parties; only capitals ('U.S.') are taken as an "
        "abbreviation",
    ),
    "Does France invest in Taiwan etc. or vice versa though?": (
        "Does France invest in Taiwan etc. or vice versa?",
        "refused (0.05; TSMC at 0.69 on 857db27): 'etc.' ends the sentence",
    ),
}
QUOTED_IN_MARKS = [  # the example of 9334010, the phrase in quotation marks or set off
    # 'The French minister said "and vice versa" twice in his talk. Does France invest in
    # Taiwan?' and the like. On 9334010 any character that was no letter after the phrase ended
    # its clause, so 'French' before it was enough there too: TSMC at 0.74. TSMC at 0.77 (0.67 in
    # French) until the naive Bayes refit; refused since (0.19; 0.04 in French), TSMC offered.
    'The French minister said "and vice versa" twice in his talk. Does France invest in Taiwan?',
    "The French minister said “and vice versa” twice in his talk. Does France invest in Taiwan?",
    "The French minister said (and vice versa) twice in his talk. Does France invest in Taiwan?",
    "The French minister said *and vice versa* twice in his talk. Does France invest in Taiwan?",
    "The French minister said and vice versa, twice, in his talk. Does France invest in Taiwan?",
    "Le ministre français répète « et vice versa » dans son discours. "
    "La France investit-elle à Taïwan ?",
]
QUOTED_AT_ITS_END = [  # a quotation that ends its sentence, or closes on chat filler
    # TSMC at 0.70 and 0.64: a phrase at a clause's end needs one party before it. Since the
    # naive Bayes refit the first still gets TSMC (0.47), the second is refused (0.21); since
    # the weighted one both get TSMC (0.89, 0.71).
    "The French minister keeps saying and vice versa. Does France invest in Taiwan?",
    "The French minister said and vice versa lol. Does France invest in Taiwan?",
]
QUOTED_NEAR_TWO_PARTIES = [  # the sentence quoting it names two parties, none a flow
    # TSMC at 0.79 and 0.88: two parties anywhere in the quoting sentence count as a flow.
    # Refused since the naive Bayes refit (0.26, 0.13; TSMC at 0.76 before), TSMC offered.
    "In the France-Taiwan talk the minister said and vice versa twice. "
    "Does France invest in Taiwan?",
    "At the Taiwan-France forum, the minister said and vice versa twice. "
    "Does France invest in Taiwan?",
]
STILL_BOTH_WAYS = [  # the phrase followed by words, or filler, in a sentence naming the flow: TSMC
    "Does France invest in Taiwan or vice versa according to the article?",
    "La France investit à Taïwan ou inversement selon l'article ?",
    "French investment in Taiwan or vice versa though?",
    "Does France invest in Taiwan or vice versa I forget",
    "Does France invest in Taiwan, or vice versa, or not?",
    "Does France invest in Taiwan or vice versa please?",
    "Does France invest in Taiwan or vice versa 🤔",
    "Does France invest in Taiwan or vice versa <@123>",
    "Does France invest in Taiwan or vice versa @everyone",
    "Does France invest in Taiwan or vice versa ??? thanks",
    "What about France? Does it invest in Taiwan, or vice versa, though?",
]
QUOTED_MID_CLAUSE = {  # quoted mid-clause, no flow in its sentence: what happens now (None: it
    # holds). Each was refused on 9334010, the question alone. The English ones got TSMC (0.77,
    # 0.72; 0.62 with the quotation after the question, 'French' before it), the reverse of the
    # flow asked, until the naive Bayes refit: refused since (0.19, 0.21, 0.09), TSMC offered.
    "The French minister said and vice versa twice in his talk. Does France invest in Taiwan?": (
        None
    ),
    "The French minister says and vice versa a lot. Does France invest in Taiwan?": None,
    # Read both ways, but refused (0.30; 0.07 since the naive Bayes refit).
    "Le ministre français dit et vice versa tout le temps. La France investit-elle à Taïwan ?": (
        None
    ),
    "Does France invest in Taiwan? The French PM said and vice versa twice.": None,
}
LONG = {  # 6,000 characters or more: the items they may get (none: refused)
    "It was the 5th, or not? " * 250: {EPPD, SIXTH, None},
    "France and vice versa x " * 250: {None},
    "<@123456789012345678> " * 280 + "does France invest in Taiwan or not?": {None},
    "U.S. É.-U. e.g. 1.5 " * 300 + "Does France invest in Taiwan or not?": {None},
}


# What the naive Bayes refit (threshold 0.420, 0.552 before) and the weighted one (threshold
# 0.584) changed: the parameters that fail since, each with what happens now. The US into China
# after a mention, a channel or an emoji ("<@123456789> does the US invest in China, or not?")
# got US firms' USD 15 bn in Taiwan (0.57) after the first; refused again since the second
# (0.53), with the tag and without it.
REFIT = {
    "I read about France. Does it invest in Taiwan or vice versa though?": (
        "refused at 0.51 (threshold 0.584), TSMC offered, since the weighted naive Bayes refit; "
        "TSMC at 0.67 before; without 'though' still TSMC (0.93)"
    ),
    "Et la France ? Elle investit à Taïwan ou inversement selon l'article ?": (
        "'Et la France ? Elle investit à Taïwan ou inversement ?' is refused at 0.27 (threshold "
        "0.584), TSMC offered, since the naive Bayes refit; TSMC at 0.88 before; with 'selon "
        "l'article' still TSMC (0.75)"
    ),
    "Does France invest in Taiwan (e.g. chips) or vice versa though?": (
        "refused at 0.06, TSMC offered, and at 0.02 without 'though', nothing offered (threshold "
        "0.584), since the naive Bayes refit; TSMC at 0.68 and 0.76 before"
    ),
    "Does France invest in Taiwan etc. or vice versa though?": (
        "refused at 0.10, and at 0.39 without 'though' (threshold 0.584), TSMC offered, since the "
        "naive Bayes refit; TSMC at 0.69 and 0.93 before"
    ),
}


def refit(cases: dict) -> list:
    """Each case a parameter, a strict xfail with its reason when the refit broke it."""
    return [
        pytest.param(case, marks=broken(REFIT[case])) if case in REFIT else case for case in cases
    ]


DEV = dev_questions()  # 271 questions with the items that answer them (none: out of scope)

BREAKS_WITH_PLAIN = {
    **FIGURE_IN_A_QUESTION,
    **NO_FIGURE,
    **EARLIER_CLAUSE,
}
QUESTIONS = [
    *BREAKS_WITH_PLAIN,
    *(plain for plain, _ in BREAKS_WITH_PLAIN.values()),
    *LOST_FIGURE,
    *(value[0] for value in LOST_FIGURE.values()),
    *CHECK_LOST,
    *CLAIMS,
    *NO_CLAIM,
    *SENTENCE_BEFORE,
    *(plain for plain, _ in SENTENCE_BEFORE.values()),
    *ABBREVIATION_BEFORE,
    *(plain for plain, _ in ABBREVIATION_BEFORE.values()),
    *QUOTED_IN_MARKS,
    *QUOTED_AT_ITS_END,
    *QUOTED_NEAR_TWO_PARTIES,
    *STILL_BOTH_WAYS,
    *QUOTED_MID_CLAUSE,
    "Does France invest in Taiwan?",
    *LONG,
]
REPLIES = {  # reply: the answer replied to (its item, its partnership, the EPPD for all here)
    **{reply: (item, EPPD) for reply, (item, _) in REPLIES_WITH_A_FIGURE.items()},
    "does the US invest 250 billion in China": (EPPD, EPPD),
    "does France invest 15 billion in Taiwan": (FIFTEEN, EPPD),
    **{reply: (EPPD, EPPD) for reply in (*REPLY_CLAIMS, *REPLY_CHECK_LOST)},
}


def item_of(answer) -> str | None:
    return answer.item.id if answer.answered else None


@pytest.fixture(scope="module")
def answers() -> dict:
    return asyncio.run(ask_all(QUESTIONS, DEV, REPLIES))


# The tag after a figure -----------------------------------------------------------------------


@pytest.mark.parametrize("question", FIGURE_IN_A_QUESTION)
def test_guard_a_figure_asked_about_with_a_tag_keeps_a_flow_no_item_states_refused(
    answers, question
):
    """Guard: "Does France invest 15 billion in Taiwan or not?" asks whether; it claims nothing.
    Refused, as without the tag. On 9334010 the question's own figure made the tag a check, and
    the check took the item whose figure it 'corrects' (US firms' USD 15 bn, Taiwan's USD 250
    bn), parties and all."""
    answer, plain = answers[question], answers[FIGURE_IN_A_QUESTION[question][0]]
    assert not plain.answered, seen(plain)
    assert not answer.answered, seen(answer)


@pytest.mark.parametrize("question", refit(NO_FIGURE))
def test_guard_digits_that_are_no_figure_do_not_make_the_tag_a_check(answers, question):
    """Guard: a member's mention ("<@123…>", kept in the text when it is not the bot's), a
    channel, a custom emoji, "24/7" before "does the US invest in China or not?": refused, as
    without the tag. On 9334010 any digit of the raw sentence made the tag a check, which took
    US firms' USD 15 bn in Taiwan."""
    answer, plain = answers[question], answers[NO_FIGURE[question][0]]
    assert not plain.answered, seen(plain)
    assert not answer.answered, seen(answer)


@pytest.mark.parametrize("question", EARLIER_CLAUSE)
def test_guard_the_figure_of_an_earlier_clause_is_not_the_one_checked(answers, question):
    """Guard: "The u.s. pledged 15 bn, does France invest in Taiwan or not?": the figure is in
    a clause of its own, the tag closes a question that claims none. Refused, as without the
    tag (US firms' USD 15 bn on 9334010)."""
    answer, plain = answers[question], answers[EARLIER_CLAUSE[question][0]]
    assert not plain.answered, seen(plain)
    assert not answer.answered, seen(answer)


@pytest.mark.parametrize("question", LOST_FIGURE)
def test_guard_a_claim_cut_by_an_abbreviation_is_still_answered(answers, question):
    """Guard: "The AMI closes on 20 May, i.e. in two weeks, or not?" claims a date the deadline
    corrects: the deadline, as with ", right?" (refused on 9334010, the "." of "i.e." hiding
    the date)."""
    checked, item, _ = LOST_FIGURE[question]
    assert item_of(answers[checked]) == item, seen(answers[checked])
    answer = answers[question]
    assert item_of(answer) == item, seen(answer)


@pytest.mark.parametrize("reply", REPLIES_WITH_A_FIGURE)
def test_guard_a_reply_with_a_figure_and_a_tag_keeps_its_refusal(answers, reply):
    """Guard: a reply to the bot's answer (asked as "<reply> <subject>"), "does the US invest
    250 billion in China or not" after the EPPD, "does France invest 15 billion in Taiwan or
    not" after US firms' USD 15 bn: refused, as without the tag (answered with an item of other
    parties on 9334010)."""
    plain = answers["reply", reply.removesuffix(" or not")]
    assert not plain.answered, seen(plain)
    answer = answers["reply", reply]
    assert not answer.answered, seen(answer)


@pytest.mark.parametrize("question", breaks(CHECK_LOST))
def test_a_fifth_round_checked_with_a_tag_gets_the_sixth(answers, question):
    """ "C'était le cinquième cycle (le 5e cycle) de l'EPPD, ou pas ?", the point of 9334010.
    Should be the sixth round, as ", non ?" gets."""
    answer = answers[question]
    assert item_of(answer) in CHECK_LOST[question][0], seen(answer)


@pytest.mark.parametrize("reply", breaks(REPLY_CHECK_LOST))
def test_a_reply_checking_the_fifth_round_with_a_tag_gets_the_eppd(answers, reply):
    """ "the fifth round, ou pas", replied to the EPPD's answer. Should be the EPPD or its
    sixth round, as "it was the fifth round or not" gets."""
    answer = answers["reply", reply]
    assert item_of(answer) in REPLY_CHECK_LOST[reply][0], seen(answer)


@broken(
    "the reply 'it was the fifth round or not' after the EPPD (asked as '… EPPD') is refused at "
    "0.09 (threshold 0.584), the EPPD and its sixth round offered, since the weighted naive Bayes "
    "refit; the EPPD at 0.47 before; the five questions still get the item that corrects them "
    "(0.62 to 0.95)"
)
def test_guard_a_figure_claimed_and_checked_with_a_tag_gets_the_item_that_corrects_it(answers):
    """Guard: "The AMI closes on 20 May, or not?", "L'AMI ferme le 20 mai, ou pas ?", the sixth
    round on 20 January, US firms' 20 billion, Taiwan's 300 billion, each with a tag: answered
    with the item that corrects it, the check lost with the tag or not; so is the reply "it was
    the fifth round or not" after the EPPD."""
    for question, items in CLAIMS.items():
        assert item_of(answers[question]) in items, seen(answers[question])
    for reply, items in REPLY_CLAIMS.items():
        answer = answers["reply", reply]
        assert item_of(answer) in items, seen(answer)


def test_guard_figures_that_claim_nothing_keep_a_refusal(answers):
    """Guard: a year or a date asked about ("in 2025 or not?", "en 2025, ou pas ?", "on 27
    January 2026"), "the first", "Le Premier ministre", "Wait a second", "2 quick questions",
    a figure in an earlier sentence, a mention's digits before a flow no figure of which could
    be 'corrected', a link's digits, a mention after the tag, a party no item names with USD
    15 bn: refused, as the flows asked are stated by no item. "Does the US invest in China or
    not? <@123456789>" got US firms' USD 15 bn in Taiwan (0.57) after the naive Bayes refit;
    refused again since the weighted one (0.53, threshold 0.584)."""
    for question in NO_CLAIM:
        answer = answers[question]
        assert not answer.answered, seen(answer)


@pytest.mark.parametrize("tag", TAGGED)
def test_guard_a_closing_tag_never_makes_a_dev_answer_wrong(answers, tag):
    """Guard: all 271 dev questions, those with a figure among them, with " or not?" / " ou pas
    ?" or ", or not?" / ", ou non ?" in place of their question mark: every one answered right,
    or rightly refused, stays so (as on 857db27)."""
    assert sum(right(q, answers[q["q"]]) for q in DEV) >= 260
    assert made_worse(answers, DEV, tag) == []


# The phrase followed by words -----------------------------------------------------------------


@pytest.mark.parametrize("question", refit(SENTENCE_BEFORE))
def test_guard_a_party_named_in_the_sentence_before_still_asks_both_ways(answers, question):
    """Guard: "I read about France. Does it invest in Taiwan or vice versa though?": France is
    named in the sentence before, the phrase's own sentence has "it". TSMC, as without the
    words after the phrase ("though", "according to the article", "selon l'article"). On
    9334010 that sentence had to name two parties: read one way, refused."""
    answer, plain = answers[question], answers[SENTENCE_BEFORE[question][0]]
    assert item_of(plain) == TSMC, seen(plain)
    assert item_of(answer) == TSMC, seen(answer)


@pytest.mark.parametrize("question", refit(ABBREVIATION_BEFORE))
def test_guard_an_abbreviation_between_the_flow_and_the_phrase_ends_no_sentence(answers, question):
    """Guard: "Does France invest in Taiwan (e.g. chips) or vice versa though?", "… Taiwan etc.
    or vice versa though?": TSMC, as without "though". On 9334010 the period of "e.g." or "etc."
    ended the sentence that had to name the flow: refused."""
    answer, plain = answers[question], answers[ABBREVIATION_BEFORE[question][0]]
    assert item_of(plain) == TSMC, seen(plain)
    assert item_of(answer) == TSMC, seen(answer)


@pytest.mark.parametrize(
    "question",
    [
        *QUOTED_IN_MARKS,
        *all_broken(
            QUOTED_AT_ITS_END[:1],
            "answered with TSMC (0.89, threshold 0.584; 0.72 before the naive Bayes refit, 0.47 "
            "after it), the reverse of the flow asked: one party before the phrase is enough, and "
            "'French' of 'The French minister' is one",
        ),
        *all_broken(
            QUOTED_AT_ITS_END[1:],
            "answered with TSMC at 0.71 (threshold 0.584) since the weighted naive Bayes refit, "
            "the reverse of the flow asked; refused at 0.21 before",
        ),
        *QUOTED_NEAR_TWO_PARTIES,
    ],
)
def test_a_phrase_quoted_before_the_question_does_not_reverse_it(answers, question):
    """The example of 9334010 with the phrase quoted as people quote: in quotation marks
    (straight, curly, French), brackets, asterisks, set off by commas, at its sentence's end
    ("The French minister keeps saying and vice versa."), or in a sentence naming two parties
    that asks no flow ("In the France-Taiwan talk the minister said and vice versa twice.").
    Should not be TSMC: refused, as "Does France invest in Taiwan?" is."""
    assert not answers["Does France invest in Taiwan?"].answered
    answer = answers[question]
    assert item_of(answer) != TSMC, seen(answer)


@broken(
    "refused (threshold 0.584), TSMC offered: since the naive Bayes refit 'French investment in "
    "Taiwan or vice versa though?' at 0.26 and 'Does France invest in Taiwan or vice versa I "
    "forget' at 0.21 (TSMC before, 0.72, 0.90), and now 'What about France? Does it invest in "
    "Taiwan, or vice versa, though?' at 0.50; the eight others still get TSMC (0.68 to 0.84)"
)
def test_guard_a_flow_named_in_the_phrase_sentence_is_read_both_ways(answers):
    """Guard: the phrase followed by "according to the article", "selon l'article", "though",
    "I forget", "or not", "please", an emoji, a mention, "@everyone", "??? thanks", or set off
    by commas after a pronoun: asked both ways, and answered with TSMC."""
    for question in STILL_BOTH_WAYS:
        assert both_ways(question)[1], question
        answer = answers[question]
        assert item_of(answer) == TSMC, seen(answer)


@pytest.mark.parametrize("question", breaks(QUOTED_MID_CLAUSE))
def test_a_phrase_quoted_mid_clause_does_not_reverse_the_question(answers, question):
    """The example of 9334010 and its kin: "said and vice versa twice in his talk", "says and
    vice versa a lot", "dit et vice versa tout le temps", the quotation after the question.
    Should not be TSMC: refused, as the question alone is."""
    assert not answers["Does France invest in Taiwan?"].answered
    answer = answers[question]
    assert item_of(answer) != TSMC, seen(answer)


@broken(
    "300 'U.S. É.-U. e.g. 1.5 ' before 'Does France invest in Taiwan or not?' get the "
    "Washington–TSMC–Taipei cooperation over five to ten years at 0.59 (threshold 0.584) since "
    "the naive Bayes refit; refused at 0.43 before; the three others are still refused (0.13 at "
    "most)"
)
def test_guard_long_inputs_give_an_answer_or_a_refusal(answers):
    """Guard: 6,000 characters of "It was the 5th, or not?", of "France and vice versa x", 280
    mentions or 300 "U.S. É.-U. e.g. 1.5" before a question: no error, and no item but the EPPD
    (for the fifth round checked) or a refusal."""
    for question, items in LONG.items():
        answer = answers[question]
        assert item_of(answer) in items, seen(answer)
