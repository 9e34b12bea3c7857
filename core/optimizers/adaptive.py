"""Per-coordinate adaptive step sizes as in torch.optim: Adagrad, RMSprop, Adadelta."""

from __future__ import annotations

import numpy as np

from ..hyper import NONNEG, UNIT_CLOSED, Hyper
from ..messages import N_, CoreError, Message
from . import common as c
from .base import OptimizerSpec, lerp_, weight_decayed


def _sqrt_eps(v: np.ndarray, eps, inside: bool, out: np.ndarray) -> np.ndarray:
    """``sqrt(v) + eps`` (torch) or ``sqrt(v + eps)`` (the article), into ``out``."""
    if inside:
        np.add(v, eps, out=out)
        return np.sqrt(out, out=out)
    np.sqrt(v, out=out)
    out += eps
    return out


def _adagrad_init(x, hp):
    return {"sum": np.full_like(x, hp["initial_accumulator_value"]), "_den": np.empty_like(x), "_tmp": np.empty_like(x)}


def _adagrad_step(x, g, s, t, hp):
    g = weight_decayed(x, g, hp["weight_decay"])
    clr = hp["lr"] / (1 + (t - 1) * hp["lr_decay"])
    tmp, den = s["_tmp"], s["_den"]
    np.multiply(g, g, out=tmp)
    s["sum"] += tmp
    _sqrt_eps(s["sum"], hp["eps"], hp["eps_inside_sqrt"], den)
    np.multiply(g, -clr, out=tmp)
    tmp /= den
    x += tmp


ADAGRAD = OptimizerSpec(
    name="adagrad",
    display_name="Adagrad",
    year=2011,
    paper="Duchi, Hazan & Singer, Adaptive Subgradient Methods for Online Learning and Stochastic Optimization",
    paper_url="https://jmlr.org/papers/v12/duchi11a.html",
    rule_latex=r"G_t = G_{t-1} + g_t^2,\qquad \theta_t = \theta_{t-1} - \frac{\eta}{\sqrt{G_t} + \varepsilon}\, g_t",
    intuition="Give every coordinate its own step size: divide by the root of the sum of all its past "
    "squared gradients. Steep directions get small steps, flat ones large steps, so the "
    "valley looks round. But the sum only grows, so the steps keep shrinking and it can stall.",
    try_this="At lr 0.4 Adagrad is still far from the minimum after 50 steps (f ≈ 7): each coordinate's step is lr "
    "divided by the root of its ever-growing sum of squared gradients. Raise lr to 2 and it reaches f − f* ≤"
    " 1e-3 in 20 steps.",
    hypers=(
        c.lr(1e-2),
        Hyper("lr_decay", 0.0, NONNEG, (0.0, 0.5), help="Learning rate decays as lr / (1 + (t−1)·lr_decay)."),
        c.weight_decay(),
        Hyper(
            "initial_accumulator_value",
            0.0,
            NONNEG,
            (0.0, 1.0),
            symbol="G₀",
            title="G₀ · initial sum",
            help="Starting value of the squared-gradient sum G (torch: `initial_accumulator_value`).",
        ),
        c.eps(1e-10),
        c.EPS_INSIDE_SQRT,
    ),
    init=_adagrad_init,
    step=_adagrad_step,
    state_labels={"sum": "sum of squared gradients G"},
    adaptive=True,
    demo={"lr": 0.4},
    torch_name="Adagrad",
)


def _rmsprop_init(x, hp):
    state = {"square_avg": np.zeros_like(x), "_den": np.empty_like(x), "_tmp": np.empty_like(x)}
    if hp["centered"]:
        state["grad_avg"] = np.zeros_like(x)
    if np.ndim(hp["momentum"]) > 0 or hp["momentum"] > 0:
        state["momentum_buffer"] = np.zeros_like(x)
    return state


# torch.optim.RMSprop raises KeyError('momentum_buffer') when a schedule turns momentum on after the first step.
RMSPROP_LATE_MOMENTUM = Message(
    N_(
        "RMSprop cannot turn momentum on after its first step (torch makes its momentum buffer only at the "
        "first step): let the schedule's momentum start above 0"
    )
)


def _rmsprop_step(x, g, s, t, hp):
    g = weight_decayed(x, g, hp["weight_decay"])
    alpha, tmp, den = hp["alpha"], s["_tmp"], s["_den"]
    sq = s["square_avg"]
    sq *= alpha
    np.multiply(g, 1 - alpha, out=tmp)
    tmp *= g
    sq += tmp
    if hp["centered"]:
        lerp_(s["grad_avg"], g, 1 - alpha, tmp)
        ga = s["grad_avg"]
        np.multiply(ga, ga, out=tmp)
        np.subtract(sq, tmp, out=tmp)
        _sqrt_eps(tmp, hp["eps"], hp["eps_inside_sqrt"], den)
    else:
        _sqrt_eps(sq, hp["eps"], hp["eps_inside_sqrt"], den)
    moving = np.ndim(hp["momentum"]) > 0 or hp["momentum"] > 0
    if t == 1:  # torch makes the momentum buffer at the first step, only if momentum is on then
        s["_momentum_from_start"] = moving
        if moving and "momentum_buffer" not in s:
            s["momentum_buffer"] = np.zeros_like(x)
    if moving:
        if not s["_momentum_from_start"]:
            raise CoreError(RMSPROP_LATE_MOMENTUM)
        buf = s["momentum_buffer"]
        buf *= hp["momentum"]
        np.divide(g, den, out=tmp)
        buf += tmp
        np.multiply(buf, -hp["lr"], out=tmp)
    else:
        np.multiply(g, -hp["lr"], out=tmp)
        tmp /= den
    x += tmp


RMSPROP = OptimizerSpec(
    name="rmsprop",
    display_name="RMSprop",
    year=2012,
    paper="Hinton, Srivastava & Swersky, Neural Networks for Machine Learning, lecture 6e",
    paper_url="https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf",
    rule_latex=r"v_t = \alpha\, v_{t-1} + (1-\alpha)\, g_t^2,\qquad \theta_t = \theta_{t-1} - \frac{\eta}{\sqrt{v_t} + \varepsilon}\, g_t",
    intuition="Adagrad with a memory that fades: divide by the root of a decaying average of squared "
    "gradients. Steps stay normalised per coordinate (each coordinate moves alike, whatever "
    "the size of its gradient) without shrinking forever: they shrink only while the gradient "
    "falls below its recent average, as it does near a minimum.",
    try_this="Watch the first step: 3.2·lr per coordinate, because the average starts at zero (step lr/√(1−α)). Lower"
    " alpha to 0.5: the average forgets fast and for 10 steps each coordinate moves 0.6–1.4·lr, like "
    "signSGD.",
    hypers=(
        c.lr(1e-2),
        Hyper(
            "alpha",
            0.99,
            UNIT_CLOSED,
            (0.0, 0.999),
            symbol="α",
            tunable=True,
            help="Decay rate of the squared-gradient average.",
        ),
        c.eps(1e-8),
        c.weight_decay(),
        c.momentum(0.0),
        c.flag("centered", False, "Divide by an estimate of the gradient's variance instead of its raw second moment."),
        c.EPS_INSIDE_SQRT,
    ),
    init=_rmsprop_init,
    step=_rmsprop_step,
    state_labels={
        "square_avg": "squared-gradient average v",
        "grad_avg": "gradient average",
        "momentum_buffer": "velocity",
    },
    velocity="momentum_buffer",
    adaptive=True,
    demo={"lr": 0.4, "alpha": 0.9},
    torch_name="RMSprop",
)


def _adadelta_init(x, hp):
    return {
        "square_avg": np.zeros_like(x),
        "acc_delta": np.zeros_like(x),
        "_den": np.empty_like(x),
        "_tmp": np.empty_like(x),
    }


def _adadelta_step(x, g, s, t, hp):
    g = weight_decayed(x, g, hp["weight_decay"])
    rho, eps, tmp, den = hp["rho"], hp["eps"], s["_tmp"], s["_den"]
    sq, acc = s["square_avg"], s["acc_delta"]
    sq *= rho
    np.multiply(g, 1 - rho, out=tmp)
    tmp *= g
    sq += tmp
    np.add(sq, eps, out=den)
    np.sqrt(den, out=den)
    np.add(acc, eps, out=tmp)
    np.sqrt(tmp, out=tmp)
    tmp /= den
    tmp *= g
    delta = tmp
    acc *= rho
    np.multiply(delta, 1 - rho, out=den)
    den *= delta
    acc += den
    np.multiply(delta, -hp["lr"], out=den)
    x += den


ADADELTA = OptimizerSpec(
    name="adadelta",
    display_name="Adadelta",
    year=2012,
    paper="Zeiler, ADADELTA: An Adaptive Learning Rate Method",
    paper_url="https://arxiv.org/abs/1212.5701",
    rule_latex=r"v_t = \rho v_{t-1} + (1-\rho) g_t^2,\quad \Delta_t = \frac{\sqrt{u_{t-1}+\varepsilon}}{\sqrt{v_t+\varepsilon}}\, g_t,"
    r"\quad u_t = \rho u_{t-1} + (1-\rho)\Delta_t^2,\quad \theta_t = \theta_{t-1} - \eta\,\Delta_t",
    intuition="RMSprop whose numerator is itself a running average of past step sizes, so the units "
    "of the update match the units of the parameters and no learning rate is needed in "
    "principle (torch keeps lr = 1 as a multiplier). The step-size average begins at zero, so ε "
    "alone sets the first steps, about √(ε/(1−ρ)) per coordinate: at torch's ε = 1e-6 it "
    "starts very slowly, which is why this page starts from ε = 0.01.",
    try_this="Lower eps to 1e-6 (torch's default): the first step shrinks 100-fold, because ε sets the initial step "
    "size √(ε/(1−ρ)), and after 50 steps the point has moved only about 0.3 instead of 7.",
    hypers=(
        c.lr(1.0, (1e-2, 50.0)),
        Hyper(
            "rho", 0.9, UNIT_CLOSED, (0.0, 0.999), symbol="ρ", tunable=True, help="Decay rate of both running averages."
        ),
        c.eps(1e-6),
        c.weight_decay(),
    ),
    init=_adadelta_init,
    step=_adadelta_step,
    state_labels={"square_avg": "squared-gradient average v", "acc_delta": "squared-update average u"},
    adaptive=True,
    demo={"lr": 1.0, "eps": 1e-2},
    torch_name="Adadelta",
)
