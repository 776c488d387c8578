"""Migrations: two processes opening one fresh database both start, with one schema."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from store.db import migrations, statements
from tests.support import PROJECT

OPEN = (
    "import asyncio, sys\n"
    "from store.db import Store\n"
    "async def main():\n"
    "    async with Store.open(sys.argv[1]) as store:\n"
    "        print(await store.schema_version())\n"
    "asyncio.run(main())\n"
)


def test_two_processes_migrating_a_fresh_database_both_start(tmp_path: Path):
    project = PROJECT
    for attempt in range(5):
        database = tmp_path / f"fresh-{attempt}.sqlite3"
        both = [
            subprocess.Popen(
                [sys.executable, "-c", OPEN, str(database)],
                cwd=project,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        results = [process.communicate(timeout=60) for process in both]
        for process, (out, err) in zip(both, results, strict=True):
            assert process.returncode == 0, err
            assert out.strip() == str(len(migrations()))


def test_a_migration_script_splits_into_whole_statements():
    script = (
        "-- a comment\nCREATE TABLE a (x);\n"
        "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE a SET x = 1; DELETE FROM a;\nEND;\n"
        "-- trailing comment\n"
    )
    found = statements(script)
    assert len(found) == 2
    assert found[1].startswith("CREATE TRIGGER") and found[1].endswith("END;")
