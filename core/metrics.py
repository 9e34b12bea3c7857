"""Numbers that summarise a trajectory: gaps to the optimum, path length, effective step sizes."""

from __future__ import annotations

import numpy as np

from .functions import Objective
from .messages import N_
from .simulate import Trajectory

MISSED = 2  # a run that never reaches a target counts MISSED × steps ("PAR-2"): a miss costs more than any hit
GROWTH = 10.0
"""A run whose ``f − f*`` ends more than ``GROWTH`` times its starting gap has diverged (see ``diverged_at``)."""

DIVERGENCE_RULE = N_(
    "A run has diverged when it leaves the landscape, f stops being finite, or its f − f* ends more than "
    "{growth}× its value at the start; it diverged at the first step from which that held to the end."
)
"""The definition of divergence in words, for every page that counts or marks diverged runs."""


def gap(f: Objective, values: np.ndarray) -> np.ndarray:
    """``f − f*`` where the global minimum value is known, else ``f`` itself."""
    fstar = f.min_value
    return values - fstar if np.isfinite(fstar) else values


def steps_to_reach(values: np.ndarray, tol: float) -> np.ndarray:
    """First step at which ``values`` (steps on axis 0) is ≤ ``tol``, or -1 if never."""
    with np.errstate(invalid="ignore"):
        hit = values <= tol
    first = np.argmax(hit, axis=0)
    return np.where(hit.any(axis=0), first, -1)


def path_length(points: np.ndarray) -> np.ndarray:
    """Total Euclidean length of each path (points on axis 0, coordinates on the last axis)."""
    with np.errstate(all="ignore"):
        seg = np.linalg.norm(np.diff(points, axis=0), axis=-1)
    return np.nansum(np.where(np.isfinite(seg), seg, np.nan), axis=0)


def nan_percentiles(values: np.ndarray, qs: tuple[float, ...]) -> np.ndarray:
    """``np.nanpercentile(values, qs, axis=1)`` (linear interpolation) for a 2-D array, vectorised over rows.

    NumPy's own version loops in Python over the rows of an array with NaNs, about 50 ms per thousand
    steps of a band chart; this sorts once (NaN last) and interpolates every row at once. A row of NaNs
    gives NaN.
    """
    ordered = np.sort(np.asarray(values, dtype=float), axis=1)
    count = (~np.isnan(ordered)).sum(axis=1)
    out = np.full((len(qs), len(ordered)), np.nan)
    rows = count > 0
    if not rows.any():
        return out
    ordered, count = ordered[rows], count[rows]
    for i, q in enumerate(qs):
        position = (count - 1) * (q / 100.0)
        below = np.floor(position).astype(int)
        above = np.minimum(below + 1, count - 1)
        t = position - below
        a = np.take_along_axis(ordered, below[:, None], axis=1)[:, 0]
        b = np.take_along_axis(ordered, above[:, None], axis=1)[:, 0]
        with np.errstate(invalid="ignore"):
            diff = b - a
            out[i, rows] = np.where(t >= 0.5, b - diff * (1 - t), a + diff * t)  # NumPy's own lerp
    return out


def gradient_norms(f: Objective, points: np.ndarray) -> np.ndarray:
    """|∇f| at every recorded point."""
    with np.errstate(all="ignore"):
        return np.linalg.norm(f.grad(points), axis=-1)


def effective_step_sizes(f: Objective, points: np.ndarray) -> np.ndarray:
    """Per-coordinate ``|Δθᵢ| / |gᵢ|`` for each update: the learning rate each coordinate really got.

    Equals ``lr`` for plain gradient descent; adaptive methods show how they rescale each axis.
    Shape ``(steps, ..., 2)``; NaN where the gradient component is zero.
    """
    with np.errstate(all="ignore"):
        g = np.abs(f.grad(points[:-1]))
        step = np.abs(np.diff(points, axis=0))
        return np.where(g > 0, step / g, np.nan)


def summary(f: Objective, run: Trajectory, tol: float = 1e-3) -> dict[str, float | int | bool]:
    """Final loss, distance to the nearest known minimum, steps to ``f − f* ≤ tol``, path length, divergence."""
    with np.errstate(all="ignore"):
        final = run.points[-1]
        return {
            "final_loss": float(run.values[-1]),
            "distance": float(f.nearest_minimum_distance(final)),
            "steps_to_tol": int(steps_to_reach(gap(f, run.values), tol)) if run.record == "all" else -1,
            "path_length": float(path_length(run.points)),
            "diverged_at": int(diverged_at(f, run)),
        }


def diverged_at(f: Objective, run: Trajectory) -> np.ndarray:
    """The step at which each run of ``run`` diverged, or -1: the one definition of divergence (``DIVERGENCE_RULE``).

    A run diverged when it left the landscape or f stopped being finite (``run.diverged_at``, from
    ``simulate``'s escape radius), or when its gap ``f − f*`` ends above ``GROWTH`` times its starting gap:
    a run just past a stability limit grows without bound yet may stay inside the landscape for the steps
    shown. The step is the earlier of the escape and the first recorded step from which the gap stayed
    above that bound (a non-finite gap counts as above). Growth is judged only where f* is known and the
    starting gap is positive and finite. Shape: the batch shape of ``run``.
    """
    return growth_diverged_at(gap(f, run.values), run, judged=bool(np.isfinite(f.min_value)))


def growth_diverged_at(g: np.ndarray, run: Trajectory, judged: bool = True) -> np.ndarray:
    """``diverged_at`` for gaps ``g`` ``(R, *batch)`` of ``run``: a network's loss is its own gap (it is ≥ 0)."""
    escaped = np.asarray(run.diverged_at)
    with np.errstate(all="ignore"):
        start = g[0]
        judged = judged & np.isfinite(start) & (start > 0)
        above = ~(g <= GROWTH * start)  # NaN and ±inf gaps count as above
    grown = judged & above[-1]
    # First step of the final stretch above the bound: one past the last recorded row at or below it.
    below = ~above
    last_below = len(g) - 1 - np.argmax(below[::-1], axis=0)
    first_above = np.where(below.any(axis=0), last_below + 1, 0)
    steps = np.asarray(run.recorded_steps)[np.minimum(first_above, len(g) - 1)]
    grown_at = np.where(grown, steps, -1)
    both = (escaped >= 0) & (grown_at >= 0)
    return np.where(both, np.minimum(escaped, grown_at), np.maximum(escaped, grown_at)).astype(int)
