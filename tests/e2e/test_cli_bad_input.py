"""The command line under bad input: bytes that are not UTF-8, a busy or read-only database."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from store.db import explain
from tests.support import PROJECT


def run(*args: str, db: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_PATH": str(db), "LC_ALL": "C", "LANG": "C"}
    env.pop("DISCORD_TOKEN", None)
    env.pop("PYTHONIOENCODING", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        cwd=PROJECT,
        env=env,
    )


def test_a_batch_line_that_is_not_utf8_is_answered_and_the_batch_goes_on(tmp_path):
    lines = [b"quand ferme l'AMI ?", b"\xff\xfe\xc3(", b"who led the talks?"]
    result = run("ask", "-", db=tmp_path / "db.sqlite3", stdin=b"\n".join(lines) + b"\n")
    assert result.returncode == 0, result.stderr.decode()
    answers = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert len(answers) == 3
    assert "\ufffd" in answers[1]["question"]
    assert answers[0]["answered"] and answers[2]["answered"]


@pytest.mark.slow
def test_seed_load_on_a_database_busy_elsewhere_says_so_in_one_line(tmp_path):
    database = tmp_path / "db.sqlite3"
    assert run("seed", "load", db=database).returncode == 0
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = run("seed", "load", db=database)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    stderr = result.stderr.decode()
    assert result.returncode == 1
    assert "busy in another process" in stderr
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1


def test_sqlite_errors_are_explained_for_the_operator():
    path = "/srv/bot/db.sqlite3"
    readonly = explain(path, sqlite3.OperationalError("attempt to write a readonly database"))
    assert "read-only" in readonly
    cannot_open = explain(path, sqlite3.OperationalError("unable to open database file"))
    assert "folder exists and is writable" in cannot_open
    locked = explain(path, sqlite3.OperationalError("database is locked"))
    assert "another process" in locked
    assert "not a usable SQLite database" in explain(
        path, sqlite3.DatabaseError("file is not a database")
    )
