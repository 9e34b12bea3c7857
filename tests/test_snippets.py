"""The "Copy as PyTorch" snippets, checked against the committed torch references without importing torch.

Each snippet is parsed with ``ast``; the optimizer class, its keyword arguments, the start, the step count
and the scheduler call are read back and fed to ``core.simulate``, which must then redo the torch
trajectory recorded in ``tests/reference``. The torch formulas are evaluated with NumPy standing in for torch.
"""

from __future__ import annotations

import ast
import json
import math
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

import core
from core import snippets
from core.formula import EXAMPLES, parse_formula
from core.run import Landscape
from core.schedules import SCHEDULES, default_params, get_schedule
from tests.reference import authors_cases, pyopt_cases
from tests.reference.cases import CASES, STEPS, program

HERE = Path(__file__).parent / "reference"
REFERENCE = np.load(HERE / "torch_trajectories.npz")
AUTHORS_REFERENCE = np.load(HERE / "authors_trajectories.npz")
SCHEDULE_REF = np.load(HERE / "torch_schedules.npz")
SCHEDULE_CASES = sorted({k.split("/")[0] for k in SCHEDULE_REF.files if k.endswith("/case")})
BY_TORCH_CLASS = {cls.__name__: name for name, cls in SCHEDULES.items()}
TORCH_BACKED = [n for n in core.OPTIMIZERS if core.get_spec(n).torch_name]  # read from the registry
NOT_IN_TORCH = [n for n in core.OPTIMIZERS if not core.get_spec(n).torch_name and not core.get_spec(n).reference]
PYOPT_REFERENCE = np.load(HERE / "pyopt_trajectories.npz")

# NumPy in torch's place, for evaluating the torch expressions of the landscapes.
FAKE_TORCH = SimpleNamespace(
    tensor=np.asarray,
    minimum=np.minimum,
    maximum=np.maximum,
    asin=np.arcsin,
    acos=np.arccos,
    atan=np.arctan,
    **{
        n: getattr(np, n)
        for n in ("sin", "cos", "tan", "sinh", "cosh", "tanh", "exp", "log", "log10", "sqrt", "abs", "sign", "atan2")
    },
)


def parts(source: str) -> dict[str, Any]:
    """What a snippet says: optimizer class and kwargs, scheduler class and kwargs, start and steps."""
    out: dict[str, Any] = {"scheduler": None, "scheduler_kwargs": {}}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            target, call = node.targets[0].id, node.value
            if target == "optimizer":
                out["class"] = call.func.attr
                out["kwargs"] = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
            elif target == "scheduler":
                out["scheduler"] = call.func.attr
                out["scheduler_kwargs"] = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
                if call.func.attr == "SequentialLR":  # the warm-up cosine: LinearLR then CosineAnnealingLR
                    inner = {
                        c.func.attr: {k.arg: ast.literal_eval(k.value) for k in c.keywords} for c in call.args[1].elts
                    }
                    out["scheduler_kwargs"] = {"milestones": out["scheduler_kwargs"]["milestones"], **inner}
            elif target == "p":
                out["x0"] = tuple(ast.literal_eval(call.args[0]))
        if isinstance(node, ast.For):
            out["steps"] = ast.literal_eval(node.iter.args[0])
    return out


def core_optimizer(torch_class: str, kwargs: dict[str, Any]) -> str:
    """The app's optimizer for a torch class and its keyword arguments (SGD is gd, momentum or nesterov)."""
    if torch_class == "SGD":
        return "nesterov" if kwargs.get("nesterov") else "momentum" if kwargs.get("momentum") else "gd"
    return next(n for n in core.OPTIMIZERS if core.get_spec(n).torch_name == torch_class)


def core_schedule(torch_class: str, kwargs: dict[str, Any]):
    """The app's schedule for a torch scheduler call, read as torch reads it (MultiStepLR takes its list)."""
    if torch_class == "SequentialLR":
        warm, cosine = kwargs["LinearLR"], kwargs["CosineAnnealingLR"]
        assert kwargs["milestones"] == [warm["total_iters"]] and warm["end_factor"] == 1.0
        params = {"warmup_steps": warm["total_iters"], "start_factor": warm["start_factor"], **cosine}
        return get_schedule("warmup_cosine", **params)
    return get_schedule(BY_TORCH_CLASS[torch_class], **kwargs)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_snippet_reproduces_torch_reference(case):
    """The snippet's class, hyperparameters, start and steps, read back, redo torch's 300 steps."""
    cid, name, hp, fn, x0 = case
    got = parts(program(name, hp, fn, x0, STEPS))
    assert got["class"] == core.get_spec(name).torch_name
    parsed_name = core_optimizer(got["class"], got["kwargs"])
    assert parsed_name == name
    opt = core.get_optimizer(parsed_name, **got["kwargs"])
    assert dict(opt.hyperparameters) == dict(core.get_optimizer(name, **hp).hyperparameters)
    assert got["x0"] == x0 and got["steps"] == STEPS and got["scheduler"] is None
    run = core.simulate(core.get_function(fn), opt, got["x0"], got["steps"])
    np.testing.assert_allclose(run.points, REFERENCE[cid], rtol=1e-9, atol=0)


@pytest.mark.parametrize("case", pyopt_cases.CASES, ids=[c[0] for c in pyopt_cases.CASES])
def test_snippet_imports_the_reference_package_and_reproduces_it(case):
    """One that torch.optim lacks: the snippet names the pinned package, builds its class with the same
    keyword arguments, and those, read back, redo the reference package's recorded run."""
    cid, name, hp, fn, x0 = case
    ref = core.get_spec(name).reference
    code = program(name, hp, fn, x0, pyopt_cases.STEPS)
    assert f"import {ref.module}\n" in code and f"pip install {ref.pip}" in code
    assert f"optimizer = {ref.module}.{ref.cls}([p]" in code
    got = parts(code)
    opt = core.get_optimizer(name, **got["kwargs"])
    assert dict(opt.hyperparameters) == dict(core.get_optimizer(name, **hp).hyperparameters)
    run = core.simulate(core.get_function(fn), opt, got["x0"], got["steps"])
    np.testing.assert_allclose(run.points, PYOPT_REFERENCE[cid], rtol=1e-9, atol=0)


@pytest.mark.parametrize("cid", SCHEDULE_CASES)
def test_snippet_scheduler_reproduces_torch_reference(cid):
    """With a scheduler: the torch scheduler call, read back into a schedule, redoes torch's trajectory."""
    case = json.loads(str(SCHEDULE_REF[f"{cid}/case"]))
    want = SCHEDULE_REF[f"{cid}/points"]
    schedule = (case["schedule"], tuple(sorted(case["params"].items())))
    got = parts(
        program(case["optimizer"], case["hp"], case["function"], tuple(want[0]), len(want) - 1, schedule=schedule)
    )
    sched = core_schedule(got["scheduler"], got["scheduler_kwargs"])
    opt = core.get_optimizer(core_optimizer(got["class"], got["kwargs"]), **got["kwargs"])
    run = core.simulate(core.get_function(case["function"]), opt, got["x0"], got["steps"], schedule=sched)
    np.testing.assert_allclose(run.points, want, rtol=1e-9, atol=1e-12)


def test_sgd_momentum_is_written_although_it_is_the_apps_default():
    """torch's SGD has momentum 0 by default, so the app's default 0.9 must appear in the constructor."""
    got = parts(program("momentum", {}, "quadratic", (1.0, 1.0), 5))["kwargs"]
    assert got == {"lr": 1e-3, "momentum": 0.9}
    assert parts(program("nadam", {}, "quadratic", (1.0, 1.0), 5))["kwargs"] == {"lr": 1e-3}


@pytest.mark.parametrize("fn", core.list_functions())
def test_torch_formula_of_each_landscape_matches_core(fn):
    """Each built-in landscape's torch expression, evaluated by NumPy, equals ``core``'s f."""
    f = core.get_function(fn)
    xmin, xmax, ymin, ymax = f.box
    x, y = np.meshgrid(np.linspace(xmin, xmax, 7), np.linspace(ymin, ymax, 5))
    values = {h.name: (h.ui[0] + h.ui[1]) / 3 for h in f.params}  # away from the defaults
    expr = snippets.function_torch(Landscape.of(fn, **values))
    want = core.get_function(fn, **values).value_xy(x, y)
    got = eval(expr, {"torch": FAKE_TORCH, "math": math, "x": x, "y": y})
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


FORMULAS = [
    *EXAMPLES.values(),
    "-x^2 + (x - y) - (x - y) + x / (y * 2) + 2^-x + (-x)^2 + x^y^2 + (x^y)^2",
    "abs(x) + atan2(y, 1) + min(x, y) + max(2, y) + log10(pi) + sign(x) * e + tanh(asin(0.5) * y)",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_translation_matches_core(text):
    """A typed formula's torch translation (from the checked tree) gives the same values as the app."""
    obj = parse_formula(text, (-2, 2, -2, 2))
    x, y = np.meshgrid(np.linspace(0.3, 1.9, 6), np.linspace(0.2, 1.7, 5))
    with np.errstate(all="ignore"):
        got = eval(snippets.formula_torch(text), {"torch": FAKE_TORCH, "math": math, "x": x, "y": y})
    np.testing.assert_allclose(got, obj.value_xy(x, y), rtol=1e-10, atol=1e-12)


def test_every_snippet_is_valid_python():
    """Every torch optimizer, landscape and schedule (at the app's default parameters) gives a parsable program."""
    for name in TORCH_BACKED:
        for fn in core.list_functions():
            for sched in SCHEDULES:
                params = default_params(sched, 40, (name,))
                code = program(name, {"lr": 0.01}, fn, (0.5, -0.5), 40, (sched, tuple(params.items())))
                tree = ast.parse(code)
                assert ("scheduler" in code) == (sched != "constant"), code
                assert any(isinstance(n, ast.FunctionDef) and n.name == "f" for n in tree.body)
    for text in FORMULAS:
        ast.parse(program("adam", {}, ("custom", text, (-5, 5, -5, 5)), (1.0, 1.0), 10, noise=0.5))


def test_what_torch_cannot_do_is_said():
    """An optimizer not in torch.optim (Lion) and ε inside the square root have no snippet; an unknown landscape neither."""
    assert "lion" in NOT_IN_TORCH
    for name in NOT_IN_TORCH:
        with pytest.raises(snippets.SnippetUnavailable, match=r"not in torch\.optim"):
            program(name, {"lr": 0.1}, "quadratic", (1.0, 1.0), 5)
    with pytest.raises(snippets.SnippetUnavailable, match="square root"):
        program("adam", {"eps_inside_sqrt": True}, "quadratic", (1.0, 1.0), 5)
    with pytest.raises(ValueError, match="unknown function"):
        snippets.function_torch(Landscape("no_such_landscape"))
    with pytest.raises(snippets.SnippetUnavailable, match="too long"):
        snippets.formula_torch(" + ".join(["sin(x)*cos(y)"] * 12))


def test_plateau_steps_on_the_loss_after_the_update():
    """ReduceLROnPlateau gets f after each update (as the app's schedule sees it), the others ``step()``."""
    code = program("adam", {"lr": 0.1}, "booth", (1.0, 1.0), 5, ("plateau", (("patience", 3),)))
    assert "scheduler.step(f(p).item())" in code
    code = program("adam", {"lr": 0.1}, "booth", (1.0, 1.0), 5, ("step", (("step_size", 2),)))
    assert "    scheduler.step()\n" in code


@pytest.mark.parametrize("name", core.NETWORK_OPTIMIZERS)
def test_network_only_optimizers_have_no_landscape_snippet(name):
    """torch.optim.Muon refuses a 1-D parameter and Adafactor's run is refused on a landscape: no program for either."""
    spec = core.get_spec(name)
    tunable = {h.name: h.default for h in spec.hypers}
    for hp in ({}, {"lr": 0.05}, {**tunable, **({"adamw_lr": 0.1} if name == "muon" else {})}):
        with pytest.raises(snippets.SnippetUnavailable, match="weight matrices"):
            program(name, hp, "quadratic", (1.0, 1.0), 5)
        with pytest.raises(snippets.SnippetUnavailable, match="weight matrices"):
            snippets.optimizer_kwargs(name, hp)


def test_one_cycle_shorter_than_the_run_stops_stepping_its_scheduler_there():
    """torch's OneCycleLR raises past total_steps; the program steps it only that far and holds the lr, as the app."""
    schedule = ("one_cycle", (("total_steps", 40),))
    code = program("momentum", {"lr": 0.05}, "quadratic", (-4.0, -6.0), 50, schedule)
    loop = next(n for n in ast.walk(ast.parse(code)) if isinstance(n, ast.For))
    guard = next(n for n in loop.body if isinstance(n, ast.If))
    assert ast.unparse(guard.test) == "step < 40"
    assert [ast.unparse(n) for n in guard.body] == ["scheduler.step()"]
    assert "scheduler.step()" not in [ast.unparse(n) for n in loop.body]
    whole = program("momentum", {"lr": 0.05}, "quadratic", (-4.0, -6.0), 40, schedule)
    assert "    scheduler.step()\n" in whole and "if step <" not in whole


@pytest.mark.parametrize("case", authors_cases.CASES, ids=[c[0] for c in authors_cases.CASES])
def test_package_snippet_reproduces_the_authors_reference(case):
    """Schedule-Free and Prodigy: the program imports the pinned package, builds its class (in train mode for
    Schedule-Free), and its keyword arguments, read back, redo the package's recorded trajectory."""
    cid, name, hp, fn, x0 = case
    ref = core.get_spec(name).reference
    code = program(name, hp, fn, x0, authors_cases.STEPS)
    tree = ast.parse(code)
    assert f"import {ref.module}" in [ast.unparse(n) for n in tree.body]
    assert f"pip install {ref.package}=={ref.version}" in code.splitlines()[1]
    got = parts(code)
    assert got["class"] == ref.cls and f"optimizer = {ref.path}([p]," in code
    trained = [ast.unparse(n) for n in tree.body].index("optimizer.train()") if ref.train_mode else None
    if ref.train_mode:
        loop = next(i for i, n in enumerate(tree.body) if isinstance(n, ast.For))
        assert trained is not None and trained < loop and "optimizer.eval()" in code
    else:
        assert "optimizer.train()" not in code
    opt = core.get_optimizer(name, **got["kwargs"])
    assert dict(opt.hyperparameters) == dict(core.get_optimizer(name, **hp).hyperparameters)
    run = core.simulate(core.get_function(fn), opt, got["x0"], got["steps"])
    np.testing.assert_allclose(run.points, AUTHORS_REFERENCE[f"{cid}/points"], rtol=1e-9, atol=0)
