"""Ways the seed flows checked as the seeds are read (6664aff, ``knowledge.seed_problems`` passed
to ``seed.read``) still misled the operator, found by trying on 6d605a9: a bad flow went unlisted
when another item of its file was broken, and China's formal name was read as Taiwan, so a right
flow was refused as naming "the same party at both ends". Mended: the items of a broken file that
are valid on their own are checked all the same, and the lexicon names the People's Republic of
China. "Guard:" tests held from the start.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from bot.__main__ import main
from tests.support import edit_seed

# The Taiwanese investment expected in France, the one flow of the AMI's seed file.
ITEM = "fr-tw-ami-taiwan-investment"
FLOW = 'flow = ["Taïwan", "France, Europe"]'


def _cli(seeds_dir: Path, database: Path, *command: str) -> list[str]:
    return ["--seeds", str(seeds_dir), "--db", str(database), *command]


def test_seed_check_lists_a_bad_flow_beside_a_problem_of_the_same_file(
    seeds_copy, tmp_path, capsys
):
    """`seed check` is to "exit 1 listing the errors". With the AMI's flow ending in "Atlantis"
    and, in the same file, the call's paragraph written ``"huit"``, it lists the paragraph only:
    the item check runs on the items of files that passed their own checks, so one typo
    anywhere in fr-tw-ami.toml hides every flow of that file (in another file it is listed).
    The operator fixes the paragraph, runs the check again, and only then learns of the flow."""
    edit_seed(seeds_copy, FLOW, 'flow = ["Taïwan", "Atlantis"]')
    edit_seed(seeds_copy, "paragraph = 8", 'paragraph = "huit"')
    code = main(_cli(seeds_copy, tmp_path / "db.sqlite3", "seed", "check"))
    err = capsys.readouterr().err
    assert code == 1
    assert "paragraph" in err
    assert ITEM in err, err


def test_seed_check_reads_the_peoples_republic_of_china_as_china(seeds_copy, tmp_path, capsys):
    """``flow = ["Taïwan", "People's Republic of China"]`` (Taiwanese investment in China) is
    refused: "fr-tw-ami-taiwan-investment, field 'flow': names the same party at both ends".
    The lexicon's Taiwan names include "republic of china", which the longer name contains, so
    the end reads as Taiwan alone (no China). "République populaire de Chine", "RPC", "PRC" and
    "Chine" pass. The operator is told the flow runs from Taiwan to Taiwan and cannot see why;
    the flow is right and should pass (or, at worst, be refused for what it is)."""
    edit_seed(seeds_copy, FLOW, 'flow = ["Taïwan", "People\'s Republic of China"]')
    code = main(_cli(seeds_copy, tmp_path / "db.sqlite3", "seed", "check"))
    out = capsys.readouterr()
    assert "same party" not in out.err, out.err
    assert code == 0, out.err


def _loads(database: Path) -> list[tuple]:
    with closing(sqlite3.connect(database)) as conn:
        return conn.execute("SELECT fingerprint, items FROM seed_loads ORDER BY id").fetchall()


def test_guard_a_start_on_a_loaded_database_refuses_a_bad_flow_and_keeps_the_data(
    seeds_copy, tmp_path, capsys
):
    """Guard: a database loaded with good seeds, then a flow edited to ``["Taïwan", "Taipei"]``
    (the same party): `ask` and `console` stop with exit 1, naming the item and its field, no
    traceback, and the database keeps its last good load."""
    database = tmp_path / "db.sqlite3"
    assert main(_cli(seeds_copy, database, "seed", "load")) == 0
    before = _loads(database)
    edit_seed(seeds_copy, FLOW, 'flow = ["Taïwan", "Taipei"]')
    capsys.readouterr()
    for command in (("ask", "AMI", "deadline"), ("seed", "load")):
        code = main(_cli(seeds_copy, database, *command))
        err = capsys.readouterr().err
        assert code == 1, command
        assert f"item '{ITEM}', field 'flow'" in err, err
        assert "Traceback" not in err
    assert _loads(database) == before
