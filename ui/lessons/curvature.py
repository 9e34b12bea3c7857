"""Curvature along a path, pure NumPy: Hessians, sharpness and Adam's preconditioned sharpness.

Sharpness is the largest Hessian eigenvalue; gradient descent with step η is stable near a
point only while it stays below 2/η (the "edge of stability", Cohen et al. 2021). Adam divides
each coordinate's step by its own scale, so what limits it is the sharpness of the
preconditioned Hessian (Cohen et al. 2022, "Adaptive gradient methods at the edge of stability").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

FD_STEP = 1e-5  # relative step of the central differences (about the cube root of machine epsilon)


def hessians(f: Any, points: np.ndarray) -> np.ndarray:
    """Symmetric Hessians at ``points`` (shape (..., 2)) -> (..., 2, 2): exact for quadratics, else
    central differences of ``f.grad`` evaluated for every point and direction in one call."""
    pts = np.asarray(points, dtype=float)
    exact = getattr(f, "hessian", None)
    if exact is not None:
        H = np.broadcast_to(np.asarray(exact, dtype=float), (*pts.shape[:-1], 2, 2)).copy()
        H[~np.isfinite(pts).all(axis=-1)] = np.nan
        return H
    with np.errstate(all="ignore"):
        step = FD_STEP * np.maximum(1.0, np.abs(pts))  # (..., 2): one step per coordinate
        offsets = step[..., :, None] * np.eye(2)  # (..., j, 2): move coordinate j
        plus, minus = pts[..., None, :] + offsets, pts[..., None, :] - offsets
        g = f.grad(np.stack([plus, minus]))  # (2, ..., j, 2)
        width = np.diagonal(plus - minus, axis1=-2, axis2=-1)  # the step actually taken, (..., j)
        H = (g[0] - g[1]) / width[..., :, None]  # H[..., j, i] = ∂g_i/∂x_j
    return 0.5 * (H + np.swapaxes(H, -1, -2))


def eigenvalues(H: np.ndarray) -> np.ndarray:
    """Ascending eigenvalues of symmetric 2×2 matrices (..., 2, 2) -> (..., 2); NaN where H is not finite."""
    ok = np.isfinite(H).all(axis=(-1, -2))
    out = np.full(H.shape[:-1], np.nan)
    out[ok] = np.linalg.eigvalsh(H[ok])
    return out


def sharpness(f: Any, points: np.ndarray) -> np.ndarray:
    """Largest Hessian eigenvalue at each point (..., 2) -> (...)."""
    return eigenvalues(hessians(f, points))[..., -1]


def adam_inverse_preconditioner(
    exp_avg_sq: np.ndarray, lr: float, beta2: float, eps: float, eps_inside_sqrt: bool = False
) -> np.ndarray:
    """Adam's per-coordinate step size P⁻¹ = lr / (√v̂ + ε) for every recorded row of ``exp_avg_sq``.

    Row t of a recorded run holds v after t updates, so v̂ = v / (1 − β₂ᵗ); row 0 (no update yet) is NaN.
    With ``eps_inside_sqrt`` (the article's convention) it is lr / √(v̂ + ε).
    """
    v = np.asarray(exp_avg_sq, dtype=float)
    t = np.arange(len(v), dtype=float).reshape((-1,) + (1,) * (v.ndim - 1))
    with np.errstate(all="ignore"):
        vhat = v / (1.0 - beta2**t)
        root = np.sqrt(vhat + eps) if eps_inside_sqrt else np.sqrt(vhat) + eps
        out = lr / root
    out[0] = np.nan
    return out


def preconditioned_sharpness(H: np.ndarray, inverse_preconditioner: np.ndarray) -> np.ndarray:
    """λ_max(P^{-1/2} H P^{-1/2}) for diagonal P given by its inverse (..., 2): the curvature the adaptive step sees."""
    with np.errstate(all="ignore"):
        s = np.sqrt(inverse_preconditioner)
        return eigenvalues(s[..., :, None] * H * s[..., None, :])[..., -1]


def adam_sharpness_along(f: Any, points: np.ndarray, exp_avg_sq: np.ndarray, hp: Mapping[str, Any]) -> np.ndarray:
    """Preconditioned sharpness at θ_t with the preconditioner of the step that leaves θ_t (t = 0 … T−1).

    That step uses v after t + 1 updates (it already includes the gradient at θ_t), i.e. row t + 1.
    """
    inv = adam_inverse_preconditioner(
        exp_avg_sq, float(hp["lr"]), float(hp["betas"][1]), float(hp["eps"]), bool(hp.get("eps_inside_sqrt", False))
    )
    return preconditioned_sharpness(hessians(f, points[:-1]), inv[1:])


def momentum_threshold(beta1: float) -> float:
    """Stability limit (2 + 2β₁)/(1 − β₁) of the preconditioned sharpness under Adam's momentum (38 at β₁ = 0.9).

    In an eigen-direction with preconditioned curvature a, m ← β₁m + (1 − β₁)a·x, x ← x − m is heavy ball
    with step (1 − β₁)a and momentum β₁, stable while (1 − β₁)a < 2 + 2β₁.
    """
    return (2.0 + 2.0 * beta1) / (1.0 - beta1)
