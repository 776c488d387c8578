"""Attacks on the examples file as JSON Lines (44fbd2b: ``memory.parse``, ``memory.load``,
``memory.as_jsonl``; examples.jsonl shipped as package data), as a hostile or hand-edited file
and as an unlucky operator's.

Tried: CRLF line endings (held), a UTF-8 BOM (refused by name: held), a file cut short by a full
disk or an interrupted install (in the middle of a character, at a line's end, down to nothing),
an empty file, a file of blank lines, a header only, no file at all, a tail of NUL bytes (held),
a file in Latin-1 or UTF-16, huge lines, NaN/Infinity/numbers where strings are expected (held),
lines nested 100,000 deep, surrogates and odd Unicode in texts, texts that look like a header or a
line of the file, keys in another case (held), random texts written and read back through the
file (held), two processes loading at once (held), and `python -m bot ask` with a broken file.

By hand (it needs a venv and setuptools from the index): ``pip install .`` into a fresh venv,
then from /tmp the installed copy answered 150 of the shipped examples' questions exactly as the
tree does (``ask --json -``), its examples.jsonl byte for byte the tree's. With a broken file in
the installed copy, ``python -m bot ask "When does the AMI close?"`` printed a traceback of
44 to 52 lines (an ExamplesFileError, a bare UnicodeDecodeError or a RecursionError at its foot)
and exited 1; with an empty file, or none, it answered as if nothing were wrong.

"Break": fails on 44fbd2b; "Guard": held.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import tomllib
from fnmatch import fnmatch

import pytest

from bot.__main__ import main
from bot.answer import memory
from bot.answer.memory import Example, ExamplesFileError, Memory, Reading
from bot.answer.normalize import index_version
from tests.support import PROJECT

EXAMPLES = [
    Example("When does the AMI close?", frozenset({"fr-tw-ami", "fr-tw-ami-deadline"})),
    Example("quand ferme l'AMI avec Taïwan ?", frozenset({"fr-tw-ami-deadline"})),
    Example("Taiwanese investment in the US", frozenset({"us-tw-trade-deal"})),
    Example("investissements taïwanais en France", frozenset({"fr-tw-ami"})),
    Example("who won the football match?", frozenset()),
    Example("c'est quoi l'EPPD ?", frozenset({"us-tw-eppd"})),
]


def kept(text: str) -> Reading:
    """What a Memory keeps of a text's reading: its pairs live in its counts only."""
    found = memory.read(text)
    return Reading(found.terms, found.origin, found.target, None)


def counts(known: Memory) -> dict[str, list[float]]:
    return dict(zip(known.words, known.word_counts.tolist(), strict=True))


def shipped_text() -> str:
    return memory.as_jsonl(Memory(EXAMPLES))


# Cut short, empty, missing -----------------------------------------------------------------------


def _cut(lines: int) -> str:
    """The file as written, cut at the end of its line ``lines`` (the header is line 1)."""
    return "".join(shipped_text().splitlines(keepends=True)[:lines])


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="zero-bytes"),
        pytest.param("\n\n\n   \n", id="blank-lines"),
        pytest.param(_cut(1), id="header-only"),
        pytest.param(_cut(4), id="half-the-examples"),
        pytest.param(_cut(len(EXAMPLES)), id="all-but-the-last"),
    ],
)
def test_a_file_cut_short_at_a_lines_end_is_refused(examples_file, text):
    """Break: a file cut at the end of a line (a disk full while the training script writes it,
    an install interrupted, a bot starting while ``python -m tests.questions.train`` rewrites the
    file in place with ``write_text``), down to the header or to nothing, and a file of blank
    lines, load without a word: a memory of fewer examples, or of none. The bot then answers
    otherwise (with no examples, "What is the France-Taiwan AMI?" is answered with
    fr-tw-ami-process-excellence, not fr-tw-ami; "c'est quoi l'EPPD ?" with
    us-tw-eppd-sixth-round, not us-tw-eppd) and nothing tells the operator. The file says
    nothing of how many examples it holds, nor where it ends: it should (a count in the header,
    a last line), and a file that falls short be refused by name."""
    examples_file.write_text(text, encoding="utf-8")
    with pytest.raises(ExamplesFileError, match=r"examples\.jsonl"):
        memory.load()


def test_a_missing_examples_file_is_reported_by_name(examples_file):
    """Break: with examples.jsonl missing from the package (an install interrupted, a wheel
    built with package data that leaves ``*.jsonl`` out) ``load`` gives an empty memory, and
    the bot starts and answers otherwise, without a word (see above); model.toml missing is
    an error naming the file (FileNotFoundError, which ``python -m bot`` reports as
    "error: … model.toml")."""
    assert not examples_file.exists()
    with pytest.raises((ExamplesFileError, OSError), match=r"examples\.jsonl"):
        memory.load()


# Not UTF-8 ---------------------------------------------------------------------------------------


def _cut_in_a_letter() -> tuple[bytes, int]:
    written = shipped_text().encode("utf-8")
    at = written.index("ï".encode()) + 1  # in the middle of its two bytes
    return written[:at], written[:at].count(b"\n") + 1


def _edited_in_latin1() -> tuple[bytes, int]:
    lines = shipped_text().split("\n")
    number = next(n for n, line in enumerate(lines, start=1) if "ï" in line)
    lines[number - 1] = lines[number - 1].replace("ï", "\xef")  # as an editor in cp1252 saves it
    held = [line.encode("latin-1" if n == number else "utf-8") for n, line in enumerate(lines, 1)]
    return b"\n".join(held), number


def _saved_as_utf16() -> tuple[bytes, int]:
    return shipped_text().encode("utf-16"), 1  # Notepad's "Unicode"


@pytest.mark.parametrize(
    "broken",
    [_cut_in_a_letter, _edited_in_latin1, _saved_as_utf16],
    ids=["cut-in-a-letter", "one-line-in-latin-1", "utf-16"],
)
def test_a_file_that_is_not_utf8_is_refused_by_name_and_line(examples_file, broken):
    """Break: a file cut in the middle of a letter (a full disk: 'ï' is two bytes), a line
    saved again in Latin-1 by an editor, or the file saved as UTF-16, fail in ``read_text``
    with a bare UnicodeDecodeError ("'utf-8' codec can't decode byte 0xc3 in position 522:
    unexpected end of data"): neither the file nor the line is named, and ``python -m bot ask``
    ends in a traceback."""
    data, number = broken()
    examples_file.write_bytes(data)
    with pytest.raises(ExamplesFileError, match=rf"examples\.jsonl.*line {number}\b"):
        memory.load()


# Hostile lines -----------------------------------------------------------------------------------

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    "line",
    [
        '{"q": "When does the AMI close?", "items": ' + DEEP + "}",
        '{"q": "When does the AMI close?", "items": [], "note": ' + DEEP + "}",
        '{"about": ' + DEEP + ', "analysis": "x"}',
    ],
    ids=["items", "a-key-of-another-version", "header"],
)
def test_a_line_nested_too_deep_is_refused_by_name(line):
    """Break: a line nested 100,000 arrays deep (in the items, in a key the loader ignores, in
    a header) makes json recurse past Python's limit, and ``parse`` lets RecursionError out
    ("maximum recursion depth exceeded while decoding a JSON array from a unicode string"),
    naming neither the file nor the line: ``python -m bot ask`` ends in a 52-line traceback.
    model.parse catches RecursionError for the same attack on model.toml
    (test_a_model_file_nested_too_deep_is_refused_by_name)."""
    header = json.dumps({"about": "edited by hand", "analysis": index_version()})
    first = json.dumps({"q": "quand ferme l'AMI ?", "items": ["fr-tw-ami-deadline"]})
    text, number = (line, 1) if line.startswith('{"about"') else (f"{header}\n{first}\n{line}", 3)
    with pytest.raises(
        ExamplesFileError, match=rf"examples\.jsonl cannot be read \(line {number}:"
    ):
        memory.parse(text)


BIG = "When does the AMI close? " * 40_000  # a million letters


@pytest.mark.parametrize(
    "entry",
    [{"q": BIG, "items": "fr-tw-ami"}, {"q": "x", "items": ["a"], "terms": ["zami"] * 200_000}],
    ids=["items-a-string", "terms-a-list"],
)
def test_a_huge_bad_line_gives_a_message_of_a_few_lines(entry):
    """Break: the message quotes the whole entry (``{entry!r}``): a bad line of a megabyte
    gives a message of a megabyte, printed to the terminal and to the bot's log, the file's
    name and line lost above it. A valid line of a million letters loads (held, below)."""
    with pytest.raises(ExamplesFileError, match=r"examples\.jsonl cannot be read \(line 1:") as e:
        memory.parse(json.dumps(entry))
    assert len(str(e.value)) < 2_000, len(str(e.value))


def test_a_huge_valid_line_loads():
    """Guard: a question of a million letters is taken whole."""
    (example,), _ = memory.parse(json.dumps({"q": BIG, "items": ["fr-tw-ami"]}))
    assert example == Example(BIG, frozenset({"fr-tw-ami"}))


# What the operator sees ---------------------------------------------------------------------------


def test_a_load_error_names_the_files_path(examples_file):
    """Break: the message says "examples.jsonl", never where: an operator with the package in
    a venv, a user site and a source tree is not told which copy to reinstall. ``load`` knows
    the path and does not pass it to ``parse``."""
    examples_file.write_text(shipped_text() + '{"q": "x"}\n', encoding="utf-8")
    with pytest.raises(ExamplesFileError) as raised:
        memory.load()
    assert str(examples_file) in str(raised.value)


def test_ask_with_a_broken_examples_file_prints_one_line_and_exits_1(
    examples_file, tmp_path, capsys
):
    """Break: ``python -m bot ask "When does the AMI close?"`` with an example missing its items
    (an installed copy checked by hand: the same) lets ExamplesFileError out of ``main``: a
    50-line traceback, the message at its foot. ``main`` reports a ConfigError, a StoreError,
    a seed problem or an OSError as one line, "error: …", and exits 1; a broken examples file
    (and ``run``, ``console``: the engine's warm-up loads it) deserves the same."""
    lines = shipped_text().count("\n")
    examples_file.write_text(shipped_text() + '{"q": "x"}\n', encoding="utf-8")
    code = main(["--db", str(tmp_path / "db.sqlite3"), "ask", "When does the AMI close?"])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    assert re.search(rf"examples\.jsonl.*line {lines + 1}\b", err), err


# Guards: what an unlucky operator's file does ----------------------------------------------------


def test_a_file_checked_out_with_crlf_loads_as_written(examples_file):
    """Guard: examples.jsonl checked out with CRLF line endings (git's autocrlf on Windows)
    loads the same examples with the same readings, and ``parse`` reads the text as is too
    (json takes the CR for white space)."""
    text = shipped_text()
    examples_file.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    loaded = memory.load()
    assert loaded.examples == EXAMPLES
    assert loaded.readings == [kept(e.text) for e in EXAMPLES]
    assert memory.parse(text.replace("\n", "\r\n")) == memory.parse(text)


@pytest.mark.parametrize(
    ("data", "number"),
    [
        pytest.param(b"\xef\xbb\xbf" + shipped_text().encode("utf-8"), 1, id="utf-8-bom"),
        pytest.param(shipped_text().encode("utf-8")[:200] + b"\x00" * 4096, 1, id="nul-tail"),
        pytest.param(shipped_text().encode("utf-8") + b"\x00" * 4096, 8, id="nul-block-after"),
    ],
)
def test_a_bom_or_a_tail_of_nul_bytes_is_refused_by_name_and_line(examples_file, data, number):
    """Guard: a BOM an editor added, and the NUL bytes a crash leaves where the end of a file
    should be, are refused, naming the file and the line."""
    examples_file.write_bytes(data)
    with pytest.raises(
        ExamplesFileError, match=rf"examples\.jsonl cannot be read \(line {number}:"
    ):
        memory.load()


HEADER = json.dumps({"about": "edited by hand", "analysis": index_version()})


@pytest.mark.parametrize(
    "line",
    [
        '{"q": NaN, "items": []}',
        '{"q": Infinity, "items": ["a"]}',
        '{"q": 12, "items": ["a"]}',
        '{"q": "x", "items": [NaN]}',
        '{"q": "x", "items": "a"}',
        '{"q": "x", "items": ["a"], "terms": NaN}',
        '{"q": "x", "items": ["a"], "terms": "zami", "from": -Infinity}',
        '{"q": "x", "items": [' + "9" * 5000 + "]}",
        '{"Q": "x", "Items": ["a"]}',
        '{"Q": "x", "items": ["a"], "terms": "zami"}',
    ],
)
def test_numbers_and_keys_in_another_case_are_refused_by_name(line):
    """Guard: NaN, Infinity, numbers (one of 5,000 digits too) where a string is expected,
    and the text's key in another case, are refused with the file and the line."""
    with pytest.raises(ExamplesFileError, match=r"examples\.jsonl cannot be read \(line 2:"):
        memory.parse(f"{HEADER}\n{line}\n")


def test_keys_of_a_reading_in_another_case_leave_the_analysis_to_read_it():
    """Guard: "Terms", "FROM" (a hand edit) are keys the loader does not know: the example is
    read as the analysis reads it, not taken with no terms; a header in another case is an
    example without its text, refused."""
    text = (
        f'{HEADER}\n{{"q": "When does the AMI close?", "items": ["a"], "Terms": "zx", "FROM": ""}}'
    )
    (example,), (reading,) = memory.parse(text)
    assert reading is None
    assert Memory([example], [reading]).readings == [kept(example.text)]
    with pytest.raises(ExamplesFileError, match=r"line 1:"):
        memory.parse('{"About": "x", "Analysis": "y"}\n{"q": "x", "items": []}')


# Guards: round trips of random texts through the file ---------------------------------------------

ODD = (
    "\x00\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\u200b"
    "\u200d\u0301\u0308\u202e\u00ad\r\n\t\"\\'+-–’.,?!%$€{}[]:"
)
WORDS = (
    "AMI Taïwan France US chips semi-conducteurs investissement when does close quand ferme "
    "l'AMI EPPD 2025 firms invest franco-taïwanais ＡＭＩ ǅ ﬁ ß İstanbul ΣΑΣ Москва 東京 🤖 "
    "🇫🇷 👍🏽 café cafe\u0301 naïve"
).split()
LOOKALIKES = [  # texts that look like lines of the file, or a header
    HEADER,
    '{"about": "x"}',
    '{"q": "forged", "items": ["fr-tw-ami"]}\n{"about": "y", "analysis": "z"}',
    '"}\r\n{"q": "x", "items": []}',
]


def random_text(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(0, 12)):
        pick = rng.random()
        if pick < 0.5:
            parts.append(rng.choice(WORDS))
        elif pick < 0.8:
            parts.append(rng.choice(ODD))
        elif pick < 0.95:
            parts.append(chr(rng.randint(0x20, 0x2FFF)))
        else:
            parts.append(rng.choice(LOOKALIKES))
        parts.append(rng.choice([" ", "", rng.choice(ODD)]))
    return "".join(parts)


def test_random_texts_come_back_from_the_file_with_their_items_and_readings(examples_file):
    """Guard: 200 memories of random texts (Unicode white space, NEL, line and paragraph
    separators, CR, NUL, a BOM inside a text, combining marks, emoji, texts that look like a
    header or like lines of the file) and items with odd ids, written with ``as_jsonl`` to the
    file and loaded from it, give back the same examples, the same readings and the same
    word counts."""
    rng = random.Random(44)
    ids = ["fr-tw-ami", "a\nb", "é ï", '"', ""]
    for _ in range(200):
        examples = [
            Example(random_text(rng), frozenset(rng.sample(ids, rng.randint(0, 2))))
            for _ in range(rng.randint(1, 6))
        ]
        known = Memory(examples)
        examples_file.write_text(memory.as_jsonl(known), encoding="utf-8")
        memory.load.cache_clear()
        loaded = memory.load()
        assert loaded.examples == examples
        assert loaded.readings == known.readings == [kept(e.text) for e in examples]
        assert counts(loaded) == counts(known)


# Guards: at once, and installed -----------------------------------------------------------------

_LOAD = """
import hashlib, json, sys, types
from pathlib import Path
from bot.answer import memory
folder = Path(sys.argv[1])
memory.resources = types.SimpleNamespace(files=lambda package: folder)
known = memory.load()
counted = sorted(zip(known.words, known.word_counts.tolist()))
print(json.dumps([len(known.examples), hashlib.sha256(repr(counted).encode()).hexdigest()]))
"""


@pytest.mark.slow
def test_two_processes_loading_at_once_read_the_same(examples_file):
    """Guard: two processes (a bot and a `python -m bot ask`) load one file at once: each
    reads the same examples and counts the same words."""
    rng = random.Random(7)
    examples = [
        Example(random_text(rng), frozenset({f"item-{n % 5}"} if n % 3 else ())) for n in range(400)
    ]
    examples_file.write_text(memory.as_jsonl(Memory(examples)), encoding="utf-8")
    running = [
        subprocess.Popen(
            [sys.executable, "-c", _LOAD, str(examples_file.parent)],
            cwd=PROJECT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    said = [json.loads(process.communicate(timeout=120)[0]) for process in running]
    assert [process.returncode for process in running] == [0, 0]
    assert said[0] == said[1]
    assert said[0][0] == len(examples)


def test_the_package_ships_the_examples_file():
    """Guard: the wheel's package data takes examples.jsonl (an installed copy, checked by
    hand, answers as the tree does); no examples.toml is left to ship beside it."""
    config = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = config["tool"]["setuptools"]["package-data"]["bot"]
    assert any(fnmatch(f"answer/{memory.FILE}", pattern) for pattern in shipped), shipped
    assert (PROJECT / "bot" / "answer" / memory.FILE).is_file()
    assert not (PROJECT / "bot" / "answer" / "examples.toml").exists()
