"""Interactions: the options the fake puts in INTERACTION_CREATE and what the bot answered.

* :func:`build_command_options` turns ``{"question": "hello"}`` into Discord's option list,
  typed from the command schema the bot registered (or from the Python value), nested under
  subcommand groups / subcommands, and collects ``resolved`` data through a resolver.
* :func:`modal_submit_components` mirrors a modal the bot opened, filled with test values.
* :class:`InteractionRecord` follows one interaction: its callback, the edits of
  ``@original`` and the follow-ups, and composes the final visible response.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .httpio import UploadedFile
from .models import FakeAttachment, FakeChannel, FakeMember, FakeRole, FakeUser


class InteractionType:
    PING = 1
    APPLICATION_COMMAND = 2
    MESSAGE_COMPONENT = 3
    AUTOCOMPLETE = 4
    MODAL_SUBMIT = 5


class CallbackType:
    PONG = 1
    CHANNEL_MESSAGE = 4
    DEFERRED_CHANNEL_MESSAGE = 5
    DEFERRED_UPDATE_MESSAGE = 6
    UPDATE_MESSAGE = 7
    AUTOCOMPLETE_RESULT = 8
    MODAL = 9

    DEFERRED = (DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE)
    WITH_MESSAGE = (CHANNEL_MESSAGE, UPDATE_MESSAGE)


class OptionType:
    SUB_COMMAND = 1
    SUB_COMMAND_GROUP = 2
    STRING = 3
    INTEGER = 4
    BOOLEAN = 5
    USER = 6
    CHANNEL = 7
    ROLE = 8
    MENTIONABLE = 9
    NUMBER = 10
    ATTACHMENT = 11

    SNOWFLAKE_TYPES = (USER, CHANNEL, ROLE, MENTIONABLE, ATTACHMENT)


#: Select menu component type -> the option type its values resolve as.
SELECT_VALUE_TYPES = {
    3: None,
    5: OptionType.USER,
    6: OptionType.ROLE,
    7: OptionType.MENTIONABLE,
    8: OptionType.CHANNEL,
}

#: ``resolve(option_type, value, resolved) -> id`` fills ``resolved`` and returns the id string.
Resolver = Callable[[int, Any, dict[str, Any]], str]


def guess_option_type(value: Any) -> int:
    """The option type a Python value most likely stands for."""
    if isinstance(value, bool):
        return OptionType.BOOLEAN
    if isinstance(value, int):
        return OptionType.INTEGER
    if isinstance(value, float):
        return OptionType.NUMBER
    if isinstance(value, FakeUser | FakeMember):
        return OptionType.USER
    if isinstance(value, FakeChannel):
        return OptionType.CHANNEL
    if isinstance(value, FakeRole):
        return OptionType.ROLE
    if isinstance(value, FakeAttachment):
        return OptionType.ATTACHMENT
    return OptionType.STRING


def leaf_schema(command: Mapping[str, Any] | None, path: Sequence[str]) -> list[dict] | None:
    """The option schemas of the (sub)command at ``path``, or None if unknown."""
    if command is None:
        return None
    options = command.get("options") or []
    for name in path[1:]:
        sub = next((o for o in options if o.get("name") == name and o.get("type") in (1, 2)), None)
        if sub is None:
            raise AssertionError(f"command {command['name']!r} has no subcommand {name!r}")
        options = sub.get("options") or []
    return list(options)


def _option_value(option_type: int, value: Any, resolve: Resolver, resolved: dict) -> Any:
    if option_type == OptionType.STRING:
        return str(value)
    if option_type == OptionType.INTEGER:
        return int(value)
    if option_type == OptionType.NUMBER:
        return value if isinstance(value, int | float) else float(value)
    if option_type == OptionType.BOOLEAN:
        return bool(value)
    if option_type in OptionType.SNOWFLAKE_TYPES:
        return resolve(option_type, value, resolved)
    raise AssertionError(f"unsupported option type {option_type}")


def build_command_options(
    path: Sequence[str],
    values: Mapping[str, Any] | Sequence[dict[str, Any]],
    *,
    schema: list[dict] | None,
    resolve: Resolver,
    focused: str | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Build ``data.options`` and ``data.resolved`` for a chat-input command.

    ``path`` is the command name split on spaces: ``["remind", "add"]`` nests the options in
    a subcommand, three parts in a subcommand group. ``values`` is either a mapping of option
    name to value, or a ready list of option dicts passed through unchanged. With ``focused``
    the payload is an autocomplete one: that option carries ``focused: true`` and its value is
    the raw text typed so far, and missing required options are allowed.
    """
    resolved: dict[str, Any] = {}
    if isinstance(values, Mapping):
        types = {option["name"]: option["type"] for option in schema or []}
        if schema is not None:
            unknown = sorted(set(values) - set(types))
            if unknown:
                raise AssertionError(
                    f"/{' '.join(path)} has no option(s) {unknown}; it has {sorted(types)}"
                )
            missing = [o["name"] for o in schema if o.get("required") and o["name"] not in values]
            if missing and focused is None:
                raise AssertionError(f"/{' '.join(path)} is missing required option(s) {missing}")
        leaf: list[dict[str, Any]] = []
        for name, value in values.items():
            option_type = types.get(name) or guess_option_type(value)
            option: dict[str, Any] = {"name": name, "type": option_type}
            if name == focused:
                option["value"] = value if isinstance(value, str) else str(value)
                option["focused"] = True
            else:
                option["value"] = _option_value(option_type, value, resolve, resolved)
            leaf.append(option)
        if focused is not None and focused not in values:
            raise AssertionError(f"focused option {focused!r} has no value in {dict(values)}")
    else:
        leaf = [dict(option) for option in values]

    nesting = {
        1: [],
        2: [OptionType.SUB_COMMAND],
        3: [OptionType.SUB_COMMAND_GROUP, OptionType.SUB_COMMAND],
    }[len(path)]
    options = leaf
    for name, option_type in reversed(list(zip(path[1:], nesting, strict=True))):
        options = [{"name": name, "type": option_type, "options": options}]
    return options, resolved


def iter_components(components: Sequence[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    """Walk every component, including those inside rows, sections, containers and labels."""
    for component in components:
        yield component
        yield from iter_components(component.get("components") or [])
        for key in ("component", "accessory"):
            inner = component.get(key)
            if isinstance(inner, Mapping):
                yield from iter_components([inner])


def find_component(message: Mapping[str, Any], custom_id: str) -> Mapping[str, Any] | None:
    return next(
        (
            c
            for c in iter_components(message.get("components") or [])
            if c.get("custom_id") == custom_id
        ),
        None,
    )


def modal_submit_components(
    modal_components: Sequence[Mapping[str, Any]], values: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The ``data.components`` of a MODAL_SUBMIT: the modal's layout with the user's input."""
    known = {c["custom_id"] for c in iter_components(modal_components) if c.get("custom_id")}
    unknown = sorted(set(values) - known)
    if unknown:
        raise AssertionError(f"the modal has no field(s) {unknown}; its fields are {sorted(known)}")

    def submitted(component: Mapping[str, Any]) -> dict[str, Any]:
        kind = component["type"]
        out: dict[str, Any] = {"type": kind}
        if "id" in component:
            out["id"] = component["id"]
        if kind == 1:
            out["components"] = [submitted(c) for c in component.get("components") or []]
        elif kind == 18:
            out["component"] = submitted(component["component"])
        elif component.get("custom_id"):
            custom_id = component["custom_id"]
            out["custom_id"] = custom_id
            if kind == 4:
                out["value"] = str(values.get(custom_id, component.get("value") or ""))
            else:
                chosen = values.get(custom_id, [])
                out["values"] = [str(v) for v in (chosen if isinstance(chosen, list) else [chosen])]
        return out

    return [submitted(component) for component in modal_components]


@dataclass
class InteractionRecord:
    """One interaction sent to the bot and everything the bot did with it."""

    id: int
    token: str
    type: int
    label: str
    payload: dict[str, Any]
    channel_id: int
    guild_id: int | None
    component_message_id: int | None = None
    callback: dict[str, Any] | None = None
    original_message_id: int | None = None
    original_edits: list[dict[str, Any]] = field(default_factory=list)
    followups: list[dict[str, Any]] = field(default_factory=list)
    followup_message_ids: list[int] = field(default_factory=list)
    files: list[UploadedFile] = field(default_factory=list)
    original_deleted: bool = False

    @property
    def callback_type(self) -> int | None:
        return None if self.callback is None else self.callback.get("type")

    @property
    def awaiting_first_followup(self) -> bool:
        """A deferred (thinking) response whose loading message is still unanswered."""
        return (
            self.callback_type == CallbackType.DEFERRED_CHANNEL_MESSAGE
            and not self.original_edits
            and not self.followups
        )

    def has_visible_response(self) -> bool:
        if self.callback_type in CallbackType.DEFERRED:
            return bool(self.original_edits or self.followups)
        return self.callback is not None

    def response(self, messages: Mapping[int, dict[str, Any]]) -> dict[str, Any]:
        """The final visible response as ``{"type", "data", "followups", "message", ...}``.

        ``type`` is the callback type the bot chose first. For message responses ``data`` is
        the callback data with every PATCH of ``@original`` applied in order; after a deferral
        it is built from those PATCHes, or from the first follow-up if there were none.
        """
        assert self.callback is not None
        callback_type = self.callback["type"]
        callback_data = dict(self.callback.get("data") or {})
        result: dict[str, Any] = {
            "type": callback_type,
            "data": callback_data,
            "interaction_id": self.id,
            "callback": self.callback,
            "followups": list(self.followups),
            "files": list(self.files),
            "message": None,
        }
        if callback_type not in (*CallbackType.WITH_MESSAGE, *CallbackType.DEFERRED):
            return result
        data = {} if callback_type == CallbackType.DEFERRED_UPDATE_MESSAGE else callback_data
        if callback_type in CallbackType.DEFERRED and not self.original_edits and self.followups:
            data = {**data, **self.followups[0]}
        for edit in self.original_edits:
            data = {**data, **edit}
        result["data"] = data
        if self.original_message_id is not None and not self.original_deleted:
            result["message"] = messages.get(self.original_message_id)
        elif callback_type in CallbackType.DEFERRED and self.followup_message_ids:
            result["message"] = messages.get(self.followup_message_ids[0])
        return result
