"""Reading a message as plain text: is it for the bot, is it a question, in which language.

No Discord here: a message arrives as a :class:`Heard` (its text and a few facts the cog read off
it), and :func:`read` says whether and how it is addressed to the bot.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from bot.answer.normalize import visible

MAX_QUESTION = 500  # as /ask: a longer question is refused, politely
# Discord markup that is not part of a question: user, role and channel mentions, custom emoji,
# @everyone and @here. They are shown in the question as typed, never used to find an answer.
_MARKUP = re.compile(r"<@[!&]?\d+>|<#\d+>|<a?:\w{1,32}:\d+>|@(?:everyone|here)\b")
_WORD = re.compile(r"[^\W_]+")
# Code (inline or in a block) shows a mention as typed, and a backslash escapes one: Discord
# neither renders nor delivers either, so neither is a mention.
_CODE = re.compile(r"(`+).+?\1", re.DOTALL)
_APOSTROPHES = re.compile(r"[’'`´ʼ]")

# Words that open a question, folded (lower case, no accents). A message starting with one of
# them, or holding a question mark, reads as a question.
QUESTION_STARTS = frozenset(
    """
    what whats when where who whom whose which why how is are was were do does did can could
    will would should shall has have had am any anything tell explain
    quand qui que quoi quel quelle quels quelles ou comment combien pourquoi lequel laquelle
    lesquels lesquelles est qu ca explique expliquez dis dites peux peut pouvez sais savez
    existe faut
    """.split()
)
# "est-ce que", "y a-t-il", "c'est quoi": the start says it, as folded words.
QUESTION_OPENINGS = (
    ("est", "ce"),
    ("y", "a"),
    ("c", "est", "quoi"),
    ("c", "etait", "quand"),
    ("qu", "est"),
    ("is", "there"),
    ("are", "there"),
)
# Words a question may start with before its question word: "ok and who leads it", "et du coup
# c'est quand ?".
LEADING_FILLER = frozenset(
    "ok okay so and but also then well hmm hm um uh btw right et alors mais aussi donc du coup "
    "bon euh ben puis sinon".split()
)
# The only words of a message that is chit-chat, not a question: thanks, greetings, assent.
CHITCHAT = frozenset(
    """
    thanks thank thx ty tyvm you very much so a lot many merci beaucoup mille bcp ok okay k kk
    cool great nice super parfait perfect top genial awesome excellent bravo lol mdr haha hahaha
    ah oh ha hi hello hey yo hiya bonjour salut coucou bonsoir bye ciao goodbye good morning
    evening night afternoon bonne nuit journee soiree ciao yes no yep nope oui non ouais dac
    daccord accord d welcome de rien np cheers wow gg sure noted compris vu entendu bot
    all everyone everybody guys folks team tout tous toutes le les monde gens equipe a
    """.split()
)
FRENCH_WORDS = frozenset(
    """
    le la les des du de est et quand combien qui quoi quel quelle quels quelles pour avec une un
    sont ont dans sur pourquoi comment ou qu l d j n ce cette ces au aux etait ete leur nous
    vous il elle ils elles pas mais donc aussi tres limite echeance jusqu en ferme fermait
    merci bonjour salut ca cest entre chez depuis pendant avant apres appel accord ministre
    milliards etats unis taiwanais qu c y a t
    """.split()
)
ENGLISH_WORDS = frozenset(
    """
    the is are was were when how what who which does did do of to and for with an about much
    many there their they it its this that these those from by on at have has will would can
    could should deadline tell me we our you your billion hello hi hey thanks please whats why
    where whom close closes led lead i am
    """.split()
)
_FRENCH_LETTERS = re.compile(r"[éèêàùçôîâœû]")


def fold(text: str) -> str:
    """Lower case, no accents, apostrophes as spaces: "C'était" → "c etait"."""
    text = unicodedata.normalize("NFKD", _APOSTROPHES.sub(" ", visible(text).casefold()))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The folded words of a text (emoji, punctuation and markup left out)."""
    return _WORD.findall(fold(_MARKUP.sub(" ", text)))


def clean(text: str, bot_id: int | None = None) -> str:
    """The question in a message: the bot's own mention taken out, spaces collapsed.

    Other mentions stay as typed (they are shown, never delivered).
    """
    text = visible(text)  # a zero-width space pasted inside a word or a mention
    if bot_id is not None:
        text = re.sub(rf"<@!?{bot_id}>", " ", text)
    return " ".join(text.split())


def mentions(text: str, user_id: int) -> bool:
    """Whether a message's text mentions ``user_id`` as Discord reads it: not inside code, not
    escaped with a backslash."""
    return re.search(rf"(?<!\\)<@!?{user_id}>", _CODE.sub(" ", text)) is not None


def is_blank(text: str) -> bool:
    """Nothing to read as a question: empty, emoji, punctuation or mentions only."""
    return not words(text)


def is_chitchat(text: str) -> bool:
    """Thanks, greetings and assent only: "merci !", "ok thanks", "bonjour 👋"."""
    found = words(text)
    return bool(found) and all(word in CHITCHAT for word in found)


def reads_as_question(text: str) -> bool:
    """A question mark, or a question word at the start (after "ok", "and", "et"…), French or
    English."""
    if "?" in text or "？" in text:
        return True
    found = words(text)
    while found and found[0] in LEADING_FILLER:
        found = found[1:]
    if not found:
        return False
    if found[0] in QUESTION_STARTS:
        return True
    return any(tuple(found[: len(opening)]) == opening for opening in QUESTION_OPENINGS)


def question_language(text: str) -> str | None:
    """'fr' or 'en' when the words tell, else None (the caller falls back on the server's)."""
    found = words(text)
    letters = unicodedata.normalize("NFC", text.lower())  # "é" typed as "e" and an accent
    french = sum(word in FRENCH_WORDS for word in found) + 2 * len(_FRENCH_LETTERS.findall(letters))
    english = sum(word in ENGLISH_WORDS for word in found)
    if french > english:
        return "fr"
    if english > french:
        return "en"
    return None


class Via(StrEnum):
    """How a message came to the bot."""

    MENTION = "mention"  # it mentions the bot
    REPLY = "reply"  # it replies to one of the bot's messages
    DM = "dm"  # a direct message: every message is a question
    QA = "qa"  # in a Q&A channel: answered only when it reads as a question the bot is sure of
    MENU = "menu"  # "Ask Silicon Bridge" on a message
    ASK = "ask"  # /ask, answered publicly: a reply to its answer is a follow-up


@dataclass(frozen=True)
class Heard:
    """A message as the domain sees it: its text and where it comes from, no Discord objects.

    ``text`` is the content as delivered: empty when Discord withheld it (no message content
    intent, and the message neither mentions the bot nor is a direct message).
    """

    message_id: int
    author_id: int
    channel_id: int
    guild_id: int | None  # None in a direct message
    text: str
    from_bot: bool = False  # written by a bot, a webhook or the bot itself
    mentions_bot: bool = False  # the bot's mention is in the text (a reply's ping is not)
    reply_to: int | None = None  # the message this one replies to
    reply_to_bot: bool = False  # … and it is one of the bot's
    replied_text: str = ""  # the text of the message replied to, when readable
    parent_id: int | None = None  # a thread's channel
    guild_lang: str | None = None  # the server's preferred language
    readable: bool = True  # False when Discord withheld the text (``text`` is then empty)


def via(heard: Heard, *, qa: bool) -> Via | None:
    """How the message is addressed to the bot, or None when it is not (it is then ignored).

    ``qa``: whether the message's channel (or a thread's channel) is a Q&A channel.
    """
    if heard.from_bot:
        return None
    if heard.reply_to_bot:
        return Via.REPLY  # in a DM too: a follow-up keeps the context of the answer it replies to
    if heard.guild_id is None:
        return Via.DM
    if heard.mentions_bot:
        return Via.MENTION
    if qa:
        return Via.QA
    return None
