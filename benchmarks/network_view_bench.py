"""The network lab's default view per data set: where the CPU time goes, the whole view in AppTest, and memory.

Three parts (run from the repository root):

``python -m benchmarks.network_view_bench``: for every data set the lab offers, the CPU seconds of each
part of the default view computed as the page computes it (training, the evaluation of the recorded
rows on both splits, the loss slice's grid, the decision regions or the digits table), "before" (the
lab's former defaults: a 2-16-16 tanh network full batch on every set, 100 recorded rows, NumPy's default
BLAS threads) and "after" (the practitioner's defaults of ``core.workloads``, 50 rows, one BLAS thread as
the app sets it), with the page's own estimate (``ui.network.estimate``) beside the measured total.

``--apptest``: the page itself through AppTest (the default view per data set, the CPU seconds of that run
alone, the home page before it excluded), then a rerun with a changed chart option (the curves' tab, the
slice's directions), which must train nothing.

``--memory``: a real server (a fresh one per data set) and headless Chromium; the server's resident set
after home, then after that data set's default view, and its peak (target: a default view adds at most 150 MB).

``--abandon``: a costly view (cut to fit the limit) whose tab closes after 6 s: how soon the server is idle.

Targets: the default view at most 10 CPU-seconds per data set (issue 21), estimated within the limit.

Measured on the 2-core machine while other work ran (load 7-15), CPU seconds. Before: digits 44.9 (training
36.7, evaluation 3.0, slice 5.2), the 2-D sets 1.5-3.5 (their slice 0.4-2.4: two BLAS threads contending);
the old digits network on one BLAS thread alone was 3.8, so the threads were the larger part. After: digits 2.7
(1.1 / 0.85 / 0.74), the 2-D sets 0.5-0.6. Through AppTest, the whole page: before 1.6-2.3 on the 2-D sets
and 21.5 on digits, after 1.0-1.2 and 3.9; a rerun with the other curves tab 0.04-0.09, with the other slice
directions 0.2-1.0 (the slice only). Memory: a default view adds 19-31 MB (2-D) and 113 MB (digits) to the
server's resident set, peak +147 MB. A closed tab's work stops within about 0.5 s.

MNIST-1D (``--data mnist1d``; the CNN, 1 seed × 200 steps of minibatches of 100, 6 recorded rows, the slice at
21 × 21 on 250 training signals), on the same machine at load 15-17: training 4.30, evaluation 2.65, slice 1.39,
per-class table 0.06, total 8.40 CPU-s against an estimate of 8.73 (digits in the same run: 2.79, estimate 5.53).
``--data`` restricts any part to the data sets named.
"""

from __future__ import annotations

import argparse
import os
import time
from contextlib import nullcontext
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

import core
from core import landscape
from core.datasets import LAB_DATASETS, TWO_D_DATASETS
from core.defaults import demo_hyperparameters
from core.workloads import SIGNAL_DATASETS, TWO_D_NOISE, TWO_D_SAMPLES, default_workload

OLD_ROWS = 100


def cpu() -> float:
    return time.process_time()


def view_parts(data: str, before: bool) -> tuple[str, dict[str, float]]:
    """Seeds × steps of ``data``'s default view and the CPU seconds of each of its parts, computed as the page does
    (``before``: the old way)."""
    from core.classes import class_accuracy
    from ui import network

    w = default_workload(data)
    key = network.lab_workload(data, w.architecture, w.hidden, w.activation, w.batch_size, TWO_D_SAMPLES, TWO_D_NOISE)
    if before:
        n = TWO_D_SAMPLES if data in TWO_D_DATASETS else None
        f = core.mlp(core.get_dataset(data, n=n, noise=TWO_D_NOISE, seed=0), (16, 16), "tanh")
        batch, steps, seeds, every, sliced, resolution = None, 200, 4, max(1, 200 // OLD_ROWS), f, 31
    else:
        f, batch = key.network(), w.batch_size
        mine = {"steps": network.STEPS, "seeds": network.SEEDS, **network.DATA_DEFAULTS.get(data, {})}
        steps, seeds = mine["steps"], mine["seeds"]
        every = network.every(steps, network.max_rows(f))
        sliced, resolution = network.slice_problem(key), network.slice_size(f)[0]
    out = {"train": 0.0, "evaluate": 0.0}
    paths, finals = [], []
    for name in network.DEFAULT_OPTIMIZERS:
        hp = {**demo_hyperparameters(name), **network.NET_DEFAULTS.get(name, {})}
        t = cpu()
        run = core.simulate(
            f, core.get_optimizer(name, **hp), f.init(range(seeds)), steps, batch_size=batch, record_every=every
        )
        out["train"] += cpu() - t
        t = cpu()
        f.evaluate(run.points)
        out["evaluate"] += cpu() - t
        paths.append(run.points[:, 0])
        finals.append(run.final[0])
    t = cpu()
    landscape.loss_slice(sliced, paths, resolution=resolution)
    out["slice"] = cpu() - t
    t = cpu()
    if f.dataset.box is not None:
        xmin, xmax, ymin, ymax = f.dataset.box
        side = network.REGION_GRID
        grid = np.stack(np.meshgrid(np.linspace(xmin, xmax, side), np.linspace(ymin, ymax, side)), -1).reshape(-1, 2)
        f.predict(np.stack(finals), grid)
    else:  # the per-class table (ui.classes)
        class_accuracy(f, np.stack(finals))
    out["regions"] = cpu() - t
    if not before:
        out["estimate"] = network.estimate(f, len(network.DEFAULT_OPTIMIZERS), batch, seeds, steps)
    return f"{seeds}×{steps}", out


def breakdown(datasets: list[str]) -> None:
    print("CPU seconds per part of the default view (5 optimizers; seeds × steps as the page's defaults)")
    print(
        f"{'data':10s} {'':6s} {'runs':>7s} {'train':>7s} {'eval':>7s} {'slice':>7s} {'regions':>7s} {'total':>7s}"
        f" {'estimate':>8s}"
    )
    for data in datasets:
        for before in (True, False):
            if before and data in SIGNAL_DATASETS:
                continue  # the lab did not offer it before
            limit = nullcontext() if before else threadpool_limits(1, user_api="blas")
            with limit:
                runs, parts = view_parts(data, before)
            estimate = parts.pop("estimate", float("nan"))
            cells = " ".join(f"{v:7.2f}" for v in parts.values())
            tag = "before" if before else "after"
            print(f"{data:10s} {tag:6s} {runs:>7s} {cells} {sum(parts.values()):7.2f} {estimate:8.2f}", flush=True)


def apptest(datasets: list[str]) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.apptest_helpers import ENTRY

    print("AppTest: CPU seconds of the network page's default view alone (home excluded), then reruns")
    for data in datasets:
        at = AppTest.from_file(ENTRY, default_timeout=600)
        at.run()
        at.switch_page("pages/network.py")
        at.query_params["data"] = data
        t = cpu()
        at.run()
        first = cpu() - t
        assert not at.exception, at.exception
        at.session_state["network:curves"] = "Accuracy"
        t = cpu()
        at.run()
        tab = cpu() - t
        at.session_state["network:plane"] = "random"
        t = cpu()
        at.run()
        plane = cpu() - t
        print(
            f"{data:10s} default view {first:6.2f} CPU-s; rerun with the accuracy tab {tab:5.2f}, "
            f"with random directions {plane:5.2f}",
            flush=True,
        )


def memory() -> None:
    """Per data set, a fresh server: its resident set after home, then after the default view (and the peak)."""
    from playwright.sync_api import sync_playwright

    from benchmarks.memory_bench import memory_kb
    from tests.e2e.server import Server, launch_browser, new_page, wait_for_app

    print("server RSS: after home, after the network lab's default view (a fresh server per data set), peak")
    with sync_playwright() as pw:
        browser = launch_browser(pw)
        for data in LAB_DATASETS:
            with Server() as server:
                page = new_page(browser)
                page.goto(server.url)
                wait_for_app(page, timeout=120_000, settle_ms=500)
                base = memory_kb(server.proc.pid, "VmRSS")
                page.goto(f"{server.url}/network?data={data}")
                wait_for_app(page, timeout=300_000, settle_ms=500)
                rss, peak = memory_kb(server.proc.pid, "VmRSS"), memory_kb(server.proc.pid, "VmHWM")
                page.close()
            print(
                f"{data:10s} home {base / 1024:5.0f} MB, default view {rss / 1024:5.0f} MB "
                f"(+{(rss - base) / 1024:.0f} MB; peak +{(peak - base) / 1024:.0f} MB)",
                flush=True,
            )
        browser.close()


OPEN_SECONDS = 6
HEAVY_LINK = "/network?data=digits&layers=3&width=64&act=tanh&bs=full&steps=2000&seeds=16"


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) the process has used so far, from ``/proc``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def abandon() -> None:
    """A costly (reduced) view whose tab closes after 6 s: how soon the server stops working, and its CPU total."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.server import Server, launch_browser, new_page, wait_for_app

    with Server() as server, sync_playwright() as pw:
        browser = launch_browser(pw)
        page = new_page(browser)
        page.goto(server.url)
        wait_for_app(page, timeout=120_000, settle_ms=500)
        pid, start = server.proc.pid, server_cpu(server.proc.pid)
        page.goto(server.url + HEAVY_LINK)
        time.sleep(OPEN_SECONDS)
        page.close()
        closed, last, idle_at = time.time(), server_cpu(pid), None
        while time.time() - closed < 10:
            time.sleep(0.25)
            now = server_cpu(pid)
            if now - last < 0.25 * 0.1 and idle_at is None:  # under 10 % of a core over the last quarter second
                idle_at = time.time() - closed
            last = now
        browser.close()
    print(
        f"{HEAVY_LINK}: tab closed after {OPEN_SECONDS} s; server idle {idle_at:.2f} s later; {last - start:.1f} CPU-s in all"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apptest", action="store_true", help="the page through AppTest")
    parser.add_argument("--memory", action="store_true", help="the server's resident set, through Chromium")
    parser.add_argument("--abandon", action="store_true", help="a closed tab: how soon the server stops")
    parser.add_argument("--data", nargs="+", choices=LAB_DATASETS, default=list(LAB_DATASETS), help="these data sets")
    args = parser.parse_args()
    if args.abandon:
        abandon()
    elif args.memory:
        memory()
    elif args.apptest:
        apptest(args.data)
    else:
        breakdown(args.data)


if __name__ == "__main__":
    main()
