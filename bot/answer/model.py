"""The answer engine's two small logistic models, their coefficients read from ``model.toml``.

``rank``: a conditional logit; the log-odds that a candidate, rather than the others, is the item a
question asks about. ``refuse``: the calibrated probability that the best candidate is a right
answer. Both are fitted by ``python -m tests.questions.train`` on the dev questions; the threshold
is the least probability that still keeps out-of-scope dev questions refused.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from bot.answer.features import RANK_FEATURES, REFUSE_FEATURES


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@dataclass(frozen=True)
class Model:
    rank_weights: tuple[float, ...]
    refuse_weights: tuple[float, ...]
    refuse_bias: float
    threshold: float
    # How features are scaled before the weights apply: (value - mean) / scale.
    refuse_means: tuple[float, ...]
    refuse_scales: tuple[float, ...]

    def logit(self, row: Sequence[float]) -> float:
        return sum(w * x for w, x in zip(self.rank_weights, row, strict=True))

    def confidence(self, row: Sequence[float]) -> float:
        """The probability that the candidate whose refusal row this is answers the question."""
        z = self.refuse_bias + sum(
            w * (x - m) / s
            for w, x, m, s in zip(
                self.refuse_weights, row, self.refuse_means, self.refuse_scales, strict=True
            )
        )
        return sigmoid(z)

    def as_toml(self) -> str:
        def floats(values: Sequence[float]) -> str:
            return "[" + ", ".join(f"{float(v):.6g}" for v in values) + "]"

        def names(values: Sequence[str]) -> str:
            return "[" + ", ".join(f'"{v}"' for v in values) + "]"

        return (
            "# Written by `python -m tests.questions.train`: do not edit by hand, train again.\n\n"
            "[rank]\n"
            f"features = {names(RANK_FEATURES)}\n"
            f"weights = {floats(self.rank_weights)}\n\n"
            "[refuse]\n"
            f"features = {names(REFUSE_FEATURES)}\n"
            f"weights = {floats(self.refuse_weights)}\n"
            f"means = {floats(self.refuse_means)}\n"
            f"scales = {floats(self.refuse_scales)}\n"
            f"bias = {float(self.refuse_bias):.6g}\n"
            f"threshold = {float(self.threshold):.6g}\n"
        )


class ModelFileError(ValueError):
    """model.toml (or examples.toml) cannot be used: the message names the file and why."""


def parse(text: str, name: str = "model.toml") -> Model:
    """The model a file describes; ModelFileError, naming the file, when it is not one."""
    retrain = "run python -m tests.questions.train"
    try:
        data = tomllib.loads(text)
        rank, refuse = data["rank"], data["refuse"]
        if tuple(rank["features"]) != RANK_FEATURES or tuple(refuse["features"]) != REFUSE_FEATURES:
            raise ModelFileError(f"{name} was trained on other features: {retrain}")
        found = Model(
            rank_weights=_numbers(rank["weights"]),
            refuse_weights=_numbers(refuse["weights"]),
            refuse_bias=float(refuse["bias"]),
            threshold=float(refuse["threshold"]),
            refuse_means=_numbers(refuse["means"]),
            refuse_scales=_numbers(refuse["scales"]),
        )
    except ModelFileError:
        raise
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as error:
        raise ModelFileError(f"{name} cannot be read ({error!r}): {retrain}") from error
    lists = (found.refuse_weights, found.refuse_means, found.refuse_scales)
    if len(found.rank_weights) != len(RANK_FEATURES) or any(
        len(values) != len(REFUSE_FEATURES) for values in lists
    ):
        raise ModelFileError(f"{name} has a number for each feature missing or too many: {retrain}")
    if any(scale == 0 for scale in found.refuse_scales):
        raise ModelFileError(f"{name} has a scale of 0: {retrain}")
    return found


def _numbers(values: object) -> tuple[float, ...]:
    if not isinstance(values, list):
        raise TypeError(f"a list of numbers expected, not {values!r}")
    return tuple(float(v) for v in values)


def neutral() -> Model:
    """A model that prefers nothing: what the training script starts from, whatever the shipped
    coefficients were trained on."""
    size = len(REFUSE_FEATURES)
    return Model(
        rank_weights=(0.0,) * len(RANK_FEATURES),
        refuse_weights=(0.0,) * size,
        refuse_bias=0.0,
        threshold=0.5,
        refuse_means=(0.0,) * size,
        refuse_scales=(1.0,) * size,
    )


@cache
def load() -> Model:
    """The trained model shipped with the package."""
    return parse(resources.files("bot.answer").joinpath("model.toml").read_text(encoding="utf-8"))
