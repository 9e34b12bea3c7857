"""Prodigy (Mishchenko & Defazio 2023), as the authors' ``prodigyopt`` 1.1.2 package runs it.

Adam whose step size ``d·lr`` is learned: ``d`` estimates the distance from the start to the
solution, from how much the gradients have pointed back towards the start. The reference keeps
``d`` (and its running sums) once per parameter group, shared by all parameters; here that is once
per run of the batch (a network's parameters are one group), so each run learns its own ``d``.
``d`` is recorded as a state buffer with the point's shape (every coordinate holds the run's ``d``),
so pages can plot it like the other buffers. ``slice_p`` and ``fsdp_in_use`` (memory and sharding
options) are left out: every entry counts, as with ``slice_p=1``.
"""

from __future__ import annotations

import numpy as np

from ..hyper import NONNEG, POSITIVE, Hyper, Interval
from . import common as c
from .base import OptimizerSpec
from .reference import prodigyopt


def _init(x, hp):
    n = x.shape[1]
    d0 = np.broadcast_to(hp["d0"], (n,)).astype(float)
    return {
        "exp_avg": np.zeros_like(x),
        "exp_avg_sq": np.zeros_like(x),
        "s": np.zeros_like(x),
        "_p0": x.copy(),
        "d": np.broadcast_to(d0, x.shape).copy(),
        "_d": d0.copy(),
        "_d_max": d0.copy(),
        "_d_numerator": np.zeros(n),
        "_k": np.zeros(n),
        "_tmp": np.empty_like(x),
        "_den": np.empty_like(x),
    }


def _step(p, g, s, t, hp):
    beta1, beta2 = hp["betas"]
    beta3 = np.sqrt(beta2) if hp["beta3"] is None else hp["beta3"]
    growth = hp["growth_rate"]
    lr, eps, decay, d0, d_coef = hp["lr"], hp["eps"], hp["weight_decay"], hp["d0"], hp["d_coef"]
    decouple = hp["decouple"]
    d, d_max, k = s["_d"], s["_d_max"], s["_k"]
    exp_avg, exp_avg_sq, acc, p0, tmp, den = s["exp_avg"], s["exp_avg_sq"], s["s"], s["_p0"], s["_tmp"], s["_den"]
    n = p.shape[1]
    on = hp["use_bias_correction"]
    bias_correction = ((1 - beta2 ** (k + 1)) ** 0.5) / (1 - beta1 ** (k + 1)) if on else 1.0
    dlr = d * lr * bias_correction
    d_numerator = s["_d_numerator"] * beta3
    wd_on = np.ndim(decay) or decay != 0
    if wd_on and not decouple:
        np.multiply(p, decay, out=tmp)
        g += tmp
    active = np.broadcast_to(np.asarray(lr) > 0.0, (n,))
    ratio = d / d0
    np.subtract(p0, p, out=tmp)
    delta_numerator = ratio * dlr * np.einsum("in,in->n", g, tmp)

    # The reference skips these updates when lr is 0 (a schedule's end): kept columns are restored after.
    kept = None if active.all() else [a.copy() for a in (exp_avg, exp_avg_sq, acc)]
    exp_avg *= beta1
    np.multiply(g, d * (1 - beta1), out=tmp)
    exp_avg += tmp
    exp_avg_sq *= beta2
    np.multiply(g, d * d * (1 - beta2), out=tmp)
    tmp *= g
    exp_avg_sq += tmp
    acc *= beta3
    np.multiply(g, ratio * (d if hp["safeguard_warmup"] else dlr), out=tmp)
    acc += tmp
    if kept is not None:
        for a, old in zip((exp_avg, exp_avg_sq, acc), kept, strict=True):
            np.copyto(a, old, where=~active)
    np.abs(acc, out=tmp)
    d_denom = np.where(active, tmp.sum(axis=0), 0.0)
    # The reference returns before the step when d_denom is 0 (no gradient yet): nothing else changes.
    live = d_denom != 0
    with np.errstate(divide="ignore", invalid="ignore"):
        global_numerator = d_numerator + delta_numerator
        d_hat = d_coef * global_numerator / d_denom
    new_d = np.where(d == d0, np.maximum(d, d_hat), d)
    new_d_max = np.maximum(d_max, d_hat)
    new_d = new_d_max if hp["growth_rate"] is None else np.minimum(new_d_max, new_d * growth)  # min(m, d·inf) = m
    np.copyto(s["_d_numerator"], global_numerator, where=live)
    np.copyto(d_max, new_d_max, where=live)
    np.copyto(d, new_d, where=live)
    np.copyto(s["d"], d)  # broadcast to the point's shape, recorded
    np.sqrt(exp_avg_sq, out=den)
    den += d * eps
    if not live.all():
        dlr = np.where(live, dlr, 0.0)
    if wd_on and decouple:
        np.multiply(p, -decay * dlr, out=tmp)
        p += tmp
    if np.ndim(beta1) == 0 and beta1 > 0:
        np.multiply(exp_avg, -dlr, out=tmp)
    elif np.ndim(beta1) == 0:
        np.multiply(g, -dlr * d, out=tmp)
    else:
        np.multiply(np.where(beta1 > 0, exp_avg, g * d), -dlr, out=tmp)
    tmp /= den
    p += tmp
    k += live


_BETA = Interval(0.0, 1.0, high_closed=False)

PRODIGY = OptimizerSpec(
    name="prodigy",
    display_name="Prodigy",
    year=2023,
    paper="Mishchenko & Defazio, Prodigy: An Expeditiously Adaptive Parameter-Free Learner",
    paper_url="https://arxiv.org/abs/2306.06101",
    rule_latex=r"r_t = \beta_3 r_{t-1} + \tfrac{d_t}{d_0}\,\eta d_t\,\langle g_t, x_0 - x_t\rangle,\quad "
    r"s_t = \beta_3 s_{t-1} + \tfrac{d_t}{d_0}\,\eta d_t\, g_t,\quad "
    r"d_{t+1} = \max\Bigl(d_t, \frac{r_t}{\lVert s_t\rVert_1}\Bigr),\quad "
    r"m_t = \beta_1 m_{t-1} + (1-\beta_1) d_t g_t,\ "
    r"v_t = \beta_2 v_{t-1} + (1-\beta_2) d_t^2 g_t^2,\quad "
    r"x_{t+1} = x_t - \eta d_t\,\frac{m_t}{\sqrt{v_t} + d_{t+1}\varepsilon}",
    intuition="Adam without a learning rate to tune: the step size d·lr is learned. d estimates how far "
    "the start is from the solution, from how much the gradients have pointed back towards the start; it "
    "starts tiny (d0 = 1e-6), grows fast while they do, and never shrinks. lr stays at 1 and only scales "
    "the estimate. The side panel shows d at every step.",
    try_this="Watch d in the side panel: from d0 = 1e-6 it grows about 2.6 times a step, passes 1 at step 16 and "
    "stops at 2.74, the order of the start's distance to the minimum (7.2). Raise d0 to 1e-3: d passes 1 at step 9, "
    "so a guess a thousand times better saves only 7 steps.",
    hypers=(
        Hyper(
            "lr",
            1.0,
            POSITIVE,
            (0.01, 10.0),
            log=True,
            symbol="η",
            tunable=True,
            help="Multiplies the learned step size d; leave it at 1 unless runs are unstable.",
        ),
        Hyper(
            "betas",
            (0.9, 0.999),
            (_BETA, _BETA),
            ((0.0, 0.999), (0.0, 0.9999)),
            kind="pair",
            labels=("β₁", "β₂"),
            help="Decay rates of the running averages of the gradient (β₁) and its square (β₂).",
        ),
        Hyper(
            "beta3",
            None,
            _BETA,
            (0.0, 0.999),
            optional=True,
            symbol="β₃",
            help="Decay of the sums that estimate d (None: √β₂).",
        ),
        Hyper("eps", 1e-8, POSITIVE, (1e-12, 1e-1), log=True, symbol="ε", help="Added to the denominator, times d."),
        c.weight_decay(),
        Hyper("decouple", True, kind="bool", help="Decoupled weight decay, as AdamW (else added to the gradient)."),
        Hyper("use_bias_correction", False, kind="bool", help="Adam's bias correction of the step size."),
        Hyper(
            "safeguard_warmup",
            False,
            kind="bool",
            help="Leave lr out of the denominator of the estimate of d, to avoid trouble during a warm-up.",
        ),
        Hyper(
            "d0",
            1e-6,
            POSITIVE,
            (1e-8, 1e-1),
            log=True,
            symbol="d₀",
            help="Initial estimate of the distance to the solution; rarely needs changing.",
        ),
        Hyper(
            "d_coef",
            1.0,
            NONNEG,
            (0.1, 10.0),
            log=True,
            tunable=True,
            help="Multiplies the estimate of d: the preferred way to tune Prodigy (0.5 and 2 also work).",
        ),
        Hyper(
            "growth_rate",
            None,
            Interval(1.0),
            (1.0, 2.0),
            optional=True,
            help="Largest factor by which d may grow in one step (None: unrestricted, the reference's inf).",
        ),
    ),
    init=_init,
    step=_step,
    state_labels={"d": "distance estimate d", "exp_avg": "first moment m", "exp_avg_sq": "second moment v"},
    velocity="exp_avg",
    adaptive=True,
    reference=prodigyopt("Prodigy"),
)
