"""python -m bot ask / seed, run as a user would, in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import PROJECT

pytestmark = pytest.mark.slow


def run(*args: str, stdin: str | None = None, db: Path, env: dict | None = None):
    environ = {**os.environ, "DATABASE_PATH": str(db), **(env or {})}
    environ.pop("DISCORD_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=PROJECT,
        env=environ,
    )


def test_ask_answers_the_deadline_in_english(tmp_path):
    result = run("ask", "deadline AMI", db=tmp_path / "db.sqlite3")
    assert result.returncode == 0, result.stderr
    assert "15 May 2025" in result.stdout
    assert "passed" in result.stdout
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
