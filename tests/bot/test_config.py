"""Settings from the environment: what is refused, with a message that says why."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, Settings


@pytest.mark.parametrize(
    "url",
    [
        "https://discord.example/api/v10",
        "http://127.0.0.1:8080/api/v10",
        "http://localhost:8080/api/v10",
        "http://[::1]:8080/api/v10",
    ],
)
def test_an_api_base_over_https_or_to_this_machine_is_accepted(url):
    settings = Settings.load({"DISCORD_API_BASE": url}, env_file=None)
    assert settings.api_base == url


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://proxy.example/api/v10", "in clear"),
        ("http://10.0.0.5/api/v10", "in clear"),
        ("ftp://discord.example/", "https://"),
        ("discord.example", "https://"),
    ],
)
def test_an_api_base_that_would_send_the_token_in_clear_is_refused(url, says):
    with pytest.raises(ConfigError) as refused:
        Settings.load({"DISCORD_API_BASE": url, "DISCORD_TOKEN": "secret"}, env_file=None)
    assert says in str(refused.value)
    assert "secret" not in str(refused.value)


def test_the_environment_wins_over_the_env_file_and_the_token_never_shows(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DISCORD_TOKEN=from-file\nLOG_LEVEL=DEBUG\n", encoding="utf-8")
    settings = Settings.load({"DISCORD_TOKEN": "from-env"}, env_file=env_file)
    assert settings.token == "from-env"
    assert settings.log_level == "DEBUG"
    assert "from-env" not in repr(settings) and "from-env" not in str(settings)
    assert (settings.seeds_dir / "fr-tw-ami.toml").is_file()  # the installed seed files
