"""python -m bot ask / seed, run as a user would, in a subprocess."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import PROJECT

pytestmark = pytest.mark.slow


def run(*args: str, stdin: str | bytes | None = None, db: Path, env: dict | None = None):
    """The command as a user runs it; ``env`` values of None remove a variable."""
    environ = {**os.environ, "DATABASE_PATH": str(db)}
    environ.pop("DISCORD_TOKEN", None)
    for name, value in (env or {}).items():
        if value is None:
            environ.pop(name, None)
        else:
            environ[name] = value
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=not isinstance(stdin, bytes),
        timeout=60,
        cwd=PROJECT,
        env=environ,
    )


def test_ask_answers_the_deadline_in_english(tmp_path):
    result = run("ask", "deadline AMI", db=tmp_path / "db.sqlite3")
    assert result.returncode == 0, result.stderr
    assert "15 May 2025" in result.stdout
    assert "closed" in result.stdout  # in the past: the call is over
    assert "Source: Innovationsfr" in result.stdout


def test_ask_json_in_french(tmp_path):
    result = run(
        "ask", "--json", "combien Taïwan investit aux États-Unis ?", db=tmp_path / "db.sqlite3"
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["answered"] is True
    assert answer["lang"] == "fr"
    assert "250 milliards de dollars" in answer["text"]
    assert answer["sources"][0]["id"] == "src-us-tw-eppd"
    assert {"id", "kind", "title", "score"} <= set(answer["matches"][0])


def test_ask_into_a_closed_pipe_ends_quietly(tmp_path):
    """`python -m bot ask … | head -1`: the reader has gone, which is no error to report."""
    read, write = os.pipe()
    os.close(read)
    environ = {**os.environ, "DATABASE_PATH": str(tmp_path / "db.sqlite3")}
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bot", "ask", "deadline AMI"],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            cwd=PROJECT,
            env=environ,
        )
    finally:
        os.close(write)
    assert result.returncode == 0
    assert result.stderr == ""


def test_ask_from_stdin_writes_one_json_line_per_question_in_order(tmp_path):
    questions = [
        "who led the US-Taiwan talks?",
        "",
        "quelle météo demain à Lyon ?",
        "quand ferme l'appel à projets ?",
    ]
    result = run("ask", "-", stdin="\n".join(questions) + "\n", db=tmp_path / "db.sqlite3")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["question"] for line in lines] == questions
    assert lines[0]["answered"] and "Helberg" in lines[0]["text"]
    assert not lines[1]["answered"]
    assert not lines[2]["answered"] and lines[2]["lang"] == "fr"
    assert lines[3]["answered"] and "15 mai 2025" in lines[3]["text"]


def test_seed_check_ok_and_broken(tmp_path):
    ok = run("seed", "check", db=tmp_path / "db.sqlite3")
    assert ok.returncode == 0 and "seeds OK" in ok.stdout
    broken = tmp_path / "seeds"
    broken.mkdir()
    (broken / "bad.toml").write_text('[source]\nid = "x"\n', encoding="utf-8")
    result = run("--seeds", str(broken), "seed", "check", db=tmp_path / "db.sqlite3")
    assert result.returncode == 1
    assert "bad.toml" in result.stderr and "'publisher': is missing" in result.stderr
    assert "Traceback" not in result.stderr


def test_seed_load_reports_counts(tmp_path):
    result = run("seed", "load", db=tmp_path / "db.sqlite3")
    assert result.returncode == 0, result.stderr
    assert "loaded" in result.stdout


def test_user_mistakes_get_a_message_not_a_traceback(tmp_path):
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("hello" * 1000, encoding="utf-8")
    for result in (
        run("ask", "deadline", db=not_a_db),
        run("ask", "deadline", db=tmp_path / "db.sqlite3", env={"DEV_GUILD_ID": "abc"}),
        run("ask", "--lang", "de", "deadline", db=tmp_path / "db.sqlite3"),
        run("frobnicate", db=tmp_path / "db.sqlite3"),
    ):
        assert result.returncode != 0
        assert result.stderr.strip()
        assert "Traceback" not in result.stderr


def test_a_batch_line_that_is_not_utf8_is_answered_and_the_batch_goes_on(tmp_path):
    lines = [b"quand ferme l'AMI ?", b"\xff\xfe\xc3(", b"who led the talks?"]
    c_locale = {"LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": None}
    result = run(
        "ask", "-", db=tmp_path / "db.sqlite3", stdin=b"\n".join(lines) + b"\n", env=c_locale
    )
    assert result.returncode == 0, result.stderr.decode()
    answers = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert len(answers) == 3
    assert "\ufffd" in answers[1]["question"]
    assert answers[0]["answered"] and answers[2]["answered"]


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
    assert result.returncode == 1
    assert "busy in another process" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
