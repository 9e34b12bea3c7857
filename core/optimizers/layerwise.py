"""Optimizers that act on whole parameter tensors, as pytorch-optimizer ships them: LAMB and SOAP.

LAMB scales each tensor's Adam step by a trust ratio ‖W‖/‖update‖; SOAP runs Adam in the eigenbasis
of Shampoo's two preconditioners of each weight matrix. Both need the parameter ``layout`` of a network
(``LayoutSpec``), like Muon and Adafactor, and the 2-D pages do not offer them. They reproduce
pytorch-optimizer's ``Lamb`` and ``SOAP`` (version pinned in ``reference.py``) in float64; see
``tests/test_pyopt_reference.py`` for how closely and where SOAP's reference rounds to float32.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..hyper import Hyper, Interval
from ..messages import N_, CoreError
from . import common as c
from .adam_variants import WEIGHT_DECOUPLE
from .base import lerp_
from .network import LayoutSpec, _view
from .reference import pytorch_optimizer

LAMB_WEIGHT_NORM_CLAMP = 10.0  # pytorch-optimizer's Lamb.clamp: ‖W‖ counts at most this much


def _norms(a: np.ndarray) -> np.ndarray:
    """The Euclidean norm of each run's slice ``(k, N) -> (N,)``."""
    return np.sqrt(np.einsum("kn,kn->n", a, a))


# ----- LAMB -----------------------------------------------------------------------------------


def _lamb_init(x, hp, *, layout):
    return {
        "exp_avg": np.zeros_like(x),
        "exp_avg_sq": np.zeros_like(x),
        "_upd": np.empty_like(x),
        "_tmp": np.empty_like(x),
        "_layout": layout,
    }


def _lamb_step(x, g, s, t, hp):
    beta1, beta2 = hp["betas"]
    lr, wd, eps = hp["lr"], hp["weight_decay"], hp["eps"]
    m, v, upd, tmp = s["exp_avg"], s["exp_avg_sq"], s["_upd"], s["_tmp"]
    m *= beta1
    np.multiply(g, 1.0 - beta1 if hp["grad_averaging"] else 1.0, out=tmp)
    m += tmp
    v *= beta2
    np.multiply(g, 1.0 - beta2, out=tmp)
    tmp *= g
    v += tmp
    has_wd = not (np.ndim(wd) == 0 and wd == 0)
    if hp["weight_decouple"] and has_wd:
        x *= 1.0 - wd * lr
    np.sqrt(v, out=upd)
    upd += eps
    np.divide(m, upd, out=upd)
    if not hp["weight_decouple"] and has_wd:
        upd += wd * x
    if not hp["adam"]:
        for b in s["_layout"]:
            w_norm = np.minimum(_norms(x[b.slice]), LAMB_WEIGHT_NORM_CLAMP)
            u_norm = _norms(upd[b.slice])
            with np.errstate(divide="ignore", invalid="ignore"):
                trust = np.where((w_norm != 0) & (u_norm != 0), w_norm / (u_norm + eps), 1.0)
            upd[b.slice] *= trust
    upd *= -lr / (1.0 - beta1**t)
    x += upd


LAMB = LayoutSpec(
    name="lamb",
    display_name="LAMB",
    year=2019,
    paper="You et al., Large Batch Optimization for Deep Learning: Training BERT in 76 minutes",
    paper_url="https://arxiv.org/abs/1904.00962",
    rule_latex=r"u = \frac{m_t}{\sqrt{v_t} + \varepsilon} \;(+\lambda W),\quad"
    r"W_t = W_{t-1} - \frac{\eta}{1-\beta_1^t}\,\frac{\min(\lVert W_{t-1}\rVert, 10)}{\lVert u\rVert + \varepsilon}\, u"
    r"\quad\text{for each tensor } W",
    intuition="Adam's step, rescaled tensor by tensor: each weight matrix and bias moves by the same "
    "fraction of its own size, the trust ratio ‖W‖/‖update‖. A layer with small weights takes "
    "small steps and one with large weights large ones, so a single learning rate suits every "
    "layer, which is what let BERT train with batches of 64k. Only the first moment is bias "
    "corrected, as in the reference.",
    try_this="Turn on `adam`: the trust ratio is dropped and every tensor takes Adam's step, about lr per "
    "coordinate whatever the size of its weights; with it on, a tensor moves by about lr times its own norm.",
    hypers=(
        c.lr(1e-3, (1e-4, 1.0)),
        c.betas(),
        c.eps(1e-6),
        c.weight_decay(),
        Hyper(
            "weight_decouple",
            True,
            kind="bool",
            title="Decoupled weight decay",
            help=WEIGHT_DECOUPLE.help,
        ),
        Hyper(
            "grad_averaging",
            True,
            kind="bool",
            help="Scale the gradient by (1 − β₁) as it enters the momentum (off: add it whole).",
        ),
        Hyper("adam", False, kind="bool", help="Drop the trust ratio: plain Adam steps, as a baseline."),
    ),
    init=_lamb_init,  # type: ignore[arg-type]  # bind() supplies the layout
    step=_lamb_step,
    state_labels={"exp_avg": "first moment m", "exp_avg_sq": "second moment v"},
    velocity="exp_avg",
    adaptive=True,
    demo={"lr": 0.05},
    reference=pytorch_optimizer("Lamb"),
)


# ----- SOAP -----------------------------------------------------------------------------------


def _batch(a: np.ndarray, block: Any) -> np.ndarray:
    """Block ``block`` of a ``(D, N)`` array as ``(N, *shape)`` (a view)."""
    return np.moveaxis(_view(a, block), -1, 0)


def _eigenbasis(gg: np.ndarray) -> np.ndarray:
    """Eigenvectors of a batch of symmetric matrices, largest eigenvalue first (the reference's ``eigh`` + flip)."""
    eye = np.eye(gg.shape[-1])
    return np.linalg.eigh(gg + 1e-30 * eye)[1][..., ::-1]


def _run(v: Any) -> Any:
    """A per-run hyperparameter ``(N,)`` shaped to broadcast over ``(N, rows, cols)``."""
    return v[:, None, None] if np.ndim(v) else v


def _soap_init(x, hp, *, layout):
    n = x.shape[1]
    state: dict[str, Any] = {"exp_avg": np.zeros_like(x), "exp_avg_sq": np.zeros_like(x), "_layout": layout}
    for b in layout:
        if b.is_matrix:
            rows, cols = b.shape
            state[f"_GL.{b.name}"] = np.zeros((n, rows, rows))
            state[f"_GR.{b.name}"] = np.zeros((n, cols, cols))
    return state


def _accumulate(s, b, grad, shampoo_beta) -> None:
    """Shampoo's statistics ``L ← lerp(L, G Gᵀ, 1 − β)``, ``R ← lerp(R, Gᵀ G, 1 − β)``."""
    gl, gr = s[f"_GL.{b.name}"], s[f"_GR.{b.name}"]
    gt = np.swapaxes(grad, -1, -2)
    w = 1.0 - _run(shampoo_beta)
    lerp_(gl, grad @ gt, w, np.empty_like(gl))
    lerp_(gr, gt @ grad, w, np.empty_like(gr))


def _refresh_basis(s, b) -> None:
    """One power-iteration + QR step per side (the reference's ``get_orthogonal_matrix_qr``), reordering v."""
    v = _batch(s["exp_avg_sq"], b)
    for axis, side in ((1, "L"), (2, "R")):
        gg, q = s[f"_G{side}.{b.name}"], s[f"_Q{side}.{b.name}"]
        product = gg @ q
        estimate = np.einsum("nij,nij->nj", q, product)
        order = np.argsort(-estimate, axis=-1, kind="stable")
        shape = [order.shape[0], 1, 1]
        shape[axis] = order.shape[1]
        v[...] = np.take_along_axis(v, order.reshape(shape), axis=axis)
        power = np.take_along_axis(product, order[:, None, :], axis=-1)
        s[f"_Q{side}.{b.name}"] = np.linalg.qr(power)[0]


def _soap_step(x, g, s, t, hp):
    beta1, beta2 = hp["betas"]
    lr, eps, wd = hp["lr"], hp["eps"], hp["weight_decay"]
    shampoo_beta = beta2 if hp["shampoo_beta"] is None else hp["shampoo_beta"]
    matrices = [b for b in s["_layout"] if b.is_matrix]
    if t == 1:  # the first gradient only builds the preconditioners and their eigenbases
        for b in matrices:
            _accumulate(s, b, _batch(g, b), shampoo_beta)
            s[f"_QL.{b.name}"] = _eigenbasis(s[f"_GL.{b.name}"])
            s[f"_QR.{b.name}"] = _eigenbasis(s[f"_GR.{b.name}"])
        return
    k = t - 1
    step_size = lr
    if hp["correct_bias"]:
        step_size = lr * np.sqrt(1.0 - beta2**k) / (1.0 - beta1**k)
    has_wd = not (np.ndim(wd) == 0 and wd == 0)
    for b in s["_layout"]:
        param, grad = _view(x, b), _view(g, b)
        m, v = _view(s["exp_avg"], b), _view(s["exp_avg_sq"], b)
        if b.is_matrix:
            ql, qr = s[f"_QL.{b.name}"], s[f"_QR.{b.name}"]
            qlt = np.swapaxes(ql, -1, -2)
            grad_n = np.moveaxis(grad, -1, 0)
            projected = qlt @ grad_n @ qr
            lerp_(m, grad, 1.0 - beta1, np.empty_like(m))
            v_n = np.moveaxis(v, -1, 0)
            lerp_(v_n, projected * projected, 1.0 - _run(beta2), np.empty_like(v_n))
            ratio = (qlt @ np.moveaxis(m, -1, 0) @ qr) / (np.sqrt(v_n) + _run(eps))
            update = np.moveaxis(ql @ ratio @ np.swapaxes(qr, -1, -2), 0, -1)
        else:
            lerp_(m, grad, 1.0 - beta1, np.empty_like(m))
            lerp_(v, grad * grad, 1.0 - beta2, np.empty_like(v))
            update = m / (np.sqrt(v) + eps)
        if hp["normalize_gradient"]:
            flat = update.reshape(-1, update.shape[-1])
            update = update / (np.sqrt(np.einsum("kn,kn->n", flat, flat) / flat.shape[0]) + eps)
        param -= update * step_size
        if has_wd:
            param *= 1.0 - lr * wd
    for b in matrices:
        _accumulate(s, b, _batch(g, b), shampoo_beta)
        if k % hp["precondition_frequency"] == 0:
            _refresh_basis(s, b)


def _check_soap(hp):
    freq = hp["precondition_frequency"]
    if np.ndim(freq) or freq < 1:
        raise CoreError(
            N_("Invalid precondition_frequency: {value} (expected one integer from 1 up)"), value=repr(freq)
        )


SOAP = LayoutSpec(
    name="soap",
    display_name="SOAP",
    year=2024,
    paper="Vyas et al., SOAP: Improving and Stabilizing Shampoo using Adam",
    paper_url="https://arxiv.org/abs/2409.11321",
    rule_latex=r"L = \mathrm{lerp}(L, GG^\top, 1-\beta),\ R = \mathrm{lerp}(R, G^\top G, 1-\beta),\ "
    r"L = Q_L \Lambda_L Q_L^\top,\ R = Q_R \Lambda_R Q_R^\top,\quad"
    r"W_t = W_{t-1} - \eta\, Q_L\,\mathrm{Adam}\bigl(Q_L^\top G\, Q_R\bigr)\,Q_R^\top",
    intuition="Shampoo preconditions a weight matrix from both sides with running averages of GGᵀ "
    "and GᵀG; SOAP takes their eigenvectors as a rotated coordinate system and runs Adam "
    "there: the gradient is rotated in, Adam's per-coordinate scaling is applied, and the "
    "step is rotated back. Coordinates aligned with the gradient's main directions get "
    "their own step sizes. The eigenbasis is refreshed every precondition_frequency steps "
    "by one power iteration; the first step only measures. Biases get plain Adam.",
    try_this="Set precondition_frequency from 10 to 1: the eigenbasis follows the gradients every step "
    "(more work per step); at 100 it stays the first step's basis.",
    hypers=(
        c.lr(3e-3, (1e-4, 1.0)),
        c.betas((0.95, 0.95)),
        Hyper(
            "shampoo_beta",
            None,
            Interval(0.0, 1.0, high_closed=False),
            (0.0, 0.999),
            optional=True,
            symbol="β_s",
            help="Decay rate of the preconditioner statistics GGᵀ and GᵀG (None: β₂).",
        ),
        c.weight_decay(0.01),
        Hyper(
            "precondition_frequency",
            10,
            Interval(1.0),
            (1, 100),
            kind="int",
            help="Steps between refreshes of the eigenbasis.",
        ),
        c.eps(1e-8),
        Hyper("correct_bias", True, kind="bool", help="Correct Adam's moments for starting at zero."),
        Hyper(
            "normalize_gradient",
            False,
            kind="bool",
            help="Divide each tensor's update by its root mean square.",
        ),
    ),
    init=_soap_init,  # type: ignore[arg-type]  # bind() supplies the layout
    step=_soap_step,
    check=_check_soap,
    state_labels={"exp_avg": "first moment m", "exp_avg_sq": "second moment v (eigenbasis)"},
    velocity="exp_avg",
    adaptive=True,
    demo={"lr": 0.01},
    reference=pytorch_optimizer("SOAP"),
)
