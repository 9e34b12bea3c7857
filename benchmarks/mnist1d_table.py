"""The MNIST-1D paper's table, reproduced with the core: logistic regression, the MLP and the CNN.

Trained as the paper's training script does (``notebooks/train.py`` of greydanus/mnist1d): Adam with
lr 1e-2, minibatches of 100 taken in order (``shuffle=False``), 8000 steps, the final test accuracy;
averaged over 3 seeds (seeds are the networks' initialisations; the seeds of one model train at once).
Models and training are ``core.mnist1d_paper``'s (``model``, ``train``: ``simulate``'s updates in blocks,
recording the test accuracy about 40 times per run). The paper's README reports 32 / 68 / 94 %. Run from
the repository root (defaults are the paper's):

    python -m benchmarks.mnist1d_table [--steps 8000] [--seeds 3] [--models logistic,mlp,cnn] [--write]

``--write`` stores the table, the test accuracy curves and how they were measured (steps, seeds, date,
machine) in ``core/data/mnist1d_table.json``, which the "Reproduce MNIST-1D" page shows. ``--live`` instead
runs the page's live preset (``core.mnist1d_paper.plan`` at ``PLAN_SECONDS``, one seed) and prints its
estimated and measured CPU seconds (``time.process_time``: every BLAS thread counts).

Measured with the defaults on the shared 2-core machine (one BLAS thread, a loaded machine), committed in
``core/data/mnist1d_table.json``: 31.5 / 65.7 / 93.1 % (per seed 31.5 31.5 31.5; 65.5 67.0 64.6;
92.7 93.5 93.2), in 21 / 55 / 309 s wall. (Before the CNN's windows were laid out tap-major, its seeds
ended at 93.9 94.3 93.2: another summation order, amplified over 8000 steps.)
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import time

import numpy as np

from core import mnist1d_paper as paper
from core.classes import class_accuracy


def cpu_name() -> str:
    """The processor's model name (Linux), else what ``platform`` says."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def train(name: str, steps: int, seeds: int) -> tuple[np.ndarray, float, list[int], list[float], list[float]]:
    """Test accuracies (%) of ``seeds`` networks after ``steps`` steps, the seconds it took, the mean test
    accuracy curve (steps, %) and the mean test accuracy per class (%)."""
    t0 = time.perf_counter()
    at, curve = [], []
    for point in paper.train(name, steps, seeds):
        at.append(point.step)
        curve.append(round(100 * float(point.test_accuracy.mean()), 2))
    seconds = time.perf_counter() - t0
    classes = 100 * np.nanmean(class_accuracy(paper.model(name), point.theta), axis=0)
    return 100 * point.test_accuracy, seconds, at, curve, [round(float(c), 2) for c in classes]


def live() -> None:
    """The page's live preset: its plan and its measured CPU seconds."""
    costs = {name: paper.step_seconds(name) for name in paper.MODELS}
    plan = paper.plan(paper.PLAN_SECONDS, costs)
    print(f"live preset: {plan.steps} steps x {plan.seeds} seed, estimated {plan.seconds:.1f} CPU-s")
    print(f"  (OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'default')})")
    total = 0.0
    for name in paper.MODELS:
        c0 = time.process_time()
        *_, point = paper.train(name, plan.steps, plan.seeds)
        cpu = time.process_time() - c0
        total += cpu
        print(f"  {name:10s} {cpu:6.1f} CPU-s  test accuracy {100 * point.test_accuracy.mean():.1f} %", flush=True)
    print(f"  total      {total:6.1f} CPU-s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=paper.STEPS)
    parser.add_argument("--seeds", type=int, default=paper.SEEDS)
    parser.add_argument("--models", default=",".join(paper.MODELS))
    parser.add_argument("--write", action="store_true", help="store the result in " + str(paper.MEASURED_FILE))
    parser.add_argument("--live", action="store_true", help="run the page's live preset instead")
    args = parser.parse_args()
    if args.live:
        live()
        return
    print(
        f"MNIST-1D, Adam lr {paper.LR}, minibatches of {paper.BATCH} in order, {args.steps} steps, {args.seeds} seeds"
    )
    print(f"{'model':10s} {'paper %':>8s} {'ours %':>8s} {'per seed %':>24s} {'gap':>6s} {'seconds':>8s}")
    models = {}
    for name in args.models.split(","):
        acc, seconds, at, curve, classes = train(name, args.steps, args.seeds)
        seeds = " ".join(f"{a:.1f}" for a in acc)
        gap = acc.mean() - paper.PAPER[name]
        print(
            f"{name:10s} {paper.PAPER[name]:8.1f} {acc.mean():8.1f} {seeds:>24s} {gap:+6.1f} {seconds:8.1f}", flush=True
        )
        models[name] = {
            "accuracy": [round(float(a), 2) for a in acc],
            "seconds": round(seconds, 1),
            "steps": at,
            "curve": curve,
            "classes": classes,
        }
    if args.write:
        setting = {
            "steps": args.steps,
            "seeds": args.seeds,
            "lr": paper.LR,
            "batch": paper.BATCH,
            "date": datetime.date.today().isoformat(),
            "machine": f"{cpu_name()}, {os.cpu_count()} logical cores shared, Linux",
            "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
            "numpy": np.__version__,
            "command": "OPENBLAS_NUM_THREADS=1 python -m benchmarks.mnist1d_table --write",
        }
        text = json.dumps({"setting": setting, "models": models}, indent=1)
        paper.MEASURED_FILE.write_text(text + "\n", encoding="utf-8")
        print("wrote", paper.MEASURED_FILE)


if __name__ == "__main__":
    main()
