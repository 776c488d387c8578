"""python -m bot [run|console|ask|seed|sync]: read settings, set up logging, do the command."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import io
import json
import logging
import os
import sqlite3
import sys
from pathlib import Path

from bot.answer.memory import ExamplesFileError
from bot.answer.model import ModelFileError
from bot.config import ConfigError, Settings
from store.db import StoreError, explain
from store.seed import SeedError

log = logging.getLogger("bot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="silicon-bridge",
        description="Silicon Bridge: answers on AI and semiconductor cooperation, and reminders.",
    )
    parser.add_argument(
        "--db",
        type=Path,
        help="database file (default: $DATABASE_PATH or ./data/silicon-bridge.sqlite3)",
    )
    parser.add_argument("--seeds", type=Path, help="seed directory (default: the project's seeds/)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    ask = commands.add_parser("ask", help="answer a question from the command line")
    ask.add_argument("--lang", choices=("fr", "en"), help="answer language (default: detected)")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument(
        "question",
        nargs="+",
        help="the question, or - to read one question per line from stdin "
        "and write one JSON object per line",
    )

    commands.add_parser("run", help="connect to Discord (the default command)")
    console = commands.add_parser("console", help="the bot's commands in this terminal")
    console.add_argument("--lang", choices=("fr", "en"), help="answer language (default: detected)")
    sync = commands.add_parser("sync", help="register the slash commands with Discord")
    sync.add_argument(
        "--guild",
        type=int,
        metavar="ID",
        help="sync to this server only (instant); default: every server",
    )

    seed = commands.add_parser("seed", help="check or load the seed files")
    seed_commands = seed.add_subparsers(dest="seed_command", metavar="ACTION", required=True)
    seed_commands.add_parser("check", help="validate the seed files; exit 1 listing the errors")
    seed_commands.add_parser("load", help="load the seed files into the database")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings.load()
    changes = {}
    if args.db is not None:
        changes["database"] = args.db
    if args.seeds is not None:
        changes["seeds_dir"] = args.seeds
    return dataclasses.replace(settings, **changes) if changes else settings


async def _ask(settings: Settings, args: argparse.Namespace) -> int:
    from bot.answer.engine import AnswerEngine
    from bot.i18n import t
    from bot.knowledge import ensure_seeds
    from store.db import Store

    question = " ".join(args.question)
    async with Store.open(settings.database) as store:
        await ensure_seeds(store, settings.seeds_dir)
        engine = AnswerEngine(store)
        if question == "-":
            loop = asyncio.get_running_loop()
            # A line that is not UTF-8 is read with replacement characters and answered like
            # any other: one JSON line out for each line in.
            if isinstance(sys.stdin, io.TextIOWrapper):
                sys.stdin.reconfigure(encoding="utf-8", errors="replace")
            while line := await loop.run_in_executor(None, sys.stdin.readline):
                answer = await engine.ask(line.rstrip("\r\n"), lang=args.lang)
                sys.stdout.write(json.dumps(answer.as_dict(), ensure_ascii=False) + "\n")
                sys.stdout.flush()
            return 0
        answer = await engine.ask(question, lang=args.lang)
    if args.json:
        print(json.dumps(answer.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(answer.text)
        if answer.answered and answer.alternatives:
            titles = "; ".join(m.title for m in answer.alternatives)
            print(t("cli.see_also", answer.lang, titles=titles))
    return 0


async def _seed(settings: Settings, args: argparse.Namespace) -> int:
    from bot.knowledge import load_seeds, seed_problems
    from store import seed
    from store.db import Store

    if args.seed_command == "check":
        seeds = seed.read(settings.seeds_dir, seed_problems)
        kinds: dict[str, int] = {}
        for item in seeds.items:
            kinds[item.kind] = kinds.get(item.kind, 0) + 1
        counts = ", ".join(f"{n} {kind}s" for kind, n in sorted(kinds.items()))
        print(f"seeds OK: {len(seeds.sources)} sources, {counts}")
        few = seed.few_ways_of_asking(seeds)
        if few:
            print(
                f"note: {len(few)} item(s) list fewer than {seed.MIN_QUESTIONS} ways of asking "
                f"in a language (questions_fr / questions_en): {', '.join(few)}"
            )
        return 0
    async with Store.open(settings.database) as store:
        report = await load_seeds(store, settings.seeds_dir)
    print(f"loaded {report.loaded} seed items into {settings.database} ({report.removed} removed)")
    return 0


async def _console(settings: Settings, args: argparse.Namespace) -> int:
    from bot import console
    from bot.knowledge import Knowledge, ensure_seeds
    from store.db import Store

    async with Store.open(settings.database) as store:
        await ensure_seeds(store, settings.seeds_dir)
        await console.run(
            Knowledge(store), lang=getattr(args, "lang", None), interactive=sys.stdin.isatty()
        )
    return 0


async def _run(settings: Settings, args: argparse.Namespace) -> int:
    """Connect to Discord until SIGINT or SIGTERM, then close the bot and the store."""
    import signal

    import discord

    from bot import collector
    from bot.client import SiliconBridge

    bot = SiliconBridge(settings)
    loop = asyncio.get_running_loop()
    closing: list[asyncio.Task] = []  # the close() a signal started

    def stop() -> None:
        if not closing:
            closing.append(asyncio.ensure_future(bot.close()))

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    async with bot:
        try:
            await bot.login(settings.token)  # runs setup_hook: reminders, then a warm engine
            if not closing:
                collector.settle()
                await bot.connect()
        except discord.LoginFailure:
            raise ConfigError(REFUSED_TOKEN) from None
        except Exception:
            if not closing:
                raise
            # Told to stop while starting: close() has shut what login() was using.
            logging.getLogger(__name__).info("stopped while starting")
        if closing:
            await closing[0]
            await bot.close()  # again: what start-up opened after the signal closes too
    return 0


async def _sync(settings: Settings, args: argparse.Namespace) -> int:
    import discord

    from bot.client import SiliconBridge

    async with SiliconBridge(settings, reminders=False) as bot:
        try:
            await bot.login(settings.token)  # runs setup_hook: the commands are loaded
        except discord.LoginFailure:
            raise ConfigError(REFUSED_TOKEN) from None
        if args.guild:
            guild = discord.Object(id=args.guild)
            bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
            print(f"synced {len(synced)} commands to server {args.guild}")
        else:
            synced = await bot.tree.sync()
            print(f"synced {len(synced)} commands globally")
    return 0


REFUSED_TOKEN = "Discord refused the token in DISCORD_TOKEN: check it."
NO_TOKEN = (
    "DISCORD_TOKEN is not set: put it in the environment or in .env to connect to Discord "
    "(python -m bot console tries the bot locally)."
)
HANDLERS = {"ask": _ask, "seed": _seed, "console": _console, "run": _run, "sync": _sync}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    command = args.command or "run"
    try:
        settings = _settings(args)
        if command in ("ask", "seed", "console"):
            logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
        else:
            import discord

            discord.utils.setup_logging(level=getattr(logging, settings.log_level))
            # aiosqlite's debug lines repeat every SQL parameter: users' text has no place in logs.
            logging.getLogger("aiosqlite").setLevel(max(logging.INFO, logging.root.level))
        if command in ("run", "sync") and not settings.token:
            if command == "run" and sys.stdin.isatty() and sys.stdout.isatty():
                print("DISCORD_TOKEN is not set: opening the local console.", file=sys.stderr)
                command = "console"
            else:
                print(NO_TOKEN, file=sys.stderr)
                return 2
        return asyncio.run(HANDLERS[command](settings, args))
    except SeedError as exc:
        print(f"The seed files have {len(exc.problems)} problem(s):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except sqlite3.Error as exc:  # the database refused a write mid-way (locked, read-only)
        print(f"error: {explain(str(settings.database), exc)}", file=sys.stderr)
        return 1
    except (ConfigError, StoreError, ExamplesFileError, ModelFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader went away (… | head): nothing more to say
        # Python would flush stdout again at exit and complain; send the rest nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # Discord unreachable, a file that cannot be written, …
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
