"""Network training speed: ``core.simulate`` on 32 MLPs at once against torch doing the same work.

Workload: 32 seeds of a 2-16-16-2 tanh network on 256 ``moons`` training points, 200 full-batch
steps, with adam and momentum. torch (one thread, float64) is written the fast way: the 32
networks' weights stacked into batched tensors (``baddbmm``) and one torch.optim optimizer over
them. Target: NumPy at most 1.3x torch's time. Also reports what a 13-optimizer x 8-seed x 1000-step
run keeps in memory. Run from the repository root: ``python -m benchmarks.network_bench``.
"""

from __future__ import annotations

import time

import numpy as np

import core

SEEDS, STEPS, HIDDEN = 32, 200, (16, 16)
HP = {"adam": {"lr": 0.01}, "momentum": {"lr": 0.1, "momentum": 0.9}}
TORCH = {"adam": ("Adam", {"lr": 0.01}), "momentum": ("SGD", {"lr": 0.1, "momentum": 0.9})}
REPEATS = 5


def problem() -> core.MLP:
    return core.mlp(core.get_dataset("moons", n=512, seed=0, test_fraction=0.5), HIDDEN, "tanh")


def numpy_run(name: str):
    f = problem()
    theta = f.init(range(SEEDS))
    opt = core.get_optimizer(name, **HP[name])
    return lambda: core.simulate(f, opt, theta, STEPS, record="last")


def torch_run(name: str):
    """The same training in torch, or None when torch is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    f = problem()
    theta = f.init(range(SEEDS))
    x = torch.tensor(f.dataset.x_train).expand(SEEDS, -1, -1)
    y = torch.tensor(f.dataset.y_train).repeat(SEEDS)
    cls, kw = TORCH[name]

    def stacked() -> list:
        """Per layer, weights ``(SEEDS, in, out)`` and biases ``(SEEDS, 1, out)`` cut from θ."""
        out = []
        for w, b in zip(f.layout[::2], f.layout[1::2], strict=False):
            W = torch.tensor(theta[:, w.slice].reshape((SEEDS, *w.shape))).transpose(1, 2).contiguous()
            out += [W.requires_grad_(), torch.tensor(theta[:, b.slice][:, None, :]).requires_grad_()]
        return out

    def run():
        params = stacked()
        opt = getattr(torch.optim, cls)(params, **kw)
        for _ in range(STEPS):
            opt.zero_grad()
            a = x
            for i in range(0, len(params) - 2, 2):
                a = torch.tanh(torch.baddbmm(params[i + 1], a, params[i]))
            logits = torch.baddbmm(params[-1], a, params[-2])
            # The sum over networks of each network's mean loss: every network gets its own gradient.
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, 2), y, reduction="sum") / x.shape[1]
            loss.backward()
            opt.step()
        return params

    return run


def torch_theta(params: list) -> np.ndarray:
    """Stacked torch parameters back in θ's layout, ``(SEEDS, D)``."""
    parts = []
    for W, b in zip(params[::2], params[1::2], strict=False):
        parts += [W.detach().transpose(1, 2).reshape(SEEDS, -1).numpy(), b.detach().reshape(SEEDS, -1).numpy()]
    return np.concatenate(parts, axis=1)


def best_of(fn) -> float:
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def memory_of_big_run() -> str:
    """Bytes a 13 optimizers x 8 seeds x 1000 steps comparison keeps, all steps vs every 10th."""
    f = problem()
    rows_all, rows_10 = 1001, 101
    per_row = 13 * 8 * (f.dim + 1) * 8  # points (D) + value, float64
    return (
        f"13 optimizers x 8 seeds x 1000 steps, D={f.dim}: record='all' {rows_all * per_row / 2**20:.0f} MB, "
        f"record_every=10 {rows_10 * per_row / 2**20:.1f} MB, record='last' {2 * per_row / 2**20:.2f} MB"
    )


def main() -> None:
    print(f"{SEEDS} x 2-16-16-2 tanh on 256 moons points, {STEPS} full-batch steps (float64, 1 thread)")
    print(f"{'optimizer':10s} {'numpy s':>8s} {'torch s':>8s} {'ratio':>6s}")
    for name in HP:
        ours, theirs = numpy_run(name), torch_run(name)
        if theirs:  # the same work: both end at the same networks
            gap = np.abs(ours().final - torch_theta(theirs())).max()
            assert gap < 1e-8, f"numpy and torch disagree by {gap:g}"
        a = best_of(ours)
        b = best_of(theirs) if theirs else None
        print(f"{name:10s} {a:8.3f} {b if b else float('nan'):8.3f} {a / b if b else float('nan'):6.2f}")
    print(memory_of_big_run())


if __name__ == "__main__":
    main()
