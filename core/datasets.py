"""Small classification data sets for the network lab: 2-D toy sets and the UCI digits, all offline.

The 2-D sets are generated from a seed and scaled to about [-1, 1]: circle follows TensorFlow
Playground's generator and moons scikit-learn's ``make_moons``, noise model included (their
docstrings say precisely what differs); xor, gaussians and spiral are after Playground's. ``digits`` reads the UCI handwritten
digits bundled in ``core/data`` (see its README for source and licence). Every set is split into
train and test parts by a seeded permutation, so the same arguments always give the same arrays.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .messages import N_, CoreError

DATA_DIR = Path(__file__).with_name("data")
TEST_FRACTION = 0.25


@dataclass(frozen=True, eq=False)
class Dataset:
    """Train and test arrays of one classification problem plus what the app shows about it.

    ``x_*`` are ``(n, d)`` floats, ``y_*`` are ``(n,)`` integer labels in ``[0, classes)``.
    ``box`` is the plotting extent ``(xmin, xmax, ymin, ymax)`` of a 2-D set (None otherwise);
    ``image_shape`` is the pixel grid of an image set (None otherwise).
    """

    name: str
    display_name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    classes: int
    description: str
    box: tuple[float, float, float, float] | None = None
    image_shape: tuple[int, int] | None = None

    @property
    def features(self) -> int:
        """Input dimension d."""
        return int(self.x_train.shape[1])

    @property
    def n_train(self) -> int:
        return int(self.x_train.shape[0])

    @property
    def n_test(self) -> int:
        return int(self.x_test.shape[0])


def _circle(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """A disc of one class inside a ring of the other: TensorFlow Playground's ``classifyCircleData``.

    Playground's radius 5 scaled to 1: ``n - n // 2`` points with radius uniform in [0, 0.5] (drawn
    as class 1) and ``n // 2`` with radius uniform in [0.7, 1] (class 0), at uniform angles. As in
    Playground the points themselves carry no noise: each is labelled 1 when it lies within 0.5 of
    the origin *after* a shift uniform in [-noise, noise] in x and in y (Playground's
    ``randUniform(-radius, radius) * noise``), so near the gap labels can flip. Differences: the
    draws come from NumPy's generator, not Playground's ``Math.random``, and for odd ``n`` the disc
    gets the extra point (Playground draws ``n / 2`` rounded up of each, so ``n + 1`` points).
    """
    n_disc = n - n // 2
    r = np.concatenate([rng.uniform(0.0, 0.5, n_disc), rng.uniform(0.7, 1.0, n // 2)])
    angle = rng.uniform(0.0, 2 * np.pi, n)
    x = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    shifted = x + noise * rng.uniform(-1.0, 1.0, (n, 2))
    return x, (np.hypot(shifted[:, 0], shifted[:, 1]) < 0.5).astype(int)


def _xor(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Points in the four quadrants, labelled by the sign of x·y (Playground's "exclusive or")."""
    x = rng.uniform(-1.0, 1.0, (n, 2))
    x += np.where(x > 0, 0.06, -0.06)  # keep clear of the axes, as Playground does
    y = (x[:, 0] * x[:, 1] > 0).astype(int)
    return x + noise * rng.standard_normal((n, 2)), y


def _gaussians(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian blobs centred at ±(0.4, 0.4) whose spread grows with the noise."""
    y = np.arange(n) % 2
    centres = np.where(y[:, None] == 1, 0.4, -0.4)
    return centres + (0.15 + noise) * rng.standard_normal((n, 2)), y


def _spiral(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spiral arms, one per class (Playground's "spiral")."""
    y = np.arange(n) % 2
    s = rng.uniform(0.0, 1.0, n)
    t = 1.75 * s * 2 * np.pi + np.pi * y
    x = np.stack([s * np.sin(t), s * np.cos(t)], axis=1)
    return x + noise * rng.standard_normal((n, 2)), y


MOONS_CENTRE = np.array([0.5, 0.25])  # the middle of make_moons's points, moved to the origin
MOONS_SCALE = 1.2  # make_moons's units per unit drawn: its x range [-1, 2] becomes [-1.25, 1.25]


def _moons(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: scikit-learn's ``make_moons(n, noise=noise, shuffle=False)``.

    As sklearn: ``n // 2`` points of class 0 on (cos t, sin t) and ``n - n // 2`` of class 1 on
    (1 − cos t, 1 − sin t − 0.5), t evenly spaced by ``np.linspace(0, π, ·)``, then Gaussian noise
    of standard deviation ``noise`` added in sklearn's units. Only then are the points centred
    and scaled for the shared plotting box: returned x is ``(sklearn's x − (0.5, 0.25)) / 1.2``,
    so ``1.2 · x + (0.5, 0.25)`` gives sklearn's points back (the noise is ``noise / 1.2`` in the
    returned units). Differences: the noise comes from NumPy's generator, not sklearn's
    ``RandomState``, so a seed does not give sklearn's noise; the order is class 0 then class 1
    (the train/test split permutes it, as sklearn's ``shuffle`` would).
    """
    n_out, n_in = n // 2, n - n // 2
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    x = np.concatenate(
        [np.stack([np.cos(t_out), np.sin(t_out)], 1), np.stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5], 1)]
    )
    y = np.repeat([0, 1], [n_out, n_in])
    x = x + rng.normal(scale=noise, size=x.shape)
    return (x - MOONS_CENTRE) / MOONS_SCALE, y


_GENERATED: dict[str, tuple[str, Callable, str]] = {
    "circle": ("Circle", _circle, "A disc of one class inside a ring of the other: needs a curved boundary."),
    "xor": ("Exclusive or", _xor, "Opposite quadrants share a class: no single line separates them."),
    "gaussians": ("Two Gaussians", _gaussians, "Two blobs: almost linearly separable, the easy case."),
    "spiral": ("Spiral", _spiral, "Two interleaved spiral arms: the hardest of the 2-D sets."),
    "moons": ("Two moons", _moons, "Two interleaving half circles (scikit-learn's make_moons)."),
}
# What ``noise`` does to each 2-D set (the Noise control's help).
NOISE_HELP: dict[str, str] = {
    "circle": N_(
        "As in TensorFlow Playground: the points stay where they are drawn, but each is labelled by where it "
        "lands after a random shift of up to ±noise × the outer radius in x and in y, so labels near the gap "
        "between disc and ring can flip."
    ),
    "xor": N_("Standard deviation of the Gaussian noise added to the points."),
    "gaussians": N_("Each blob's standard deviation is 0.15 + noise."),
    "spiral": N_("Standard deviation of the Gaussian noise added to the points."),
    "moons": N_(
        "As scikit-learn's make_moons(noise=…): the standard deviation of the Gaussian noise added to the "
        "points in make_moons's units; the points are drawn shrunk by 1.2, so the drawn noise is noise / 1.2."
    ),
}
DATASETS: tuple[str, ...] = (*tuple(_GENERATED), "digits")
TWO_D_DATASETS: tuple[str, ...] = tuple(_GENERATED)
DISPLAY_NAMES = {**{k: v[0] for k, v in _GENERATED.items()}, "digits": "Handwritten digits (UCI)"}


def _split(x: np.ndarray, y: np.ndarray, rng: np.random.Generator, test_fraction: float):
    """A seeded permutation: the first ``test_fraction`` of it is the test set."""
    order = rng.permutation(len(y))
    n_test = round(test_fraction * len(y))
    test, train = order[:n_test], order[n_test:]
    return x[train], y[train].astype(np.int64), x[test], y[test].astype(np.int64)


def generated_split(
    make: Callable, n: int, noise: float, seed: int, test_fraction: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A 2-D set drawn by ``make`` and split, both from one generator seeded ``seed``: train x, y, test x, y."""
    rng = np.random.default_rng(seed)
    x, y = make(rng, n, noise)
    return _split(x, y, rng, test_fraction)


def digits_split(
    pixels: np.ndarray, labels: np.ndarray, n: int, seed: int, test_fraction: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A seeded subset of ``n`` digits (kept in file order), pixels scaled from 0..16 to [0, 1], then split."""
    rng = np.random.default_rng(seed)
    keep = np.sort(rng.permutation(len(labels))[:n])
    return _split(pixels[keep] / 16.0, labels[keep], rng, test_fraction)


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The bundled UCI digits: pixels ``(1797, 64)`` in 0..16 and labels ``(1797,)``."""
    with gzip.open(DATA_DIR / "digits.csv.gz", "rt") as fh:
        raw = np.loadtxt(fh, delimiter=",")
    return raw[:, :-1], raw[:, -1].astype(np.int64)


def get_dataset(
    name: str, n: int | None = None, noise: float = 0.1, seed: int = 0, test_fraction: float = TEST_FRACTION
) -> Dataset:
    """Data set ``name`` with ``n`` samples in all (train + test), split by ``seed``.

    2-D sets: ``n`` defaults to 400; what ``noise`` does is each set's own (``NOISE_HELP``: for moons
    ``make_moons``'s standard deviation, for circle Playground's label noise). ``digits``: pixels
    scaled to [0, 1]; ``n`` (default: all 1797) takes a seeded subset; ``noise`` is ignored.
    """
    if name not in DATASETS:
        raise CoreError(
            N_("Unknown dataset {name}; valid names are: {names}"), name=repr(name), names=", ".join(DATASETS)
        )
    if not 0.0 < test_fraction < 1.0:
        raise CoreError(N_("Invalid test_fraction: {value} (expected a number in (0, 1))"), value=repr(test_fraction))
    if name == "digits":
        pixels, labels = load_digits()
        total = len(labels) if n is None else int(n)
        if not 10 <= total <= len(labels):
            raise CoreError(
                N_("Invalid n for digits: {value} (expected 10 to {limit})"), value=repr(n), limit=len(labels)
            )
        x_tr, y_tr, x_te, y_te = digits_split(pixels, labels, total, seed, test_fraction)
        return Dataset(
            "digits",
            DISPLAY_NAMES["digits"],
            x_tr,
            y_tr,
            x_te,
            y_te,
            10,
            "1797 handwritten digits as 8 × 8 grey images (UCI, CC BY 4.0), pixels scaled to [0, 1].",
            image_shape=(8, 8),
        )
    total = 400 if n is None else int(n)
    if total < 8:
        raise CoreError(N_("Invalid n: {value} (expected at least 8 samples)"), value=repr(n))
    if not np.isfinite(noise) or noise < 0:
        raise CoreError(N_("Invalid noise: {value} (expected a number >= 0)"), value=repr(noise))
    display, make, description = _GENERATED[name]
    x_tr, y_tr, x_te, y_te = generated_split(make, total, float(noise), seed, test_fraction)
    return Dataset(name, display, x_tr, y_tr, x_te, y_te, 2, description, box=(-1.6, 1.6, -1.6, 1.6))
