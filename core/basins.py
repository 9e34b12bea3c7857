"""Basins of attraction: which minimum each start of a grid reaches, and how fast.

Pure NumPy. A whole ``n`` x ``n`` grid of starts runs as one batch through ``simulate``
(``record="last"``), so a basin map costs one optimizer run, never a Python loop over points.

>>> import core
>>> from core.basins import basin_map
>>> m = basin_map(core.get_function("himmelblau"), core.get_optimizer("adam", lr=0.05), 32, 200)
>>> m.label.shape, m.steps_to_converge.shape
((32, 32), (32, 32))
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .functions import Objective
from .optimizers import Optimizer
from .simulate import StopRule, simulate

__all__ = ["ELSEWHERE", "DIVERGED", "BasinMap", "grid_axes", "start_grid", "capture_radius", "stop_rule",
           "label_points", "basin_map", "fractions"]

ELSEWHERE = -1   # label: the run ended finite but not near any known minimum
DIVERGED = -2    # label: the run left the landscape (non-finite or past the escape radius)
RADIUS = 0.05    # capture radius, as a fraction of the box's larger side


@dataclass(frozen=True)
class BasinMap:
    """Where every start of an ``n`` x ``n`` grid ends up; row ``i`` is the ``i``-th y, column ``j`` the ``j``-th x.

    ``label`` (small ints): index into ``f.all_minima`` of the minimum the end point lies within ``radius`` of,
    ``ELSEWHERE`` (−1) or ``DIVERGED`` (−2). ``steps_to_converge``: the step at which the run first
    came within ``tol`` (in f) of a minimum's value near that minimum, after which it was frozen;
    −1 if it never did. ``final_value``: f at the end point (inf for diverged runs).
    ``xs``/``ys``: the grid's cell centres; ``box``: the function's box.
    """

    label: np.ndarray
    steps_to_converge: np.ndarray
    final_value: np.ndarray
    xs: np.ndarray
    ys: np.ndarray
    box: tuple[float, float, float, float]
    steps: int
    tol: float
    radius: float
    n_minima: int

    @property
    def n(self) -> int:
        return int(self.label.shape[0])


def grid_axes(box: tuple[float, float, float, float], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Cell centres of an ``n`` x ``n`` grid over ``box = (xmin, xmax, ymin, ymax)``: ``(xs, ys)``, each ``(n,)``."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"Invalid grid size {n!r} (expected an integer >= 1)")
    xmin, xmax, ymin, ymax = map(float, box)
    k = (np.arange(n) + 0.5) / n
    return xmin + (xmax - xmin) * k, ymin + (ymax - ymin) * k


def start_grid(box: tuple[float, float, float, float], n: int) -> np.ndarray:
    """Starts at the cell centres of an ``n`` x ``n`` grid over ``box``, shape ``(n, n, 2)``; ``[i, j] = (xs[j], ys[i])``."""
    xs, ys = grid_axes(box, n)
    out = np.empty((n, n, 2))
    out[..., 0] = xs[None, :]
    out[..., 1] = ys[:, None]
    return out


def capture_radius(f: Objective, fraction: float = RADIUS) -> float:
    """How close an end point must be to a minimum to count as having reached it."""
    xmin, xmax, ymin, ymax = f.box
    return fraction * max(xmax - xmin, ymax - ymin)


def stop_rule(f: Objective, tol: float, radius: float) -> StopRule | None:
    """``stop(x, y)``: true where f is within ``tol`` of the value of a minimum that is less than ``radius`` away.

    With one minimum value shared by every minimum (Himmelblau's four zeros), that is just
    ``f − f* ≤ tol``. Local minima (six-hump camel) count too, each with its own value, so a
    run that settles in a local minimum also "converges". ``None`` when f has no known minima.
    """
    minima = f.all_minima
    if not minima:
        return None
    values = np.array([m.value for m in minima], dtype=float)
    centres = np.array([m.point for m in minima], dtype=float)
    f_star = float(values.min())
    if np.all(values == f_star):
        # Any point with f ≤ f* + tol is next to a global minimum; no distance test needed.
        level = f_star + tol

        def stop(x: np.ndarray, y: np.ndarray) -> np.ndarray:
            return f.value_xy(x, y) <= level
        return stop

    # A point with f ≤ f* + tol sits next to a global minimum. For a local minimum's value v, the
    # band |f − v| ≤ tol also passes a thin level curve elsewhere, so only the few points in a band
    # get the distance test (to the minima of that value).
    levels = [(v, centres[values == v]) for v in np.unique(values) if v != f_star]
    r2 = radius * radius

    def stop(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        fv = f.value_xy(x, y)
        hit = fv <= f_star + tol
        for v, pts in levels:
            idx = np.flatnonzero(np.abs(fv - v) <= tol)
            if idx.size == 0:
                continue
            px, py = x[idx], y[idx]
            near = np.zeros(idx.size, dtype=bool)
            for cx, cy in pts:
                near |= (px - cx) ** 2 + (py - cy) ** 2 < r2
            hit[idx[near]] = True
        return hit
    return stop


def label_points(f: Objective, points: np.ndarray, radius: float, diverged: np.ndarray | None = None) -> np.ndarray:
    """For end points ``(..., 2)``: index of the nearest of ``f.all_minima`` if closer than ``radius``,
    else ``ELSEWHERE``; ``DIVERGED`` where ``diverged`` (or the point is not finite)."""
    points = np.asarray(points, dtype=float)
    shape = points.shape[:-1]
    label = np.full(shape, ELSEWHERE, dtype=np.int8 if len(f.all_minima) < 127 else np.int64)
    minima = f.all_minima
    with np.errstate(all="ignore"):
        if minima:
            centres = np.array([m.point for m in minima], dtype=float)
            d2 = ((points[..., None, :] - centres) ** 2).sum(axis=-1)     # (..., m)
            nearest = np.argmin(np.where(np.isfinite(d2), d2, np.inf), axis=-1)
            close = np.take_along_axis(d2, nearest[..., None], axis=-1)[..., 0] < radius * radius
            label[close] = nearest[close]
    bad = ~np.isfinite(points).all(axis=-1)
    if diverged is not None:
        bad |= np.asarray(diverged, dtype=bool)
    label[bad] = DIVERGED
    return label


def _prime_allocator(n_points: int) -> None:
    """Free one block larger than a step's temporaries so glibc's malloc serves those from its heap.

    Until a large block has been freed, glibc hands out every array above 128 KiB by ``mmap``
    and returns it on free, so each of the many per-step temporaries is page-faulted afresh:
    the first big batch in a process then runs 3-4 times slower. Harmless elsewhere.
    """
    block = np.empty(4 * n_points)
    del block


def basin_map(f: Objective, opt: Optimizer, n: int, steps: int, tol: float = 1e-3, *,
              radius: float | None = None, escape: float | None = None) -> BasinMap:
    """Run ``opt`` for ``steps`` updates from every cell centre of an ``n`` x ``n`` grid over ``f.box``.

    One batched ``simulate`` call with ``record="last"``. Runs stop (freeze) once they meet
    ``stop_rule(f, tol, radius)``; the end points are then labelled with ``label_points``.
    ``radius`` defaults to 5 % of the box's larger side, ``escape`` (the divergence radius) to
    100 times the box's extent.
    """
    if not tol > 0:
        raise ValueError(f"Invalid tol {tol!r} (expected > 0)")
    radius = capture_radius(f) if radius is None else float(radius)
    escape = f.escape_radius if escape is None else float(escape)
    xs, ys = grid_axes(f.box, n)
    starts = start_grid(f.box, n)
    _prime_allocator(n * n)
    run = simulate(f, opt, starts, steps, record="last", stop_when=stop_rule(f, tol, radius), escape=escape)
    diverged = run.diverged
    label = label_points(f, run.final, radius, diverged)
    final_value = np.where(diverged, np.inf, run.values[-1])
    steps_to_converge = np.where(diverged, -1, run.stopped_at).astype(np.int32)
    return BasinMap(label=label, steps_to_converge=steps_to_converge,
                    final_value=final_value, xs=xs, ys=ys, box=tuple(map(float, f.box)), steps=int(steps),
                    tol=float(tol), radius=radius, n_minima=len(f.all_minima))


def fractions(m: BasinMap) -> dict[int, float]:
    """Share of starts per label: one entry per minimum index, then ``ELSEWHERE`` and ``DIVERGED``."""
    counts = np.bincount(m.label.ravel() + 2, minlength=m.n_minima + 2) / m.label.size
    out = {k: float(counts[k + 2]) for k in range(m.n_minima)}
    out[ELSEWHERE] = float(counts[ELSEWHERE + 2])
    out[DIVERGED] = float(counts[DIVERGED + 2])
    return out
