"""Runs compared against the authors' reference packages (the specs whose ``reference`` is not pytorch-optimizer):
shared by the generator ``make_authors_reference.py`` and ``tests/test_authors_reference.py``."""

import core
from core.optimizers.reference import Reference
from tests.reference.network_cases import CONFIGS

# The optimizers whose reference is their authors' own package, read from the registry.
PACKAGES: dict[str, Reference] = {
    name: ref
    for name, spec in {**core.SPECS, **core.optimizers.NETWORK_SPECS}.items()
    if (ref := spec.reference) is not None and ref.module != "pytorch_optimizer"
}

STEPS = 200  # on the landscapes
NETWORK_STEPS = 10

# (case id, optimizer, hyperparameters, function, start): defaults, warm-up, weight decay and the averaging options.
CASES = [
    ("sfadamw-rosenbrock", "schedulefree_adamw", {"lr": 0.1}, "rosenbrock", (-1.5, 2.5)),
    ("sfadamw-defaults-rastrigin", "schedulefree_adamw", {}, "rastrigin", (3.2, -2.3)),
    (
        "sfadamw-warmup-wd",
        "schedulefree_adamw",
        {"lr": 0.3, "warmup_steps": 20, "weight_decay": 0.05, "r": 1.0},
        "himmelblau",
        (0.0, 0.0),
    ),
    (
        "sfadamw-betas-power",
        "schedulefree_adamw",
        {"lr": 0.05, "betas": (0.5, 0.99), "eps": 1e-4, "weight_lr_power": 0.0, "warmup_steps": 7},
        "beale",
        (1.0, 1.5),
    ),
    ("sfsgd-quadratic", "schedulefree_sgd", {"lr": 0.4}, "quadratic", (-4.0, -6.0)),
    (
        "sfsgd-warmup-wd",
        "schedulefree_sgd",
        {"lr": 0.01, "momentum": 0.8, "warmup_steps": 10, "weight_decay": 0.05, "weight_lr_power": 1.0},
        "himmelblau",
        (0.0, 0.0),
    ),
    ("sfsgd-r-booth", "schedulefree_sgd", {"lr": 0.05, "momentum": 0.5, "r": 2.0}, "booth", (-8.0, 8.0)),
    ("prodigy-quadratic", "prodigy", {}, "quadratic", (-4.0, -6.0)),
    (
        "prodigy-coupled-bias",
        "prodigy",
        {"lr": 0.5, "weight_decay": 0.05, "decouple": False, "use_bias_correction": True},
        "himmelblau",
        (0.5, -0.5),
    ),
    (
        "prodigy-safeguard-growth",
        "prodigy",
        {"weight_decay": 0.05, "safeguard_warmup": True, "growth_rate": 1.05, "beta3": 0.9, "d_coef": 0.5},
        "rosenbrock",
        (-1.5, 2.5),
    ),
    ("prodigy-no-momentum", "prodigy", {"betas": (0.0, 0.999), "d0": 1e-3, "lr": 0.5}, "booth", (-8.0, 8.0)),
    ("prodigy-ackley", "prodigy", {"lr": 0.5, "eps": 1e-6}, "ackley", (2.3, -3.1)),
    ("prodigy-styblinski", "prodigy", {"eps": 1e-6}, "styblinski_tang", (4.0, 4.5)),
]

# (case id, network config, optimizer, hyperparameters): every parameter of the network for NETWORK_STEPS.
NETWORK_CASES = [
    ("moons-tanh/schedulefree_adamw", "moons-tanh", "schedulefree_adamw", {"lr": 0.05, "warmup_steps": 3}),
    ("circle-relu/schedulefree_adamw", "circle-relu", "schedulefree_adamw", {"lr": 0.02, "weight_decay": 0.01}),
    ("moons-tanh/schedulefree_sgd", "moons-tanh", "schedulefree_sgd", {"lr": 0.5, "warmup_steps": 4}),
    ("circle-relu/schedulefree_sgd", "circle-relu", "schedulefree_sgd", {"lr": 0.2, "weight_decay": 0.01, "r": 1.0}),
    ("moons-tanh/prodigy", "moons-tanh", "prodigy", {}),
    ("circle-relu/prodigy", "circle-relu", "prodigy", {"weight_decay": 0.01, "use_bias_correction": True}),
    ("digits-sigmoid/prodigy", "digits-sigmoid", "prodigy", {"d_coef": 2.0}),
]

assert all(cfg in CONFIGS for _, cfg, _, _ in NETWORK_CASES)
