"""Exceptions that carry a message for the user: a catalogue key and its fields."""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix; the error handler shows ``t(key, lang, **fields)``."""

    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(key)
        self.key = key
        self.fields = fields


class NotFound(UserError):
    """Nothing of a kind (partnership, deadline, figure, source) matches what the user typed."""

    def __init__(self, what: str, query: str, suggestions: list[str] | None = None) -> None:
        if suggestions:
            super().__init__(
                "error.not_found_suggest",
                what=what,
                query=query,
                suggestions="; ".join(suggestions),
            )
        else:
            super().__init__("error.not_found", what=what, query=query)
