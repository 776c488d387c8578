"""Turn a question or a fact into the tokens the search compares: one pipeline for both sides.

fold (case, accents, punctuation) → phrases → stop words → synonyms → light stemming.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from bot.answer.vocabulary import (
    INTENT_WORDS,
    LANGUAGE_MARKERS,
    PHRASES,
    STOP_WORDS,
    WORDS,
)

MAX_QUESTION_CHARS = 500  # longer input is cut before it is normalised

_US_UPPER = re.compile(r"\b(?:U\.?S\.?A?\.?|É\.?-?U\.?)(?=\W|$)")
_APOSTROPHES = re.compile(r"[’'`´ʼ]")
_TOKEN = re.compile(r"[a-z0-9]+|[%$]")
_PHRASES = re.compile(
    r"\b(?:" + "|".join(re.escape(p) for p in sorted(PHRASES, key=len, reverse=True)) + r")\b"
)


def fold(text: str) -> str:
    """Lowercase, without accents, apostrophes split ("l'AMI" → "l ami"), emoji dropped."""
    text = _US_UPPER.sub(" usa ", text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub(" ", text.casefold())
    text = text.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    return " ".join(_TOKEN.findall(text))


@lru_cache(maxsize=65536)
def canonical(token: str) -> str:
    """The synonym of one folded token, after light plural stemming."""
    if token in WORDS:
        return WORDS[token]
    if len(token) > 4 and token.endswith(("s", "x")) and not token.endswith("ss"):
        stem = token[:-1]
        return WORDS.get(stem, stem)
    return token


@dataclass(frozen=True)
class Normalized:
    tokens: tuple[str, ...]  # content tokens, canonical, in order, duplicates kept
    words: tuple[str, ...]  # every folded word, stop words included
    intents: frozenset[str]

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


def normalize(text: str) -> Normalized:
    folded = fold(text[:MAX_QUESTION_CHARS])
    words = tuple(folded.split())
    phrased = _PHRASES.sub(lambda m: PHRASES[m.group(0)], folded)
    tokens = []
    for word in phrased.split():
        if word in STOP_WORDS or (len(word) == 1 and not word.isdigit() and word not in "%$"):
            continue
        tokens.append(canonical(word))
    intents = frozenset(
        intent
        for intent, cues in INTENT_WORDS.items()
        if cues.intersection(words) or cues.intersection(tokens)
    )
    return Normalized(tuple(tokens), words, intents)


def index_text(text: str) -> str:
    """Normalised text for the full-text index."""
    folded = fold(text)
    phrased = _PHRASES.sub(lambda m: PHRASES[m.group(0)], folded)
    return " ".join(
        canonical(w) for w in phrased.split() if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())
    )


def detect_language(text: str) -> str:
    """'fr' or 'en', from marker words and accents; English when nothing tells."""
    words = fold(text[:MAX_QUESTION_CHARS]).split()
    fr = sum(w in LANGUAGE_MARKERS["fr"] for w in words)
    en = sum(w in LANGUAGE_MARKERS["en"] for w in words)
    fr += 2 * len(re.findall(r"[éèêàùçôîâœ]", text.lower()))
    return "fr" if fr > en else "en"
