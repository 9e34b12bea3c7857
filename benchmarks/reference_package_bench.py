"""Speed against the authors' packages: ns per coordinate-update, NumPy core vs the reference class on one thread.

For every optimizer of ``tests.reference.authors_cases.PACKAGES`` (Schedule-Free AdamW and SGD, Prodigy), both sides do
full steps (gradient + update) on the article's quadratic for a batch of starts. The reference holds the batch as
one ``(n, 2)`` tensor (so Prodigy keeps one d for all of it, where the core keeps one per run: the same work
per coordinate plus one reduction per run). Needs torch and the packages (dev-only). Run:
``python -m benchmarks.reference_package_bench``.
"""

from __future__ import annotations

import importlib

import numpy as np

import core
from benchmarks.core_bench import best_ns, steps_for
from tests.reference.authors_cases import PACKAGES

HP = {"schedulefree_adamw": {"lr": 1e-3}, "schedulefree_sgd": {"lr": 1e-3}, "prodigy": {"lr": 1.0}}


def numpy_run(name: str, n: int):
    f = core.get_function("quadratic")
    opt = core.get_optimizer(name, **HP[name])
    x0 = np.random.default_rng(0).uniform(-5, 5, (n, 2))
    steps = steps_for(n)
    return lambda: core.simulate(f, opt, x0, steps, record="last")


def reference_run(name: str, n: int):
    """The same work with the reference class (one thread), or None when torch or the package is missing."""
    try:
        import torch

        ref = PACKAGES[name]
        cls = getattr(importlib.import_module(ref.module), ref.cls)
    except ImportError:
        return None
    torch.set_num_threads(1)
    coef = torch.tensor([0.2, 4.0], dtype=torch.float64)
    steps = steps_for(n)

    def run():
        p = torch.tensor(np.random.default_rng(0).uniform(-5, 5, (n, 2)), requires_grad=True)
        p.grad = torch.empty_like(p)
        opt = cls([p], **HP[name])
        if ref.train_mode:
            opt.train()
        with torch.no_grad():
            for _ in range(steps):
                torch.mul(p, coef, out=p.grad)
                opt.step()

    return run


def ns_per_update(name: str, n: int) -> tuple[float, float | None]:
    """Best of ``REPEATS`` interleaved runs of each side, in ns per coordinate-update."""
    return best_ns(numpy_run(name, n), reference_run(name, n), n)


def main(sizes: tuple[int, ...] = (10_000, 100_000)) -> None:
    print(f"{'optimizer':20s} {'starts':>8s} {'numpy ns':>9s} {'ref ns':>9s} {'ratio':>6s}")
    for name in PACKAGES:
        for n in sizes:
            ours, theirs = ns_per_update(name, n)
            ratio = f"{ours / theirs:6.2f}" if theirs else "   n/a"
            shown = f"{theirs:9.2f}" if theirs else "      n/a"
            print(f"{name:20s} {n:8d} {ours:9.2f} {shown} {ratio}")


if __name__ == "__main__":
    main()
