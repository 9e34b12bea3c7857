"""Network training runs compared against torch.optim: shared by the generator and the test."""

STEPS = 10

# (config id, dataset, samples, hidden sizes, activation, init seed): small, so the reference file stays small.
CONFIGS = {
    "moons-tanh": ("moons", 40, (5, 4), "tanh", 0),
    "circle-relu": ("circle", 40, (6,), "relu", 1),
    "digits-sigmoid": ("digits", 40, (3,), "sigmoid", 2),
}

# (optimizer, hyperparameters): every torch-backed optimizer.
OPTIMIZER_CASES = [
    ("gd", {"lr": 0.5, "weight_decay": 0.01}),
    ("momentum", {"lr": 0.2, "momentum": 0.9, "dampening": 0.1}),
    ("nesterov", {"lr": 0.2, "momentum": 0.9}),
    ("adagrad", {"lr": 0.1, "lr_decay": 0.01}),
    ("rmsprop", {"lr": 0.01, "momentum": 0.5, "centered": True}),
    ("adam", {"lr": 0.02, "amsgrad": True, "weight_decay": 0.01}),
    ("adamw", {"lr": 0.02}),
    ("nadam", {"lr": 0.02}),
    ("radam", {"lr": 0.05}),
    ("adamax", {"lr": 0.05}),
    ("adadelta", {"lr": 1.0}),
    ("rprop", {"lr": 0.01}),
    ("muon", {"lr": 0.05, "adamw_lr": 0.01}),
    ("adafactor", {"lr": 0.05, "weight_decay": 0.01}),
]

# The digits network has ~8 times more parameters: a few optimizers there keep the file small.
DIGITS_OPTIMIZERS = ("adam", "rmsprop", "muon", "adafactor")

CASES = [
    (f"{cfg}/{opt}", cfg, opt, hp)
    for cfg in CONFIGS
    for opt, hp in OPTIMIZER_CASES
    if not cfg.startswith("digits") or opt in DIGITS_OPTIMIZERS
]
