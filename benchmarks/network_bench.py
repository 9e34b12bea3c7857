"""Network training speed: ``core.simulate`` on 32 MLPs at once against torch doing the same work.

Workload: 32 seeds of a 2-16-16-2 tanh network on 256 ``moons`` training points, 200 full-batch
steps, with adam and momentum. torch (one thread, float64) is written the fast way: the 32
networks' weights stacked into batched tensors (``baddbmm``) and one torch.optim optimizer over
them. Target: NumPy at most 1.3x torch's time. Also reports what a 13-optimizer x 8-seed x 1000-step
run keeps in memory.

Second workload, the MNIST-1D paper's CNN (``core.cnn``): 3 seeds trained at once for 100 Adam steps
(lr 1e-2) on minibatches of 100 taken in order, against torch doing the same in float64 on one
thread, the seeds stacked the fast way (grouped ``conv1d`` with ``groups=seeds``, ``baddbmm`` for the
linear layer). Target: at most 1.3x torch's time. Both libraries run on one thread (BLAS threads
are pinned to 1 before NumPy loads). Run from the repository root: ``python -m benchmarks.network_bench``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import time  # noqa: E402

import numpy as np  # noqa: E402

import core  # noqa: E402

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


CNN_SEEDS, CNN_STEPS, CNN_BATCH, CNN_LR = 3, 100, 100, 1e-2


def cnn_problem() -> core.CNN:
    return core.cnn(core.get_dataset("mnist1d"))


def numpy_cnn_run():
    f = cnn_problem()
    theta = f.init(range(CNN_SEEDS))
    opt = core.get_optimizer("adam", lr=CNN_LR)
    return lambda: core.simulate(f, opt, theta, CNN_STEPS, record="last", batch_size=CNN_BATCH, shuffle=False).final


def torch_cnn_run():
    """The same CNN training in torch (grouped convolutions over the stacked seeds), or None without torch."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    f = cnn_problem()
    n, theta = CNN_SEEDS, f.init(range(CNN_SEEDS))
    x, y = torch.tensor(f.dataset.x_train), torch.tensor(f.dataset.y_train)
    convs = len(f.channels)

    def stacked() -> list:
        """Conv weights ``(seeds · out, in, K)`` and biases ``(seeds · out,)``; linear ``(seeds, in, out)``, ``(seeds, 1, out)``."""
        out = []
        for b in f.layout[: 2 * convs]:
            part = torch.tensor(theta[:, b.slice].reshape(n * b.shape[0], *b.shape[1:]))
            out.append(part.requires_grad_())
        w, b = f.layout[-2], f.layout[-1]
        W = torch.tensor(theta[:, w.slice].reshape(n, *w.shape)).transpose(1, 2).contiguous()
        return [*out, W.requires_grad_(), torch.tensor(theta[:, b.slice][:, None, :]).requires_grad_()]

    def run() -> np.ndarray:
        params = stacked()
        opt = torch.optim.Adam(params, lr=CNN_LR)
        for step in range(CNN_STEPS):
            start = (step * CNN_BATCH) % len(y)
            h = x[start : start + CNN_BATCH][:, None, :].expand(-1, n, -1)
            for i in range(convs):
                h = torch.nn.functional.conv1d(
                    h, params[2 * i], params[2 * i + 1], stride=f.stride, padding=f.padding, groups=n
                ).relu()
            logits = torch.baddbmm(params[-1], h.reshape(CNN_BATCH, n, -1).transpose(0, 1), params[-2])
            labels = y[start : start + CNN_BATCH].repeat(n)
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels, reduction="sum")
            opt.zero_grad()
            (loss / CNN_BATCH).backward()
            opt.step()
        parts = [p.detach().reshape(n, -1) for p in params[: 2 * convs]]
        parts += [params[-2].detach().transpose(1, 2).reshape(n, -1), params[-1].detach().reshape(n, -1)]
        return torch.cat(parts, dim=1).numpy()

    return run


def cnn_figures() -> None:
    print(
        f"MNIST-1D CNN (25-25-25 channels), {CNN_SEEDS} seeds at once, {CNN_STEPS} Adam steps on minibatches of "
        f"{CNN_BATCH} in order (float64, 1 thread)"
    )
    ours, theirs = numpy_cnn_run(), torch_cnn_run()
    if theirs:
        gap = np.abs(ours() - theirs()).max()
        assert gap < 1e-8, f"numpy and torch disagree by {gap:g}"
    a = best_of(ours)
    b = best_of(theirs) if theirs else None
    ratio = f"{a / b:.2f}" if b else "n/a (no torch)"
    print(f"cnn        numpy {a:.3f} s, torch {b if b else float('nan'):.3f} s, ratio {ratio} (target <= 1.3)")


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
    cnn_figures()


if __name__ == "__main__":
    main()
