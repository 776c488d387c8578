"""make eval: the answer engine on a question set, as totals per language and per kind.

    python -m tests.questions.evaluate            # the frozen test set
    python -m tests.questions.evaluate --unseen   # only its questions no dev question repeats
    python -m tests.questions.evaluate --set dev

Only totals are printed: the test set is never read question by question.
"""

from __future__ import annotations

import argparse
import asyncio
import re
from collections import Counter

from tests import questions as sets


async def outcomes(questions: list[sets.Question]) -> list[tuple[sets.Question, str]]:
    """Each question with its outcome: right, wrong item, refused (answerable ones), refused
    right, answered (out of scope)."""
    async with sets.seeded_engine() as engine:
        found = []
        for question in questions:
            answer = await engine.ask(question.text)
            if not question.expect:
                outcome = "answered" if answer.answered else "refused right"
            elif not answer.answered:
                outcome = "refused"
            else:
                outcome = "right" if answer.item.id in question.expect else "wrong item"
            found.append((question, outcome))
        return found


def same_text(text: str) -> str:
    """A question as written, case, punctuation and spacing aside."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def unseen(questions: list[sets.Question]) -> list[sets.Question]:
    """The questions whose text no dev question repeats. Blind writers often write the same
    short question ("AMI deadline?"); the engine's examples hold the dev questions, so a test
    question that one repeats is one it has met."""
    known = {same_text(q.text) for q in sets.dev()}
    return [q for q in questions if same_text(q.text) not in known]


def table(results: list[tuple[sets.Question, str]]) -> list[str]:
    groups: dict[tuple[str, str], Counter] = {}
    for question, outcome in results:
        scope = "out" if not question.expect else "in"
        for key in ((question.lang, "all"), ("all", question.kind), ("all", "all")):
            groups.setdefault((scope, *key), Counter())[outcome] += 1
    lines = [
        f"{'':<4} {'lang':<4} {'kind':<13} {'n':>4} {'right':>7} {'wrong':>6} {'refused':>8}",
    ]
    for (scope, lang, kind), counts in sorted(groups.items()):
        n = sum(counts.values())
        if scope == "in":
            right = counts["right"] / n
            lines.append(
                f"{scope:<4} {lang:<4} {kind:<13} {n:>4} {right:>7.1%} "
                f"{counts['wrong item']:>6} {counts['refused']:>8}"
            )
        else:
            refused = counts["refused right"] / n
            lines.append(
                f"{scope:<4} {lang:<4} {kind:<13} {n:>4} {'':>7} {counts['answered']:>6} "
                f"{refused:>8.1%}"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.questions.evaluate")
    parser.add_argument("--set", choices=("test", "dev"), default="test")
    parser.add_argument(
        "--batch",
        type=int,
        action="append",
        help="only this test batch (questions-N.toml; 1 is questions.toml); may be repeated",
    )
    parser.add_argument(
        "--unseen", action="store_true", help="only test questions no dev question repeats"
    )
    args = parser.parse_args()
    if args.set == "dev":
        questions = sets.dev()
    else:
        questions = sets.batches(set(args.batch)) if args.batch else sets.test()
        if args.unseen:
            questions = unseen(questions)
    unmapped = [q for q in questions if q.unmapped]
    results = asyncio.run(outcomes([q for q in questions if not q.unmapped]))
    print(f"{args.set} set: {len(questions)} questions ({len(unmapped)} on facts not in the seeds)")
    print("in: answerable (right = the right item); out: out of scope (refused = refused right)")
    for line in table(results):
        print(line)


if __name__ == "__main__":
    main()
