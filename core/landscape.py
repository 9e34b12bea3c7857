"""One 2-D slice of a high-dimensional loss shared by several optimization paths.

The slice is the plane ``θ(α, β) = c + α u + β v`` through a common point ``c`` (the shared init or
the best end point). The directions are either the top two principal directions of all paths
together (around ``c``), or filter-normalised random directions (Li et al. 2018, "Visualizing the
Loss Landscape of Neural Nets"). Every path is projected onto the plane, with the fraction of its
variance the plane explains; the loss over a grid of the plane is one batched ``values`` call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .messages import N_, CoreError

METHODS = ("pca", "random")


@dataclass(frozen=True)
class Plane:
    """The plane ``center + α·directions[0] + β·directions[1]`` in parameter space."""

    center: np.ndarray  # (D,)
    directions: np.ndarray  # (2, D)
    method: str

    def points(self, alpha: Any, beta: Any) -> np.ndarray:
        """θ at plane coordinates ``alpha``, ``beta`` (broadcast together), shape ``(..., D)``."""
        alpha, beta = np.broadcast_arrays(np.asarray(alpha, dtype=float), np.asarray(beta, dtype=float))
        return self.center + alpha[..., None] * self.directions[0] + beta[..., None] * self.directions[1]

    def project(self, theta: Any) -> np.ndarray:
        """Plane coordinates ``(..., 2)`` of the nearest plane point to each θ ``(..., D)`` (least squares)."""
        theta = np.asarray(theta, dtype=float)
        return (theta - self.center) @ np.linalg.pinv(self.directions)

    def explained(self, path: Any) -> float:
        """Fraction of a path's variance (``(R, D)``, around its own mean) that lies in the plane's directions."""
        path = _finite_rows(np.asarray(path, dtype=float))
        if len(path) < 2:
            return float("nan")
        basis = np.linalg.qr(self.directions.T)[0]  # (D, 2), orthonormal
        centred = path - path.mean(axis=0)
        total = float(np.sum(centred * centred))
        if total == 0:
            return float("nan")
        inside = centred @ basis
        return float(np.sum(inside * inside) / total)


@dataclass(frozen=True)
class Slice:
    """The loss on a grid of the plane, and every path projected onto it."""

    plane: Plane
    alpha: np.ndarray  # (na,) grid coordinates along directions[0]
    beta: np.ndarray  # (nb,) grid coordinates along directions[1]
    values: np.ndarray  # (nb, na) loss at the grid points
    paths: tuple[np.ndarray, ...]  # each (R_k, 2): plane coordinates of path k
    explained: tuple[float, ...]  # each path's variance fraction in the plane


def _finite_rows(path: np.ndarray) -> np.ndarray:
    return path[np.isfinite(path).all(axis=-1)]


def pca_plane(paths: Sequence[Any], center: Any) -> Plane:
    """The plane through ``center`` spanned by the top two principal directions of all ``paths`` around it.

    ``paths`` are ``(R_k, D)`` arrays (non-finite rows ignored). These are the two orthonormal
    directions that keep the most of the paths' squared distance from ``center``.
    """
    center = np.asarray(center, dtype=float)
    stacked = np.concatenate([_finite_rows(np.asarray(p, dtype=float)) for p in paths]) - center
    _, _, vt = np.linalg.svd(stacked, full_matrices=False)
    directions = np.zeros((2, center.size))
    directions[: min(2, len(vt))] = vt[:2]
    # A path set that lies on a line (or a point) still needs a second axis: any orthogonal one.
    for k in range(2):
        if not np.any(directions[k]):
            directions[k] = _orthogonal_unit(directions[:k], center.size, seed=k)
    return Plane(center, directions, "pca")


def _orthogonal_unit(existing: np.ndarray, dim: int, seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(dim)
    for e in existing:
        v -= (v @ e) * e
    return v / np.linalg.norm(v)


def random_plane(layout: Sequence[Any], center: Any, seed: int = 0) -> Plane:
    """Two Gaussian directions, filter-normalised to ``center`` (Li et al. 2018).

    Each filter of a weight (a matrix's row, one unit's incoming weights; a convolution's kernel of
    one output channel) is rescaled to the norm of the same filter of ``center``; bias directions are
    zero, as in the paper's default.
    """
    center = np.asarray(center, dtype=float)
    rng = np.random.default_rng(seed)
    directions = np.zeros((2, center.size))
    for k in range(2):
        d = rng.standard_normal(center.size)
        for block in layout:
            if not block.is_weight:
                continue
            rows = d[block.slice].reshape(block.shape[0], -1)
            ref = center[block.slice].reshape(block.shape[0], -1)
            scale = np.linalg.norm(ref, axis=1, keepdims=True) / np.maximum(
                np.linalg.norm(rows, axis=1, keepdims=True), 1e-300
            )
            directions[k, block.slice] = (rows * scale).ravel()
    return Plane(center, directions, "random")


def common_point(objective: Any, paths: Sequence[Any], where: str = "init") -> np.ndarray:
    """The plane's centre: the paths' shared first point (``"init"``) or the end point with the lowest loss (``"best"``)."""
    paths = [np.asarray(p, dtype=float) for p in paths]
    if where == "init":
        return paths[0][0]
    if where != "best":
        raise CoreError(N_("Invalid centre {value} (expected 'init' or 'best')"), value=repr(where))
    ends = np.stack([p[-1] for p in paths])
    with np.errstate(all="ignore"):
        losses = objective.values(ends.T)
    losses = np.where(np.isfinite(losses), losses, np.inf)
    return ends[int(np.argmin(losses))]


def loss_slice(
    objective: Any,
    paths: Sequence[Any],
    *,
    method: str = "pca",
    center: str = "init",
    resolution: int = 41,
    margin: float = 0.2,
    seed: int = 0,
) -> Slice:
    """The shared slice for ``paths`` (each ``(R_k, D)``): the plane, the loss on a grid over it, the projections.

    The grid covers every projected path plus ``margin`` of its span on each side and is evaluated
    in one batched ``objective.values`` call over ``resolution²`` parameter vectors.
    """
    if method not in METHODS:
        raise CoreError(
            N_("Invalid method {value} (expected one of {names})"), value=repr(method), names=", ".join(METHODS)
        )
    paths = [np.asarray(p, dtype=float) for p in paths]
    c = common_point(objective, paths, center)
    plane = pca_plane(paths, c) if method == "pca" else random_plane(objective.layout, c, seed)
    projected = tuple(plane.project(_finite_rows(p)) for p in paths)
    every = np.concatenate((*projected, np.zeros((1, 2))))
    lo, hi = every.min(axis=0), every.max(axis=0)
    pad = margin * np.maximum(hi - lo, 1e-3)
    alpha = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    beta = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    # θ(α, β) as ``Plane.points`` sums it, laid out (D, nb, na) at once: the objective takes it without a copy
    # (a network's slice grid is resolution² × D floats, tens of megabytes).
    u, v = (d[:, None, None] for d in plane.directions)
    grid = plane.center[:, None, None] + alpha[None, None, :] * u + beta[None, :, None] * v
    with np.errstate(all="ignore"):
        values = objective.values(grid)
    return Slice(plane, alpha, beta, values, projected, tuple(plane.explained(p) for p in paths))
