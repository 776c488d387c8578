"""make bench: every benchmark, printed as tables. Ratios compare runs in this same process."""

from __future__ import annotations

import argparse
import asyncio

from bench import answers, interactions, messages, reminders, replan


def say(line: str) -> None:
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="smaller stores, fewer questions")
    args = parser.parse_args()
    sizes = (2_000,) if args.quick else (10_000, 100_000)
    asks = 200 if args.quick else 1000
    asyncio.run(answers.run(sizes, asks, emit=say))
    print()
    asyncio.run(interactions.run(count=asks, emit=say))
    print()
    asyncio.run(messages.run(count=asks, emit=say))
    print()
    deadlines = 2_000 if args.quick else 10_000
    asyncio.run(reminders.run(deadlines=deadlines, due_now=deadlines // 10, emit=say))
    print()
    asyncio.run(replan.run(deadlines=deadlines, emit=say))


if __name__ == "__main__":
    main()
