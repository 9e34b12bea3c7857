"""Network workloads for races and benchmarks: a data set with the network and minibatch size a practitioner would use.

A comparison of optimizers on a network means little without saying which network and how it
was fed. The defaults follow common practice for data of that size: the 2-D toy sets (a few
hundred points) train a small 2-16-16-2 tanh network full batch, as TensorFlow Playground does;
the image-like sets (the UCI digits and any larger set added to ``core.datasets.DATASETS`` later)
train one hidden layer of 64 ReLU units on minibatches of 128, as ``sklearn``'s ``MLPClassifier``
(one hidden layer of 100 ReLU units, minibatches of up to 200) and most tutorials do.
"""

from __future__ import annotations

from dataclasses import dataclass

from .datasets import DATASETS, TWO_D_DATASETS, get_dataset
from .messages import N_, CoreError
from .network import MLP, mlp

TWO_D_SAMPLES = 400  # train + test points of a 2-D set (the Network lab's default)
TWO_D_NOISE = 0.1


@dataclass(frozen=True)
class Workload:
    """A data set (``core.datasets``) and the network trained on it: hidden sizes, activation, minibatch size.

    ``batch_size`` None trains full batch. Hashable, so a page can cache by it.
    """

    data: str
    hidden: tuple[int, ...]
    activation: str
    batch_size: int | None

    def network(self) -> MLP:
        """The network objective (``core.mlp``) on the data set's seeded split."""
        two_d = self.data in TWO_D_DATASETS
        n = TWO_D_SAMPLES if two_d else None
        return mlp(get_dataset(self.data, n=n, noise=TWO_D_NOISE, seed=0), self.hidden, self.activation)


def default_workload(data: str) -> Workload:
    """The practitioner's default workload on data set ``data`` (see the module docstring)."""
    if data not in DATASETS:
        raise CoreError(
            N_("Unknown dataset {name}; valid names are: {names}"), name=repr(data), names=", ".join(DATASETS)
        )
    if data in TWO_D_DATASETS:
        return Workload(data, (16, 16), "tanh", None)
    return Workload(data, (64,), "relu", 128)
