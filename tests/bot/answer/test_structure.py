"""How the direction of a flow is read from a question."""

import pytest

from bot.answer.structure import Direction, direction, direction_fit, states

TW, US, FR, EU = "ztaiwan", "zusa", "zfrance", "zeurope"


def flow(origin: set[str], target: set[str]) -> Direction:
    return Direction(frozenset(origin), frozenset(target))


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("how much do Taiwanese companies invest in the US?", flow({TW}, {US})),
        ("combien les entreprises américaines investissent à Taïwan ?", flow({US}, {TW})),
        ("investissements de la France vers Taïwan", flow({FR}, {TW})),
        ("could TSMC set up plants on European soil?", flow(set(), {EU})),
        ("des usines sur le sol européen ?", flow(set(), {EU})),
        ("how much do US firms put into Taiwan, not the other way round?", flow({US}, {TW})),
    ],
)
def test_a_flow_is_read_from_who_gives_and_who_receives(question, expected):
    assert direction(question) == expected


@pytest.mark.parametrize(
    "question",
    [
        # a pair of parties, not a flow between them
        "l'accord Taïwan-USA, c'est quoi ?",
        "what did the US-Taiwan talks decide?",
        "Taïwan et les Américains ont signé quoi en janvier ?",
        "the France and Taiwan partnership",
        # what an article is about
        "que dit l'article sur Taïwan et les USA ?",
        "the French article mentions which companies?",
        "dans l'article français, qui est cité ?",
    ],
)
def test_no_direction_where_the_question_names_none(question):
    assert not direction(question)


@pytest.mark.parametrize(
    "question",
    [
        "les 15 milliards, c'est Taïwan qui investit aux US ou l'inverse ?",
        "is the $250bn flowing from Taiwan into the US, or the other way round?",
        "Taiwanese investment in the US, or is it the reverse?",
        "Taïwan investit aux États-Unis ou c'est le contraire ?",
        "Taïwan investit aux États-Unis ou inversement ?",
        "Taïwan investit aux États-Unis, ou est-ce que c'est l'inverse ?",
        "Taiwan invests in the US, or conversely?",
        "Taiwan invests in the US, and vice versa?",
        "Taiwan invests in the US, or the other way ’round?",
        "Taiwan invests in the US ou l inverse",
    ],
)
def test_a_flow_asked_both_ways_keeps_its_first_way_and_is_read_each_way_strictly(question):
    asked = direction(question)
    assert asked == Direction(frozenset({TW}), frozenset({US}), either_way=True)
    first, second = asked.one_way(), asked.reversed()
    assert (direction_fit(first, flow({TW}, {US})), direction_fit(first, flow({US}, {TW}))) == (
        1,
        -1,
    )
    assert (direction_fit(second, flow({US}, {TW})), direction_fit(second, flow({TW}, {US}))) == (
        1,
        -1,
    )
    assert states(second, flow({US}, {TW})) and not states(first, flow({US}, {TW}))


def test_a_hyphenated_country_stays_one_party():
    assert direction("Taïwan investit aux États-Unis") == flow({TW}, {US})
    assert direction("l'accord Taïwan-États-Unis") == Direction()


@pytest.mark.parametrize(
    "question",
    [
        "Is Taiwanese investment in the US higher than reported, or the opposite, lower?",
        "Is Taiwanese investment in the US higher, or is it the opposite: lower?",
        "Does Taiwan invest in the US or the opposite side of the world?",
        "Taiwan invests in the US, not the other way round?",
        "C'est Taïwan qui investit aux États-Unis, pas l'inverse ?",
    ],
)
def test_the_opposite_of_something_else_or_a_denied_reverse_is_one_way(question):
    """ "The opposite" of a word or a place is no flow's reverse; a reverse denied is one way."""
    assert direction(question) == flow({TW}, {US})
