"""Sign-based methods: Rprop (torch.optim.Rprop) and Lion (Chen et al. 2023)."""

from __future__ import annotations

import numpy as np

from ..hyper import NONNEG, Hyper, Interval
from ..messages import N_, CoreError
from . import common as c
from .base import OptimizerSpec, decay_weights_


def _rprop_init(x, hp):
    return {"prev": np.zeros_like(x), "step_size": np.broadcast_to(hp["lr"], x.shape).copy(), "_tmp": np.empty_like(x)}


def _rprop_step(x, g, s, t, hp):
    etaminus, etaplus = hp["etas"]
    lo, hi = hp["step_sizes"]
    prev, size, tmp = s["prev"], s["step_size"], s["_tmp"]
    if t == 1:  # torch fills the step sizes at the first step, with the lr a schedule has set by then
        size[...] = hp["lr"]
    np.multiply(g, prev, out=tmp)
    np.sign(tmp, out=tmp)
    flipped = tmp < 0
    factor = np.where(tmp > 0, etaplus, np.where(flipped, etaminus, 1.0))
    size *= factor
    np.clip(size, lo, hi, out=size)
    np.copyto(prev, g)
    prev[flipped] = 0
    np.sign(prev, out=tmp)
    tmp *= -1
    tmp *= size
    x += tmp


def _check_rprop(hp):
    lo, hi = hp["step_sizes"]
    if np.any(np.asarray(lo) > np.asarray(hi)):
        raise CoreError(N_("Invalid step_sizes: min {low} must not exceed max {high}"), low=str(lo), high=str(hi))


RPROP = OptimizerSpec(
    name="rprop",
    display_name="Rprop",
    year=1993,
    paper="Riedmiller & Braun, A direct adaptive method for faster backpropagation learning: the RPROP algorithm",
    paper_url="https://doi.org/10.1109/ICNN.1993.298623",
    rule_latex=r"\Delta_t = \begin{cases}\min(\eta_+\Delta_{t-1}, \Delta_{\max}) & g_t g_{t-1} > 0\\"
    r"\max(\eta_-\Delta_{t-1}, \Delta_{\min}) & g_t g_{t-1} < 0\\ \Delta_{t-1} & \text{else}\end{cases},\qquad"
    r"\theta_t = \theta_{t-1} - \operatorname{sign}(g_t)\,\Delta_t",
    intuition="Ignore the size of the gradient, use only its sign. Each coordinate has its own step, "
    "which grows by η₊ while the sign stays the same and shrinks by η₋ when it flips "
    "(a sign flip means the step jumped over the valley floor). Meant for full-batch problems "
    "like these landscapes.",
    try_this="Set etas to (0.5, 2.0): x's step doubles while the sign holds (0.1, 0.2, … 3.2), overshoots to x = 2.3,"
    " then halves at every flip; after 50 steps it is still at f ≈ 3.4, where (0.5, 1.2) reaches 1e-8.",
    hypers=(
        c.lr(1e-2, (1e-4, 2.0)),
        Hyper(
            "etas",
            (0.5, 1.2),
            (Interval(0.0, 1.0, False, False), Interval(1.0, low_closed=False)),
            ((0.05, 0.95), (1.01, 3.0)),
            kind="pair",
            labels=("η₋", "η₊"),
            help="Factors that shrink (η₋) or grow (η₊) each coordinate's step.",
        ),
        Hyper(
            "step_sizes",
            (1e-6, 50.0),
            (NONNEG, NONNEG),
            ((1e-8, 1.0), (0.01, 100.0)),
            log=(True, True),
            kind="pair",
            labels=("Δmin", "Δmax"),
            help="Smallest and largest allowed step per coordinate.",
        ),
    ),
    init=_rprop_init,
    step=_rprop_step,
    check=_check_rprop,
    state_labels={"step_size": "step size Δ", "prev": "previous gradient"},
    adaptive=True,
    demo={"lr": 0.1},
    torch_name="Rprop",
)


def _lion_init(x, hp):
    return {"exp_avg": np.zeros_like(x), "_tmp": np.empty_like(x)}


def _lion_step(x, g, s, t, hp):
    beta1, beta2 = hp["betas"]
    m, tmp = s["exp_avg"], s["_tmp"]
    decay_weights_(x, hp["lr"], hp["weight_decay"])
    np.multiply(m, beta1, out=tmp)
    tmp += (1 - beta1) * g
    np.sign(tmp, out=tmp)
    tmp *= -hp["lr"]
    x += tmp
    m *= beta2
    m += (1 - beta2) * g


LION = OptimizerSpec(
    name="lion",
    display_name="Lion",
    year=2023,
    paper="Chen et al., Symbolic Discovery of Optimization Algorithms",
    paper_url="https://arxiv.org/abs/2302.06675",
    rule_latex=r"c_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad \theta_t = \theta_{t-1} - \eta\,\bigl(\operatorname{sign}(c_t) + \lambda\theta_{t-1}\bigr),"
    r"\quad m_t = \beta_2 m_{t-1} + (1-\beta_2) g_t",
    intuition="Found by a program search: take only the sign of an interpolated momentum, so every "
    "coordinate moves exactly ±lr each step. Cheap and robust to gradient scale, but it "
    "never slows down by itself, so near a minimum it rattles around at amplitude lr.",
    try_this="Lower lr to 0.1: moving exactly lr per coordinate each step, it needs 60 steps just to reach y = 0. Raise"
    " steps to 200: after swinging past the minimum to x ≈ 2.4 (its memory β₂ = 0.99 is long), the path settles"
    " in the smaller box of ±0.1 around it and rattles there.",
    hypers=(c.lr(1e-4, (1e-4, 1.0)), c.betas((0.9, 0.99)), c.weight_decay()),
    init=_lion_init,
    step=_lion_step,
    state_labels={"exp_avg": "momentum m"},
    velocity="exp_avg",
    adaptive=False,
    demo={"lr": 0.35},  # off the lattice of the start (−4, −6): it rattles around the minimum within 50 steps
    torch_name="",
)
