"""The Adam family as in torch.optim: Adam, AdamW, NAdam, RAdam, Adamax."""

from __future__ import annotations

import numpy as np

from ..hyper import NONNEG, Hyper
from . import common as c
from .base import OptimizerSpec, decay_weights_, lerp_, weight_decayed

_PAPER = "Kingma & Ba, Adam: A Method for Stochastic Optimization"
_PAPER_URL = "https://arxiv.org/abs/1412.6980"
_STATE = {
    "exp_avg": "first moment m",
    "exp_avg_sq": "second moment v",
    "max_exp_avg_sq": "max second moment (AMSGrad)",
    "exp_inf": "infinity norm u",
}


def _moments_init(x, hp):
    state = {
        "exp_avg": np.zeros_like(x),
        "exp_avg_sq": np.zeros_like(x),
        "_den": np.empty_like(x),
        "_tmp": np.empty_like(x),
    }
    if hp.get("amsgrad"):
        state["max_exp_avg_sq"] = np.zeros_like(x)
    return state


def _update_moments(g, s, beta1, beta2):
    """``m <- lerp(m, g, 1-β₁)`` and ``v <- β₂ v + (1-β₂) g²``, in torch's rounding order."""
    tmp = s["_tmp"]
    lerp_(s["exp_avg"], g, 1 - beta1, tmp)
    v = s["exp_avg_sq"]
    v *= beta2
    np.multiply(g, 1 - beta2, out=tmp)
    tmp *= g
    v += tmp


def _weight_decay(x, g, hp, decoupled):
    if decoupled:
        decay_weights_(x, hp["lr"], hp["weight_decay"])
        return g
    return weight_decayed(x, g, hp["weight_decay"])


def _adam_step(x, g, s, t, hp, decoupled=None):
    if decoupled is None:
        decoupled = hp.get("decoupled_weight_decay", False)
    g = _weight_decay(x, g, hp, decoupled)
    beta1, beta2 = hp["betas"]
    _update_moments(g, s, beta1, beta2)
    bc1 = 1 - beta1**t
    bc2 = 1 - beta2**t
    step_size = hp["lr"] / bc1
    v = s["exp_avg_sq"]
    if hp.get("amsgrad"):
        np.maximum(s["max_exp_avg_sq"], v, out=s["max_exp_avg_sq"])
        v = s["max_exp_avg_sq"]
    den, tmp = s["_den"], s["_tmp"]
    if hp.get("eps_inside_sqrt"):
        np.divide(v, bc2, out=den)
        den += hp["eps"]
        np.sqrt(den, out=den)
    else:
        # sqrt(v)/sqrt(bc2) + eps, with sqrt(bc2) moved into the step size: one pass fewer.
        bc2_sqrt = bc2**0.5
        np.sqrt(v, out=den)
        den += hp["eps"] * bc2_sqrt
        step_size = step_size * bc2_sqrt
    np.multiply(s["exp_avg"], -step_size, out=tmp)
    tmp /= den
    x += tmp


def _adamw_step(x, g, s, t, hp):
    _adam_step(x, g, s, t, hp, decoupled=True)


_ADAM_HYPERS = (c.lr(1e-3), c.betas(), c.eps(1e-8))
_AMSGRAD = c.flag(
    "amsgrad", False, "Divide by the largest second moment seen so far, so steps never grow back (AMSGrad)."
)

ADAM = OptimizerSpec(
    name="adam",
    display_name="Adam",
    year=2014,
    paper=_PAPER,
    paper_url=_PAPER_URL,
    rule_latex=r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\quad"
    r"\theta_t = \theta_{t-1} - \eta\,\frac{m_t/(1-\beta_1^t)}{\sqrt{v_t/(1-\beta_2^t)} + \varepsilon}",
    intuition="Momentum and RMSprop together: a running average of gradients (direction) divided by the "
    "root of a running average of squared gradients (scale), both corrected for starting at "
    "zero. Each coordinate moves about lr per step whatever the gradient's size, so it crosses "
    "the flat direction of a badly scaled valley fast, where gradient descent crawls; near the "
    "minimum the same momentum carries it past, so it may settle later.",
    try_this="Lower β₁ to 0.5: with less momentum Adam no longer swings past the minimum (to x ≈ 1.1 at 0.9) and "
    "reaches f − f* ≤ 1e-3 in 37 steps; at 0.9 it is still at f ≈ 0.19 after 50.",
    hypers=(*_ADAM_HYPERS, c.weight_decay(), _AMSGRAD, c.DECOUPLED_WEIGHT_DECAY, c.EPS_INSIDE_SQRT),
    init=_moments_init,
    step=_adam_step,
    state_labels=_STATE,
    velocity="exp_avg",
    adaptive=True,
    demo={"lr": 0.4},
    torch_name="Adam",
)

ADAMW = OptimizerSpec(
    name="adamw",
    display_name="AdamW",
    year=2017,
    paper="Loshchilov & Hutter, Decoupled Weight Decay Regularization",
    paper_url="https://arxiv.org/abs/1711.05101",
    rule_latex=r"\theta_{t-1} \leftarrow (1-\eta\lambda)\,\theta_{t-1},\qquad"
    r"\theta_t = \theta_{t-1} - \eta\,\frac{\hat m_t}{\sqrt{\hat v_t} + \varepsilon}",
    intuition="Adam with weight decay taken out of the gradient: the weights shrink by a factor "
    "(1 − lr·λ) each step instead of adding λθ to the gradient, so the decay is not "
    "rescaled by Adam's per-coordinate step sizes.",
    try_this="Raise weight_decay to 0.3: each step also shrinks θ by (1 − lr·λ), which pulls it into this bowl's "
    "minimum at the origin, f − f* ≤ 1e-3 in 44 steps. The same λ on the Adam page (added to the gradient) "
    "changes nothing visible: Adam's per-coordinate scaling cancels it.",
    hypers=(*_ADAM_HYPERS, c.weight_decay(0.01), _AMSGRAD),
    init=_moments_init,
    step=_adamw_step,
    state_labels=_STATE,
    velocity="exp_avg",
    adaptive=True,
    demo={"lr": 0.4},
    torch_name="AdamW",
)


def _nadam_init(x, hp):
    state = _moments_init(x, hp)
    state["mu_product"] = np.ones(np.broadcast(hp["betas"][0], hp["momentum_decay"]).shape)
    return state


def _nadam_step(x, g, s, t, hp):
    g = _weight_decay(x, g, hp, hp["decoupled_weight_decay"])
    beta1, beta2 = hp["betas"]
    lr, md = hp["lr"], hp["momentum_decay"]
    bc2 = 1 - beta2**t
    mu = beta1 * (1.0 - 0.5 * (0.96 ** (t * md)))
    mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * md)))
    s["mu_product"] *= mu
    mu_product = s["mu_product"]
    _update_moments(g, s, beta1, beta2)
    den, tmp = s["_den"], s["_tmp"]
    np.divide(s["exp_avg_sq"], bc2, out=den)
    np.sqrt(den, out=den)
    den += hp["eps"]
    mu_product_next = mu_product * mu_next
    np.multiply(g, -lr * (1.0 - mu) / (1.0 - mu_product), out=tmp)
    tmp /= den
    x += tmp
    np.multiply(s["exp_avg"], (-lr * mu_next) / (1.0 - mu_product_next), out=tmp)
    tmp /= den
    x += tmp


NADAM = OptimizerSpec(
    name="nadam",
    display_name="NAdam",
    year=2016,
    paper="Dozat, Incorporating Nesterov Momentum into Adam",
    paper_url="https://openreview.net/forum?id=OM0jvwB8jIp57ZJjtNEZ",
    rule_latex=r"\mu_t = \beta_1\bigl(1 - \tfrac12\, 0.96^{t\psi}\bigr),\quad"
    r"\theta_t = \theta_{t-1} - \eta\Bigl(\frac{(1-\mu_t)\, g_t}{1-\prod_{i\le t}\mu_i} + \frac{\mu_{t+1}\, m_t}{1-\prod_{i\le t+1}\mu_i}\Bigr)\Big/\bigl(\sqrt{\hat v_t} + \varepsilon\bigr)",
    intuition="Adam with Nesterov's look-ahead: the step mixes the current gradient with the momentum it "
    "is about to apply, so it reacts a step earlier to a change of slope. Its momentum warms "
    "up slowly (ψ): it starts at about β₁/2 and takes thousands of steps to approach β₁, so "
    "over a short run it swings past a minimum far less than Adam with the same β₁.",
    try_this="Compare with the Adam page (both at lr 0.4 on the quadratic): Adam swings past the minimum to x ≈ 1.1, "
    "NAdam only to x ≈ 0.27, and ends 10 times lower.",
    hypers=(
        *_ADAM_HYPERS,
        c.weight_decay(),
        Hyper(
            "momentum_decay",
            0.004,
            NONNEG,
            (0.0, 0.1),
            symbol="ψ",
            help="How fast the momentum coefficient warms up to β₁.",
        ),
        c.DECOUPLED_WEIGHT_DECAY,
    ),
    init=_nadam_init,
    step=_nadam_step,
    state_labels=_STATE,
    velocity="exp_avg",
    adaptive=True,
    demo={"lr": 0.4},
    torch_name="NAdam",
)


def _radam_step(x, g, s, t, hp):
    g = _weight_decay(x, g, hp, hp["decoupled_weight_decay"])
    beta1, beta2 = hp["betas"]
    lr, eps = hp["lr"], hp["eps"]
    _update_moments(g, s, beta1, beta2)
    bc1 = 1 - beta1**t
    bc2 = 1 - beta2**t
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * t * (beta2**t) / bc2
    den, tmp = s["_den"], s["_tmp"]
    np.divide(s["exp_avg"], bc1, out=tmp)
    tmp *= lr
    rect_on = rho_t > 5.0
    if np.any(rect_on):
        with np.errstate(invalid="ignore"):
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        np.sqrt(s["exp_avg_sq"], out=den)
        den += eps
        np.divide(bc2**0.5, den, out=den)
        if np.ndim(rect_on) == 0:
            tmp *= den
            tmp *= rect
        else:
            np.copyto(tmp, tmp * den * rect, where=rect_on)
    x -= tmp


RADAM = OptimizerSpec(
    name="radam",
    display_name="RAdam",
    year=2019,
    paper="Liu et al., On the Variance of the Adaptive Learning Rate and Beyond",
    paper_url="https://arxiv.org/abs/1908.03265",
    rule_latex=r"\rho_t = \rho_\infty - \frac{2t\beta_2^t}{1-\beta_2^t},\quad \theta_t = \theta_{t-1} - \eta\,\hat m_t \cdot"
    r"\begin{cases} r_t\,\dfrac{\sqrt{1-\beta_2^t}}{\sqrt{v_t}+\varepsilon} & \rho_t > 5\\ 1 & \text{otherwise}\end{cases}",
    intuition="Adam whose adaptive step is switched on only once the squared-gradient average has seen "
    "enough steps to be trusted (ρₜ > 5), and then scaled by a rectification term rₜ that starts "
    "small and grows towards 1: a built-in warm-up of the adaptive steps. Until then it takes "
    "plain momentum-SGD steps of lr·m̂, as large as the gradient is.",
    try_this="Look at the first 5 steps: they are SGD-with-momentum steps of size lr·|m̂|, then the adaptive rule kicks in.",
    hypers=(*_ADAM_HYPERS, c.weight_decay(), c.DECOUPLED_WEIGHT_DECAY),
    init=_moments_init,
    step=_radam_step,
    state_labels=_STATE,
    velocity="exp_avg",
    adaptive=True,
    demo={"lr": 0.1},
    torch_name="RAdam",
)


def _adamax_init(x, hp):
    return {"exp_avg": np.zeros_like(x), "exp_inf": np.zeros_like(x), "_tmp": np.empty_like(x)}


def _adamax_step(x, g, s, t, hp):
    g = weight_decayed(x, g, hp["weight_decay"])
    beta1, beta2 = hp["betas"]
    tmp, u = s["_tmp"], s["exp_inf"]
    lerp_(s["exp_avg"], g, 1 - beta1, tmp)
    u *= beta2
    np.abs(g, out=tmp)
    tmp += hp["eps"]
    np.maximum(u, tmp, out=u)
    clr = hp["lr"] / (1 - beta1**t)
    np.multiply(s["exp_avg"], -clr, out=tmp)
    tmp /= u
    x += tmp


ADAMAX = OptimizerSpec(
    name="adamax",
    display_name="Adamax",
    year=2014,
    paper=_PAPER + " (section 7.1)",
    paper_url=_PAPER_URL,
    rule_latex=r"u_t = \max(\beta_2 u_{t-1},\, |g_t| + \varepsilon),\qquad \theta_t = \theta_{t-1} - \frac{\eta}{1-\beta_1^t}\,\frac{m_t}{u_t}",
    intuition="Adam with the root-mean-square replaced by a decaying maximum of |g|. One large gradient "
    "sets the scale for a long time, so steps are steadier and never larger than about lr.",
    try_this="Watch u in the side panel: the first gradient sets u_y = 24 and it decays only by β₂ = 0.999 a step, so"
    " after 50 steps it is still 23 while |g_y| is about 1. Lower β₂ to 0.9 and u follows |g| down.",
    hypers=(c.lr(2e-3), c.betas(), c.eps(1e-8), c.weight_decay()),
    init=_adamax_init,
    step=_adamax_step,
    state_labels=_STATE,
    velocity="exp_avg",
    adaptive=True,
    demo={"lr": 0.4},
    torch_name="Adamax",
)
