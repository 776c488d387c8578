"""Discord commands, one extension per feature; thin: parse, call the domain, render."""

EXTENSIONS = ("cogs.ask", "cogs.knowledge", "cogs.deadlines", "cogs.reminders", "cogs.meta")
