"""The local console: the bot's commands without Discord, answers rendered as text.

Type ``/ask quand ferme l'AMI ?`` or ``/deadline`` and read what the bot would post. The console
uses the same knowledge and the same cards as the slash commands.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from bot import cards, replies
from bot.answer import formatting
from bot.answer.normalize import detect_language
from bot.errors import UserError
from bot.i18n import COMMANDS, command_named, error_text, t
from bot.knowledge import Knowledge

PROMPT = "silicon-bridge> "
# Shown before a language is known: a line in English, then one in French.
INTRO = "\n".join(t("console.intro", lang) for lang in ("en", "fr"))


def text_stamp(lang: str, now: Callable[[], datetime]) -> cards.Stamp:
    """Times written out, for a terminal that cannot show Discord timestamps."""

    def stamp(moment: datetime, style: str) -> str:
        if style == "R":
            span = formatting.duration(now(), moment, lang)
            return t("time.in" if moment > now() else "time.ago", lang, span=span)
        day = formatting.day(moment.date(), lang, weekday=True)
        return f"{day} {moment:%H:%M} UTC"

    return stamp


def render(card: cards.Card) -> str:
    lines = [f"== {card.title} =="]
    if card.description:
        lines.append(card.description)
    for field in card.fields:
        lines.append(f"-- {field.name}\n{field.value}")
    if card.links:
        lines.append("-> " + " | ".join(link.label for link in card.links))
    if card.footer:
        lines.append(f"({card.footer})")
    return "\n".join(lines)


class Console:
    def __init__(
        self, knowledge: Knowledge, *, lang: str | None = None, started: datetime | None = None
    ) -> None:
        self.knowledge = knowledge
        self.lang = lang
        self.started = started or knowledge.clock()
        # Every name of a command this console handles (English, French, other) -> its English name.
        self.commands = {
            name: entry.name["en"]
            for entry in COMMANDS
            if hasattr(self, f"_{entry.name['en']}")
            for name in (*entry.name.values(), *entry.aliases)
        }

    async def handle(self, line: str) -> str | None:
        """The text answer to one typed line, or None to leave."""
        line = line.strip()
        if not line:
            return ""
        if line in ("/quit", "/exit", "quit", "exit"):
            return None
        if not line.startswith("/"):
            line = "/ask " + line
        name, _, rest = line[1:].partition(" ")
        command = self.commands.get(name.lower())
        if command is None:
            # No language to go by yet: English, like the intro's first line.
            unknown = t("console.unknown", "en", name=name)
            return f"{unknown} {t('console.intro', 'en')}"
        typed_french = name.lower() != command
        lang = self.lang or ("fr" if typed_french else detect_language(rest) if rest else "en")
        return await getattr(self, f"_{command}")(rest.strip(), lang)

    async def _ask(self, text: str, lang: str) -> str:
        if not text:
            return t("error.empty", lang)
        return render(
            await replies.answer(
                self.knowledge, text, guild_id=None, lang=lang, stamp=self._stamp(lang)
            )
        )

    async def _named(self, text: str, kind: str, lang: str) -> str:
        if not text:
            return t("error.empty", lang)
        try:
            card = await replies.named(
                self.knowledge, text, kind=kind, guild_id=None, lang=lang, stamp=self._stamp(lang)
            )
        except UserError as error:
            return error_text(error, lang)
        return render(card)

    async def _partnership(self, text: str, lang: str) -> str:
        return await self._named(text, "partnership", lang)

    async def _deadline(self, text: str, lang: str) -> str:
        action, _, rest = text.partition(" ")
        if action in command_named("deadline show").name.values():
            return await self._named(rest.strip(), "deadline", lang)
        pages = await replies.deadline_pages(
            self.knowledge, guild_id=None, lang=lang, stamp=self._stamp(lang)
        )
        return "\n\n".join(render(page) for page in pages)

    async def _figure(self, text: str, lang: str) -> str:
        return await self._named(text, "figure", lang)

    async def _source(self, text: str, lang: str) -> str:
        if not text:
            listed = ", ".join(s.id for s in await self.knowledge.sources())
            return f"{t('what.source', lang)}: {listed}"
        try:
            card = await replies.source(self.knowledge, text, guild_id=None, lang=lang)
        except UserError as error:
            return error_text(error, lang)
        return render(card)

    async def _help(self, text: str, lang: str) -> str:
        return render(cards.help_card(lang))

    async def _about(self, text: str, lang: str) -> str:
        card = cards.about_card(
            await self.knowledge.counts(guild_id=None),
            await self.knowledge.sources(),
            lang,
            started=self.started,
            latency_ms=None,
            stamp=self._stamp(lang),
        )
        return render(card)

    def _stamp(self, lang: str) -> cards.Stamp:
        return text_stamp(lang, self.knowledge.clock)


async def run(
    knowledge: Knowledge,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    *,
    lang: str | None = None,
    interactive: bool = True,
) -> None:
    """Read commands until end of input or /quit, answering each."""
    import asyncio

    console = Console(knowledge, lang=lang)
    loop = asyncio.get_running_loop()
    if interactive:
        stdout.write(INTRO + "\n")
    while True:
        if interactive:
            stdout.write(PROMPT)
            stdout.flush()
        line = await loop.run_in_executor(None, stdin.readline)
        if not line:
            break
        answer = await console.handle(line)
        if answer is None:
            break
        if answer:
            stdout.write(answer + "\n")
            stdout.flush()
