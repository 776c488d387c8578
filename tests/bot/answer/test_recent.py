from __future__ import annotations

import pytest

from bot.answer.recent import Recent


def test_the_entry_used_longest_ago_is_forgotten_first():
    kept: Recent[str, int] = Recent(2)
    kept["a"], kept["b"] = 1, 2
    assert kept.get("a") == 1  # "a" is now the most recent
    kept["c"] = 3
    assert "b" not in kept and kept.get("a") == 1 and kept.get("c") == 3
    assert len(kept) == 2


def test_setting_a_kept_key_again_replaces_it_and_makes_it_recent():
    kept: Recent[str, int] = Recent(2)
    kept["a"], kept["b"] = 1, 2
    kept["a"] = 10
    kept["c"] = 3
    assert kept.get("a") == 10 and "b" not in kept


def test_a_missing_key_is_none_and_clear_forgets_everything():
    kept: Recent[str, int] = Recent(2)
    assert kept.get("nothing") is None
    kept["a"] = 1
    kept.clear()
    assert len(kept) == 0 and kept.get("a") is None


def test_a_negative_size_is_refused_at_once():
    with pytest.raises(ValueError, match="at least"):
        Recent(-1)
