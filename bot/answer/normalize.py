"""Turn a question or a fact into the tokens the search compares: one pipeline for both sides.

fold (case, accents, punctuation) → phrases → stop words → synonyms → light stemming.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType
from typing import Any

from bot.answer import vocabulary
from bot.answer.vocabulary import (
    INTENT_WORDS,
    LANGUAGE_MARKERS,
    PHRASES,
    STOP_WORDS,
    WORDS,
)

# Bump by hand when a change to the code here (or to engine.index_for) gives a text other tokens:
# every item is then indexed again. Changes to the tables are seen by index_version() itself.
NORMALISER_VERSION = 1
MAX_QUESTION_CHARS = 500  # longer input is cut before it is normalised

_US_UPPER = re.compile(r"\b(?:U\.?S\.?A?\.?|É\.?-?U\.?)(?=\W|$)")
_EU_UPPER = re.compile(r"\b(?:E\.?U\.?|U\.?E\.?)(?=\W|$)")  # "eu" is also French for "had"
_APOSTROPHES = re.compile(r"[’'`´ʼ]")
_TOKEN = re.compile(r"[a-z0-9]+|[%$]")
_FRENCH_ENDINGS = (
    *("mique", "miques", "gique", "giques", "tique", "tiques"),
    *("aux", "ssement", "ssements", "ais", "aise", "aises"),
)
_AMOUNT = re.compile(r"(\d)(bn|b|md|mds|mrd|mrds|m|k)\b")
_MAGNITUDES = {"m": "million", "k": "thousand"}  # the others are billions
_PHRASES = re.compile(
    r"\b(?:" + "|".join(re.escape(p) for p in sorted(PHRASES, key=len, reverse=True)) + r")\b"
)


def fold(text: str) -> str:
    """Lowercase, without accents, apostrophes split ("l'AMI" → "l ami"), emoji dropped."""
    text = _US_UPPER.sub(" usa ", text)
    text = _EU_UPPER.sub(" europe ", text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub(" ", text.casefold())
    text = text.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    text = _AMOUNT.sub(lambda m: f"{m[1]} {_MAGNITUDES.get(m[2], 'billion')}", text)
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


def _content(words: list[str]) -> list[str]:
    """Canonical content tokens of phrased words: stop words (also once stemmed) dropped."""
    tokens = []
    for word in words:
        if word in STOP_WORDS or (len(word) == 1 and not word.isdigit() and word not in "%$"):
            continue
        token = canonical(word)
        if token in STOP_WORDS:
            continue
        tokens.append(token)
    return tokens


def phrase(folded: str) -> list[str]:
    """Folded words with the phrases of several words replaced by their token."""
    return _PHRASES.sub(lambda m: PHRASES[m.group(0)], folded).split()


def intents_of(words: list[str] | tuple[str, ...]) -> frozenset[str]:
    """The kinds of answer that phrased words (stop words included) ask for."""
    present = set(words)
    return frozenset(intent for intent, cues in INTENT_WORDS.items() if cues & present)


def normalize(text: str) -> Normalized:
    folded = fold(text[:MAX_QUESTION_CHARS])
    words = tuple(folded.split())
    phrased = phrase(folded)
    tokens = _content(phrased)
    # A question that opens with "ou" asks where ("où"), not "or".
    cues = [*phrased, *tokens, *(["where"] if words[:1] == ("ou",) else [])]
    intents = intents_of(cues)
    return Normalized(tuple(tokens), words, intents)


def index_text(text: str) -> str:
    """Normalised text for the full-text index."""
    return " ".join(_content(phrase(fold(text))))


def detect_language(text: str) -> str:
    """'fr' or 'en', from marker words and accents; English when nothing tells."""
    words = fold(text[:MAX_QUESTION_CHARS]).split()
    fr = sum(w in LANGUAGE_MARKERS["fr"] for w in words)
    en = sum(w in LANGUAGE_MARKERS["en"] for w in words)
    fr += 2 * len(re.findall(r"[éèêàùçôîâœ]", text.lower()))
    # Without accents, French endings still tell ("economique", "fiscaux", "investissement").
    fr += 0.5 * sum(len(w) >= 7 and w.endswith(_FRENCH_ENDINGS) for w in words)
    return "fr" if fr > en else "en"


def index_version() -> str:
    """Which normaliser the search index was built with: NORMALISER_VERSION and the contents of
    the tables it reads (vocabulary.py's and this module's). A comment changes neither."""
    return tables_digest(vocabulary, sys.modules[__name__])


def tables_digest(*modules: ModuleType) -> str:
    """A digest of NORMALISER_VERSION and of every table defined at the top of ``modules``
    (sets, mappings, sequences, strings, numbers, patterns), each written out in sorted order."""
    kinds = (dict, frozenset, set, tuple, list, str, int, float, re.Pattern)
    tables = {
        f"{module.__name__}.{name}": _plain(value)
        for module in modules
        for name, value in vars(module).items()
        if not name.startswith("__") and isinstance(value, kinds)
    }
    text = json.dumps([NORMALISER_VERSION, tables], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _plain(value: Any) -> Any:
    """``value`` as JSON data that does not depend on the order of sets (or the hash seed)."""
    if isinstance(value, re.Pattern):
        return [value.pattern, value.flags]
    if isinstance(value, dict):
        return _sorted([_plain(key), _plain(item)] for key, item in value.items())
    if isinstance(value, frozenset | set):
        return _sorted(_plain(item) for item in value)
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def _sorted(values: Any) -> list:
    return sorted(values, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
