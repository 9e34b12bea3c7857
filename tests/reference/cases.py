"""The optimizer runs compared against torch.optim: shared by the generator and the test."""

STEPS = 300

# (case id, optimizer, hyperparameters, function, start)
CASES = [
    ("gd-quadratic", "gd", {"lr": 0.4}, "quadratic", (-4.0, -6.0)),
    ("gd-rosenbrock-wd", "gd", {"lr": 1e-3, "weight_decay": 0.01}, "himmelblau", (0.0, 0.0)),
    ("momentum-quadratic", "momentum", {"lr": 0.4, "momentum": 0.5}, "quadratic", (-4.0, -6.0)),
    (
        "momentum-dampening-wd",
        "momentum",
        {"lr": 0.01, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.05},
        "himmelblau",
        (0.0, 0.0),
    ),
    ("momentum-rosenbrock", "momentum", {"lr": 5e-4, "momentum": 0.9}, "rosenbrock", (-1.5, 2.5)),
    ("nesterov-beale", "nesterov", {"lr": 1e-3, "momentum": 0.9}, "beale", (1.0, 1.5)),
    ("nesterov-booth-wd", "nesterov", {"lr": 0.02, "momentum": 0.8, "weight_decay": 0.1}, "booth", (-8.0, 8.0)),
    ("adagrad-quadratic", "adagrad", {"lr": 0.4}, "quadratic", (-4.0, -6.0)),
    (
        "adagrad-options",
        "adagrad",
        {"lr": 0.5, "lr_decay": 0.01, "weight_decay": 0.02, "initial_accumulator_value": 0.1, "eps": 1e-6},
        "himmelblau",
        (0.0, 0.0),
    ),
    ("rmsprop-quadratic", "rmsprop", {"lr": 0.01}, "quadratic", (-4.0, -6.0)),
    (
        "rmsprop-centered-momentum",
        "rmsprop",
        {"lr": 0.005, "alpha": 0.9, "momentum": 0.8, "centered": True, "weight_decay": 0.01},
        "himmelblau",
        (0.0, 0.0),
    ),
    ("rmsprop-centered", "rmsprop", {"lr": 0.01, "centered": True}, "six_hump_camel", (-1.5, -1.0)),
    ("adam-default-rastrigin", "adam", {"lr": 0.01}, "rastrigin", (3.2, -2.3)),
    (
        "adam-amsgrad-wd",
        "adam",
        {"lr": 0.05, "betas": (0.8, 0.99), "amsgrad": True, "weight_decay": 0.01},
        "rosenbrock",
        (-1.5, 2.5),
    ),
    ("adam-decoupled", "adam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}, "booth", (-8.0, 8.0)),
    ("adamw-default-ackley", "adamw", {"lr": 0.01}, "ackley", (2.3, -3.1)),
    ("adamw-amsgrad", "adamw", {"lr": 0.02, "weight_decay": 0.05, "amsgrad": True}, "goldstein_price", (0.5, -1.5)),
    ("nadam-styblinski", "nadam", {"lr": 0.05}, "styblinski_tang", (4.0, 4.5)),
    (
        "nadam-wd-decoupled",
        "nadam",
        {"lr": 0.02, "weight_decay": 0.05, "decoupled_weight_decay": True, "momentum_decay": 0.01},
        "himmelblau",
        (0.0, 0.0),
    ),
    ("nadam-wd", "nadam", {"lr": 0.02, "weight_decay": 0.05}, "beale", (1.0, 1.5)),
    ("radam-rosenbrock", "radam", {"lr": 0.02}, "rosenbrock", (-1.5, 2.5)),
    ("radam-wd", "radam", {"lr": 0.05, "betas": (0.9, 0.99), "weight_decay": 0.01}, "quadratic", (-4.0, -6.0)),
    (
        "radam-decoupled",
        "radam",
        {"lr": 0.05, "weight_decay": 0.01, "decoupled_weight_decay": True},
        "booth",
        (-8.0, 8.0),
    ),
    ("adamax-beale", "adamax", {"lr": 0.02}, "beale", (1.0, 1.5)),
    (
        "adamax-wd",
        "adamax",
        {"lr": 0.05, "betas": (0.8, 0.99), "weight_decay": 0.01, "eps": 1e-4},
        "himmelblau",
        (0.0, 0.0),
    ),
    ("adadelta-quadratic", "adadelta", {"lr": 1.0}, "quadratic", (-4.0, -6.0)),
    (
        "adadelta-options",
        "adadelta",
        {"lr": 5.0, "rho": 0.95, "eps": 1e-3, "weight_decay": 0.01},
        "himmelblau",
        (0.0, 0.0),
    ),
    ("rprop-rosenbrock", "rprop", {"lr": 0.01}, "rosenbrock", (-1.5, 2.5)),
    ("rprop-options", "rprop", {"lr": 0.1, "etas": (0.3, 1.5), "step_sizes": (1e-4, 0.5)}, "himmelblau", (0.0, 0.0)),
    ("rprop-saddle", "rprop", {"lr": 0.05}, "saddle", (-1.5, 0.01)),
    ("gd-conditioned", "gd", {"lr": 1.0}, "conditioned_quadratic", (-4.0, 3.0)),
    ("adam-conditioned", "adam", {"lr": 0.1}, "conditioned_quadratic", (-4.0, 3.0)),
]

# torch's ``maximize=True``: the gradient is negated first, so these climb to a local maximum.
CASES += [
    ("gd-maximize-himmelblau", "gd", {"lr": 0.01, "maximize": True}, "himmelblau", (0.5, -0.5)),
    (
        "momentum-maximize-wd",
        "momentum",
        {"lr": 0.005, "momentum": 0.9, "weight_decay": 0.5, "maximize": True},
        "himmelblau",
        (0.5, -0.5),
    ),
    ("nesterov-maximize", "nesterov", {"lr": 0.002, "momentum": 0.8, "maximize": True}, "styblinski_tang", (0.5, -1.0)),
    ("adagrad-maximize", "adagrad", {"lr": 0.1, "weight_decay": 0.1, "maximize": True}, "rastrigin", (0.3, -0.2)),
    (
        "rmsprop-maximize-momentum",
        "rmsprop",
        {"lr": 0.01, "momentum": 0.5, "centered": True, "maximize": True},
        "styblinski_tang",
        (0.5, -1.0),
    ),
    ("adam-maximize-rastrigin", "adam", {"lr": 0.01, "weight_decay": 0.05, "maximize": True}, "rastrigin", (0.3, -0.2)),
    ("adamw-maximize", "adamw", {"lr": 0.02, "amsgrad": True, "maximize": True}, "himmelblau", (0.5, -0.5)),
    ("nadam-maximize", "nadam", {"lr": 0.02, "maximize": True}, "styblinski_tang", (0.5, -1.0)),
    ("radam-maximize", "radam", {"lr": 0.02, "maximize": True}, "himmelblau", (0.5, -0.5)),
    ("adamax-maximize", "adamax", {"lr": 0.02, "maximize": True}, "rastrigin", (0.3, -0.2)),
    ("adadelta-maximize", "adadelta", {"lr": 1.0, "eps": 1e-3, "maximize": True}, "himmelblau", (0.5, -0.5)),
    ("rprop-maximize", "rprop", {"lr": 0.01, "maximize": True}, "rastrigin", (0.3, -0.2)),
]


def program(name, hp, function, x0, steps, schedule=None, **options):
    """``core.snippets.snippet`` of a case: ``function`` is a built-in landscape's name, a ``core.run.Landscape``
    or a ``("custom", text, box)`` formula."""
    from core.run import Formula, Landscape, Run
    from core.snippets import snippet

    if isinstance(function, str):
        function = Landscape(function)
    elif isinstance(function, tuple):
        function = Formula(function[1], tuple(function[2]))
    return snippet(Run.of(function, name, hp, schedule, steps=steps, start=x0, **options))
