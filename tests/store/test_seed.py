"""store.seed: reading seed files, every problem named, and loading them idempotently and
atomically, admin rows kept."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime

import pytest

from bot.answer.engine import index_for
from bot.answer.structure import flow_problem
from store import seed
from store.seed import SeedError
from tests.support import SEEDS, edit_seed


def test_invalid_toml_names_the_file(seeds_copy):
    (seeds_copy / "broken.toml").write_text("[source\nid = ", encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        seed.read(seeds_copy)
    assert "broken.toml" in str(caught.value)
    assert "not valid TOML" in str(caught.value)


def test_bad_field_names_file_item_and_field(seeds_copy):
    edit_seed(seeds_copy, 'timezone = "Europe/Paris"', 'timezone = "Europe/Lutece"')
    with pytest.raises(SeedError) as caught:
        seed.read(seeds_copy)
    problem = caught.value.problems[0]
    assert problem.file == "fr-tw-ami.toml"
    assert problem.field == "timezone"
    assert problem.item and problem.item.startswith("fr-tw-ami")
    assert "Europe/Lutece" in str(problem)


def test_missing_field_and_unknown_field_are_reported(seeds_copy):
    edit_seed(seeds_copy, "title_en =", "titel_en =")
    with pytest.raises(SeedError) as caught:
        seed.read(seeds_copy)
    messages = [str(p) for p in caught.value.problems]
    assert any("'title_en': is missing" in m for m in messages)
    assert any("'titel_en': is not a known field" in m for m in messages)


def test_duplicate_id_and_dangling_partnership(seeds_copy):
    text = (seeds_copy / "fr-tw-ami.toml").read_text(encoding="utf-8")
    first_id = re.search(r'^id = "(fr-tw-ami-[^"]+)"', text, re.M).group(1)
    edit_seed(seeds_copy, f'id = "{first_id}"', 'id = "fr-tw-ami"')
    edit_seed(seeds_copy, 'partnership = "fr-tw-ami"', 'partnership = "nowhere"')
    with pytest.raises(SeedError) as caught:
        seed.read(seeds_copy)
    messages = " ".join(str(p) for p in caught.value.problems)
    assert "id used more than once" in messages
    assert "'nowhere' is not the id of a partnership" in messages


def test_a_missing_field_does_not_hide_the_other_problems_of_its_item(seeds_copy):
    edit_seed(
        seeds_copy,
        'due = 2025-05-15\ntimezone = "Europe/Paris"',
        'due = "soon"\nzone = "Europe/Paris"',
    )
    with pytest.raises(SeedError) as caught:
        seed.read(seeds_copy)
    problems = {(p.file, p.item, p.field, p.message) for p in caught.value.problems}
    assert problems == {
        ("fr-tw-ami.toml", "fr-tw-ami-deadline", "timezone", "is missing"),
        ("fr-tw-ami.toml", "fr-tw-ami-deadline", "zone", "is not a known field (a typo?)"),
        ("fr-tw-ami.toml", "fr-tw-ami-deadline", "due", "must be a TOML date or date-time"),
    }


def test_a_broken_partnership_is_not_reported_again_by_the_items_naming_it(seeds_copy):
    edit_seed(seeds_copy, 'id = "fr-tw-ami"\n', 'id = "fr-tw-ami"\nfunding = 1\n')
    with pytest.raises(SeedError) as caught:
        seed.read(seeds_copy)
    assert [str(p) for p in caught.value.problems] == [
        "fr-tw-ami.toml, item 'fr-tw-ami', field 'funding': is not a known field (a typo?)"
    ]


def test_an_id_used_twice_is_reported_where_it_is_repeated(seeds_copy):
    edit_seed(seeds_copy, 'id = "us-tw-trade-deal"', 'id = "fr-tw-ami"', name="us-tw-eppd.toml")
    with pytest.raises(SeedError) as caught:
        seed.read(seeds_copy)
    assert [str(p) for p in caught.value.problems if p.field == "id"] == [
        "us-tw-eppd.toml, item 'fr-tw-ami', field 'id': id used more than once"
    ]


TOO_LARGE_FLOAT = "is too large (TOML reads it as inf); must be below 1.8e308"
OUT_OF_RANGE = "must fall between the years 3 and 9998 in UTC"
PARIS_DEADLINE = 'due = 2025-05-15\ntimezone = "Europe/Paris"'
BAD_VALUES = [
    ("value = 60", "value = nan", "value", "must be a number, zero or more; got nan"),
    ("value = 60", "value = inf", "value", TOO_LARGE_FLOAT),
    ("value = 60", "value = 1e400", "value", TOO_LARGE_FLOAT),
    ("value = 60", "value = 1" + "0" * 400, "value", "is too large; must be below 1.8e308"),
    (
        "value = 60",
        "value = 60\nvalue_max = nan",
        "value_max",
        "must be a number, zero or more; got nan",
    ),
    (
        PARIS_DEADLINE,
        'due = 0001-01-01T00:00:00\ntimezone = "Europe/Paris"',
        "due",
        f"{OUT_OF_RANGE}; got 0001-01-01T00:00:00 in Europe/Paris",
    ),
    (
        PARIS_DEADLINE,
        'due = 0001-01-01\ntimezone = "UTC"',
        "due",
        f"{OUT_OF_RANGE}; got 0001-01-01 in UTC",
    ),
    (
        PARIS_DEADLINE,
        'due = 9999-12-31\ntimezone = "America/New_York"',
        "due",
        f"{OUT_OF_RANGE}; got 9999-12-31 in America/New_York",
    ),
    (
        PARIS_DEADLINE,
        'due = 9999-12-31T23:00:00-05:00\ntimezone = "Europe/Paris"',
        "due",
        f"{OUT_OF_RANGE}; got 9999-12-31T23:00:00-05:00 in Europe/Paris",
    ),
]


@pytest.mark.parametrize(("old", "new", "field", "message"), BAD_VALUES)
def test_a_value_that_cannot_be_stored_or_shown_is_one_problem(
    seeds_copy, old, new, field, message
):
    edit_seed(seeds_copy, old, new)
    with pytest.raises(SeedError) as caught:
        seed.read(seeds_copy)
    [problem] = caught.value.problems
    assert (problem.file, problem.field, problem.message) == ("fr-tw-ami.toml", field, message)


@pytest.mark.parametrize(("old", "new", "field", "message"), BAD_VALUES)
async def test_a_value_that_cannot_be_stored_or_shown_is_never_loaded(
    store, seeds_copy, old, new, field, message
):
    await seed.load(store, seeds_copy, index_for)
    before = await _rows(store)
    edit_seed(seeds_copy, old, new)
    with pytest.raises(SeedError, match=re.escape(message)):
        await seed.load(store, seeds_copy, index_for)
    assert await _rows(store) == before


def test_seed_check_lists_each_bad_value_and_seed_load_writes_nothing(seeds_copy, tmp_path, capsys):
    from bot.__main__ import main

    edit_seed(seeds_copy, "value = 60", "value = nan")
    edit_seed(seeds_copy, "value = 450000000", "value = 1e400")
    edit_seed(seeds_copy, "due = 2025-05-15", "due = 0001-01-01T00:00:00")
    database = tmp_path / "db.sqlite3"
    assert main(["--seeds", str(seeds_copy), "--db", str(database), "seed", "check"]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "The seed files have 3 problem(s):"
    assert [line.split("field ")[1] for line in lines[1:]] == [
        f"'due': {OUT_OF_RANGE}; got 0001-01-01T00:00:00 in Europe/Paris",
        "'value': must be a number, zero or more; got nan",
        f"'value': {TOO_LARGE_FLOAT}",
    ]
    assert main(["--seeds", str(seeds_copy), "--db", str(database), "seed", "load"]) == 1
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT count(*) FROM items").fetchone() == (0,)


def test_empty_directory_is_an_error(tmp_path):
    with pytest.raises(SeedError, match="no seed files"):
        seed.read(tmp_path)


async def _rows(store) -> dict[str, list[tuple]]:
    tables = [
        "sources",
        "items",
        "item_terms",
        "partnerships",
        "partnership_points",
        "deadlines",
        "figures",
        "facts",
        "search_index",
        "seed_loads",
    ]
    result = {}
    for table in tables:
        async with store.conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2") as cur:  # noqa: S608
            result[table] = [tuple(row) for row in await cur.fetchall()]
    return result


async def test_loading_twice_gives_the_same_rows(store):
    await seed.load(store, SEEDS, index_for)
    first = await _rows(store)
    await seed.load(store, SEEDS, index_for)
    assert await _rows(store) == first
    assert len(first["items"]) == len(seed.read(SEEDS).items)


async def test_broken_seed_leaves_the_store_as_it_was(store, seeds_copy):
    await seed.load(store, seeds_copy, index_for)
    before = await _rows(store)
    edit_seed(seeds_copy, 'timezone = "Europe/Paris"', "timezone = 42")
    with pytest.raises(SeedError):
        await seed.load(store, seeds_copy, index_for)
    assert await _rows(store) == before


async def test_failure_inside_the_transaction_rolls_back(store, seeds_copy):
    await seed.load(store, seeds_copy, index_for)
    before = await _rows(store)
    edit_seed(seeds_copy, 'title_en = "', 'title_en = "Changed ')

    def failing_index(item):
        if item.kind == "fact":
            raise RuntimeError("disk full")
        return index_for(item)

    with pytest.raises(RuntimeError):
        await seed.load(store, seeds_copy, failing_index)
    assert await _rows(store) == before


async def test_reload_keeps_admin_rows_and_drops_removed_seed_rows(store, seeds_copy):
    from store import items as items_sql
    from store.items import admin_deadline

    await seed.load(store, seeds_copy, index_for)
    admin = admin_deadline(
        "admin-1",
        42,
        "Nouvelle échéance",
        "New deadline",
        datetime(2027, 1, 1, tzinfo=UTC),
    )
    async with store.transaction() as conn:
        await items_sql.upsert(conn, admin, index_for(admin))
    (seeds_copy / "us-tw-eppd.toml").unlink()
    report = await seed.load(store, seeds_copy, index_for)
    assert report.removed > 0
    remaining = await items_sql.ids_by_origin(store.conn, "seed")
    assert remaining and not any(i.startswith("us-tw") for i in remaining)
    assert await items_sql.get(store.conn, "admin-1") == admin


def test_every_seed_item_lists_its_ways_of_asking_in_both_languages():
    seeds = seed.read(SEEDS)
    assert seed.few_ways_of_asking(seeds) == []
    asked = [q for item in seeds.items for q in (*item.questions_fr, *item.questions_en)]
    assert len(asked) == len(set(asked))  # no question listed twice


def test_seed_check_notes_items_with_few_ways_of_asking(seeds_copy):
    path = seeds_copy / "fr-tw-ami.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("questions_fr = [")
    end = text.index("]", start) + 1
    path.write_text(text[:start] + "questions_fr = [\"c'est quoi l'AMI ?\"]" + text[end:])
    seeds = seed.read(seeds_copy)
    assert seed.few_ways_of_asking(seeds) == ["fr-tw-ami"]


FLOW = 'flow = ["Taïwan", "France, Europe"]'


@pytest.mark.parametrize(
    "written", ['flow = ["Taïwan"]', 'flow = "Taïwan"', 'flow = ["Taïwan", ""]', "flow = [1, 2]"]
)
def test_a_flow_is_two_ends(seeds_copy, written):
    edit_seed(seeds_copy, FLOW, written)
    with pytest.raises(SeedError) as caught:
        seed.read(seeds_copy)
    [problem] = caught.value.problems
    assert (problem.item, problem.field) == ("fr-tw-ami-taiwan-investment", "flow")


def test_every_seed_flow_names_parties_at_both_ends():
    flows = [item.flow for item in seed.read(SEEDS).items if item.flow]
    assert flows
    assert [flow_problem(flow) for flow in flows] == [None] * len(flows)
