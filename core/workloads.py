"""Network workloads for races and benchmarks: a data set with the network and minibatch size a practitioner would use.

A comparison of optimizers on a network means little without saying which network and how it
was fed. The defaults follow common practice for data of that size: the 2-D toy sets (a few
hundred points) train a small 2-16-16-2 tanh network full batch, as TensorFlow Playground does;
the image-like sets (the UCI digits and any larger set added to ``core.datasets.DATASETS`` later)
train one hidden layer of 64 ReLU units on minibatches of 128, as ``sklearn``'s ``MLPClassifier``
(one hidden layer of 100 ReLU units, minibatches of up to 200) and most tutorials do. MNIST-1D's
signals train the CNN of its paper (``core.cnn()``) on minibatches of 100, as the paper does.

The architecture is a choice of the workload: ``"mlp"`` (the hidden sizes and activation),
``"logistic"`` (no hidden layer: ``mlp(hidden=())``) or, for signal data sets (``SIGNAL_DATASETS``),
``"cnn"`` (the paper's convolutional network; hidden sizes and activation are then unused).

One ``Workload`` describes the objective wherever a page trains networks: the Fair race (which leaves
``samples`` and ``noise`` at their defaults: 400 points and noise 0.1 on a 2-D set) and the network lab
(whose 2-D sets take both from its controls); pages cache their objectives by it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .conv import CNN, cnn
from .datasets import DATASETS, TWO_D_DATASETS, Dataset, get_dataset
from .messages import N_, CoreError
from .network import Network, mlp

TWO_D_SAMPLES = 400  # train + test points of a 2-D set (the Network lab's default)
TWO_D_NOISE = 0.1
ARCHITECTURES = ("logistic", "mlp", "cnn")
SIGNAL_DATASETS = ("mnist1d",)  # one-channel signals, where a 1-D convolution applies
# Multiply-adds of a CNN's forward and backward pass per sample cost about twice an MLP's per parameter: the
# windows are copied out before each product (measured with the paper's CNN and MLP on MNIST-1D, one thread).
CNN_WORK = 2.0


@dataclass(frozen=True)
class Workload:
    """A data set (``core.datasets``) and the network trained on it: hidden sizes, activation, minibatch size,
    architecture (see the module docstring).

    ``batch_size`` None trains full batch. ``samples`` is the data set's size (train + test; None: its default,
    ``TWO_D_SAMPLES`` for a 2-D set, every sample of the others) and ``noise`` a 2-D set's noise (the others
    ignore it). Hashable, so a page can cache by it.
    """

    data: str
    hidden: tuple[int, ...]
    activation: str
    batch_size: int | None
    architecture: str = "mlp"
    samples: int | None = None
    noise: float = TWO_D_NOISE

    def dataset(self) -> Dataset:
        """The data set's seeded split (seed 0) at this workload's size and noise."""
        n = self.samples if self.samples is not None else (TWO_D_SAMPLES if self.data in TWO_D_DATASETS else None)
        return get_dataset(self.data, n=n, noise=self.noise, seed=0)

    def network(self, data: Dataset | None = None) -> Network:
        """The network objective (``core.mlp`` or ``core.cnn``) on ``data`` (default: ``dataset()``); another
        data set of the same inputs and classes (a subset, say) gives the same θ layout."""
        if self.architecture not in architectures(self.data):
            raise CoreError(
                N_("Unknown architecture {name}; valid names are: {names}"),
                name=repr(self.architecture),
                names=", ".join(architectures(self.data)),
            )
        data = self.dataset() if data is None else data
        if self.architecture == "cnn":
            return cnn(data)
        return mlp(data, () if self.architecture == "logistic" else self.hidden, self.activation)


def architectures(data: str) -> tuple[str, ...]:
    """The architectures a workload on data set ``data`` may have: the CNN only on signals."""
    return ARCHITECTURES if data in SIGNAL_DATASETS else tuple(a for a in ARCHITECTURES if a != "cnn")


def work_per_sample(network: Network) -> float:
    """The training work of one sample through ``network`` in parameter units: its parameter count for an MLP
    (one multiply-add each, forward), for a CNN ``CNN_WORK`` × the multiply-adds of its convolutions and
    linear layer (each kernel weight is used at every output position)."""
    if not isinstance(network, CNN):
        return float(network.dim)
    widths, lengths = (1, *network.channels), network.lengths
    convs = sum(lengths[i + 1] * k * widths[i] * widths[i + 1] for i, k in enumerate(network.kernels))
    linear = widths[-1] * lengths[-1] * network.dataset.classes
    return CNN_WORK * (convs + linear)


def default_workload(data: str) -> Workload:
    """The practitioner's default workload on data set ``data`` (see the module docstring)."""
    if data not in DATASETS:
        raise CoreError(
            N_("Unknown dataset {name}; valid names are: {names}"), name=repr(data), names=", ".join(DATASETS)
        )
    if data in TWO_D_DATASETS:
        return Workload(data, (16, 16), "tanh", None)
    if data in SIGNAL_DATASETS:
        return Workload(data, (64,), "relu", 100, "cnn")
    return Workload(data, (64,), "relu", 128)
