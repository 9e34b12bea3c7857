"""Core speed: ns per coordinate-update for adam and momentum, NumPy core vs torch.optim.

Both sides run full steps on the article's quadratic (gradient + update) for a batch of
starts; torch uses one thread. Also times the basin-map workload (256x256 starts x 200
steps x 5 optimizers on Himmelblau, record="last"). Run: ``python -m benchmarks.core_bench``.
"""

from __future__ import annotations

import time

import numpy as np

import core

HP = {"adam": {"lr": 1e-3}, "momentum": {"lr": 1e-3, "momentum": 0.9}}
TORCH = {"adam": ("Adam", {"lr": 1e-3}), "momentum": ("SGD", {"lr": 1e-3, "momentum": 0.9})}


def steps_for(n: int) -> int:
    return max(100, int(2e8 // (2 * n)))  # ~0.5 s of work per run, so set-up costs do not count


REPEATS = 7


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def numpy_run(name: str, n: int):
    """A callable doing ``steps_for(n)`` full steps of the NumPy core on ``n`` starts."""
    f = core.get_function("quadratic")
    opt = core.get_optimizer(name, **HP[name])
    x0 = np.random.default_rng(0).uniform(-5, 5, (n, 2))
    steps = steps_for(n)
    return lambda: core.simulate(f, opt, x0, steps, record="last")


def torch_run(name: str, n: int):
    """The same work with torch.optim (one thread), or None when torch is not installed."""
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

    return run


def ns_per_update(name: str, n: int) -> tuple[float, float | None]:
    """Best of ``REPEATS`` interleaved runs of each side, in ns per coordinate-update."""
    return best_ns(numpy_run(name, n), torch_run(name, n), n)


def best_ns(ours, theirs, n: int) -> tuple[float, float | None]:
    """Best of ``REPEATS`` interleaved runs of ``ours`` and ``theirs`` (or None) on ``n`` starts, in ns per
    coordinate-update."""
    a, b = [], []
    for _ in range(REPEATS):
        a.append(timed(ours))
        if theirs is not None:
            b.append(timed(theirs))
    scale = 1e9 / (steps_for(n) * 2 * n)
    return min(a) * scale, (min(b) * scale if b else None)


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
            ours, theirs = ns_per_update(name, n)
            ratio = f"{ours / theirs:6.2f}" if theirs else "   n/a"
            shown = f"{theirs:9.2f}" if theirs else "      n/a"
            print(f"{name:10s} {n:8d} {ours:9.2f} {shown} {ratio}")
    print(f"basin workload (256x256 x 200 steps x 5 optimizers, himmelblau): {basin_workload():.2f} s")


if __name__ == "__main__":
    main()
