"""Fair tuning: the same budget of quasi-random trials for every optimizer, run in a few batched calls.

Optimizer benchmarks (DeepOBS; AlgoPerf, Dahl et al. 2023) compare methods only after giving
each one the same tuning budget, over several starts and seeds; a single hand-picked learning
rate mostly shows which default suited the landscape. ``tune`` searches the hyperparameters
each optimizer marks ``tunable`` (see ``core.hyper``) over their UI ranges: half the budget on
a seeded Halton sequence over the whole space, the rest in a few rounds that zoom in on the
best trial so far. Every round is one ``simulate`` call over trials × starts × noise seeds.

Scores (lower is better, one per run, averaged over the runs of a trial; a trial in which any
run diverged scores ``inf``):

- ``"final"``: the final gap f − f* (f itself when f* is unknown);
- ``"steps"``: the first step with f − f* ≤ ``target`` (a run that never gets there counts
  ``MISSED`` × steps, the "PAR-2" convention of solver benchmarks);
- ``"auc"``: the area under the log loss curve, as the geometric mean of f − f* over the
  steps (floored at ``FLOOR``); when f* is unknown, the mean of f over the steps.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from . import metrics
from .functions import Objective
from .messages import N_, CoreError, Message
from .metrics import MISSED
from .network import MLP
from .network_trials import DEFAULT_TARGET, check_target, is_network, run_trials
from .network_trials import inits as network_inits
from .optimizers import Optimizer, get_optimizer, get_spec
from .simulate import Pulse, Trajectory, simulate

SCORES: dict[str, str] = {
    "final": "final f − f*",
    "steps": "steps to reach f − f* ≤ target",
    "auc": "area under the log loss curve (geometric mean of f − f*)",
}
FLOOR = 1e-12  # gaps below this count as this much: a score of exactly 0 would make ratios meaningless
PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53)


@dataclass(frozen=True)
class Dimension:
    """One coordinate of the search: a hyperparameter (or element ``index`` of a pair) over ``[low, high]``."""

    hyper: str
    index: int | None
    low: float
    high: float
    log: bool

    @property
    def column(self) -> str:
        """Its name in ``TuneResult.trials``: ``lr``, ``momentum``, ``betas[0]`` …"""
        return self.hyper if self.index is None else f"{self.hyper}[{self.index}]"

    def values(self, unit: np.ndarray) -> np.ndarray:
        """Map points of ``[0, 1]`` to this range, log-uniformly when ``log``."""
        if self.log:
            return np.exp(math.log(self.low) + unit * (math.log(self.high) - math.log(self.low)))
        return self.low + unit * (self.high - self.low)

    def units(self, value: np.ndarray) -> np.ndarray:
        """The inverse of ``values``: where values lie in ``[0, 1]`` (clipped to it)."""
        v = np.clip(np.asarray(value, dtype=float), self.low, self.high)
        if self.log:
            return (np.log(v) - math.log(self.low)) / (math.log(self.high) - math.log(self.low))
        return (v - self.low) / (self.high - self.low)


@dataclass(frozen=True)
class TuneResult:
    """What ``tune`` found for one optimizer.

    ``best``: the tuned hyperparameters (with ``fixed``), ready for ``get_optimizer(name, **best)``;
    ``score``: the best trial's score (``inf`` when every trial diverged); ``trials``: one array per
    searched coordinate (``Dimension.column``) plus ``score``, ``diverged`` (the fraction of that
    trial's runs that diverged) and ``round`` (0 for the global search), in the order run.
    """

    name: str
    best: dict[str, Any]
    score: float
    metric: str
    trials: dict[str, np.ndarray]

    @property
    def optimizer(self) -> Optimizer:
        """The tuned optimizer."""
        return get_optimizer(self.name, **self.best)


@dataclass(frozen=True)
class Evaluation:
    """One setting run from every start and noise seed: the runs, their scores and steps to the target.

    ``scores`` and ``reached_at`` have the batch shape of the runs: ``(starts, seeds)`` on a landscape,
    ``(seeds,)`` on a network; ``reached_at`` is the first step with f − f* ≤ target (on a network, the
    first recorded step with test accuracy ≥ target), or -1. ``trajectory`` holds a landscape's runs
    (None on a network: its parameters are not for drawing); on a network ``steps`` are the recorded
    steps and ``curves`` the test loss and accuracy at them, ``(rows, seeds)`` each.
    """

    trajectory: Trajectory | None
    scores: np.ndarray
    reached_at: np.ndarray
    steps: np.ndarray | None = None
    curves: dict[str, np.ndarray] | None = None


def halton(count: int, dims: int, start: int = 1, seed: int | None = None) -> np.ndarray:
    """``count`` points of the Halton sequence in ``[0, 1)^dims`` from index ``start``.

    With ``seed``, every coordinate is shifted by a seeded random amount modulo 1
    (Cranley–Patterson), so each seed gives other points that are still evenly spread.
    """
    if not 0 <= dims <= len(PRIMES):
        raise CoreError(N_("Invalid dims: {dims} (expected 0 to {limit})"), dims=str(dims), limit=len(PRIMES))
    out = np.zeros((count, dims))
    for j, base in enumerate(PRIMES[:dims]):  # radical inverse, one digit of every index at a time
        index = np.arange(start, start + count)
        scale = 1.0
        while index.any():
            scale /= base
            out[:, j] += scale * (index % base)
            index //= base
    if seed is not None:
        out = (out + np.random.default_rng(seed).random(dims)) % 1.0
    return out


def search_space(name: str, fixed: Mapping[str, Any] | None = None) -> tuple[Dimension, ...]:
    """What ``tune`` varies for optimizer ``name``: every ``tunable`` hyperparameter not in ``fixed``.

    Each goes over its UI range (log-uniform where the UI is logarithmic, as for lr); of a pair
    such as ``betas`` only the first element (β₁) is searched and the second keeps its default.
    """
    dims = []
    for h in get_spec(name).hypers:
        if not h.tunable or not h.shown or h.name in (fixed or {}):
            continue
        _, _, _, (low, high), log = h.elements()[0]
        if low < high:
            dims.append(Dimension(h.name, 0 if h.kind == "pair" else None, float(low), float(high), log))
    return tuple(dims)


def starts(objective: Objective, count: int, seed: int = 0, x0: Any = None, spread: float | None = None) -> np.ndarray:
    """``count`` starts ``(count, d)``: ``x0`` (default: the objective's own start), then uniform random points.

    The random points fill the objective's box, or with ``spread`` the part of it within ``spread`` × the
    box's side of ``x0`` (a few starts near a page's own one: a setting tuned on them cannot win by a
    coincidence of that one start, such as sign steps of an lr that divides its coordinates).
    """
    first = np.asarray(objective.start if x0 is None else x0, dtype=float).ravel()
    bounds = np.asarray(objective.box, dtype=float).reshape(first.size, 2)
    if spread is not None:
        reach = spread * (bounds[:, 1] - bounds[:, 0])
        bounds = np.stack([np.maximum(bounds[:, 0], first - reach), np.minimum(bounds[:, 1], first + reach)], axis=1)
    others = np.random.default_rng(seed).uniform(bounds[:, 0], bounds[:, 1], (max(count, 1) - 1, first.size))
    return np.concatenate([first[None], others])


def run_scores(objective: Objective, run: Trajectory, metric: str, target: float) -> np.ndarray:
    """The score of every run in ``run`` (batch shape), ``inf`` for a run that diverged.

    ``"steps"`` and ``"auc"`` need every step (``record="all"``); ``"final"`` needs only the last.
    """
    _check_metric(metric)
    gap = _gap(objective, run.values)
    with np.errstate(all="ignore"):
        if metric == "final":
            score = gap[-1]
        elif metric == "steps":
            reached = metrics.steps_to_reach(gap, target)
            score = np.where(reached >= 0, reached, MISSED * run.steps).astype(float)
        elif np.isfinite(objective.min_value):
            score = 10.0 ** np.mean(np.log10(np.maximum(gap, FLOOR)), axis=0)
        else:
            score = np.mean(gap, axis=0)
        return np.where((run.diverged_at >= 0) | ~np.isfinite(score), np.inf, score)


def tune(
    objective: Objective | MLP,
    name: str,
    *,
    budget: int = 64,
    steps: int = 100,
    score: str = "final",
    x0: Any = None,
    seeds: int = 1,
    noise: float = 0.0,
    seed: int = 0,
    target: float | None = None,
    fixed: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
    rounds: int = 4,
    include: Sequence[Mapping[str, Any]] = (),
    batch_size: int | None = None,
    shared_batches: bool = False,
    pulse: Pulse | None = None,
) -> TuneResult:
    """Search optimizer ``name``'s hyperparameters on ``objective`` with ``budget`` trials of ``steps`` steps.

    ``x0``: one start ``(d,)`` or several ``(S, d)`` (default: the objective's start); with
    ``noise`` > 0 each start runs ``seeds`` times with different gradient noise (``seed`` seeds
    it and the search). ``fixed`` holds hyperparameters that are not searched (the others keep
    torch's defaults). ``options`` restricts coordinates (by ``Dimension.column``) to given values,
    such as a slider's steps: every trial is moved to the nearest one (on a log scale where the
    coordinate is logarithmic), so the best is one of them. ``score`` is one of ``SCORES``; see
    the module docstring. Every trial runs the same starts; ``rounds`` - 1 rounds after the
    global one refine around the best. With nothing left to search there is a single trial.
    ``include``: settings (such as a page's default and current values) that are trials as they are,
    first in the global round, then torch's defaults (always a trial, so every optimizer gets one
    more trial than ``budget``); the result never scores worse than any of them. A searched
    coordinate one of them leaves out takes torch's default. ``target`` defaults to 1e-3 (a gap).

    On a network (``core.mlp``) the runs of a trial are its ``seeds`` seeded initialisations (or
    ``x0``'s parameter vectors), trained with minibatches of ``batch_size`` (full batch when None)
    and scored on the test split, ``target`` being a test accuracy (default 0.9): see
    ``core.network_trials``. Network i draws its minibatches seeded ``seed + i``; with ``shared_batches`` all
    draw those seeded ``seed``, as the network lab trains its networks, so a score is the lab's own number.
    ``pulse()`` is called every few training steps of every run (``simulate``'s stop point for its caller).
    """
    _check_metric(score)
    if isinstance(budget, bool) or not isinstance(budget, (int, np.integer)) or budget < 1:
        raise CoreError(N_("Invalid budget: {value} (expected an integer >= 1)"), value=repr(budget))
    fixed = dict(fixed or {})
    dims = search_space(name, fixed)
    run_batch = _trial_runner(
        objective, steps, score, x0, seeds, noise, seed, target, batch_size, shared_batches, pulse
    )
    snaps = _snappers(dims, options or {})
    units, values = np.empty((0, len(dims))), np.empty((0, len(dims)))
    trial_score, diverged, final_mean, round_of = (np.empty(0) for _ in range(4))
    centre, half = np.full(len(dims), 0.5), 0.5
    # torch's defaults are always a trial, so the tuned setting never scores worse than the default
    given = _included_values(name, dims, [*include, {}]) if dims else np.empty((0, 0))
    searched = 0  # Halton points used so far
    for r, size in enumerate(round_sizes(budget if dims else 1, rounds)):
        unit = np.clip(centre - half, 0.0, 1.0 - 2 * half) + 2 * half * halton(size, len(dims), searched + 1, seed)
        unit = np.clip(unit, 1e-9, 1.0)  # never exactly the lower end (a momentum of 0 is not Nesterov)
        searched += size
        value = np.array([snap(d.values(u)) for d, snap, u in zip(dims, snaps, unit.T, strict=True)]).T
        value = value.reshape(size, len(dims))
        if r == 0 and len(given):  # the included settings first: on a tie they win
            own = np.array([d.units(v) for d, v in zip(dims, given.T, strict=True)]).T.reshape(given.shape)
            unit, value = np.concatenate([own, unit]), np.concatenate([given, value])
        count = len(value)
        hp = _trial_hyperparameters(name, dims, value, fixed)
        scores, broken, finals = run_batch(get_optimizer(name, **hp), count)
        units, values = np.concatenate([units, unit]), np.concatenate([values, value])
        trial_score = np.append(trial_score, scores.mean(axis=1))
        diverged = np.append(diverged, broken.mean(axis=1))
        final_mean = np.append(final_mean, finals.mean(axis=1))
        round_of = np.append(round_of, np.full(count, r))
        best = _best(trial_score, diverged, final_mean)
        centre, half = units[best], min(0.5, 2 * half / size ** (1 / max(len(dims), 1)))
    trials = {d.column: values[:, i] for i, d in enumerate(dims)}
    trials.update(score=trial_score, diverged=diverged, round=round_of.astype(int))
    return TuneResult(
        name=name,
        best=_plain(_trial_hyperparameters(name, dims, values[best : best + 1], fixed)),
        score=float(trial_score[best]),
        metric=score,
        trials=trials,
    )


TrialRunner = Callable[[Optimizer, int], tuple[np.ndarray, np.ndarray, np.ndarray]]


def _trial_runner(
    objective: Any,
    steps: int,
    score: str,
    x0: Any,
    seeds: int,
    noise: float,
    seed: int,
    target: float | None,
    batch_size: int | None,
    shared_batches: bool = False,
    pulse: Pulse | None = None,
) -> TrialRunner:
    """A function that runs ``count`` trials of an optimizer (hyperparameters ``(count, 1, 1)``) from every start.

    It returns, per trial and run ``(count, runs)``: the score, whether the run diverged, and its
    final loss (the final gap on a landscape, the final test loss on a network), which breaks ties.
    """
    if is_network(objective):
        starts = network_inits(objective, seeds, x0)
        goal = check_target(DEFAULT_TARGET if target is None else target)

        def on_network(optimizer: Optimizer, count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            # (count, 1, 1) hyperparameters broadcast over the (count, seeds) batch as (count, 1).
            flat = Optimizer(optimizer.spec, {k: _drop_axis(v) for k, v in optimizer.hyperparameters.items()})
            t = run_trials(
                objective,
                flat,
                starts,
                count,
                steps=steps,
                score=score,
                target=goal,
                batch_size=batch_size,
                seed=seed,
                shared_batches=shared_batches,
                pulse=pulse,
            )
            return t.scores, t.diverged, t.test_loss

        return on_network
    if batch_size is not None:
        raise CoreError(N_("batch_size needs an objective with training samples (a network from core.mlp)"))
    x = _start_array(objective, x0)
    reps = seeds if noise > 0 else 1
    record = "last" if score == "final" else "all"
    gap_target = 1e-3 if target is None else target

    def on_landscape(optimizer: Optimizer, count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        batch = np.broadcast_to(x[None, :, None, :], (count, x.shape[0], reps, x.shape[1]))
        run = simulate(
            objective,
            optimizer,
            batch,
            steps,
            record,
            noise=noise,
            seed=seed,
            escape=objective.escape_radius,
            pulse=pulse,
        )
        flat = (count, -1)
        return (
            run_scores(objective, run, score, gap_target).reshape(flat),
            (run.diverged_at >= 0).reshape(flat),
            run_scores(objective, run, "final", gap_target).reshape(flat),
        )

    return on_landscape


def _drop_axis(value: Any) -> Any:
    """A trial array ``(count, 1, 1)`` as ``(count, 1)`` (pairs element-wise); scalars unchanged."""
    if isinstance(value, tuple):
        return tuple(_drop_axis(v) for v in value)
    return value.reshape(value.shape[0], 1) if isinstance(value, np.ndarray) and value.ndim == 3 else value


def evaluate(
    objective: Objective | MLP,
    name: str,
    hyperparameters: Mapping[str, Any],
    *,
    steps: int,
    score: str = "final",
    x0: Any = None,
    seeds: int = 1,
    noise: float = 0.0,
    seed: int = 0,
    target: float | None = None,
    batch_size: int | None = None,
    pulse: Pulse | None = None,
) -> Evaluation:
    """Run one setting from every start and noise seed (as ``tune`` does) and score every run.

    On a network (``core.mlp``) the runs are the ``seeds`` seeded initialisations (or ``x0``'s
    parameter vectors), trained with minibatches of ``batch_size`` exactly as ``tune``'s trials are,
    so the tuned setting's runs score what its trial scored; ``target`` is then a test accuracy
    (default 0.9), else a gap (default 1e-3). ``pulse``: as in ``tune``.
    """
    _check_metric(score)
    optimizer = get_optimizer(name, **hyperparameters)
    if is_network(objective):
        goal = check_target(DEFAULT_TARGET if target is None else target)
        t = run_trials(
            objective,
            optimizer,
            network_inits(objective, seeds, x0),
            1,
            steps=steps,
            score=score,
            target=goal,
            batch_size=batch_size,
            seed=seed,
            pulse=pulse,
        )
        curves = {k: v[:, 0] for k, v in t.curves.items()}
        return Evaluation(None, t.scores[0], t.reached_at[0], t.steps, curves)
    if batch_size is not None:
        raise CoreError(N_("batch_size needs an objective with training samples (a network from core.mlp)"))
    f = cast(Objective, objective)  # not a network: a landscape
    gap_target = 1e-3 if target is None else target
    x = _start_array(f, x0)
    reps = seeds if noise > 0 else 1
    batch = np.broadcast_to(x[:, None, :], (x.shape[0], reps, x.shape[1]))
    run = simulate(f, optimizer, batch, steps, noise=noise, seed=seed, escape=f.escape_radius, pulse=pulse)
    return Evaluation(
        run, run_scores(f, run, score, gap_target), metrics.steps_to_reach(_gap(f, run.values), gap_target)
    )


def survival(reached_at: np.ndarray, steps: int) -> np.ndarray:
    """The fraction of runs that reached the target by each step ``0..steps`` (``reached_at`` -1: never).

    On a network ``reached_at`` is a recorded step (``Evaluation.steps``), so the curve rises at those.
    """
    r = np.asarray(reached_at).ravel()
    counts = np.bincount(r[r >= 0], minlength=steps + 1)[: steps + 1]
    return np.cumsum(counts) / max(r.size, 1)


def performance_profile(scores: Any, taus: Any) -> np.ndarray:
    """Dolan & Moré's profile: for each τ and solver, the fraction of problems it solves within τ × the best.

    ``scores`` is ``(problems, solvers)``, lower is better, ``inf`` or NaN a failure; scores are
    floored at ``FLOOR``. Returns ``(len(taus), solvers)``.
    """
    s = np.asarray(scores, dtype=float)
    if s.ndim != 2:
        raise CoreError(N_("Invalid scores shape {shape}: expected (problems, solvers)"), shape=str(s.shape))
    if np.any(s < 0):
        raise CoreError(N_("Performance profiles need scores >= 0 (ratios of negative scores mean nothing)"))
    with np.errstate(all="ignore"):
        s = np.where(np.isnan(s), np.inf, np.maximum(s, FLOOR))
        ratio = s / s.min(axis=1, keepdims=True)
        ratio = np.where(np.isfinite(s), ratio, np.inf)
        return (ratio[None, :, :] <= np.asarray(taus, dtype=float)[:, None, None]).mean(axis=1)


def _check_metric(metric: str) -> None:
    if metric not in SCORES:
        raise CoreError(
            N_("Invalid score {value}; valid ones are: {names}"), value=repr(metric), names=", ".join(SCORES)
        )


def _gap(objective: Objective, values: np.ndarray) -> np.ndarray:
    """f − f* (never below 0: f* of a formula is a grid estimate), or f where f* is unknown."""
    gap = metrics.gap(objective, values)
    return np.maximum(gap, 0.0) if np.isfinite(objective.min_value) else gap


def _start_array(objective: Objective, x0: Any) -> np.ndarray:
    """Starts as ``(S, d)``: ``x0`` (one start or several) or the objective's own start."""
    x = np.asarray(objective.start if x0 is None else x0, dtype=float)
    return x.reshape(-1, x.shape[-1])


def round_sizes(budget: int, rounds: int) -> list[int]:
    """Half the budget for the global round, the rest split evenly over the refinement rounds."""
    if rounds <= 1:
        return [budget]
    first = (budget + 1) // 2
    rest = [len(part) for part in np.array_split(np.arange(budget - first), rounds - 1)]
    return [first] + [n for n in rest if n > 0]


def _snappers(dims: tuple[Dimension, ...], options: Mapping[str, Any]) -> list[Callable[[np.ndarray], np.ndarray]]:
    """Per coordinate, a map of values to the nearest allowed option (the identity where none are given)."""
    unknown = set(options) - {d.column for d in dims}
    if unknown:
        raise CoreError(
            N_("Invalid options for {names}: not searched (searched: {searched})"),
            names=", ".join(sorted(unknown)),
            searched=", ".join(d.column for d in dims) or Message(N_("nothing")),
        )
    snaps = []
    for d in dims:
        if d.column not in options:
            snaps.append(lambda v: v)
            continue
        allowed = np.unique(np.asarray(options[d.column], dtype=float))
        allowed = allowed[(allowed > d.low) & (allowed <= d.high)]  # as the continuous search: never the low end
        if allowed.size == 0:
            raise CoreError(
                N_("Invalid options for {name}: none inside ({low}, {high}]"),
                name=d.column,
                low=f"{d.low:g}",
                high=f"{d.high:g}",
            )
        snaps.append(functools.partial(_nearest, allowed, d.log))
    return snaps


def _nearest(allowed: np.ndarray, log: bool, v: np.ndarray) -> np.ndarray:
    """The element of ``allowed`` nearest to each of ``v`` (by ratio when ``log``)."""
    scale = np.log if log else np.asarray
    return allowed[np.abs(scale(v)[:, None] - scale(allowed)[None, :]).argmin(axis=1)]


def _included_values(name: str, dims: tuple[Dimension, ...], include: Sequence[Mapping[str, Any]]) -> np.ndarray:
    """The searched coordinates of each ``include``d setting ``(len(include), len(dims))``, torch's default where
    a setting leaves one out."""
    spec = get_spec(name)
    rows: list[list[float]] = []
    for setting in include:
        row = []
        for d in dims:
            v = setting.get(d.hyper, spec.hyper(d.hyper).default)
            row.append(float(v if d.index is None else v[d.index]))
        if row not in rows:  # one trial per distinct setting
            rows.append(row)
    return np.array(rows, dtype=float).reshape(len(rows), len(dims))


def _trial_hyperparameters(
    name: str, dims: tuple[Dimension, ...], value: np.ndarray, fixed: Mapping[str, Any]
) -> dict[str, Any]:
    """Keyword arguments for ``get_optimizer``: one value per trial, shaped ``(trials, 1, 1)`` to broadcast."""
    spec = get_spec(name)
    hp = dict(fixed)
    for i, d in enumerate(dims):
        values = value[:, i].reshape(-1, 1, 1)
        if d.index is None:
            hp[d.hyper] = values
        else:
            pair = list(fixed.get(d.hyper, spec.hyper(d.hyper).default))
            pair[d.index] = values
            hp[d.hyper] = tuple(pair)
    return hp


def _best(score: np.ndarray, diverged: np.ndarray, final: np.ndarray) -> int:
    """The best trial: lowest score, then fewest diverged runs, then lowest final gap."""
    return int(np.lexsort((final, diverged, score))[0])


def _plain(hp: dict[str, Any]) -> dict[str, Any]:
    """One trial's arrays ``(1, 1, 1)`` as plain floats (pairs as tuples)."""

    def one(v: Any) -> Any:
        return float(np.ravel(v)[0]) if isinstance(v, np.ndarray) else v

    return {k: tuple(one(e) for e in v) if isinstance(v, tuple) else one(v) for k, v in hp.items()}
