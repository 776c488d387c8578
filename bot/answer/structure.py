"""What words alone cannot decide: the direction of a flow, and constraints a candidate breaks.

Direction is read from a question (and from a server's own item's text): a party's adjective
("Taiwanese companies", "investissements taïwanais") says where something comes from, a party
after "in / into / to / à / aux / en / vers" where it goes; a party named with neither is the
other end when one end is known. Parties named as a pair, or as what an article is about, are at
neither end. A seed item's direction is declared in its seed (``flow``).
Ordinals, years, numbers and parties named in a question that a candidate does not hold count
against it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.answer.normalize import (
    WORD,
    both_ways,
    concept_token,
    concepts,
    fold,
    index_text,
    lexicon,
)

# Prepositions after which a party is where something goes.
_TOWARDS = frozenset(
    "in into to towards toward onto inside a aux au en vers dans chez pour for".split()
)
# Prepositions after which a party is where something comes from.
_FROM = frozenset("from depuis provenance".split())
_SKIPPED = frozenset("the le la les l sol soil territoire territory of du de des d".split())
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_ORDINAL_PREFIX = concept_token("ord")
_ORDINAL = re.compile("^" + _ORDINAL_PREFIX + r"\d+$")
_ORDINAL_WORD = re.compile(r"(?<!\S)" + _ORDINAL_PREFIX + r"\d+(?!\S)")  # one in a text
DIRECTION_MARK = "dir"  # index marks: "dirfromtaiwan", "dirtousa"


@dataclass(frozen=True)
class Direction:
    origin: frozenset[str] = frozenset()
    target: frozenset[str] = frozenset()
    either_way: bool = False  # asked "…, or the other way round?": the reverse fits too

    def __bool__(self) -> bool:
        return bool(self.origin or self.target)

    def one_way(self) -> Direction:
        """This flow as asked one way: a question asked both ways is read each way in turn."""
        return Direction(self.origin, self.target)

    def reversed(self) -> Direction:
        """The same flow the other way round, asked one way."""
        return Direction(self.target, self.origin)

    def marks(self) -> list[str]:
        return [f"{DIRECTION_MARK}from{p}" for p in sorted(self.origin)] + [
            f"{DIRECTION_MARK}to{p}" for p in sorted(self.target)
        ]

    @classmethod
    def from_marks(cls, tokens: set[str] | frozenset[str]) -> Direction:
        origin = {t[7:] for t in tokens if t.startswith(f"{DIRECTION_MARK}from")}
        target = {t[5:] for t in tokens if t.startswith(f"{DIRECTION_MARK}to")}
        return cls(frozenset(origin), frozenset(target))


def direction(text: str) -> Direction:
    """Where the flow a text speaks of comes from and goes to, as far as it says.

    Parties named as a pair ("Taïwan et les USA", "US-Taiwan"), or as what an article is about
    ("l'article français", "the article on Taiwan"), say no direction. A text that asks both ways
    ("…, or the other way round?") has the direction of its first way, ``either_way``. A party at
    both ends is at neither."""
    text, either_way = both_ways(text)
    lex = lexicon()
    entries = concepts(fold(_HYPHEN_PAIR.sub(_split_pair, text)).split())
    found: list[tuple[int, str, str]] = []  # (where, party, "to", "from" or "")
    after: str | None = None  # "to" or "from" while a preposition waits for its party
    gap = 0
    for at, entry in enumerate(entries):
        if isinstance(entry, tuple):
            token = entry[0]
            if token in lex.parties:
                word = entry[1] if len(entry) > 1 else ""
                if after == "to" or (word in lex.adjectives and _on_soil(entries, at)):
                    found.append((at, token, "to"))
                elif after == "from" or word in lex.adjectives:
                    found.append((at, token, "from"))
                else:
                    found.append((at, token, ""))
            after = None
            continue
        if entry in _TOWARDS:
            after, gap = "to", 0
        elif entry in _FROM:
            after, gap = "from", 0
        elif after and entry in _SKIPPED and gap < 3:
            gap += 1
        else:
            after = None
    paired = _paired(entries, found)
    silent = paired | _about_an_article(entries, found, paired)
    origin = {p for at, p, end in found if end == "from" and at not in silent}
    target = {p for at, p, end in found if end == "to" and at not in silent}
    neutral = [p for at, p, end in found if not end and at not in silent]
    if target and not origin:
        origin = {p for p in neutral if p not in target}
    elif origin and not target:
        target = {p for p in neutral if p not in origin}
    both = origin & target
    return Direction(frozenset(origin - both), frozenset(target - both), either_way)


# Words that join two parties into a pair.
_PAIRING = frozenset("et and".split())
_ARTICLE_WORDS = frozenset("le la les l the".split())
# What a text calls the article it asks about, and the words between it and its subject.
_ARTICLE = frozenset(
    "article articles depeche papier piece story report texte text writer auteur".split()
)
_ABOUT = frozenset("sur about on concernant de du des".split()) | _ARTICLE_WORDS
# Nouns after which a party's adjective is where something goes ("on European soil").
_SOIL = frozenset("soil sol territoire territory shores".split())
# Hyphenated words of up to four parts ("Taïwan-États-Unis"): a longer chain names no pair, and
# looking for parties on each side of each hyphen costs the square of its length.
_HYPHEN_PAIR = re.compile(r"(?<![-‐–—/\w])\w+(?:[-‐–—/]\w+){1,3}(?![-‐–—/]?\w)")


def _word(entries: list, at: int) -> str | None:
    return entries[at] if 0 <= at < len(entries) and isinstance(entries[at], str) else None


def _on_soil(entries: list, at: int) -> bool:
    """Whether the adjective at ``at`` names the soil something goes to ("on European soil",
    "sur le sol européen")."""
    return _word(entries, at + 1) in _SOIL or _word(entries, at - 1) in _SOIL


def _split_pair(match: re.Match[str]) -> str:
    """A hyphenated word with a party on each side of a hyphen ("US-Taiwan",
    "Taïwan-États-Unis") written as a pair: "US et Taiwan". "États-Unis" stays whole."""
    parts = re.split(r"([-‐–—/])", match[0])
    out = parts[0]
    for i in range(1, len(parts), 2):
        left, right = "".join(parts[:i]), "".join(parts[i + 1 :])
        out += " et " if parties_in(left) and parties_in(right) else parts[i]
        out += parts[i + 1]
    return out


def _paired(entries: list, found: list[tuple[int, str, str]]) -> set[int]:
    """Where parties are named side by side as a pair: "X et Y", "X and the Y"."""
    paired: set[int] = set()
    for (first, _, _), (second, _, _) in itertools.pairwise(found):
        between = [e for e in entries[first + 1 : second] if e not in _ARTICLE_WORDS]
        if len(between) == 1 and between[0] in _PAIRING:
            paired |= {first, second}
    return paired


def _about_an_article(
    entries: list, found: list[tuple[int, str, str]], paired: set[int]
) -> set[int]:
    """Where a party names what an article is ("the French article", "l'article sur Taïwan"),
    and the party ``paired`` with it."""
    about: set[int] = set()
    for at, _, _ in found:
        if _word(entries, at + 1) in _ARTICLE:
            about.add(at)
            continue
        back = at - 1
        while back >= 0 and _word(entries, back) in _ABOUT and at - back <= 3:
            back -= 1
        if _word(entries, back) in _ARTICLE:
            about.add(at)
    for first, second in itertools.pairwise(found):
        if first[0] in about and first[0] in paired and second[0] in paired:
            about.add(second[0])
    return about


def parties_in(text: str) -> frozenset[str]:
    """The parties a text names (their concept tokens)."""
    parties = lexicon().parties
    return frozenset(
        entry[0]
        for entry in concepts(fold(text).split())
        if isinstance(entry, tuple) and entry[0] in parties
    )


def declared(flow: tuple[str, str]) -> Direction:
    """The direction a seed declares for its item: the parties named at each end."""
    origin, target = (parties_in(end) for end in flow)
    return Direction(origin - target, target - origin)


def flow_problem(flow: tuple[str, str]) -> str | None:
    """What is wrong with a declared flow, if anything: an end naming no party, or a party
    named at both ends (each end then loses it)."""
    origin, target = (parties_in(end) for end in flow)
    if not origin or not target:
        return "each end must name a party of the lexicon (bot/answer/lexicon.toml)"
    if origin & target:
        return "names the same party at both ends"
    return None


def direction_fit(asked: Direction, held: Direction) -> int:
    """1 when an item's direction is the one asked, -1 when it runs the other way, else 0. A
    question asked both ways is read one way at a time (``Direction.one_way``)."""
    if not asked or not held:
        return 0
    wrong = bool(asked.target & held.origin and not asked.target & held.target) or bool(
        asked.origin & held.target and not asked.origin & held.origin
    )
    if wrong:
        return -1
    return 1 if asked.target & held.target or asked.origin & held.origin else 0


def states(asked: Direction, held: Direction) -> bool:
    """Whether an item's flow is the one asked end to end: each party asked at one end is at
    that end of the item's (``direction_fit`` is content with one end)."""
    return bool(asked) and asked.origin <= held.origin and asked.target <= held.target


@dataclass(frozen=True)
class Constraints:
    """What a question pins down: ordinals, years, other numbers, parties, and partnerships
    named by a name of one word ("AMI", "EPPD")."""

    ordinals: frozenset[str]
    years: frozenset[str]
    numbers: frozenset[str]
    parties: frozenset[str]
    partnerships: frozenset[str] = frozenset()


def constraints(tokens: tuple[str, ...], names: frozenset[str] = frozenset()) -> Constraints:
    """``names``: the one-word names of partnerships (see ``one_word_names``)."""
    parties = lexicon().parties
    return Constraints(
        ordinals=frozenset(t for t in tokens if _ORDINAL.match(t)),
        years=frozenset(t for t in tokens if _YEAR.match(t)),
        numbers=frozenset(t for t in tokens if t.isdigit() and len(t) >= 2 and not _YEAR.match(t)),
        parties=frozenset(t for t in tokens if t in parties),
        partnerships=frozenset(t for t in tokens if t in names),
    )


def one_word_names(
    names: dict[str, tuple[str, str | None]],
) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """The analysed names of one term ("AMI", "EPPD") that name one partnership alone, from each
    partnership's "|"-separated analysed names and its source; by partnership, and by source.
    An item of a partnership or a source that a question does not name is about something
    else. Partnerships and items of one source share their names: the trade deal reported
    beside the EPPD talks is not "something else" to the EPPD."""
    owners: dict[str, set[str]] = {}
    for partnership, (text, _) in names.items():
        for name in text.split("|"):
            words = name.split()
            if len(words) == 1:
                owners.setdefault(words[0], set()).add(partnership)
    by_source: dict[str, set[str]] = {}
    for word, partnerships in owners.items():
        if len(partnerships) == 1:
            (partnership,) = partnerships
            by_source.setdefault(names[partnership][1] or partnership, set()).add(word)
    by_partnership = {
        partnership: frozenset(by_source.get(source or partnership, ()))
        for partnership, (_, source) in names.items()
        if by_source.get(source or partnership)
    }
    return by_partnership, {source: frozenset(words) for source, words in by_source.items()}


def acronyms(names: Iterable[str]) -> dict[str, frozenset[str]]:
    """Names of one word written in capitals ("AMI", "EPPD"), by their analysed term."""
    found: dict[str, set[str]] = {}
    for name in names:
        if WORD.fullmatch(name) and len(name) >= 2 and name.isupper():
            for term in index_text(name).split():
                found.setdefault(term, set()).add(name)
    return {term: frozenset(written) for term, written in found.items()}


def ordinals_of(held: set[str] | frozenset[str]) -> frozenset[str]:
    return frozenset(t for t in held if t.startswith(_ORDINAL_PREFIX) and _ORDINAL.match(t))


def ordinals_in(*texts: str) -> frozenset[str]:
    """The ordinals of analysed texts (their words split by white space), as ``ordinals_of``
    finds them in their words: one scan of each text rather than a look at every word."""
    return frozenset(found for text in texts for found in _ORDINAL_WORD.findall(text))


def contradictions(
    asked: Constraints, held: set[str] | frozenset[str], ordinals: frozenset[str] | None = None
) -> int:
    """How many things a question pins down that a candidate, by all its index words, does not.
    ``ordinals``: those ``held`` holds, when already known."""
    count = 0
    if ordinals is None:
        ordinals = ordinals_of(held)
    if asked.ordinals and ordinals and not asked.ordinals & ordinals:
        count += 1
    count += len(asked.years - held)
    count += len(asked.numbers - held)
    count += len(asked.parties - held)
    return count


def elsewhere(asked: Constraints, held: set[str] | frozenset[str], home: frozenset[str]) -> bool:
    """Whether a candidate is about another partnership than those a question names in one word
    ("the EPPD"): it belongs to one (its partnership's or its source's names: ``home``), and
    holds none of those named. An item of no partnership and no source (a server's own, linked
    to nothing) may be about anything."""
    return bool(asked.partnerships and home and not asked.partnerships & held)
