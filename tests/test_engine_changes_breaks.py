"""Ways the latest engine changes break: stop words kept, "the us" read as the country, and the
refusal model read from boosted trees in model.toml.

Every test here failed on the code it was written against (ce9d10b); each says what a user or an
operator sees. The same questions were all refused by the commit before it.
"""

from __future__ import annotations

import re

import pytest

from bot.answer import model
from bot.answer.normalize import normalize
from bot.conversation.limits import RateLimits
from bot.conversation.reading import Heard
from bot.conversation.service import Conversations
from bot.knowledge import Knowledge
from tests.support import TODAY, Clock

BOT = 42
GUILD, QA_CHANNEL = 10, 21
USA = normalize("United States").tokens[0]

# Questions: words that say nothing ----------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    ["the", "of", "is it?", "it is", "what is it?", "where is it?", "and or but so", "the the the"],
)
async def test_a_message_of_function_words_only_is_not_answered(engine, message):
    """With the stop-word lists gone, "the", "of", "is", "it" are searched for like any word: a
    message made of them alone finds some item and the boosted trees give it 0.6 to 0.86 ("the"
    is answered with the origins of the EPPD, "is it?" with what Taiwan gains from France, "and
    or but so" with the AMI's objective). Nothing in these messages names anything the bot
    knows."""
    answer = await engine.ask(message)
    assert not answer.answered, (answer.item.id, round(answer.confidence, 3))


@pytest.mark.parametrize("message", ["how much", "How much?"])
async def test_how_much_alone_is_not_answered(engine, message):
    """ "how much" is a question word: it says a figure is wanted, not which. Multi-word question
    words are never dropped (only single words are), so "much" stays a search word and "How
    much?" is answered at 0.70 with US companies' USD 15 billion in Taiwan, an arbitrary
    figure."""
    answer = await engine.ask(message)
    assert not answer.answered, (answer.item.id, round(answer.confidence, 3))


@pytest.mark.parametrize("phrase", ["how much", "how many", "isn't it"])
async def test_question_words_alone_are_not_answered(engine, phrase):
    """Question words in several words are read as intents; their words ("much", "isn", "it",
    "quel") stay as terms, and weigh beside others, but alone they ask about nothing."""
    assert normalize(phrase).intents
    answer = await engine.ask(phrase)
    assert not answer.answered, (answer.item.id, round(answer.confidence, 3))


@pytest.mark.parametrize("message", ["help us", "can you help us?", "tell us more"])
async def test_the_pronoun_us_gets_no_answer(engine, message):
    """ "us" without an article is the pronoun, and now a search word: "help us" is answered at
    0.94 (and "can you help us?" at 0.85) with "The United States, Taiwan's main backer and arms
    supplier", "tell us more" with US companies' investment in Taiwan."""
    answer = await engine.ask(message)
    assert not answer.answered, (answer.item.id, round(answer.confidence, 3))


async def test_les_us_et_coutumes_are_not_the_united_states(engine):
    """ "les us et coutumes" is French for "ways and customs"; the new rule reads "les us" as the
    country whatever follows, so "les us et coutumes des entreprises taïwanaises" is answered at
    0.64 with Taiwan's USD 250 billion investment in the US."""
    assert USA not in normalize("les us et coutumes").tokens
    answer = await engine.ask("les us et coutumes des entreprises taïwanaises")
    assert not (answer.answered and answer.item.id == "us-tw-trade-deal-investment-250bn")


async def test_a_sql_fragment_is_not_answered(engine):
    """Kept stop words ("from", "where", "or", "like", "union") find a fact: this injection
    attempt was answered at 0.86 with Taiwan's share of world chip production. Nothing is
    injected (queries are parameterised). Most words are covered by nothing, yet the boosted
    trees, which only know the regions of the dev questions, may be sure of such a row: it has
    gone from refused to answered and back as the models were trained again (0.39, 0.65, then
    refused), so a training run that answers it fails here."""
    answer = await engine.ask(
        "'; DROP TABLE items; -- SELECT * FROM items WHERE 1=1 OR name LIKE '%' "
        "UNION SELECT sql FROM sqlite_master"
    )
    assert not answer.answered, (answer.item.id, round(answer.confidence, 3))


async def test_chit_chat_questions_get_silence_in_a_qa_channel(seeded):
    """A Q&A channel answers only what the bot is sure of; chit-chat gets silence. Now "is it?",
    "what is it?", "where is it?" get a public card on what Taiwan gains from France, "how much?"
    one on US companies' USD 15 billion, "can you help us?" one on the United States as Taiwan's
    main backer, "did you see that?" one on the State Department."""
    clock = Clock()
    wide = RateLimits(lambda: clock().timestamp(), user=(10**6, 1.0), channel=(10**6, 1.0))
    talk = Conversations(seeded, Knowledge(seeded, clock=lambda: TODAY), clock=clock, limits=wide)
    await talk.load()
    await talk.enable_qa(GUILD, QA_CHANNEL, user_id=7)
    fields = {"author_id": 7, "channel_id": QA_CHANNEL, "guild_id": GUILD, "guild_lang": "en"}
    answered = {}
    chat = ["is it?", "what is it?", "where is it?", "how much?", "can you help us?"]
    for n, text in enumerate([*chat, "did you see that?"]):
        heard = Heard(message_id=1000 + n, text=text, **fields)
        reply = await talk.respond(heard, bot_id=BOT, stamp=lambda moment, style: "")
        if reply is not None:
            answered[text] = reply.card.title if reply.card else reply.text
    assert answered == {}
    # The channel itself works.
    heard = Heard(message_id=2000, text="when does the AMI close?", **fields)
    assert await talk.respond(heard, bot_id=BOT, stamp=lambda moment, style: "") is not None


# model.toml an operator may break -----------------------------------------------------------


def shipped_with(field: str, value: str) -> str:
    """The shipped model file with ``field = …`` under [refuse] (or the first [rank] weight)
    changed by hand."""
    text = model.load().as_toml()
    if field == "weight":
        return re.sub(r"(?m)^weights = \[[^,]+", f"weights = [{value}", text, count=1)
    return re.sub(rf"(?m)^{field} = .*$", f"{field} = {value}", text, count=1)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_a_bias_that_is_not_a_number_is_reported_by_name(value):
    """Tree values of NaN are refused, naming the file; a bias of NaN loads. Every confidence is
    then NaN (not in [0, 1]: --json prints "confidence": NaN) and every question, "when does the
    AMI close?" included, is refused without a word in the log. A bias of inf answers every
    question, "what is the weather today?" included, at 100 %."""
    broken = shipped_with("bias", value)
    with pytest.raises(model.ModelFileError, match=r"model\.toml"):
        model.parse(broken)


@pytest.mark.parametrize("value", ["nan", "55", "1.5", "-0.1"])
def test_a_threshold_that_is_not_a_probability_is_reported_by_name(value):
    """A threshold is a probability. Hand-edited to 55 (a percentage) or 1.5, or written as nan,
    it loads and the bot refuses every question ("when does the AMI close?" at 0.994 is "I don't
    know"); at -0.1 it answers everything. The operator is told nothing."""
    broken = shipped_with("threshold", value)
    with pytest.raises(model.ModelFileError, match=r"model\.toml"):
        model.parse(broken)


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_a_rank_weight_that_is_not_a_number_is_reported_by_name(value):
    """A rank weight of NaN or inf loads: every logit is NaN (or ±inf), and "when does the AMI
    close?" is refused at 0.07 (0.32 with inf) while nothing tells the operator which file."""
    broken = shipped_with("weight", value)
    with pytest.raises(model.ModelFileError, match=r"model\.toml"):
        model.parse(broken)
