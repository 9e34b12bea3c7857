"""Run the "Copy as PyTorch" snippets with real torch and compare them with ``core.simulate`` (needs torch).

Not a test (tests never import torch). Optimizers from reference packages (a spec's ``reference``:
Schedule-Free, Prodigy, AdEMAMix, ADOPT, Adan) are run when their package is installed, else listed as skipped. From the repository root:

    python -m scripts.check_snippets

Gradients come from autograd on the snippet's torch formula, so agreement is to rounding (rtol 1e-6).
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
from pathlib import Path

import numpy as np

import core
from core.formula import EXAMPLES
from core.schedules import get_schedule
from tests.reference import pyopt_cases
from tests.reference.authors_cases import CASES as AUTHORS_CASES
from tests.reference.cases import CASES, program

HERE = Path(__file__).resolve().parent.parent / "tests" / "reference"
STEPS = 60


def torch_path(code: str) -> np.ndarray:
    """Execute a snippet and return its recorded path ``(steps + 1, 2)``."""
    scope: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "<snippet>", "exec"), scope)
    return np.array([p.numpy() for p in scope["path"]])


def check(label: str, code: str, want: np.ndarray) -> bool:
    """Compare one snippet with the app's trajectory; print one line."""
    got = torch_path(code)
    ok = got.shape == want.shape and np.allclose(got, want, rtol=1e-6, atol=1e-9)
    err = float(np.max(np.abs(got - want))) if got.shape == want.shape else float("inf")
    print(f"{'ok  ' if ok else 'FAIL'} {label:40s} max |Δ| = {err:.2e}")
    return ok


def main() -> int:
    results = []
    for cid, name, hp, fn, x0 in CASES:
        want = core.simulate(core.get_function(fn), core.get_optimizer(name, **hp), x0, STEPS).points
        results.append(check(cid, program(name, hp, fn, x0, STEPS), want))
    for cid, name, hp, fn, x0 in [*AUTHORS_CASES, *pyopt_cases.CASES]:
        ref = core.get_spec(name).reference
        if ref is None or importlib.util.find_spec(ref.module) is None:
            print(f"skip {cid:40s} ({ref.package if ref else name} is not installed)")
            continue
        want = core.simulate(core.get_function(fn), core.get_optimizer(name, **hp), x0, STEPS).points
        results.append(check(cid, program(name, hp, fn, x0, STEPS), want))
    ref = np.load(HERE / "torch_schedules.npz")
    for key in sorted(k for k in ref.files if k.endswith("/case")):
        case = json.loads(str(ref[key]))
        sched = (case["schedule"], tuple(sorted(case["params"].items())))
        x0 = tuple(ref[key.replace("/case", "/points")][0])
        want = core.simulate(
            core.get_function(case["function"]),
            core.get_optimizer(case["optimizer"], **case["hp"]),
            x0,
            STEPS,
            schedule=get_schedule(sched[0], **dict(sched[1])),
        ).points
        code = program(case["optimizer"], case["hp"], case["function"], x0, STEPS, sched)
        results.append(check(key.split("/")[0], code, want))
    from core.formula import parse_formula

    for label, text in EXAMPLES.items():
        f = parse_formula(text, (-5, 5, -5, 5))
        want = core.simulate(f, core.get_optimizer("adam", lr=0.05), (1.0, 1.0), STEPS).points
        code = program("adam", {"lr": 0.05}, ("custom", text, (-5, 5, -5, 5)), (1.0, 1.0), STEPS)
        results.append(check(f"formula: {label}", code, want))
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
