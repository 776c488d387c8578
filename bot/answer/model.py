"""The answer engine's two small models, read from ``model.toml``.

``rank``: a conditional logit; the log-odds that a candidate, rather than the others, is the item a
question asks about: a weighted sum of its features, and boosted regression trees for what a sum
cannot say. ``refuse``: boosted regression trees giving the calibrated probability that the best
candidate is a right answer. Trees let a feature matter only beside another: a close example
counts for less when the question holds words the index has never seen. Both are fitted by
``python -m tests.questions.train`` on the dev questions; the threshold is the least probability
that still keeps out-of-scope dev questions refused.

One rule stands above both: a candidate of another partnership than the one a question names in
one word ("the EPPD's priority themes", of the AMI's) comes after the others and is never sure.
Dev questions seldom ask that way, too seldom for the models to learn it.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np

from bot.answer.features import RANK_FEATURES, REFUSE_FEATURES

_ELSEWHERE = RANK_FEATURES.index("elsewhere")
_REFUSE_ELSEWHERE = REFUSE_FEATURES.index("elsewhere")


def rank_key(logit: float, row: Sequence[float]) -> tuple[bool, float]:
    """Candidates in this order, best first: those of the partnership a question names, then
    by log-odds."""
    return row[_ELSEWHERE] > 0, -logit


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@dataclass(frozen=True, eq=False)
class Trees:
    """Regression trees of one depth, each complete: node n splits on ``features[t, n]`` at
    ``cuts[t, n]`` (greater goes right, to 2n + 2; the rest left, to 2n + 1); a node that does not
    split has an infinite cut. ``values[t, k]``: the log-odds that leaf k adds."""

    features: np.ndarray  # (trees, 2**depth - 1) ints
    cuts: np.ndarray  # (trees, 2**depth - 1)
    values: np.ndarray  # (trees, 2**depth)

    widest: int = field(init=False, repr=False)  # the last feature a tree splits on

    def __post_init__(self) -> None:
        # The walk reads a row's value at ``row * width + feature``: a feature out of the row
        # would read the row before or after it, silently.
        if self.features.size and self.features.min() < 0:
            raise ValueError("a tree splits on a negative feature")
        object.__setattr__(self, "widest", int(self.features.max()) if self.features.size else -1)

    @property
    def depth(self) -> int:
        return int(self.values.shape[1]).bit_length() - 1

    def scores(self, rows: np.ndarray) -> np.ndarray:
        """For each row of a matrix, the sum of the leaves it reaches, one per tree (every tree
        at once). Flat arrays throughout: a node is ``tree * inner + node`` in ``features`` and
        ``cuts``, a row's value ``row * width + feature``; one index per lookup costs half what
        pairs of indices do."""
        count, inner = self.cuts.shape
        trees = np.arange(count)
        features, cuts = self.features.ravel(), self.cuts.ravel()
        matrix = np.ascontiguousarray(rows, dtype=np.float64)
        size, width = matrix.shape
        if self.widest >= width:
            raise ValueError(f"a tree splits on feature {self.widest} of rows of {width}")
        flat = matrix.ravel()
        starts = (np.arange(size) * width)[:, None]
        node = np.zeros((size, count), dtype=np.intp)
        first = trees * inner
        for _ in range(self.depth):
            at = node + first
            node = 2 * node + 1 + (flat[starts + features[at]] > cuts[at])
        return self.values.ravel()[node - inner + trees * (inner + 1)].sum(axis=1)

    @classmethod
    def none(cls) -> Trees:
        """One tree that never splits and adds nothing."""
        return cls(
            features=np.zeros((1, 1), dtype=np.intp),
            cuts=np.full((1, 1), math.inf),
            values=np.zeros((1, 2)),
        )

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Trees)
            and np.array_equal(self.features, other.features)
            and np.array_equal(self.cuts, other.cuts)
            and np.array_equal(self.values, other.values)
        )


@dataclass(frozen=True)
class Model:
    rank_weights: tuple[float, ...]
    refuse_trees: Trees
    refuse_bias: float
    threshold: float
    rank_trees: Trees | None = None

    def logit(self, row: Sequence[float]) -> float:
        return self.logits([row])[0]

    def logits(self, rows: Sequence[Sequence[float]]) -> list[float]:
        """The ranking log-odds of several candidates at once."""
        if len(rows) == 0:
            return []
        matrix = _matrix(rows, RANK_FEATURES, "ranking")
        found = matrix @ np.asarray(self.rank_weights)
        if self.rank_trees is not None:
            found = found + self.rank_trees.scores(matrix)
        return found.tolist()

    def confidence(self, row: Sequence[float]) -> float:
        """The probability that the candidate whose refusal row this is answers the question."""
        return self.confidences([row])[0]

    def confidences(self, rows: Sequence[Sequence[float]]) -> list[float]:
        """The same for several candidates, the trees walked once for all of them."""
        if len(rows) == 0:
            return []
        matrix = _matrix(rows, REFUSE_FEATURES, "refusal")
        scores = self.refuse_trees.scores(matrix).tolist()
        return [
            0.0 if row[_REFUSE_ELSEWHERE] > 0 else sigmoid(self.refuse_bias + s)
            for row, s in zip(matrix, scores, strict=True)
        ]

    def as_toml(self) -> str:
        def floats(values: Sequence[float]) -> str:
            return "[" + ", ".join(_float(v) for v in values) + "]"

        def names(values: Sequence[str]) -> str:
            return "[" + ", ".join(f'"{v}"' for v in values) + "]"

        def tables(name: str, trees: Trees) -> list[str]:
            found = []
            for features, cuts, values in zip(
                trees.features, trees.cuts, trees.values, strict=True
            ):
                found += [
                    "",
                    f"[[{name}.tree]]",
                    f"features = [{', '.join(str(int(f)) for f in features)}]",
                    f"cuts = {floats(cuts)}",
                    f"values = {floats(values)}",
                ]
            return found

        lines = [
            "# Written by `python -m tests.questions.train`: do not edit by hand, train again.",
            "",
            "[rank]",
            f"features = {names(RANK_FEATURES)}",
            f"weights = {floats(self.rank_weights)}",
            *tables("rank", self.rank_trees or Trees.none()),
            "",
            "[refuse]",
            f"features = {names(REFUSE_FEATURES)}",
            f"bias = {_float(self.refuse_bias)}",
            f"threshold = {_float(self.threshold)}",
            *tables("refuse", self.refuse_trees),
        ]
        return "\n".join(lines) + "\n"


def _matrix(rows: Sequence[Sequence[float]], features: tuple[str, ...], what: str) -> np.ndarray:
    matrix = np.asarray(rows, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[1] != len(features):
        raise ValueError(f"rows of {len(features)} {what} features expected")
    return matrix


def _float(value: float) -> str:
    """A float as TOML writes it, infinity included."""
    value = float(value)
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.9g}"


# What an operator does about a model or examples file that cannot be used: an installed bot has
# no training script, its files ship with the package.
REMEDY = "reinstall the package, or in a source tree run python -m tests.questions.train"


class ModelFileError(ValueError):
    """model.toml cannot be used: the message names the file and why."""


def parse(text: str, name: str = "model.toml") -> Model:
    """The model a file describes; ModelFileError, naming the file, when it is not one."""
    retrain = REMEDY
    try:
        data = tomllib.loads(text)
        rank, refuse = data["rank"], data["refuse"]
        if tuple(rank["features"]) != RANK_FEATURES or tuple(refuse["features"]) != REFUSE_FEATURES:
            raise ModelFileError(f"{name} was trained on other features: {retrain}")
        found = Model(
            rank_weights=_numbers(rank["weights"]),
            refuse_trees=_trees(refuse["tree"], REFUSE_FEATURES, name, retrain),
            refuse_bias=float(refuse["bias"]),
            threshold=float(refuse["threshold"]),
            rank_trees=_trees(rank["tree"], RANK_FEATURES, name, retrain),
        )
    except ModelFileError:
        raise
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError, RecursionError) as error:
        raise ModelFileError(f"{name} cannot be read ({error!r}): {retrain}") from error
    if len(found.rank_weights) != len(RANK_FEATURES):
        raise ModelFileError(f"{name} has a number for each feature missing or too many: {retrain}")
    if not all(math.isfinite(w) for w in (*found.rank_weights, found.refuse_bias)):
        raise ModelFileError(f"{name} has a weight or a bias that is not a number: {retrain}")
    if not 0.0 <= found.threshold <= 1.0:
        raise ModelFileError(f"{name} has a threshold that is not a probability: {retrain}")
    return found


def _trees(entries: object, features: tuple[str, ...], name: str, retrain: str) -> Trees:
    """Trees of one depth, as complete as ``Trees`` says, that split on features that exist."""
    if not isinstance(entries, list) or not entries:
        raise TypeError(f"a list of trees expected, not {entries!r}")
    split_on = [_numbers(entry["features"]) for entry in entries]
    cuts = [_numbers(entry["cuts"]) for entry in entries]
    values = [_numbers(entry["values"]) for entry in entries]
    nodes = len(split_on[0])
    if (
        not nodes
        or (nodes + 1) & nodes  # a complete tree has 2**depth - 1 nodes
        or any(len(f) != nodes or len(c) != nodes for f, c in zip(split_on, cuts, strict=True))
        or any(len(v) != nodes + 1 for v in values)
    ):
        raise ModelFileError(f"{name} has trees of unequal or impossible shapes: {retrain}")
    splits = np.array(split_on)
    if not (splits == np.round(splits)).all() or splits.min() < 0:
        raise ModelFileError(f"{name} splits on a feature it does not have: {retrain}")
    if splits.max() >= len(features):
        raise ModelFileError(f"{name} splits on a feature it does not have: {retrain}")
    trees = Trees(splits.astype(np.intp), np.array(cuts), np.array(values))
    if np.isnan(trees.cuts).any() or not np.isfinite(trees.values).all():
        raise ModelFileError(f"{name} has a cut or a value that is not a number: {retrain}")
    return trees


def _numbers(values: object) -> tuple[float, ...]:
    if not isinstance(values, list):
        raise TypeError(f"a list of numbers expected, not {values!r}")
    return tuple(float(v) for v in values)


def neutral() -> Model:
    """A model that prefers nothing: what the training script starts from, whatever the shipped
    coefficients were trained on."""
    return Model(
        rank_weights=(0.0,) * len(RANK_FEATURES),
        refuse_trees=Trees.none(),
        refuse_bias=0.0,
        threshold=0.5,
    )


@cache
def load() -> Model:
    """The trained model shipped with the package."""
    return parse(resources.files("bot.answer").joinpath("model.toml").read_text(encoding="utf-8"))
