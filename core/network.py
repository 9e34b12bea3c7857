"""A multilayer perceptron as an objective over a flat parameter vector θ, with backprop by hand.

``mlp(dataset)`` returns an ``MLP``: the mean cross-entropy of a classifier on the training set as a
function of θ, laid out exactly as ``parameters_to_vector(nn.Sequential(nn.Linear, act, ...))``.
It follows the simulator's D-dimensional protocol (``dim``, ``values(P)``, ``grad_into(P, out)``
on ``(D, N)`` arrays), so ``core.simulate`` trains a whole batch of networks at once: every
operation is batched over networks with ``matmul``; Python loops run over layers only.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Sequence

import numpy as np

from .datasets import Dataset

ACTIVATIONS: tuple[str, ...] = ("tanh", "relu", "sigmoid")
# Largest number of activations (networks × samples × width) held at once when evaluating many θs.
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
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        index = 2 * i  # the activations take the odd indices of the Sequential
        blocks.append(Block(f"{index}.weight", (fan_out, fan_in), offset))
        offset += fan_out * fan_in
        blocks.append(Block(f"{index}.bias", (fan_out,), offset))
        offset += fan_out
    return tuple(blocks)


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


def _activation_slope(name: str, a: np.ndarray) -> np.ndarray:
    """The activation's derivative written in terms of its output ``a`` (as torch's backward does)."""
    if name == "tanh":
        return 1.0 - a * a
    if name == "relu":
        return (a > 0).astype(a.dtype)
    return a * (1.0 - a)


class MLP:
    """Mean training cross-entropy of an MLP classifier as a function of θ, with its exact gradient."""

    def __init__(self, dataset: Dataset, hidden: Sequence[int] = (16, 16), activation: str = "tanh") -> None:
        if activation not in ACTIVATIONS:
            raise ValueError(f"Unknown activation {activation!r}; valid ones are: {', '.join(ACTIVATIONS)}")
        hidden = tuple(int(h) for h in hidden)
        if any(h < 1 for h in hidden):
            raise ValueError(f"Invalid hidden sizes {hidden!r}: every layer needs at least one unit")
        self.dataset = dataset
        self.hidden = hidden
        self.activation = activation
        self.sizes: tuple[int, ...] = (dataset.features, *hidden, dataset.classes)
        self.layout: tuple[Block, ...] = layout_for(self.sizes)
        self.dim: int = self.layout[-1].offset + self.layout[-1].size
        self.name = f"mlp-{dataset.name}"
        self.display_name = f"{'-'.join(map(str, self.sizes))} {activation} network on {dataset.display_name}"
        self.n_samples: int = dataset.n_train

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
        if np.ndim(seed):
            return np.stack([self.init(int(s)) for s in seed]) if len(seed) else np.empty((0, self.dim))
        rng = np.random.default_rng(int(seed))
        theta = np.empty(self.dim)
        for b in self.layout:
            fan_in = self.sizes[int(b.name.split(".")[0]) // 2]
            bound = 1.0 / math.sqrt(fan_in)
            theta[b.slice] = rng.uniform(-bound, bound, b.size)
        return theta

    # ----- the D-dimensional objective protocol --------------------------------------------

    def _params(self, P: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per layer, the weights ``(N, in, out)`` and biases ``(N, 1, out)`` of the networks in ``P`` ``(D, N)``."""
        n = P.shape[1]
        out = []
        for w, b in zip(self.layout[::2], self.layout[1::2]):
            fan_out, fan_in = w.shape
            W = np.ascontiguousarray(P[w.slice].reshape(fan_out, fan_in, n).transpose(2, 1, 0))
            out.append((W, np.ascontiguousarray(P[b.slice].T).reshape(n, 1, fan_out)))
        return out

    def _forward(self, params, x: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
        """Hidden activations ``(N, S, width)`` of every layer and the logits ``(N, S, classes)``."""
        acts = [x]
        a = x
        for W, b in params[:-1]:
            z = np.matmul(a, W)
            z += b
            a = _activate(self.activation, z)
            acts.append(a)
        W, b = params[-1]
        logits = np.matmul(a, W)
        logits += b
        return acts, logits

    @staticmethod
    def _log_softmax(logits: np.ndarray) -> np.ndarray:
        """Row-wise log-softmax over the last axis, stable for large logits."""
        z = logits - logits.max(axis=-1, keepdims=True)
        z -= np.log(np.exp(z).sum(axis=-1, keepdims=True))
        return z

    def _loss(self, logp: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Mean negative log-likelihood of labels ``y`` per network: ``(N,)``."""
        picked = np.take_along_axis(logp, np.broadcast_to(y[None, :, None], logp.shape[:2] + (1,)), axis=-1)
        return -picked[..., 0].mean(axis=-1)

    def _chunks(self, n: int, samples: int) -> int:
        width = max(self.sizes)
        return max(1, CHUNK_ELEMENTS // max(1, samples * width))

    def _map(self, P: np.ndarray, fn, samples: int) -> list[np.ndarray]:
        """Apply ``fn(params)`` to the networks of ``P`` ``(D, ...)`` in chunks; results per chunk, flattened batch."""
        batch = P.shape[1:]
        flat = P.reshape(self.dim, -1)
        step = self._chunks(flat.shape[1], samples)
        return [fn(self._params(flat[:, i:i + step])) for i in range(0, flat.shape[1], step)] if flat.shape[1] else []

    def values(self, P: np.ndarray) -> np.ndarray:
        """Training loss of the networks in ``P`` of shape ``(D, *batch)``, returning ``(*batch)``."""
        P = np.asarray(P, dtype=float)
        x, y = self.dataset.x_train, self.dataset.y_train
        parts = self._map(P, lambda p: self._loss(self._log_softmax(self._forward(p, x)[1]), y), len(y))
        return (np.concatenate(parts) if parts else np.empty(0)).reshape(P.shape[1:])

    def grad_into(self, P: np.ndarray, out: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Write the gradient of the loss (on training ``rows``, default all) at ``P`` ``(D, N)`` into ``out``."""
        x, y = self.dataset.x_train, self.dataset.y_train
        if rows is not None:
            x, y = x[rows], y[rows]
        n, samples = P.shape[1], len(y)
        params = self._params(P)
        acts, logits = self._forward(params, x)
        # d loss / d logits = (softmax − one-hot) / S
        delta = self._log_softmax(logits)
        np.exp(delta, out=delta)
        delta[:, np.arange(samples), y] -= 1.0
        delta /= samples
        for layer in range(len(params) - 1, -1, -1):
            w, b = self.layout[2 * layer], self.layout[2 * layer + 1]
            a = acts[layer]
            dW = np.matmul(a.T if a.ndim == 2 else a.transpose(0, 2, 1), delta)  # (N, in, out)
            out[w.slice].reshape(w.shape + (n,))[...] = dW.transpose(2, 1, 0)
            out[b.slice] = delta.sum(axis=1).T
            if layer:
                delta = np.matmul(delta, params[layer][0].transpose(0, 2, 1))
                delta *= _activation_slope(self.activation, a)
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
        parts = self._map(np.moveaxis(theta, -1, 0), lambda p: self._forward(p, x)[1], len(x))
        flat = np.concatenate(parts) if parts else np.empty((0, len(x), self.sizes[-1]))
        return flat.reshape(theta.shape[:-1] + (len(x), self.sizes[-1]))

    def predict(self, theta, x) -> np.ndarray:
        """Predicted class ``(..., M)`` of networks θ ``(..., D)`` on inputs ``x`` ``(M, d)``."""
        return self.logits(theta, x).argmax(axis=-1)

    def _scores(self, theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        def both(p):
            logits = self._forward(p, x)[1]
            return np.stack([self._loss(self._log_softmax(logits), y), (logits.argmax(-1) == y).mean(-1)])
        parts = self._map(np.moveaxis(theta, -1, 0), both, len(y))
        flat = np.concatenate(parts, axis=1) if parts else np.empty((2, 0))
        return flat[0].reshape(theta.shape[:-1]), flat[1].reshape(theta.shape[:-1])

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
