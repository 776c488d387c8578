"""Ways a seed's declared ``flow`` got past the operator, found by trying on b6e7a6e: `seed
check` passed a flow whose ends name the same party, so the item silently stated no direction
(or one end only); it left a flow naming no party out of its list when another seed had a
problem; and `seed load` (and so every start) took, without a word, the very flow `seed check`
refused. The flows are now checked by the answer engine's rules as each seed is read
(``knowledge.seed_problems``), for check and load alike.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.answer.engine import index_for
from store import seed
from tests.support import edit_seed

# The Taiwanese investment expected in France, the one flow of the AMI's seed file.
ITEM = "fr-tw-ami-taiwan-investment"
FLOW = 'flow = ["Taïwan", "France, Europe"]'


def _marks(seeds_dir: Path, item_id: str) -> list[str]:
    """The direction marks the item is indexed with."""
    [item] = [i for i in seed.read(seeds_dir).items if i.id == item_id]
    return [k for k in index_for(item).keywords.split() if k.startswith(("dirfrom", "dirto"))]


@pytest.mark.parametrize(
    "written",
    [
        'flow = ["Taïwan", "Taïwan"]',
        'flow = ["Taïwan", "Taipei"]',
        'flow = ["Taïwan, France", "France, Europe"]',
        'flow = ["Taïwan, France", "France, Taïwan"]',
    ],
)
def test_seed_check_fails_on_a_flow_with_a_party_at_both_ends(
    seeds_copy, tmp_path, capsys, written
):
    """A party named at both ends is dropped from both (structure.declared), so
    ``["Taïwan", "Taïwan"]`` (or "Taipei" for the other end, the same party) states no flow at
    all, and ``["Taïwan, France", "France, Europe"]`` states one from Taiwan to Europe, France
    gone. `seed check` only asks that each end name *a* party: it prints "seeds OK" and exits 0,
    and the item is indexed with no direction, or half of one. The suite's own guard
    (test_every_seed_flow_names_parties_at_both_ends) checks the shipped seeds with
    ``declared``; an operator's seeds get `seed check`, which should fail the same way, naming
    the item."""
    edit_seed(seeds_copy, FLOW, written)
    code = main(["--seeds", str(seeds_copy), "--db", str(tmp_path / "db.sqlite3"), "seed", "check"])
    out = capsys.readouterr()
    assert (code, ITEM in out.err) == (1, True), (out.out, _marks(seeds_copy, ITEM))


def test_seed_check_lists_a_flow_naming_no_party_beside_the_other_problems(
    seeds_copy, tmp_path, capsys
):
    """`seed check` is documented to "exit 1 listing every problem". With one item's paragraph
    broken in the EPPD's file and the AMI's flow ending in "Atlantis", it lists the paragraph
    only: the flow is looked at after seed.read succeeded, so the operator fixes the paragraph,
    runs the check again, and only then learns of the flow."""
    edit_seed(seeds_copy, FLOW, 'flow = ["Taïwan", "Atlantis"]')
    edit_seed(seeds_copy, "paragraph = 16", 'paragraph = "seize"', name="us-tw-eppd.toml")
    code = main(["--seeds", str(seeds_copy), "--db", str(tmp_path / "db.sqlite3"), "seed", "check"])
    err = capsys.readouterr().err
    assert code == 1
    assert "paragraph" in err
    assert ITEM in err, err


def test_seed_load_refuses_the_flow_seed_check_refuses(seeds_copy, tmp_path, capsys):
    """``flow = ["Taïwan", "Atlantis"]`` fails `seed check` (exit 1), but `seed load` loads it
    (exit 0, "loaded 65 seed items"), and so does every start (knowledge.ensure_seeds), with no
    log line: the bot runs with the item's flow silently cut to its origin. store.seed.load says
    it validates then loads; what `seed check` refuses it should refuse too, naming the item,
    and leave the database as it was."""
    edit_seed(seeds_copy, FLOW, 'flow = ["Taïwan", "Atlantis"]')
    database = tmp_path / "db.sqlite3"
    code = main(["--seeds", str(seeds_copy), "--db", str(database), "seed", "load"])
    out = capsys.readouterr()
    assert (code, ITEM in out.err) == (1, True), (out.out, _marks(seeds_copy, ITEM))
