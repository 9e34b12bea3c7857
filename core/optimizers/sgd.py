"""Stochastic gradient descent as torch.optim.SGD: plain, heavy-ball and Nesterov."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..hyper import UNIT_CLOSED, Hyper, Interval
from ..messages import N_, CoreError
from . import common as c
from .base import OptimizerSpec, weight_decayed


def _init(x, hp):
    state = {"_tmp": np.empty_like(x)}
    if "momentum" in hp:
        state["momentum_buffer"] = np.zeros_like(x)
        state["_unused"] = np.ones(x.shape[-1], dtype=bool)  # runs whose buffer torch has not made yet
    return state


def _step(x, g, s, t, hp):
    g = weight_decayed(x, g, hp["weight_decay"])
    mom = hp.get("momentum", 0.0)
    d = g
    if np.ndim(mom) > 0 or mom != 0:
        buf, unused = s["momentum_buffer"], s["_unused"]
        moving = np.asarray(mom) != 0
        damp = hp.get("dampening", 0.0)
        kept = buf.copy() if np.ndim(mom) > 0 and not moving.all() else None
        buf *= mom
        buf += g if np.ndim(damp) == 0 and damp == 0 else (1 - damp) * g
        # torch makes the buffer from the undamped gradient the first time momentum is non-zero
        first = unused & moving
        if first.any():
            if first.all():
                np.copyto(buf, g)
            else:
                buf[..., first] = g[..., first]
            unused &= ~first
        d = g + mom * buf if hp.get("nesterov") else buf
        if kept is not None:
            d = np.where(moving, d, g)
            buf[...] = np.where(moving, buf, kept)  # torch leaves the buffer alone while momentum is 0
    tmp = s["_tmp"]
    np.multiply(d, -hp["lr"], out=tmp)
    x += tmp


def _check_nesterov(hp):
    if not (np.all(np.asarray(hp["momentum"]) > 0) and np.all(np.asarray(hp["dampening"]) == 0)):
        raise CoreError(N_("Invalid nesterov setting: Nesterov momentum requires a momentum > 0 and zero dampening"))


_DAMPENING = Hyper(
    "dampening",
    0.0,
    UNIT_CLOSED,
    (0.0, 0.9),
    symbol="τ",
    help="Fraction of the new gradient that is damped out of the velocity.",
)
_SGD: dict[str, Any] = dict(init=_init, step=_step, torch_name="SGD")
# torch's SGD(momentum=0): fixed at 0 here, but a schedule with cycle_momentum sets it as torch does.
_NO_MOMENTUM = Hyper(
    "momentum",
    0.0,
    Interval(0.0, 0.0),
    (0.0, 0.0),
    shown=False,
    help="Always 0 for gradient descent, unless a schedule cycles it (as torch does).",
)

GD = OptimizerSpec(
    name="gd",
    display_name="Gradient descent",
    year=1847,
    paper="Cauchy, Méthode générale pour la résolution des systèmes d'équations simultanées",
    paper_url="https://gallica.bnf.fr/ark:/12148/bpt6k2982c/f540.item",
    rule_latex=r"\theta_{t} = \theta_{t-1} - \eta\, g_t,\qquad g_t = \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1}",
    intuition="Step straight downhill, a fixed multiple of the gradient. On a long narrow valley the "
    "gradient points mostly across the valley, so the path zig-zags between the walls and "
    "crawls along the floor; too large a step and it bounces out entirely.",
    try_this="On the quadratic, raise lr above 0.5 and watch the steep y direction diverge (the limit is 2/L = 0.5).",
    hypers=(c.lr(1e-3), c.weight_decay(), _NO_MOMENTUM),
    demo={"lr": 0.4},
    **_SGD,
)

MOMENTUM = OptimizerSpec(
    name="momentum",
    display_name="Momentum (heavy ball)",
    year=1964,
    paper="Polyak, Some methods of speeding up the convergence of iteration methods",
    paper_url="https://doi.org/10.1016/0041-5553(64)90137-5",
    rule_latex=r"v_t = \mu\, v_{t-1} + (1-\tau)\, g_t,\qquad \theta_t = \theta_{t-1} - \eta\, v_t",
    intuition="Keep a velocity: a running sum of past gradients. Components that keep pointing the "
    "same way (along the valley) add up and accelerate; components that flip sign (across "
    "the valley) partly cancel, so the path turns back across the valley less often.",
    try_this="Set momentum to 0 to get plain gradient descent back, then raise it towards 0.95 and watch the path overshoot and spiral.",
    hypers=(c.lr(1e-3), c.momentum(0.9), _DAMPENING, c.weight_decay()),
    state_labels={"momentum_buffer": "velocity v"},
    velocity="momentum_buffer",
    demo={"lr": 0.4, "momentum": 0.5},
    **_SGD,
)

NESTEROV = OptimizerSpec(
    name="nesterov",
    display_name="Nesterov momentum",
    year=1983,
    paper="Nesterov, A method for solving the convex programming problem with convergence rate O(1/k²)",
    paper_url="https://www.mathnet.ru/eng/dan46009",
    rule_latex=r"v_t = \mu\, v_{t-1} + g_t,\qquad \theta_t = \theta_{t-1} - \eta\,(g_t + \mu\, v_t)",
    intuition="Momentum that looks ahead: the step uses the gradient plus the velocity it is about to "
    "apply, so it brakes earlier when the slope turns: after a swing across the valley it "
    "settles faster than heavy ball at the same momentum. The look-ahead also makes the first "
    "step (1 + μ) times as large, so it needs a smaller lr.",
    try_this="Set lr to 0.4, Momentum's default: Nesterov's y coordinate diverges. Its look-ahead adds μ·v to the "
    "gradient, so at momentum 0.5 it is stable here only for lr < 0.375, heavy ball for lr < 0.75.",
    hypers=(
        c.lr(1e-3),
        c.momentum(0.9),
        Hyper("dampening", 0.0, UNIT_CLOSED, (0.0, 0.0), shown=False, help="Must be 0 for Nesterov."),
        c.weight_decay(),
        Hyper("nesterov", True, kind="bool", shown=False, help="Always on for this optimizer."),
    ),
    state_labels={"momentum_buffer": "velocity v"},
    velocity="momentum_buffer",
    demo={"lr": 0.3, "momentum": 0.5},
    check=_check_nesterov,
    **_SGD,
)
