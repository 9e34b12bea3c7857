"""Networks as objectives over a flat parameter vector θ, with backprop by hand: the shared protocol and the MLP.

``mlp(dataset)`` returns an ``MLP``: the mean cross-entropy of a classifier on the training set as a
function of θ, laid out exactly as ``parameters_to_vector(nn.Sequential(nn.Linear, act, ...))``.
``Network`` holds what every such classifier shares (``core.conv.CNN`` is the other): the
simulator's D-dimensional protocol (``dim``, ``values(P)``, ``grad_into(P, out, rows)`` on
``(D, N)`` arrays, so ``core.simulate`` trains a whole batch of networks at once), torch's default
initialisation, the log-softmax cross-entropy, evaluation in memory-bounded chunks. A subclass
supplies the architecture: its layout, a batched forward pass and its backward pass. Every
operation is batched over networks and samples; Python loops run over layers only.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .datasets import Dataset
from .messages import N_, CoreError, Message

ACTIVATIONS: tuple[str, ...] = ("tanh", "relu", "sigmoid")
# Largest number of activations (networks × width × samples) held at once when evaluating many θs.
CHUNK_ELEMENTS = 1 << 21


@dataclass(frozen=True)
class Block:
    """One parameter tensor inside θ: torch's name (``"0.weight"``), its shape and where it starts."""

    name: str
    shape: tuple[int, ...]
    offset: int

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def slice(self) -> slice:
        return slice(self.offset, self.offset + self.size)

    @property
    def is_matrix(self) -> bool:
        """True for 2-D weight matrices only: what Muon orthogonalises (torch.optim.Muon refuses other shapes).

        A convolution's ``(out, in, kernel)`` weight is not a matrix here: torch's Muon raises on it,
        so the core's Muon trains it with AdamW, as a torch user would have to.
        """
        return len(self.shape) == 2

    @property
    def is_weight(self) -> bool:
        """True for weights of two or more axes (matrices and convolution kernels), False for biases.

        What Adafactor factors (torch: ``grad.dim() > 1``, over the last two axes) and what the loss
        landscape normalises filter by filter (one filter per output unit or channel, the first axis).
        """
        return len(self.shape) >= 2

    @property
    def fan_in(self) -> int:
        """Inputs per output unit of a weight (torch's ``fan_in``: the product of all axes but the first)."""
        return math.prod(self.shape[1:])


@dataclass(frozen=True)
class Evaluation:
    """Loss and accuracy on the train and test sets, each shaped like the batch of θs."""

    train_loss: np.ndarray
    train_accuracy: np.ndarray
    test_loss: np.ndarray
    test_accuracy: np.ndarray


def layout_for(sizes: Sequence[int]) -> tuple[Block, ...]:
    """The blocks of ``nn.Sequential(nn.Linear(sizes[0], sizes[1]), act, ...)``: weight then bias per layer."""
    blocks, offset = [], 0
    for i, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
        index = 2 * i  # the activations take the odd indices of the Sequential
        blocks.append(Block(f"{index}.weight", (fan_out, fan_in), offset))
        offset += fan_out * fan_in
        blocks.append(Block(f"{index}.bias", (fan_out,), offset))
        offset += fan_out
    return tuple(blocks)


def linear_init(sizes: Sequence[int], seed: int) -> np.ndarray:
    """θ ``(D,)`` of seed ``seed`` in ``layout_for(sizes)``'s order: each layer's weight then bias drawn
    U(−1/√fan_in, 1/√fan_in), ``torch.nn.Linear``'s default distribution, from NumPy's generator.

    ``Network.init`` of an MLP draws the same numbers; this stand-alone form is what a network program
    carries (``core.network_program``), and a test holds the two equal."""
    rng = np.random.default_rng(seed)
    parts = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        bound = 1.0 / math.sqrt(fan_in)
        parts.append(rng.uniform(-bound, bound, fan_out * fan_in))
        parts.append(rng.uniform(-bound, bound, fan_out))
    return np.concatenate(parts)


def parameter_init(shapes: Sequence[Sequence[int]], seed: int) -> np.ndarray:
    """θ ``(D,)`` of seed ``seed`` for parameters of ``shapes`` in torch's ``parameters()`` order: each drawn
    U(−1/√fan_in, 1/√fan_in), a weight's fan_in the product of its axes but the first, a bias taking the fan_in of
    the weight before it: ``torch.nn.Linear``'s and ``nn.Conv1d``'s default distribution, from NumPy's generator.

    ``Network.init`` draws exactly this; a network program (``core.network_program``) carries it for the CNN."""
    rng = np.random.default_rng(seed)
    parts, fan_in = [], 1
    for shape in shapes:
        if len(shape) >= 2:
            fan_in = math.prod(shape[1:])
        bound = 1.0 / math.sqrt(fan_in)
        parts.append(rng.uniform(-bound, bound, math.prod(shape)))
    return np.concatenate(parts) if parts else np.empty(0)


def check_activation(activation: str) -> str:
    if activation not in ACTIVATIONS:
        raise CoreError(
            N_("Unknown activation {name}; valid ones are: {names}"),
            name=repr(activation),
            names=", ".join(ACTIVATIONS),
        )
    return activation


def activate(name: str, z: np.ndarray) -> np.ndarray:
    """The hidden activation, in place on ``z``."""
    if name == "tanh":
        return np.tanh(z, out=z)
    if name == "relu":
        return np.maximum(z, 0.0, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    z += 1.0
    return np.reciprocal(z, out=z)


def activation_slope(name: str, a: np.ndarray, out: np.ndarray) -> np.ndarray:
    """The activation's derivative written in terms of its output ``a`` (as torch's backward does), into ``out``."""
    if name == "tanh":
        np.multiply(a, a, out=out)
        return np.subtract(1.0, out, out=out)
    if name == "relu":
        return np.greater(a, 0.0, out=out)
    np.subtract(1.0, a, out=out)
    return np.multiply(out, a, out=out)


def backprop_activation_(name: str, a: np.ndarray, delta: np.ndarray, scratch: np.ndarray) -> np.ndarray:
    """``delta`` times the activation's slope at its output ``a``, in place (ReLU by a mask, in one pass)."""
    if name == "relu":
        return np.multiply(delta, a > 0.0, out=delta)
    activation_slope(name, a, scratch)
    return np.multiply(delta, scratch, out=delta)


class Network:
    """Mean training cross-entropy of a classifier network as a function of θ, with its exact gradient.

    Subclasses set ``layout`` (and ``name``, ``display_name``) and implement ``_inputs`` (how inputs
    ``(M, d)`` are held for the forward pass), ``_take`` (training inputs of some rows), ``_params``
    (θ's blocks of ``(D, N)`` as per-layer arrays), ``_make_buffers``, ``_forward`` (logits
    ``(N, classes, S)``) and ``_backward`` (the gradient from d loss / d logits), and ``_units``
    (activation elements per sample and network, to bound the memory of evaluations).
    """

    layout: tuple[Block, ...]
    name: str
    display_name: str

    def __init__(self, dataset: Dataset, layout: tuple[Block, ...]) -> None:
        self.dataset = dataset
        self.layout = layout
        self.dim: int = layout[-1].offset + layout[-1].size
        self.n_samples: int = dataset.n_train
        self._onehot = (np.arange(dataset.classes)[:, None] == dataset.y_train).astype(float)
        self._train = self._inputs(dataset.x_train)
        self._scratch = threading.local()

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_scratch"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _scratch=threading.local())

    @cached_property
    def matrices(self) -> tuple[Block, ...]:
        """The weight matrices (Muon's parameters)."""
        return tuple(b for b in self.layout if b.is_matrix)

    # ----- what an architecture supplies -------------------------------------------------------

    _units: int  # activation elements per sample and network held at once (sizes evaluation chunks)

    def _inputs(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _take(self, rows: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _params(self, P: np.ndarray) -> list:
        raise NotImplementedError

    def _make_buffers(self, n: int, samples: int) -> dict:
        raise NotImplementedError

    def _forward(self, params: list, inputs: np.ndarray, buf: dict | None = None) -> np.ndarray:
        raise NotImplementedError

    def _backward(self, params: list, inputs: np.ndarray, buf: dict, delta: np.ndarray, out: np.ndarray) -> None:
        raise NotImplementedError

    # ----- initialisation ------------------------------------------------------------------

    def init(self, seed: int | Sequence[int] = 0) -> np.ndarray:
        """θ drawn as torch's ``nn.Linear`` and ``nn.Conv1d`` do by default: U(−1/√fan_in, 1/√fan_in) for weights and biases.

        (Kaiming-uniform with a = √5 gives exactly that bound for weights; a bias takes its weight's fan_in.)
        An int gives ``(D,)``; a sequence of seeds gives ``(len(seeds), D)``, one network per seed.
        (The distribution is torch's; the random stream is NumPy's, so the numbers differ from torch's.)
        """
        seeds = np.asarray(seed)
        if seeds.ndim:
            return np.stack([self.init(int(s)) for s in seeds]) if seeds.size else np.empty((0, self.dim))
        return parameter_init([b.shape for b in self.layout], int(seeds))

    # ----- the D-dimensional objective protocol --------------------------------------------

    @staticmethod
    def _log_softmax_(logits: np.ndarray) -> np.ndarray:
        """Log-softmax over the class axis (1) of ``(N, C, S)``, in place, stable for large logits."""
        logits -= logits.max(axis=1, keepdims=True)
        logits -= np.log(np.exp(logits).sum(axis=1, keepdims=True))
        return logits

    @staticmethod
    def _loss(logp: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Mean negative log-likelihood of labels ``y`` per network: ``(N,)``."""
        return -logp[:, y, np.arange(len(y))].mean(axis=-1)

    def _map(self, P: np.ndarray, fn, samples: int) -> list[np.ndarray]:
        """``fn(params)`` on the networks of ``P`` ``(D, ...)``, in chunks that bound the activations' memory."""
        flat = P.reshape(self.dim, -1)
        step = max(1, CHUNK_ELEMENTS // max(1, samples * self._units))
        return [fn(self._params(flat[:, i : i + step])) for i in range(0, flat.shape[1], step)]

    def values(self, P: np.ndarray) -> np.ndarray:
        """Training loss of the networks in ``P`` of shape ``(D, *batch)``, returning ``(*batch)``."""
        P = np.asarray(P, dtype=float)
        inputs, y = self._train, self.dataset.y_train
        parts = self._map(P, lambda p: self._loss(self._log_softmax_(self._forward(p, inputs)), y), len(y))
        return (np.concatenate(parts) if parts else np.empty(0)).reshape(P.shape[1:])

    def _buffers(self, n: int, samples: int) -> dict:
        """Scratch arrays for ``grad_into`` (activations, back-propagated errors, slopes), kept per thread.

        Fresh megabyte-sized temporaries cost more than the arithmetic (the allocator maps new pages
        each time), so a training run reuses one set; the key is the batch and minibatch size.
        """
        cached = getattr(self._scratch, "buffers", None)
        if cached is None or cached[0] != (n, samples):
            cached = ((n, samples), self._make_buffers(n, samples))
            self._scratch.buffers = cached
        return cached[1]

    def grad_into(self, P: np.ndarray, out: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Write the gradient of the mean loss (on training ``rows``, default all) at ``P`` ``(D, N)`` into ``out``."""
        if rows is None:
            inputs, onehot = self._train, self._onehot
        else:
            inputs, onehot = self._take(rows), np.ascontiguousarray(self._onehot[:, rows])
        n, samples = P.shape[1], onehot.shape[1]
        params = self._params(P)
        buf = self._buffers(n, samples)
        logits = self._forward(params, inputs, buf)
        # d loss / d logits = (softmax − one-hot) / S
        delta = buf["dlogits"]
        np.subtract(logits, logits.max(axis=1, keepdims=True), out=delta)
        np.exp(delta, out=delta)
        delta /= delta.sum(axis=1, keepdims=True)
        delta -= onehot
        delta /= samples
        self._backward(params, inputs, buf, delta, out)
        return out

    # ----- convenience on (..., D) arrays ------------------------------------------------------

    def value(self, theta) -> np.ndarray:
        """Training loss at θ of shape ``(..., D)``, returning ``(...)``."""
        theta = np.asarray(theta, dtype=float)
        return self.values(np.moveaxis(theta, -1, 0))

    def grad(self, theta) -> np.ndarray:
        """Exact gradient at θ ``(..., D)``, returning ``(..., D)``."""
        theta = np.asarray(theta, dtype=float)
        P = theta.reshape(-1, self.dim).T.copy()
        out = np.empty_like(P)
        self.grad_into(P, out)
        return out.T.reshape(theta.shape)

    def logits(self, theta, x) -> np.ndarray:
        """Logits ``(..., M, classes)`` of the networks θ ``(..., D)`` on inputs ``x`` ``(M, d)``."""
        theta = np.asarray(theta, dtype=float)
        x = np.asarray(x, dtype=float)
        inputs, classes = self._inputs(x), self.dataset.classes
        parts = self._map(np.moveaxis(theta, -1, 0), lambda p: self._forward(p, inputs).transpose(0, 2, 1), len(x))
        flat = np.concatenate(parts) if parts else np.empty((0, len(x), classes))
        return flat.reshape((*theta.shape[:-1], len(x), classes))

    def predict(self, theta, x) -> np.ndarray:
        """Predicted class ``(..., M)`` of networks θ ``(..., D)`` on inputs ``x`` ``(M, d)``."""
        return self.logits(theta, x).argmax(axis=-1)

    def _scores(self, theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        inputs = self._inputs(x)

        def both(p):
            logits = self._forward(p, inputs)
            correct = (logits.argmax(axis=1) == y).mean(axis=-1)
            return np.stack([self._loss(self._log_softmax_(logits), y), correct])

        parts = self._map(np.moveaxis(theta, -1, 0), both, len(y))
        flat = np.concatenate(parts, axis=1) if parts else np.empty((2, 0))
        return flat[0].reshape(theta.shape[:-1]), flat[1].reshape(theta.shape[:-1])

    def test_scores(self, theta) -> tuple[np.ndarray, np.ndarray]:
        """Test loss and accuracy for θ ``(..., D)`` (NaN loss for non-finite θ): ``evaluate`` without the
        training split, which tuning never scores and which costs (1 − test fraction) / test fraction as much."""
        theta = np.asarray(theta, dtype=float)
        with np.errstate(all="ignore"):
            return self._scores(theta, self.dataset.x_test, self.dataset.y_test)

    def evaluate(self, theta) -> Evaluation:
        """Train/test loss and accuracy for θ ``(..., D)`` (NaN loss for non-finite θ)."""
        theta = np.asarray(theta, dtype=float)
        with np.errstate(all="ignore"):
            tr = self._scores(theta, self.dataset.x_train, self.dataset.y_train)
            te = self._scores(theta, self.dataset.x_test, self.dataset.y_test)
        return Evaluation(tr[0], tr[1], te[0], te[1])


class MLP(Network):
    """``nn.Sequential(Linear, act, ..., Linear)``: with ``residual``, each hidden layer after the first adds its input.

    ``residual=True`` is the MNIST-1D paper's ``MLPBase`` (``h = h + act(W h + b)`` for every hidden
    layer whose width equals its input's); the layout is unchanged (a residual adds no parameter).
    """

    def __init__(
        self, dataset: Dataset, hidden: Sequence[int] = (16, 16), activation: str = "tanh", residual: bool = False
    ) -> None:
        check_activation(activation)
        hidden = tuple(int(h) for h in hidden)
        if any(h < 1 for h in hidden):
            raise CoreError(N_("Invalid hidden sizes {value}: every layer needs at least one unit"), value=repr(hidden))
        self.hidden = hidden
        self.activation = activation
        self.residual = bool(residual)
        self.sizes: tuple[int, ...] = (dataset.features, *hidden, dataset.classes)
        # Hidden layers k ≥ 1 that add their input (widths must agree for the sum).
        self._skip = tuple(
            self.residual and 0 < k < len(hidden) and hidden[k] == hidden[k - 1] for k in range(len(hidden) + 1)
        )
        self._units = max(self.sizes)
        super().__init__(dataset, layout_for(self.sizes))
        self.name = f"mlp-{dataset.name}"
        # A `Message`, so the app names the network in its language ("双月上的 2-16-16-2 tanh 网络").
        plain = N_("{sizes} {activation} network on {dataset}")
        self.display_name = Message(
            N_("{sizes} {activation} residual network on {dataset}") if any(self._skip) else plain,
            sizes="-".join(map(str, self.sizes)),
            activation=activation,
            dataset=Message(dataset.display_name),
        )

    def __repr__(self) -> str:
        extra = ", residual=True" if self.residual else ""
        return f"MLP({self.dataset.name}, sizes={self.sizes}, activation={self.activation!r}{extra})"

    # Inside, activations are laid out (N, width, S): networks, units, samples. Reductions over
    # units then run along contiguous samples, and dW = δ·aᵀ comes out as (N, out, in), θ's order.

    def _inputs(self, x: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(x.T)

    def _take(self, rows: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(self._train[:, rows])

    def _params(self, P: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per layer, the weights ``(N, out, in)`` and biases ``(N, out, 1)`` of the networks in ``P`` ``(D, N)``."""
        n = P.shape[1]
        out = []
        for w, b in zip(self.layout[::2], self.layout[1::2], strict=False):
            W = np.ascontiguousarray(P[w.slice].reshape((*w.shape, n)).transpose(2, 0, 1))
            out.append((W, np.ascontiguousarray(P[b.slice].T)[:, :, None]))
        return out

    def _make_buffers(self, n: int, samples: int, backward: bool = True) -> dict:
        """Per layer: its activation ``act(z)``, its output (the same array unless it adds its input), δ and slopes
        (without ``backward``, a forward pass alone: the activations only, a third of the memory)."""
        shapes = [(n, width, samples) for width in self.sizes[1:]]
        acts = [np.empty(s) for s in shapes]
        outs = [np.empty(s) if skip else a for s, a, skip in zip(shapes, acts, self._skip, strict=False)]
        if not backward:
            return {"acts": acts, "outs": outs}
        deltas = [np.empty(s) for s in shapes]
        return {
            "acts": acts,
            "outs": outs,
            "deltas": deltas,
            "tmps": [np.empty(s) for s in shapes],
            "dlogits": deltas[-1],
        }

    def _forward(self, params, xt: np.ndarray, buf: dict | None = None) -> np.ndarray:
        """The logits ``(N, classes, S)`` for inputs ``xt`` ``(d, S)``, every layer's activation and output kept in ``buf``."""
        n, samples = params[0][0].shape[0], xt.shape[1]
        if buf is None:  # values and evaluations: no room for the backward pass
            buf = self._make_buffers(n, samples, backward=False)
        acts, outs = buf["acts"], buf["outs"]
        W = params[0][0]
        # The first layer shares its input across networks: one matrix product for all of them.
        np.matmul(W.reshape(-1, W.shape[2]), xt, out=acts[0].reshape(-1, samples))
        for k, a in enumerate(acts):
            if k:
                np.matmul(params[k][0], outs[k - 1], out=a)
            a += params[k][1]
            if k < len(acts) - 1:
                activate(self.activation, a)
                if self._skip[k]:
                    np.add(outs[k - 1], a, out=outs[k])
        return acts[-1]

    def _backward(self, params, xt: np.ndarray, buf: dict, delta: np.ndarray, out: np.ndarray) -> None:
        acts, outs, deltas, tmps = buf["acts"], buf["outs"], buf["deltas"], buf["tmps"]
        n, samples = delta.shape[0], delta.shape[2]
        # ``delta`` is d loss / d z_k (pre-activation); ``carry`` d loss / d outs[k-1] through a skip.
        for k in range(len(params) - 1, -1, -1):
            w, b = self.layout[2 * k], self.layout[2 * k + 1]
            if k:
                h = outs[k - 1]
                dW = np.matmul(delta, h.transpose(0, 2, 1))
            else:
                dW = np.matmul(delta.reshape(-1, samples), xt.T).reshape(n, *w.shape)
            out[w.slice].reshape((*w.shape, n))[...] = dW.transpose(1, 2, 0)
            out[b.slice] = delta.sum(axis=2).T
            if k:
                below, slope = deltas[k - 1], tmps[k - 1]
                np.matmul(params[k][0].transpose(0, 2, 1), delta, out=below)  # d loss / d outs[k-1]
                if self._skip[k]:
                    below += buf["carry"]  # outs[k] = outs[k-1] + acts[k]: its error flows on unchanged
                if self._skip[k - 1]:
                    buf["carry"] = below.copy()
                backprop_activation_(self.activation, acts[k - 1], below, slope)
                delta = below


def mlp(dataset: Dataset, hidden: Sequence[int] = (16, 16), activation: str = "tanh", residual: bool = False) -> MLP:
    """The training loss of ``nn.Sequential(Linear, act, ..., Linear)`` on ``dataset`` as an objective of θ.

    ``hidden=()`` is logistic (softmax) regression; ``residual=True`` adds each hidden layer's input
    to its output where the widths agree (the MNIST-1D paper's MLP: ``mlp(ds, (100, 100), "relu", residual=True)``).
    """
    return MLP(dataset, hidden, activation, residual)
