"""Runs compared against pytorch-optimizer (AdEMAMix, ADOPT, Adan, LAMB, SOAP): shared by the generator and the test.

The package and version are each spec's ``reference`` (``core/optimizers/reference.py``).
"""

STEPS = 300

# 2-D landscapes: (case id, optimizer, hyperparameters, function, start).
CASES = [
    ("ademamix-rosenbrock", "ademamix", {"lr": 0.02}, "rosenbrock", (-1.5, 2.5)),
    ("ademamix-quadratic", "ademamix", {"lr": 0.4, "betas": (0.9, 0.999, 0.99)}, "quadratic", (-4.0, -6.0)),
    (
        "ademamix-warmup-wd",
        "ademamix",
        {"lr": 0.05, "betas": (0.8, 0.99, 0.999), "alpha": 3.0, "t_alpha_beta3": 100.0, "weight_decay": 0.01},
        "himmelblau",
        (0.0, 0.0),
    ),
    (
        "ademamix-decoupled",
        "ademamix",
        {"lr": 0.05, "weight_decay": 0.1, "weight_decouple": True},
        "booth",
        (-8.0, 8.0),
    ),
    (
        "ademamix-fixed-decay",
        "ademamix",
        {"lr": 0.01, "weight_decay": 0.001, "weight_decouple": True, "fixed_decay": True, "eps": 1e-6},
        "beale",
        (1.0, 1.5),
    ),
    ("adopt-rastrigin", "adopt", {"lr": 0.01}, "rastrigin", (3.2, -2.3)),
    ("adopt-quadratic", "adopt", {"lr": 0.4}, "quadratic", (-4.0, -6.0)),
    (
        "adopt-options",
        "adopt",
        {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-4, "weight_decay": 0.01},
        "himmelblau",
        (0.0, 0.0),
    ),
    ("adopt-decoupled", "adopt", {"lr": 0.05, "weight_decay": 0.1, "weight_decouple": True}, "booth", (-8.0, 8.0)),
    ("adan-rosenbrock", "adan", {"lr": 0.02}, "rosenbrock", (-1.5, 2.5)),
    ("adan-quadratic", "adan", {"lr": 0.4}, "quadratic", (-4.0, -6.0)),
    ("adan-proximal-wd", "adan", {"lr": 0.05, "weight_decay": 0.05}, "himmelblau", (0.0, 0.0)),
    (
        "adan-decoupled",
        "adan",
        {"lr": 0.05, "betas": (0.9, 0.9, 0.999), "weight_decay": 0.1, "weight_decouple": True},
        "booth",
        (-8.0, 8.0),
    ),
    ("adan-clipped", "adan", {"lr": 0.02, "max_grad_norm": 1.0}, "himmelblau", (0.5, -0.5)),
]

NETWORK_STEPS = 10

# Networks: (config id, dataset, samples, hidden sizes, activation, init seed). The square ones have
# only 2×2 weight matrices, whose Shampoo statistics have distinct eigenvalues from the first step:
# SOAP's eigenbasis is then unique (up to signs, which cancel), so NumPy's and torch's agree.
NETWORK_CONFIGS = {
    "moons-tanh": ("moons", 40, (5, 4), "tanh", 0),
    "circle-relu": ("circle", 40, (6,), "relu", 1),
    "moons-square": ("moons", 40, (2,), "tanh", 0),
    "circle-square": ("circle", 40, (2, 2), "relu", 1),
}

# (config, optimizer, hyperparameters)
NETWORK_CASES = [
    ("moons-tanh", "ademamix", {"lr": 0.02}),
    ("circle-relu", "ademamix", {"lr": 0.02, "t_alpha_beta3": 5.0, "weight_decay": 0.01, "weight_decouple": True}),
    ("moons-tanh", "adopt", {"lr": 0.02}),
    ("circle-relu", "adopt", {"lr": 0.02, "weight_decay": 0.01}),
    ("moons-tanh", "adan", {"lr": 0.02}),
    ("circle-relu", "adan", {"lr": 0.02, "weight_decay": 0.02, "weight_decouple": True}),
    ("moons-tanh", "lamb", {"lr": 0.05}),
    ("circle-relu", "lamb", {"lr": 0.05, "weight_decay": 0.01, "weight_decouple": False, "grad_averaging": False}),
    ("moons-tanh", "lamb", {"lr": 0.05, "weight_decay": 0.01, "adam": True}),
    ("moons-square", "soap", {"lr": 0.01}),
    ("circle-square", "soap", {"lr": 0.01, "precondition_frequency": 3, "weight_decay": 0.0}),
    (
        "moons-square",
        "soap",
        {"lr": 0.02, "precondition_frequency": 2, "shampoo_beta": 0.9, "normalize_gradient": True},
    ),
]
NETWORK_IDS = [f"{cfg}/{name}/{i}" for i, (cfg, name, _) in enumerate(NETWORK_CASES)]
