"""make bench: every benchmark, printed as tables. Ratios compare runs in this same process."""

from __future__ import annotations

import argparse
import asyncio

from bench import answers, interactions, reminders


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="smaller stores, fewer questions")
    args = parser.parse_args()
    sizes = (2_000,) if args.quick else (10_000, 100_000)
    asks = 200 if args.quick else 1000
    for line in asyncio.run(answers.run(sizes, asks)):
        print(line, flush=True)
    print()
    for line in asyncio.run(interactions.run(count=asks)):
        print(line, flush=True)
    print()
    deadlines = 2_000 if args.quick else 10_000
    for line in asyncio.run(reminders.run(deadlines=deadlines, due_now=deadlines // 10)):
        print(line, flush=True)


if __name__ == "__main__":
    main()
