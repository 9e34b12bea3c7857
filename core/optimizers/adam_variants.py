"""Adam's descendants of 2022–2024 that torch.optim lacks: AdEMAMix, ADOPT and Adan.

Each reproduces pytorch-optimizer's class of the same name (the pinned version in ``reference.py``):
its hyperparameter names and defaults, and its update order, so a run matches it to rounding
(``tests/test_pyopt_reference.py``). Their weight decay is pytorch-optimizer's: added to the gradient,
or with ``weight_decouple`` applied to the weights as AdamW does (``fixed_decay``: not scaled by lr).
"""

from __future__ import annotations

import math

import numpy as np

from ..hyper import NONNEG, POSITIVE, UNIT_OPEN, Hyper
from . import common as c
from .base import OptimizerSpec, lerp_
from .reference import pytorch_optimizer

_STATE = {
    "exp_avg": "first moment m",
    "exp_avg_sq": "second moment v",
    "exp_avg_slow": "slow momentum m₂",
    "exp_avg_diff": "momentum of gradient differences",
}

WEIGHT_DECOUPLE = Hyper(
    "weight_decouple",
    False,
    kind="bool",
    title="Decoupled weight decay",
    help="Shrink the weights directly, as AdamW does, instead of adding λθ to the gradient "
    "(pytorch-optimizer: `weight_decouple`).",
)
FIXED_DECAY = Hyper(
    "fixed_decay",
    False,
    kind="bool",
    help="With decoupled weight decay, shrink by (1 − λ) per step instead of (1 − ηλ).",
)


def _triple(default: tuple[float, float, float], labels: tuple[str, str, str], help: str) -> Hyper:
    """Three decay rates in one ``betas`` (AdEMAMix, Adan); only the first is tuned."""
    return Hyper(
        "betas",
        default,
        (UNIT_OPEN, UNIT_OPEN, UNIT_OPEN),  # type: ignore[arg-type]
        ((0.0, 0.999), (0.0, 0.9999), (0.0, 0.99999)),  # type: ignore[arg-type]
        kind="pair",
        labels=labels,
        tunable=True,
        help=help,
    )


def _is_zero(v) -> bool:
    return np.ndim(v) == 0 and v == 0


def _weight_decay(x, g, hp):
    """pytorch-optimizer's ``apply_weight_decay``: ``g + λx``, or ``x ← x(1 − ηλ)`` when decoupled."""
    wd = hp["weight_decay"]
    if _is_zero(wd):
        return g
    if hp["weight_decouple"]:
        x *= 1.0 - wd * (1.0 if hp.get("fixed_decay") else hp["lr"])
        return g
    g += wd * x
    return g


def _second_moment(v, g, beta2, tmp):
    """``v ← β₂ v + (1 − β₂) g²``."""
    v *= beta2
    np.multiply(g, 1 - beta2, out=tmp)
    tmp *= g
    v += tmp


# ----- AdEMAMix -------------------------------------------------------------------------------


def _ademamix_init(x, hp):
    return {
        "exp_avg": np.zeros_like(x),
        "exp_avg_sq": np.zeros_like(x),
        "exp_avg_slow": np.zeros_like(x),
        "_den": np.empty_like(x),
        "_tmp": np.empty_like(x),
        "_upd": np.empty_like(x),
    }


def ademamix_schedules(t: int, hp) -> tuple:
    """(α_t, β₃_t): warmed up over ``t_alpha_beta3`` steps (α linearly, β₃ in half-life), else constant."""
    beta1, _, beta3 = hp["betas"]
    alpha, horizon = hp["alpha"], hp["t_alpha_beta3"]
    if horizon is None:
        return alpha, beta3
    frac = t / np.asarray(horizon, dtype=float)
    alpha_t = np.minimum(t * alpha / horizon, alpha)
    lb1, lb3 = np.log(beta1), np.log(beta3)
    beta3_t = np.minimum(np.exp(lb1 * lb3 / ((1.0 - frac) * lb3 + frac * lb1)), beta3)
    return alpha_t, beta3_t


def _ademamix_step(x, g, s, t, hp):
    beta1, beta2, _ = hp["betas"]
    g = _weight_decay(x, g, hp)
    alpha_t, beta3_t = ademamix_schedules(t, hp)
    den, tmp, upd = s["_den"], s["_tmp"], s["_upd"]
    lerp_(s["exp_avg"], g, 1.0 - beta1, tmp)
    _second_moment(s["exp_avg_sq"], g, beta2, tmp)
    lerp_(s["exp_avg_slow"], g, 1.0 - beta3_t, tmp)
    np.sqrt(s["exp_avg_sq"], out=den)
    den /= np.sqrt(1.0 - beta2**t)
    den += hp["eps"]
    np.divide(s["exp_avg"], 1.0 - beta1**t, out=upd)
    np.multiply(s["exp_avg_slow"], alpha_t, out=tmp)
    upd += tmp
    upd /= den
    upd *= -hp["lr"]
    x += upd


ADEMAMIX = OptimizerSpec(
    name="ademamix",
    display_name="AdEMAMix",
    year=2024,
    paper="Pagliardini, Ablin & Grangier, The AdEMAMix Optimizer: Better, Faster, Older",
    paper_url="https://arxiv.org/abs/2409.03137",
    rule_latex=r"m_1 = \mathrm{lerp}(m_1, g_t, 1-\beta_1),\ m_2 = \mathrm{lerp}(m_2, g_t, 1-\beta_3),\ "
    r"v = \beta_2 v + (1-\beta_2) g_t^2,\quad"
    r"\theta_t = \theta_{t-1} - \eta\,\frac{m_1/(1-\beta_1^t) + \alpha\, m_2}{\sqrt{v/(1-\beta_2^t)} + \varepsilon}",
    intuition="Adam with a second, much slower momentum added on top: the fast average m₁ (β₁ = 0.9) "
    "follows the last ten or so gradients, the slow one m₂ (β₃ = 0.9999) remembers thousands, "
    "weighted α = 5 times more. Old gradients keep pushing in the direction they agreed on, "
    "while the fast momentum still reacts to the current slope. The slow momentum is not bias "
    "corrected: it starts near zero and builds up over about 1/(1 − β₃) steps, so over a short "
    "run AdEMAMix behaves like Adam until m₂ has grown.",
    try_this="Set α to 0: without the slow momentum AdEMAMix is exactly Adam (same path as the Adam page). "
    "Then lower β₃ from 0.9999 to 0.99: the slow momentum fills up within the run and, five times heavier than "
    "m₁, carries the point past the minimum to x ≈ 1.9 instead of 1.1; after 50 steps f ≈ 1.45 instead of 0.17.",
    hypers=(
        c.lr(1e-3),
        _triple(
            (0.9, 0.999, 0.9999),
            ("β₁", "β₂", "β₃"),
            "Decay rates of the fast momentum (β₁), the squared gradients (β₂) and the slow momentum (β₃).",
        ),
        Hyper(
            "alpha",
            5.0,
            NONNEG,
            (0.0, 20.0),
            symbol="α",
            tunable=True,
            help="Weight of the slow momentum relative to the fast one.",
        ),
        Hyper(
            "t_alpha_beta3",
            None,
            POSITIVE,
            (1.0, 10000.0),
            log=True,
            optional=True,
            help="Steps over which α and β₃ warm up from 0 and β₁ (None: no warm-up, the reference's default).",
        ),
        c.eps(1e-8),
        c.weight_decay(),
        WEIGHT_DECOUPLE,
        FIXED_DECAY,
    ),
    init=_ademamix_init,
    step=_ademamix_step,
    state_labels=_STATE,
    velocity="exp_avg",
    adaptive=True,
    demo={"lr": 0.4},
    reference=pytorch_optimizer("AdEMAMix"),
)


# ----- ADOPT ----------------------------------------------------------------------------------


def _adopt_init(x, hp):
    return {
        "exp_avg": np.zeros_like(x),
        "exp_avg_sq": np.zeros_like(x),
        "_normed": np.empty_like(x),
        "_tmp": np.empty_like(x),
    }


def _adopt_step(x, g, s, t, hp):
    beta1, beta2 = hp["betas"]
    g = _weight_decay(x, g, hp)
    v, normed, tmp = s["exp_avg_sq"], s["_normed"], s["_tmp"]
    if t == 1:  # the first gradient only seeds v
        np.multiply(g, g, out=tmp)
        v += tmp
        return
    np.sqrt(v, out=normed)
    np.maximum(normed, hp["eps"], out=normed)
    np.divide(g, normed, out=normed)
    clip = math.pow(t, 0.25)
    np.clip(normed, -clip, clip, out=normed)
    m = s["exp_avg"]
    lerp_(m, normed, 1.0 - beta1, tmp)
    np.multiply(m, hp["lr"], out=tmp)
    x -= tmp
    _second_moment(v, g, beta2, tmp)


ADOPT = OptimizerSpec(
    name="adopt",
    display_name="ADOPT",
    year=2024,
    paper="Taniguchi et al., ADOPT: Modified Adam Can Converge with Any β₂ with the Optimal Rate",
    paper_url="https://arxiv.org/abs/2411.02853",
    rule_latex=r"\tilde g_t = \mathrm{clip}\Bigl(\frac{g_t}{\max(\sqrt{v_{t-1}}, \varepsilon)},\ t^{1/4}\Bigr),\quad"
    r"m_t = \mathrm{lerp}(m_{t-1}, \tilde g_t, 1-\beta_1),\quad \theta_t = \theta_{t-1} - \eta\, m_t,\quad"
    r"v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2",
    intuition="Adam with two things swapped: the gradient is divided by the second moment of the "
    "previous steps (not including itself), and it is normalised before it enters the momentum "
    "instead of after. The current gradient then cannot shrink its own step, which is what lets "
    "Adam diverge on some problems for small β₂; ADOPT converges for any β₂. The first step only "
    "measures v, and normalised gradients are clipped to t^¼ while v is still unreliable.",
    try_this="Step 1 does not move the point: the first gradient only seeds v. m is not bias corrected, so step 2 "
    "is 0.1·lr per coordinate and steps grow towards lr. Lower β₂ from 0.9999 to 0.5: v follows the shrinking "
    "gradients, steps stay near lr close to the minimum, and f − f* ≤ 1e-3 comes in 44 steps (not within 50 before).",
    hypers=(
        c.lr(1e-3),
        c.betas((0.9, 0.9999)),
        c.eps(1e-6),
        c.weight_decay(),
        WEIGHT_DECOUPLE,
        FIXED_DECAY,
    ),
    init=_adopt_init,
    step=_adopt_step,
    state_labels=_STATE,
    velocity="exp_avg",
    adaptive=True,
    demo={"lr": 0.4},
    reference=pytorch_optimizer("ADOPT"),
)


# ----- Adan -----------------------------------------------------------------------------------


def _adan_init(x, hp):
    return {
        "exp_avg": np.zeros_like(x),
        "exp_avg_sq": np.zeros_like(x),
        "exp_avg_diff": np.zeros_like(x),
        "previous_grad": np.zeros_like(x),
        "_den": np.empty_like(x),
        "_tmp": np.empty_like(x),
    }


def adan_clip(g: np.ndarray, max_grad_norm, eps):
    """pytorch-optimizer's global-norm clipping factor per run, ``min(1, c / (‖g‖ + ε))``, computed in float32
    as it does (1 when ``max_grad_norm`` is 0)."""
    if _is_zero(max_grad_norm):
        return 1.0
    squared = np.square(np.sqrt(np.einsum("dn,dn->n", g, g)).astype(np.float32))
    norm32 = np.sqrt(squared) + np.float32(eps)
    return np.minimum(np.asarray(max_grad_norm, dtype=np.float32) / norm32, np.float32(1.0)).astype(np.float64)


def _adan_step(x, g, s, t, hp):
    beta1, beta2, beta3 = hp["betas"]
    lr, wd = hp["lr"], hp["weight_decay"]
    clip = adan_clip(g, hp["max_grad_norm"], hp["eps"])
    diff, den, tmp = s["previous_grad"], s["_den"], s["_tmp"]
    if t == 1:  # the reference starts from the negated first gradient: the first difference is 0
        np.multiply(g, clip, out=diff)
        np.negative(diff, out=diff)
    if not (np.ndim(clip) == 0 and clip == 1.0):
        g *= clip
    diff += g
    lerp_(s["exp_avg"], g, 1.0 - beta1, tmp)
    lerp_(s["exp_avg_diff"], diff, 1.0 - beta2, tmp)
    diff *= beta2
    diff += g
    _second_moment(s["exp_avg_sq"], diff, beta3, tmp)
    np.sqrt(s["exp_avg_sq"], out=den)
    den /= np.sqrt(1.0 - beta3**t)
    den += hp["eps"]
    decouple = hp["weight_decouple"]
    if decouple and not _is_zero(wd):
        x *= 1.0 - lr * wd
    np.divide(s["exp_avg"], den, out=tmp)
    tmp *= -lr / (1.0 - beta1**t)
    x += tmp
    np.divide(s["exp_avg_diff"], den, out=tmp)
    tmp *= -lr * beta2 / (1.0 - beta2**t)
    x += tmp
    if not decouple and not _is_zero(wd):
        x /= 1.0 + lr * wd
    np.negative(g, out=diff)


ADAN = OptimizerSpec(
    name="adan",
    display_name="Adan",
    year=2022,
    paper="Xie et al., Adan: Adaptive Nesterov Momentum Algorithm for Faster Optimizing Deep Models",
    paper_url="https://arxiv.org/abs/2208.06677",
    rule_latex=r"m = \mathrm{lerp}(m, g_t, 1-\beta_1),\ d = \mathrm{lerp}(d, g_t - g_{t-1}, 1-\beta_2),\ "
    r"n = \beta_3 n + (1-\beta_3)\bigl(g_t + \beta_2 (g_t - g_{t-1})\bigr)^2,\quad"
    r"\theta_t = \theta_{t-1} - \eta\,\frac{m/(1-\beta_1^t) + \beta_2\, d/(1-\beta_2^t)}{\sqrt{n/(1-\beta_3^t)} + \varepsilon}",
    intuition="Nesterov's look-ahead without computing a gradient at another point: the change of the "
    "gradient between two steps, g_t − g_{t−1}, estimates where the slope is heading, so Adan "
    "keeps a momentum of those differences beside the usual one and adds it to the step. The "
    "denominator averages the square of the look-ahead gradient g + β₂(g_t − g_{t−1}). Its "
    "default β₁ = 0.98 is a long memory; weight decay is a proximal step (divide by 1 + ηλ).",
    try_this="Lower β₁ from 0.98 to 0.9: the gradient momentum forgets faster, the swing past the minimum shrinks "
    "from x ≈ 1.7 to x ≈ 0.85, and f after 50 steps falls from about 2 to 0.12.",
    hypers=(
        c.lr(1e-3),
        _triple(
            (0.98, 0.92, 0.99),
            ("β₁", "β₂", "β₃"),
            "Decay rates of the gradient momentum (β₁), the momentum of gradient differences (β₂) "
            "and the squared look-ahead gradients (β₃).",
        ),
        c.eps(1e-8),
        c.weight_decay(),
        WEIGHT_DECOUPLE,
        Hyper(
            "max_grad_norm",
            0.0,
            NONNEG,
            (0.0, 10.0),
            help="Scale the gradient down to this norm when it is longer (0: no clipping).",
        ),
    ),
    init=_adan_init,
    step=_adan_step,
    state_labels=_STATE,
    velocity="exp_avg",
    adaptive=True,
    demo={"lr": 0.4},
    reference=pytorch_optimizer("Adan"),
)
