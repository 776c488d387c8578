"""Turn a question or a fact into the terms the search compares: one analysis for both sides.

fold (case, accents, punctuation) → concepts of the lexicon (``lexicon.toml``: parties, a few
cross-language concepts, ordinals) → chat filler and question words dropped → Snowball stems
(PyStemmer). A word of unknown language gives both its French and its English stem; text known to
be French or English gives only its own.

Stop words stay: a word found in every item ("the", "de") weighs almost nothing by its rarity,
while a word that a stop-word list holds may be the one a question turns on ("how many *pages*",
"*not* before", "how *old*"). Dropping the ``stop-words`` package's lists took dev questions held
out from 89.0 % to 92.4 % right at the same refusals. Its lists still tell French from English.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from itertools import pairwise

import Stemmer
from rapidfuzz.distance import OSA
from stop_words import get_stop_words
from wordfreq import get_frequency_dict

# Bump by hand when a change to the code here (or to engine.index_for) gives a text other terms:
# every item is then indexed again. Changes to lexicon.toml and the stop words are seen by
# index_version() itself.
NORMALISER_VERSION = 14  # 14: the examples' readings hold their pairs of terms
MAX_QUESTION_CHARS = 500  # longer input is cut before it is normalised
LANGS = ("fr", "en")

_US_UPPER = re.compile(r"\b(?:U\.?S\.?A?\.?|É\.?-?U\.?)(?=\W|$)")
# "us" after "the" or "aux" is the country in any case ("in the us", "aux us"); alone, it is
# "nous" ("help us"), and after "les" it may be customs ("les us et coutumes").
_US_AFTER_ARTICLE = re.compile(r"\b(the|aux) us\b")
_EU_UPPER = re.compile(r"\b(?:E\.?U\.?|U\.?E\.?)(?=\W|$)")  # "eu" is also French for "had"
# Discord mentions, channels and emoji, and the pings of everyone: none is a word of the question
_MENTION = re.compile(r"<(?:@[!&]?|#|a?:\w+:)\d+>|@(?:everyone|here)\b")
_APOSTROPHES = re.compile(r"[’'`´ʼ]")
_TOKEN = re.compile(r"[a-z0-9]+|[%$€]")
_AMOUNT = re.compile(r"(\d)(bn|b|md|mds|mrd|mrds|m|k)\b")
_MAGNITUDES = {"m": "million", "k": "thousand"}  # the others are billions
# The reverse of a flow, asked for ("…, or the other way round?", "… ou l'inverse ?", "and vice
# versa?") or denied ("…, not the other way round"). "Vice versa" (also run together,
# "viceversa") and "the other way round" say nothing else, wherever they stand ("…, or vice
# versa, I forget"); "the opposite" and "le contraire" may be a word's opposite ("or the
# opposite, lower?", "the opposite side"), so they count only at the end of a clause. The phrase
# holds nothing a fact could: its words are no terms; the words between "or" and it ("or is it
# the reverse") stay.
_CLAUSE_END = r"(?=\s*(?:$|[^\w\s,:]))"
_ALWAYS_REVERSE = (
    r"(?:vice[\s‐-]?versa|the\s+other\s+way\s+['’]?a?round|(?:dans\s+)?l[\s'’`´ʼ]+autre\s+sens"
    r"|inversement|conversely)\b"
)
_REVERSE = (
    rf"(?:{_ALWAYS_REVERSE}"
    r"|(?:l[\s'’`´ʼ]+inverse|le\s+contraire|the\s+other\s+way|the\s+reverse|the\s+opposite)"
    rf"{_CLAUSE_END})"
)
# Alone ("Is it the other way round?"), the phrase asks nothing either: its words ("round") are
# no terms wherever it stands.
_REVERSE_ALONE = re.compile(rf"\b{_ALWAYS_REVERSE}", re.IGNORECASE)
_BOTH_WAYS = re.compile(rf"\b(?:ou|or|and|et)\b((?:\W+\w+){{0,5}}?)\W+{_REVERSE}", re.IGNORECASE)
_NOT_REVERSE = re.compile(rf"\b(?:not|pas|non)\W+{_REVERSE}", re.IGNORECASE)
# "…, or not?", "… ou pas du tout ?", "…, oui ou non ?", "… or not according to the article?":
# the question asked as yes or no, which asks nothing more; its "not" is no doubt of the asker's
# (the intent "check"). Unless "not" denies a word said before it ("is it gold or not gold?"), or
# the rest of a hyphenated word follows ("EU or non-EU firms"); "or no" is the tag only where a
# clause ends (before punctuation, an emoticon, a line's end, chat filler or another tag), not in
# "or no later than".
_TAG = re.compile(
    r"(?:[^\S\n]*,)?[^\S\n]*\b(?:(?:yes|oui)[^\S\n]*,?[^\S\n]*)?(?:or|ou)\s+(not|no|pas|non)\b(?!-)"
    r"(?:[^\S\n]+(?:at\s+all|du\s+tout)\b)?",
    re.IGNORECASE,
)
DENIED_LETTERS = 4  # "in" of "… invest in Taiwan or not in 2025?" is no word "not" denies
_NEXT_WORD = re.compile(r"[^\S\n]*(\w+)")


def _without_tags(text: str) -> str:
    """The text without its yes-or-no tags."""

    def drop(found: re.Match[str]) -> str:
        following = _NEXT_WORD.match(text, found.end())
        if following is None:
            return " "
        word = following[1].casefold()
        if _TAG.match(text, following.start(1)):  # "or not or not?"
            return " "
        if found[1].casefold() == "no":
            return " " if word in lexicon().filler else found[0]
        said = {w.casefold() for w in WORD.findall(text, 0, found.start())}
        return found[0] if len(word) >= DENIED_LETTERS and word in said else " "

    return _TAG.sub(drop, text)


# Characters that show nothing (zero-width spaces and joiners, the soft hyphen, direction marks
# and isolates, the byte-order mark, variation selectors, tags, fillers): pasted from a web page,
# they would split a word or a phrase in two.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\U000e0000-\U000e0fff]"
)


def visible(text: str) -> str:
    """The text without the characters that show nothing."""
    return _INVISIBLE.sub("", text)


@lru_cache(maxsize=256)  # a question is read three times (its terms, intents and direction)
def both_ways(text: str) -> tuple[str, bool]:
    """The text without the phrases that ask for or deny a flow's reverse, nor its yes-or-no
    tags, and whether it asks both ways."""
    text = _NOT_REVERSE.sub(" ", unicodedata.normalize("NFKC", text))  # "ｖｉｃｅ ｖｅｒｓａ"
    text = _without_tags(text)
    asked = False

    def reverse(found: re.Match[str]) -> str:
        nonlocal asked
        asked = asked or _names_a_party(text[: found.end(1)])  # up to the phrase ("And X, or…")
        return f"{found[1]} "

    kept = _BOTH_WAYS.sub(reverse, text)
    return _REVERSE_ALONE.sub(" ", kept), asked


def _names_a_party(text: str) -> bool:
    """Whether a text names a party: "or vice versa" reverses a flow named before it, and says
    nothing of one named after it ("He said and vice versa twice. Does France invest…?")."""
    parties = lexicon().parties
    return any(
        isinstance(entry, tuple) and entry[0] in parties for entry in concepts(fold(text).split())
    )


_ORDINAL_DIGITS = re.compile(r"^(\d{1,2})(?:e|er|re|eme|ieme|st|nd|rd|th)$")
_FRENCH_ACCENTS = re.compile(r"[éèêàùçôîâœ]")
_ELIDED_PRONOUNS = frozenset({"j", "n"})  # "j'ai": "ai" is a verb here, not "AI"


@lru_cache(maxsize=256)  # a question is folded three times (terms, intents, direction)
def fold(text: str) -> str:
    """Lowercase, without accents, apostrophes split ("l'AMI" → "l ami"), emoji dropped."""
    text = _MENTION.sub(" ", visible(text))
    # "US" and "EU" in capitals are the countries, unless a whole message of several words is
    # in capitals ("J'AI EU UN DOUTE": "eu" is French for "had"; "TELL US"). Alone, as an
    # item's keyword is, "US" is the country.
    if any(ch.islower() for ch in text) or len(text.split()) < 2:
        text = _US_UPPER.sub(" usa ", text)
        text = _EU_UPPER.sub(" europe ", text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub(" ", text.casefold())
    text = text.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    text = _AMOUNT.sub(lambda m: f"{m[1]} {_MAGNITUDES.get(m[2], 'billion')}", text)
    return _US_AFTER_ARTICLE.sub(r"\1 usa", " ".join(_TOKEN.findall(text)))


WORD = re.compile(r"[^\W\d_][^\W_]*")
_SENTENCE_END = ".!?:\n"
# A name right after one of these is the person spoken to ("Hello Kevin, …"), not one asked about.
_GREETINGS = frozenset(
    "hello hi hey hiya yo dear thanks thank salut bonjour bonsoir coucou merci cher chere".split()
)


def names_in(text: str) -> frozenset[str]:
    """Words written as names, folded: capitalised inside a sentence ("the Zorblax summit") or
    in capitals ("ASML"), unless the whole message is in capitals. Sentence starts and the
    person greeted ("Hello Kevin") do not count."""
    text = _MENTION.sub(" ", text)
    shouting = not any(ch.islower() for ch in text)
    found = set()
    previous = ""
    for match in WORD.finditer(text):
        word, greeted = match.group(), previous in _GREETINGS
        previous = fold(word)
        before = text[: match.start()].rstrip()
        if not word[0].isupper() or shouting or greeted:
            continue
        inside = bool(before) and before[-1] not in _SENTENCE_END
        if inside or (word.isupper() and len(word) >= 2):
            found.update(fold(word).split())
    return frozenset(found)


_SENTENCE = re.compile(r"[^.!?\n]*[.!?\n]+|[^.!?\n]+$")
_LINK = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)


def asking(text: str) -> frozenset[str]:
    """The words (as ``terms`` gives them) of the sentences that ask, when a message has more
    than one: those with a question mark, links left out ("…?id=3" asks nothing). Empty when
    there is one sentence, or none asks."""
    text = _LINK.sub(" ", text[:MAX_QUESTION_CHARS])
    sentences = [m.group() for m in _SENTENCE.finditer(text)]
    sentences = [s for s in sentences if s.strip(" .!?\n")]
    asked = [s for s in sentences if "?" in s]
    if len(sentences) < 2 or not asked:
        return frozenset()
    return frozenset(t.word for s in asked for t in terms(s))


_STEMMERS = {"fr": Stemmer.Stemmer("french"), "en": Stemmer.Stemmer("english")}


@lru_cache(maxsize=131072)
def stem(word: str, lang: str) -> str:
    return _STEMMERS[lang].stemWord(word)


def keys(word: str) -> frozenset[str]:
    """A word and its stems in both languages: two spellings match when they share one."""
    return frozenset((word, stem(word, "fr"), stem(word, "en")))


COMMON_ZIPF = 3.0  # a word this frequent in French or English (wordfreq) is a real word
WORDLIST = "best"  # wordfreq's list: its largest for each language
TYPO_LETTERS = 5  # a phrase's word and a misspelling of it both this long at least


@cache
def common_words() -> dict[str, float]:
    """Words people commonly write in French or English (wordfreq's lists, down to COMMON_ZIPF),
    folded as questions are (accents off: "majorité" is "majorite"), with their frequency.
    Read once, when the engine starts: the lists take a few hundred milliseconds to load."""
    least = 10 ** (COMMON_ZIPF - 9)  # wordfreq's zipf scale is log10 of a frequency per 10^9
    found: dict[str, float] = {}
    for lang in ("en", "fr"):
        # Asked for as zipf_frequency() asks for it, so that wordfreq reads each list once (its
        # cache tells get_frequency_dict("en") from get_frequency_dict("en", "best")).
        for word, frequency in get_frequency_dict(lang, WORDLIST).items():
            if frequency >= least:
                zipf = math.log10(frequency) + 9
                # Most words are plain lowercase ASCII letters, which fold leaves as they are:
                # folding only the others takes a fifth of the time at every start.
                plain = word.isascii() and word.isalpha() and word.islower()
                for folded in (word,) if plain else fold(word).split():
                    found[folded] = max(zipf, found.get(folded, 0.0))
    return found


def common_word(word: str) -> bool:
    """Whether a folded word is a word people commonly write in French or English."""
    return word in common_words()


@dataclass(frozen=True)
class Lexicon:
    words: dict[str, str]  # a folded word → its concept token
    phrases: dict[str, list[tuple[tuple[frozenset[str], ...], str]]]  # first word's key → phrases
    parties: frozenset[str]
    adjectives: dict[str, str]  # folded adjective → party
    intents: dict[str, frozenset[str]]  # intent → cue words and concept tokens
    stop: frozenset[str]
    stop_stems: frozenset[str]
    filler: frozenset[str] = frozenset()  # chat filler ("lol", "thanks"), folded


CONCEPT_PREFIX = "z"  # concept tokens never meet a stem: "zcar" (voiture) is not "car(e)"


def concept_token(name: str) -> str:
    return CONCEPT_PREFIX + name.replace("_", "")


def _ordinal_token(number: int | str) -> str:
    return concept_token(f"ord{number}")


@cache
def lexicon() -> Lexicon:
    """The lexicon, read once from the package's data."""
    data = tomllib.loads(
        resources.files("bot.answer").joinpath("lexicon.toml").read_text(encoding="utf-8")
    )
    entries: list[tuple[str, str]] = []
    adjectives: dict[str, str] = {}
    for party, names in data["party"].items():
        for name in names["names"]:
            entries.append((name, concept_token(party)))
        for adjective in names["adjectives"]:
            entries.append((adjective, concept_token(party)))
            adjectives[fold(adjective)] = concept_token(party)
    for concept, spellings in data["concept"].items():
        entries += [(spelling, concept_token(concept)) for spelling in spellings]
    for number, spellings in data["ordinal"].items():
        entries += [(spelling, _ordinal_token(number)) for spelling in spellings]
    words: dict[str, str] = {}
    phrases: dict[str, list[tuple[tuple[frozenset[str], ...], str]]] = {}
    for spelling, token in entries:
        folded = fold(spelling).split()
        if len(folded) == 1:
            words.setdefault(folded[0], token)
        elif folded:
            pattern = tuple(keys(w) for w in folded)
            for key in pattern[0]:
                phrases.setdefault(key, []).append((pattern, token))
    for found in phrases.values():
        found.sort(key=lambda entry: len(entry[0]), reverse=True)
    intents = {}
    for intent, cues in data["intent"].items():
        folded_cues = {" ".join(fold(cue).split()) for cue in cues}
        tokens = {concept_token(c) for c in cues if c in data["concept"]}
        intents[intent] = frozenset(folded_cues | tokens | {words.get(c, c) for c in folded_cues})
    filler = frozenset(folded for w in data["filler"]["words"] if (folded := fold(w)))
    stop = set(filler)
    # Single question words ("combien", "pourquoi") are read as intents, not searched for.
    cues = {cue for found in intents.values() for cue in found}
    stop |= {cue for cue in cues if cue.isalpha() and cue not in words}
    stop = {w for w in stop if w and " " not in w}
    stop_stems = {stem(w, lang) for w in stop for lang in LANGS if len(w) > 3}
    return Lexicon(
        words=words,
        phrases=phrases,
        parties=frozenset(concept_token(p) for p in data["party"]),
        adjectives=adjectives,
        intents=intents,
        stop=frozenset(stop),
        stop_stems=frozenset(stop_stems),
        filler=filler,
    )


@dataclass(frozen=True)
class Term:
    """One word of a text as the index compares it: a concept token, or its stems."""

    word: str  # the folded word (or the concept token)
    forms: tuple[str, ...]  # what the index may hold for it; one for a concept
    concept: bool = False
    corrected: bool = False  # a misspelt word, as the word of the index it was taken for


def concepts(folded: list[str]) -> list[str | tuple[str, str]]:
    """Folded words, the lexicon's phrases and words replaced by (token, first word)."""
    lex = lexicon()
    out: list[str | tuple[str, str]] = []
    i = 0
    while i < len(folded):
        word = folded[i]
        matched = False
        for key in sorted(keys(word)):
            for pattern, token in lex.phrases.get(key, ()):
                end = i + len(pattern)
                if end <= len(folded) and all(
                    _phrase_word(p, w) for p, w in zip(pattern, folded[i:end], strict=True)
                ):
                    out.append((token, word))
                    i = end
                    matched = True
                    break
            if matched:
                break
        if matched:
            continue
        ordinal = _ORDINAL_DIGITS.match(word)
        if ordinal:
            out.append((_ordinal_token(int(ordinal[1])), word))
        elif word in lex.words and not (i and folded[i - 1] in _ELIDED_PRONOUNS):
            out.append((lex.words[word], word))
        elif word in lex.stop:
            out.append(word)
        elif (base := _inflected(word, lex.words)) is not None:
            out.append((lex.words[base], word))
        else:
            out.append(word)
        i += 1
    return out


def _phrase_word(pattern: frozenset[str], word: str) -> bool:
    """Whether a question's word is a phrase's word (``pattern``: its forms): the same word or
    stem, or one edit from it when both have five letters or more and the question's word is
    not a common word of either language ("date limte" is "date limite"; "white horse" is no
    "White House")."""
    if pattern & keys(word):
        return True
    return (
        len(word) >= TYPO_LETTERS
        and not common_word(word)
        and any(
            len(form) >= TYPO_LETTERS and OSA.distance(word, form, score_cutoff=1) <= 1
            for form in pattern
        )
    )


def _inflected(word: str, words: dict[str, str]) -> str | None:
    """The lexicon's word that a plural comes from ("puces" → "puce"). Not for words of four
    letters: "amis" (friends) is not the AMI, nor "leds" someone who "led"; the lexicon lists
    the plurals of its short words that mean the same ("fabs", "days")."""
    if len(word) < 5 or not word.endswith(("s", "x")):
        return None
    base = word[:-1]
    return base if base in words else None


def terms(text: str, lang: str | None = None, *, limit: int | None = None) -> list[Term]:
    """The content terms of a text, in order: filler and question words dropped, the others
    stemmed in ``lang``, or in both languages when it is not known."""
    lex = lexicon()
    folded = fold(both_ways(text if limit is None else text[:limit])[0]).split()
    out = []
    for entry in concepts(folded):
        if isinstance(entry, tuple):
            out.append(Term(entry[0], (entry[0],), concept=True))
            continue
        word = entry
        if word in lex.stop or (len(word) == 1 and not word.isdigit() and word not in "%$€"):
            continue
        if word.isdigit():
            out.append(Term(word, (word,)))
            continue
        langs = (lang,) if lang else LANGS
        forms = tuple(dict.fromkeys(stem(word, la) for la in langs))
        if all(f in lex.stop_stems for f in forms) and len(word) > 3:
            continue
        out.append(Term(word, forms))
    return out


def index_text(text: str, lang: str | None = None) -> str:
    """Analysed text for the full-text index: every form of every term."""
    return " ".join(form for term in terms(text, lang) for form in term.forms)


@dataclass(frozen=True)
class Normalized:
    terms: tuple[Term, ...]  # content terms, in order, duplicates kept
    words: tuple[str, ...]  # every folded word, stop words included
    intents: frozenset[str]

    @property
    def tokens(self) -> tuple[str, ...]:
        """One token per term: its concept, or its first stem."""
        return tuple(t.forms[0] for t in self.terms)

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


def intents_of(words: tuple[str, ...], tokens: tuple[str, ...]) -> frozenset[str]:
    """The kinds of answer a question asks for, from its words, pairs of words and concepts."""
    present = {*words, *tokens, *(" ".join(pair) for pair in pairwise(words))}
    present |= {" ".join(t) for t in zip(words, words[1:], words[2:], strict=False)}
    # A question that opens with "ou" asks where ("où"), not "or".
    if words[:1] == ("ou",):
        present.add("ou")
    elif "ou" in present:
        present.discard("ou")
    return frozenset(intent for intent, cues in lexicon().intents.items() if cues & present)


def normalize(text: str) -> Normalized:
    found = tuple(terms(text, limit=MAX_QUESTION_CHARS))
    words = tuple(fold(both_ways(text[:MAX_QUESTION_CHARS])[0]).split())
    concepts_found = tuple(t.word for t in found if t.concept)
    return Normalized(found, words, intents_of(words, concepts_found))


def detect_language(text: str) -> str:
    """'fr' or 'en', from each language's stop words and accents; English when nothing tells."""
    text = unicodedata.normalize("NFC", visible(text))[:MAX_QUESTION_CHARS]  # "é" as one letter
    words = fold(text).split()
    fr_stop, en_stop = _stop_words("fr"), _stop_words("en")
    fr = sum(w in fr_stop and w not in en_stop for w in words)
    en = sum(w in en_stop and w not in fr_stop for w in words)
    fr += 2 * len(_FRENCH_ACCENTS.findall(text.lower()))
    # Words neither list tells apart: which language's stemmer changes them, the other leaving
    # them whole ("investissement" is French, "pushing" English).
    for word in words:
        if len(word) >= 6 and word not in fr_stop and word not in en_stop:
            fr_changed = stem(word, "fr") != word
            en_changed = stem(word, "en") != word
            if fr_changed and not en_changed:
                fr += 0.5
            elif en_changed and not fr_changed:
                en += 0.5
    return "fr" if fr > en else "en"


def says_nothing(found: list[Term] | tuple[Term, ...]) -> bool:
    """Whether terms are all function words of French or English (the ``stop-words`` package's
    lists): "the", "is it?", "help us", "how much" name nothing a question could be about. They
    still count beside other words."""
    return all(
        not term.concept and not term.word.isdigit() and function_word(term.word) for term in found
    )


def function_word(word: str) -> bool:
    return word in _stop_words("fr") or word in _stop_words("en")


@cache
def _stop_words(lang: str) -> frozenset[str]:
    """The stop-word package's list for one language, folded: it tells languages apart."""
    small = {fold(w) for w in get_stop_words(lang)}
    return frozenset(w for w in small if w and " " not in w and len(w) > 1)


def index_version() -> str:
    """Which analysis the search index was built with: NORMALISER_VERSION, the lexicon, the stop
    words and the stemmers' algorithms. A comment in the lexicon changes nothing."""
    lex = lexicon()
    tables = {
        "version": NORMALISER_VERSION,
        "words": sorted(lex.words.items()),
        "phrases": sorted(
            [key, [[[sorted(p) for p in pattern], token] for pattern, token in found]]
            for key, found in lex.phrases.items()
        ),
        "intents": sorted((k, sorted(v)) for k, v in lex.intents.items()),
        "stop": sorted(lex.stop),
        "stemmers": Stemmer.algorithms(),
        "stemmer": Stemmer.version(),
    }
    text = json.dumps(tables, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
