"""Attacks on storing what the analysis reads in each example beside it in examples.jsonl (4820fed:
``terms``, ``from``, ``to``; ``memory.parse`` returns the readings, ``memory.Memory`` takes them,
``memory.as_jsonl`` writes them, one JSON object a line).

Attacked: the round trip as_jsonl → parse → Memory for odd texts (quotes, backslashes, control
characters, line separators, emoji, empty and termless questions, 6,000 characters, digits,
amounts, non-Latin letters, apostrophes, hyphens, questions asked both ways, a text that looks
like a line of the file) and for any text; every token the lexicon can give; hand-edited and
merged files (readings on some examples only, ``from`` without ``to``, unknown keys, duplicate
keys, wrong types, lines that are not one JSON object, a header after the examples, a file of
before 4820fed, a file written by another analysis); a stale reading (caught by the comparison
the shipped-model test makes, never a crash); two loads at once in threads and
``AnswerEngine.warm`` loading while a question comes; what the loaded readings cost in memory.
Nothing else in the code base reads an example's analysis itself (only ``memory.read``); the
installed wheel ships examples.jsonl and answers like the source tree (checked by hand: it needs
a venv). "Guard": held when written; "Break": fails on 4820fed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import json
import random
import re
import tracemalloc
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answer import memory, normalize
from bot.answer.memory import Example, ExamplesFileError, Memory, Reading
from tests.support import entries_of, jsonl, loaded_at_once, read_otherwise

read_now = memory.read  # memory.read as it is, for the tests that count its calls


def kept(text: str) -> Reading:
    """What a Memory keeps of a text's reading: its pairs live in its counts only."""
    found = read_now(text)
    return Reading(found.terms, found.origin, found.target, None)


ODD_TEXTS = [
    'say "hi" \\ to the back\\slash \\u0041 \\',
    "tab\there\nnewline\r\x00\x1f\x7f\x85\u2028\u2029 end of the AMI",
    "🇫🇷🇹🇼 emoji 🤖 AMI ? 👍🏽",
    "",
    "   ",
    "?!…",
    "x" * 6000,
    ("Taiwanese investment in the US " * 200)[:6000],
    "Taiwanese investment in the US, or the other way round?",
    "Les investissements américains à Taïwan, ou l'inverse ?",
    "investissements taïwanais en France",
    "2024 2nd 1er 50 % 3€ $5 10bn 4,5 Md$",
    "Ωμέγα 東京 Москва عربى",
    "l'AMI d'aujourd'hui, rock-n-roll, US–Taiwan, franco-taïwanais",
    "ǅ ﬁ ß Æ œuvre ＡＭＩ",
    "<@123456789012345678> <#123> <:tw:987> when does the AMI close?",
    '"}\n{"q": "forged", "items": ["fr-tw-ami"], "terms": "forged"}\n{"about": "x"',
]


def readings_of(known: Memory) -> tuple[dict, dict, dict]:
    """What a Memory builds from its readings: postings, and the parties at each end."""

    def plain(index: dict) -> dict:
        return {key: list(found) for key, found in index.items()}

    return plain(known.postings), plain(known.origins), plain(known.targets)


def written(known: Memory, texts: list[str]) -> list[Reading]:
    """The readings the file holds for these texts: as the analysis reads them, but only with
    the pairs the memory counts (those PAIR_MIN examples hold)."""
    counted = {word for word in known.words if "+" in word}
    found = [memory.read(text) for text in texts]
    return [dataclasses.replace(r, pairs=r.pairs & counted or memory.NOBODY) for r in found]


def small_examples() -> list[Example]:
    return [
        Example("When does the AMI close?", frozenset({"fr-tw-ami", "fr-tw-ami-deadline"})),
        Example("Taiwanese investment in the US", frozenset({"us-tw-trade-deal"})),
        Example("US investment in Taiwan, or the other way round?", frozenset()),
        Example("quand ferme l'AMI ?", frozenset({"fr-tw-ami-deadline"})),
        Example("who won the football match?", frozenset()),
    ]


# The round trip --------------------------------------------------------------------------------


def test_odd_example_texts_come_back_from_the_file_as_they_were_read():
    """Guard: quotes, backslashes, control characters, U+0085/U+2028 (line breaks to
    str.splitlines, not to the file, split on newlines only), emoji, empty and termless
    questions, 6,000 characters, a text that looks like lines of the file (a forged example, a
    header), and examples asked both ways (no flow stored) come back from the file
    with the reading the analysis gives (its pairs of neighbouring terms too, in their order,
    those naive Bayes counts), and a Memory built from them indexes what one reading them again
    does, the words naive Bayes counts included."""
    examples = [
        Example(text, frozenset({f"item-{n % 3}"} if n % 2 else ()))
        for n, text in enumerate(ODD_TEXTS)
    ]
    again = Memory(examples)
    parsed, readings = memory.parse(memory.as_jsonl(again))
    assert parsed == examples
    assert readings == written(again, ODD_TEXTS)
    rebuilt = Memory(parsed, readings)
    assert readings_of(rebuilt) == readings_of(again)
    counted = [dict(zip(m.words, m.word_counts.tolist(), strict=True)) for m in (rebuilt, again)]
    assert counted[0] == counted[1]
    both_ways = ODD_TEXTS.index("Taiwanese investment in the US, or the other way round?")
    assert readings[both_ways].origin == readings[both_ways].target == frozenset()
    assert memory.read("investissements taïwanais en France") == Reading(
        frozenset({"en", "zfrance", "zinvestment", "ztaiwan"}),
        frozenset({"ztaiwan"}),
        frozenset({"zfrance"}),
        frozenset({"zinvestment+ztaiwan", "ztaiwan+en", "en+zfrance"}),
    )


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=300), min_size=1, max_size=4
    )
)
def test_any_text_comes_back_from_the_file_with_its_reading(texts):
    """Guard: whatever a member wrote (lone surrogates aside: Discord cannot send them), the file
    gives back the text and the reading the analysis gives it."""
    examples = [Example(text, frozenset()) for text in texts]
    known = Memory(examples)
    parsed, readings = memory.parse(memory.as_jsonl(known))
    assert parsed == examples
    assert readings == written(known, texts)


def test_every_token_the_lexicon_gives_survives_the_file():
    """Guard: the readings are written as words joined by spaces: a concept or a party whose
    token held a space or a quote (a lexicon key such as ``"made in"``) would come back as other
    terms, and the shipped-model test would fail after every retraining. Every concept, party and
    ordinal token is one word, and comes back whole as a term and as a party."""
    lex = normalize.lexicon()
    tokens = set(lex.words.values()) | lex.parties
    tokens |= {token for found in lex.phrases.values() for _, token in found}
    assert all(re.fullmatch(r"[a-z0-9]+", token) for token in tokens), sorted(tokens)
    reading = Reading(frozenset(tokens), lex.parties, lex.parties)
    known = Memory([Example("everything", frozenset())], [reading])
    assert memory.parse(memory.as_jsonl(known))[1] == [reading]


def test_line_separators_in_a_question_stay_on_its_line(examples_file):
    """Guard: the file is split on newlines only. A question holding U+2028 and U+0085 (line
    breaks to str.splitlines, which json.dumps leaves as they are), a carriage return, a tab, a
    newline (which it escapes) and an emoji comes back unchanged from ``parse`` and from
    ``load`` (which reads the file as text), on a line of its own: the file holds one line per
    example and the header."""
    odd = "quand ferme l'AMI\u2028?\x85 vraiment\rdis-moi\n\tquand 🤖 ?"
    examples = [*small_examples(), Example(odd, frozenset({"fr-tw-ami-deadline"}))]
    text = memory.as_jsonl(Memory(examples))
    assert text.endswith("\n")
    lines = text[:-1].split("\n")
    assert len(lines) == len(examples) + 1
    assert json.loads(lines[-1])["q"] == odd
    assert "\u2028" in lines[-1] and "\x85" in lines[-1]  # as they are: str.splitlines splits them
    assert len(text.splitlines()) > len(lines)
    parsed, readings = memory.parse(text)
    assert parsed == examples
    assert Memory(parsed, readings).readings == [kept(e.text) for e in examples]
    examples_file.write_text(text, encoding="utf-8")
    assert examples_file.read_bytes().count(b"\n") == len(examples) + 1
    assert memory.load().examples == examples


# Hand-edited, merged and other files -----------------------------------------------------------

GOOD = {"q": "Taiwanese investment in the US", "items": ["a"]}
ORIGIN_ONLY = "explique moi le partenariat franco taiwanais sur les semiconducteurs stp"


def line(*pairs: tuple[str, object]) -> str:
    """A line of JSON holding these keys and values in this order, a key twice if it comes
    twice (which no dict can hold): each key and value written by json."""
    held = (f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}" for key, value in pairs)
    return "{" + ", ".join(held) + "}"


def drop(keys: tuple[str, ...], *, first_only: bool = False):
    """An edit: these keys taken out of the examples (only out of the first example holding one
    of them, with ``first_only``)."""

    def edit(text: str) -> str:
        entries = entries_of(text)
        holding = [entry for entry in entries if "q" in entry and entry.keys() & set(keys)]
        for entry in holding[:1] if first_only else holding:
            for key in keys:
                entry.pop(key, None)
        return jsonl(entries)

    return edit


def unknown_keys(text: str) -> str:
    """An edit: a key of another version in the header, and one in every example."""
    header, *examples = entries_of(text)
    return jsonl([{"version": 2, **header}, *({"lang": "fr", **entry} for entry in examples)])


@pytest.mark.parametrize(
    "edit",
    [
        drop(("terms", "from", "to")),  # written before 4820fed
        drop(("terms",), first_only=True),  # a merge, an example added by hand
        drop(("terms",)),  # from and to left without terms
        unknown_keys,
    ],
    ids=["before-4820fed", "one-without", "from-to-without-terms", "unknown-keys"],
)
def test_a_hand_edited_or_older_file_gives_what_the_analysis_reads(edit):
    """Guard: a file without readings, with some only, with ``from`` and ``to`` left without
    ``terms``, with keys of another version, or with a ``from`` and no ``to`` (as the analysis
    reads "partenariat franco taiwanais"), loads, each example with what the analysis reads."""
    examples = [*small_examples(), Example(ORIGIN_ONLY, frozenset({"fr-tw-ami"}))]
    text = edit(memory.as_jsonl(Memory(examples)))
    (origin_only,) = [entry for entry in entries_of(text) if entry.get("q") == ORIGIN_ONLY]
    if "from" in origin_only:  # the one from without a to is there
        assert (origin_only["from"], origin_only.get("to")) == ("zfrance ztaiwan", None)
    parsed, readings = memory.parse(text)
    assert parsed == examples
    assert Memory(parsed, readings).readings == [kept(e.text) for e in examples]


def readings_file(*lines: str | dict | list) -> str:
    """A file with a header of this analysis and one example, then these lines (each object or
    list written by json)."""
    header = {"about": "edited by hand", "analysis": normalize.index_version()}
    rest = [
        found if isinstance(found, str) else json.dumps(found, ensure_ascii=False)
        for found in lines
    ]
    return jsonl([header, {**GOOD, "terms": "zusa ztaiwan zinvestment"}]) + "\n".join(rest)


OLD_TOML = '[[example]]\nq = "Taiwanese investment in the US"\nitems = ["a"]\nterms = "zusa"\n'


@pytest.mark.parametrize(
    ("text", "number"),
    [
        # A key twice: a hand edit keeping both values (a merge keeping both sides keeps two
        # lines, and the example twice).
        pytest.param(
            readings_file(line(*GOOD.items(), ("terms", "a"), ("terms", "b"))), 3, id="terms-twice"
        ),
        pytest.param(readings_file({**GOOD, "terms": ["zusa", "in"]}), 3, id="terms-a-list"),
        pytest.param(readings_file({**GOOD, "terms": "zusa", "from": 3}), 3, id="from-a-number"),
        pytest.param(
            readings_file({**GOOD, "terms": "zusa", "to": {"party": "zusa"}}), 3, id="to-an-object"
        ),
        pytest.param(
            readings_file(
                line(*GOOD.items(), ("terms", "zusa"), ("from", "ztaiwan"), ("from", "zusa"))
            ),
            3,
            id="from-twice",
        ),
        pytest.param(readings_file({**GOOD, "terms": "zusa", "pairs": None}), 3, id="pairs-null"),
        pytest.param(readings_file([{**GOOD, "terms": "x"}]), 3, id="a-list-not-an-object"),
        pytest.param(readings_file(line(*GOOD.items(), ("terms", "x"))[:-9]), 3, id="cut-short"),
        pytest.param(readings_file("", line(*GOOD.items(), ("terms", "x")) + ","), 4, id="comma"),
        pytest.param(OLD_TOML, 1, id="the-toml-of-before"),
        pytest.param(readings_file({"about": "x", "analysis": "y"}), 3, id="header-not-first"),
        # The items twice: the example silently out of scope.
        pytest.param(line(("q", "y"), ("items", ["a"]), ("items", [])), 1, id="items-twice"),
        # A first line that is an example without its text, not a header: never dropped.
        pytest.param(jsonl([{"items": ["a"], "terms": "x"}, GOOD]), 1, id="first-without-q"),
    ],
)
def test_a_file_with_readings_it_cannot_hold_is_reported_by_name(text, number):
    """Guard: duplicate keys, readings that are not one string of words, a line that is not one
    JSON object (a list, a line cut short, a stray comma, the TOML of before) and a header after
    the examples are refused with the file's name and the line, never taken half."""
    with pytest.raises(
        ExamplesFileError, match=rf"examples\.jsonl cannot be read \(line {number}:"
    ):
        memory.parse(text)


def test_a_file_read_by_another_analysis_is_read_again(examples_file, monkeypatch):
    """Break: examples.jsonl says nothing of the analysis that read it. The search index notes
    its own (``index_version``: the normaliser's version, the lexicon, PyStemmer's version) and
    is built again when it changes; the examples' readings are used as they are. A bot installed
    with a lexicon edited in place, or with another PyStemmer 3.x (the pin allows any) whose stems
    differ, keeps the stems of the machine that trained: a member's "bridge" reads ``zbridge``
    while the examples still hold ``bridg``, and no example of the question is close to it. Before
    4820fed every start read the examples with the running analysis."""
    examples = [Example("Is the bridge to Taiwan finished?", frozenset({"a"}))]
    examples_file.write_text(memory.as_jsonl(Memory(examples)), encoding="utf-8")
    written_with = normalize.index_version()
    shipped = normalize.lexicon()
    changed = dataclasses.replace(shipped, words={**shipped.words, "bridge": "zbridge"})
    monkeypatch.setattr(normalize, "lexicon", lambda: changed)
    assert normalize.index_version() != written_with  # the search index is built again
    now = kept(examples[0].text)
    assert "zbridge" in now.terms
    assert memory.load().readings == [now]


def test_one_example_without_its_reading_costs_only_its_own_reading(examples_file, monkeypatch):
    """Break: a file with every reading but one (an example added by hand or by a merge after the
    training) throws all the readings away and reads all 19,000 examples again: the 3.8 s start
    comes back with no word in the log, and the shipped-model test still passes (what is read
    again is what the analysis reads now). Only the example without its reading needs reading."""
    examples = small_examples()
    without = drop(("terms",), first_only=True)(memory.as_jsonl(Memory(examples)))
    examples_file.write_text(without, encoding="utf-8")
    read = []
    monkeypatch.setattr(memory, "read", lambda text: read.append(text) or read_now(text))
    loaded = memory.load()
    assert loaded.readings == [kept(e.text) for e in examples]
    assert read == [examples[0].text]


# A stale file ----------------------------------------------------------------------------------


async def test_a_stale_reading_is_caught_by_the_shipped_model_comparison_and_never_crashes(
    examples_file, engine
):
    """Guard: one stored term changed (and a party nobody knows) is flagged by the comparison
    test_the_shipped_model_is_what_the_training_script_fits makes, naming that example only; the
    bot loads the file all the same and answers, in both languages, the question it is about."""
    examples = small_examples()
    entries = entries_of(memory.as_jsonl(Memory(examples)))
    closing = next(entry for entry in entries if entry.get("terms") == "zcall zclose")
    assert "from" not in closing
    closing.update({"terms": "zcall zopen", "from": "zatlantis"})
    examples_file.write_text(jsonl(entries), encoding="utf-8")
    known = Memory(examples)  # what the training script reads now
    shipped = memory.load()
    assert shipped.examples == known.examples
    assert read_otherwise(shipped, known) == ["quand ferme l'AMI ?"]
    assert engine.memory is shipped
    for question in ("quand ferme l'AMI ?", "Taiwan investment in the US, not the other way?"):
        answer = await engine.ask(question)
        assert answer.text


def test_the_shipped_file_holds_a_reading_for_every_example():
    """Guard: the shipped-model test compares the loaded readings with what the analysis reads
    now, but load() reads a file without them again, so a file that lost them passes it. Here:
    the shipped file has a reading for every example, its terms are words, its parties the
    lexicon's, never at both ends."""
    text = resources.files("bot.answer").joinpath(memory.FILE).read_text(encoding="utf-8")
    examples, readings = memory.parse(text)
    assert readings is not None
    assert len(readings) == len(examples) > 10_000
    parties = normalize.lexicon().parties
    for example, reading in zip(examples, readings, strict=True):
        assert all(re.fullmatch(r"[a-z0-9]+", term) for term in reading.terms), example.text
        assert reading.origin | reading.target <= parties, example.text
        assert not reading.origin & reading.target, example.text


# At once ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("stored", [True, False])
def test_two_engines_loading_the_examples_at_once_read_the_same(examples_file, stored):
    """Guard: two threads load at once (a bot and a console engine, warm() and a first question);
    with the readings stored and without them (then both read with one shared stemmer, on words
    no cache holds yet), both get what one reading alone gets."""
    rng = random.Random(4820)
    words = ["".join(rng.choice("bcdfgklmnprstvz") for _ in range(9)) + "ings" for _ in range(400)]
    examples = [
        Example(" ".join(words[n : n + 6]) + " in Taiwan?", frozenset()) for n in range(300)
    ]
    if stored:
        text = memory.as_jsonl(Memory(examples))
    else:  # written by hand: as_jsonl would read them, and fill the stemmer's cache
        text = jsonl({"q": e.text, "items": []} for e in examples)
    examples_file.write_text(text, encoding="utf-8")
    loaded = loaded_at_once()
    expected = [kept(e.text) for e in examples]
    assert loaded[0].readings == loaded[1].readings == expected


async def test_a_question_while_warm_loads_the_examples_in_a_thread(examples_file, engine):
    """Guard: a question that comes while warm() loads the examples in its thread is answered,
    with the stored readings, as after warm()."""
    examples = small_examples()
    examples_file.write_text(memory.as_jsonl(Memory(examples)), encoding="utf-8")
    question = "When does the AMI close?"
    _, early = await asyncio.gather(engine.warm(), engine.ask(question))
    assert engine.memory.readings == [kept(e.text) for e in examples]
    assert (await engine.ask(question)).text == early.text


# Memory ----------------------------------------------------------------------------------------


def test_the_stored_readings_cost_no_more_memory_than_reading_the_examples_again():
    """Break: each term read from the file is a string of its own (``str.split``), where the
    analysis hands out one string per stem: the shipped examples take 55 MB of heap loaded from
    the file, 43 MB read again (33 MB before 4820fed, without the Reading objects). A bot pays
    12 MB more resident memory for the faster start; on these 2,000 examples, 16 % more."""
    rng = random.Random(7)
    words = (
        "when does the AMI close deadline Taiwanese investment in the US chips semiconductors "
        "partnership call France EPPD themes priority date limite investissements taïwanais en "
        "puces quand ferme who won match"
    ).split()
    examples = [
        Example(" ".join(rng.choice(words) for _ in range(8)) + f" {n % 50}?", frozenset({"a"}))
        for n in range(2000)
    ]
    text = memory.as_jsonl(Memory(examples))  # every stem now in the analysis' caches

    def heap(build) -> int:
        gc.collect()
        tracemalloc.start()
        try:
            kept = build()
            gc.collect()
            size, _ = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        del kept
        return size

    stored = heap(lambda: Memory(*memory.parse(text)))
    read_again = heap(lambda: Memory(memory.parse(text)[0]))
    assert stored <= read_again * 1.05, f"{stored:,} bytes from the file, {read_again:,} read"
