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

from dataclasses import dataclass, replace

import numpy as np

from .functions import Objective
from .messages import N_, CoreError
from .optimizers import Optimizer, get_optimizer
from .simulate import StopRule, simulate

__all__ = [
    "DIVERGED",
    "ELSEWHERE",
    "BasinMap",
    "basin_map",
    "capture_radius",
    "converged_ends",
    "find_minima",
    "fractions",
    "grid_axes",
    "known_minima",
    "label_points",
    "relabel",
    "slope_scale",
    "start_grid",
    "stop_rule",
]

ELSEWHERE = -1  # label: the run ended finite but did not settle at a minimum
DIVERGED = -2  # label: the run left the landscape (non-finite or past the escape radius)
RADIUS = 0.05  # capture radius, as a fraction of the box's larger side
GRAD_TOL = 0.05  # an end has settled where ‖∇f‖ ≤ GRAD_TOL × the landscape's median slope (``slope_scale``)


@dataclass(frozen=True)
class BasinMap:
    """Where every start of an ``n`` x ``n`` grid ends up; row ``i`` is the ``i``-th y, column ``j`` the ``j``-th x.

    ``label`` (small ints): index into ``minima`` of the minimum a settled end point lies within ``radius`` of,
    ``ELSEWHERE`` (−1: not settled, or not near a minimum) or ``DIVERGED`` (−2). ``minima`` (k, 2) and
    ``minimum_values`` (k,): ``f.all_minima`` first, in their order, then the other minima the settled ends
    found (``find_minima``). ``final``: the end points; ``converged``: where they settled (``converged_ends``).
    ``steps_to_converge``: the step at which the run first
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
    minima: np.ndarray
    minimum_values: np.ndarray
    final: np.ndarray
    converged: np.ndarray

    @property
    def n(self) -> int:
        return int(self.label.shape[0])

    @property
    def n_minima(self) -> int:
        return len(self.minima)


def grid_axes(box: tuple[float, float, float, float], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Cell centres of an ``n`` x ``n`` grid over ``box = (xmin, xmax, ymin, ymax)``: ``(xs, ys)``, each ``(n,)``."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise CoreError(N_("Invalid grid size {value} (expected an integer >= 1)"), value=repr(n))
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

        def below_level(x: np.ndarray, y: np.ndarray) -> np.ndarray:
            return f.value_xy(x, y) <= level

        return below_level

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


def label_points(
    f: Objective,
    points: np.ndarray,
    radius: float,
    diverged: np.ndarray | None = None,
    centres: np.ndarray | None = None,
) -> np.ndarray:
    """For end points ``(..., 2)``: index of the nearest of ``centres`` (default ``f.all_minima``) if closer than
    ``radius``, else ``ELSEWHERE``; ``DIVERGED`` where ``diverged`` (or the point is not finite)."""
    points = np.asarray(points, dtype=float)
    shape = points.shape[:-1]
    if centres is None:
        centres = known_minima(f)[0]
    label = np.full(shape, ELSEWHERE, dtype=np.int16 if len(centres) < 32000 else np.int64)
    flat, out = points.reshape(-1, 2), label.reshape(-1)
    chunk = max(1, 2_000_000 // max(len(centres), 1))  # bounds the (chunk, m) distance table
    with np.errstate(all="ignore"):
        for lo in range(0, len(flat) if len(centres) else 0, chunk):
            d2 = ((flat[lo : lo + chunk, None, :] - centres) ** 2).sum(axis=-1)  # (chunk, m)
            d2 = np.where(np.isfinite(d2), d2, np.inf)
            nearest = np.argmin(d2, axis=-1)
            close = d2[np.arange(len(d2)), nearest] < radius * radius
            out[lo : lo + chunk][close] = nearest[close]
    bad = ~np.isfinite(points).all(axis=-1)
    if diverged is not None:
        bad |= np.asarray(diverged, dtype=bool)
    label[bad] = DIVERGED
    return label


def known_minima(f: Objective) -> tuple[np.ndarray, np.ndarray]:
    """``f.all_minima`` as arrays: points ``(k, 2)`` and values ``(k,)``."""
    return (
        np.array([m.point for m in f.all_minima], dtype=float).reshape(-1, 2),
        np.array([m.value for m in f.all_minima], dtype=float),
    )


def slope_scale(f: Objective, n: int = 33) -> float:
    """The median gradient norm over an ``n`` x ``n`` grid of the box: what "a small gradient" is measured against."""
    with np.errstate(all="ignore"):
        g = np.linalg.norm(f.grad(start_grid(f.box, n)), axis=-1)
    g = g[np.isfinite(g)]
    return float(np.median(g)) if g.size else 1.0


def converged_ends(
    f: Objective, ends: np.ndarray, stopped: np.ndarray, diverged: np.ndarray, slope: float | None = None
) -> np.ndarray:
    """Which end points settled: stopped by the stop rule, or finite with ‖∇f‖ ≤ ``GRAD_TOL`` × ``slope``
    (default ``slope_scale(f)``)."""
    slope = slope_scale(f) if slope is None else slope
    with np.errstate(all="ignore"):
        small = np.linalg.norm(f.grad(ends), axis=-1) <= GRAD_TOL * slope
    return (np.asarray(stopped, dtype=bool) | small) & ~np.asarray(diverged, dtype=bool) & np.isfinite(ends).all(-1)


POLISH_STEPS = 300  # Adam steps that check a candidate minimum stays put


def _is_minimum(f: Objective, points: np.ndarray, radius: float) -> np.ndarray:
    """True where a short Adam run (steps of ``radius`` / 20) from ``points`` (k, 2) stays within ``radius`` / 2:
    a minimum, not a saddle, a plateau or a slow valley floor, which Adam's steps of fixed size leave."""
    if len(points) == 0:
        return np.zeros(0, dtype=bool)
    run = simulate(f, get_optimizer("adam", lr=radius / 20), points, POLISH_STEPS, record="last")
    with np.errstate(all="ignore"):
        moved = np.linalg.norm(run.final - points, axis=-1)
    return ~run.diverged & (moved < radius / 2)


def find_minima(f: Objective, ends: np.ndarray, converged: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """The distinct minima that settled end points sit at: ``(centres (k, 2), values (k,))``, ``f.all_minima`` first.

    Vectorised: the settled ends are rounded to a grid of cell ``radius`` and grouped with ``np.unique``; each
    cell is represented by its lowest end; cells whose representatives are closer than ``radius`` merge into the
    lowest of them (by pointer jumping); representatives within ``radius`` of a known minimum are that minimum,
    the others are kept, lowest value first, if a short run from them stays put (``_is_minimum``).
    """
    known, known_values = known_minima(f)
    pts = np.asarray(ends, dtype=float).reshape(-1, 2)[np.asarray(converged, dtype=bool).ravel()]
    if len(pts) == 0:
        return known, known_values
    with np.errstate(all="ignore"):
        values = f.value(pts)
    _, cell = np.unique(np.floor(pts / radius).astype(np.int64), axis=0, return_inverse=True)
    order = np.lexsort((values, cell.ravel()))
    sorted_cells = cell.ravel()[order]
    best = order[np.r_[0, np.flatnonzero(np.diff(sorted_cells)) + 1]]  # lowest end of each cell
    reps, rep_values = pts[best], values[best]
    near = ((reps[:, None, :] - reps[None, :, :]) ** 2).sum(-1) < radius * radius
    parent = np.argmin(np.where(near, rep_values[None, :], np.inf), axis=1)  # lowest neighbour (itself at worst)
    while not np.array_equal(parent[parent], parent):
        parent = parent[parent]
    roots = np.unique(parent)
    reps, rep_values = reps[roots], rep_values[roots]
    if len(known):
        to_known = ((reps[:, None, :] - known[None, :, :]) ** 2).sum(-1).min(axis=1) < radius * radius
        reps, rep_values = reps[~to_known], rep_values[~to_known]
    keep = _is_minimum(f, reps, radius)
    reps, rep_values = reps[keep], rep_values[keep]
    order = np.argsort(rep_values, kind="stable")
    return np.concatenate([known, reps[order]]), np.concatenate([known_values, rep_values[order]])


def relabel(f: Objective, maps: list[BasinMap]) -> list[BasinMap]:
    """The maps labelled against one shared list of minima (those all their settled ends found), so a minimum
    has the same index, and colour, in every map; an unsettled end is ``ELSEWHERE``."""
    if not maps:
        return []
    radius = maps[0].radius
    ends = np.concatenate([m.final.reshape(-1, 2) for m in maps])
    settled = np.concatenate([m.converged.ravel() for m in maps])
    centres, values = find_minima(f, ends, settled, radius)
    out = []
    for m in maps:
        diverged = m.label == DIVERGED
        label = label_points(f, m.final, radius, diverged, centres)
        label[~m.converged & ~diverged] = ELSEWHERE
        out.append(replace(m, label=label, minima=centres, minimum_values=values))
    return out


def _prime_allocator(n_points: int) -> None:
    """Free one block larger than a step's temporaries so glibc's malloc serves those from its heap.

    Until a large block has been freed, glibc hands out every array above 128 KiB by ``mmap``
    and returns it on free, so each of the many per-step temporaries is page-faulted afresh:
    the first big batch in a process then runs 3-4 times slower. Harmless elsewhere.
    """
    block = np.empty(4 * n_points)
    del block


def basin_map(
    f: Objective,
    opt: Optimizer,
    n: int,
    steps: int,
    tol: float = 1e-3,
    *,
    radius: float | None = None,
    escape: float | None = None,
    slope: float | None = None,
    find: bool = True,
) -> BasinMap:
    """Run ``opt`` for ``steps`` updates from every cell centre of an ``n`` x ``n`` grid over ``f.box``.

    One batched ``simulate`` call with ``record="last"``. Runs stop (freeze) once they meet
    ``stop_rule(f, tol, radius)``; the settled end points are then labelled by the minima they found (``relabel``),
    or with ``find=False`` by ``f.all_minima`` alone (for parts of a grid that are relabelled together later).
    ``radius`` defaults to 5 % of the box's larger side, ``escape`` (the divergence radius) to
    100 times the box's extent, ``slope`` (what a small gradient is measured against) to ``slope_scale(f)``.
    """
    if not tol > 0:
        raise CoreError(N_("Invalid tol {value} (expected > 0)"), value=repr(tol))
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
    m = BasinMap(
        label=label,
        steps_to_converge=steps_to_converge,
        final_value=final_value,
        xs=xs,
        ys=ys,
        box=as_box(f.box),
        steps=int(steps),
        tol=float(tol),
        radius=radius,
        minima=np.zeros((0, 2)),
        minimum_values=np.zeros(0),
        final=run.final,
        converged=converged_ends(f, run.final, run.stopped_at >= 0, diverged, slope),
    )
    if find:
        return relabel(f, [m])[0]
    centres, values = known_minima(f)
    return replace(m, minima=centres, minimum_values=values)


def fractions(m: BasinMap) -> dict[int, float]:
    """Share of starts per label: one entry per minimum index, then ``ELSEWHERE`` and ``DIVERGED``."""
    counts = np.bincount(m.label.ravel() + 2, minlength=m.n_minima + 2) / m.label.size
    out = {k: float(counts[k + 2]) for k in range(m.n_minima)}
    out[ELSEWHERE] = float(counts[ELSEWHERE + 2])
    out[DIVERGED] = float(counts[DIVERGED + 2])
    return out


def as_box(box: tuple) -> tuple[float, float, float, float]:
    """A plot box as four floats."""
    xmin, xmax, ymin, ymax = (float(v) for v in box)
    return (xmin, xmax, ymin, ymax)
