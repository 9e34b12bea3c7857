"""Textbook convergence rates on quadratics, and the measured rate of a run to compare them with.

For a quadratic whose Hessian has eigenvalues in [μ, L] (condition number κ = L/μ), both
gradient descent and heavy-ball momentum are linear iterations, so the distance to the minimum
shrinks like ρᵗ for a rate ρ < 1 given by the extreme eigenvalues:

* gradient descent with step η: ρ = max(|1 − ημ|, |1 − ηL|), smallest at η* = 2/(L + μ)
  where it is (κ − 1)/(κ + 1);
* heavy ball (Polyak 1964; torch's ``SGD(momentum=β)`` is the same method with ``lr = η``):
  ρ = spectral radius of the 2×2 iteration matrices [[1 + β − ηλ, −β], [1, 0]] over
  λ ∈ {μ, L}, smallest at η* = 4/(√L + √μ)², β* = ((√κ − 1)/(√κ + 1))² where it is
  (√κ − 1)/(√κ + 1): about √κ times fewer steps than gradient descent.

Both methods only see the Hessian through its eigenvalues, so rotating the problem changes
nothing for them; diagonal adaptive methods (Adagrad, RMSprop, Adam) are a different story,
which ``rotated_quadratics`` lets one measure in a single batched run.

Pure NumPy, no Streamlit.
"""

from __future__ import annotations

import math

import numpy as np

from .functions import CONDITION_ERROR, Objective, conditioned_hessian, conditioned_setting, quadratic_fns
from .messages import N_, CoreError

__all__ = [
    "gd_optimal_lr",
    "gd_rate",
    "heavy_ball_optimal",
    "heavy_ball_rate",
    "measured_rate",
    "rotate_start",
    "rotated_quadratics",
    "rotation",
    "steps_to_shrink",
]


def _check_curvature(mu: float, L: float) -> tuple[float, float]:
    mu, L = float(mu), float(L)
    if not (math.isfinite(mu) and math.isfinite(L) and 0 < mu <= L):
        raise CoreError(
            N_("curvature must satisfy 0 < mu <= L (got mu={mu}, L={lipschitz})"), mu=repr(mu), lipschitz=repr(L)
        )
    return mu, L


def gd_stability_limit(f: Objective) -> float | None:
    """Plain gradient descent on a quadratic is stable iff lr < 2/L (L: largest curvature); None if not a quadratic."""
    if f.curvature is None:
        return None
    return 2.0 / f.curvature[1]


def gd_optimal_lr(mu: float, L: float) -> float:
    """The step 2/(L + μ) that minimises gradient descent's worst-case rate on a quadratic.

    It balances the two extreme eigen-directions: the steep one (L) overshoots by exactly as
    much as the flat one (μ) undershoots, |1 − ηL| = |1 − ημ|.
    """
    mu, L = _check_curvature(mu, L)
    return 2.0 / (L + mu)


def gd_rate(mu: float, L: float, lr):
    """Per-step contraction max(|1 − η·μ|, |1 − η·L|) of gradient descent with step ``lr``.

    Every eigen-component of θ − θ* is multiplied by (1 − ηλ) each step; the extreme
    eigenvalues are the worst, so this is the rate of the slowest component (≥ 1 means
    no convergence; > 1 divergence). At ``gd_optimal_lr`` it equals (κ − 1)/(κ + 1).
    Works elementwise on an array of ``lr``.
    """
    mu, L = _check_curvature(mu, L)
    lr = np.asarray(lr, dtype=float)
    out = np.maximum(np.abs(1.0 - lr * mu), np.abs(1.0 - lr * L))
    return float(out) if out.ndim == 0 else out


def heavy_ball_optimal(mu: float, L: float) -> tuple[float, float]:
    """Polyak's optimal ``(lr, momentum)`` = (4/(√L + √μ)², ((√κ − 1)/(√κ + 1))²) on a quadratic.

    With these both extreme eigenvalues give a double root of modulus √β = (√κ − 1)/(√κ + 1):
    the fastest rate any heavy-ball setting reaches for that κ.
    """
    mu, L = _check_curvature(mu, L)
    sl, sm = math.sqrt(L), math.sqrt(mu)
    lr = 4.0 / (sl + sm) ** 2
    momentum = ((sl - sm) / (sl + sm)) ** 2
    return lr, momentum


def heavy_ball_rate(mu: float, L: float, lr, momentum):
    """Spectral radius of heavy ball's iteration on the eigenvalues μ and L (elementwise on arrays).

    In the eigen-direction with curvature λ the pair (θₜ, θₜ₋₁) evolves by the matrix
    [[1 + β − ηλ, −β], [1, 0]], whose largest eigenvalue modulus is the asymptotic rate of that
    component; the rate of the method is the larger of the two for λ = μ and λ = L (inner
    eigenvalues are never worse: the radius grows with |1 + β − ηλ|, which is largest at an end
    of [μ, L]). Computed with
    ``numpy.linalg.eigvals``. At the optimum the matrices are defective (a double root), so the
    distance decays like t·ρᵗ rather than ρᵗ, and rounding perturbs the result by ~1e-8.
    """
    mu, L = _check_curvature(mu, L)
    lr, beta = np.broadcast_arrays(np.asarray(lr, dtype=float), np.asarray(momentum, dtype=float))
    lam = np.array([mu, L]).reshape((2,) + (1,) * lr.ndim)
    M = np.zeros((2, *lr.shape, 2, 2))
    M[..., 0, 0] = 1.0 + beta - lr * lam
    M[..., 0, 1] = -beta
    M[..., 1, 0] = 1.0
    radius = np.abs(np.linalg.eigvals(M)).max(axis=-1).max(axis=0)
    return float(radius) if radius.ndim == 0 else radius


def measured_rate(distances, tail: float = 0.5) -> float:
    """Per-step contraction of a run, ``exp(slope)`` of a least-squares line through log dₜ over the tail.

    ``distances`` are ‖θₜ − θ*‖ (or any positive error) over steps. Only the part before the
    first zero or non-finite value is used (a run that lands exactly on the minimum, underflows
    or diverges); the fit uses its last ``tail`` fraction (at least two points), where the
    slowest mode dominates and start-up transients are gone. For a geometric sequence
    d₀ρᵗ this is exactly ρ (the geometric mean of dₜ₊₁/dₜ); unlike the ratio of the two end
    points it is not thrown off by the oscillation of momentum methods. Returns 0.0 for a run
    that hits the minimum exactly after one step, ``inf`` for one that is non-finite after
    one step, and NaN when there is nothing to measure.
    """
    d = np.asarray(distances, dtype=float).reshape(-1)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(d) & (d > 0)
    n = len(d) if ok.all() else int(np.argmin(ok))
    if n == 0:
        return float("nan")
    if n == 1:
        if len(d) == 1:
            return float("nan")
        return 0.0 if d[1] == 0 else float("inf")
    k = max(2, math.ceil(tail * n))
    t = np.arange(n - k, n, dtype=float)
    y = np.log(d[n - k : n])
    t -= t.mean()
    slope = float(np.dot(t, y - y.mean()) / np.dot(t, t))
    with np.errstate(over="ignore"):
        return float(np.exp(slope))


def steps_to_shrink(rate: float, factor: float = 1e-6) -> float:
    """Steps for ρᵗ to fall to ``factor``: ⌈log factor / log ρ⌉ (inf when ρ ≥ 1, 1 when ρ = 0)."""
    if not 0 < factor < 1:
        raise CoreError(N_("factor must be in (0, 1) (got {value})"), value=repr(factor))
    if not rate < 1:
        return float("inf")
    if rate <= 0:
        return 1.0
    return float(math.ceil(math.log(factor) / math.log(rate) - 1e-9))


def rotation(angle) -> np.ndarray:
    """The matrix R with (u, v) = R (x, y) of ``conditioned_quadratic`` at ``angle`` degrees, shape (..., 2, 2)."""
    a = np.radians(np.asarray(angle, dtype=float))
    c, s = np.cos(a), np.sin(a)
    return np.stack([np.stack([c, s], -1), np.stack([-s, c], -1)], -2)


def rotate_start(x0, from_angle: float, to_angles) -> np.ndarray:
    """The start that sits, for the valley at each of ``to_angles``, where ``x0`` sits for ``from_angle``.

    ``x0`` is mapped to the valley's own coordinates (u, v) = R(from) x0 and back with R(to)ᵀ,
    so every angle poses the same problem up to a rotation: the fair way to ask what the
    angle alone does to an optimizer. Returns shape ``(len(to_angles), 2)``.
    """
    uv = rotation(from_angle) @ np.asarray(x0, dtype=float)
    return np.einsum("aji,j->ai", rotation(np.asarray(to_angles, dtype=float).reshape(-1)), uv)


def rotated_quadratics(condition: float, angles) -> Objective:
    """``conditioned_quadratic(condition, angle)`` for several angles at once, as one batched objective.

    Trajectory i of a batch of shape ``(len(angles),)`` sees the valley rotated by ``angles[i]``,
    so one ``core.simulate`` call measures an optimizer at every angle. Only for ``simulate``: the functions take their Hessian entries per
    column of the batch, so they do not evaluate on grids.
    """
    kappa = float(condition)
    if not (math.isfinite(kappa) and kappa >= 1):
        raise CoreError(CONDITION_ERROR, value=repr(condition))
    a = np.asarray(angles, dtype=float).reshape(-1)
    f, df = quadratic_fns(*conditioned_hessian(kappa, a))
    return Objective(
        name="rotated_quadratics",
        display_name=f"Conditioned quadratics (κ = {kappa:g}, {len(a)} angles)",
        latex="",
        f=f,
        df=df,
        **conditioned_setting(kappa),
    )
