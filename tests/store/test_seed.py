"""store.seed: reading seed files, every problem named, and loading them idempotently and
atomically, admin rows kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.answer.engine import index_for
from store import seed
from store.seed import SeedError
from tests.support import SEEDS


def _break(seeds_dir: Path, old: str, new: str, name: str = "fr-tw-ami.toml") -> None:
    path = seeds_dir / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_invalid_toml_names_the_file(seeds_copy):
    (seeds_copy / "broken.toml").write_text("[source\nid = ", encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        seed.read(seeds_copy)
    assert "broken.toml" in str(caught.value)
    assert "not valid TOML" in str(caught.value)


def test_bad_field_names_file_item_and_field(seeds_copy):
    _break(seeds_copy, 'timezone = "Europe/Paris"', 'timezone = "Europe/Lutece"')
    with pytest.raises(SeedError) as caught:
        seed.read(seeds_copy)
    problem = caught.value.problems[0]
    assert problem.file == "fr-tw-ami.toml"
    assert problem.field == "timezone"
    assert problem.item and problem.item.startswith("fr-tw-ami")
    assert "Europe/Lutece" in str(problem)


def test_missing_field_and_unknown_field_are_reported(seeds_copy):
    _break(seeds_copy, "title_en =", "titel_en =")
    with pytest.raises(SeedError) as caught:
        seed.read(seeds_copy)
    messages = [str(p) for p in caught.value.problems]
    assert any("'title_en': is missing" in m for m in messages)
    assert any("'titel_en': is not a known field" in m for m in messages)


def test_duplicate_id_and_dangling_partnership(seeds_copy):
    text = (seeds_copy / "fr-tw-ami.toml").read_text(encoding="utf-8")
    first_id = re.search(r'^id = "(fr-tw-ami-[^"]+)"', text, re.M).group(1)
    _break(seeds_copy, f'id = "{first_id}"', 'id = "fr-tw-ami"')
    _break(seeds_copy, 'partnership = "fr-tw-ami"', 'partnership = "nowhere"')
    with pytest.raises(SeedError) as caught:
        seed.read(seeds_copy)
    messages = " ".join(str(p) for p in caught.value.problems)
    assert "id used more than once" in messages
    assert "'nowhere' is not the id of a partnership" in messages


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
    _break(seeds_copy, 'timezone = "Europe/Paris"', "timezone = 42")
    with pytest.raises(SeedError):
        await seed.load(store, seeds_copy, index_for)
    assert await _rows(store) == before


async def test_failure_inside_the_transaction_rolls_back(store, seeds_copy):
    await seed.load(store, seeds_copy, index_for)
    before = await _rows(store)
    _break(seeds_copy, 'title_en = "', 'title_en = "Changed ')

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
        seed.datetime(2027, 1, 1, tzinfo=seed.UTC),
    )
    async with store.transaction() as conn:
        await items_sql.upsert(conn, admin, index_for(admin))
    (seeds_copy / "us-tw-eppd.toml").unlink()
    report = await seed.load(store, seeds_copy, index_for)
    assert report.removed > 0
    remaining = await items_sql.ids_by_origin(store.conn, "seed")
    assert remaining and not any(i.startswith("us-tw") for i in remaining)
    assert await items_sql.get(store.conn, "admin-1") == admin
