"""A multilayer perceptron as an objective over a flat parameter vector θ, with backprop by hand.

``mlp(dataset)`` returns an ``MLP``: the mean cross-entropy of a classifier on the training set as a
function of θ, laid out exactly as ``parameters_to_vector(nn.Sequential(nn.Linear, act, ...))``.
It follows the simulator's D-dimensional protocol (``dim``, ``values(P)``, ``grad_into(P, out)``
on ``(D, N)`` arrays), so ``core.simulate`` trains a whole batch of networks at once: every
operation is batched over networks with ``matmul``; Python loops run over layers only.
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
from .messages import N_, CoreError

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
        """True for weight matrices (what Muon orthogonalises), False for biases."""
        return len(self.shape) == 2


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
    U(−1/√fan_in, 1/√fan_in), ``torch.nn.Linear``'s default distribution, from NumPy's generator."""
    rng = np.random.default_rng(seed)
    parts = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        bound = 1.0 / math.sqrt(fan_in)
        parts.append(rng.uniform(-bound, bound, fan_out * fan_in))
        parts.append(rng.uniform(-bound, bound, fan_out))
    return np.concatenate(parts)


def _activate(name: str, z: np.ndarray) -> np.ndarray:
    """The hidden activation, in place on ``z``."""
    if name == "tanh":
        return np.tanh(z, out=z)
    if name == "relu":
        return np.maximum(z, 0.0, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    z += 1.0
    return np.reciprocal(z, out=z)


def _activation_slope(name: str, a: np.ndarray, out: np.ndarray) -> np.ndarray:
    """The activation's derivative written in terms of its output ``a`` (as torch's backward does), into ``out``."""
    if name == "tanh":
        np.multiply(a, a, out=out)
        return np.subtract(1.0, out, out=out)
    if name == "relu":
        return np.greater(a, 0.0, out=out)
    np.subtract(1.0, a, out=out)
    return np.multiply(out, a, out=out)


class MLP:
    """Mean training cross-entropy of an MLP classifier as a function of θ, with its exact gradient."""

    def __init__(self, dataset: Dataset, hidden: Sequence[int] = (16, 16), activation: str = "tanh") -> None:
        if activation not in ACTIVATIONS:
            raise CoreError(
                N_("Unknown activation {name}; valid ones are: {names}"),
                name=repr(activation),
                names=", ".join(ACTIVATIONS),
            )
        hidden = tuple(int(h) for h in hidden)
        if any(h < 1 for h in hidden):
            raise CoreError(N_("Invalid hidden sizes {value}: every layer needs at least one unit"), value=repr(hidden))
        self.dataset = dataset
        self.hidden = hidden
        self.activation = activation
        self.sizes: tuple[int, ...] = (dataset.features, *hidden, dataset.classes)
        self.layout: tuple[Block, ...] = layout_for(self.sizes)
        self.dim: int = self.layout[-1].offset + self.layout[-1].size
        self.name = f"mlp-{dataset.name}"
        self.display_name = f"{'-'.join(map(str, self.sizes))} {activation} network on {dataset.display_name}"
        self.n_samples: int = dataset.n_train
        self._xt = np.ascontiguousarray(dataset.x_train.T)
        self._onehot = (np.arange(dataset.classes)[:, None] == dataset.y_train).astype(float)
        self._scratch = threading.local()

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_scratch"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _scratch=threading.local())

    def __repr__(self) -> str:
        return f"MLP({self.dataset.name}, sizes={self.sizes}, activation={self.activation!r})"

    @cached_property
    def matrices(self) -> tuple[Block, ...]:
        """The weight matrices (Muon's parameters)."""
        return tuple(b for b in self.layout if b.is_matrix)

    # ----- initialisation ------------------------------------------------------------------

    def init(self, seed: int | Sequence[int] = 0) -> np.ndarray:
        """θ drawn as ``torch.nn.Linear`` does by default: U(−1/√fan_in, 1/√fan_in) for weights and biases.

        An int gives ``(D,)``; a sequence of seeds gives ``(len(seeds), D)``, one network per seed.
        (The distribution is torch's; the random stream is NumPy's, so the numbers differ from torch's.)
        """
        seeds = np.asarray(seed)
        if seeds.ndim:
            return np.stack([self.init(int(s)) for s in seeds]) if seeds.size else np.empty((0, self.dim))
        return linear_init(self.sizes, int(seeds))

    # ----- the D-dimensional objective protocol --------------------------------------------
    # Inside, activations are laid out (N, width, S): networks, units, samples. Reductions over
    # units then run along contiguous samples, and dW = δ·aᵀ comes out as (N, out, in), θ's order.

    def _params(self, P: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per layer, the weights ``(N, out, in)`` and biases ``(N, out, 1)`` of the networks in ``P`` ``(D, N)``."""
        n = P.shape[1]
        out = []
        for w, b in zip(self.layout[::2], self.layout[1::2], strict=False):
            W = np.ascontiguousarray(P[w.slice].reshape((*w.shape, n)).transpose(2, 0, 1))
            out.append((W, np.ascontiguousarray(P[b.slice].T)[:, :, None]))
        return out

    def _forward(self, params, xt: np.ndarray, acts: list[np.ndarray] | None = None) -> list[np.ndarray]:
        """Every layer's output ``(N, width, S)`` for inputs ``xt`` ``(d, S)``: hidden activations, then logits.

        ``acts`` are buffers to write into (the gradient reuses them across steps); fresh ones otherwise.
        """
        n, samples = params[0][0].shape[0], xt.shape[1]
        if acts is None:
            acts = [np.empty((n, width, samples)) for width in self.sizes[1:]]
        W = params[0][0]
        # The first layer shares its input across networks: one matrix product for all of them.
        np.matmul(W.reshape(-1, W.shape[2]), xt, out=acts[0].reshape(-1, samples))
        for k, a in enumerate(acts):
            if k:
                np.matmul(params[k][0], acts[k - 1], out=a)
            a += params[k][1]
            if k < len(acts) - 1:
                _activate(self.activation, a)
        return acts

    @staticmethod
    def _log_softmax_(logits: np.ndarray) -> np.ndarray:
        """Log-softmax over the class axis (1) of ``(N, C, S)``, in place, stable for large logits."""
        logits -= logits.max(axis=1, keepdims=True)
        logits -= np.log(np.exp(logits).sum(axis=1, keepdims=True))
        return logits

    def _loss(self, logp: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Mean negative log-likelihood of labels ``y`` per network: ``(N,)``."""
        return -logp[:, y, np.arange(len(y))].mean(axis=-1)

    def _map(self, P: np.ndarray, fn, samples: int) -> list[np.ndarray]:
        """``fn(params)`` on the networks of ``P`` ``(D, ...)``, in chunks that bound the activations' memory."""
        flat = P.reshape(self.dim, -1)
        step = max(1, CHUNK_ELEMENTS // max(1, samples * max(self.sizes)))
        return [fn(self._params(flat[:, i : i + step])) for i in range(0, flat.shape[1], step)]

    def values(self, P: np.ndarray) -> np.ndarray:
        """Training loss of the networks in ``P`` of shape ``(D, *batch)``, returning ``(*batch)``."""
        P = np.asarray(P, dtype=float)
        xt, y = self._xt, self.dataset.y_train
        parts = self._map(P, lambda p: self._loss(self._log_softmax_(self._forward(p, xt)[-1]), y), len(y))
        return (np.concatenate(parts) if parts else np.empty(0)).reshape(P.shape[1:])

    def _buffers(self, n: int, samples: int) -> list[list[np.ndarray]]:
        """Scratch arrays for ``grad_into`` (activations, back-propagated errors, slopes), kept per thread.

        Fresh megabyte-sized temporaries cost more than the arithmetic (the allocator maps new pages
        each time), so a training run reuses one set; the key is the batch and minibatch size.
        """
        cached = getattr(self._scratch, "buffers", None)
        if cached is None or cached[0] != (n, samples):
            shapes = [(n, width, samples) for width in self.sizes[1:]]
            cached = ((n, samples), [[np.empty(s) for s in shapes] for _ in range(3)])
            self._scratch.buffers = cached
        return cached[1]

    def grad_into(self, P: np.ndarray, out: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Write the gradient of the mean loss (on training ``rows``, default all) at ``P`` ``(D, N)`` into ``out``."""
        if rows is None:
            xt, onehot = self._xt, self._onehot
        else:
            xt, onehot = np.ascontiguousarray(self._xt[:, rows]), np.ascontiguousarray(self._onehot[:, rows])
        n, samples = P.shape[1], xt.shape[1]
        params = self._params(P)
        acts, deltas, tmps = self._buffers(n, samples)
        self._forward(params, xt, acts)
        # d loss / d logits = (softmax − one-hot) / S
        delta = deltas[-1]
        np.subtract(acts[-1], acts[-1].max(axis=1, keepdims=True), out=delta)
        np.exp(delta, out=delta)
        delta /= delta.sum(axis=1, keepdims=True)
        delta -= onehot
        delta /= samples
        for k in range(len(params) - 1, -1, -1):
            w, b = self.layout[2 * k], self.layout[2 * k + 1]
            if k:
                a = acts[k - 1]
                dW = np.matmul(delta, a.transpose(0, 2, 1))
            else:
                dW = np.matmul(delta.reshape(-1, samples), xt.T).reshape(n, *w.shape)
            out[w.slice].reshape((*w.shape, n))[...] = dW.transpose(1, 2, 0)
            out[b.slice] = delta.sum(axis=2).T
            if k:
                below, slope = deltas[k - 1], tmps[k - 1]
                np.matmul(params[k][0].transpose(0, 2, 1), delta, out=below)
                _activation_slope(self.activation, a, slope)
                below *= slope
                delta = below
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
        xt = np.ascontiguousarray(x.T)
        parts = self._map(np.moveaxis(theta, -1, 0), lambda p: self._forward(p, xt)[-1].transpose(0, 2, 1), len(x))
        flat = np.concatenate(parts) if parts else np.empty((0, len(x), self.sizes[-1]))
        return flat.reshape((*theta.shape[:-1], len(x), self.sizes[-1]))

    def predict(self, theta, x) -> np.ndarray:
        """Predicted class ``(..., M)`` of networks θ ``(..., D)`` on inputs ``x`` ``(M, d)``."""
        return self.logits(theta, x).argmax(axis=-1)

    def _scores(self, theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        xt = np.ascontiguousarray(x.T)

        def both(p):
            logits = self._forward(p, xt)[-1]
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


def mlp(dataset: Dataset, hidden: Sequence[int] = (16, 16), activation: str = "tanh") -> MLP:
    """The training loss of ``nn.Sequential(Linear, act, ..., Linear)`` on ``dataset`` as an objective of θ."""
    return MLP(dataset, hidden, activation)
