"""Settings: read once in main() from the environment and an optional .env file."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

DEFAULT_DATABASE = Path("data") / "silicon-bridge.sqlite3"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def shipped_seeds() -> Path:
    """The seed files installed with the package (the ``seeds`` package's directory)."""
    return Path(str(resources.files("seeds")))


class ConfigError(Exception):
    """A setting has a value that cannot be used; the message says which and why."""


def check_api_base(url: str) -> None:
    """https:// anywhere; plain http:// only to this machine, since the token travels with
    every request."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError("DISCORD_API_BASE must be an https:// URL")
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise ConfigError(
            "DISCORD_API_BASE must use https:// (plain http:// is only allowed to this "
            "machine: the token would travel in clear)"
        )


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Settings:
    token: str | None = None
    database: Path = DEFAULT_DATABASE
    seeds_dir: Path = field(default_factory=shipped_seeds)
    dev_guild_id: int | None = None
    log_level: str = "INFO"
    api_base: str | None = None

    def __repr__(self) -> str:  # the token never reaches a log line
        token = "set" if self.token else "unset"
        return (
            f"Settings(token={token}, database={str(self.database)!r}, "
            f"seeds_dir={str(self.seeds_dir)!r}, dev_guild_id={self.dev_guild_id}, "
            f"log_level={self.log_level!r}, api_base={self.api_base!r})"
        )

    __str__ = __repr__

    @classmethod
    def load(
        cls, environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
    ) -> Settings:
        """Environment variables win over the .env file; empty values count as unset."""
        values: dict[str, str] = {}
        if env_file is not None and env_file.is_file():
            values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        values.update(os.environ if environ is None else environ)

        def get(name: str) -> str | None:
            value = values.get(name, "").strip()
            return value or None

        guild = get("DEV_GUILD_ID")
        if guild is not None and not guild.isdigit():
            raise ConfigError(f"DEV_GUILD_ID must be a server id (digits only), not {guild!r}")
        level = (get("LOG_LEVEL") or "INFO").upper()
        if level not in LOG_LEVELS:
            raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {level!r}")
        api_base = get("DISCORD_API_BASE")
        if api_base is not None:
            check_api_base(api_base)
        return cls(
            token=get("DISCORD_TOKEN"),
            database=Path(get("DATABASE_PATH") or DEFAULT_DATABASE),
            seeds_dir=Path(get("SEEDS_DIR")) if get("SEEDS_DIR") else shipped_seeds(),
            dev_guild_id=int(guild) if guild else None,
            log_level=level,
            api_base=api_base.rstrip("/") if api_base else None,
        )
