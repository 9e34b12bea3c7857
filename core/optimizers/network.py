"""Optimizers that need to know which slices of θ are which weight matrices: Muon and Adafactor (torch.optim).

They act on whole matrices (an orthogonalised update, factored second moments), so they apply only
to objectives that carry a parameter ``layout`` (networks from ``core.mlp`` and ``core.cnn``). As
in torch, Muon takes 2-D weights only (``Block.is_matrix``: torch.optim.Muon refuses a convolution's
3-D kernel, so here such kernels go with the biases to AdamW, as a torch user would have to pass
them), while Adafactor factors every weight of two or more axes over its last two (``is_weight``). A ``LayoutSpec`` is
an ``OptimizerSpec`` whose ``init`` also takes the layout (and keeps it in the state, where ``step``
reads it, so ``step`` has the usual signature); ``simulate`` calls ``bind`` to supply it. On a 2-D
landscape ``bind`` refuses with a clear message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import partial
from typing import Any

import numpy as np

from ..hyper import NONNEG, UNIT_OPEN, Hyper, Interval
from ..messages import N_, CoreError
from . import common as c
from .adam import _adam_step, _moments_init
from .base import OptimizerSpec, lerp_

NS_COEFFICIENTS = (3.4445, -4.7750, 2.0315)  # torch.optim.Muon's defaults (a, b, c)


@dataclass(frozen=True)
class LayoutSpec(OptimizerSpec):
    """An optimizer spec whose ``init(x, hp, layout=...)`` needs the parameter layout (``bind`` supplies it)."""

    def bind(self, function: Any) -> OptimizerSpec:
        """A plain ``OptimizerSpec`` for ``function``'s layout; raises for objectives without one."""
        layout = getattr(function, "layout", None)
        if layout is None:
            raise CoreError(
                N_(
                    "{optimizer} applies only to networks (objectives with a parameter layout, "
                    "see core.mlp); it needs to know which coordinates form each weight matrix"
                ),
                optimizer=self.display_name,
            )
        base = {f.name: getattr(self, f.name) for f in fields(OptimizerSpec)}
        return OptimizerSpec(**{**base, "init": partial(self.init, layout=tuple(layout))})  # type: ignore[call-arg]


def _blocks(layout: Sequence[Any], matrices: bool) -> list[Any]:
    return [b for b in layout if b.is_matrix == matrices]


def _rows(layout: Sequence[Any], matrices: bool) -> np.ndarray:
    """The coordinates of θ that belong to matrices (or to the other parameters)."""
    parts = [np.arange(b.offset, b.offset + b.size) for b in _blocks(layout, matrices)]
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def _view(a: np.ndarray, block: Any) -> np.ndarray:
    """Block ``block`` of a ``(D, N)`` array as ``(*shape, N)`` (a view)."""
    return a[block.slice].reshape((*block.shape, a.shape[-1]))


# ----- Muon ----------------------------------------------------------------------------------


def newton_schulz(
    g: np.ndarray, steps: int, eps: float, coefficients: tuple[float, float, float] = NS_COEFFICIENTS
) -> np.ndarray:
    """torch's quintic Newton–Schulz orthogonalisation of a batch of matrices ``(N, A, B)``, in float64.

    torch.optim.Muon runs it in bfloat16; this is the same iteration without that rounding.
    """
    a, b, c_ = coefficients
    tall = g.shape[-2] > g.shape[-1]
    x = np.swapaxes(g, -1, -2) if tall else g
    norm = np.sqrt(np.einsum("nij,nij->n", x, x))
    x = x / np.maximum(norm, eps)[:, None, None]
    for _ in range(steps):
        gram = x @ np.swapaxes(x, -1, -2)
        update = b * gram + c_ * (gram @ gram)
        x = a * x + update @ x
    return np.swapaxes(x, -1, -2) if tall else x


def _muon_init(x, hp, *, layout):
    n = x.shape[1]
    bias = _rows(layout, False)
    fallback = _adamw_hp(hp)
    state = {"momentum_buffer": np.zeros_like(x), "_bias_rows": bias, "_layout": layout}
    state["_adamw"] = _moments_init(np.empty((len(bias), n)), fallback)
    return state


def _adamw_hp(hp):
    """The AdamW hyperparameters used for biases (and any other non-matrix parameter)."""
    return {
        "lr": hp["adamw_lr"],
        "betas": hp["adamw_betas"],
        "eps": hp["adamw_eps"],
        "weight_decay": hp["adamw_weight_decay"],
        "amsgrad": False,
    }


def _muon_step(x, g, s, t, hp):
    lr, mom, wd = hp["lr"], hp["momentum"], hp["weight_decay"]
    for block in _blocks(s["_layout"], True):
        buf, grad, param = _view(s["momentum_buffer"], block), _view(g, block), _view(x, block)
        lerp_(buf, grad, 1 - mom, np.empty_like(buf))
        if hp["nesterov"]:
            update = grad.copy()
            lerp_(update, buf, mom, np.empty_like(buf))
        else:
            update = buf
        ortho = newton_schulz(np.moveaxis(update, -1, 0), int(hp["ns_steps"]), hp["eps"])
        rows, cols = block.shape
        adjusted = lr * max(1.0, rows / cols) ** 0.5
        if np.ndim(wd) or wd != 0:
            param *= 1 - lr * wd
        param -= np.moveaxis(ortho, 0, -1) * adjusted
    bias = s["_bias_rows"]
    if len(bias):
        xb, gb = x[bias], g[bias]
        _adam_step(xb, gb, s["_adamw"], t, _adamw_hp(hp), decoupled=True)
        x[bias] = xb


def _check_muon(hp):
    steps = hp["ns_steps"]
    if np.ndim(steps) or steps != int(steps) or not 1 <= steps < 100:
        raise CoreError(N_("Invalid ns_steps: {value} (expected one integer from 1 to 99)"), value=repr(steps))


MUON = LayoutSpec(
    name="muon",
    display_name="Muon",
    year=2024,
    paper="Jordan et al., Muon: An optimizer for hidden layers in neural networks",
    paper_url="https://kellerjordan.github.io/posts/muon/",
    rule_latex=r"B_t = \mathrm{lerp}(B_{t-1}, G_t, 1-\mu),\quad O_t = \mathrm{NS}_k\bigl(\mathrm{lerp}(G_t, B_t, \mu)\bigr),"
    r"\quad W_t = (1-\eta\lambda) W_{t-1} - \eta\sqrt{\max(1, A/B)}\; O_t",
    intuition="Treat each weight matrix as a matrix: take the momentum of its gradient and replace it by "
    "the nearest (semi-)orthogonal matrix, found with a few Newton–Schulz iterations. Every "
    "direction of the layer then moves by about the same amount, however ill-conditioned the "
    "gradient is. Biases are not matrices, so they are trained with AdamW (torch's advice).",
    try_this="Compare Muon with Adam on the spiral: Muon's loss falls in longer straight stretches.",
    hypers=(
        c.lr(1e-3, (1e-4, 1.0)),
        c.weight_decay(0.1),
        c.momentum(0.95),
        Hyper("nesterov", True, kind="bool", help="Use Nesterov momentum (torch's default)."),
        c.eps(1e-7),
        Hyper("ns_steps", 5, Interval(1.0, 99.0), (1, 10), kind="int", help="Newton–Schulz iterations per step."),
        Hyper("adamw_lr", 1e-3, NONNEG, (1e-4, 1.0), log=True, help="AdamW learning rate for the biases."),
        Hyper(
            "adamw_betas",
            (0.9, 0.999),
            (UNIT_OPEN, UNIT_OPEN),
            ((0.0, 0.999), (0.0, 0.9999)),
            kind="pair",
            labels=("β₁ (biases)", "β₂ (biases)"),
            help="AdamW's averaging rates for the biases.",
        ),
        Hyper("adamw_eps", 1e-8, NONNEG, (1e-12, 1e-1), log=True, help="AdamW's ε for the biases."),
        Hyper("adamw_weight_decay", 1e-2, NONNEG, (0.0, 0.5), help="AdamW's weight decay for the biases."),
    ),
    init=_muon_init,  # type: ignore[arg-type]  # bind() supplies the layout
    step=_muon_step,
    check=_check_muon,
    state_labels={"momentum_buffer": "momentum B (matrices)"},
    velocity="momentum_buffer",
    adaptive=True,
    demo={"lr": 0.02, "adamw_lr": 0.01},
    torch_name="Muon",
    torch_maximize=False,
)


# ----- Adafactor --------------------------------------------------------------------------------


def _adafactor_init(x, hp, *, layout):
    """torch's state: every weight of two or more axes is factored over its last two (a convolution's
    ``(out, in, K)`` kernel keeps one row and one column factor per output channel), the rest is not."""
    n = x.shape[1]
    state: dict[str, Any] = {"_layout": layout}
    for b in layout:
        if b.is_weight:
            *lead, rows, cols = b.shape
            state[f"_row_var.{b.name}"] = np.zeros((*lead, rows, 1, n))
            state[f"_col_var.{b.name}"] = np.zeros((*lead, 1, cols, n))
        else:
            state[f"_variance.{b.name}"] = np.zeros((*b.shape, n))
    return state


def _rms(a: np.ndarray) -> np.ndarray:
    """Root mean square over all but the last (batch) axis: ``(N,)``."""
    flat = a.reshape(-1, a.shape[-1])
    return np.sqrt(np.einsum("in,in->n", flat, flat)) / flat.shape[0] ** 0.5


def _adafactor_step(x, g, s, t, hp):
    lr, wd, d = hp["lr"], hp["weight_decay"], hp["d"]
    eps1, eps2 = hp["eps"]
    w = float(t) ** hp["beta2_decay"]
    rho = np.minimum(lr, 1 / t**0.5)
    for b in s["_layout"]:
        param, grad = _view(x, b), _view(g, b)
        alpha = np.maximum(eps2, _rms(param)) * rho
        if np.ndim(wd) or wd != 0:
            param *= 1 - lr * wd
        if b.is_weight:  # axes (..., rows, cols, N): torch's dims -2 and -1 are -3 and -2 here
            row_var, col_var = s[f"_row_var.{b.name}"], s[f"_col_var.{b.name}"]
            sq = grad * grad
            row_mean = np.sqrt(sq.sum(axis=-2, keepdims=True)) ** 2 / grad.shape[-2]
            col_mean = np.sqrt(sq.sum(axis=-3, keepdims=True)) ** 2 / grad.shape[-3]
            lerp_(row_var, row_mean, w, np.empty_like(row_var))
            lerp_(col_var, col_mean, w, np.empty_like(col_var))
            estimate = row_var * col_var
            estimate /= np.maximum(row_var.mean(axis=-3, keepdims=True), eps1)
        else:
            variance = s[f"_variance.{b.name}"]
            lerp_(variance, grad * grad, w, np.empty_like(variance))
            estimate = variance.copy()
        update = 1 / np.sqrt(np.maximum(estimate, eps1 * eps1))
        update *= grad
        denom = np.maximum(1.0, _rms(update) / d)
        param -= update * (alpha / denom)


ADAFACTOR = LayoutSpec(
    name="adafactor",
    display_name="Adafactor",
    year=2018,
    paper="Shazeer & Stern, Adafactor: Adaptive Learning Rates with Sublinear Memory Cost",
    paper_url="https://arxiv.org/abs/1804.04235",
    rule_latex=r"R_t = \mathrm{lerp}(R_{t-1}, \overline{G_t^2}^{\,\mathrm{row}}, t^{c}),\ "
    r"C_t = \mathrm{lerp}(C_{t-1}, \overline{G_t^2}^{\,\mathrm{col}}, t^{c}),\ "
    r"U_t = \frac{G_t}{\sqrt{R_t C_t / \bar R_t}},\ "
    r"W_t = W_{t-1} - \frac{\max(\varepsilon_2, \mathrm{RMS}(W_{t-1}))\,\min(\eta, 1/\sqrt t)}{\max(1, \mathrm{RMS}(U_t)/d)}\, U_t",
    intuition="Adam's second moment, stored as one number per row and one per column of each weight "
    "matrix instead of one per weight (their outer product estimates the full table). Steps "
    "are relative to the size of the weights and clipped in RMS, and the averaging rate "
    "t^c (c = beta2_decay) needs no β₂.",
    try_this="Raise d from 1 to 10: update clipping stops biting and the first steps get larger.",
    hypers=(
        c.lr(1e-2, (1e-4, 1.0)),
        Hyper(
            "beta2_decay",
            -0.8,
            Interval(high=0.0),
            (-1.0, -0.1),
            symbol="c",
            help="Exponent of the averaging rate t^c of the second-moment estimates.",
        ),
        Hyper(
            "eps",
            (float(np.finfo(float).eps), 1e-3),
            (NONNEG, NONNEG),
            ((1e-20, 1e-6), (1e-6, 1e-1)),
            log=(True, True),
            kind="pair",
            labels=("ε₁", "ε₂"),
            help="ε₁ keeps the variance estimate positive; ε₂ is the smallest weight RMS used to scale steps.",
        ),
        Hyper("d", 1.0, Interval(1.0), (1.0, 10.0), help="Clipping threshold of the update's RMS (torch: at least 1)."),
        c.weight_decay(),
    ),
    init=_adafactor_init,  # type: ignore[arg-type]  # bind() supplies the layout
    step=_adafactor_step,
    adaptive=True,
    demo={"lr": 0.05},
    torch_name="Adafactor",
)
