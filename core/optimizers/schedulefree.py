"""Schedule-Free AdamW and SGD (Defazio et al. 2024), as the authors' ``schedulefree`` 1.4.1 package runs them.

The reference classes ``AdamWScheduleFree`` and ``SGDScheduleFree`` keep two sequences: ``z``, the
plain (Adam or SGD) iterate, and ``x``, a weighted average of the ``z``s; the gradient is taken at
``y = lerp(z, x, β)``, which is what torch's parameter ``p`` holds in train mode. So here too the
trajectory's points are ``y``; the averaged point ``x``, which ``optimizer.eval()`` would put in ``p``
(``lerp(y, z, 1 - 1/β)``, the same formula), is the state buffer ``x`` (``record_state=True``), next
to ``z``. Per-run scalars (``lr_max``, ``weight_sum``) are kept as the reference keeps them per
group, so a learning-rate schedule and warm-up weigh the average exactly as there.
"""

from __future__ import annotations

import numpy as np

from ..hyper import NONNEG, Hyper, Interval
from . import common as c
from .base import OptimizerSpec, lerp_
from .reference import schedulefree

_PAPER = "Defazio et al., The Road Less Scheduled"
_PAPER_URL = "https://arxiv.org/abs/2405.15682"
_OPEN_UNIT = Interval(0.0, 1.0, low_closed=False, high_closed=False)  # x = lerp(y, z, 1 - 1/β) needs 0 < β < 1
_STATE = {
    "x": "averaged point x (eval mode)",
    "z": "base iterate z",
    "exp_avg_sq": "second moment v",
}


def _warmup_steps() -> Hyper:
    return Hyper(
        "warmup_steps",
        0,
        Interval(0.0),
        (0, 100),
        kind="int",
        help="Raise the learning rate linearly from lr/warmup_steps to lr over this many steps.",
    )


def _r() -> Hyper:
    return Hyper(
        "r",
        0.0,
        NONNEG,
        (0.0, 4.0),
        help="Weigh the average polynomially: step t counts t^r times as much (0: a plain average).",
    )


def _weight_lr_power() -> Hyper:
    return Hyper(
        "weight_lr_power",
        2.0,
        NONNEG,
        (0.0, 4.0),
        help="Weigh each step in the average by the largest lr so far to this power, so warm-up steps count less.",
    )


def _init(x, hp, second_moment: bool):
    # One lr_max and weight sum per run, or a single one when no hyperparameter varies across the batch.
    shape = np.broadcast(hp["lr"], hp["r"], hp["weight_lr_power"]).shape
    state = {
        "z": x.copy(),
        "x": x.copy(),
        "lr_max": np.full(shape, -1.0),
        "weight_sum": np.zeros(shape),
        "_tmp": np.empty_like(x),
    }
    if second_moment:
        state["exp_avg_sq"] = np.zeros_like(x)
        state["_den"] = np.empty_like(x)
    return state


def _average_weight(s, t, hp):
    """The scheduled lr and the averaging weight ``ckp1`` of step ``t``, updating ``lr_max`` and ``weight_sum``."""
    k = t - 1
    warmup = hp["warmup_steps"]
    sched = (k + 1) / warmup if k < warmup else 1.0
    lr = hp["lr"] * sched
    s["lr_max"] = lr_max = np.maximum(s["lr_max"], lr)  # reassigned: a schedule may make lr per-run
    weight = ((k + 1) ** hp["r"]) * (lr_max ** hp["weight_lr_power"])
    s["weight_sum"] = weight_sum = s["weight_sum"] + weight
    if np.ndim(weight_sum) == 0:
        return lr, (float(weight / weight_sum) if weight_sum != 0 else 0.0)  # the reference's ZeroDivisionError
    with np.errstate(divide="ignore", invalid="ignore"):
        return lr, np.where(weight_sum != 0, weight / weight_sum, 0.0)


def _move(y, grad, s, lr, ckp1, beta):
    """The reference's in-place update of ``y`` and ``z`` from the (normalised) gradient, then ``x`` as eval has it."""
    z, tmp = s["z"], s["_tmp"]
    lerp_(y, z, ckp1, tmp)
    np.multiply(grad, lr * (beta * (1 - ckp1) - 1), out=tmp)
    y += tmp
    np.multiply(grad, lr, out=tmp)
    z -= tmp
    # x = lerp(y, z, 1 - 1/β), torch's formula for each branch, written straight into x (no copy of y first).
    w = 1 - 1 / beta
    np.subtract(z, y, out=tmp)
    if np.ndim(w) == 0 and abs(w) < 0.5:
        tmp *= w
        np.add(y, tmp, out=s["x"])
    elif np.ndim(w) == 0:
        tmp *= 1 - w
        np.subtract(z, tmp, out=s["x"])
    else:
        np.copyto(s["x"], y)
        lerp_(s["x"], z, w, tmp)


def _adamw_init(x, hp):
    return _init(x, hp, second_moment=True)


def _adamw_step(y, g, s, t, hp):
    beta1, beta2 = hp["betas"]
    lr, ckp1 = _average_weight(s, t, hp)
    v, den, tmp = s["exp_avg_sq"], s["_den"], s["_tmp"]
    v *= beta2
    np.multiply(g, 1 - beta2, out=tmp)
    tmp *= g
    v += tmp
    np.divide(v, 1 - beta2**t, out=den)
    np.sqrt(den, out=den)
    den += hp["eps"]
    g /= den
    decay = hp["weight_decay"]
    if np.ndim(decay) or decay != 0:
        np.multiply(y, decay, out=tmp)
        g += tmp
    _move(y, g, s, lr, ckp1, beta1)


def _sgd_init(x, hp):
    return _init(x, hp, second_moment=False)


def _sgd_step(y, g, s, t, hp):
    lr, ckp1 = _average_weight(s, t, hp)
    decay = hp["weight_decay"]
    if np.ndim(decay) or decay != 0:
        np.multiply(y, decay, out=s["_tmp"])
        g += s["_tmp"]
    _move(y, g, s, lr, ckp1, hp["momentum"])


_AVERAGE_LATEX = (
    r"c_{t+1} = \frac{(t+1)^r\,\eta_{\max}^{p}}{\sum_{i\le t+1} (i)^r\,\eta_{\max,i}^{p}},\quad "
    r"y_t = (1-\beta)\,z_t + \beta\,x_t,\quad "
)
_XZ_LATEX = r"z_{t+1} = z_t - \eta\,u_t,\quad x_{t+1} = (1-c_{t+1})\,x_t + c_{t+1}\,z_{t+1}"

SCHEDULEFREE_ADAMW = OptimizerSpec(
    name="schedulefree_adamw",
    display_name="Schedule-Free AdamW",
    year=2024,
    paper=_PAPER,
    paper_url=_PAPER_URL,
    rule_latex=_AVERAGE_LATEX
    + r"u_t = \frac{g(y_t)}{\sqrt{v_t/(1-\beta_2^{t+1})} + \varepsilon} + \lambda y_t,\quad "
    + _XZ_LATEX,
    intuition="Instead of decaying the learning rate on a schedule, keep a running average x of the "
    "Adam-like iterates z and evaluate that: at a constant lr, x after t steps is the plain mean of z₁ … zₜ, "
    "which does what a decaying schedule does without knowing the run's length. The gradient is taken at "
    "y = (1 − β₁)·z + β₁·x, between the two, which acts as momentum. The path drawn is y (torch's "
    "parameter in train mode); x, the point you would evaluate, and z are in the side panel at every step.",
    try_this="Set warmup_steps to 20: the first step is 20 times shorter (lr rises from lr/20 = 0.02), the path "
    "swings past the minimum less (to x ≈ 0.26 instead of 0.38) and ends at f ≈ 0.07 instead of 0.36.",
    hypers=(
        c.lr(0.0025, (1e-4, 2.0)),
        Hyper(
            "betas",
            (0.9, 0.999),
            (_OPEN_UNIT, Interval(0.0, 1.0, high_closed=False)),
            ((0.01, 0.99), (0.0, 0.9999)),
            kind="pair",
            labels=("β₁", "β₂"),
            tunable=True,
            help="β₁: where the gradient is taken, between z (0) and the average x (1); β₂: decay of the squared "
            "gradient's average.",
        ),
        c.eps(1e-8),
        c.weight_decay(),
        _warmup_steps(),
        _r(),
        _weight_lr_power(),
    ),
    init=_adamw_init,
    step=_adamw_step,
    state_labels=_STATE,
    adaptive=True,
    demo={"lr": 0.4},
    reference=schedulefree("AdamWScheduleFree"),
)

SCHEDULEFREE_SGD = OptimizerSpec(
    name="schedulefree_sgd",
    display_name="Schedule-Free SGD",
    year=2024,
    paper=_PAPER,
    paper_url=_PAPER_URL,
    rule_latex=_AVERAGE_LATEX + r"u_t = g(y_t) + \lambda y_t,\quad " + _XZ_LATEX,
    intuition="Gradient descent on z, and a running average x of all the z's as the answer: at a constant "
    "lr, x after t steps is the plain mean of z₁ … zₜ, so across the steep direction it swings far less than "
    "z, the zig-zag a decaying learning rate would otherwise have to damp. The gradient is taken at "
    "y = (1 − β)·z + β·x, between the two, which acts like momentum. The path drawn is y (torch's parameter "
    "in train mode); x, the point you would evaluate, and z are in the side panel at every step.",
    try_this="Slide to step 50: the averaged point x in the side panel, (−0.02, −0.001), is closer to the minimum "
    "than the path's end y, (0.10, −0.003). Lower momentum to 0.5: y gets to (0.01, 0), but x, the plain mean of "
    "every z since the start, is still at (−0.50, 0).",
    hypers=(
        c.lr(1.0, (1e-4, 2.0)),
        Hyper(
            "momentum",
            0.9,
            _OPEN_UNIT,
            (0.01, 0.99),
            symbol="β",
            tunable=True,
            help="Where the gradient is taken, between z (0) and the average x (1); strictly between 0 and 1.",
        ),
        c.weight_decay(),
        _warmup_steps(),
        _r(),
        _weight_lr_power(),
    ),
    init=_sgd_init,
    step=_sgd_step,
    state_labels={"x": _STATE["x"], "z": _STATE["z"]},
    demo={"lr": 0.4},
    reference=schedulefree("SGDScheduleFree"),
)
