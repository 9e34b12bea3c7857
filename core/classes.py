"""Per-class test accuracy of classifier networks: which classes a trained network gets right.

One accuracy over the test split hides that a network may master some classes and miss others
(on MNIST-1D, a linear model tells few digits apart at all). ``class_accuracy`` gives the share of each
class's test samples classified right, for a batch of networks at once.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def class_accuracy(network: Any, theta: Any) -> np.ndarray:
    """Test accuracy per class ``(..., classes)`` of networks θ ``(..., D)`` (``core.mlp`` or ``core.cnn``);
    NaN for a class without test samples."""
    ds = network.dataset
    with np.errstate(all="ignore"):
        predicted = network.predict(np.asarray(theta, dtype=float), ds.x_test)  # (..., M)
    right = predicted == ds.y_test
    onehot = np.eye(ds.classes)[ds.y_test]  # (M, classes)
    counts = onehot.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (right @ onehot) / np.where(counts > 0, counts, np.nan)
