"""Hyperparameter records shared by several optimizers (same torch names everywhere)."""

from __future__ import annotations

from ..hyper import NONNEG, UNIT_OPEN, Choice, Hyper


def lr(default: float, ui: tuple[float, float] = (1e-4, 2.0)) -> Hyper:
    """The learning rate, torch's ``lr``."""
    return Hyper(
        "lr", default, NONNEG, ui, log=True, symbol="η", tunable=True, help="Learning rate: how far each update moves."
    )


def eps(default: float) -> Hyper:
    """The stabilising constant ``eps`` that keeps divisions finite."""
    return Hyper(
        "eps",
        default,
        NONNEG,
        (1e-12, 1e-1),
        log=True,
        symbol="ε",
        help="Small constant added to the denominator so it never divides by zero.",
    )


def weight_decay(default: float = 0.0) -> Hyper:
    """L2 penalty strength (coupled or decoupled, as the optimizer defines)."""
    return Hyper(
        "weight_decay",
        default,
        NONNEG,
        (0.0, 0.5),
        symbol="λ",
        help="Pulls the point towards the origin each step (L2 penalty / weight decay).",
    )


def betas(default: tuple[float, float] = (0.9, 0.999)) -> Hyper:
    """Adam-style decay rates of the first and second moment averages."""
    return Hyper(
        "betas",
        default,
        (UNIT_OPEN, UNIT_OPEN),
        ((0.0, 0.999), (0.0, 0.9999)),
        kind="pair",
        labels=("β₁", "β₂"),
        tunable=True,
        help="Decay rates of the running averages of the gradient (β₁) and its square (β₂).",
    )


def momentum(default: float = 0.9, ui_high: float = 0.99) -> Hyper:
    """Heavy-ball momentum factor, torch's ``momentum``."""
    return Hyper(
        "momentum",
        default,
        NONNEG,
        (0.0, ui_high),
        symbol="μ",
        tunable=True,
        help="Fraction of the previous velocity kept each step.",
    )


def flag(name: str, default: bool, help: str) -> Hyper:
    """A boolean switch such as ``amsgrad`` or ``centered``."""
    return Hyper(name, default, kind="bool", help=help)


# A readable label: torch's 22-character name wraps mid-word in the sidebar, so it goes in the help text.
DECOUPLED_WEIGHT_DECAY = Hyper(
    "decoupled_weight_decay",
    False,
    kind="bool",
    title="Decoupled weight decay",
    help="Apply weight decay to the weights directly, as AdamW does (torch: `decoupled_weight_decay`).",
)

MAXIMIZE = Hyper(
    "maximize",
    False,
    kind="bool",
    help="Climb the function instead of descending it (torch negates the gradient first).",
)

EPS_INSIDE_SQRT = Hyper(
    "eps_inside_sqrt",
    False,
    kind="choice",
    url="conv",
    title="ε placement (convention)",
    choices=(Choice("torch", False, "PyTorch: √v + ε"), Choice("article", True, "Article: √(v + ε)")),
    help="Put ε inside the square root, √(v + ε), as the article does; PyTorch uses √v + ε.",
)
