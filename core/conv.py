"""A 1-D convolutional network as an objective over θ, with backprop by hand: ``cnn(dataset)``.

``CNN`` is ``nn.Sequential(Conv1d, act, Conv1d, act, ..., Flatten, Linear)`` on inputs of one
channel (each row of ``x`` is a signal of ``dataset.features`` samples), θ laid out as torch's
``parameters_to_vector`` of it. The defaults are the MNIST-1D paper's ``ConvBase``: three
convolutions of 25 channels, kernels 5, 3, 3, stride 2, padding 1, ReLU, then one linear layer.

Every convolution is one batched matrix product over unfolded windows (im2col): the padded input
``(N, S, L, C)`` (networks, samples, positions, channels: channels last, so the product's output
is the next layer's input as it stands) is cut into windows with ``sliding_window_view``, copied
into ``(N, S · L_out, K · C)`` and multiplied by the weights ``(N, K · C, out)``. The backward
pass multiplies the same way and folds the windows' errors back with one strided addition per
kernel tap. Python loops run over layers and kernel taps only, never over positions, samples or
networks.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .datasets import Dataset
from .messages import N_, CoreError, Message
from .network import Block, Network, activate, backprop_activation_, check_activation


def conv_layout(
    channels: Sequence[int], kernels: Sequence[int], in_channels: int, flat: int, classes: int
) -> tuple[Block, ...]:
    """The blocks of ``nn.Sequential(Conv1d, act, ..., Flatten, Linear)``: weight ``(out, in, K)`` then bias per layer."""
    blocks, offset, c_in = [], 0, in_channels
    for i, (c, k) in enumerate(zip(channels, kernels, strict=True)):
        for name, shape in ((f"{2 * i}.weight", (c, c_in, k)), (f"{2 * i}.bias", (c,))):
            blocks.append(Block(name, shape, offset))
            offset += blocks[-1].size
        c_in = c
    linear = 2 * len(channels) + 1  # the activations take the odd indices, then Flatten
    blocks.append(Block(f"{linear}.weight", (classes, flat), offset))
    blocks.append(Block(f"{linear}.bias", (classes,), offset + classes * flat))
    return tuple(blocks)


def output_lengths(length: int, kernels: Sequence[int], stride: int, padding: int) -> tuple[int, ...]:
    """Signal length after each convolution (torch's ``(L + 2p − K) // s + 1``), starting with the input's."""
    out = [int(length)]
    for k in kernels:
        out.append((out[-1] + 2 * padding - k) // stride + 1)
    return tuple(out)


def _positive_ints(name: str, values: Sequence[int]) -> tuple[int, ...]:
    try:
        out = tuple(int(v) for v in values)
    except (TypeError, ValueError):
        out = ()
    if not out or any(v < 1 for v in out) or any(int(v) != v for v in values):
        raise CoreError(N_("Invalid {name} {value}: expected one or more integers >= 1"), name=name, value=repr(values))
    return out


class CNN(Network):
    """Mean training cross-entropy of a 1-D convolutional classifier as a function of θ, with its exact gradient."""

    def __init__(
        self,
        dataset: Dataset,
        channels: Sequence[int] = (25, 25, 25),
        kernels: Sequence[int] = (5, 3, 3),
        stride: int = 2,
        padding: int = 1,
        activation: str = "relu",
    ) -> None:
        check_activation(activation)
        self.channels = _positive_ints("channels", channels)
        self.kernels = _positive_ints("kernels", kernels)
        if len(self.channels) != len(self.kernels):
            raise CoreError(
                N_("Invalid kernels {value}: expected one kernel size per convolution ({count})"),
                value=repr(kernels),
                count=len(self.channels),
            )
        if isinstance(stride, bool) or int(stride) != stride or stride < 1:
            raise CoreError(N_("Invalid stride: {value} (expected an integer >= 1)"), value=repr(stride))
        if isinstance(padding, bool) or int(padding) != padding or padding < 0:
            raise CoreError(N_("Invalid padding: {value} (expected an integer >= 0)"), value=repr(padding))
        self.stride, self.padding, self.activation = int(stride), int(padding), activation
        self.lengths = output_lengths(dataset.features, self.kernels, self.stride, self.padding)
        if min(self.lengths) < 1:
            raise CoreError(
                N_("The signal of {length} samples is too short for these convolutions (lengths {lengths})"),
                length=dataset.features,
                lengths=" → ".join(map(str, self.lengths)),
            )
        flat = self.channels[-1] * self.lengths[-1]
        self._widths = (1, *self.channels)  # channels into each convolution, and out of the last
        # Per sample and network, the largest block of activations or unfolded windows held at once.
        self._units = max(
            max(L * c for L, c in zip(self.lengths[1:], self.channels, strict=True)),
            max(L * c * k for L, c, k in zip(self.lengths[1:], self._widths, self.kernels, strict=False)),
        )
        super().__init__(dataset, conv_layout(self.channels, self.kernels, 1, flat, dataset.classes))
        self.name = f"cnn-{dataset.name}"
        self.display_name = Message(  # a `Message`: the app names the network in its language
            N_("{layers}-layer {activation} CNN ({channels} channels, kernels {kernels}) on {dataset}"),
            layers=len(self.channels),
            activation=activation,
            channels="-".join(map(str, self.channels)),
            kernels="-".join(map(str, self.kernels)),
            dataset=Message(dataset.display_name),
        )

    def __repr__(self) -> str:
        return (
            f"CNN({self.dataset.name}, channels={self.channels}, kernels={self.kernels}, stride={self.stride}, "
            f"padding={self.padding}, activation={self.activation!r})"
        )

    # ----- inputs and parameters -----------------------------------------------------------------

    def _unfold(self, a: np.ndarray, k: int, length: int) -> np.ndarray:
        """Windows of ``k`` positions of ``a`` (``(..., L_padded, C)``) at every ``stride``: ``(..., length, k, C)`` (a view).

        Tap-major, channels innermost: copying the windows then moves contiguous runs of channels.
        """
        windows = sliding_window_view(a, k, axis=-2)[..., :: self.stride, :, :][..., :length, :, :]
        return windows.swapaxes(-1, -2)

    def _inputs(self, x: np.ndarray) -> np.ndarray:
        """The first convolution's windows of signals ``x`` ``(M, L)``: ``(M, L_1, K_1)``, shared by every network."""
        p = self.padding
        padded = np.zeros((len(x), x.shape[1] + 2 * p, 1))
        padded[:, p : p + x.shape[1], 0] = x
        return np.ascontiguousarray(self._unfold(padded, self.kernels[0], self.lengths[1])[..., 0])

    def _take(self, rows: np.ndarray) -> np.ndarray:
        return self._train[rows]

    def _params(self, P: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per layer, weights ready to multiply and biases of the networks in ``P`` ``(D, N)``.

        A convolution's ``(C_out, C_in, K)`` weights become ``(N, K · C_in, C_out)`` (tap-major, as the
        windows are laid out) and its bias
        ``(N, 1, C_out)``; the linear layer's ``(classes, C, L)`` weights are reordered to
        ``(N, classes, L · C)``, the order of the channels-last features, its bias ``(N, classes, 1)``.
        """
        n = P.shape[1]
        out = []
        for w, b in zip(self.layout[:-2:2], self.layout[1:-2:2], strict=True):
            W = P[w.slice].reshape((*w.shape, n)).transpose(3, 2, 1, 0).reshape(n, -1, w.shape[0])
            out.append((W, np.ascontiguousarray(P[b.slice].T)[:, None, :]))
        w, b = self.layout[-2], self.layout[-1]
        classes, length, c = w.shape[0], self.lengths[-1], self.channels[-1]
        W = P[w.slice].reshape(classes, c, length, n).transpose(3, 0, 2, 1).reshape(n, classes, length * c)
        out.append((W, np.ascontiguousarray(P[b.slice].T)[:, :, None]))
        return out

    def _make_buffers(self, n: int, samples: int) -> dict:
        """Activations ``(N, S · L, C)``, their errors and slopes, zero-padded inputs and windows per layer."""
        shapes = [(n, samples * L, c) for L, c in zip(self.lengths[1:], self.channels, strict=True)]
        p, pads, cols = self.padding, [], []
        for i in range(1, len(self.channels)):
            c_in, length_in, k = self.channels[i - 1], self.lengths[i], self.kernels[i]
            pads.append(np.zeros((n, samples, length_in + 2 * p, c_in)))  # the borders stay zero
            cols.append(np.empty((n, samples, self.lengths[i + 1], k, c_in)))
        return {
            "acts": [np.empty(s) for s in shapes],
            "deltas": [np.empty(s) for s in shapes],
            "tmps": [np.empty(s) for s in shapes],
            "pads": pads,
            "cols": cols,
            "dpads": [np.empty_like(a) for a in pads],
            "dlogits": np.empty((n, self.dataset.classes, samples)),
        }

    # ----- forward and backward --------------------------------------------------------------------

    def _forward(self, params, windows: np.ndarray, buf: dict | None = None) -> np.ndarray:
        """The logits ``(N, classes, S)`` for first-layer windows ``(S, L_1, K_1)``; activations kept in ``buf``."""
        n, samples = params[0][0].shape[0], windows.shape[0]
        if buf is None:
            buf = self._make_buffers(n, samples)
        acts, p = buf["acts"], self.padding
        # The first convolution shares its windows across networks: one broadcast product.
        np.matmul(windows.reshape(-1, windows.shape[-1]), params[0][0], out=acts[0])
        for i, a in enumerate(acts):
            if i:
                pad, cols = buf["pads"][i - 1], buf["cols"][i - 1]
                pad[:, :, p : p + self.lengths[i], :] = acts[i - 1].reshape(n, samples, self.lengths[i], -1)
                np.copyto(cols, self._unfold(pad, self.kernels[i], self.lengths[i + 1]))
                np.matmul(cols.reshape(n, -1, cols.shape[-2] * cols.shape[-1]), params[i][0], out=a)
            a += params[i][1]
            activate(self.activation, a)
        features = acts[-1].reshape(n, samples, -1)
        W, bias = params[-1]
        logits = np.matmul(W, features.transpose(0, 2, 1))
        logits += bias
        return logits

    def _backward(self, params, windows: np.ndarray, buf: dict, delta: np.ndarray, out: np.ndarray) -> None:
        acts, deltas, tmps = buf["acts"], buf["deltas"], buf["tmps"]
        n, samples = delta.shape[0], delta.shape[2]
        p = self.padding
        # The linear layer: its weights' gradient goes back to torch's (classes, C, L) order.
        w, b = self.layout[-2], self.layout[-1]
        classes, length, c = w.shape[0], self.lengths[-1], self.channels[-1]
        features = acts[-1].reshape(n, samples, -1)
        dW = np.matmul(delta, features)  # (N, classes, L · C)
        out[w.slice].reshape(classes, c, length, n)[...] = dW.reshape(n, classes, length, c).transpose(1, 3, 2, 0)
        out[b.slice] = delta.sum(axis=2).T
        below = deltas[-1]
        np.matmul(delta.transpose(0, 2, 1), params[-1][0], out=below.reshape(n, samples, -1))
        for i in range(len(acts) - 1, -1, -1):
            dz = backprop_activation_(self.activation, acts[i], deltas[i], tmps[i])  # d loss / d pre-activation
            w, b = self.layout[2 * i], self.layout[2 * i + 1]
            c_out, c_in, k = w.shape
            if i:
                cols = buf["cols"][i - 1]
                flat_cols = cols.reshape(n, -1, cols.shape[-2] * cols.shape[-1])
            else:
                flat_cols = windows.reshape(-1, windows.shape[-1])
            dW = np.matmul(dz.transpose(0, 2, 1), flat_cols)  # (N, C_out, K · C_in)
            out[w.slice].reshape(c_out, c_in, k, n)[...] = dW.reshape(n, c_out, k, c_in).transpose(1, 3, 2, 0)
            out[b.slice] = dz.sum(axis=1).T
            if not i:
                break
            # The windows' errors, folded back onto the padded input: one strided sum per kernel tap.
            dcols = np.matmul(dz, params[i][0].transpose(0, 2, 1)).reshape(cols.shape)
            dpad = buf["dpads"][i - 1]
            dpad.fill(0.0)
            s, L_out = self.stride, self.lengths[i + 1]
            for j in range(k):
                dpad[:, :, j : j + s * (L_out - 1) + 1 : s, :] += dcols[..., j, :]
            deltas[i - 1].reshape(n, samples, self.lengths[i], -1)[...] = dpad[:, :, p : p + self.lengths[i], :]


def cnn(
    dataset: Dataset,
    channels: Sequence[int] = (25, 25, 25),
    kernels: Sequence[int] = (5, 3, 3),
    stride: int = 2,
    padding: int = 1,
    activation: str = "relu",
) -> CNN:
    """The training loss of ``nn.Sequential(Conv1d, act, ..., Flatten, Linear)`` on ``dataset``'s signals, as an objective of θ.

    The defaults are the MNIST-1D paper's convolutional network (``ConvBase``: 40 → 19 → 10 → 5
    positions, 25 channels, 125 features into the linear layer).
    """
    return CNN(dataset, channels, kernels, stride, padding, activation)
