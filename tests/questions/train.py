"""Fit the answer engine's ranking and refusal models on the dev questions; write model.toml
and the examples the models compare questions with (examples.jsonl).

    python -m tests.questions.train            # fit on all of dev, write both files
    python -m tests.questions.train --folds 5  # also say how it does on dev questions held out

Deterministic: the same questions and seeds give the same coefficients. Never reads the test set.
The ranking model is a conditional logit (the right candidates of each question ahead of its
others); the refusal model boosted regression trees on the best candidate (gradient boosting of
the log-loss, Newton leaves, split points at quantiles). The threshold is the least probability at
which at least REFUSED of the out-of-scope dev questions are refused, each scored by trees fitted
without it.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import math
import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.answer import memory, model
from bot.answer.features import MAX_MARGIN, RANK_FEATURES, REFUSE_FEATURES, refuse_row
from tests import questions as sets

MODEL = Path(model.__file__).with_name("model.toml")
EXAMPLES = Path(model.__file__).with_name(memory.FILE)
REFUSED = 0.955  # share of out-of-scope dev questions the threshold must keep refused
TRADE_OFF = (0.90, 0.92, 0.94, 0.95, 0.97)  # shares --folds also reports the cost of
RANK_L2 = 0.5
RANK_TREES = 300  # trees added to the ranking model's weighted sum
RANK_DEPTH = 4
TREES = 200  # the refusal model's trees
DEPTH = 4
RATE = 0.1  # each tree's share of its Newton step
MIN_LEAF = 10  # questions each side of a split holds at least
TREE_L2 = 1.0
BINS = 32  # split points tried per feature
CALIBRATION_FOLDS = 5  # the threshold comes from trees that did not see the question
NEW_EVERY = 4  # one question in this many is also learnt with half the items as if new


@dataclass
class Example:
    question: sets.Question
    rows: np.ndarray  # one row of ranking features per candidate
    right: np.ndarray  # which candidates answer it
    query: object  # the analysed question, for the refusal features


def remembered(questions: list[sets.Question]) -> memory.Memory:
    """The questions as examples, each with its batch: in training a question meets no example
    of its own batch, as a member's question meets none written beside it."""
    return memory.Memory(
        (memory.Example(q.text, q.expect) for q in questions),
        groups=[q.batch for q in questions],
    )


def folds_of(questions: list[sets.Question], folds: int) -> list[int]:
    """Each question's fold, a batch at a time: a held-out question meets no example written
    beside it either. A text written in several batches goes with the first of them, so that its
    copies are never on both sides. With fewer batches than folds, one question at a time."""
    batches = sorted({q.batch for q in questions})
    if len(batches) < folds:
        return [n % folds for n in range(len(questions))]
    fold = {batch: n % folds for n, batch in enumerate(batches)}
    first: dict[str, str] = {}
    for q in questions:
        first[q.text] = min(first.get(q.text, q.batch), q.batch)
    return [fold[first[q.text]] for q in questions]


async def examples(
    questions: list[sets.Question],
    known: memory.Memory,
    *,
    forget: Callable[[sets.Question], frozenset[str]] | None = None,
) -> list[Example]:
    """Every question's candidates and features, from the seeds as the bot loads them, beside
    the examples ``known`` (a question never meets itself there). ``forget``: the items each
    question meets as if they had just been added, with no examples yet."""
    async with sets.seeded_engine(scorer=model.neutral(), examples=known) as engine:
        found = []
        for question in questions:
            query, rows = await engine.candidates(
                question.text,
                leave_out=question.text,
                leave_group=question.batch,
                forget=forget(question) if forget else frozenset(),
            )
            matrix = np.array([row for _, row in rows], dtype=float)
            matrix = matrix.reshape(len(rows), len(RANK_FEATURES))
            right = np.array([cand.item_id in question.expect for cand, _ in rows])
            found.append(Example(question, matrix, right, query))
        return found


def fit_rank(groups: list[Example], l2: float = RANK_L2, steps: int = 50) -> np.ndarray:
    """A conditional logit by Newton's method: the softmax over each question's candidates puts
    its weight on the right ones. Every question's candidates at once: their rows stacked, each
    question's sums taken with ``reduceat`` from where its rows start.

    A full Newton step can overshoot when one feature nearly decides alone (its weights then run
    off to thousands): each step is halved until the loss falls."""
    if not all(g.right.any() for g in groups):
        raise ValueError("every question the ranking learns from has a right candidate")
    x, right, starts, owner = _stacked(groups)
    size = x.shape[1]
    w = np.zeros(size)
    loss = _rank_loss(x @ w, right, starts, owner) + 0.5 * l2 * w @ w
    for _ in range(steps):
        p, q = _softmax(x @ w, right, starts, owner)
        grad = l2 * w + x.T @ (p - q)
        weighted = x * p[:, None]
        mean = np.add.reduceat(weighted, starts)  # each question's expected row
        hess = l2 * np.eye(size) + weighted.T @ x - mean.T @ mean
        step = np.linalg.solve(hess, grad)
        scale = 1.0
        while True:
            tried = w - scale * step
            found = _rank_loss(x @ tried, right, starts, owner) + 0.5 * l2 * tried @ tried
            if found <= loss - 1e-4 * scale * (grad @ step) or scale < 1e-4:
                break
            scale /= 2
        w, gain, loss = tried, loss - found, found
        if np.abs(scale * step).max() < 1e-8 or gain < 1e-12 * max(1.0, abs(loss)):
            break
    return w


def _rank_loss(score: np.ndarray, right: np.ndarray, starts: np.ndarray, owner: np.ndarray):
    """The conditional logit's loss: minus the log of each question's softmax weight on its right
    candidates, summed."""
    return float((_log_sum(score, starts, owner) - _log_sum(score, starts, owner, right)).sum())


def _log_sum(
    score: np.ndarray,
    starts: np.ndarray,
    owner: np.ndarray,
    among: np.ndarray | None = None,
) -> np.ndarray:
    """Each question's log of the sum of exp(score) over its candidates, or only those where
    ``among`` is 1."""
    if among is not None:
        score = np.where(among > 0, score, -np.inf)
    top = np.maximum.reduceat(score, starts)
    shifted = np.exp(score - top[owner])  # exp(-inf) is 0: the candidates left out
    return np.log(np.add.reduceat(shifted, starts)) + top


def _stacked(groups: list[Example]) -> tuple[np.ndarray, ...]:
    """Every question's candidate rows stacked; which are right; where each question's rows
    start; and whose each row is."""
    x = np.vstack([g.rows for g in groups])
    right = np.concatenate([g.right for g in groups]).astype(float)
    sizes = np.array([len(g.rows) for g in groups])
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    return x, right, starts, np.repeat(np.arange(len(groups)), sizes)


def _softmax(score: np.ndarray, right: np.ndarray, starts: np.ndarray, owner: np.ndarray):
    """Each question's softmax over its candidates (p), and the same over its right ones (q)."""
    p = np.exp(score - _log_sum(score, starts, owner)[owner])
    # Over the right ones from their own largest score: their share of p may underflow to 0.
    among = right > 0
    q = np.exp(np.where(among, score - _log_sum(score, starts, owner, right)[owner], -np.inf))
    return p, q


def cut_points(column: np.ndarray) -> np.ndarray:
    """Where a feature may split: between neighbouring values, at most BINS - 1 of them, at its
    quantiles. Midway, so that a difference in the last digits moves no question across."""
    values = np.unique(column)
    if len(values) > BINS:
        picked = np.quantile(column, np.linspace(0, 1, BINS + 1)[1:-1], method="lower")
        picked = np.unique(picked[picked < values[-1]])
        after = values[np.searchsorted(values, picked, side="right")]
        return (picked + after) / 2
    return (values[:-1] + values[1:]) / 2


@dataclass
class Binned:
    """A matrix's rows by the bin each feature falls in, between its split points."""

    x: np.ndarray
    bins: np.ndarray  # (features, rows): the bin of each value, each feature's row contiguous
    points: np.ndarray  # (features, bins - 1): split points, padded with infinity
    counts: np.ndarray  # (features, bins): the rows in each bin, the same at every tree's root

    @classmethod
    def of(cls, x: np.ndarray) -> Binned:
        cuts = [cut_points(x[:, j]) for j in range(x.shape[1])]
        points = np.full((x.shape[1], max(len(c) for c in cuts)), math.inf)
        for j, c in enumerate(cuts):
            points[j, : len(c)] = c
        bins = np.vstack([np.searchsorted(c, x[:, j]) for j, c in enumerate(cuts)])
        counts = np.vstack([np.bincount(row, minlength=points.shape[1] + 1) for row in bins])
        return cls(x, bins, points, counts)


def grow(data: Binned, g: np.ndarray, h: np.ndarray, depth: int) -> tuple[np.ndarray, ...]:
    """One regression tree of ``depth`` for a Newton step on a loss whose gradients and Hessians
    at each row are g and h: its split features, split points, leaf values (before the rate)
    and the leaf each row reaches.

    At each depth every feature's split points are weighed at once, from the sums of the rows'
    gradients, Hessians and counts per (node, feature, bin): see ``_sums``."""
    count, width = data.x.shape
    inner = 2**depth - 1
    rows = np.arange(count)
    features = np.zeros(inner, dtype=np.intp)
    splits = np.full(inner, math.inf)
    node = np.zeros(count, dtype=np.intp)
    sums = None
    for level_depth in range(depth):
        first, level = 2**level_depth - 1, 2**level_depth
        sums = _sums(data, g, h, node - first, level, sums)
        left = sums[:, :, :, :-1].cumsum(axis=3)
        total = sums.sum(axis=3, keepdims=True)
        right = total - left
        gain = (
            left[0] ** 2 / (left[1] + TREE_L2)
            + right[0] ** 2 / (right[1] + TREE_L2)
            - total[0] ** 2 / (total[1] + TREE_L2)
        )
        gain[(left[2] < MIN_LEAF) | (right[2] < MIN_LEAF)] = 0.0
        at = gain.argmax(axis=2)  # each node's and feature's best split point
        found = np.take_along_axis(gain, at[:, :, None], axis=2)[:, :, 0]
        best = np.zeros(level)
        chosen = np.full(level, -1)
        for j in range(width):  # ties go to the earlier feature
            better = found[:, j] > best + 1e-12
            best[better] = found[better, j]
            chosen[better] = j
        split = np.flatnonzero(chosen >= 0)
        features[first + split] = chosen[split]
        splits[first + split] = data.points[chosen[split], at[split, chosen[split]]]
        node = 2 * node + 1 + (data.x[rows, features[node]] > splits[node])
    leaf = node - inner
    g_sum = np.bincount(leaf, weights=g, minlength=inner + 1)
    h_sum = np.bincount(leaf, weights=h, minlength=inner + 1)
    return features, splits, -g_sum / (h_sum + TREE_L2), leaf


def _sums(
    data: Binned, g: np.ndarray, h: np.ndarray, at: np.ndarray, level: int, above: np.ndarray | None
) -> np.ndarray:
    """The sums of g, h and rows per (node, feature, bin) at a level of ``level`` nodes (``at``:
    each row's node there), shaped (3, node, feature, bin), features padded to the same number
    of bins (a padded bin holds nothing, so it never splits). Below the root only the smaller of
    two siblings is summed from its rows: the other is its parent's sums (``above``) less its
    own, which halves the work."""
    width, size = data.bins.shape[0], data.points.shape[1] + 1  # size: bins per feature
    if above is None:
        picked, key_node, nodes = slice(None), at, level
    else:
        rows = np.bincount(at, minlength=level).reshape(-1, 2)
        small = (rows[:, 1] < rows[:, 0]).astype(np.intp)  # the smaller child of each parent
        picked = np.flatnonzero(at % 2 == small[at // 2])
        key_node, nodes = at[picked] // 2, level // 2
    root = level == 1  # every row at the one node: the rows per bin are the data's own
    sums = np.empty((3, width, nodes * size))
    offset, gs, hs = key_node * size, g[picked], h[picked]
    for j in range(width):
        key = data.bins[j] if root else offset + data.bins[j, picked]
        sums[0, j] = np.bincount(key, weights=gs, minlength=nodes * size)
        sums[1, j] = np.bincount(key, weights=hs, minlength=nodes * size)
        if not root:
            sums[2, j] = np.bincount(key, minlength=nodes * size)
    if root:
        sums[2] = data.counts
    sums = sums.reshape(3, width, nodes, size).transpose(0, 2, 1, 3)
    if above is None:
        return sums
    found = np.empty((3, level, width, size))
    parents = np.arange(nodes)
    found[:, 2 * parents + small] = sums
    found[:, 2 * parents + 1 - small] = above - sums
    return found


def boost(
    data: Binned,
    score: np.ndarray,
    gradients: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    trees: int,
    depth: int,
) -> model.Trees:
    """``trees`` trees of ``depth``, each a share RATE of a Newton step from the scores the
    earlier ones left (``score``, changed in place)."""
    inner = 2**depth - 1
    features = np.zeros((trees, inner), dtype=np.intp)
    splits = np.full((trees, inner), math.inf)
    values = np.zeros((trees, inner + 1))
    for t in range(trees):
        g, h = gradients(score)
        features[t], splits[t], step, leaf = grow(data, g, h, depth)
        values[t] = RATE * step
        score += values[t, leaf]
    return model.Trees(features=features, cuts=splits, values=values)


def fit_trees(x: np.ndarray, y: np.ndarray) -> tuple[model.Trees, float]:
    """Boosted trees of depth DEPTH for the log-odds that y is 1 (the log-loss), and the
    starting log-odds."""
    share = min(max(float(y.mean()), 1e-6), 1 - 1e-6)
    bias = math.log(share / (1 - share))

    def gradients(score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p = 1 / (1 + np.exp(-score))
        return p - y, p * (1 - p)

    trees = boost(Binned.of(x), np.full(len(x), bias), gradients, TREES, DEPTH)
    return trees, bias


def fit_rank_trees(groups: list[Example], weights: np.ndarray) -> model.Trees:
    """Boosted trees added to the conditional logit's sums, for the same softmax loss: what a
    weighted sum cannot say. Each row's Hessian is the diagonal of its question's."""
    x, right, starts, owner = _stacked(groups)

    def gradients(score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p, q = _softmax(score, right, starts, owner)
        return p - q, np.maximum(p * (1 - p), 1e-6)

    return boost(Binned.of(x), x @ weights, gradients, RANK_TREES, RANK_DEPTH)


def held_probabilities(x: np.ndarray, y: np.ndarray, fold: np.ndarray) -> np.ndarray:
    """Each row's probability from trees fitted on the other folds (``fold``: each row's): trees
    fit the questions they learn from too closely for those to set a threshold."""
    found = np.zeros(len(x))
    for f in range(CALIBRATION_FOLDS):
        trees, bias = fit_trees(x[fold != f], y[fold != f])
        found[fold == f] = 1 / (1 + np.exp(-(bias + trees.scores(x[fold == f]))))
    return found


def best_of(ex: Example, ranking: model.Model) -> tuple[int, list[float]] | None:
    """The best candidate's index and its refusal row, or None without candidates."""
    if not len(ex.rows):
        return None
    logits = ranking.logits(ex.rows)
    order = sorted(range(len(logits)), key=lambda n: model.rank_key(logits[n], ex.rows[n]))
    top = int(order[0])
    margin = float(logits[top] - logits[order[1]]) if len(order) > 1 else MAX_MARGIN
    return top, refuse_row(ex.query, list(ex.rows[top]), float(logits[top]), margin)


def decision(m: model.Model, ex: Example) -> tuple[int | None, bool]:
    """What the models do with a question: the candidate they put first, and whether they
    answer with it."""
    best = best_of(ex, m)
    if best is None:
        return None, False
    return best[0], m.confidence(best[1]) >= m.threshold


def fitted_on(questions: list[sets.Question], known: memory.Memory) -> tuple[model.Model, list]:
    """The models fitted on questions, and the questions' examples as the bot meets them.

    Items a server adds have no examples: the models also learn from every NEW_EVERY-th
    question asked again with half the items as if they were new (which half is drawn from the
    question's text, the right items as likely as the others), so that what an item says and
    how it is named can carry an answer without examples, beside items that have some."""
    data = asyncio.run(examples(questions, known))
    new = asyncio.run(examples(questions[::NEW_EVERY], known, forget=half_forgotten(known)))
    return fit(data + new), data


def half_forgotten(known: memory.Memory) -> Callable[[sets.Question], frozenset[str]]:
    items = sorted(known.by_item)

    def forget(question: sets.Question) -> frozenset[str]:
        return frozenset(i for i in items if zlib.crc32(f"{i}|{question.text}".encode()) % 2)

    return forget


def all_forgotten(known: memory.Memory) -> Callable[[sets.Question], frozenset[str]]:
    items = frozenset(known.by_item)
    return lambda question: items


def fit(train: list[Example], rank_only: list[Example] = ()) -> model.Model:
    """The ranking model fitted on ``train`` and ``rank_only``, the refusal model on ``train``."""
    groups = [ex for ex in [*train, *rank_only] if ex.right.any()]
    weights = fit_rank(groups)
    ranking = dataclasses.replace(
        model.neutral(),
        rank_weights=tuple(float(v) for v in weights),
        rank_trees=fit_rank_trees(groups, weights),
    )
    rows, labels, outside, asked = [], [], [], []
    for ex in train:
        found = best_of(ex, ranking)
        if found is None:
            continue
        top, row = found
        rows.append(row)
        labels.append(1.0 if ex.right[top] else 0.0)
        outside.append(not ex.question.expect)
        asked.append(ex.question)
    x, y = np.array(rows), np.array(labels)
    trees, bias = fit_trees(x, y)
    held = held_probabilities(x, y, np.array(folds_of(asked, CALIBRATION_FOLDS)))
    # Questions without any candidate are refused whatever the threshold.
    total_out = sum(1 for ex in train if not ex.question.expect)
    threshold = refusing(
        [p for p, out in zip(held, outside, strict=True) if out], total_out, REFUSED
    )
    return dataclasses.replace(
        ranking,
        refuse_trees=trees,
        refuse_bias=float(bias),
        threshold=float(max(threshold, 0.05)),
    )


def refusing(scores: list[float], total: int, share: float) -> float:
    """The least probability that refuses ``share`` of ``total`` out-of-scope questions, given
    the ``scores`` of those that have a candidate (the others are refused anyway)."""
    allowed = math.floor((1 - share) * total + 1e-9)  # may be answered; 0.1 * 10 is 0.999…
    ordered = sorted(scores)
    return ordered[-allowed - 1] + 1e-6 if len(ordered) > allowed else 0.0


@dataclass(frozen=True)
class Outcome:
    answerable: bool
    first: bool  # the best candidate answers it
    sure: float  # the refusal model's probability for that candidate (0 without candidates)


def outcomes(m: model.Model, held: list[Example]) -> list[Outcome]:
    found = []
    for ex in held:
        best = best_of(ex, m)
        found.append(
            Outcome(
                answerable=bool(ex.question.expect),
                first=bool(best and ex.right[best[0]]),
                sure=m.confidence(best[1]) if best else 0.0,
            )
        )
    return found


def trade_off(found: list[Outcome], shares: tuple[float, ...]) -> list[tuple[float, float]]:
    """For each share of out-of-scope questions to refuse, the share of answerable questions
    still answered right, at the threshold that refuses just that share of these questions."""
    outside = [o.sure for o in found if not o.answerable]
    inside = [o for o in found if o.answerable]
    curve = []
    for share in shares:
        threshold = refusing(outside, len(outside), share)
        right = sum(o.first and o.sure >= threshold for o in inside) / max(len(inside), 1)
        curve.append((share, right))
    return curve


def score(m: model.Model, held: list[Example]) -> dict[str, float]:
    return tally(outcomes(m, held), m.threshold)


def tally(found: list[Outcome], threshold: float) -> dict[str, float]:
    answerable = sum(o.answerable for o in found)
    outside = len(found) - answerable
    first = sum(o.first for o in found if o.answerable)
    right = sum(o.first and o.sure >= threshold for o in found if o.answerable)
    refused = sum(o.sure < threshold for o in found if not o.answerable)
    return {
        "right": right / max(answerable, 1),
        "first": first / max(answerable, 1),
        "refused": refused / max(outside, 1),
        "answerable": answerable,
        "outside": outside,
    }


def report(name: str, figures: dict[str, float]) -> str:
    return (
        f"{name}: answerable {figures['answerable']}, right {figures['right']:.1%} "
        f"(right item first {figures['first']:.1%}); out of scope {figures['outside']}, "
        f"refused {figures['refused']:.1%}"
    )


def held_out(questions: list[sets.Question], folds: int) -> dict[str, float]:
    """Figures on dev questions left out of training: each fold is scored by models fitted on
    the others, beside the others' examples only."""
    totals = dict.fromkeys(("right", "first", "refused", "new", "new_refused"), 0.0)
    totals |= {"answerable": 0, "outside": 0}
    pooled: list[Outcome] = []
    fold_of = folds_of(questions, folds)
    for fold in range(folds):
        train = [q for q, f in zip(questions, fold_of, strict=True) if f != fold]
        held = [q for q, f in zip(questions, fold_of, strict=True) if f == fold]
        known = remembered(train)
        fitted, _ = fitted_on(train, known)
        found = outcomes(fitted, asyncio.run(examples(held, known)))
        part = tally(found, fitted.threshold)
        pooled += found
        new = score(fitted, asyncio.run(examples(held, known, forget=all_forgotten(known))))
        for key in ("answerable", "outside"):
            totals[key] += part[key]
        totals["right"] += part["right"] * part["answerable"]
        totals["first"] += part["first"] * part["answerable"]
        totals["refused"] += part["refused"] * part["outside"]
        totals["new"] += new["right"] * new["answerable"]
        totals["new_refused"] += new["refused"] * new["outside"]
    for key, base in (
        ("right", "answerable"),
        ("first", "answerable"),
        ("refused", "outside"),
        ("new", "answerable"),
        ("new_refused", "outside"),
    ):
        totals[key] /= max(totals[base], 1)
    totals["curve"] = trade_off(pooled, TRADE_OFF)
    return totals


def dev_questions() -> list[sets.Question]:
    return [q for q in sets.dev() if not q.unmapped]


def replace(path: Path, text: str) -> None:
    """The file written whole or not at all: a bot starting meanwhile reads the old one or the
    new one, never half of the new one."""
    part = path.with_name(path.name + ".part")
    part.write_text(text, encoding="utf-8")
    os.replace(part, path)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.questions.train")
    parser.add_argument("--folds", type=int, default=0, help="also score held-out folds of dev")
    parser.add_argument("--dry-run", action="store_true", help="write nothing")
    args = parser.parse_args()
    questions = dev_questions()
    if args.folds > 1:
        figures = held_out(questions, args.folds)
        print(report(f"dev, {args.folds} folds held out", figures))
        print(
            f"  the same, every item as if just added (no examples): right {figures['new']:.1%}, "
            f"refused {figures['new_refused']:.1%}"
        )
        print(
            "  out of scope refused -> answerable right, each threshold set on these held-out "
            "questions: " + ", ".join(f"{a:.0%} -> {b:.1%}" for a, b in figures["curve"])
        )
    known = remembered(questions)
    fitted, data = fitted_on(questions, known)
    print(report("dev, fitted on all of it (each question without its batch)", score(fitted, data)))
    print(f"threshold {fitted.threshold:.3f}; features: {', '.join(REFUSE_FEATURES)}")
    if not args.dry_run:
        replace(MODEL, fitted.as_toml())
        replace(EXAMPLES, memory.as_jsonl(known))
        print(f"wrote {MODEL} and {EXAMPLES}")


if __name__ == "__main__":
    main()
