"""Run an optimizer on a test function for a whole batch of trajectories at once."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

from .functions import Objective
from .optimizers import Optimizer

StopRule = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Trajectory:
    """What ``simulate`` returns; arrays have the batch shape of ``x0``.

    ``points``: ``(R, *batch, 2)`` with ``R = steps + 1`` (``record="all"``) or 2 (``"last"``);
    ``values``: ``(R, *batch)``; ``diverged_at`` / ``stopped_at``: first step at which a
    trajectory became non-finite / met the stop rule, or -1; ``state``: per-step optimizer
    buffers ``(R, *batch, 2)`` when ``record_state`` was set; ``lr``: the learning rate
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

    @property
    def diverged(self) -> np.ndarray:
        """Boolean mask of trajectories that overflowed or became NaN."""
        return self.diverged_at >= 0

    @property
    def final(self) -> np.ndarray:
        """End points, ``(*batch, 2)``."""
        return self.points[-1]


def simulate(
    function: Objective,
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
) -> Trajectory:
    """Run ``steps`` updates of ``optimizer`` on ``function`` from every start in ``x0``.

    ``x0`` has shape ``(*batch, 2)``; hyperparameters given as arrays broadcast against
    ``batch``. ``noise`` adds Gaussian noise of that standard deviation to every gradient
    (reproducible with ``seed``). ``stop_when(x, y) -> bool`` freezes a trajectory once true
    (the article stops Adam that way). ``schedule`` (see ``core.schedules``) sets the
    learning rate, and possibly the momentum, at every step. A trajectory diverges when a
    coordinate becomes non-finite or exceeds ``escape`` in size; that is recorded, never raised.
    """
    if record not in ("all", "last"):
        raise ValueError(f"Invalid record: {record!r} (expected 'all' or 'last')")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"Invalid steps: {steps!r} (expected an integer >= 0)")
    steps = int(steps)
    x0 = np.asarray(x0, dtype=float)
    if x0.ndim < 1 or x0.shape[-1] != 2:
        raise ValueError(f"Invalid x0 shape {x0.shape}: the last axis must hold (x, y)")
    batch = x0.shape[:-1]
    n = int(np.prod(batch))
    hp = _flatten_hyperparameters(optimizer, batch, n)
    spec = optimizer.spec
    x = x0.reshape(n, 2).T.copy()
    g = np.empty_like(x)
    sigma = _flat(noise, batch, n, "noise")
    rng = np.random.default_rng(seed) if _nonzero(sigma) else None
    runner = schedule.start(hp, n) if schedule is not None else None
    rows = steps + 1 if record == "all" else 2
    points = np.empty((rows, 2, n))
    points[0] = x
    diverged_at = np.full(n, -1)
    stopped_at = np.full(n, -1)
    active = np.ones(n, dtype=bool)
    lrs = []
    with np.errstate(all="ignore"):
        state = spec.init(x, hp)
        recorded = {k: v for k, v in state.items() if not k.startswith("_") and np.shape(v) == x.shape}
        history = {k: np.empty((rows if record == "all" else 2, 2, n)) for k in recorded} if record_state else {}
        for k in history:
            history[k][0] = recorded[k]
        _mark_divergence(x, 0, diverged_at, escape)
        for t in range(1, steps + 1):
            function.grad_into(x, g)
            if rng is not None:
                g += sigma * rng.standard_normal(g.shape)
            if runner is not None:
                loss = function.value_xy(x[0], x[1]) if runner.needs_loss else None
                hp = {**hp, **runner.hyper(t, loss)}
                lrs.append(np.broadcast_to(hp["lr"], (n,)) if np.ndim(hp["lr"]) else hp["lr"])
            prev = x.copy() if stop_when is not None else None
            spec.step(x, g, state, t, hp)
            if prev is not None:
                _apply_stop_rule(stop_when, x, prev, active, stopped_at, t)
            _mark_divergence(x, t, diverged_at, escape)
            if record == "all" or t == steps:
                row = t if record == "all" else 1
                points[row] = x
                for k in history:
                    history[k][row] = state[k]
        values = function.value_xy(points[:, 0], points[:, 1])
        bad = ~np.isfinite(values).all(axis=0) & (diverged_at < 0)
        diverged_at[bad] = steps if record == "last" else np.argmax(~np.isfinite(values[:, bad]), axis=0)
    return Trajectory(
        points=_unflatten(points, batch),
        values=values.reshape((rows,) + batch),
        diverged_at=diverged_at.reshape(batch),
        stopped_at=stopped_at.reshape(batch),
        steps=steps,
        record=record,
        state={k: _unflatten(v, batch) for k, v in history.items()},
        lr=_stack_lrs(lrs, batch) if runner is not None else None,
    )


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
    if np.ndim(value) == 0 or isinstance(value, bool):
        return value if isinstance(value, bool) else float(value)
    try:
        return np.ascontiguousarray(np.broadcast_to(np.asarray(value, dtype=float), batch)).reshape(n)
    except ValueError:
        raise ValueError(f"Invalid {name}: shape {np.shape(value)} does not broadcast to the batch shape {batch}") from None


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


def _apply_stop_rule(stop_when: StopRule, x: np.ndarray, prev: np.ndarray, active: np.ndarray,
                     stopped_at: np.ndarray, t: int) -> None:
    """Freeze trajectories that were already stopped; stop those that meet the rule now."""
    np.copyto(x, prev, where=~active)
    hit = np.asarray(stop_when(x[0], x[1]), dtype=bool) & active
    stopped_at[hit] = t
    active &= ~hit


def _unflatten(a: np.ndarray, batch: tuple) -> np.ndarray:
    """``(R, 2, N)`` -> ``(R, *batch, 2)``."""
    return np.moveaxis(a, 1, -1).reshape((a.shape[0],) + batch + (2,))


def _stack_lrs(lrs: list, batch: tuple) -> np.ndarray:
    if not lrs:
        return np.empty((0,))
    if all(np.ndim(v) == 0 for v in lrs):
        return np.asarray(lrs, dtype=float)
    return np.stack([np.broadcast_to(v, (int(np.prod(batch)),)) for v in lrs]).reshape((len(lrs),) + batch)
