"""MNIST-1D's models (the CNN, the residual MLP, logistic regression) against torch: shared by the generator and the test."""

from tests.reference.network_cases import OPTIMIZER_CASES

STEPS = 10
SUBSET = 48  # MNIST-1D signals (train + test) in each reference problem: small, so the file stays small

# (config id, channels, kernels, stride, padding, activation, subset seed)
CONFIGS = {
    "paper-small": ((4, 3, 2), (5, 3, 3), 2, 1, "relu", 0),  # the paper's shape with fewer channels
    "odd": ((3, 2), (4, 2), 1, 2, "tanh", 1),  # stride 1, padding wider than a kernel, an even kernel
}
# Random θ (not an initialisation) at which the loss and gradient are compared: several scales.
POINTS = {"paper-small": (0, 0.3, 1.0), "odd": (1, 0.5)}  # seed, then standard deviations

# Every torch-backed optimizer, full batch on the first config.
TRAIN_CONFIG = "paper-small"
CASES = [(f"{TRAIN_CONFIG}/{opt}", TRAIN_CONFIG, opt, hp) for opt, hp in OPTIMIZER_CASES]

# MLPs on the same subset: (hidden, activation, residual, seed). The first is the paper's MLP shape in
# miniature (a residual layer between equal widths, then one of another width, which adds nothing).
MLP_CONFIGS = {
    "mlp-residual": ((6, 6, 5), "relu", True, 2),
    "logistic": ((), "relu", False, 3),
}
MLP_TRAIN = ("mlp-residual", "adam", {"lr": 0.02})
