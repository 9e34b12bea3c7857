"""Speed of AdEMAMix, ADOPT, Adan, LAMB and SOAP against their reference, pytorch-optimizer, on one thread.

Three workloads, each timed as the best of ``REPEATS``:

- ``2-D``: 1000 runs on Rosenbrock, 300 steps. The reference gets the same runs as one ``(1000, 2)``
  parameter (these optimizers act coordinate by coordinate) and the same analytic NumPy gradient.
- ``2-D big``: 100 000 runs, 30 steps: memory-bound array work, where torch's per-call overhead no longer hides.
- ``net×1``: one 2-16-16-2 tanh network on 256 ``moons`` points, 100 full-batch steps (torch: autograd).
- ``net×8``: eight such networks (seeds). ``core`` trains them as one batch; the reference trains one model
  per seed, since LAMB's trust ratio and SOAP's preconditioners belong to each network's own tensors.

Prints core's time / the reference's (target ≤ 1.25). Needs torch and pytorch-optimizer (dev only). From the
repository root: ``python -m benchmarks.pyopt_bench``.
"""

from __future__ import annotations

import time

import numpy as np

import core

RUNS, STEPS_2D = 1000, 300
BIG_RUNS, BIG_STEPS = 100_000, 30
NET_STEPS, HIDDEN = 100, (16, 16)
REPEATS = 3
HP = {
    "ademamix": {"lr": 0.02},
    "adopt": {"lr": 0.02},
    "adan": {"lr": 0.02},
    "lamb": {"lr": 0.02},
    "soap": {"lr": 0.01},
}


def best(fn) -> float:
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def starts(runs: int) -> np.ndarray:
    return np.random.default_rng(0).uniform((-2.0, -1.0), (2.0, 3.0), size=(runs, 2))


def core_2d(name: str, runs: int, steps: int):
    f, x0, opt = core.get_function("rosenbrock"), starts(runs), core.get_optimizer(name, **HP[name])
    return lambda: core.simulate(f, opt, x0, steps, record="last")


def torch_2d(name: str, runs: int, steps: int):
    import pytorch_optimizer
    import torch

    f = core.get_function("rosenbrock")

    def run():
        p = torch.tensor(starts(runs), requires_grad=True)
        opt = getattr(pytorch_optimizer, core.get_spec(name).reference.cls)([p], **HP[name])
        for _ in range(steps):
            p.grad = torch.from_numpy(f.grad(p.detach().numpy()))
            opt.step()

    return run


def problem() -> core.MLP:
    return core.mlp(core.get_dataset("moons", n=512, seed=0, test_fraction=0.5), HIDDEN, "tanh")


def core_net(name: str, seeds: int):
    f = problem()
    theta, opt = f.init(range(seeds)), core.get_optimizer(name, **HP[name])
    return lambda: core.simulate(f, opt, theta if seeds > 1 else theta[0], NET_STEPS, record="last")


def torch_net(name: str, seeds: int):
    import pytorch_optimizer
    import torch
    from torch.nn.utils import vector_to_parameters

    from tests.reference.make_network_reference import network, torch_loss

    f = problem()
    theta = np.atleast_2d(f.init(range(seeds)))

    def run():
        for s in range(seeds):
            model = network(f)
            vector_to_parameters(torch.tensor(theta[s]), model.parameters())
            opt = getattr(pytorch_optimizer, core.get_spec(name).reference.cls)(model.parameters(), **HP[name])
            for _ in range(NET_STEPS):
                opt.zero_grad()
                torch_loss(model, f).backward()
                opt.step()

    return run


def main() -> None:
    import torch

    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    print(f"{'optimizer':10s} {'workload':8s} {'core s':>8s} {'ref s':>8s} {'ratio':>6s}")
    for name in HP:
        loads = [("net×1", core_net(name, 1), torch_net(name, 1)), ("net×8", core_net(name, 8), torch_net(name, 8))]
        if name in core.OPTIMIZERS:
            loads[:0] = [
                ("2-D", core_2d(name, RUNS, STEPS_2D), torch_2d(name, RUNS, STEPS_2D)),
                ("2-D big", core_2d(name, BIG_RUNS, BIG_STEPS), torch_2d(name, BIG_RUNS, BIG_STEPS)),
            ]
        for label, mine_fn, ref_fn in loads:
            mine, ref = best(mine_fn), best(ref_fn)
            print(f"{name:10s} {label:8s} {mine:8.3f} {ref:8.3f} {mine / ref:6.2f}")


if __name__ == "__main__":
    main()
