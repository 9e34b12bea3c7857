"""Run an optimizer on an objective for a whole batch of trajectories at once.

Objectives follow one protocol in any dimension D: ``dim``, ``values(P)`` and ``grad_into(P, out)``
on points laid out ``(D, N)`` (coordinate first, batch last); 2-D test functions have D = 2, networks
(``core.network``) have D = their number of parameters and also take minibatch ``rows``.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .functions import Objective
from .messages import N_, CoreError
from .optimizers import Optimizer

StopRule = Callable[[np.ndarray, np.ndarray], np.ndarray]
Pulse = Callable[[], None]
PULSE_STEPS = 8  # a long network run reaches its caller's stop point at least this often


@dataclass(frozen=True)
class Checkpoint:
    """Everything a run needs to go on where it stopped: ``simulate(f, opt, checkpoint, steps)`` continues it.

    A page trains in chunks this way (a stop point and a partial result between chunks), and the
    chunks' rows joined by ``join`` equal one ``simulate`` call's exactly: the points and optimizer
    buffers, the step count (the schedule and the bias corrections count on), the minibatch stream,
    the noise generator, the schedule's runner and which runs stopped or diverged are all carried.
    Continuing copies it, so one checkpoint can be continued more than once with the same result.
    The call that continues it must pass the same optimizer, ``noise``, ``seed``, ``schedule``,
    ``batch_size``, ``stop_when`` and ``escape`` as the first.
    """

    step: int  # steps done
    batch: tuple[int, ...]
    optimizer: str
    batch_size: int | None
    x: np.ndarray  # (D, N): the flat points after ``step`` steps
    state: dict[str, Any]  # the optimizer's buffers
    diverged_at: np.ndarray  # (N,): the step whose point became non-finite (or left the escape radius), or -1
    late_at: np.ndarray  # (N,): the first recorded step with a non-finite value (dates a run whose points stay finite)
    stopped_at: np.ndarray
    active: np.ndarray
    minibatches: Any  # the minibatch stream (None when full batch)
    noise: Any  # the noise generator (None without noise)
    runner: Any  # the schedule's runner (None without a schedule)


@dataclass(frozen=True)
class Trajectory:
    """What ``simulate`` returns; arrays have the batch shape of ``x0``.

    ``points``: ``(R, *batch, D)`` with ``R = steps + 1`` (``record="all"``), 2 (``"last"``), or one
    row per ``record_every`` steps plus the last (``recorded_steps`` lists the step of each row);
    ``values``: ``(R, *batch)``; ``diverged_at`` / ``stopped_at``: first step at which a
    trajectory's point became non-finite (or left the escape radius) / met the stop rule, or -1
    (a run whose point stays finite but whose value overflows is dated at its first non-finite
    value with ``"all"``, at the last step with ``"last"``); ``state``: per-step optimizer
    buffers ``(R, *batch, D)`` when ``record_state`` was set; ``lr``: the learning rate
    used at each update, ``(steps, ...)``.
    """

    points: np.ndarray
    values: np.ndarray
    diverged_at: np.ndarray
    stopped_at: np.ndarray
    steps: int
    record: str
    state: Mapping[str, np.ndarray] = field(default_factory=dict)
    lr: np.ndarray | None = None
    record_every: int = 1
    start: int = 0  # the step of the first row: a run continued from a checkpoint starts where it stopped
    checkpoint: Checkpoint | None = None  # with ``simulate(..., checkpoint=True)``: where to go on from

    @property
    def recorded_steps(self) -> np.ndarray:
        """The step number of each recorded row."""
        return self.start + _recorded_steps(self.steps, self.record, self.record_every)

    @property
    def diverged(self) -> np.ndarray:
        """Boolean mask of trajectories that overflowed or became NaN."""
        return self.diverged_at >= 0

    @property
    def final(self) -> np.ndarray:
        """End points, ``(*batch, D)``."""
        return self.points[-1]


def simulate(
    function: Objective | Any,  # a 2-D Objective or a network objective (core.mlp)
    optimizer: Optimizer,
    x0: Any,
    steps: int,
    record: str = "all",
    *,
    record_state: bool = False,
    noise: Any = 0.0,
    seed: int | None = None,
    stop_when: StopRule | None = None,
    schedule: Any = None,
    escape: float = np.inf,
    batch_size: int | None = None,
    record_every: int = 1,
    shuffle: bool = True,
    checkpoint: bool = False,
    pulse: Pulse | None = None,
) -> Trajectory:
    """Run ``steps`` updates of ``optimizer`` on ``function`` from every start in ``x0``.

    ``x0`` has shape ``(*batch, D)`` with ``D = function.dim``; hyperparameters given as arrays broadcast against
    ``batch``. ``noise`` adds Gaussian noise of that standard deviation to every gradient
    (reproducible with ``seed``). ``stop_when(x, y) -> bool`` freezes a trajectory once true
    (the article stops Adam that way). ``schedule`` (see ``core.schedules``) sets the
    learning rate, and possibly the momentum, at every step. A trajectory diverges when a
    coordinate becomes non-finite or exceeds ``escape`` in size; that is recorded, never raised.
    ``batch_size`` (objectives with ``n_samples``, i.e. networks) computes each gradient on a minibatch:
    shuffled epochs drawn from ``seed`` (0 when None), the same sequence for every run of the batch,
    so comparisons are paired; ``shuffle=False`` takes them in the stored order instead, epoch after
    epoch (as the MNIST-1D paper's training script does). ``record_every=k`` keeps every k-th step (and the last) with ``"all"``.
    Optimizers that need the parameter layout (``core.NETWORK_OPTIMIZERS``) take it from ``function``.
    ``checkpoint=True`` returns the run's ``Checkpoint`` too; given as ``x0`` (with the same settings), it
    continues that run for ``steps`` more steps, its first row the checkpoint's points (see ``join``).
    ``pulse()`` is called every ``PULSE_STEPS`` steps: a caller's stop point (whatever it raises ends the run).
    """
    if record not in ("all", "last"):
        raise CoreError(N_("Invalid record: {value} (expected 'all' or 'last')"), value=repr(record))
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise CoreError(N_("Invalid steps: {value} (expected an integer >= 0)"), value=repr(steps))
    if isinstance(record_every, bool) or not isinstance(record_every, (int, np.integer)) or record_every < 1:
        raise CoreError(N_("Invalid record_every: {value} (expected an integer >= 1)"), value=repr(record_every))
    dim = getattr(function, "dim", 2)
    resume = x0 if isinstance(x0, Checkpoint) else None
    if resume is not None:
        _check_resume(resume, optimizer, batch_size, dim)
        x0 = _unflatten(resume.x[None], resume.batch)[0]
    x0 = np.asarray(x0, dtype=float)
    if x0.ndim < 1 or x0.shape[-1] != dim:
        if dim == 2:
            raise CoreError(N_("Invalid x0 shape {shape}: the last axis must hold (x, y)"), shape=str(x0.shape))
        raise CoreError(
            N_("Invalid x0 shape {shape}: the last axis must hold the {dim} parameters"), shape=str(x0.shape), dim=dim
        )
    minibatch = _check_batch_size(function, batch_size)
    spec = optimizer.spec
    if hasattr(spec, "bind"):
        spec = spec.bind(function)
    batch = x0.shape[:-1]
    n = int(np.prod(batch))
    run = _Run(
        function,
        spec,
        _flatten_hyperparameters(optimizer, batch, n),
        int(steps),
        record,
        record_state,
        _flat(noise, batch, n, "noise"),
        seed,
        stop_when,
        schedule,
        escape,
        n,
        minibatch,
        1 if record == "last" else int(record_every),
        bool(shuffle),
        resumable=bool(checkpoint) or resume is not None,
        pulse=pulse,
    )
    points, values, diverged_at, stopped_at, history, lrs, kept = run(x0.reshape(n, dim).T.copy(), resume=resume)
    rows = points.shape[0]
    return Trajectory(
        points=_unflatten(points, batch),
        values=values.reshape((rows, *batch)),
        diverged_at=diverged_at.reshape(batch),
        stopped_at=stopped_at.reshape(batch),
        steps=int(steps),
        record=record,
        state={k: _unflatten(v, batch) for k, v in history.items()},
        lr=_stack_lrs(lrs, batch) if schedule is not None else None,
        record_every=run.every,
        start=0 if resume is None else resume.step,
        checkpoint=replace(kept, batch=tuple(batch), optimizer=spec.name) if checkpoint else None,
    )


def _check_resume(resume: Checkpoint, optimizer: Optimizer, batch_size: int | None, dim: int) -> None:
    """A checkpoint continues only the run it came from: the same optimizer, minibatch size and dimension."""
    same = resume.optimizer == optimizer.spec.name and resume.batch_size == batch_size and resume.x.shape[0] == dim
    if not same:
        raise CoreError(
            N_("This checkpoint comes from another run ({name}, batch_size {batch_size}) and cannot continue this one"),
            name=resume.optimizer,
            batch_size=repr(resume.batch_size),
        )


def join(parts: Sequence[Trajectory]) -> Trajectory:
    """One trajectory from a run and its continuations (``simulate`` from each one's checkpoint), in order.

    Each continuation's first row repeats its predecessor's last and is dropped; ``diverged_at`` and
    ``stopped_at`` come from the last part, which carries them. Every part but the last must be a multiple
    of ``record_every`` steps long (as one call records them), so the joined rows are one call's rows.
    """
    if not parts:
        raise CoreError(N_("join needs at least one trajectory"))
    first, last = parts[0], parts[-1]
    for a, b in itertools.pairwise(parts):
        if b.start != a.start + a.steps or b.record != a.record or b.record_every != a.record_every:
            raise CoreError(N_("join needs consecutive parts of one run, recorded alike"))
        if a.record == "all" and a.steps % a.record_every:
            raise CoreError(N_("join needs parts whose steps are a multiple of record_every (all but the last)"))
    if first.record == "last":
        keep = [first.points[:1], last.points[-1:]]
        vals = [first.values[:1], last.values[-1:]]
    else:
        keep = [first.points] + [p.points[1:] for p in parts[1:]]
        vals = [first.values] + [p.values[1:] for p in parts[1:]]
    state = {k: np.concatenate([first.state[k]] + [p.state[k][1:] for p in parts[1:]]) for k in first.state}
    lrs = [p.lr for p in parts if p.lr is not None]
    return Trajectory(
        points=np.concatenate(keep),
        values=np.concatenate(vals),
        diverged_at=last.diverged_at,
        stopped_at=last.stopped_at,
        steps=sum(p.steps for p in parts),
        record=first.record,
        state=state if first.record == "all" else {},
        lr=np.concatenate(lrs) if lrs else None,
        record_every=first.record_every,
        start=first.start,
        checkpoint=last.checkpoint,
    )


@dataclass(frozen=True)
class _Run:
    """One batched run over flat arrays: points, gradients and buffers have the layout ``(D, N)``."""

    function: Any  # an Objective, or a network objective (which adds minibatch rows to grad_into)
    spec: Any
    hp: dict[str, Any]
    steps: int
    record: str
    record_state: bool
    sigma: Any
    seed: int | None
    stop_when: StopRule | None
    schedule: Any
    escape: float
    full_n: int
    batch_size: int | None = None
    every: int = 1
    shuffle: bool = True
    resumable: bool = False  # checked at every step (a continued run cannot replay from its first row)
    pulse: Pulse | None = None

    def __call__(
        self,
        x: np.ndarray,
        columns: np.ndarray | None = None,
        check_each_step: bool = False,
        resume: Checkpoint | None = None,
    ):
        """Run from ``x`` (or from ``resume``); ``columns`` picks a subset of the batch (and of its noise draws) to replay."""
        n = x.shape[1]
        hp = self.hp if columns is None else _subset(self.hp, columns)
        sigma = self.sigma if columns is None or np.ndim(self.sigma) == 0 else self.sigma[columns]
        if resume is not None:
            resume = copy.deepcopy(resume)  # the checkpoint stays as it was: continuing it twice gives one result
            x = resume.x
        t0 = 0 if resume is None else resume.step
        if resume is not None:
            rng, runner = resume.noise, resume.runner
        else:
            rng = np.random.default_rng(self.seed) if _nonzero(sigma) else None
            runner = self.schedule.start(hp, n) if self.schedule is not None else None
        at = (t0 + _recorded_steps(self.steps, self.record, self.every)).tolist()
        rows = len(at)
        dense = self.record == "all" and self.every == 1 and not self.resumable
        # Runs that keep every point find divergence afterwards, from the points. Otherwise each
        # step is checked only when needed (a finite escape radius, a run in chunks); see _find_divergence_steps.
        per_step = not dense and (check_each_step or self.escape != np.inf or self.resumable)
        dim = x.shape[0]
        if resume is not None:
            batches = resume.minibatches
        else:
            batches = (
                _Minibatches(self.function.n_samples, self.batch_size, self.seed, self.shuffle)
                if self.batch_size
                else None
            )
        points = np.empty((rows, dim, n))
        points[0] = x
        g = np.empty_like(x)
        if resume is None:
            diverged_at = np.full(n, -1)
            stopped_at = np.full(n, -1)
            active = np.ones(n, dtype=bool)
        else:
            diverged_at, stopped_at, active = resume.diverged_at, resume.stopped_at, resume.active
        lrs: list = []
        with np.errstate(all="ignore"):
            state = self.spec.init(x, hp) if resume is None else resume.state
            names = [k for k, v in state.items() if not k.startswith("_") and np.shape(v) == x.shape]
            history = {k: np.empty((rows, dim, n)) for k in names} if self.record_state else {}
            for k in history:
                history[k][0] = state[k]
            if per_step and resume is None:
                _mark_divergence(x, 0, diverged_at, self.escape)
            row = 0
            for t in range(t0 + 1, t0 + self.steps + 1):
                if self.pulse is not None and t % PULSE_STEPS == 0:
                    self.pulse()
                if batches is None:
                    self.function.grad_into(x, g)
                else:
                    self.function.grad_into(x, g, batches.next())
                if rng is not None:
                    draw = rng.standard_normal((dim, self.full_n))
                    g += sigma * (draw if columns is None else draw[:, columns])
                if runner is not None:
                    loss = self.function.values(x) if runner.needs_loss else None
                    hp = {**hp, **runner.hyper(t, loss)}
                    lrs.append(np.broadcast_to(hp["lr"], (n,)) if np.ndim(hp["lr"]) else hp["lr"])
                prev = x.copy() if self.stop_when is not None else None
                self.spec.step(x, g, state, t, hp)
                if prev is not None and self.stop_when is not None:
                    _apply_stop_rule(self.stop_when, x, prev, active, stopped_at, t)
                if per_step:
                    _mark_divergence(x, t, diverged_at, self.escape)
                if row + 1 < rows and at[row + 1] == t:
                    row += 1
                    points[row] = x
                    for k in history:
                        history[k][row] = state[k]
            values = self.function.values(np.moveaxis(points, 1, 0))
            if dense:
                _divergence_from_points(points, values, diverged_at, self.escape)
            elif not per_step:
                self._find_divergence_steps(points, diverged_at, columns)
            # A run whose points stayed finite but whose value did not is dated at its first non-finite value
            # (a continued run carries that date apart, so its points still take precedence later).
            marked = diverged_at.copy()
            late_at = resume.late_at.copy() if resume is not None and self.record == "all" else np.full(n, -1)
            if self.record == "last":
                late_at[~np.isfinite(values[-1])] = t0 + self.steps
            elif not dense:
                bad = ~np.isfinite(values)
                new = bad.any(axis=0) & (late_at < 0)
                late_at[new] = np.asarray(at)[np.argmax(bad[:, new], axis=0)]
            if not dense:
                diverged_at = np.where(diverged_at >= 0, diverged_at, late_at)
        kept = None
        if self.resumable:
            kept = Checkpoint(
                t0 + self.steps,
                (),
                "",
                self.batch_size,
                x,
                state,
                marked,
                late_at,
                stopped_at.copy(),
                active,
                batches,
                rng,
                runner,
            )
        return points, values, diverged_at, stopped_at, history, lrs, kept

    def _find_divergence_steps(self, points: np.ndarray, diverged_at: np.ndarray, columns) -> None:
        """Replay only the runs whose end point is non-finite, checking each of their steps.

        A non-finite coordinate stays non-finite under every update rule here, so the end points
        tell which runs diverged; checking every step of every run would cost a pass over the batch.
        """
        bad = np.flatnonzero(~np.isfinite(points[-1]).all(axis=0))
        if bad.size == 0:
            return
        subset = bad if columns is None else columns[bad]
        replay = replace(self, record="last", record_state=False, escape=np.inf, every=1)
        diverged_at[bad] = replay(points[0][:, bad].copy(), subset, check_each_step=True)[2]


def _subset(hp: dict[str, Any], columns: np.ndarray) -> dict[str, Any]:
    """The hyperparameters of some members of the batch (arrays indexed, scalars kept)."""
    pick = lambda v: v[columns] if isinstance(v, np.ndarray) and v.ndim == 1 else v
    return {k: tuple(pick(e) for e in v) if isinstance(v, tuple) else pick(v) for k, v in hp.items()}


def _divergence_from_points(points: np.ndarray, values: np.ndarray, diverged_at: np.ndarray, escape: float) -> None:
    """First recorded step with a non-finite point or one outside ``escape``; failing that, with a non-finite value."""
    for bad in (~(np.abs(points) <= escape).all(axis=1), ~np.isfinite(values)):
        hit = bad.any(axis=0) & (diverged_at < 0)
        diverged_at[hit] = np.argmax(bad[:, hit], axis=0)


def _flatten_hyperparameters(optimizer: Optimizer, batch: tuple, n: int) -> dict[str, Any]:
    """Hyperparameters with every array broadcast to the batch and flattened to ``(N,)``."""
    out: dict[str, Any] = {}
    for name, value in optimizer.hyperparameters.items():
        if isinstance(value, tuple):
            out[name] = tuple(_flat(v, batch, n, name) for v in value)
        else:
            out[name] = _flat(value, batch, n, name)
    return out


def _flat(value: Any, batch: tuple, n: int, name: str) -> Any:
    if value is None:  # an optional hyperparameter left unset (Prodigy's beta3, AdEMAMix's t_alpha_beta3)
        return None
    if np.ndim(value) == 0 or isinstance(value, bool):
        return value if isinstance(value, bool) else float(value)
    try:
        return np.ascontiguousarray(np.broadcast_to(np.asarray(value, dtype=float), batch)).reshape(n)
    except ValueError:
        raise CoreError(
            N_("Invalid {name}: shape {shape} does not broadcast to the batch shape {batch}"),
            name=name,
            shape=str(np.shape(value)),
            batch=str(batch),
        ) from None


def _nonzero(value: Any) -> bool:
    return bool(np.any(np.asarray(value) != 0))


def _mark_divergence(x: np.ndarray, t: int, diverged_at: np.ndarray, escape: float) -> None:
    """Record step ``t`` for trajectories that just became non-finite or left the ``escape`` radius.

    A single reduction answers "all fine?" on most steps; the per-trajectory scan runs only when it says no.
    """
    if escape == np.inf:
        if np.isfinite(x.sum()):
            return
    elif -escape <= x.min() and x.max() <= escape:
        return
    bad = ~(np.abs(x) <= escape).all(axis=0)
    diverged_at[bad & (diverged_at < 0)] = t


def _apply_stop_rule(
    stop_when: StopRule, x: np.ndarray, prev: np.ndarray, active: np.ndarray, stopped_at: np.ndarray, t: int
) -> None:
    """Freeze trajectories that were already stopped; stop those that meet the rule now."""
    np.copyto(x, prev, where=~active)
    hit = np.asarray(stop_when(*x), dtype=bool) & active
    stopped_at[hit] = t
    active &= ~hit


def _unflatten(a: np.ndarray, batch: tuple) -> np.ndarray:
    """``(R, D, N)`` -> ``(R, *batch, D)``."""
    return np.moveaxis(a, 1, -1).reshape((a.shape[0], *batch, a.shape[1]))


def _stack_lrs(lrs: list, batch: tuple) -> np.ndarray:
    if not lrs:
        return np.empty((0,))
    if all(np.ndim(v) == 0 for v in lrs):
        return np.asarray(lrs, dtype=float)
    return np.stack([np.broadcast_to(v, (int(np.prod(batch)),)) for v in lrs]).reshape((len(lrs), *batch))


def _recorded_steps(steps: int, record: str, every: int) -> np.ndarray:
    """The steps kept: 0 and ``steps`` (``"last"``), or every ``every``-th step plus the last (``"all"``)."""
    if record == "last":
        return np.array([0, steps])
    at = np.arange(0, steps + 1, every)
    return at if at[-1] == steps else np.append(at, steps)


def _check_batch_size(function: Objective, batch_size: int | None) -> int | None:
    """``batch_size`` validated against the objective's sample count; None means full batch."""
    if batch_size is None:
        return None
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise CoreError(N_("Invalid batch_size: {value} (expected an integer >= 1)"), value=repr(batch_size))
    n_samples = getattr(function, "n_samples", None)
    if n_samples is None:
        raise CoreError(N_("batch_size needs an objective with training samples (a network from core.mlp)"))
    return None if batch_size >= n_samples else int(batch_size)


class _Minibatches:
    """Row indices of successive minibatches: shuffled epochs without replacement (or in order), a short tail dropped."""

    def __init__(self, n_samples: int, batch_size: int, seed: int | None, shuffle: bool = True) -> None:
        self.rng = np.random.default_rng([1, 0 if seed is None else seed])
        self.n = n_samples
        self.size = batch_size
        self.shuffle = shuffle
        self.order = np.empty(0, dtype=np.int64)
        self.pos = 0

    def next(self) -> np.ndarray:
        if self.pos + self.size > len(self.order):
            self.order = self.rng.permutation(self.n) if self.shuffle else np.arange(self.n)
            self.pos = 0
        self.pos += self.size
        return self.order[self.pos - self.size : self.pos]
