"""Trying to break 15d6bfd: a closing "or not" / "or no" / "ou pas" / "ou non" is taken out of a
question (``normalize._YES_OR_NO``), the intents are read from the text as ``both_ways`` leaves
it, and a both-ways phrase ("or vice versa", "ou l'inverse") reverses a flow only when a party is
named before it (``normalize._names_a_party``).

Strict xfails fail today: each says what a member sees, with figures measured on 15d6bfd
(threshold 0.558). Tests named "guard" are attacks that held. The questions asked of the seeded
engine are asked once, by the module's ``answers``, and the replies to the bot's answers there
too. Nothing here reads the frozen test set: the sample questions come from dev.toml.

With no fact of French investment in Taiwan, nor of any flow between the US and China, "Does
France invest in Taiwan?" and "Does the US invest in China?" are refused; only the reverse of the
first, Taiwanese investment in France (TSMC), is stated.
"""

from __future__ import annotations

import asyncio
import itertools
import subprocess
import tomllib

import pytest

from bot.answer.normalize import both_ways, fold, normalize
from bot.answer.structure import Direction, declared, direction, states
from tests.bot.answer.attacks import TAGGED, ask_all, breaks, dev_questions, made_worse, right
from tests.support import SEEDS, ask_json, json_answers, seen

TSMC = "fr-tw-ami-taiwan-investment"  # Taiwanese investment in France and Europe
FIFTEEN = "us-tw-us-firms-invest-15bn"  # US firms invest USD 15 bn in Taiwan
PLEDGE = "us-tw-trade-deal-investment-250bn"  # USD 250 bn of Taiwanese investment in the US
EPPD = "us-tw-eppd"  # the EPPD, whose text gives its sixth round
SIXTH = "us-tw-eppd-sixth-round"


def _flows() -> dict[str, Direction]:
    """The flow each seed item declares, by item id (the store does not keep it)."""
    found = {}
    for path in sorted(SEEDS.glob("*.toml")):
        for table in tomllib.loads(path.read_text(encoding="utf-8")).values():
            for item in table if isinstance(table, list) else ():
                if isinstance(item, dict) and item.get("flow"):
                    found[item["id"]] = declared(tuple(item["flow"]))
    return found


FLOWS = _flows()


SAMPLE = dev_questions()[1::4]  # 68 questions with their items (none: out of scope)

# Breaks of the yes-or-no tag ------------------------------------------------------------------
MORE_WORDS = {  # the tag with words after it: (the question without the tag, what happens now)
    # Held since the tag goes whatever follows unless "not" denies a word said before it; on
    # 15d6bfd US firms' USD 15 bn in Taiwan (0.73, 0.78) and TSMC in Europe (0.64), the reverse
    # of the flow asked.
    "Does France invest in Taiwan or not according to the article?": (
        "Does France invest in Taiwan according to the article?",
        None,
    ),
    "Does France invest in Taiwan or not in 2025?": ("Does France invest in Taiwan in 2025?", None),
    "La France investit à Taïwan ou pas selon l'article ?": (
        "La France investit à Taïwan selon l'article ?",
        None,
    ),
    # Held since the tag may be followed by chat filler, an emoticon, a line's end or another
    # tag; on 15d6bfd each got US firms' USD 15 bn in Taiwan (0.73; China: 0.93) or, in French,
    # TSMC in Europe (0.74), the reverse of the flow asked.
    "Does France invest in Taiwan or not lol": ("Does France invest in Taiwan lol", None),
    "Does China invest in Taiwan or not lol": ("Does China invest in Taiwan lol", None),
    "Does France invest in Taiwan or not :)": ("Does France invest in Taiwan :)", None),
    "Est-ce que la France investit à Taïwan ou pas mdr": (
        "Est-ce que la France investit à Taïwan mdr",
        None,
    ),
    "Does France invest in Taiwan or not or not?": ("Does France invest in Taiwan?", None),
    "Does France invest in Taiwan or not\nthanks": ("Does France invest in Taiwan\nthanks", None),
}
YES_OR_NO_WORDS = {  # "yes or no", "oui ou non": (the question without it, its item, what now)
    # Held since "yes" / "oui" go with the tag; on 15d6bfd the first was refused (0.45, TSMC at
    # 0.76 without the tag), the second answered with US investment in Taiwan growing (0.73).
    "Taïwan investit-il en France, oui ou non ?": ("Taïwan investit-il en France ?", TSMC, None),
    "US investment in China, yes or no?": ("US investment in China?", None, None),
}
CHECKED = {  # a statement checked with "or not": (checked otherwise, its item, what happens now)
    "The last EPPD round was the fifth, or not?": (
        "The last EPPD round was the fifth, wasn't it?",
        EPPD,
        "refused (0.03, threshold 0.584), the intent 'check' lost with the tag; the EPPD (its "
        "sixth round) at 0.70 with 'wasn't it?'",
    ),
    "C'était le cinquième cycle de l'EPPD, ou pas ?": (
        "C'était le cinquième cycle de l'EPPD, non ?",
        SIXTH,
        "refused (0.13, threshold 0.584), the intent 'check' lost with the tag; the sixth round "
        "at 0.97 with ', non ?'",
    ),
}
REPLY_AFTER_EPPD = "does the US invest in China or not"  # replied to an answer about the EPPD

# Breaks of the party named before the phrase -------------------------------------------------
OPENING_WORD = {  # "and"/"et" opening the question: (the question without it, what happens now)
    # Held since the party is looked for up to the phrase, not up to the "and" its match starts
    # at; on 15d6bfd each was refused (0.24, 0.24, 0.01), read one way.
    "And French investment in Taiwan, or vice versa?": (
        "French investment in Taiwan, or vice versa?",
        None,
    ),
    "And France invests in Taiwan, or vice versa?": (
        "France invests in Taiwan, or vice versa?",
        None,
    ),
    "Et Paris investit à Taïwan ou l'inverse ?": (
        "Paris investit à Taïwan ou l'inverse ?",
        "refused at 0.37 (threshold 0.584), TSMC offered, since the weighted naive Bayes refit, "
        "and so is the question without 'Et' (0.37); both TSMC at 0.55 before",
    ),
}
REPLY_AFTER_TSMC = "and French investment in Taiwan, or vice versa?"
QUOTED = {  # the phrase quoted in a sentence naming a party, the flow asked after
    # Answered with TSMC in Europe (0.79, 0.95), the reverse of the flow asked ('French' names a
    # party before the quoted phrase; 'France' is named in the sentence before it), until the
    # naive Bayes refit; refused since (0.19, 0.42 just under the threshold of 0.420).
    "The French minister said and vice versa twice in his talk. Does France invest in Taiwan?": (
        None
    ),
    "I live in France. My teacher says and vice versa a lot. Does France invest in Taiwan?": None,
}

# Guards ---------------------------------------------------------------------------------------
DRESSED = [  # closing tags in every dress, added to a one-way question
    " or not?!?",
    " or not…",
    " or not 🤔",
    " OR NOT?",
    " or not @everyone",
    " or not <@123>",
    " or\u200b not?",
    " ｏｒ ｎｏｔ？",
    " or not, or not?",
    ", or not? or not?",
    " or not? " + "lol " * 1_500,  # 6,009 characters after the question
]
STATED = "Does Taiwan invest in France"  # TSMC (0.96)
UNSTATED = "Does France invest in Taiwan"  # refused (0.00)
PADDED = "\u200b" * 6_000 + UNSTATED + " or not?"
NOT_A_TAG = [  # "or not", "ou pas" that say more than yes or no: nothing taken out
    "Is it gold or not gold?",
    "Does Taiwan invest in France or nothing?",
    "Does the AMI close on 15 May or no later than 20 May?",
    "Taïwan investit-il en France ou bien pas ?",
]
SAME_ITEM = {  # question: the question without its words that are no tag, or without the tag
    "Is the AMI still open or not yet?": "Is the AMI still open?",
    "L'AMI est-il encore ouvert ou pas encore ?": "L'AMI est-il encore ouvert ?",
    "L'AMI est-il encore ouvert ou pas du tout ?": "L'AMI est-il encore ouvert ?",
    "Does the AMI close on 15 May or no later than 20 May?": "Does the AMI close on 15 May?",
    "Taïwan investit-il en France ou bien pas ?": "Taïwan investit-il en France ?",
}
STILL_CHECKS = {  # a check whose tag goes, its doubt staying: the item that corrects it
    "It was the sixth round of the EPPD, not the fifth, or not?": EPPD,
    "C'était le cinquième cycle de l'EPPD, non ?": SIXTH,
}
PARTY_BEFORE = {  # the flow named before the phrase, in every dress: the flow stated either way
    "Does the U.S. invest in Taiwan or vice versa?": FIFTEEN,
    "Does Taiwan invest in the U.S. or vice versa?": PLEDGE,
    "#France invests in #Taiwan or vice versa?": TSMC,
    "@France invests in @Taiwan or vice versa?": TSMC,
    "I read about France. Does it invest in Taiwan, or vice versa?": TSMC,
    "Does France invest in Taiwan, or vice versa, ou l'inverse ?": TSMC,
    "Does France invest in Taiwan or not?! Or vice versa?": TSMC,
    "Les investissements français à Taïwan, ou l'inverse ?": TSMC,
    "French investment in Taiwan, or vice versa?": TSMC,
}
ONLY_ADJECTIVE = [  # a party named before the phrase by its adjective only
    "Taiwanese firms in France or vice versa?",
    "Do French firms invest in Taiwan or vice versa?",
    "Les investissements français à Taïwan, ou l'inverse ?",
]
PARTIES_EN = ["France", "Taiwan", "the US", "China"]
PARTIES_FR = {  # subject and verb, and where to
    "France": ("la France", "investit", "en France"),
    "Taiwan": ("Taïwan", "investit", "à Taïwan"),
    "US": ("les États-Unis", "investissent", "aux États-Unis"),
    "China": ("la Chine", "investit", "en Chine"),
}
CLOSINGS_EN = ["?", " or not?", ", or not?", " OR NOT?", " or not 🤔"]
CLOSINGS_FR = [" ?", " ou pas ?", ", ou non ?"]


def _flow_questions() -> list[str]:
    """A flow between two of four parties asked one way, plainly or with a closing tag."""
    found = []
    for x, y in itertools.permutations(PARTIES_EN, 2):
        for closing in CLOSINGS_EN:
            found.append(f"Does {x} invest in {y}{closing}")
            found.append(f"{x[0].upper()}{x[1:]} investment in {y}{closing}")
    for x, y in itertools.permutations(PARTIES_FR, 2):
        (subject, verb, _), (_, _, where) = PARTIES_FR[x], PARTIES_FR[y]
        found += [f"Est-ce que {subject} {verb} {where}{closing}" for closing in CLOSINGS_FR]
    return found


FLOW_QUESTIONS = _flow_questions()  # 156

QUESTIONS = [
    *MORE_WORDS,
    *(plain for plain, _ in MORE_WORDS.values()),
    *YES_OR_NO_WORDS,
    *(value[0] for value in YES_OR_NO_WORDS.values()),
    *CHECKED,
    *(value[0] for value in CHECKED.values()),
    *OPENING_WORD,
    *(plain for plain, _ in OPENING_WORD.values()),
    *QUOTED,
    STATED + "?",
    UNSTATED + "?",
    *(base + tag for base in (STATED, UNSTATED) for tag in DRESSED),
    PADDED,
    *SAME_ITEM,
    *SAME_ITEM.values(),
    *STILL_CHECKS,
    *PARTY_BEFORE,
    *FLOW_QUESTIONS,
]
REPLIES = {  # (reply, the answer replied to: item, partnership)
    REPLY_AFTER_EPPD: (EPPD, EPPD),
    REPLY_AFTER_EPPD + "?": (EPPD, EPPD),
    "does the US invest in China": (EPPD, EPPD),
    REPLY_AFTER_TSMC: (TSMC, "fr-tw-ami"),
}


def same(answer, plain) -> bool:
    """The same answer (the same item) or the same refusal."""
    if answer.answered != plain.answered:
        return False
    return not plain.answered or answer.item.id == plain.item.id


@pytest.fixture(scope="module")
def answers() -> dict:
    return asyncio.run(ask_all(QUESTIONS, SAMPLE, REPLIES))


# The yes-or-no tag ----------------------------------------------------------------------------


@pytest.mark.parametrize("question", breaks(MORE_WORDS))
def test_or_not_with_words_after_it_asks_what_the_question_without_it_asks(answers, question):
    """A member does not always end on the tag: "… or not according to the article?", "… ou pas
    selon l'article ?" (as questions of examples.jsonl do), "or not lol", "ou pas mdr", an
    emoticon starting with a colon, the tag typed twice, a thank-you on the next line. The tag
    was dropped only right before punctuation or the end, so "or" stayed a term and "not" the
    intent 'check', and a question refused without the tag got another flow, or the reverse of
    the one asked. Chat filler, an emoticon, a line's end and another tag now close it; words
    that may be what "not" denies ("according to the article", "in 2025") still keep it. Should
    be the answer (here the refusal) of the question without the tag."""
    answer, plain = answers[question], answers[MORE_WORDS[question][0]]
    assert not plain.answered
    assert same(answer, plain), seen(answer)


@pytest.mark.parametrize("question", breaks(YES_OR_NO_WORDS))
def test_yes_or_no_asks_what_the_question_without_it_asks(answers, question):
    """ "…, oui ou non ?" and "…, yes or no?" are the tag too: "ou non" / "or no" went and
    "oui" / "yes" stayed a term of the question, which lost TSMC (0.76 → 0.45) or got a flow of
    other parties. The whole "yes or no" now goes: the answer of the question without it."""
    answer, plain = answers[question], answers[YES_OR_NO_WORDS[question][0]]
    assert same(answer, plain), seen(answer)


@pytest.mark.parametrize("question", breaks(CHECKED))
def test_a_statement_checked_with_or_not_is_answered_as_a_check(answers, question):
    """After a statement ("The last EPPD round was the fifth, or not?", "C'était le cinquième
    cycle, ou pas ?") the tag checks what the asker believes, as "wasn't it?" and ", non ?" do.
    Dropping it drops the intent 'check', and the fifth round the asker got wrong now counts
    against the item that corrects it: refused. Should be the item the check gets."""
    answer, checked = answers[question], answers[CHECKED[question][0]]
    assert checked.answered
    assert same(answer, checked), seen(answer)


def test_a_reply_ending_on_or_not_is_read_without_the_tag(answers):
    """bot/conversation/followup.py asks a reply to the bot's answer as "<reply> <subject>": a
    reply with no question mark, "does the US invest in China or not", after an answer about
    the EPPD, ends on "EPPD", not on the tag, and got US investment in Taiwan growing (0.68) on
    15d6bfd. The tag goes whatever follows it now: refused, as the reply without the tag and
    the reply with a question mark are. All three got US firms' USD 15 bn in Taiwan (0.56)
    after the naive Bayes refit; refused again since the weighted one (0.58, threshold 0.584)."""
    assert not answers["reply", "does the US invest in China"].answered
    assert not answers["reply", REPLY_AFTER_EPPD + "?"].answered
    answer = answers["reply", REPLY_AFTER_EPPD]
    assert not answer.answered, seen(answer)


@pytest.mark.xfail(
    strict=True,
    reason="'Taïwan investit-il en France ?' is refused at 0.38 (threshold 0.584), TSMC offered, "
    "and so is 'Paris investit à Taïwan ou l'inverse ?' (0.37); 'US investment in China?' (0.45) "
    "and the replies 'does the US invest in China' and '…?' after the EPPD (0.58), answered "
    "after the naive Bayes refit (0.51, 0.56; threshold 0.420), are refused again",
)
def test_guard_the_questions_the_breaks_are_measured_against_are_answered_as_they_say(answers):
    """Guard: what the strict xfails here compare with holds, so that each fails for its break
    alone: the questions without the tag refused, or answered with TSMC, the EPPD and its sixth
    round; the replies without the tag or with "?" refused; the questions without "And" / "Et"
    answered with TSMC; the question alone after the quoted phrase refused."""
    for plain, _ in MORE_WORDS.values():
        assert not answers[plain].answered, seen(answers[plain])
    expected = {plain: item for plain, item, _ in (*YES_OR_NO_WORDS.values(), *CHECKED.values())}
    expected |= {plain: TSMC for plain, _ in OPENING_WORD.values()}
    expected[UNSTATED + "?"] = None
    for plain, item in expected.items():
        answer = answers[plain]
        assert (answer.item.id if answer.answered else None) == item, seen(answer)
    for reply in ("does the US invest in China", REPLY_AFTER_EPPD + "?"):
        assert not answers["reply", reply].answered, seen(answers["reply", reply])


def test_guard_the_tag_in_every_dress_asks_nothing_more(answers):
    """Guard: "or not?!?", "or not…", "or not 🤔", "OR NOT?", before @everyone or a mention,
    with a zero-width space, in fullwidth letters, twice with a comma or a question mark
    between, followed by 6,000 characters, or after 6,000 zero-width spaces: the answer of the
    question without it (TSMC for the flow stated, refused for its reverse), no error."""
    for base in (STATED, UNSTATED):
        plain = answers[base + "?"]
        for tag in DRESSED:
            answer = answers[base + tag]
            assert same(answer, plain), (tag, seen(answer))
    assert answers[STATED + "?"].answered and answers[STATED + "?"].item.id == TSMC
    assert not answers[PADDED].answered, seen(answers[PADDED])


@pytest.mark.xfail(
    strict=True,
    reason="refused (threshold 0.584): 'Is the AMI still open or not yet?' at 0.48 (the AMI's "
    "deadline first), while 'Is the AMI still open?' gets the AMI's deadline (0.91); 'Taïwan "
    "investit-il en France ou bien pas ?' at 0.43, and now without 'ou bien pas' too (0.38), TSMC "
    "offered; both refused since the naive Bayes refit, the AMI (0.88) and TSMC (0.83) before",
)
def test_guard_or_not_that_says_more_is_kept(answers):
    """Guard: "or not gold", "or nothing", "or no later than", "ou bien pas": nothing is taken
    out of the text; those answered, and "or not yet", "ou pas encore", "ou pas du tout" (whose
    tag goes), are answered with the item of the question without those words."""
    for question in NOT_A_TAG:
        kept, _ = both_ways(question)
        assert fold(kept) == fold(question), question
    for question, plain in SAME_ITEM.items():
        answer, without = answers[question], answers[plain]
        assert without.answered and same(answer, without), seen(answer)


def test_guard_a_check_keeps_its_doubt_when_the_tag_goes(answers):
    """Guard: "It was the sixth round of the EPPD, not the fifth, or not?" (its "not the fifth"
    stays) and "C'était le cinquième cycle de l'EPPD, non ?" (no "ou"): read as checks, and
    answered with the item that says the sixth round."""
    for question, item in STILL_CHECKS.items():
        assert "check" in normalize(question).intents, question
        answer = answers[question]
        assert answer.answered and answer.item.id == item, seen(answer)


@pytest.mark.parametrize("tag", TAGGED)
def test_guard_a_closing_tag_never_makes_a_dev_answer_wrong(answers, tag):
    """Guard: 68 dev questions (every fourth, from the second) with " or not?" / " ou pas ?" or
    ", or not?" / ", ou non ?" in place of their question mark: every one answered right, or
    rightly refused, stays so."""
    assert sum(right(q, answers[q["q"]]) for q in SAMPLE) >= 60
    assert made_worse(answers, SAMPLE, tag) == []


def test_guard_a_flow_asked_one_way_is_answered_with_that_flow_or_refused(answers):
    """Guard: each flow between France, Taiwan, the US and China, asked one way in English (two
    ways of asking) and in French, plainly or with "or not?", ", or not?", "OR NOT?", "or not
    🤔", "ou pas ?", ", ou non ?" (156 questions): never answered with an item stating another
    flow or its reverse; Taiwan into France and the US, and the US into Taiwan, are answered.
    The US into China asked in English got US firms' USD 15 bn in Taiwan (0.57, 0.52) after the
    naive Bayes refit; refused again since the weighted one (0.53, 0.51; threshold 0.584)."""
    answered = set()
    for question in FLOW_QUESTIONS:
        answer = answers[question]
        if answer.answered and answer.item.id in FLOWS:
            assert states(direction(question), FLOWS[answer.item.id]), seen(answer)
            answered.add(answer.item.id)
    assert {TSMC, FIFTEEN, PLEDGE} <= answered


# The party named before the phrase ------------------------------------------------------------


@pytest.mark.parametrize("question", breaks(OPENING_WORD))
def test_a_question_opening_on_and_is_read_both_ways(answers, question):
    """ "And French investment in Taiwan, or vice versa?", a second question in a talk: the
    pattern of the phrase starts at the first "and", "or", "et" or "ou" up to five words before
    it, so here at "And", and ``_names_a_party`` read the text before that word, which is
    empty. It now reads up to the phrase. Read both ways, as the question without "And" is:
    TSMC."""
    answer, plain = answers[question], answers[OPENING_WORD[question][0]]
    assert plain.answered and plain.item.id == TSMC
    assert answer.answered and answer.item.id == TSMC, seen(answer)


def test_a_reply_opening_on_and_is_read_both_ways(answers):
    """A member who got TSMC's investment in Europe replies "and French investment in Taiwan,
    or vice versa?", asked as "… or vice versa? AMI": refused (0.19) on 15d6bfd, read one way.
    TSMC, as the question alone without "and" is (0.98)."""
    answer = answers["reply", REPLY_AFTER_TSMC]
    assert answer.answered and answer.item.id == TSMC, seen(answer)


@pytest.mark.parametrize("question", breaks(QUOTED))
def test_a_phrase_quoted_after_a_party_does_not_reverse_a_later_question(answers, question):
    """The example of 15d6bfd, "He said and vice versa twice in his talk. Does France invest in
    Taiwan?", with the speaker French ("The French minister said…") or France named in the
    sentence before: any party before the phrase counts, though no flow is named before it.
    Should not be TSMC, the reverse of the flow asked (refused, as the question alone is)."""
    answer = answers[question]
    assert not (answer.answered and answer.item.id == TSMC), seen(answer)


def test_guard_a_flow_named_before_the_phrase_is_read_both_ways(answers):
    """Guard: "U.S." with dots either way, parties as hashtags or "@" words, the subject named in
    the sentence before ("I read about France. Does it…"), the phrase in both languages, after
    a tag with "?!", French "investissements français", English "French investment": each
    answered with the flow stated the other way."""
    for question, item in PARTY_BEFORE.items():
        answer = answers[question]
        assert answer.answered and answer.item.id == item, seen(answer)


def test_guard_a_party_named_by_its_adjective_before_the_phrase_counts():
    """Guard: "Taiwanese firms in France or vice versa?", "Do French firms…", "Les
    investissements français à Taïwan, ou l'inverse ?": asked both ways."""
    for question in ONLY_ADJECTIVE:
        assert both_ways(question)[1], question
        assert direction(question).either_way, question


# The command line -----------------------------------------------------------------------------

CLI_LINES = [
    STATED + " or not?!?",
    UNSTATED + " or not lol",
    "or not",
    "ou pas ?",
    "OR NOT",
    "or not " * 900,
    "x" + " or not?" * 800,
    "ｏｒ ｎｏｔ？",
    "or\u200b not <@123> @everyone",
    "!" * 6_000 + " or not?",
    "And French investment in Taiwan, or vice versa?",
    "Taïwan investit-il en France, oui ou non ?",
]


@pytest.fixture(scope="module")
def cli_output(tmp_path_factory) -> subprocess.CompletedProcess:
    return ask_json(CLI_LINES, tmp_path_factory.mktemp("cli") / "db.sqlite3")


@pytest.mark.slow
def test_guard_the_command_line_keeps_its_keys_for_tags_and_phrases(cli_output):
    """Guard: `python -m bot ask --json -` with tags in every dress, the tag alone, 900 and 800
    times, 6,000 exclamation marks before it, a broken mention, the breaks above: one JSON
    object per line with the keys it always had and the question as typed; no error."""
    first = json_answers(cli_output, CLI_LINES)[0]
    assert first["answered"] and first["matches"][0]["id"] == TSMC
