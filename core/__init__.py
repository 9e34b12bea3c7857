"""Descent Lab's numerical core: test functions, optimizers and ``simulate`` in pure NumPy.

>>> import core
>>> f = core.get_function("quadratic")
>>> opt = core.get_optimizer("adam", lr=0.4)
>>> run = core.simulate(f, opt, x0=[-4.0, -6.0], steps=20)
>>> run.points.shape
(21, 2)
"""

from .conv import CNN, cnn
from .datasets import DATASETS, Dataset, get_dataset
from .functions import FUNCTIONS, Minimum, Objective, get_function, list_functions
from .network import MLP, mlp
from .optimizers import (
    ARTICLE_OPTIMIZERS,
    NETWORK_OPTIMIZERS,
    OPTIMIZERS,
    SPECS,
    Optimizer,
    OptimizerSpec,
    get_optimizer,
    get_spec,
    list_optimizers,
)
from .schedules import SCHEDULES, Schedule, get_schedule
from .simulate import Trajectory, simulate
from .tune import TuneResult, tune

__all__ = [
    "ARTICLE_OPTIMIZERS",
    "CNN",
    "DATASETS",
    "FUNCTIONS",
    "MLP",
    "NETWORK_OPTIMIZERS",
    "OPTIMIZERS",
    "SCHEDULES",
    "SPECS",
    "Dataset",
    "Minimum",
    "Objective",
    "Optimizer",
    "OptimizerSpec",
    "Schedule",
    "Trajectory",
    "TuneResult",
    "cnn",
    "get_dataset",
    "get_function",
    "get_optimizer",
    "get_schedule",
    "get_spec",
    "list_functions",
    "list_optimizers",
    "mlp",
    "simulate",
    "tune",
]
