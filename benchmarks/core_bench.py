"""Core speed: ns per coordinate-update for adam and momentum, NumPy core vs torch.optim.

Both sides run full steps on the article's quadratic (gradient + update) for a batch of
starts; torch uses one thread. Also times the basin-map workload (256x256 starts x 200
steps x 5 optimizers on Himmelblau, record="last"). Run: ``python benchmarks/core_bench.py``.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import core  # noqa: E402

HP = {"adam": {"lr": 1e-3}, "momentum": {"lr": 1e-3, "momentum": 0.9}}
TORCH = {"adam": ("Adam", {"lr": 1e-3}), "momentum": ("SGD", {"lr": 1e-3, "momentum": 0.9})}


def steps_for(n: int) -> int:
    return max(10, int(2e7 // (2 * n)))


def best_of(fn, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def numpy_ns(name: str, n: int) -> float:
    f = core.get_function("quadratic")
    opt = core.get_optimizer(name, **HP[name])
    x0 = np.random.default_rng(0).uniform(-5, 5, (n, 2))
    steps = steps_for(n)
    seconds = best_of(lambda: core.simulate(f, opt, x0, steps, record="last"))
    return seconds / (steps * 2 * n) * 1e9


def torch_ns(name: str, n: int) -> float | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    cls, kw = TORCH[name]
    coef = torch.tensor([0.2, 4.0], dtype=torch.float64)
    steps = steps_for(n)

    def run():
        p = torch.tensor(np.random.default_rng(0).uniform(-5, 5, (n, 2)), requires_grad=True)
        p.grad = torch.empty_like(p)
        opt = getattr(torch.optim, cls)([p], **kw)
        with torch.no_grad():
            for _ in range(steps):
                torch.mul(p, coef, out=p.grad)
                opt.step()

    return best_of(run) / (steps * 2 * n) * 1e9


def basin_workload() -> float:
    f = core.get_function("himmelblau")
    xs = np.linspace(-5, 5, 256)
    grid = np.stack(np.meshgrid(xs, xs), axis=-1)
    t0 = time.perf_counter()
    for name in core.ARTICLE_OPTIMIZERS:
        core.simulate(f, core.get_optimizer(name, lr=0.01), grid, 200, record="last")
    return time.perf_counter() - t0


def main() -> None:
    print(f"{'optimizer':10s} {'starts':>8s} {'numpy ns':>9s} {'torch ns':>9s} {'ratio':>6s}")
    for name in ("adam", "momentum"):
        for n in (10_000, 100_000, 1_000_000):
            ours = numpy_ns(name, n)
            theirs = torch_ns(name, n)
            ratio = f"{ours / theirs:6.2f}" if theirs else "   n/a"
            shown = f"{theirs:9.2f}" if theirs else "      n/a"
            print(f"{name:10s} {n:8d} {ours:9.2f} {shown} {ratio}")
    print(f"basin workload (256x256 x 200 steps x 5 optimizers, himmelblau): {basin_workload():.2f} s")


if __name__ == "__main__":
    main()
