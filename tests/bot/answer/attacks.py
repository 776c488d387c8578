"""What the answer engine's break files share: dev questions with closing tags, their cases as
strict xfails, and every question of a file asked once of the seeded engine."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable

import pytest

from bot.conversation import followup
from bot.conversation.followup import Context
from bot.knowledge import Knowledge
from tests.questions import seeded_engine
from tests.support import PROJECT, TODAY, seen

TAGGED: dict[str, Callable[[dict], str]] = {  # a closing tag in place of a dev question's "?"
    "or not?": lambda q: q["q"].rstrip(" ?") + (" or not?" if q["lang"] == "en" else " ou pas ?"),
    ", or not?": lambda q: (
        q["q"].rstrip(" ?") + (", or not?" if q["lang"] == "en" else ", ou non ?")
    ),
}


def dev_questions() -> list[dict]:
    """The dev questions as written in dev.toml, with the items that answer them."""
    path = PROJECT / "tests" / "questions" / "dev.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))["question"]


def broken(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


def breaks(cases: dict) -> list:
    """Each case a parameter, a strict xfail with its reason (the value, or its last element)
    unless that is None: a case that holds."""
    found = []
    for key, value in cases.items():
        reason = value if value is None or isinstance(value, str) else value[-1]
        found.append(pytest.param(key, marks=broken(reason) if reason else ()))
    return found


def all_broken(questions: Iterable[str], reason: str) -> list:
    """Each question a parameter, a strict xfail for the same reason."""
    return [pytest.param(question, marks=broken(reason)) for question in questions]


def right(question: dict, answer) -> bool:
    """Whether an answer to a dev question is one of its items, or a refusal when none is."""
    if not question["expect"]:
        return not answer.answered
    return answer.answered and answer.item.id in question["expect"]


def made_worse(answers: dict, dev: Iterable[dict], tag: str) -> list[tuple[str, tuple]]:
    """The dev questions answered right (or rightly refused) as written but not with ``tag``,
    with what the tag got them (``ask_all``'s answers)."""
    return [
        (question["q"], seen(answers[tag, question["q"]]))
        for question in dev
        if right(question, answers[question["q"]])
        and not right(question, answers[tag, question["q"]])
    ]


async def ask_all(
    questions: Iterable[str], dev: Iterable[dict], replies: dict[str, tuple[str, str]]
) -> dict:
    """Each question asked once; each dev question as written and with each closing tag (keyed
    (tag, text)); each reply to an answer of (item, partnership), asked as a member replies
    (keyed ("reply", text))."""
    async with seeded_engine() as engine:
        found = {q: await engine.ask(q) for q in dict.fromkeys(questions)}
        for question in dev:
            found[question["q"]] = await engine.ask(question["q"])
            for name, tag in TAGGED.items():
                found[name, question["q"]] = await engine.ask(tag(question))
        knowledge = Knowledge(engine.store, clock=lambda: TODAY)
        for reply, (item, partnership) in replies.items():
            context = Context(item, partnership, "en")
            found["reply", reply] = await followup.ask(
                knowledge, reply, context=context, lang="en", guild_id=None
            )
        return found
