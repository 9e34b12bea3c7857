"""The MNIST-1D paper's table, reproduced with the core: logistic regression, the MLP and the CNN.

Trained as the paper's training script does (``notebooks/train.py`` of greydanus/mnist1d): Adam with
lr 1e-2, minibatches of 100 taken in order (``shuffle=False``), 8000 steps, the final test accuracy;
averaged over 3 seeds (seeds are the networks' initialisations; the seeds of one model train at once,
stacked in one ``simulate`` call). Models: ``mlp(hidden=())`` (logistic regression), the paper's
``MLPBase`` (``mlp((100, 100), "relu", residual=True)``) and ``ConvBase`` (``cnn()``). The paper's
README reports 32 / 68 / 94 %. Run from the repository root (defaults are the paper's):

    python -m benchmarks.mnist1d_table [--steps 8000] [--seeds 3] [--models logistic,mlp,cnn]

Measured with the defaults on the shared 2-core machine (one BLAS thread): 31.5 / 65.7 / 93.8 %
(per seed 31.5 31.5 31.5; 65.5 67.0 64.6; 93.9 94.3 93.2), in 2.5 / 43 / 263 s (the CNN before its
windows were laid out tap-major, about 1.5x faster since).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import core

PAPER = {"logistic": 32.0, "mlp": 68.0, "cnn": 94.0}  # test accuracy %, the mnist1d README's table
LR, BATCH, STEPS, SEEDS = 1e-2, 100, 8000, 3


def model(name: str, dataset: core.Dataset):
    if name == "logistic":
        return core.mlp(dataset, hidden=())
    if name == "mlp":
        return core.mlp(dataset, (100, 100), "relu", residual=True)
    return core.cnn(dataset)


def train(name: str, steps: int, seeds: int) -> tuple[np.ndarray, float]:
    """Test accuracies (%) of ``seeds`` networks after ``steps`` Adam steps, and the seconds it took."""
    f = model(name, core.get_dataset("mnist1d"))
    t0 = time.perf_counter()
    run = core.simulate(
        f,
        core.get_optimizer("adam", lr=LR),
        f.init(range(seeds)),
        steps,
        record="last",
        batch_size=BATCH,
        shuffle=False,
    )
    seconds = time.perf_counter() - t0
    return 100 * f.evaluate(run.final).test_accuracy, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=STEPS)
    parser.add_argument("--seeds", type=int, default=SEEDS)
    parser.add_argument("--models", default=",".join(PAPER))
    args = parser.parse_args()
    print(f"MNIST-1D, Adam lr {LR}, minibatches of {BATCH} in order, {args.steps} steps, {args.seeds} seeds")
    print(f"{'model':10s} {'paper %':>8s} {'ours %':>8s} {'per seed %':>24s} {'gap':>6s} {'seconds':>8s}")
    for name in args.models.split(","):
        acc, seconds = train(name, args.steps, args.seeds)
        seeds = " ".join(f"{a:.1f}" for a in acc)
        gap = acc.mean() - PAPER[name]
        print(f"{name:10s} {PAPER[name]:8.1f} {acc.mean():8.1f} {seeds:>24s} {gap:+6.1f} {seconds:8.1f}", flush=True)


if __name__ == "__main__":
    main()
