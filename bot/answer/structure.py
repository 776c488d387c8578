"""What words alone cannot decide: the direction of a flow, and constraints a candidate breaks.

Direction is read from a question (and from a server's own item's text): a party's adjective
("Taiwanese companies", "investissements taïwanais") says where something comes from, a party
after "in / into / to / à / aux / en / vers" where it goes; a party named with neither is the
other end when one end is known. A seed item's direction is declared in its seed (``flow``).
Ordinals, years, numbers and parties named in a question that a candidate does not hold count
against it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.answer.normalize import WORD, concept_token, concepts, fold, index_text, lexicon

# Prepositions after which a party is where something goes.
_TOWARDS = frozenset(
    "in into to towards toward onto inside a aux au en vers dans sur chez pour for".split()
)
# Prepositions after which a party is where something comes from.
_FROM = frozenset("from depuis provenance".split())
_SKIPPED = frozenset("the le la les l sol soil territoire territory of du de des d".split())
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_ORDINAL_PREFIX = concept_token("ord")
_ORDINAL = re.compile("^" + _ORDINAL_PREFIX + r"\d+$")
DIRECTION_MARK = "dir"  # index marks: "dirfromtaiwan", "dirtousa"


@dataclass(frozen=True)
class Direction:
    origin: frozenset[str] = frozenset()
    target: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.origin or self.target)

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
    """Where the flow a text speaks of comes from and goes to, as far as it says."""
    lex = lexicon()
    entries = concepts(fold(text).split())
    origin: set[str] = set()
    target: set[str] = set()
    neutral: list[str] = []
    after: str | None = None  # "to" or "from" while a preposition waits for its party
    gap = 0
    for entry in entries:
        if isinstance(entry, tuple):
            token = entry[0]
            if token in lex.parties:
                word = entry[1] if len(entry) > 1 else ""
                if after == "to":
                    target.add(token)
                elif after == "from" or word in lex.adjectives:
                    origin.add(token)
                else:
                    neutral.append(token)
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
    if target and not origin:
        origin = {p for p in neutral if p not in target}
    elif origin and not target:
        target = {p for p in neutral if p not in origin}
    both = origin & target
    return Direction(frozenset(origin - both), frozenset(target - both))


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
    """1 when an item's direction is the one asked, -1 when it runs the other way, else 0."""
    if not asked or not held:
        return 0
    wrong = bool(asked.target & held.origin and not asked.target & held.target) or bool(
        asked.origin & held.target and not asked.origin & held.origin
    )
    if wrong:
        return -1
    return 1 if asked.target & held.target or asked.origin & held.origin else 0


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
